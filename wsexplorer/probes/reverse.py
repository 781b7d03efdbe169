"""Which names on this machine resolve to an address first (for ``why``: a pasted error
that names only ``::1:8080`` was tried under some name, most often ``localhost``)."""

from __future__ import annotations

import ipaddress

from .resolution import getaddrinfo_result
from .sysconf import read_hosts

__all__ = ["MAX_NAMES", "names_first"]

MAX_NAMES = 16
"""At most this many candidate names are looked up."""


def _same(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_address(a.split("%", 1)[0]) == ipaddress.ip_address(b.split("%", 1)[0])
    except ValueError:
        return False


def names_first(address: str, port: int, hosts_path: str = "/etc/hosts") -> tuple[str, ...]:
    """The names whose ``getaddrinfo`` answer starts with ``address``: ``localhost`` for a
    loopback address, then the hosts file's names for it, in file order."""
    candidates: list[str] = []
    if ipaddress.ip_address(address).is_loopback:
        candidates.append("localhost")
    hosts = read_hosts(hosts_path)
    for entry in hosts.entries:
        if _same(entry.address, address):
            candidates += [n for n in entry.names if n not in candidates]
    found: list[str] = []
    for name in candidates[:MAX_NAMES]:
        result = getaddrinfo_result(name, port)
        if result.order and _same(result.order[0].address, address):
            found.append(name)
    return tuple(found)
