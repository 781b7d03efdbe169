"""Machine facts that change what clients do: IPv6 on or off, configured families,
bindv6only, and the kernel settings that time a silent or unreachable address."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from ..model import SystemFacts

__all__ = ["IPV6_PROBE_ADDRESS", "ipv6_routable", "local_addresses", "neighbour_ms", "system_facts"]

IPV6_PROBE_ADDRESS = "2001:4860:4860::8888"
"""The global address Chrome's IPv6 reachability check routes to (docs/clients.md#chrome)."""


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def _int(path: str) -> int | None:
    text = _read(path)
    return int(text.strip()) if text and text.strip().isdigit() else None


def _neighbour_ms_of(base: str) -> int | None:
    mcast = _int(base + "mcast_solicit")
    retrans = _int(base + "retrans_time_ms")
    if mcast is None or retrans is None:
        return None
    return (mcast + (_int(base + "app_solicit") or 0)) * retrans


def neighbour_ms(version: int) -> int | None:
    """How long the kernel resolves a neighbour (ARP for ``version`` 4, ND for 6) before
    it reports the address unreachable: ``(mcast_solicit + app_solicit) x retrans_time_ms``
    (Linux ``net/core/neighbour.c``: a new entry sends that many probes, one every
    ``retrans_time``), from ``/proc/sys/net/ipv{4,6}/neigh/default``; a network namespace
    other than the first has only per-interface entries, then the longest of those (``lo``
    aside). ``None`` when unreadable."""
    root = f"/proc/sys/net/ipv{version}/neigh/"
    default = _neighbour_ms_of(root + "default/")
    if default is not None:
        return default
    try:
        names = [p.name for p in Path(root).iterdir() if p.name != "lo"]
    except OSError:
        return None
    found = [ms for ms in (_neighbour_ms_of(f"{root}{n}/") for n in names) if ms is not None]
    return max(found, default=None)


def _fib_trie_local_ipv4(text: str) -> set[str]:
    """IPv4 addresses the kernel marks ``/32 host LOCAL`` in ``/proc/net/fib_trie``."""
    out: set[str] = set()
    last: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|--"):
            last = stripped[3:].strip()
        elif stripped.startswith("/32 host LOCAL") and last:
            out.add(last)
    return out


def local_addresses() -> frozenset[str]:
    """Every address configured on this machine's interfaces (both families, zones dropped).

    Linux: ``/proc/net/fib_trie`` (IPv4) and ``/proc/net/if_inet6`` (IPv6), a few hundred
    microseconds; elsewhere psutil's ``getifaddrs`` (about 25 ms to import).
    """
    out: set[str] = {"127.0.0.1"}
    trie = _read("/proc/net/fib_trie")
    v6_text = _read("/proc/net/if_inet6")
    if trie is not None and v6_text is not None:
        out |= _fib_trie_local_ipv4(trie)
        for line in v6_text.splitlines():
            fields = line.split()
            if fields and len(fields[0]) == 32:
                out.add(str(ipaddress.IPv6Address(bytes.fromhex(fields[0]))))
        return frozenset(out)
    try:  # pragma: no cover - non-Linux
        import psutil

        for addrs in psutil.net_if_addrs().values():
            for a in addrs:
                if a.family in (socket.AF_INET, socket.AF_INET6):
                    out.add(a.address.split("%", 1)[0])
    except Exception:  # pragma: no cover - psutil missing or unsupported platform
        pass
    return frozenset(out)


def ipv6_routable() -> bool:
    """True when a route to a global IPv6 address exists: a UDP socket can ``connect`` to
    :data:`IPV6_PROBE_ADDRESS` (no packet is sent), as Chrome checks before asking for
    AAAA records (Chromium ``net/dns/host_resolver_manager.cc``, net log event
    ``HOST_RESOLVER_MANAGER_IPV6_REACHABILITY_CHECK``)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.connect((IPV6_PROBE_ADDRESS, 443))
    except OSError:
        return False
    return True


def system_facts(addresses: frozenset[str] | None = None) -> SystemFacts:
    """Read IPv6 state, the families ``AI_ADDRCONFIG`` counts, and ``net.ipv6.bindv6only``.

    A family counts as configured only with an address other than loopback (glibc's
    ``AI_ADDRCONFIG`` rule, docs/clients.md#resolver-addrconfig); link-local IPv6 counts.
    """
    addrs = local_addresses() if addresses is None else addresses
    v6_text = _read("/proc/net/if_inet6")
    ipv6_enabled = bool(v6_text and v6_text.strip()) if v6_text is not None else "::1" in addrs
    has_ipv4 = has_ipv6 = False
    for a in addrs:
        try:
            ip = ipaddress.ip_address(a)
        except ValueError:
            continue
        if ip.is_loopback:
            continue
        if ip.version == 4:
            has_ipv4 = True
        else:
            has_ipv6 = True
    retries = _int("/proc/sys/net/ipv4/tcp_syn_retries")
    linear = _int("/proc/sys/net/ipv4/tcp_syn_linear_timeouts")
    return SystemFacts(
        ipv6_enabled=ipv6_enabled,
        has_ipv4=has_ipv4,
        has_ipv6=has_ipv6,
        bindv6only=_int("/proc/sys/net/ipv6/bindv6only"),
        tcp_syn_retries=retries,
        # Absent before the sysctl existed: every SYN retransmission backs off then.
        tcp_syn_linear_timeouts=linear if linear is not None or retries is None else 0,
        neighbour_ipv4_ms=neighbour_ms(4),
        neighbour_ipv6_ms=neighbour_ms(6),
        ipv6_routable=ipv6_routable(),
    )
