"""Which addresses an observation measures besides the trace: pure target logic.

The observe driver (``probes/observe.py``) connects to what these functions name; the
engine's fixes (``ipv4-literal``, ``client-family-4``) need those measurements.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Address, DnsOutcome, Resolution, SystemFacts, WebSocketURL, is_loopback
from ..model.names import client_name
from ..model.proxy import ProxyEnvironment

__all__ = ["is_local_target", "probe_targets", "proxy_targets"]


def is_local_target(addresses: Sequence[Address], local: frozenset[str]) -> bool:
    """True when every address is loopback or one of this machine's own addresses."""
    return bool(addresses) and all(
        is_loopback(a.address) or a.address.split("%", 1)[0] in local for a in addresses
    )


def probe_targets(
    resolution: Resolution, url: WebSocketURL, facts: SystemFacts, local: bool
) -> list[str]:
    """Extra addresses worth a measured connect: loopback of both families for a local target
    (what the ``ipv4-literal`` fix and dual-stack reasoning need), the name's IPv4
    addresses (the ``client-family-4`` fix), and the addresses DNS answered that the
    resolver did not return, hidden by a hosts-file line (the ``hosts-line`` fix)."""
    wanted: list[str] = []
    if local:
        wanted.append("127.0.0.1")
        if facts.ipv6_enabled:
            wanted.append("::1")
    for a in (*resolution.addresses, *resolution.ipv4.order, *resolution.addrconfig.order):
        if a.address not in wanted:
            wanted.append(a.address)
    if resolution.override is None:
        for answer in resolution.dns.answers:
            if answer.outcome is DnsOutcome.ANSWER:
                wanted += [a for a in answer.addresses if a not in wanted]
    return wanted


def proxy_targets(env: ProxyEnvironment, url: WebSocketURL) -> tuple[tuple[str, int], ...]:
    """The ``(host, port)`` of every http:// proxy some catalogue client would use for
    ``url`` (docs/clients.md#proxies), each once, in catalogue order."""
    from .clients import CATALOGUE
    from .proxy import choose_proxy

    found: list[tuple[str, int]] = []
    for s in CATALOGUE:
        host = client_name(url.host, s.names)
        ep = choose_proxy(env, s.proxy, host, url.port, url.secure).endpoint
        if ep is None or ep.port is None or ep.scheme != "http":
            continue
        if (ep.host, ep.port) not in found:
            found.append((ep.host, ep.port))
    return tuple(found)
