"""Servers that misbehave, each a real process on loopback (tests/hardening/hostile_peer.py).

* ``wsexplorer diagnose`` against a server that accepts TCP and never answers the upgrade
  reports ``handshake.outcome == "timeout"`` (``--timeout 1``; the wall time is checked
  against a hang guard only), and against HTTP 200/404/500/401/403 reports ``http_status``
  with the status; for 401 and 403 the text report says what to check.
* A :class:`~wsexplorer.probes.session.LiveSession` against a peer that sends a frame with
  a reserved opcode, text that is not UTF-8, closes in the middle of a message, or floods:
  it reports an error and/or close event, the event loop stays responsive (a ticker task
  measures its lag) and traced memory stays bounded (tracemalloc) while it runs.
"""

from __future__ import annotations

import asyncio
import collections
import json
import time
import tracemalloc

import pytest

from tests.hardening._support import LoopLag, hostile_peer
from tests.support import run_wsx
from wsexplorer.model import (
    Address,
    SessionEvent,
    SessionEventKind,
    SessionState,
    Source,
    parse_url,
)
from wsexplorer.presentation import explain_status
from wsexplorer.probes.session import LiveSession

HANG_GUARD_S = 10.0  # wall-time guard for a command given --timeout 1
LOOP_LAG_GUARD_S = 1.0  # a frozen loop would miss its 10 ms ticks by far more


def test_server_that_never_answers_the_upgrade_is_a_handshake_timeout() -> None:
    with hostile_peer("silent") as port:
        done, wall = run_wsx("diagnose", f"ws://127.0.0.1:{port}/", "--json", "--timeout", "1")
        text, _ = run_wsx("diagnose", f"ws://127.0.0.1:{port}/", "--timeout", "1")
    assert wall < HANG_GUARD_S
    assert done.returncode == 1, done.stderr
    d = json.loads(done.stdout)
    assert [(a["address"], a["outcome"]) for a in d["attempts"]] == [("127.0.0.1", "connected")]
    hs = d["handshake"]
    assert (hs["outcome"], hs["status"]) == ("timeout", None)
    assert hs["error"] == "timed out during opening handshake"
    clients = {c["id"]: c for c in d["clients"]}
    assert clients["python-websockets"]["error"] == "timed out during opening handshake"
    assert clients["curl"]["outcome"] == "connects"  # TCP connects: "curl works"
    # Node's built-in WebSocket, Bun and Deno: unknown (each waited 25 s here without a
    # word; whether any gives up later was not checked), so the failing ones are named.
    assert d["verdict"]["summary"] == (
        f"the server on 127.0.0.1:{port} never answers the WebSocket upgrade, so Node.js 16 "
        "ws, Node.js 17-19 ws, Node.js 20+ ws, Python websockets, Python aiohttp, Python "
        "websocket-client and Chrome fail even though TCP connects"
    )
    for cid in ("node-websocket", "node-websocket-24", "bun", "deno"):
        assert clients[cid]["outcome"] == "unknown", cid
    assert "Handshake  127.0.0.1: timeout: timed out during opening handshake" in text.stdout
    assert "Traceback" not in done.stderr + text.stderr


@pytest.mark.parametrize(
    ("status", "explanation"),
    [
        (200, None),
        (404, "(no WebSocket endpoint at /: check the URL's path)"),  # the URL's path named
        (500, None),
        (401, f"({explain_status(401)})"),
        (403, f"({explain_status(403)})"),
    ],
)
def test_plain_http_answers_are_reported_with_their_status(
    status: int, explanation: str | None
) -> None:
    with hostile_peer(f"http:{status}") as port:
        url = f"ws://127.0.0.1:{port}/"
        done, wall = run_wsx("diagnose", url, "--json", "--timeout", "1")
        text, _ = run_wsx("diagnose", url, "--timeout", "1")
    assert wall < HANG_GUARD_S
    assert done.returncode == 1 and text.returncode == 1, done.stderr + text.stderr
    d = json.loads(done.stdout)
    hs = d["handshake"]
    assert (hs["outcome"], hs["status"]) == ("http_status", status)
    clients = {c["id"]: c for c in d["clients"]}
    assert clients["node-20"]["error"] == f"Unexpected server response: {status}"
    assert clients["python-websockets"]["error"] == (
        f"server rejected WebSocket connection: HTTP {status}"
    )
    assert f"answers the WebSocket upgrade with HTTP {status}" in d["verdict"]["summary"]
    line = next(x for x in text.stdout.splitlines() if x.startswith("Handshake"))
    if explanation is None:
        assert line.startswith(f"Handshake  127.0.0.1: HTTP {status} "), line
        assert "(" not in line
    else:
        assert line.endswith(explanation), line


class _Recorder:
    """Keeps the last events (as a UI would, capped) and counts every kind."""

    def __init__(self) -> None:
        self.last: collections.deque[SessionEvent] = collections.deque(maxlen=50)
        self.counts: collections.Counter[SessionEventKind] = collections.Counter()

    def __call__(self, event: SessionEvent) -> None:
        self.last.append(event)
        self.counts[event.kind] += 1

    def of(self, kind: SessionEventKind) -> list[SessionEvent]:
        return [e for e in self.last if e.kind is kind]


async def _session_against(mode: str) -> tuple[LiveSession, _Recorder, LoopLag, int, float]:
    """Open a LiveSession to the hostile peer and wait (bounded) until it is over.

    Returns the session, its events, the loop-lag measurement, tracemalloc's peak in
    bytes and the seconds from open to closed.
    """
    events = _Recorder()
    with hostile_peer(mode) as port:
        url = parse_url(f"ws://127.0.0.1:{port}/")
        session = LiveSession(url, [Address.of("127.0.0.1", Source.LITERAL)], events, timeout=5)
        tracemalloc.start()
        try:
            async with LoopLag() as lag:
                hs = await session.connect()
                assert hs.ok, hs
                opened = time.monotonic()
                async with asyncio.timeout(60):  # hang guard
                    while session.state is SessionState.OPEN:
                        await asyncio.sleep(0.02)
                took = time.monotonic() - opened
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            await session.close()
    return session, events, lag, peak, took


@pytest.mark.parametrize(
    ("mode", "code", "reason"),
    [
        ("bad-opcode", 1002, "closed by wsexplorer: invalid opcode"),
        ("bad-utf8", 1007, "closed by wsexplorer: invalid start byte at position 0"),
        ("mid-message", 1006, "connection lost without a close frame"),
    ],
)
async def test_live_session_survives_a_broken_peer(mode: str, code: int, reason: str) -> None:
    session, events, lag, _, took = await _session_against(mode)
    assert session.state is SessionState.CLOSED
    closes = events.of(SessionEventKind.CLOSE)
    assert [(e.code, e.text) for e in closes] == [(code, reason)]
    if code != 1006:  # wsexplorer failed the connection itself: an error event says why
        assert [e.text for e in events.of(SessionEventKind.ERROR)] == [reason]
    assert events.counts[SessionEventKind.MESSAGE] == 0
    # The peer never closes TCP after the protocol error; the session must not wait for
    # websockets' next keepalive (20 s) to notice. Generous: the grace is 1 s.
    assert took < 10, took
    assert lag.ticks > 0 and lag.worst < LOOP_LAG_GUARD_S, lag.worst


async def test_live_session_under_a_flood_stays_responsive_and_bounded() -> None:
    count, size = 20_000, 4096  # 80 MB of messages, as fast as loopback takes them
    session, events, lag, peak, _ = await _session_against(f"flood:{count}:{size}")
    assert session.received == count
    assert events.counts[SessionEventKind.MESSAGE] == count
    shown = events.of(SessionEventKind.MESSAGE)[-1]
    assert shown.size == size and len(shown.text) <= 4097  # MAX_TEXT and an ellipsis
    assert [(e.code, e.text) for e in events.of(SessionEventKind.CLOSE)] == [(1000, "flood done")]
    print(f"\nflood: loop lag worst {lag.worst * 1000:.1f} ms, traced peak {peak / 1e6:.1f} MB")
    assert lag.worst < LOOP_LAG_GUARD_S, lag.worst
    # Memory must not follow the 80 MB sent: websockets' max_queue (16) applies
    # backpressure and each event keeps at most MAX_TEXT characters.
    assert peak < 32 * 1024 * 1024, peak
