"""The hosts file (``/etc/hosts``): a parser that never raises, and lookups by name.

The file is untrusted: it may hold hundreds of thousands of lines that are not host
lines. The parser is linear, keeps only a bounded summary of the problems (a count, the
first :data:`PROBLEM_SAMPLE` problem lines, and up to :data:`RELEVANT_PROBLEMS_MAX` that
mention the name asked about) and cuts every kept text to :data:`PROBLEM_TEXT_MAX`
characters, so what it returns stays small whatever the file holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field

from .address import Family, family_of, split_zone
from .record import record
from .untrusted import clip

__all__ = [
    "PROBLEM_SAMPLE",
    "PROBLEM_TEXT_MAX",
    "RELEVANT_PROBLEMS_MAX",
    "HostsEntry",
    "HostsFile",
    "HostsProblem",
    "parse_hosts",
]

#: Problem lines kept in file order, whatever name is asked about.
PROBLEM_SAMPLE = 5
#: Problem lines that mention the asked name, kept at most (after the sample).
RELEVANT_PROBLEMS_MAX = 20
#: Longest problem text (and quoted field in a reason) kept, in characters.
PROBLEM_TEXT_MAX = 120
# The parser polls ``stop`` once per this many lines.
_STOP_EVERY = 2048
# A dotted-quad IPv4 address exactly as ``ipaddress`` accepts it (no leading zeros), so the
# common case needs no exception-raising parse.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
# The characters an IPv6 address (without zone) can have: anything else is rejected
# without the slower full parse.
_IPV6_CHARS = re.compile(r"[0-9A-Fa-f:.]{2,45}")


@record
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


@record
class HostsProblem:
    """A line the resolver will ignore, and why.

    ``text`` is the line as written (cut to :data:`PROBLEM_TEXT_MAX` characters);
    ``relevant`` is true when the line mentions the name that was asked about.
    """

    line: int
    text: str
    reason: str
    relevant: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "text": self.text,
            "reason": self.reason,
            "relevant": self.relevant,
        }


@record
class HostsFile:
    """A parsed hosts file: usable entries in file order, and a summary of its problems.

    Attributes:
        problems: the first :data:`PROBLEM_SAMPLE` problem lines and those that mention
            the asked name (at most :data:`RELEVANT_PROBLEMS_MAX`), in file order.
        problem_count: every problem line seen (``-1`` when built by hand: the length
            of ``problems``).
        cut_at_bytes: set when the file was larger than the reader's cap: only this
            many bytes were read.
        stopped_at_line: set when reading stopped at this line because the deadline
            came; later lines were not looked at.
    """

    path: str
    entries: tuple[HostsEntry, ...] = ()
    problems: tuple[HostsProblem, ...] = ()
    error: str | None = field(default=None)
    problem_count: int = -1
    cut_at_bytes: int | None = None
    stopped_at_line: int | None = None

    def __post_init__(self) -> None:
        if self.problem_count < len(self.problems):
            object.__setattr__(self, "problem_count", len(self.problems))

    @property
    def problems_truncated(self) -> bool:
        """True when more problem lines exist than :attr:`problems` holds."""
        return self.problem_count > len(self.problems)

    def lookup(self, name: str) -> tuple[HostsEntry, ...]:
        """Entries whose names include ``name``, in file order."""
        return tuple(e for e in self.entries if e.matches(name))

    def only(self, name: str) -> HostsFile:
        """The same file reduced to the lines that match ``name``.

        Problems keep the first :data:`PROBLEM_SAMPLE` and those that mention ``name``.
        """
        wanted = _norm(name)
        kept: list[HostsProblem] = []
        relevant = 0
        for index, p in enumerate(self.problems):
            mentions = wanted in (_norm(word) for word in p.text.split("#", 1)[0].split())
            if mentions and relevant < RELEVANT_PROBLEMS_MAX:
                relevant += 1
                kept.append(HostsProblem(p.line, p.text, p.reason, True))
            elif index < PROBLEM_SAMPLE:
                kept.append(HostsProblem(p.line, p.text, p.reason, False))
        return HostsFile(
            self.path,
            self.lookup(name),
            tuple(kept),
            self.error,
            self.problem_count,
            self.cut_at_bytes,
            self.stopped_at_line,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "entries": [e.to_json() for e in self.entries],
            "problems": [p.to_json() for p in self.problems],
            "problem_count": self.problem_count,
            "problems_truncated": self.problems_truncated,
            "error": self.error,
            "cut_at_bytes": self.cut_at_bytes,
            "stopped_at_line": self.stopped_at_line,
        }


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` split at ``\\n`` only, one at a time (no copy of the text)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _norm(name: str) -> str:
    return name.rstrip(".").lower()


def _family(addr: str, text: str) -> Family | None:
    """:func:`family_of` ``text`` (``addr`` is it without zone), fast for the usual cases."""
    if ":" not in addr:
        return Family.IPV4 if _IPV4.fullmatch(addr) else None
    if not _IPV6_CHARS.fullmatch(addr):
        return None
    return family_of(text)


def _problem(fields: list[str], fam: Family | None, zone: str | None) -> str | None:
    """Why a non-empty line is unusable, or ``None`` when it is a host line."""
    if fam is None:
        return f"'{clip(fields[0], 60)}' is not an IP address"
    if len(fields) == 1:
        return f"address {clip(fields[0], 60)} has no host name"
    if zone is not None and fam is Family.IPV4:
        return "a zone id is only valid on IPv6"
    return None


def parse_hosts(
    text: str | Iterable[str],
    path: str = "/etc/hosts",
    *,
    name: str | None = None,
    stop: Callable[[], bool] | None = None,
) -> HostsFile:
    """Parse hosts-file text. Never raises: bad lines become :class:`HostsProblem`.

    Accepts comments (``#`` anywhere), aliases, tabs, CRLF line ends and IPv6 addresses
    with zone ids (``fe80::1%eth0``). A line whose first field is not an IP address, or
    that has an address but no name, is a problem with its 1-based number. Lines end
    at ``\\n`` only, as for glibc.

    Args:
        text: the file's text, or its lines (each may keep its line end).
        path: shown in reports.
        name: keep only the entries for this name, and mark the problem lines that
            mention it ``relevant`` (kept beyond the first :data:`PROBLEM_SAMPLE`).
            ``None`` keeps every entry and only the problem sample.
        stop: polled every few thousand lines; when it returns true the parse ends
            there and :attr:`HostsFile.stopped_at_line` says where.

    Time is linear in the text; memory holds the kept entries and at most
    ``PROBLEM_SAMPLE + RELEVANT_PROBLEMS_MAX`` problems.
    """
    lines = _lines(text) if isinstance(text, str) else text
    wanted = None if name is None else _norm(name)
    entries: list[HostsEntry] = []
    problems: list[HostsProblem] = []
    count = relevant = 0
    stopped: int | None = None
    for number, raw in enumerate(lines, start=1):
        if stop is not None and number % _STOP_EVERY == 0 and stop():
            stopped = number
            break
        body = raw.split("#", 1)[0]
        fields = body.split()
        if not fields:
            continue
        addr, zone = split_zone(fields[0])
        fam = _family(addr, fields[0])
        reason = _problem(fields, fam, zone)
        if reason is None and fam is not None:
            names = tuple(fields[1:])
            if wanted is None or any(_norm(n) == wanted for n in names):
                entries.append(HostsEntry(number, addr, fam, names, zone))
            continue
        count += 1
        mentions = wanted is not None and any(_norm(word) == wanted for word in fields)
        if mentions and relevant < RELEVANT_PROBLEMS_MAX:
            relevant += 1
        elif count > PROBLEM_SAMPLE:
            continue
        shown = clip(raw.strip(), PROBLEM_TEXT_MAX)
        problems.append(HostsProblem(number, shown, reason or "", mentions))
    return HostsFile(path, tuple(entries), tuple(problems), None, count, None, stopped)
