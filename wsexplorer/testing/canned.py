"""A deterministic :class:`~wsexplorer.ui.backend.Backend` for snapshots and screenshots.

It answers from a small model of one machine instead of the network: ``localhost`` in
the hosts file (Debian's ``::1`` first by default), an embedded demo server whose bind
the ``d`` fix can change, and a few other listeners with fixed pids. Observations are
built with the engine's own example builders (``diagnosis/examples.py``), so the
diagnosis shown is the real engine's; timings, pids and clocks are fixed values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerState

from ..diagnosis.examples import make_listener, seed_observation
from ..model import (
    Address,
    GaiResult,
    Listener,
    ListenerScan,
    Observation,
    Resolution,
    ResolveOverride,
    SessionEvent,
    Source,
    WebSocketURL,
    family_of,
    find_override,
    parse_url,
)
from ..model.options import LOOPBACK, BindMode, ObserveOptions, ServerConfig, select_family
from ..model.trust import VERIFY, TlsOptions
from ..ui.backend import ServerHandle, SessionHandle, open_session, write_new_file
from ..ui.config import AppConfig
from .canned_session import CannedSession, canned_handshake, connect_attempts

__all__ = [
    "FROZEN_NOW",
    "CannedBackend",
    "CannedServer",
    "CannedSession",
    "canned_config",
    "frozen_clock",
    "settle",
]

FROZEN_NOW = datetime(2025, 3, 14, 9, 26, 53, 589000)
"""The wall clock every canned screen shows."""

SERVER_PID = 4242
OTHER_LISTENERS: tuple[Listener, ...] = (
    make_listener("0.0.0.0", 22, pid=612, process="sshd"),
    make_listener("::/v6only", 22, pid=612, process="sshd"),
    make_listener("127.0.0.1", 5432, pid=733, process="postgres"),
)


def frozen_clock() -> datetime:
    """Always :data:`FROZEN_NOW`."""
    return FROZEN_NOW


def canned_config(
    url: str = "ws://localhost:8080/subscribe",
    *,
    demo_server: str | None = "0.0.0.0",
    export_dir: Path | None = None,
    **changes: object,
) -> AppConfig:
    """An :class:`AppConfig` for the canned machine: no blinking, no DNS."""
    config = AppConfig(
        url=parse_url(url),
        demo_server=demo_server,
        cursor_blink=False,
        export_dir=export_dir or Path("."),
        watch_seconds=0,  # deterministic screens: a test turns the watch on itself
    )
    # Changes to an option (family, timeout, ...) go to the config's ObserveOptions.
    option_names = ObserveOptions.__dataclass_fields__
    options = {k: v for k, v in changes.items() if k in option_names}
    rest = {k: v for k, v in changes.items() if k not in option_names}
    config = replace(config, options=replace(config.options, dns=False, **options))  # type: ignore[arg-type]
    return replace(config, **rest)  # type: ignore[arg-type]


def _sourced(res: Resolution) -> Resolution:
    """Mark each address with where the canned machine got it (as ``probes.resolution``)."""
    source = Source.LITERAL if res.is_literal else Source.HOSTS

    def mark(result: GaiResult) -> GaiResult:
        order = tuple(Address(a.address, a.family, source) for a in result.order)
        return replace(result, order=order)

    return replace(
        res,
        getaddrinfo=mark(res.getaddrinfo),
        addrconfig=mark(res.addrconfig),
        ipv4=mark(res.ipv4),
        ipv6=mark(res.ipv6),
    )


class CannedServer:
    """A demo server that binds nothing: its listeners follow its config."""

    def __init__(self, config: ServerConfig, backend: CannedBackend) -> None:
        self.config = config
        self._backend = backend
        self._listeners: tuple[Listener, ...] = ()

    @property
    def listeners(self) -> tuple[Listener, ...]:
        return self._listeners

    @property
    def wildcard(self) -> bool:
        return any(lis.address in ("0.0.0.0", "::") for lis in self._listeners)

    async def start(self) -> tuple[Listener, ...]:
        host = self.config.host
        spec = f"{host}/v6only" if self.config.mode is BindMode.V6ONLY else host
        specs = ("127.0.0.1", "::1/v6only") if host == LOOPBACK else (spec,)
        self._listeners = tuple(
            make_listener(s, self.config.port, pid=SERVER_PID, process="wsexplorer") for s in specs
        )
        self._backend.server_listeners = self._listeners
        return self._listeners

    async def stop(self) -> None:
        self._listeners = ()
        self._backend.server_listeners = ()

    async def rebind(self, **changes: object) -> tuple[Listener, ...]:
        await self.stop()
        self.config = replace(self.config, **changes)  # type: ignore[arg-type]
        return await self.start()


class CannedBackend:
    """The canned machine.

    Args:
        hosts_order: what the hosts file gives ``localhost``, in getaddrinfo order.
        listen: the server's bind when no embedded demo server runs.
        remote: other machines' names and their addresses; each listens on 0.0.0.0.
    """

    def __init__(
        self,
        *,
        hosts_order: Sequence[str] = ("::1", "127.0.0.1"),
        listen: Sequence[str] = ("0.0.0.0",),
        remote: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.hosts_order = tuple(hosts_order)
        self.remote = dict(remote or {})
        self.listen = tuple(listen)
        self.server_listeners: tuple[Listener, ...] = ()
        self.server_started = False
        self.observed = 0
        self.scans = 0

    def listeners(self, port: int | None = None) -> tuple[Listener, ...]:
        """Every socket listening on the canned machine."""
        if self.server_started:
            own = self.server_listeners
        else:
            own = tuple(make_listener(s, port or 8080, pid=SERVER_PID) for s in self.listen)
        return (*own, *OTHER_LISTENERS)

    def _order(self, host: str) -> tuple[str, ...]:
        if family_of(host) is not None:
            return (host,)
        return self.hosts_order if host == "localhost" else self.remote.get(host, ())

    async def observe(
        self,
        url: WebSocketURL,
        options: ObserveOptions,
        on_stage: Callable[[str, object], None],
    ) -> Observation:
        self.observed += 1
        override = options.override_for(url.host, url.port)
        on_port = tuple(lis for lis in self.listeners(url.port) if lis.port == url.port)
        local = url.host not in self.remote
        there = on_port if local else (make_listener("0.0.0.0", url.port),)
        obs = seed_observation(
            host=url.host,
            port=url.port,
            path=url.path,
            listen=on_port,
            hosts_order=self._order(url.host),
            override=None if override is None else override.spec(),
            family=options.family,
            local_target=local,
        )
        obs = replace(obs, resolution=_sourced(obs.resolution))
        on_stage("resolution", obs.resolution)
        scan = ListenerScan(listeners=on_port, method="canned")
        on_stage("listeners", scan)
        on_stage("system", obs.system)
        tried = select_family(obs.resolution.addresses, options.family)
        attempts = connect_attempts(tried, there, url.port)
        hs = canned_handshake(attempts)
        on_stage("attempts", (attempts, hs))
        loopback = [Address.of("127.0.0.1"), Address.of("::1")]
        probes = connect_attempts(loopback, on_port, url.port) if local else ()
        on_stage("probes", probes)
        return replace(obs, attempts=attempts, handshake=hs, probes=probes)

    async def addresses(
        self, url: WebSocketURL, overrides: Sequence[ResolveOverride]
    ) -> tuple[tuple[Address, ...], str | None]:
        pinned = find_override(overrides, url.host, url.port)
        if pinned is not None:
            return pinned.addresses, None
        order = self._order(url.host)
        if not order:
            return (), "[Errno -2] Name or service not known"
        source = Source.LITERAL if family_of(url.host) else Source.HOSTS
        return tuple(Address.of(a, source) for a in order), None

    def names_first(self, address: str, port: int) -> tuple[str, ...]:
        """``localhost`` for the first address of the canned hosts order."""
        del port
        return ("localhost",) if self.hosts_order[:1] == (address,) else ()

    def scan_listeners(self) -> ListenerScan:
        self.scans += 1
        return ListenerScan(listeners=self.listeners(), method="canned")

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
        del tls  # the canned session has no certificate to check
        return CannedSession(self, url, addresses, on_event)

    def server(self, config: ServerConfig, on_event: Callable[[str], None]) -> ServerHandle:
        self.server_started = True
        return CannedServer(config, self)

    async def open_session(
        self,
        url: WebSocketURL,
        options: ObserveOptions,
        on_event: Callable[[SessionEvent], None],
    ) -> SessionHandle:
        return await open_session(self, url, options, on_event)

    def write_report(self, directory: Path, name: str, text: str) -> Path:
        """Written as the real backend writes it: the export's directory is the test's."""
        return write_new_file(directory, name, text)


async def settle(pilot: Pilot[object], rounds: int = 200) -> None:
    """Let every worker finish and every posted message land (two quiet rounds in a row).

    ``rounds`` bounds the wait; each round yields to the event loop, so real network
    work in the workers proceeds meanwhile.
    """
    app = pilot.app
    quiet = 0
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet >= 2:
            return
