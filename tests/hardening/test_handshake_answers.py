"""Hostile answers to the upgrade, each from a real process on loopback
(tests/hardening/hostile_peer.py), through the real ``wsexplorer diagnose`` (JSON, text,
Markdown) and a :class:`~wsexplorer.probes.session.LiveSession`:

* every 3xx (301/302/303/307/308; relative, absolute, malformed, two or no ``Location``)
  is a ``redirect`` handshake with its status and masked Location: exit 1, a full report
  on stdout, no traceback; the live session ends FAILED, never stays "connecting";
* a 101 with 1,000 headers is an invalid answer naming websockets' limit, not a timeout;
* credentials in the URL, in ``-H`` headers, in a subprotocol and in the server's headers
  never appear in any output.

What each real client does with the same answers: tests/scenarios/test_answers_real.py.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from rich.console import Console

from tests.hardening._support import hostile_peer
from tests.support import run_wsx
from wsexplorer.model import (
    Address,
    HandshakeOutcome,
    ObserveOptions,
    SessionState,
    Source,
    parse_url,
)
from wsexplorer.presentation.handshake import REDIRECT_ADVICE
from wsexplorer.probes.session import LiveSession
from wsexplorer.ui.widgets.session import render_handshake

HANG_GUARD_S = 10.0
SECRET = "s3cr3t"


def _all_formats(url: str, *extra: str) -> tuple[dict[str, object], str, str]:
    """``diagnose`` as JSON, text and Markdown; checks what every run must satisfy."""
    done, wall = run_wsx("diagnose", url, "--json", "--timeout", "2", *extra)
    text, _ = run_wsx("diagnose", url, "--timeout", "2", *extra)
    md, _ = run_wsx("diagnose", url, "--markdown", "--timeout", "2", *extra)
    assert wall < HANG_GUARD_S
    for proc in (done, text, md):
        assert proc.returncode == 1, proc.stdout[-500:] + proc.stderr
        assert "Traceback" not in proc.stderr and proc.stderr == "", proc.stderr
        assert proc.stdout.strip()
        assert SECRET not in proc.stdout
    return json.loads(done.stdout), text.stdout, md.stdout


@pytest.mark.parametrize(
    ("mode", "status", "location", "clause"),
    [
        (
            f"redirect:302:/elsewhere?access_token={SECRET}&room=7",
            302,
            "/elsewhere?access_token=***&room=7",
            "HTTP 302 to /elsewhere?access_token=***&room=7",
        ),
        ("redirect:301:ws://127.0.0.1:1/x", 301, "ws://127.0.0.1:1/x", None),
        (
            f"redirect:307:https://login.test/cb?client_secret={SECRET}",
            307,
            "https://login.test/cb?client_secret=***",
            None,
        ),
        ("redirect:308:/", 308, "/", None),
        ("redirect:303:http://[::1", 303, "http://[::1", None),
        ("redirect:302:", 302, None, "HTTP 302 without a Location header"),
        ("dup-location", 302, "/first?via=dup", "HTTP 302 with 2 Location headers"),
    ],
)
def test_every_redirect_is_reported_not_a_traceback(
    mode: str, status: int, location: str | None, clause: str | None
) -> None:
    with hostile_peer(mode) as port:
        url = f"ws://127.0.0.1:{port}/"
        d, text, md = _all_formats(url)
    hs = d["handshake"]
    assert isinstance(hs, dict)
    assert (hs["outcome"], hs["status"], hs["location"]) == ("redirect", status, location)
    clients = {c["id"]: c for c in d["clients"]}  # type: ignore[attr-defined]
    assert clients["node-20"]["error"] == f"Unexpected server response: {status}"
    assert clients["curl"]["outcome"] == "connects"
    clause = clause or f"HTTP {status} to {location}"
    assert f"a redirect ({clause})" in d["verdict"]["summary"]  # type: ignore[index]
    line = next(x for x in text.splitlines() if x.startswith("Handshake"))
    assert line == f"Handshake  127.0.0.1: redirect: {clause} ({REDIRECT_ADVICE})"
    for out in (text, md):
        assert "wsexplorer does not follow redirects: Node ws (followRedirects is off" in out
        assert "Python websockets follows" in out


def test_a_101_with_1000_headers_is_an_invalid_answer_not_a_timeout() -> None:
    with hostile_peer("many-headers:1000") as port:
        d, text, md = _all_formats(f"ws://127.0.0.1:{port}/")
    hs = d["handshake"]
    assert isinstance(hs, dict)
    assert hs["outcome"] == "invalid"
    assert hs["limit"] == "too many headers (1003 > websockets' limit 128)"
    assert hs["head"]["headers"] == 1003 and hs["head"]["peer_closed"] is True
    assert "never answers" not in d["verdict"]["summary"]  # type: ignore[index]
    assert "Handshake  127.0.0.1: invalid answer: too many headers (1003 > websockets' " in text
    assert "too many headers (1003 \\> websockets' limit 128)" in md  # Markdown-escaped
    clients = {c["id"]: c for c in d["clients"]}  # type: ignore[attr-defined]
    assert clients["node-20"]["outcome"] == "connects"
    assert clients["python-websockets"]["error"] == "did not receive a valid HTTP response"


def test_a_server_that_holds_after_a_bad_head_makes_python_wait() -> None:
    with hostile_peer("many-headers:200:hold") as port:
        done, wall = run_wsx("diagnose", f"ws://127.0.0.1:{port}/", "--json", "--timeout", "2")
    assert wall < HANG_GUARD_S and done.returncode == 1, done.stderr
    d = json.loads(done.stdout)
    assert d["handshake"]["outcome"] == "invalid"
    assert d["handshake"]["head"]["peer_closed"] is False
    clients = {c["id"]: c for c in d["clients"]}
    assert clients["python-websockets"]["error"] == "timed out during opening handshake"


def test_secrets_in_url_headers_subprotocol_and_answer_never_show() -> None:
    query = f"X-Amz-Signature={SECRET}&X-Amz-Security-Token={SECRET}&auth_token={SECRET}"
    query += f"&client_secret={SECRET}&id_token={SECRET}&refresh_token={SECRET}"
    query += f"&accessToken={SECRET}&room=7"
    extra = (
        "-H",
        f"Authorization: Bearer {SECRET}",
        "-H",
        f"X-Csrf-Token: {SECRET}",
        "--subprotocol",
        f"base64url.bearer.authorization.k8s.io.{SECRET}",
    )
    with hostile_peer("secret-headers") as port:
        url = f"ws://127.0.0.1:{port}/?{query}"
        outs = []
        for fmt in ("--json", "--markdown", None):
            args = ("diagnose", url, "--timeout", "2", *extra, *((fmt,) if fmt else ()))
            proc, _ = run_wsx(*args)
            assert proc.returncode == 0, proc.stdout[-800:] + proc.stderr
            outs.append(proc.stdout + proc.stderr)
    for out in outs:
        assert SECRET not in out, out[:2000]
        assert "room=7" in out and "X-Amz-Signature=***" in out
    d = json.loads(outs[0])
    headers = dict(d["handshake"]["headers"])
    assert headers["X-Amz-Security-Token"] == "***"
    assert headers["X-Csrf-Token"] == "***"
    assert headers["Set-Cookie"] == "sid=***; HttpOnly"
    assert headers["Location"] == "wss://other.test/cb?access_token=***&room=7"
    assert headers["X-Request-Id"] == "req-42"  # not a secret: stays readable
    assert headers["Upgrade"] == "websocket"
    assert d["handshake"]["location"] == "wss://other.test/cb?access_token=***&room=7"
    assert d["handshake"]["subprotocol"] == "base64url.bearer.authorization.k8s.io.***"
    assert headers["Sec-WebSocket-Protocol"] == "base64url.bearer.authorization.k8s.io.***"


def _rendered(hs: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(render_handshake(hs))  # type: ignore[arg-type]
    return console.export_text()


@pytest.mark.parametrize(
    ("mode", "outcome", "shown"),
    [
        (
            f"redirect:302:/login?access_token={SECRET}",
            HandshakeOutcome.REDIRECT,
            "redirect: HTTP 302 to /login?access_token=*** from 127.0.0.1",
        ),
        (
            "many-headers:1000",
            HandshakeOutcome.INVALID,
            "invalid answer: too many headers (1003 > websockets' limit 128)",
        ),
        ("secret-headers", HandshakeOutcome.OK, "Location: wss://other.test/cb?access_token=***"),
    ],
)
async def test_live_session_shows_the_answer_and_stops(
    mode: str, outcome: HandshakeOutcome, shown: str
) -> None:
    events: list[object] = []
    with hostile_peer(mode) as port:
        url = parse_url(f"ws://127.0.0.1:{port}/")
        session = LiveSession(url, [Address.of("127.0.0.1", Source.LITERAL)], events.append)
        start = time.monotonic()
        try:
            async with asyncio.timeout(HANG_GUARD_S):
                hs = await session.connect()
        finally:
            await session.close()
    assert time.monotonic() - start < 5
    assert hs.outcome is outcome
    if outcome is HandshakeOutcome.OK:
        assert session.state is SessionState.CLOSED
    else:
        assert session.state is SessionState.FAILED
    text = _rendered(hs)
    assert shown in text, text
    assert SECRET not in text
    if outcome is HandshakeOutcome.REDIRECT:
        assert "not followed: wsexplorer does not follow redirects" in text


async def test_tui_session_pane_shows_the_redirect_and_fails() -> None:
    """The issue's TUI symptom: the Session pane stayed "connecting…" for good."""
    from tests.ui.test_app_real import SIZE, _plain
    from wsexplorer.testing.canned import settle
    from wsexplorer.ui.app import WsxApp
    from wsexplorer.ui.config import AppConfig

    with hostile_peer(f"redirect:302:/login?access_token={SECRET}") as port:
        app = WsxApp(
            AppConfig(url=parse_url(f"ws://127.0.0.1:{port}/"), options=ObserveOptions(dns=False))
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pane = app.main.session_pane
            assert pane.state is SessionState.FAILED
            assert pane.handshake is not None and pane.handshake.status == 302
            for _ in range(150):  # until the handshake block's new height is laid out
                shown = _plain(app.main, "#session-handshake")
                if "follow redirects" in shown:
                    break
                await pilot.pause(0.02)
            state = _plain(app.main, "#session-state")
    assert "redirect: HTTP 302 to /login?access_token=*** from 127.0.0.1" in shown, shown
    assert "wsexplorer does not follow redirects" in shown
    assert "failed" in state and "connecting" not in state, state
    assert SECRET not in shown
