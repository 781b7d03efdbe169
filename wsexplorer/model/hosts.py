"""The hosts file (``/etc/hosts``): a parser that never raises, and lookups by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import Family, family_of, split_zone

__all__ = ["HostsEntry", "HostsFile", "HostsProblem", "parse_hosts"]


@dataclass(frozen=True, slots=True)
class HostsEntry:
    """One usable line of a hosts file."""

    line: int
    address: str
    family: Family
    names: tuple[str, ...]
    zone: str | None = None

    def matches(self, name: str) -> bool:
        """True if ``name`` is the canonical name or an alias of this line (case-insensitive)."""
        wanted = _norm(name)
        return any(_norm(n) == wanted for n in self.names)

    def to_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "address": self.address,
            "family": self.family.value,
            "names": list(self.names),
            "zone": self.zone,
        }


@dataclass(frozen=True, slots=True)
class HostsProblem:
    """A line the resolver will ignore, and why."""

    line: int
    text: str
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class HostsFile:
    """A parsed hosts file: usable entries in file order, and problems with line numbers."""

    path: str
    entries: tuple[HostsEntry, ...] = ()
    problems: tuple[HostsProblem, ...] = ()
    error: str | None = field(default=None)

    def lookup(self, name: str) -> tuple[HostsEntry, ...]:
        """Entries whose names include ``name``, in file order."""
        return tuple(e for e in self.entries if e.matches(name))

    def only(self, name: str) -> HostsFile:
        """The same file reduced to the lines that match ``name`` (problems kept)."""
        return HostsFile(self.path, self.lookup(name), self.problems, self.error)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "entries": [e.to_json() for e in self.entries],
            "problems": [p.to_json() for p in self.problems],
            "error": self.error,
        }


def _norm(name: str) -> str:
    return name.rstrip(".").lower()


def parse_hosts(text: str, path: str = "/etc/hosts") -> HostsFile:
    """Parse hosts-file text. Never raises: bad lines become :class:`HostsProblem`.

    Accepts comments (``#`` anywhere), aliases, tabs, CRLF line ends and IPv6 addresses
    with zone ids (``fe80::1%eth0``). A line whose first field is not an IP address, or
    that has an address but no name, is reported as a problem with its 1-based number.
    """
    entries: list[HostsEntry] = []
    problems: list[HostsProblem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        body = raw.split("#", 1)[0].strip()
        if not body:
            continue
        fields = body.split()
        addr_text, names = fields[0], tuple(fields[1:])
        fam = family_of(addr_text)
        shown = raw.strip()
        if fam is None:
            problems.append(HostsProblem(number, shown, f"{addr_text!r} is not an IP address"))
            continue
        if not names:
            problems.append(HostsProblem(number, shown, f"address {addr_text} has no host name"))
            continue
        addr, zone = split_zone(addr_text)
        if zone is not None and fam is Family.IPV4:
            problems.append(HostsProblem(number, shown, "a zone id is only valid on IPv6"))
            continue
        entries.append(HostsEntry(number, addr, fam, names, zone))
    return HostsFile(path, tuple(entries), tuple(problems))
