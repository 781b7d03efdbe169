"""What the TUI was asked to look at: the URL, options, and the demo what-if pin.

Built once from the command line (:func:`config_from_args`); the app keeps its live
state (URL, family, server bind) separately so fixes can change and undo it.
"""

from __future__ import annotations

import argparse
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model import FamilyChoice, ResolveOverride, WebSocketURL, find_override, parse_resolve

__all__ = [
    "AppConfig",
    "config_from_args",
    "demo_pin",
    "localhost_addresses",
]


@dataclass(frozen=True, slots=True)
class AppConfig:
    """Everything the app starts from.

    Attributes:
        url: the WebSocket URL to explain.
        overrides: ``--resolve`` pins (what-if mode).
        family: every family, or only IPv4 or IPv6 (``--family``).
        headers, subprotocols, origin: handshake options, as wscat/websocat take them.
        timeout: deadline for one observation and for one live connect, seconds.
        demo_server: bind address of the embedded echo server, or ``None`` for none.
        demo: started by ``wsexplorer demo`` (the teaching scenario).
        pin_note: the banner sentence explaining a pin the app added itself (demo).
        export_dir: where ``e`` writes the Markdown report.
        dns: query nameservers directly (the Resolution pane's DNS rows).
        autoconnect: open the live session as soon as the app starts.
        cursor_blink: blink the input cursors (off for screenshots).
    """

    url: WebSocketURL
    overrides: tuple[ResolveOverride, ...] = ()
    family: FamilyChoice = FamilyChoice.AUTO
    headers: tuple[tuple[str, str], ...] = ()
    subprotocols: tuple[str, ...] = ()
    origin: str | None = None
    timeout: float = 5.0
    demo_server: str | None = None
    demo: bool = False
    pin_note: str | None = None
    export_dir: Path = field(default_factory=lambda: Path("."))
    dns: bool = True
    autoconnect: bool = True
    cursor_blink: bool = True


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


def config_from_args(
    args: argparse.Namespace,
    *,
    demo: bool = False,
    resolver: Callable[[int], Sequence[str]] = localhost_addresses,
    export_dir: Path | None = None,
) -> AppConfig:
    """Build the :class:`AppConfig` from the parsed command line (see ``cli.py``).

    With ``demo`` and a ``localhost`` URL, ``resolver(port)`` tells whether this machine
    already puts ``::1`` first; if not, :func:`demo_pin` adds the pin and its banner.
    """
    url: WebSocketURL = args.url
    overrides = tuple(getattr(args, "resolve", ()) or ())
    pin_note: str | None = None
    if demo and url.host == "localhost" and find_override(overrides, url.host, url.port) is None:
        pin, pin_note = demo_pin(url.port, resolver(url.port))
        if pin is not None:
            overrides = (*overrides, pin)
    return AppConfig(
        url=url,
        overrides=overrides,
        family=FamilyChoice.parse(getattr(args, "family", None)) or FamilyChoice.AUTO,
        headers=tuple(getattr(args, "header", ()) or ()),
        subprotocols=tuple(getattr(args, "subprotocol", ()) or ()),
        origin=getattr(args, "origin", None),
        timeout=float(getattr(args, "timeout", 5.0) or 5.0),
        demo_server=getattr(args, "demo_server", None),
        demo=demo,
        pin_note=pin_note,
        export_dir=export_dir or Path("."),
    )
