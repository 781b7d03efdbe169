"""What the TUI was asked to look at: the URL, options, and the demo what-if pin.

Built once by the command line (``cli.py``, through :func:`app_config`), never from an
``argparse.Namespace``; the app keeps its live state (URL, family, server bind)
separately so fixes can change and undo it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..diagnosis.strategy import ClientStrategy
from ..model import (
    FamilyChoice,
    ObserveOptions,
    ResolveOverride,
    WebSocketURL,
    find_override,
    parse_resolve,
)
from ..model.options import SERVED_FROM_ENV
from ..model.untrusted import clean

__all__ = [
    "AppConfig",
    "app_config",
    "demo_pin",
    "localhost_addresses",
]


@dataclass(frozen=True, slots=True)
class AppConfig:
    """Everything the app starts from.

    Attributes:
        url: the WebSocket URL to explain.
        options: what every observation is asked for besides the URL and the family the
            live state holds: ``--resolve`` pins (what-if mode), ``--family``, the
            handshake options (as wscat/websocat take them), the deadline for one
            observation and one live connect, and whether to query nameservers directly.
        demo_server: bind address of the embedded echo server, or ``None`` for none.
        demo: started by ``wsexplorer demo`` (the teaching scenario).
        lesson: started by ``wsexplorer lesson``: the demo with the guided steps.
        pin_note: the banner sentence explaining a pin the app added itself (demo).
        export_dir: where ``e`` writes the Markdown report.
        notes: sentences for the banner that the command line chose (``--port auto``).
        autoconnect: open the live session as soon as the app starts.
        auto_reconnect: reopen the live session with backoff when it closes or fails
            while wanted (``--reconnect``; the ``a`` key toggles it).
        initial_messages: send-line texts sent once the session first opens (``-x``,
            ``--send-file``).
        watch_seconds: how often the listeners are scanned to notice a server that
            stopped, started or moved (0: never; see ``screens/watching.py``).
        cursor_blink: blink the input cursors (off for screenshots).
    """

    url: WebSocketURL
    options: ObserveOptions = field(default_factory=ObserveOptions)
    demo_server: str | None = None
    demo: bool = False
    lesson: bool = False
    pin_note: str | None = None
    notes: tuple[str, ...] = ()
    export_dir: Path = field(default_factory=lambda: Path("."))
    autoconnect: bool = True
    auto_reconnect: bool = False
    initial_messages: tuple[str, ...] = ()
    watch_seconds: float = 2.0
    cursor_blink: bool = True
    clients: tuple[ClientStrategy, ...] | None = None  # --clients; None: the catalogue

    @property
    def overrides(self) -> tuple[ResolveOverride, ...]:
        return self.options.overrides

    @property
    def family(self) -> FamilyChoice:
        return self.options.family

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        return self.options.headers

    @property
    def subprotocols(self) -> tuple[str, ...]:
        return self.options.subprotocols

    @property
    def origin(self) -> str | None:
        return self.options.origin

    @property
    def timeout(self) -> float:
        return self.options.timeout

    @property
    def dns(self) -> bool:
        return self.options.dns

    def observe_options(self, family: FamilyChoice) -> ObserveOptions:
        """The options of one observation of the live state, whose family may differ."""
        return replace(self.options, family=family)


def localhost_addresses(port: int) -> list[str]:
    """What this machine's resolver returns for ``localhost`` (flags 0), in order."""
    try:
        infos = socket.getaddrinfo("localhost", port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    out: list[str] = []
    for *_, sockaddr in infos:
        addr = str(sockaddr[0])
        if addr not in out:
            out.append(addr)
    return out


def demo_pin(port: int, machine: Sequence[str]) -> tuple[ResolveOverride | None, str | None]:
    """The Debian-style ``localhost`` pin for the demo, when this machine lacks ``::1``.

    Debian/Ubuntu hosts files list ``::1 localhost`` and glibc sorts ``::1`` first
    (docs/clients.md#resolver-sorting); a machine whose ``localhost`` has no ``::1`` would
    never show the failure, so the demo pins that order (curl's ``--resolve`` syntax) and
    says so.

    Returns:
        ``(override, banner sentence)``, or ``(None, None)`` when ``::1`` is already there.
    """
    if "::1" in machine:
        return None, None
    override = parse_resolve(f"localhost:{port}:[::1],127.0.0.1")
    if list(machine) == ["127.0.0.1"]:
        have = "this machine's hosts file has only 127.0.0.1"
    elif machine:
        have = f"this machine's localhost resolves only to {', '.join(machine)}"
    else:
        have = "this machine's localhost does not resolve"
    note = f"what-if: localhost pinned to ::1, 127.0.0.1 as on Debian/Ubuntu; {have}"
    return override, note


def app_config(
    url: WebSocketURL,
    options: ObserveOptions | None = None,
    *,
    demo_server: str | None = None,
    demo: bool = False,
    lesson: bool = False,
    resolver: Callable[[int], Sequence[str]] = localhost_addresses,
    export_dir: Path | None = None,
    served_from: str | None = None,
    clients: tuple[ClientStrategy, ...] | None = None,
) -> AppConfig:
    """Build the :class:`AppConfig` from the parsed command line (see ``cli.py``).

    ``options`` are the command line's (``None``: the defaults, as ``demo`` has no such
    options). With ``demo`` and a ``localhost`` URL, ``resolver(port)`` tells whether
    this machine already puts ``::1`` first; if not, :func:`demo_pin` adds the pin and its
    banner. ``served_from`` (``wsexplorer web`` sets it in the environment) adds a banner
    saying that every probe runs on the serving machine.
    """
    if served_from is None:
        served_from = os.environ.get(SERVED_FROM_ENV) or None
    config = AppConfig(
        url=url,
        demo_server=demo_server,
        demo=demo or lesson,
        lesson=lesson,
        export_dir=export_dir or Path("."),
        clients=clients,
    )
    if served_from:
        where = (
            f"served to your browser from {clean(served_from)}: every probe (names, "
            "listeners, connections) runs on that machine, not on yours"
        )
        config = replace(config, notes=(where,))
    if options is not None:
        config = replace(config, options=options)
    overrides = config.overrides
    if demo and url.host == "localhost" and find_override(overrides, url.host, url.port) is None:
        pin, pin_note = demo_pin(url.port, resolver(url.port))
        if pin is not None:
            options = replace(config.options, overrides=(*overrides, pin))
            config = replace(config, options=options, pin_note=pin_note)
    return config
