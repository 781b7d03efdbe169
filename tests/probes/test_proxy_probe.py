"""The proxy probe on loopback: a dead port, the real test proxy (tests/peers/connect_proxy.py)
in front of a real websockets server, and a port that answers no HTTP."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.server import serve

from tests.support import free_port, stop_process
from wsexplorer.model import AttemptOutcome
from wsexplorer.model.proxy import ProxyCheck
from wsexplorer.model.url import parse_url
from wsexplorer.probes.proxy import check_proxies, check_proxy, read_environment

__all__: list[str] = []

PROXY = Path(__file__).resolve().parents[1] / "peers" / "connect_proxy.py"


@pytest.fixture
def proxy_port(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    argv = [sys.executable, str(PROXY), "127.0.0.1", str(port), str(tmp_path / "log")]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert "listening" in process.stdout.readline()
        yield port
    finally:
        stop_process(process)
        if process.stdout is not None:
            process.stdout.close()


def test_the_environment_is_read_masked() -> None:
    got = read_environment({"https_proxy": "http://me:pw@p:1", "HOME": "/root"})
    assert got.variables == (("https_proxy", "http://***:***@p:1"),)


def test_a_dead_proxy_is_refused() -> None:
    url = parse_url("ws://app.test:8080/")
    (check,) = asyncio.run(check_proxies([("127.0.0.1", free_port())], url, 2.0))
    assert check.attempt is not None
    assert check.attempt.outcome is AttemptOutcome.REFUSED
    assert check.status is None


def test_a_proxy_name_that_does_not_resolve() -> None:
    url = parse_url("ws://app.test:8080/")
    check = asyncio.run(check_proxy("no-such-proxy.invalid", 3128, url, 2.0))
    assert check.attempt is None and check.resolve_error


def test_a_live_proxy_opens_the_tunnel_and_the_server_upgrades(proxy_port: int) -> None:
    async def run(target_port: int) -> tuple[ProxyCheck, ProxyCheck, ProxyCheck]:
        async def echo(ws: object) -> None:
            await asyncio.sleep(0.1)

        async with serve(echo, "127.0.0.1", target_port):
            ok = await check_proxy(
                "127.0.0.1", proxy_port, parse_url(f"ws://127.0.0.1:{target_port}/"), 3.0
            )
            secure = await check_proxy(
                "127.0.0.1", proxy_port, parse_url(f"wss://127.0.0.1:{target_port}/"), 3.0
            )
        gone = await check_proxy(
            "127.0.0.1", proxy_port, parse_url(f"ws://127.0.0.1:{target_port}/"), 3.0
        )
        return ok, secure, gone

    ok, secure, gone = asyncio.run(run(free_port()))
    assert (ok.status, ok.upgrade_status, ok.error) == (200, 101, None)
    assert (secure.status, secure.upgrade_status) == (200, None)
    assert (gone.status, gone.upgrade_status) == (502, None)


def test_a_port_that_answers_no_http() -> None:
    async def run() -> ProxyCheck:
        async def silent_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(1)
            writer.write(b"SSH-2.0-x\r\n\r\n")
            writer.close()

        server = await asyncio.start_server(silent_close, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await check_proxy("127.0.0.1", port, parse_url("ws://a.test:1/"), 2.0)

    check = asyncio.run(run())
    assert (check.status, check.error) == (None, "no HTTP answer")
