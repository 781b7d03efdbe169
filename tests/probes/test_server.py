"""The demo server: v6only either way, caps, path, idle timeout — real sockets, real clients."""

from __future__ import annotations

import asyncio
import socket

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from wsexplorer.model import Family, InvalidURL, WsxError
from wsexplorer.probes.server import BindMode, DemoServer, InvalidServeOption, ServerConfig


def _reach(port: int, addr: str) -> bool:
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(fam) as s:
        s.settimeout(1)
        try:
            s.connect((addr, port))
            return True
        except OSError:
            return False


@pytest.mark.parametrize(
    ("host", "mode", "families"),
    [
        ("127.0.0.1", BindMode.DEFAULT, {Family.IPV4}),
        ("::", BindMode.DUAL_STACK, {Family.IPV4, Family.IPV6}),
        ("::", BindMode.V6ONLY, {Family.IPV6}),
        ("::", BindMode.DEFAULT, {Family.IPV4, Family.IPV6}),
        ("::1", BindMode.DEFAULT, {Family.IPV6}),
        ("loopback", BindMode.DEFAULT, {Family.IPV4, Family.IPV6}),
    ],
)
async def test_bind_modes_accept_what_they_say(
    host: str, mode: BindMode, families: set[Family]
) -> None:
    server = DemoServer(ServerConfig(host=host, port=0, mode=mode))
    listeners = await server.start()
    try:
        accepts = {f for lis in listeners for f in lis.accepts}
        assert accepts == families
        port = server.port
        got = set()
        if await asyncio.to_thread(_reach, port, "127.0.0.1"):
            got.add(Family.IPV4)
        if await asyncio.to_thread(_reach, port, "::1"):
            got.add(Family.IPV6)
        assert got == families
    finally:
        await server.stop()


def test_conflicting_options_are_one_line_errors() -> None:
    for cfg in (
        ServerConfig(host="0.0.0.0", mode=BindMode.DUAL_STACK),
        ServerConfig(host="127.0.0.1", mode=BindMode.V6ONLY),
    ):
        with pytest.raises(InvalidServeOption) as err:
            asyncio.run(DemoServer(cfg).start())
        assert "\n" not in str(err.value) and isinstance(err.value, WsxError)
    assert not issubclass(InvalidServeOption, InvalidURL)


async def test_address_in_use_is_reported() -> None:
    a = DemoServer(ServerConfig(host="127.0.0.1", port=0))
    await a.start()
    try:
        with pytest.raises(InvalidServeOption, match=r"port \d+ is in use by "):
            await DemoServer(ServerConfig(host="127.0.0.1", port=a.port)).start()
    finally:
        await a.stop()


async def test_echo_path_caps_and_idle() -> None:
    server = DemoServer(
        ServerConfig(
            host="127.0.0.1",
            port=0,
            path="/subscribe",
            max_size=1000,
            max_connections=2,
            idle_timeout=0.5,
        )
    )
    await server.start()
    base = f"ws://127.0.0.1:{server.port}"
    try:
        async with connect(base + "/subscribe") as ws:
            await ws.send("hello")
            assert await ws.recv() == "hello"
            await ws.send("x" * 5000)  # over the cap: the server closes with 1009
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        with pytest.raises(InvalidStatus) as st:
            async with connect(base + "/other"):
                pass
        assert st.value.response.status_code == 404
        a = await connect(base + "/subscribe")
        b = await connect(base + "/subscribe")
        with pytest.raises(InvalidStatus) as full:
            await connect(base + "/subscribe")
        assert full.value.response.status_code == 503
        with pytest.raises(ConnectionClosed) as idle:
            await asyncio.wait_for(a.recv(), 5)
        assert idle.value.rcvd is not None and idle.value.rcvd.code == 1001
        await b.close()
        assert server.stats.closed_idle >= 1 and server.stats.rejected >= 2
    finally:
        await server.stop()


async def test_rebind_to_dual_stack_and_back_on_failure() -> None:
    server = DemoServer(ServerConfig(host="0.0.0.0", port=0))
    await server.start()
    port = server.port
    try:
        assert not await asyncio.to_thread(_reach, port, "::1")
        await server.rebind(host="::", mode=BindMode.DUAL_STACK)
        assert server.port == port
        assert await asyncio.to_thread(_reach, port, "::1")
        assert await asyncio.to_thread(_reach, port, "127.0.0.1")
        with pytest.raises(InvalidServeOption):
            await server.rebind(host="0.0.0.0", mode=BindMode.DUAL_STACK)
        assert server.config.host == "::" and server.listeners
    finally:
        await server.stop()
