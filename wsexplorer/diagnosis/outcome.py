"""How a TCP connect to one address ends: measured if it was tried, else modelled.

Measured beats modelled: an address the tracer or a probe connected to keeps its outcome.
Otherwise, when the target is this machine and its listeners are known, the listeners
decide (:func:`~wsexplorer.model.listener_takes`). Otherwise the outcome is unknown.
"""

from __future__ import annotations

import ipaddress

from ..model import (
    Attempt,
    AttemptOutcome,
    Family,
    Handshake,
    HandshakeOutcome,
    Listener,
    Observation,
    family_of,
    listener_takes,
    split_zone,
)
from .context import NO_CHANGE, WhatIf
from .strategy import TryResult

__all__ = [
    "UNKNOWN",
    "address_outcome",
    "failed_handshake",
    "listeners_on_port",
    "measured_attempt",
    "measured_handshake",
    "modelled_refusal",
    "same_address",
    "try_address",
]

UNKNOWN = AttemptOutcome.UNKNOWN


def same_address(a: str, b: str) -> bool:
    """True if two IP literals name the same address (``::1`` and ``0:0::1`` are equal)."""
    try:
        return ipaddress.ip_address(split_zone(a)[0]) == ipaddress.ip_address(split_zone(b)[0])
    except ValueError:
        return a == b


def modelled_refusal(obs: Observation, address: str, ctx: WhatIf = NO_CHANGE) -> bool:
    """True if the listener table explains a refusal: local target, known listeners, and
    none of them takes ``address``."""
    if not obs.local_target or not (obs.listeners_known or ctx.listeners is not None):
        return False
    return not any(listener_takes(lis, address) for lis in listeners_on_port(obs, ctx))


def listeners_on_port(obs: Observation, ctx: WhatIf = NO_CHANGE) -> tuple[Listener, ...]:
    """The TCP listeners on the URL's port (the what-if's, if it replaces them)."""
    if ctx.listeners is not None:
        return ctx.listeners
    port = obs.url.port
    return tuple(lis for lis in obs.listeners if lis.protocol == "tcp" and lis.port == port)


def measured_attempt(obs: Observation, address: str) -> Attempt | None:
    """The first measured connect to ``address`` on the URL's port (attempts, then probes)."""
    for attempt in (*obs.attempts, *obs.probes):
        if attempt.port not in (0, obs.url.port):
            continue
        if same_address(attempt.address, address):
            return attempt
    return None


def try_address(obs: Observation, address: str, ctx: WhatIf = NO_CHANGE) -> TryResult:
    """How a connect to ``address`` ends under ``ctx``, and whether that was measured."""
    fam = family_of(address) or Family.IPV4
    if ctx.listeners is None:
        measured = measured_attempt(obs, address)
        if measured is not None:
            return TryResult(
                address,
                fam,
                measured.outcome,
                True,
                measured.error,
                measured.elapsed_ms,
                measured.cut_short,
            )
    if not obs.local_target or not (obs.listeners_known or ctx.listeners is not None):
        return TryResult(address, fam, AttemptOutcome.UNKNOWN)
    if fam is Family.IPV6 and not obs.system.ipv6_enabled:
        return TryResult(address, fam, AttemptOutcome.UNREACHABLE)
    if any(listener_takes(lis, address) for lis in listeners_on_port(obs, ctx)):
        return TryResult(address, fam, AttemptOutcome.CONNECTED)
    return TryResult(address, fam, AttemptOutcome.REFUSED)


def address_outcome(obs: Observation, address: str, *, ctx: WhatIf = NO_CHANGE) -> AttemptOutcome:
    """How a TCP connect to ``address`` on the URL's port ends.

    Returns:
        ``connected``, ``refused``, ``timeout``, ``unreachable``, ``error`` or ``unknown``.
        Measured outcomes (``obs.attempts``, then ``obs.probes``) win; else, for a local
        target with known listeners, ``connected`` if a listener takes the address,
        ``unreachable`` for IPv6 when IPv6 is disabled, else ``refused``; else ``unknown``.
        Under a what-if that replaces the listeners of a local target, measurements are
        ignored and the new listeners decide.
    """
    return try_address(obs, address, ctx).outcome


_FAILED_HANDSHAKES = frozenset(
    {
        HandshakeOutcome.HTTP_STATUS,
        HandshakeOutcome.TIMEOUT,
        HandshakeOutcome.CLOSED,
        HandshakeOutcome.INVALID,
        HandshakeOutcome.ERROR,
        HandshakeOutcome.TLS,
        HandshakeOutcome.REDIRECT,
    }
)


def _takers(listeners: tuple[Listener, ...], address: str) -> frozenset[Listener]:
    return frozenset(lis for lis in listeners if listener_takes(lis, address))


def failed_handshake(obs: Observation, address: str, ctx: WhatIf = NO_CHANGE) -> Handshake | None:
    """The measured failed handshake a WebSocket client reaching ``address`` would repeat.

    A handshake measured on one address holds for every address served by the same
    listener (a dual-stack ``::`` answers ``::1`` and ``127.0.0.1`` alike). When the
    listeners are not known, the same service is assumed behind every address of the
    host. ``None`` when no failed handshake applies.
    """
    hs = measured_handshake(obs, address, ctx)
    return hs if hs is not None and hs.outcome in _FAILED_HANDSHAKES else None


def measured_handshake(obs: Observation, address: str, ctx: WhatIf = NO_CHANGE) -> Handshake | None:
    """The measured handshake (failed or not) a client reaching ``address`` would get,
    under the same rule as :func:`failed_handshake`; ``None`` when none applies."""
    hs = obs.handshake
    if hs is None or hs.outcome is HandshakeOutcome.NOT_ATTEMPTED or hs.address is None:
        return None
    if same_address(hs.address, address):
        return hs
    if not obs.local_target or not (obs.listeners_known or ctx.listeners is not None):
        return hs
    listeners = listeners_on_port(obs, ctx)
    if _takers(listeners, hs.address) & _takers(listeners, address):
        return hs
    return None
