"""The tracer against real sockets on loopback: refused, connected, handshake outcomes."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from tests.support import free_port
from wsexplorer.model import Address, AttemptOutcome, FamilyChoice, HandshakeOutcome, parse_url
from wsexplorer.probes.connect import _classify
from wsexplorer.probes.server import DemoServer, ServerConfig
from wsexplorer.probes.tracer import _connect_budget, probe_addresses, trace


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


async def test_refused_then_connected_then_101() -> None:
    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path="/subscribe"))
    (lis,) = await server.start()
    try:
        url = parse_url(f"ws://localhost:{lis.port}/subscribe")
        addrs = (
            [Address.of("::1"), Address.of("127.0.0.1")]
            if _has_ipv6()
            else [Address.of("127.0.0.2"), Address.of("127.0.0.1")]
        )
        attempts, hs = await trace(url, addrs, timeout=5)
        assert [a.outcome for a in attempts] == [AttemptOutcome.REFUSED, AttemptOutcome.CONNECTED]
        assert "Errno 111" in (attempts[0].error or "")
        assert hs.outcome is HandshakeOutcome.OK and hs.status == 101
        assert hs.address == "127.0.0.1"
        assert any(k.lower() == "upgrade" for k, _ in hs.headers)
        only4, _ = await trace(url, addrs, family=FamilyChoice.IPV4, timeout=5)
        assert {a.family.value for a in only4} == {"ipv4"}
    finally:
        await server.stop()


async def test_wrong_path_is_http_404() -> None:
    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path="/subscribe"))
    (lis,) = await server.start()
    try:
        url = parse_url(f"ws://127.0.0.1:{lis.port}/nope")
        _, hs = await trace(url, [Address.of("127.0.0.1")], timeout=5)
        assert hs.outcome is HandshakeOutcome.HTTP_STATUS and hs.status == 404
    finally:
        await server.stop()


async def test_silent_server_is_handshake_timeout_within_deadline() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts TCP (kernel backlog) and never answers the upgrade
    port = silent.getsockname()[1]
    try:
        url = parse_url(f"ws://127.0.0.1:{port}/")
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        attempts, hs = await trace(url, [Address.of("127.0.0.1")], timeout=0.5)
        assert attempts[0].outcome is AttemptOutcome.CONNECTED
        assert hs.outcome is HandshakeOutcome.TIMEOUT
        assert loop.time() - t0 < 5  # hang guard only
    finally:
        silent.close()


async def test_plain_http_server_gives_its_status() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        _, hs = await trace(
            parse_url(f"ws://127.0.0.1:{port}/"), [Address.of("127.0.0.1")], timeout=3
        )
        assert hs.outcome is HandshakeOutcome.HTTP_STATUS and hs.status == 200
    finally:
        srv.close()


async def test_garbage_answer_is_invalid() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        writer.write(b"\x00\xffgarbage garbage\r\n\r\n")
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        _, hs = await trace(
            parse_url(f"ws://127.0.0.1:{port}/"), [Address.of("127.0.0.1")], timeout=3
        )
        assert hs.outcome in (HandshakeOutcome.INVALID, HandshakeOutcome.CLOSED)
        assert hs.error
    finally:
        srv.close()


async def test_nothing_to_try_and_probe_row() -> None:
    port = free_port()
    attempts, hs = await trace(parse_url(f"ws://127.0.0.1:{port}/"), [], timeout=1)
    assert attempts == () and hs.outcome is HandshakeOutcome.NOT_ATTEMPTED
    row = await probe_addresses(["127.0.0.1"], port, timeout=1)
    assert row[0].outcome is AttemptOutcome.REFUSED


@pytest.mark.parametrize("bad", ["fe80::1%nosuchif0"])
async def test_bad_zone_is_an_error_value(bad: str) -> None:
    attempts, _ = await trace(parse_url("ws://localhost:1/"), [Address.of(bad)], timeout=1)
    assert attempts[0].outcome in (AttemptOutcome.ERROR, AttemptOutcome.UNREACHABLE)


async def test_an_address_that_never_answers_leaves_time_for_the_next() -> None:
    """A full accept queue drops SYNs (Linux, tcp_abort_on_overflow=0): a connect to it
    hangs, like a blackholed route. The trace caps it and still reaches the next address
    and completes the handshake there, all within the deadline."""
    full = socket.socket()
    full.bind(("127.0.0.1", 0))
    full.listen(0)
    port = full.getsockname()[1]
    fillers = []
    server = DemoServer(ServerConfig(host="127.0.0.2", port=port, path=None))
    try:
        for _ in range(3):  # fill the queue: these connects succeed, nobody accepts them
            c = socket.socket()
            c.setblocking(False)
            c.connect_ex(("127.0.0.1", port))
            fillers.append(c)
        await asyncio.sleep(0.1)
        await server.start()
        url = parse_url(f"ws://example.test:{port}/")
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        attempts, hs = await trace(
            url, [Address.of("127.0.0.1"), Address.of("127.0.0.2")], timeout=3
        )
        elapsed = loop.time() - t0
        assert [a.outcome for a in attempts] == [AttemptOutcome.TIMEOUT, AttemptOutcome.CONNECTED]
        # 2.5 s of the 3 s deadline: less than ARP's 3 s, so said to be cut short.
        assert [a.cut_short for a in attempts] == [True, False]
        assert 2.4 < attempts[0].elapsed_ms / 1000 < 2.9
        assert hs.outcome is HandshakeOutcome.OK and hs.address == "127.0.0.2"
        assert elapsed < 3.5  # within the deadline (a hang guard, not a benchmark)
    finally:
        for c in fillers:
            c.close()
        full.close()
        await server.stop()


def test_connect_budget_gives_neighbour_resolution_its_time() -> None:
    # Default deadline, two addresses: the first may wait ARP's 3 s plus the margin.
    assert _connect_budget(5 / 3, 5.0, 1, 3.0) == 3.5
    # A short deadline keeps 0.25 s per later address and for the handshake.
    assert _connect_budget(2 / 3, 2.0, 1, 3.0) == 1.5
    # Never less than the fair share, never past the deadline.
    assert _connect_budget(1.0, 1.2, 3, 3.0) == 1.0
    assert _connect_budget(1.0, 0.5, 0, 3.0) == 0.5


def test_classify_keeps_the_errno() -> None:
    no_route = OSError(113, "Connect call failed ('192.0.2.98', 8080)")
    assert _classify(no_route) == (
        AttemptOutcome.UNREACHABLE,
        "[Errno 113] Connect call failed ('192.0.2.98', 8080)",
    )
    assert _classify(OSError(101, "Network is unreachable")) == (
        AttemptOutcome.UNREACHABLE,
        "[Errno 101] Network is unreachable",
    )
    # The kernel's SYN timeout is a TimeoutError with an errno: measured, kept.
    kernel = TimeoutError(110, "Connect call failed ('192.0.2.3', 8080)")
    assert _classify(kernel) == (
        AttemptOutcome.TIMEOUT,
        "[Errno 110] Connect call failed ('192.0.2.3', 8080)",
    )
    assert _classify(TimeoutError()) == (AttemptOutcome.TIMEOUT, "timed out")
    assert _classify(OSError("no errno")) == (AttemptOutcome.ERROR, "no errno")


async def test_a_busy_event_loop_is_not_counted_in_a_connect() -> None:
    """Issue 12: the TUI showed 30-480 ms loopback connects (diagnose: ~1 ms) because the
    time was taken when the busy event loop resumed the coroutine. Here the loop is
    stalled on purpose for STALL seconds while a loopback connect is in flight; the
    attempt must report the connect, not the stall (the bound is half the stall, a
    manufactured delay, not a speed figure)."""
    from wsexplorer.probes.tracer import connect_one

    stall = 0.5
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        task = asyncio.ensure_future(connect_one("127.0.0.1", port, 5.0))
        await asyncio.sleep(0)  # the connect starts
        time.sleep(stall)  # the event loop is busy (a Textual redraw, a flood of messages)
        attempt, sock = await task
        assert sock is not None
        sock.close()
    assert attempt.outcome is AttemptOutcome.CONNECTED
    assert attempt.elapsed_ms < stall * 1000 / 2, attempt.elapsed_ms
