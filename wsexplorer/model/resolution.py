"""What the name resolution probes found: getaddrinfo, hosts file, nsswitch, gai.conf, DNS."""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from .address import Address, Family
from .hosts import HostsFile
from .names import SearchExpansion, lookup_key
from .override import ResolveOverride
from .record import record

__all__ = [
    "DnsAnswer",
    "DnsOutcome",
    "DnsReport",
    "GaiResult",
    "IgnoredNameserver",
    "NameLookup",
    "Resolution",
]


@record
class GaiResult:
    """One ``getaddrinfo`` call: the addresses in the order returned, or its error."""

    order: tuple[Address, ...] = ()
    error: str | None = None
    elapsed_ms: float = 0.0
    flags: str = "0"

    def families(self) -> tuple[Family, ...]:
        return tuple(a.family for a in self.order)

    def to_json(self) -> dict[str, object]:
        return {
            "order": [a.to_json() for a in self.order],
            "error": self.error,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "flags": self.flags,
        }


class DnsOutcome(StrEnum):
    """How one DNS query ended; each gets its own state in the UI."""

    ANSWER = "answer"
    NXDOMAIN = "nxdomain"
    NO_ANSWER = "no_answer"
    TIMEOUT = "timeout"
    ERROR = "error"
    LOCAL = "local"  # not sent: the name is answered locally (RFC 6761 localhost)


@record
class DnsAnswer:
    """One query of one type to one nameserver."""

    nameserver: str
    type: str
    outcome: DnsOutcome
    addresses: tuple[str, ...] = ()
    ttl: int | None = None
    error: str | None = None
    elapsed_ms: float = 0.0

    def to_json(self) -> dict[str, object]:
        error = self.error
        if error is None and self.outcome is DnsOutcome.NXDOMAIN:
            error = "NXDOMAIN"
        return {
            "nameserver": self.nameserver,
            "type": self.type,
            "outcome": self.outcome.value,
            "addresses": list(self.addresses),
            "ttl": self.ttl,
            "error": error,
            "elapsed_ms": round(self.elapsed_ms, 3),
        }


@record
class IgnoredNameserver:
    """A resolv.conf ``nameserver`` line the system resolver does not use, never queried.

    ``text`` is the value as written (cut short); ``reason`` says why, e.g.
    ``"not an address"`` or ``"beyond the first 3 (glibc MAXNS)"``.
    """

    line: int
    text: str
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@record
class DnsReport:
    """Nameservers from resolv.conf and every answer they gave (or didn't).

    ``ignored`` lists (the first few of) the resolv.conf nameserver lines that are not
    used, ``ignored_count`` counts them all.
    """

    nameservers: tuple[str, ...] = ()
    answers: tuple[DnsAnswer, ...] = ()
    note: str | None = None
    error: str | None = None
    ignored: tuple[IgnoredNameserver, ...] = ()
    ignored_count: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "nameservers": list(self.nameservers),
            "answers": [a.to_json() for a in self.answers],
            "note": self.note,
            "error": self.error,
            "ignored_nameservers": [i.to_json() for i in self.ignored],
            "ignored_nameserver_count": max(self.ignored_count, len(self.ignored)),
        }


@record
class NameLookup:
    """One more name some client resolves for the same URL (``fass.test`` next to
    ``xn--fa-hia.test`` for ``faß.test``): its flags-0 and ``AI_ADDRCONFIG`` answers and
    the search domain that answered it, if one did."""

    name: str
    getaddrinfo: GaiResult
    addrconfig: GaiResult
    search: SearchExpansion | None = None

    def to_json(self) -> dict[str, object]:
        gai = self.getaddrinfo.to_json()
        gai["addrconfig_order"] = self.addrconfig.to_json()["order"]
        gai["addrconfig_error"] = self.addrconfig.error
        return {
            "name": self.name,
            "getaddrinfo": gai,
            "search_expansion": None if self.search is None else self.search.to_json(),
        }


@record
class Resolution:
    """Everything known about how ``host`` resolves, each address with its source.

    ``getaddrinfo`` is the flags-0 call (what Python's asyncio uses), ``addrconfig`` the
    ``AI_ADDRCONFIG`` call (what Node's ``net.connect`` uses). With an ``override``
    (``--resolve``), both hold the pinned addresses.

    ``host`` is the name the WHATWG URL parser (Node, Chrome) resolves for the URL's host;
    ``other_names`` holds every other name a client resolves for it (another IDNA
    encoding), ``search`` the resolv.conf search domain that answered ``host``, and
    ``search_skipped`` the search domain that would answer ``host`` without its trailing
    dot when the absolute name did not resolve.
    """

    host: str
    port: int
    getaddrinfo: GaiResult
    addrconfig: GaiResult
    ipv4: GaiResult = field(default_factory=GaiResult)
    ipv6: GaiResult = field(default_factory=GaiResult)
    hosts_file: HostsFile = field(default_factory=lambda: HostsFile("/etc/hosts"))
    nsswitch: tuple[str, ...] = ()
    gai_conf: tuple[str, ...] = ()
    dns: DnsReport = field(default_factory=DnsReport)
    override: ResolveOverride | None = None
    is_literal: bool = False
    other_names: tuple[NameLookup, ...] = ()
    search: SearchExpansion | None = None
    search_skipped: SearchExpansion | None = None

    def answers_for(self, name: str) -> tuple[GaiResult, GaiResult]:
        """The flags-0 and ``AI_ADDRCONFIG`` answers for ``name`` (any case); ``host``'s
        when ``name`` was not looked up on its own."""
        for other in self.other_names:
            if lookup_key(other.name) == lookup_key(name):
                return other.getaddrinfo, other.addrconfig
        return self.getaddrinfo, self.addrconfig

    @property
    def addresses(self) -> tuple[Address, ...]:
        """The flags-0 order (or the override's), the order most clients see."""
        if self.override is not None:
            return self.override.addresses
        return self.getaddrinfo.order

    @property
    def every_address(self) -> tuple[Address, ...]:
        """:attr:`addresses`, then the addresses only :attr:`other_names` got (each once):
        every address some client tries."""
        out = list(self.addresses)
        if self.override is None:
            for other in self.other_names:
                seen = {a.address for a in out}
                out += [a for a in other.getaddrinfo.order if a.address not in seen]
        return tuple(out)

    @property
    def addrconfig_addresses(self) -> tuple[Address, ...]:
        if self.override is not None:
            return self.override.addresses
        return self.addrconfig.order

    def to_json(self) -> dict[str, object]:
        gai = self.getaddrinfo.to_json()
        gai["addrconfig_order"] = self.addrconfig.to_json()["order"]
        gai["addrconfig_error"] = self.addrconfig.error
        gai["ipv4"] = self.ipv4.to_json()
        gai["ipv6"] = self.ipv6.to_json()
        return {
            "schema": "wsexplorer.resolve/1",
            "host": self.host,
            "port": self.port,
            "getaddrinfo": gai,
            "hosts_file": self.hosts_file.to_json(),
            "nsswitch": list(self.nsswitch),
            "gai_conf": list(self.gai_conf),
            "dns": self.dns.to_json(),
            "override": None if self.override is None else self.override.to_json(),
            "is_literal": self.is_literal,
            "other_names": [n.to_json() for n in self.other_names],
            "search_expansion": None if self.search is None else self.search.to_json(),
            "search_skipped": None
            if self.search_skipped is None
            else self.search_skipped.to_json(),
        }
