"""Who may hold a connection to the demo server, counted from TCP accept to close.

websockets counts nothing before a handshake finishes, so a peer that opens connections
and never sends the upgrade request holds file descriptors for free. Here every accepted
TCP connection takes a slot at once (:class:`AdmittedServerConnection` asks
:class:`Admission` in ``connection_made``), and gives it back in ``connection_lost``:

* at most ``max_connections`` connections, half-open ones (upgrade not finished)
  included;
* at most ``max_per_peer`` from one remote address;
* the last ``reserve`` slots are for loopback peers only, so this machine's own clients
  (the teacher's diagnosis) still connect when remote peers fill the rest. Loopback peers
  are this machine and have no per-address cap.

An over-limit peer is refused: with HTTP 503 once its request is read while few refusals
are in flight (``REFUSALS``, each bounded by the handshake deadline), else by closing the
TCP connection at once. Either way it never holds more than those few descriptors.
"""

from __future__ import annotations

import asyncio
import collections
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.server import ServerConnection

from ..model import is_loopback
from .flow import GuardedConnection

__all__ = ["REFUSALS", "Admission", "AdmittedServerConnection", "Ticket"]

REFUSALS = 8  # over-limit connections kept open at once to be told 503 rather than reset


def peer_key(host: str) -> str:
    """The address a peer is counted under: IPv4-mapped IPv6 as plain IPv4."""
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


@dataclass(slots=True)
class Ticket:
    """One accepted TCP connection's place: admitted, or refused (``reason`` says why)."""

    peer: str
    loopback: bool
    reason: str | None = None  # None: admitted
    respond: bool = False  # refused, but kept open to answer HTTP 503
    released: bool = False


class Admission:
    """The counters behind the connection caps (see the module docstring).

    Args:
        max_connections: slots in all, half-open connections included (at least 1).
        max_per_peer: slots one remote address may hold.
        reserve: slots only loopback peers may take (capped below ``max_connections``).
    """

    def __init__(self, max_connections: int, max_per_peer: int, reserve: int) -> None:
        self.max_connections = max_connections
        self.max_per_peer = max_per_peer
        self.reserve = min(reserve, max_connections - 1)
        self.active = 0
        self.remote = 0
        self.refusing = 0
        self.refused = 0
        self.per_peer: collections.Counter[str] = collections.Counter()

    def admit(self, host: str) -> Ticket:
        """Take a slot for a connection from ``host``, or say why not."""
        peer = peer_key(host)
        ticket = Ticket(peer, is_loopback(peer))
        if self.active >= self.max_connections:
            ticket.reason = f"too many connections ({self.max_connections})"
        elif not ticket.loopback:
            if self.per_peer[peer] >= self.max_per_peer:
                ticket.reason = f"too many connections from {peer} ({self.max_per_peer})"
            elif self.remote >= self.max_connections - self.reserve:
                ticket.reason = (
                    f"too many connections ({self.max_connections}, "
                    f"{self.reserve} kept for this machine)"
                )
        if ticket.reason is not None:
            self.refused += 1
            if self.refusing < REFUSALS:
                self.refusing += 1
                ticket.respond = True
            return ticket
        self.active += 1
        if not ticket.loopback:
            self.remote += 1
            self.per_peer[peer] += 1
        return ticket

    def release(self, ticket: Ticket) -> None:
        """Give the slot back (idempotent)."""
        if ticket.released:
            return
        ticket.released = True
        if ticket.reason is not None:
            self.refusing -= ticket.respond
            return
        self.active -= 1
        if not ticket.loopback:
            self.remote -= 1
            self.per_peer[ticket.peer] -= 1
            if self.per_peer[ticket.peer] <= 0:
                del self.per_peer[ticket.peer]


class AdmittedServerConnection(GuardedConnection, ServerConnection):
    """A server connection that takes its slot at TCP accept (websockets'
    ``create_connection`` hook) and has :class:`GuardedConnection`'s limits.

    Args:
        admission: the shared counters.
        on_refused: called with the ticket of a refused connection.
        on_dropped: called with ``(peer, reason)`` when the watchdog drops the peer.
        Every other argument is :class:`GuardedConnection`'s or websockets'.
    """

    def __init__(
        self,
        *args: Any,
        admission: Admission,
        on_refused: Callable[[Ticket], None],
        on_dropped: Callable[[str, str], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.admission = admission
        self.ticket: Ticket | None = None
        self._on_refused = on_refused
        self._on_dropped = on_dropped

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        self.ticket = ticket = self.admission.admit(str(peer[0]) if peer else "?")
        if ticket.reason is None:
            self.on_abort = lambda reason: self._on_dropped(ticket.peer, reason)
            return
        self._on_refused(ticket)
        if not ticket.respond:
            self.transport.abort()  # the handshake then ends at once, with no response

    def connection_lost(self, exc: Exception | None) -> None:
        if self.ticket is not None:
            self.admission.release(self.ticket)
        super().connection_lost(exc)
