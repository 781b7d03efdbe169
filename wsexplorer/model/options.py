"""What the user asked for besides the URL: observation options and the demo server's config.

Pure values, shared by the probes that act on them, the command line that builds them and
the UI that shows and changes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from enum import StrEnum

from .address import Address, FamilyChoice
from .diagnosis import LOOPBACK_BIND
from .override import ResolveOverride, find_override
from .record import record
from .trust import TlsOptions

__all__ = [
    "LOOPBACK",
    "SERVED_FROM_ENV",
    "BindMode",
    "ObserveOptions",
    "ServerConfig",
    "select_family",
]

LOOPBACK = LOOPBACK_BIND
"""A host meaning both loopbacks, ``127.0.0.1`` and ``::1`` (two sockets): what ``::``
dual-stack does for local clients, without being reachable from the network."""


@record
class ObserveOptions:
    """What the user asked for, besides the URL."""

    overrides: tuple[ResolveOverride, ...] = ()
    family: FamilyChoice = FamilyChoice.AUTO
    timeout: float = 5.0
    headers: tuple[tuple[str, str], ...] = ()
    subprotocols: tuple[str, ...] = ()
    origin: str | None = None
    dns: bool = True
    dns_timeout: float = 2.0
    resolve_kwargs: dict[str, object] = field(default_factory=dict)
    tls: TlsOptions = field(default_factory=TlsOptions)

    def override_for(self, host: str, port: int) -> ResolveOverride | None:
        return find_override(self.overrides, host, port)


def select_family(addresses: Sequence[Address], family: FamilyChoice) -> list[Address]:
    """Keep the one family ``family`` forces, or every address (``AUTO``), in order."""
    forced = family.forced
    return [a for a in addresses if forced is None or a.family is forced]


class BindMode(StrEnum):
    DEFAULT = "default"  # '::' is dual-stack (as Node does), other hosts as given
    DUAL_STACK = "dual-stack"
    V6ONLY = "v6only"


@record
class ServerConfig:
    """Where the demo server listens and its limits (the defaults are ``serve``'s and the
    TUI's demo server's).

    Attributes:
        max_size: largest message in bytes, after inflation (1009 beyond).
        max_connections: connections in all, counted from TCP accept (half-open too).
        max_per_peer: connections one remote address may hold (loopback: no cap).
        loopback_reserve: of ``max_connections``, slots only loopback peers may take.
        handshake_timeout: seconds from accept to a finished upgrade, else closed.
        origins: allowed ``Origin`` headers; empty: any. A request without one (a client
            that is not a browser) is accepted either way.
        idle_timeout: seconds without a message before a connection is closed (1001).
        write_timeout: seconds a peer may leave the echo unread before it is dropped.
        keepalive: seconds between pings, and to wait for the pong before dropping.
        max_queue: frames waiting behind the one being echoed before reading pauses
            (websockets' high-water mark; 0: pause as soon as one waits).
    """

    host: str = "127.0.0.1"
    port: int = 8080
    path: str | None = "/subscribe"  # None: any path
    mode: BindMode = BindMode.DEFAULT
    max_size: int = 1 << 20
    max_connections: int = 256
    max_per_peer: int = 16
    loopback_reserve: int = 16
    handshake_timeout: float = 5.0
    origins: tuple[str, ...] = ()
    idle_timeout: float = 300.0
    write_timeout: float = 10.0
    keepalive: float = 20.0
    max_queue: int = 0


SERVED_FROM_ENV = "WSEXPLORER_SERVED_FROM"
"""Set by ``wsexplorer web`` for the apps it serves: where they run (the banner says so)."""
