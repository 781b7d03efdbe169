"""Trace a connection: one TCP connect per resolved address, then the WebSocket handshake.

Everything runs against one deadline and never raises for network trouble: every outcome
is a value (:class:`Attempt`, :class:`Handshake`). One connect is :mod:`.connect`'s, the
handshake :mod:`.handshake`'s; their names stay importable from here.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from ..diagnosis.clients.chrome_hsts import hsts_entry
from ..model import (
    Address,
    Attempt,
    AttemptOutcome,
    FamilyChoice,
    Handshake,
    HandshakeOutcome,
    WebSocketURL,
)
from ..model.options import select_family
from ..model.trust import VERIFY, TlsOptions
from .connect import NEIGHBOUR_MARGIN, connect_one, neighbour_wait, probe_addresses, sockaddr
from .handshake import MAX_MESSAGE, handshake

__all__ = [
    "MAX_MESSAGE",
    "NEIGHBOUR_MARGIN",
    "attempt_budget",
    "connect_one",
    "handshake",
    "neighbour_wait",
    "probe_addresses",
    "select_family",
    "sockaddr",
    "trace",
]

_HANDSHAKE_RESERVE = 0.25
SLOW_CONNECT_S = 0.2
"""A connect slower than this is measured once more and the faster time kept: one slow
measurement on a busy machine must not make a Happy Eyeballs client look like it gives up
(Node's attempt timeout is 250 ms; docs/clients.md#kernel-timing)."""


def attempt_budget(timeout: float, count: int) -> float:
    """The share of one connect of ``count`` out of ``timeout``: ``timeout / (count+1)``,
    at least 0.25 s, so one address that never answers leaves time for the others and for
    the handshake. :func:`trace` gives a connect more when the deadline allows
    (:func:`_connect_budget`)."""
    return max(0.25, timeout / (count + 1))


def _connect_budget(share: float, remaining: float, left: int, neighbour: float) -> float:
    """How long one connect may wait: its ``share``, raised to the neighbour resolution
    time plus :data:`NEIGHBOUR_MARGIN` when the ``remaining`` deadline still leaves 0.25 s
    for each of the ``left`` addresses after it and for the handshake; never past the
    deadline."""
    spare = remaining - 0.25 * left - _HANDSHAKE_RESERVE
    return min(remaining, max(share, min(neighbour + NEIGHBOUR_MARGIN, spare)))


async def _recheck(attempt: Attempt, port: int, deadline: float) -> Attempt:
    """``attempt`` (connected, slowly) with the faster of its time and a second connect's."""
    budget = min(deadline - time.perf_counter(), attempt.elapsed_ms / 1000 * 2)
    if budget <= 0:
        return attempt
    again, sock = await connect_one(attempt.address, port, budget)
    if sock is None:
        return attempt
    sock.close()
    return replace(attempt, elapsed_ms=min(attempt.elapsed_ms, again.elapsed_ms))


async def trace(
    url: WebSocketURL,
    addresses: Sequence[Address],
    *,
    family: FamilyChoice = FamilyChoice.AUTO,
    timeout: float = 5.0,
    headers: Sequence[tuple[str, str]] = (),
    subprotocols: Sequence[str] = (),
    origin: str | None = None,
    do_handshake: bool = True,
    tls: TlsOptions = VERIFY,
) -> tuple[tuple[Attempt, ...], Handshake]:
    """Try every address in order (all of them, to measure each); the WebSocket handshake
    runs on the first one that connects, as soon as it connects.

    The whole trace ends within ``timeout`` seconds. One connect gets
    ``timeout / (n + 1)`` (n addresses; at least 0.25 s), raised to the kernel's
    neighbour resolution time plus :data:`NEIGHBOUR_MARGIN` (about 3.5 s) when the
    deadline allows, so an address ARP cannot resolve is measured ``unreachable`` with its
    errno, and an address that never answers (a blackholed route, a full backlog) is a
    timeout that still leaves time for the others and for the handshake; one given less
    than that is marked ``cut_short``.
    """
    deadline = time.perf_counter() + timeout
    t0 = time.perf_counter()
    selected = select_family(addresses, family)
    per_attempt = attempt_budget(timeout, len(selected))
    attempts: list[Attempt] = []
    hs: Handshake | None = None
    for index, addr in enumerate(selected):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            attempts.append(
                Attempt(
                    addr.address,
                    addr.family,
                    AttemptOutcome.TIMEOUT,
                    "not tried: deadline reached",
                    0.0,
                    (time.perf_counter() - t0) * 1000,
                    url.port,
                    cut_short=True,
                )
            )
            continue
        left = len(selected) - index - 1
        budget = _connect_budget(per_attempt, remaining, left, neighbour_wait(addr.family))
        attempt, sock = await connect_one(addr.address, url.port, budget, t0)
        if sock is not None and attempt.elapsed_ms > SLOW_CONNECT_S * 1000:
            attempt = await _recheck(attempt, url.port, deadline)
        attempts.append(attempt)
        if sock is None:
            continue
        if hs is not None or not do_handshake:
            sock.close()
            hs = hs or Handshake(addr.address, HandshakeOutcome.NOT_ATTEMPTED)
            continue
        hs, _ = await handshake(
            url,
            sock,
            addr.address,
            timeout=max(deadline - time.perf_counter(), 0.05),
            headers=headers,
            subprotocols=subprotocols,
            origin=origin,
            tls=tls,
        )
        if not url.secure and hsts_entry(url.host) is not None:
            # Chrome sends a TLS ClientHello here instead (docs/clients.md#chrome-hsts).
            from ._wsprobe import tls_hello

            wait = min(max(deadline - time.perf_counter(), 0.05), 2.0)
            hs = replace(hs, tls_hello=await tls_hello(addr.address, url.port, wait))
    return tuple(attempts), hs or Handshake(None, HandshakeOutcome.NOT_ATTEMPTED)
