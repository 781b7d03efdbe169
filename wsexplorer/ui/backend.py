"""The app's only door to I/O: observations, the live session, listeners, the demo server,
the exported report.

:class:`RealBackend` drives the real probes (``observe``, ``LiveSession``, ``DemoServer``).
Tests and the screenshot script hand the app another :class:`Backend` (``canned.py``)
so what the screen shows is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from ..model import (
    Address,
    Handshake,
    Listener,
    ListenerScan,
    Observation,
    ResolveOverride,
    SessionEvent,
    SessionEventKind,
    WebSocketURL,
    find_override,
    select_family,
)
from ..model.options import ObserveOptions, ServerConfig
from ..model.trust import VERIFY, TlsOptions

__all__ = [
    "Backend",
    "RealBackend",
    "ServerHandle",
    "SessionHandle",
    "open_session",
    "write_new_file",
]


class SessionHandle(Protocol):
    """A live WebSocket session (``probes.session.LiveSession`` is one)."""

    async def connect(self) -> Handshake: ...

    async def send(self, text: str) -> bool: ...

    async def send_binary(self, data: bytes) -> bool: ...

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

    def names_first(self, address: str, port: int) -> tuple[str, ...]:
        """The names that resolve to ``address`` first here (``localhost`` for ``::1``...),
        for a pasted error that names only an address. Blocking: call it from a thread."""
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
        tls: TlsOptions = VERIFY,
    ) -> SessionHandle:
        """A new, unconnected live session."""
        ...

    async def open_session(
        self,
        url: WebSocketURL,
        options: ObserveOptions,
        on_event: Callable[[SessionEvent], None],
    ) -> SessionHandle:
        """A new, unconnected live session to ``url`` (see :func:`open_session`)."""
        ...

    def server(self, config: ServerConfig, on_event: Callable[[str], None]) -> ServerHandle:
        """A new, unstarted demo server."""
        ...

    def write_report(self, directory: Path, name: str, text: str) -> Path:
        """Write an exported report as ``directory / name`` without overwriting a file
        (``-2``, ``-3`` ... before ``.md`` if the name exists); returns the path written.
        Blocking: call it from a thread worker.

        Raises:
            OSError: the directory is missing or not writable.
        """
        ...


async def open_session(
    backend: Backend,
    url: WebSocketURL,
    options: ObserveOptions,
    on_event: Callable[[SessionEvent], None],
) -> SessionHandle:
    """A new, unconnected live session through ``backend``: it tries ``url``'s addresses
    (the ``--resolve`` pin's or the resolver's) of ``options.family``, in order, with the
    handshake options and deadline of ``options``. A lookup that fails, or leaves no
    address of that family, is reported through ``on_event`` as an error event first.
    """
    addresses, error = await backend.addresses(url, options.overrides)
    chosen = select_family(addresses, options.family)
    if error and not addresses:
        on_event(SessionEvent(SessionEventKind.ERROR, 0.0, text=f"{url.host}: {error}"))
    elif addresses and not chosen:
        on_event(
            SessionEvent(
                SessionEventKind.ERROR,
                0.0,
                text=f"{url.host} has no IPv{options.family} address "
                f"(it resolves to {', '.join(a.address for a in addresses)})",
            )
        )
    return backend.session(
        url,
        chosen,
        on_event,
        timeout=options.timeout,
        headers=options.headers,
        subprotocols=options.subprotocols,
        origin=options.origin,
        tls=options.tls,
    )


def write_new_file(directory: Path, name: str, text: str) -> Path:
    """Create ``directory / name`` (or ``-2``, ``-3`` ... before the suffix) and write ``text``."""
    path = directory / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while True:
        try:
            with path.open("x", encoding="utf-8") as fh:
                fh.write(text)
        except FileExistsError:
            n += 1
            path = directory / f"{stem}-{n}{suffix}"
            continue
        return path


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

    def names_first(self, address: str, port: int) -> tuple[str, ...]:
        from ..probes.reverse import names_first

        return names_first(address, port)

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
        tls: TlsOptions = VERIFY,
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
            tls=tls,
        )

    def server(self, config: ServerConfig, on_event: Callable[[str], None]) -> ServerHandle:
        from ..probes.server import DemoServer

        return DemoServer(config, on_event)

    def write_report(self, directory: Path, name: str, text: str) -> Path:
        return write_new_file(directory, name, text)

    async def open_session(
        self,
        url: WebSocketURL,
        options: ObserveOptions,
        on_event: Callable[[SessionEvent], None],
    ) -> SessionHandle:
        return await open_session(self, url, options, on_event)
