"""``wsexplorer serve`` as a real subprocess under load and abuse (issue 5, "The demo server").

* 1,000 concurrent WebSocket connections, plus a client that keeps sending malformed
  frames, while a well-behaved client keeps getting its echoes and the server's resident
  memory (``VmRSS``) stays under a generous bound.
* The caps: a message over ``--max-size`` is closed with 1009, connection number
  ``--max-connections + 1`` gets HTTP 503, an idle connection is closed after
  ``--idle-timeout`` (1001 "idle timeout"); Ctrl-C stops the server with exit 0.
* Loopback by default; a wildcard bind (inside a network namespace, so nothing is
  exposed) prints the warning.

Everything is bounded: fixed counts, fixed durations, ``asyncio.timeout`` hang guards.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import resource
import time
from collections.abc import Callable

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.hardening._support import ServeProcess, rss_kib
from tests.scenarios.netns import Namespace
from tests.support import wsx_argv, wsx_env

CONNECTIONS = 1000
RSS_GROWTH_LIMIT_KIB = 200 * 1024  # generous: the server needs a few MB for 1,000 peers
_NOFILE_NEEDED = 2 * CONNECTIONS + 512  # client and server ends both live in this test


def _raise_nofile() -> None:
    """Raise this process's open-file soft limit (the server inherits it), or skip."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= _NOFILE_NEEDED:
        return
    if hard != resource.RLIM_INFINITY and hard < _NOFILE_NEEDED:
        pytest.skip(f"RLIMIT_NOFILE hard limit {hard} < {_NOFILE_NEEDED}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (_NOFILE_NEEDED, hard))


def _client_frame(opcode: int, payload: bytes, *, masked: bool = True) -> bytes:
    """A client frame (RFC 6455 section 5.2); ``masked=False`` breaks section 5.1."""
    head = bytes([0x80 | opcode])
    mask_bit = 0x80 if masked else 0
    if len(payload) < 126:
        head += bytes([mask_bit | len(payload)])
    else:
        head += bytes([mask_bit | 126]) + len(payload).to_bytes(2, "big")
    if not masked:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


# Each malformed frame breaks a different rule; the server must close, never crash.
_MALFORMED: tuple[bytes, ...] = (
    _client_frame(0x1, b"not masked", masked=False),  # 5.1: client frames are masked
    _client_frame(0x3, b"reserved opcode"),  # 5.2: opcodes 3-7 are reserved
    _client_frame(0x1, b"\xff\xfe"),  # 8.1: text must be UTF-8
    bytes([0x81, 0xFF]) + (1 << 62).to_bytes(8, "big") + os.urandom(4),  # 2^62-byte claim
    bytes([0x89, 0xFE, 0x01, 0x00]) + os.urandom(4) + os.urandom(256),  # 5.5: ping > 125
)


async def _malformed_client(port: int, stop: asyncio.Event) -> dict[str, int]:
    """Handshake by hand, send one malformed frame, read until the server closes; repeat."""
    counts = {"sessions": 0, "closed_by_server": 0}
    i = 0
    while not stop.is_set():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            key = base64.b64encode(os.urandom(16)).decode()
            writer.write(
                (
                    "GET /subscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                    "Sec-WebSocket-Version: 13\r\n\r\n"
                ).encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 101"), head[:100]
            writer.write(_MALFORMED[i % len(_MALFORMED)])
            i += 1
            async with asyncio.timeout(10):  # hang guard: the server closes at once
                while await reader.read(65536):
                    pass
            counts["closed_by_server"] += 1
        finally:
            counts["sessions"] += 1
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
    return counts


async def _well_behaved(port: int, stop: asyncio.Event) -> dict[str, float]:
    """One connection sending a numbered message every 20 ms and checking each echo."""
    stats = {"echoes": 0.0, "worst_rtt": 0.0}
    url = f"ws://127.0.0.1:{port}/subscribe"
    async with connect(url, proxy=None, ping_interval=None, open_timeout=30) as ws:
        n = 0
        while not stop.is_set():
            start = time.perf_counter()
            await ws.send(f"probe {n}")
            async with asyncio.timeout(10):  # hang guard, not a latency threshold
                assert await ws.recv() == f"probe {n}"
            stats["worst_rtt"] = max(stats["worst_rtt"], time.perf_counter() - start)
            stats["echoes"] += 1
            n += 1
            await asyncio.sleep(0.02)
    return stats


async def _sample_rss(pid: int, stop: asyncio.Event, peaks: list[int]) -> None:
    while not stop.is_set():
        peaks.append(rss_kib(pid))
        await asyncio.sleep(0.1)


async def _open_many(port: int, count: int) -> list[ClientConnection]:
    url = f"ws://127.0.0.1:{port}/subscribe"
    gate = asyncio.Semaphore(64)  # the server's listen backlog is 128

    async def one() -> ClientConnection:
        async with gate:
            return await connect(url, proxy=None, ping_interval=None, open_timeout=60)

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def _echo_each(conns: list[ClientConnection]) -> int:
    async def one(i: int, ws: ClientConnection) -> bool:
        await ws.send(f"hello {i}")
        return await ws.recv() == f"hello {i}"

    results = await asyncio.gather(*(one(i, ws) for i, ws in enumerate(conns)))
    return sum(results)


async def _close_all(conns: list[ClientConnection]) -> None:
    async def one(ws: ClientConnection) -> None:
        with contextlib.suppress(Exception):
            await ws.close()

    await asyncio.gather(*(one(ws) for ws in conns))


async def test_thousand_connections_and_a_malformed_client() -> None:
    _raise_nofile()
    with ServeProcess("--max-connections", "2000", "--idle-timeout", "120") as server:
        pid, port = server.proc.pid, server.port
        baseline = rss_kib(pid)
        stop = asyncio.Event()
        peaks: list[int] = []
        sampler = asyncio.create_task(_sample_rss(pid, stop, peaks))
        good = asyncio.create_task(_well_behaved(port, stop))
        bad = asyncio.create_task(_malformed_client(port, stop))
        conns: list[ClientConnection] = []
        try:
            async with asyncio.timeout(120):  # hang guard for the whole load phase
                conns = await _open_many(port, CONNECTIONS)
                assert all(c.state.name == "OPEN" for c in conns)
                echoed = await _echo_each(conns)
                await asyncio.sleep(1.0)  # the good and bad clients keep going under load
                assert server.proc.poll() is None, "the server died under load"
                stop.set()
                good_stats, bad_stats = await good, await bad
                await sampler
        finally:
            stop.set()
            for task in (good, bad, sampler):
                task.cancel()
            await _close_all(conns)
        assert echoed == CONNECTIONS
        # The well-behaved client got every echo throughout (each was checked in order).
        assert good_stats["echoes"] >= 5, good_stats
        # The malformed client was closed by the server every time, and kept coming back.
        assert bad_stats["sessions"] >= len(_MALFORMED), bad_stats
        assert bad_stats["closed_by_server"] == bad_stats["sessions"], bad_stats
        growth = max(peaks) - baseline
        print(
            f"\nserver RSS baseline {baseline} KiB, peak {max(peaks)} KiB (+{growth} KiB) with "
            f"{CONNECTIONS} connections; good client {good_stats}; malformed {bad_stats}"
        )
        assert growth < RSS_GROWTH_LIMIT_KIB, f"server RSS grew by {growth} KiB"
        # After the load, the server still serves a newcomer.
        async with connect(f"ws://127.0.0.1:{port}/subscribe", proxy=None) as ws:
            await ws.send("after")
            assert await ws.recv() == "after"
        assert server.stop() == 0


async def _expect_close(ws: ClientConnection, action: Callable[[], object] | None) -> int:
    if action is not None:
        await action()  # type: ignore[misc]
    async with asyncio.timeout(15):  # hang guard
        with pytest.raises(ConnectionClosed) as info:
            while True:
                await ws.recv()
    rcvd = info.value.rcvd
    assert rcvd is not None, info.value
    return int(rcvd.code)


async def test_caps_size_and_connections() -> None:
    args = ("--max-size", "1024", "--max-connections", "3", "--idle-timeout", "120")
    with ServeProcess(*args) as server:
        assert "max message 1024 bytes, 3 connections, idle timeout 120 s" in server.banner[-1]
        url = f"ws://127.0.0.1:{server.port}/subscribe"
        # A message over --max-size: the server closes with 1009 (message too big).
        async with connect(url, proxy=None) as ws:
            await ws.send("y" * 1024)
            assert await ws.recv() == "y" * 1024
            assert await _expect_close(ws, lambda: ws.send("z" * 1025)) == 1009
        # --max-connections: the fourth concurrent connection gets HTTP 503.
        held = [await connect(url, proxy=None) for _ in range(3)]
        try:
            with pytest.raises(InvalidStatus) as info:
                await connect(url, proxy=None)
            assert info.value.response.status_code == 503
            assert info.value.response.body == b"too many connections (3)\n"
        finally:
            await _close_all(held)
        # Once they are gone, a newcomer is served again (the server counts a connection
        # until its handler has finished, a moment after the close: retry, bounded).
        for _ in range(100):
            try:
                ws = await connect(url, proxy=None)
            except InvalidStatus:
                await asyncio.sleep(0.1)
                continue
            async with ws:
                await ws.send("back")
                assert await ws.recv() == "back"
            break
        else:
            pytest.fail("the server kept refusing after the held connections closed")
        assert server.stop() == 0


async def test_idle_connection_is_closed() -> None:
    with ServeProcess("--idle-timeout", "1") as server:
        url = f"ws://127.0.0.1:{server.port}/subscribe"
        async with connect(url, proxy=None) as ws:
            start = time.monotonic()
            assert await _expect_close(ws, None) == 1001
            assert ws.close_reason == "idle timeout"
            assert time.monotonic() - start < 15  # hang guard only
        assert server.stop() == 0


def test_loopback_by_default_and_wildcard_warns(netns: Callable[..., Namespace]) -> None:
    with ServeProcess() as server:
        # --port 0 is --port auto: the banner says which port first, then each socket.
        assert any(line.startswith("listening on 127.0.0.1:") for line in server.banner)
        assert server.stop() == 0
        assert "warning" not in server.stderr_text()
    # The wildcard bind happens inside a fresh namespace (only `lo`): nothing is exposed.
    ns = netns()
    proc = ns.popen(wsx_argv("serve", "--host", "0.0.0.0", "--port", "0"), env=wsx_env(),
                    stdout=-1, stderr=-1)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    if first.startswith("--port auto:"):
        first = proc.stdout.readline()
    warning = proc.stderr.readline()
    proc.send_signal(2)
    proc.wait(timeout=15)
    assert first.startswith("listening on 0.0.0.0:"), first
    assert "warning: bound to a wildcard address: reachable from the network" in warning
    assert proc.returncode == 0
