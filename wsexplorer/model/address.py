"""Address families and where an address came from."""

from __future__ import annotations

import ipaddress
from enum import StrEnum

from .family import Family, FamilyChoice
from .record import record

__all__ = [
    "Address",
    "Family",
    "FamilyChoice",
    "Source",
    "family_of",
    "is_loopback",
    "is_wildcard",
    "split_zone",
]


class Source(StrEnum):
    """Where an address in a resolution came from."""

    GETADDRINFO = "getaddrinfo"
    HOSTS = "hosts"
    DNS = "dns"
    OVERRIDE = "override"
    LITERAL = "literal"
    BUILTIN = "builtin"


def split_zone(text: str) -> tuple[str, str | None]:
    """Split ``fe80::1%eth0`` into ``("fe80::1", "eth0")``; no zone gives ``None``."""
    if "%" in text:
        addr, _, zone = text.partition("%")
        return addr, zone or None
    return text, None


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP literal ``text`` (a zone id dropped), or ``None`` if not one."""
    try:
        return ipaddress.ip_address(split_zone(text)[0])
    except ValueError:
        return None


def family_of(text: str) -> Family | None:
    """Return the family of an IP literal (zone ids allowed), or ``None`` if not one."""
    ip = _ip(text)
    if ip is None:
        return None
    return Family.IPV4 if ip.version == 4 else Family.IPV6


def is_loopback(text: str) -> bool:
    """True for 127.0.0.0/8, ``::1`` and IPv4-mapped loopback."""
    ip = _ip(text)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def is_wildcard(text: str) -> bool:
    """True for ``0.0.0.0``, ``::`` and ``*`` (any address of the family)."""
    if text == "*":
        return True
    ip = _ip(text)
    return ip is not None and ip.is_unspecified


@record
class Address:
    """One resolved address and where it came from."""

    address: str
    family: Family
    source: Source = Source.GETADDRINFO

    @classmethod
    def of(cls, text: str, source: Source = Source.GETADDRINFO) -> Address:
        """Build from an IP literal; raises ``ValueError`` if ``text`` is not one."""
        fam = family_of(text)
        if fam is None:
            raise ValueError(f"not an IP address: {text!r}")
        return cls(text, fam, source)

    def to_json(self) -> dict[str, str]:
        """The ``{"family", "address"}`` form of the JSON schemas (plus ``source``)."""
        return {"family": self.family.value, "address": self.address, "source": self.source.value}
