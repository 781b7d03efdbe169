"""Machine facts that change what clients do: IPv6 on or off, configured families, bindv6only."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from ..model import SystemFacts

__all__ = ["local_addresses", "system_facts"]


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


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
    b = _read("/proc/sys/net/ipv6/bindv6only")
    bindv6only = int(b.strip()) if b and b.strip().isdigit() else None
    return SystemFacts(
        ipv6_enabled=ipv6_enabled, has_ipv4=has_ipv4, has_ipv6=has_ipv6, bindv6only=bindv6only
    )
