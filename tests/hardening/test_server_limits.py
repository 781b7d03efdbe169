"""``wsexplorer serve`` as a real process against clients that attack it from the network
(issue "Hostile peers and untrusted text", findings 2 and 5). The clients are raw bytes
(tests/hardening/hostile_client.py); the server's memory is its ``VmRSS`` and its
descriptors the entries of ``/proc/PID/fd``.

* A client that floods Pings and never reads: memory stays bounded and the keepalive,
  whose ping no longer waits on a drain, drops it ("dropped ...: no pong ...").
* 20 clients that send 1 MiB messages and never read the echoes: bounded memory, each
  dropped after ``--write-timeout`` ("the peer stopped reading").
* 1,000 half-open TCP connections: the server holds at most ``--max-connections`` of them
  (plus a few kept to be told 503), closes the rest at once, drops the held ones at the
  handshake deadline, and a loopback client then connects.
* ``--origin``: other origins get 403; a client that sends no Origin is served.
* In a network namespace (remote addresses without leaving the machine): ``--max-per-peer``
  and the loopback reserve; the diagnosis on the server's machine still succeeds while
  remote peers hold every slot they may.

Memory bounds are generous; times are hang guards only.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.hardening._support import ServeProcess, fd_count, rss_kib
from tests.hardening.hostile_client import half_open, hold, ping_flood, unread_echo
from tests.scenarios.netns import Namespace
from tests.support import stop_process, wsx_argv, wsx_env
from wsexplorer.probes.admission import REFUSALS

GROWTH_LIMIT_KIB = 100 * 1024  # generous: without the limits these loads took 300-600 MB
HOSTILE_CLIENT = Path(__file__).resolve().parent / "hostile_client.py"


async def _sample_rss(pid: int, stop: asyncio.Event, peaks: list[int]) -> None:
    while not stop.is_set():
        peaks.append(rss_kib(pid))
        await asyncio.sleep(0.05)


async def _peak_growth(pid: int, load: asyncio.Future[object]) -> tuple[object, int]:
    """Run ``load`` while sampling ``pid``'s RSS; returns its result and the peak growth."""
    before = rss_kib(pid)
    stop = asyncio.Event()
    peaks: list[int] = [before]
    sampler = asyncio.create_task(_sample_rss(pid, stop, peaks))
    try:
        async with asyncio.timeout(120):  # hang guard
            result = await load
    finally:
        stop.set()
        await sampler
    return result, max(peaks) - before


async def _echo(port: int, text: str = "still here") -> str:
    async with connect(f"ws://127.0.0.1:{port}/subscribe", proxy=None, open_timeout=10) as ws:
        await ws.send(text)
        async with asyncio.timeout(10):
            return str(await ws.recv())


async def test_ping_flood_client_is_dropped_with_bounded_memory() -> None:
    with ServeProcess("--keepalive", "1") as server:
        flood = asyncio.ensure_future(ping_flood("127.0.0.1", server.port, 600))
        ended, growth = await _peak_growth(server.proc.pid, flood)
        line = server.wait_for_line("dropped 127.0.0.1")
        assert await _echo(server.port) == "still here"
    # The flood was cut short by the server, long before 600 MB.
    assert ended in ("ConnectionResetError", "BrokenPipeError"), ended
    assert line.endswith("dropped 127.0.0.1: no pong to a keepalive ping within 1 s"), line
    print(f"\nping flood: server RSS growth {growth / 1024:.1f} MB")
    assert growth < GROWTH_LIMIT_KIB, growth


async def test_clients_that_never_read_the_echo_are_dropped() -> None:
    with ServeProcess("--write-timeout", "2") as server:
        load = asyncio.gather(*(unread_echo("127.0.0.1", server.port, 16) for _ in range(20)))
        ended, growth = await _peak_growth(server.proc.pid, load)
        server.wait_for_line("dropped 127.0.0.1: the peer stopped reading: ")
        assert await _echo(server.port) == "still here"
        stalled = [x for x in server.lines if "the peer stopped reading" in x]
    assert set(ended) <= {"ConnectionResetError", "BrokenPipeError"}, ended  # type: ignore[arg-type]
    assert len(stalled) == 20, server.lines
    assert all(x.endswith(" bytes unsent for 2 s") for x in stalled), stalled
    print(f"\nunread echoes: server RSS growth {growth / 1024:.1f} MB")
    assert growth < GROWTH_LIMIT_KIB, growth


def _raise_nofile(need: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= need:
        return
    if hard != resource.RLIM_INFINITY and hard < need:
        pytest.skip(f"RLIMIT_NOFILE hard limit {hard} < {need}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


async def _sample_fds(pid: int, base: int, stop: asyncio.Event, out: list[int]) -> None:
    while not stop.is_set():
        out.append(fd_count(pid) - base)
        await asyncio.sleep(0.02)


async def test_thousand_half_open_connections_stay_within_the_cap() -> None:
    _raise_nofile(1500)
    cap = 64
    with ServeProcess("--max-connections", str(cap), "--handshake-timeout", "4") as server:
        pid = server.proc.pid
        base = fd_count(pid)
        stop = asyncio.Event()
        during: list[int] = []
        sampler = asyncio.create_task(_sample_fds(pid, base, stop, during))
        writers, failed = await half_open("127.0.0.1", server.port, 1000)
        try:
            await asyncio.sleep(0.5)  # the last accepts are handled
            stop.set()
            await sampler
            held = [fd_count(pid) - base for _ in range(10)]
            # The held ones are dropped at the handshake deadline: then a loopback client
            # connects, while the 1,000 sockets are still open on this side.
            async with asyncio.timeout(30):  # hang guard
                while True:
                    try:
                        reply = await _echo(server.port)
                        break
                    except Exception:
                        await asyncio.sleep(0.2)
        finally:
            stop.set()
            for writer in writers:
                writer.transport.abort()
        line = server.wait_for_line("refused 127.0.0.1: too many connections (64)")
    print(f"\nhalf-open: server fds above base: {max(held)} held, {max(during)} at most")
    assert len(writers) + failed == 1000 and len(writers) > cap + REFUSALS
    # Held: the cap and the few kept open to be told 503. While connections pour in, an
    # over-limit one is closed two turns of the event loop after its accept, and asyncio
    # accepts at most 100 a turn: at most two such batches are open at once.
    assert max(held) <= cap + REFUSALS, held
    assert max(during) <= cap + REFUSALS + 2 * 100, max(during)
    assert reply == "still here"
    assert "refused so far" in line


async def test_handshake_deadline_closes_a_silent_connection() -> None:
    with ServeProcess("--handshake-timeout", "1") as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            async with asyncio.timeout(10):  # hang guard; the deadline is 1 s
                assert await reader.read(100) == b""
        finally:
            writer.transport.abort()


async def test_origin_allow_list() -> None:
    good, other = "http://class.example:3000", "http://evil.example"
    with ServeProcess("--origin", good, "--origin", "http://localhost:8000") as server:
        assert "http://class.example:3000, http://localhost:8000" in server.banner[-1]
        opened, refused = await hold("127.0.0.1", server.port, 1, origin=good)
        assert (len(opened), refused) == (1, [])
        none_opened, none_refused = await hold("127.0.0.1", server.port, 1)
        assert (len(none_opened), none_refused) == (1, [])
        _, bad = await hold("127.0.0.1", server.port, 1, origin=other)
        for writer in opened + none_opened:
            writer.transport.abort()
    assert len(bad) == 1 and bad[0].startswith("HTTP/1.1 403 Forbidden"), bad
    assert "invalid Origin header: http://evil.example" in bad[0], bad


def _in_ns(ns: Namespace, *args: str) -> subprocess.Popen[str]:
    return ns.popen(
        [sys.executable, str(HOSTILE_CLIENT), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(HOSTILE_CLIENT.parents[2])},
    )


def _report(proc: subprocess.Popen[str]) -> dict[str, object]:
    assert proc.stdout is not None
    return dict(json.loads(proc.stdout.readline()))


def test_per_peer_cap_and_loopback_reserve(netns: Callable[..., Namespace]) -> None:
    ns = netns(ipv4_addr="10.9.8.7/24", ipv6_addr="fd00:9::7/64")
    args = ("--host", "::", "--dual-stack", "--max-connections", "10")
    limits = ("--max-per-peer", "5", "--loopback-reserve", "2", "--idle-timeout", "120")
    server = ns.popen(
        wsx_argv("serve", *args, *limits, "--port", "0"),
        env=wsx_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    clients: list[subprocess.Popen[str]] = []
    try:
        assert server.stdout is not None
        line = server.stdout.readline()  # "--port auto: ...", then "listening on [::]:P ..."
        while "]:" not in line:
            line = server.stdout.readline()
        port = int(line.split("]:", 1)[1].split()[0])
        # One remote address: 5 connections (--max-per-peer), the 6th and 7th refused.
        clients.append(_in_ns(ns, "hold", "10.9.8.7", str(port), "7", "--bind", "10.9.8.7"))
        first = _report(clients[-1])
        # Another remote address: 3 more fill the 8 remote slots (10 - 2 kept for loopback).
        clients.append(_in_ns(ns, "hold", "fd00:9::7", str(port), "5", "--bind", "fd00:9::7"))
        second = _report(clients[-1])
        # This machine's own diagnosis still gets its upgrade: the reserve.
        diag = ns.run(
            wsx_argv("diagnose", f"ws://127.0.0.1:{port}/subscribe", "--json", "--no-dns"),
            env=wsx_env(),
        )
        clients.append(_in_ns(ns, "hold", "127.0.0.1", str(port), "3"))
        local = _report(clients[-1])
    finally:
        for proc in clients:
            stop_process(proc, sig=signal.SIGKILL)
        stop_process(server, grace=15, sig=signal.SIGINT)
    per_peer = "HTTP/1.1 503 Service Unavailable | too many connections from 10.9.8.7 (5)"
    assert first == {"opened": 5, "refused": [per_peer, per_peer]}, first
    reserve = (
        "HTTP/1.1 503 Service Unavailable | too many connections (10, 2 kept for this machine)"
    )
    assert second == {"opened": 3, "refused": [reserve, reserve]}, second
    hs = json.loads(diag.stdout)["handshake"]
    assert (hs["outcome"], hs["status"]) == ("ok", 101), diag.stdout
    # The reserve's 2 slots, then the total cap (the diagnosis has closed its own).
    assert local == {
        "opened": 2,
        "refused": ["HTTP/1.1 503 Service Unavailable | too many connections (10)"],
    }, local


def test_demo_server_has_serve_limits() -> None:
    """The TUI's demo server (``demo``, ``--demo-server``) is built from ServerConfig's
    defaults: they are exactly what ``serve`` with no options runs with."""
    from wsexplorer.cli_serve import serve_parser, server_config
    from wsexplorer.probes.server import ServerConfig

    assert server_config(serve_parser().parse_args([])) == ServerConfig()
    small = server_config(serve_parser().parse_args(["--max-connections", "4"]))
    assert (small.max_connections, small.loopback_reserve) == (4, 3)
