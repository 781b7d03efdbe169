"""The demo echo server behind ``wsexplorer serve`` and the TUI's ``--demo-server``.

It creates its own sockets so it can set ``IPV6_V6ONLY`` either way (asyncio's
``create_server(host="::")`` always sets it to 1, docs/clients.md#server-python-asyncio), and it is safe to
start in front of a class: loopback by default, capped message size and connection count,
idle connections closed, only the configured path served.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from http import HTTPStatus

from ..model import Family, Listener, WsxError, accepts_for, family_of, is_wildcard, split_zone

__all__ = [
    "LOOPBACK",
    "BindMode",
    "DemoServer",
    "InvalidServeOption",
    "ServerConfig",
    "ServerStats",
]

LOOPBACK = "loopback"
"""A host meaning both loopbacks, ``127.0.0.1`` and ``::1`` (two sockets): what ``::``
dual-stack does for local clients, without being reachable from the network."""


class InvalidServeOption(WsxError):
    """A ``serve`` option that cannot work (bad host, bind failure, conflicting flags)."""


class BindMode(StrEnum):
    DEFAULT = "default"  # '::' is dual-stack (as Node does), other hosts as given
    DUAL_STACK = "dual-stack"
    V6ONLY = "v6only"


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    path: str | None = "/subscribe"  # None: any path
    mode: BindMode = BindMode.DEFAULT
    max_size: int = 1 << 20
    max_connections: int = 256
    idle_timeout: float = 300.0
    max_queue: int = 16


@dataclass(slots=True)
class ServerStats:
    active: int = 0
    accepted: int = 0
    rejected: int = 0
    messages: int = 0
    closed_idle: int = 0
    peers: list[str] = field(default_factory=list)


def _bind_targets(config: ServerConfig) -> list[tuple[socket.AddressFamily, str, bool | None]]:
    """(family, address, v6only) for each socket to create."""
    host = config.host.strip()
    if host in ("", "*"):
        host = "::"
    if host == LOOPBACK:
        if config.mode is not BindMode.DEFAULT:
            raise InvalidServeOption(f"--host {LOOPBACK} takes neither --dual-stack nor --v6only")
        return [(socket.AF_INET, "127.0.0.1", None), (socket.AF_INET6, "::1", True)]
    fam = family_of(host)
    if config.mode is BindMode.DUAL_STACK and not (fam is Family.IPV6 and is_wildcard(host)):
        raise InvalidServeOption(
            f"--dual-stack needs the IPv6 wildcard host '::', not {config.host!r}"
        )
    if config.mode is BindMode.V6ONLY and fam is not Family.IPV6:
        raise InvalidServeOption(f"--v6only needs an IPv6 host such as '::', not {config.host!r}")
    if fam is Family.IPV4:
        return [(socket.AF_INET, host, None)]
    if fam is Family.IPV6:
        v6only = config.mode is BindMode.V6ONLY or not is_wildcard(host)
        return [(socket.AF_INET6, host, v6only)]
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InvalidServeOption(
            f"--host {config.host!r} does not resolve: {exc.strerror}"
        ) from None
    out: list[tuple[socket.AddressFamily, str, bool | None]] = []
    for af, _, _, _, sa in infos:
        item = (af, str(sa[0]), True if af == socket.AF_INET6 else None)
        if item not in out:
            out.append(item)
    return out


def _make_socket(
    af: socket.AddressFamily,
    address: str,
    port: int,
    v6only: bool | None,
) -> socket.socket:
    sock = socket.socket(af, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if af == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
            addr, zone = split_zone(address)
            scope = 0
            if zone:
                scope = int(zone) if zone.isdigit() else socket.if_nametoindex(zone)
            sock.bind((addr, port, 0, scope))
        else:
            sock.bind((address, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        shown = f"[{address}]:{port}" if af == socket.AF_INET6 else f"{address}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise InvalidServeOption(f"cannot listen on {shown}: address already in use") from None
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            raise InvalidServeOption(
                f"cannot listen on {shown}: no such local address (is IPv6 off?)"
            ) from None
        if exc.errno == errno.EACCES:
            raise InvalidServeOption(
                f"cannot listen on {shown}: permission denied (ports below 1024 need root)"
            ) from None
        raise InvalidServeOption(f"cannot listen on {shown}: {exc.strerror}") from None
    return sock


class DemoServer:
    """A websockets echo server on sockets it creates itself.

    Args:
        config: where and how to listen, and the safety caps.
        on_event: called (in the event loop) with one line per notable event.
    """

    def __init__(self, config: ServerConfig, on_event: Callable[[str], None] | None = None):
        self.config = config
        self.stats = ServerStats()
        self._servers: list[object] = []
        self._listeners: list[Listener] = []
        self._on_event = on_event or (lambda _line: None)

    @property
    def listeners(self) -> tuple[Listener, ...]:
        return tuple(self._listeners)

    @property
    def port(self) -> int:
        return self._listeners[0].port if self._listeners else self.config.port

    @property
    def wildcard(self) -> bool:
        return any(is_wildcard(lis.address) for lis in self._listeners)

    async def start(self) -> tuple[Listener, ...]:
        """Bind and serve; raises :class:`InvalidServeOption` with a one-line reason."""
        from websockets.asyncio.server import serve

        targets = _bind_targets(self.config)
        socks: list[socket.socket] = []
        port = self.config.port
        try:
            for af, address, v6only in targets:
                sock = _make_socket(af, address, port, v6only)
                port = sock.getsockname()[1]
                socks.append(sock)
        except InvalidServeOption:
            for s in socks:
                s.close()
            raise
        listeners = []
        for sock in socks:
            server = await serve(
                self._handler,
                sock=sock,
                max_size=self.config.max_size,
                max_queue=self.config.max_queue,
                process_request=self._process_request,
                ping_interval=20,
                ping_timeout=20,
                close_timeout=2,
            )
            self._servers.append(server)
            name = sock.getsockname()
            if sock.family == socket.AF_INET6:
                v6 = bool(sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
                fam = Family.IPV6
            else:
                v6, fam = None, Family.IPV4
            listeners.append(
                Listener(
                    "tcp", fam, str(name[0]), int(name[1]), v6, accepts_for(fam, str(name[0]), v6)
                )
            )
        self._listeners = listeners
        return tuple(listeners)

    async def stop(self) -> None:
        servers, self._servers = self._servers, []
        for server in servers:
            server.close()  # type: ignore[attr-defined]
        for server in servers:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(3):
                    await server.wait_closed()  # type: ignore[attr-defined]
        self._listeners = []

    async def rebind(self, **changes: object) -> tuple[Listener, ...]:
        """Stop, change the config (e.g. ``host="::", mode=BindMode.DUAL_STACK``), start again.

        On failure the previous configuration is restored and the error re-raised.
        """
        old = replace(self.config, port=self.port)  # keep the port a port-0 bind got
        await self.stop()
        self.config = replace(old, **changes)  # type: ignore[arg-type]
        try:
            return await self.start()
        except InvalidServeOption:
            self.config = old
            await self.start()
            raise

    def _process_request(self, connection: object, request: object) -> object | None:
        path = getattr(request, "path", "/")
        want = self.config.path
        if want is not None and path.split("?", 1)[0] != want:
            self.stats.rejected += 1
            return connection.respond(  # type: ignore[attr-defined]
                HTTPStatus.NOT_FOUND, f"no WebSocket endpoint at {path[:100]}; try {want}\n"
            )
        if self.stats.active >= self.config.max_connections:
            self.stats.rejected += 1
            return connection.respond(  # type: ignore[attr-defined]
                HTTPStatus.SERVICE_UNAVAILABLE, "too many connections\n"
            )
        return None

    async def _handler(self, ws: object) -> None:
        from websockets.exceptions import ConnectionClosed

        self.stats.active += 1
        self.stats.accepted += 1
        peer = getattr(ws, "remote_address", None)
        peer_text = str(peer[0]) if peer else "?"
        self._on_event(f"connection from {peer_text}")
        try:
            while True:
                try:
                    async with asyncio.timeout(self.config.idle_timeout):
                        message = await ws.recv()  # type: ignore[attr-defined]
                except TimeoutError:
                    self.stats.closed_idle += 1
                    await ws.close(1001, "idle timeout")  # type: ignore[attr-defined]
                    return
                self.stats.messages += 1
                await ws.send(message)  # type: ignore[attr-defined]
        except ConnectionClosed:
            return
        finally:
            self.stats.active -= 1
