"""The demo echo server behind ``wsexplorer serve`` and the TUI's ``--demo-server``.

It creates its own sockets so it can set ``IPV6_V6ONLY`` either way (asyncio's
``create_server(host="::")`` always sets it to 1, docs/clients.md#server-python-asyncio), and it is safe to
start in front of a class: loopback by default, capped message size and connection count
(counted from TCP accept, per remote address too, with slots kept for this machine),
a handshake deadline, an optional Origin allow-list, idle connections closed, peers that
stop reading dropped, only the configured path served.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import TYPE_CHECKING, cast

from ..model import (
    Family,
    Listener,
    WsxError,
    accepts_for,
    family_of,
    is_wildcard,
    split_zone,
)
from ..model.options import LOOPBACK, BindMode, ServerConfig

if TYPE_CHECKING:
    from websockets.asyncio.server import ServerConnection
    from websockets.http11 import Request, Response
    from websockets.typing import Origin

    from .admission import Admission, Ticket

__all__ = [
    "LOOPBACK",
    "BindMode",
    "DemoServer",
    "InvalidServeOption",
    "ServerConfig",
    "ServerStats",
    "peer_words",
    "probe_bind",
]


class InvalidServeOption(WsxError):
    """A ``serve`` option that cannot work (bad host, bind failure, conflicting flags)."""


@dataclass(slots=True)
class ServerStats:
    active: int = 0  # open WebSocket connections (half-open ones are not counted here)
    accepted: int = 0
    rejected: int = 0  # refused at accept (caps) or by path
    messages: int = 0
    closed_idle: int = 0
    dropped: int = 0  # aborted by the watchdog (stopped reading, no pong)
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
        why = _bind_error(exc, af, address, port)
        raise InvalidServeOption(f"cannot listen on {shown}: {why}") from None
    return sock


def peer_words(address: str | None) -> str:
    """A peer's address and family: ``127.0.0.1 (IPv4)``, ``::1 (IPv6)``, and for an IPv4
    client of a dual-stack socket ``127.0.0.1 (IPv4, seen as ::ffff:127.0.0.1 on the
    dual-stack socket)``."""
    if not address:
        return "? (family unknown)"
    if address.lower().startswith("::ffff:") and "." in address:
        return f"{address[7:]} (IPv4, seen as {address} on the dual-stack socket)"
    return f"{address} ({'IPv6' if ':' in address else 'IPv4'})"


def _ipv6_on() -> bool:
    """Does this machine have any IPv6 address (``/proc/net/if_inet6`` lists them)?"""
    try:
        with open("/proc/net/if_inet6", encoding="ascii") as fh:
            return bool(fh.read().strip())
    except OSError:
        return socket.has_ipv6


def _bind_error(exc: OSError, af: socket.AddressFamily, address: str, port: int) -> str:
    """Why ``bind``/``listen`` failed, in words that say what to do."""
    if exc.errno == errno.EADDRINUSE:
        from .port_owner import in_use_text

        return in_use_text(port)
    if exc.errno == errno.EAFNOSUPPORT or (
        exc.errno == errno.EADDRNOTAVAIL and af == socket.AF_INET6 and not _ipv6_on()
    ):
        return "IPv6 is off on this machine"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"{address} is not an address of this machine"
    if exc.errno == errno.EACCES:
        return "permission denied (ports below 1024 need root)"
    return str(exc.strerror)


def probe_bind(config: ServerConfig) -> int:
    """Bind ``config``'s sockets as :meth:`DemoServer.start` would, then close them.

    Returns:
        the port (the kernel's choice when ``config.port`` is 0).

    Raises:
        InvalidServeOption: the one-line reason (a port in use names its owner).
    """
    port = config.port
    for af, address, v6only in _bind_targets(config):
        sock = _make_socket(af, address, port, v6only)
        port = int(sock.getsockname()[1])
        sock.close()
    return port


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
        self._admission: Admission | None = None
        self._refusal_said = 0.0  # when the last "refused" line went out (one a second)

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

        from .admission import Admission, AdmittedServerConnection

        cfg = self.config
        admission = Admission(cfg.max_connections, cfg.max_per_peer, cfg.loopback_reserve)
        self._admission = admission

        def create_connection(*args: object, **kwargs: object) -> AdmittedServerConnection:
            return AdmittedServerConnection(
                *args,
                admission=admission,
                on_refused=self._refused,
                on_dropped=self._dropped,
                write_timeout=cfg.write_timeout,
                **kwargs,
            )

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
                max_size=cfg.max_size,
                max_queue=cfg.max_queue,
                process_request=self._process_request,
                origins=cast("list[Origin | None]", [*cfg.origins, None]) if cfg.origins else None,
                open_timeout=cfg.handshake_timeout,
                ping_interval=cfg.keepalive,
                ping_timeout=cfg.keepalive,
                close_timeout=2,
                create_connection=create_connection,  # type: ignore[arg-type]
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

    def _refused(self, ticket: Ticket) -> None:
        self.stats.rejected += 1
        now = time.monotonic()
        if now - self._refusal_said >= 1.0:  # a flood of refusals is one line a second
            self._refusal_said = now
            refused = self._admission.refused if self._admission is not None else 0
            self._on_event(f"refused {ticket.peer}: {ticket.reason}; {refused} refused so far")

    def _dropped(self, peer: str, reason: str) -> None:
        self.stats.dropped += 1
        self._on_event(f"dropped {peer}: {reason}")

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        ticket = getattr(connection, "ticket", None)
        if ticket is not None and ticket.reason is not None:
            # Over a cap at accept time, kept open only to say so.
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, f"{ticket.reason}\n")
        path = request.path
        want = self.config.path
        if want is not None and path.split("?", 1)[0] != want:
            self.stats.rejected += 1
            return connection.respond(
                HTTPStatus.NOT_FOUND, f"no WebSocket endpoint at {path[:100]}; try {want}\n"
            )
        return None

    async def _handler(self, ws: object) -> None:
        from websockets.exceptions import ConnectionClosed

        self.stats.active += 1
        self.stats.accepted += 1
        peer = getattr(ws, "remote_address", None)
        self._on_event(f"connection from {peer_words(str(peer[0]) if peer else None)}")
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
