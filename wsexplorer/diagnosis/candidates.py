"""Which addresses a client has and tries: its candidates (a literal, its own
``localhost`` answer, a what-if's answer, or the resolver's with or without
``AI_ADDRCONFIG`` or for one family), in its order, and the tries its fallback makes."""

from __future__ import annotations

from ..model import Address, Family, GaiResult, Observation, Resolution, Source, family_of
from ..model.names import lookup_key
from ..model.record import record
from .context import NO_CHANGE, WhatIf
from .outcome import same_address
from .strategy import AddressOrder, ClientStrategy, Fallback, is_localhost_name

__all__ = ["Candidates", "candidates", "order_addresses", "tries_in_order"]


@record
class Candidates:
    """The addresses one client would try, in its order, and why others are missing."""

    addresses: tuple[Address, ...]
    own: bool  # the client answered localhost itself
    dropped: tuple[str, ...]  # removed by AI_ADDRCONFIG
    error: str | None  # the resolver's measured error
    unrouted: tuple[str, ...] = ()  # IPv6 addresses never asked for (no IPv6 route)


def _family_answer(res: Resolution, host: str, forced: Family | None) -> GaiResult | None:
    """The measured ``getaddrinfo`` answer for ``forced`` alone, or ``None``.

    A client forced to a family asks getaddrinfo for that family with flags 0 (Node's
    ``net.connect`` drops ``AI_ADDRCONFIG`` when ``family`` is 4 or 6, nodejs/node
    ``lib/net.js`` ``lookupAndConnect``; Python's ``family=socket.AF_INET``). glibc's
    files backend answers that call per family: ``::1 localhost`` alone still gives
    ``127.0.0.1`` for ``AF_INET`` (docs/clients.md#resolver-family). ``None`` when the
    call was not measured for this name (a ``--resolve`` pin, another IDNA spelling): the
    both-families answer is filtered. (A client that cannot be forced, Chrome, is never
    given a family: :meth:`WhatIf.forced_family`.)
    """
    if forced is None or res.override is not None:
        return None
    if lookup_key(host) != lookup_key(res.host):
        return None
    answer = res.ipv4 if forced is Family.IPV4 else res.ipv6
    if not answer.order and answer.error is None:
        return None
    return answer


def _resolved_instead(
    obs: Observation, s: ClientStrategy, host: str, resolved: tuple[Address, ...]
) -> Candidates:
    """The what-if's answer for the name; ``AI_ADDRCONFIG`` drops the families it dropped
    from the measured answer."""
    plain, addrconfig = obs.resolution.answers_for(host)
    if not s.addrconfig:
        return Candidates(resolved, False, (), None)
    gone = {a.family for a in plain.order} - {a.family for a in addrconfig.order}
    kept = tuple(a for a in resolved if a.family not in gone)
    dropped = tuple(a.address for a in resolved if a.family in gone)
    return Candidates(kept, False, dropped, None)


def candidates(
    obs: Observation,
    s: ClientStrategy,
    host: str,
    forced: Family | None = None,
    ctx: WhatIf = NO_CHANGE,
) -> Candidates:
    if family_of(host) is not None:
        return Candidates((Address.of(host, Source.LITERAL),), False, (), None)
    answers_itself = s.localhost_dot or not host.endswith(".")
    if s.localhost is not None and answers_itself and is_localhost_name(host):
        # Chrome keeps ::1 with IPv6 off (checked: tests/scenarios/test_chromium.py).
        keep_v6 = obs.system.ipv6_enabled or s.localhost_ipv6_always
        own = tuple(
            Address.of(a, Source.BUILTIN)
            for a in s.localhost
            if family_of(a) is Family.IPV4 or keep_v6
        )
        return Candidates(own, True, (), None)
    res = obs.resolution
    if ctx.resolved is not None:
        return _resolved_instead(obs, s, host, ctx.resolved)
    if res.override is not None:
        return Candidates(res.override.addresses, False, (), None)
    per_family = _family_answer(res, host, forced)
    if per_family is not None:
        return Candidates(per_family.order, False, (), per_family.error)
    plain, addrconfig = res.answers_for(host)
    if not s.addrconfig:
        return Candidates(plain.order, False, (), plain.error)
    dropped = tuple(
        a.address
        for a in plain.order
        if not any(same_address(a.address, k.address) for k in addrconfig.order)
    )
    if s.ipv6_route_check and obs.system.ipv6_routable is False:
        # Chrome asks for A records only without a route to global IPv6 (checked).
        v4 = tuple(a for a in addrconfig.order if a.family is Family.IPV4)
        unrouted = tuple(a.address for a in addrconfig.order if a.family is Family.IPV6)
        return Candidates(v4, False, dropped, addrconfig.error, unrouted)
    return Candidates(addrconfig.order, False, dropped, addrconfig.error)


def order_addresses(addresses: tuple[Address, ...], order: AddressOrder) -> tuple[Address, ...]:
    if order is AddressOrder.IPV4FIRST:
        return tuple(sorted(addresses, key=lambda a: a.family is not Family.IPV4))
    return addresses


def _interleave(addresses: tuple[Address, ...]) -> tuple[Address, ...]:
    """RFC 8305 section 4: alternate families, starting with the first address's family."""
    first = addresses[0].family
    same = [a for a in addresses if a.family is first]
    other = [a for a in addresses if a.family is not first]
    out: list[Address] = []
    for i in range(max(len(same), len(other))):
        out.extend(a[i] for a in (same, other) if i < len(a))
    return tuple(out)


def tries_in_order(addresses: tuple[Address, ...], fallback: Fallback) -> tuple[Address, ...]:
    if fallback is Fallback.FIRST_ONLY:
        return addresses[:1]
    if fallback is Fallback.HAPPY_EYEBALLS:
        return _interleave(addresses)
    return addresses
