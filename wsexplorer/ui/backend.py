"""The app's only door to I/O: observations, the live session, listeners, the demo server.

:class:`RealBackend` drives the real probes (``observe``, ``LiveSession``, ``DemoServer``).
Tests and the screenshot script hand the app another :class:`Backend` (``canned.py``)
so what the screen shows is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ..model import (
    Address,
    Handshake,
    Listener,
    ListenerScan,
    Observation,
    ResolveOverride,
    SessionEvent,
    WebSocketURL,
    find_override,
)
from ..model.options import ObserveOptions, ServerConfig

__all__ = ["Backend", "RealBackend", "ServerHandle", "SessionHandle"]


class SessionHandle(Protocol):
    """A live WebSocket session (``probes.session.LiveSession`` is one)."""

    async def connect(self) -> Handshake: ...

    async def send(self, text: str) -> bool: ...

    async def ping(self) -> float | None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...


class ServerHandle(Protocol):
    """The embedded demo server (``probes.server.DemoServer`` is one)."""

    config: ServerConfig

    @property
    def listeners(self) -> tuple[Listener, ...]: ...

    @property
    def wildcard(self) -> bool: ...

    async def start(self) -> tuple[Listener, ...]: ...

    async def stop(self) -> None: ...

    async def rebind(self, **changes: object) -> tuple[Listener, ...]: ...


class Backend(Protocol):
    """Everything the app does that touches the network or the machine."""

    async def observe(
        self,
        url: WebSocketURL,
        options: ObserveOptions,
        on_stage: Callable[[str, object], None],
    ) -> Observation:
        """One observation; ``on_stage`` is called in the loop as each part arrives."""
        ...

    async def addresses(
        self, url: WebSocketURL, overrides: Sequence[ResolveOverride]
    ) -> tuple[tuple[Address, ...], str | None]:
        """The addresses a live session tries, in order, and the resolver's error if any."""
        ...

    def scan_listeners(self) -> ListenerScan:
        """Every TCP listener on the machine (blocking: call it from a thread worker)."""
        ...

    def session(
        self,
        url: WebSocketURL,
        addresses: Sequence[Address],
        on_event: Callable[[SessionEvent], None],
        *,
        timeout: float,
        headers: Sequence[tuple[str, str]],
        subprotocols: Sequence[str],
        origin: str | None,
    ) -> SessionHandle:
        """A new, unconnected live session."""
        ...

    def server(self, config: ServerConfig, on_event: Callable[[str], None]) -> ServerHandle:
        """A new, unstarted demo server."""
        ...


class RealBackend:
    """The real probes: sockets, the kernel's socket table, the resolver."""

    async def observe(
        self,
        url: WebSocketURL,
        options: ObserveOptions,
        on_stage: Callable[[str, object], None],
    ) -> Observation:
        from ..probes.observe import observe

        return await observe(url, options, on_stage=on_stage)

    async def addresses(
        self, url: WebSocketURL, overrides: Sequence[ResolveOverride]
    ) -> tuple[tuple[Address, ...], str | None]:
        pinned = find_override(overrides, url.host, url.port)
        if pinned is not None:
            return pinned.addresses, None
        from ..probes._threads import to_daemon_thread
        from ..probes.resolution import getaddrinfo_result

        # A daemon thread: quitting never waits for a lookup stuck on a silent nameserver.
        result = await to_daemon_thread(getaddrinfo_result, url.host, url.port, 0, 0)
        return result.order, result.error

    def scan_listeners(self) -> ListenerScan:
        from ..probes.listeners import scan_listeners

        return scan_listeners()

    def session(
        self,
        url: WebSocketURL,
        addresses: Sequence[Address],
        on_event: Callable[[SessionEvent], None],
        *,
        timeout: float,
        headers: Sequence[tuple[str, str]],
        subprotocols: Sequence[str],
        origin: str | None,
    ) -> SessionHandle:
        from ..probes.session import LiveSession

        return LiveSession(
            url,
            addresses,
            on_event,
            timeout=timeout,
            headers=headers,
            subprotocols=subprotocols,
            origin=origin,
        )

    def server(self, config: ServerConfig, on_event: Callable[[str], None]) -> ServerHandle:
        from ..probes.server import DemoServer

        return DemoServer(config, on_event)
