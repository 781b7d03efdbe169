"""Where the resolver's answer came from, in sentences: a hosts-file line that hides DNS's
answer (docs/clients.md#resolver-hosts-file), and a name with no A record.

Pure wording over facts already measured (getaddrinfo with each address's source, the
hosts-file lines with their numbers, the DNS answers per nameserver, measured connects);
no prediction depends on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Address, AttemptOutcome, DnsOutcome, Family, Observation, Resolution, Source
from .outcome import measured_attempt, same_address

__all__ = [
    "DEAD",
    "dead_clause",
    "hosts_dead",
    "hosts_origin",
    "hosts_shadow",
    "hosts_shadowing",
    "no_a_record",
]

DEAD = {
    AttemptOutcome.REFUSED: "refuses connections",
    AttemptOutcome.TIMEOUT: "times out",
    AttemptOutcome.UNREACHABLE: "is unreachable",
}
"""Measured outcomes that mean nothing answers on the address, worded as a verb phrase."""


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _dns_addresses(res: Resolution) -> list[str]:
    """Every address a nameserver answered with (A and AAAA), each once, in answer order."""
    out: list[str] = []
    for answer in res.dns.answers:
        if answer.outcome is not DnsOutcome.ANSWER:
            continue
        out += [a for a in answer.addresses if not any(same_address(a, o) for o in out)]
    return out


def _shadowing(res: Resolution) -> tuple[list[tuple[Address, int]], list[str]]:
    """The getaddrinfo addresses that came from a hosts-file line (with its number), and
    DNS's answers that getaddrinfo did not return; both empty when there is no shadow."""
    if res.override is not None or res.is_literal:
        return [], []
    entries = res.hosts_file.lookup(res.host)
    lined: list[tuple[Address, int]] = []
    for a in res.getaddrinfo.order:
        line = next((e.line for e in entries if same_address(e.address, a.address)), None)
        if a.source is Source.HOSTS and line is not None:
            lined.append((a, line))
    hidden = [
        d for d in _dns_addresses(res) if not any(same_address(d, a.address) for a in res.addresses)
    ]
    if not lined or not hidden:
        return [], []
    return lined, hidden


def hosts_shadowing(res: Resolution) -> tuple[list[tuple[Address, int]], list[str]]:
    """The getaddrinfo addresses that came from a hosts-file line (with its number), and
    DNS's answers that getaddrinfo did not return; both empty when there is no shadow."""
    return _shadowing(res)


def _lines(lined: Sequence[tuple[Address, int]]) -> str:
    numbers = sorted({line for _, line in lined})
    word = "line" if len(numbers) == 1 else "lines"
    return f"{word} {_and([str(n) for n in numbers])}"


def _dns(hidden: Sequence[str]) -> str:
    return f"DNS's {'answer' if len(hidden) == 1 else 'answers'} {_and(hidden)}"


def hosts_shadow(obs: Observation) -> str | None:
    """``line 3 of /etc/hosts (192.0.2.98) hides DNS's answer 192.0.2.10 for NAME``, or
    ``None`` when no hosts-file line stands in for a different DNS answer."""
    res = obs.resolution
    lined, hidden = _shadowing(res)
    if not lined:
        return None
    addresses = ", ".join(dict.fromkeys(a.address for a, _ in lined))
    verb = "hides" if len({line for _, line in lined}) == 1 else "hide"
    path = res.hosts_file.path
    return f"{_lines(lined)} of {path} ({addresses}) {verb} {_dns(hidden)} for {res.host}"


def hosts_origin(obs: Observation, address: str) -> str:
    """`` (line 3 of /etc/hosts, which hides DNS's answer 192.0.2.10)`` when ``address``
    came from a hosts-file line that shadows DNS, else ``""``."""
    lined, hidden = _shadowing(obs.resolution)
    mine = [(a, line) for a, line in lined if same_address(a.address, address)]
    if not mine:
        return ""
    return f" ({_lines(mine)} of {obs.resolution.hosts_file.path}, which hides {_dns(hidden)})"


def dead_clause(obs: Observation, address: str) -> str | None:
    """``192.0.2.98 is unreachable (measured)``, or ``None`` unless a measured connect to
    ``address`` was refused, timed out or found it unreachable. A timeout wsexplorer cut
    short (a probe's 1 s) is not dead: a slow path may still have connected."""
    attempt = measured_attempt(obs, address)
    if attempt is None or attempt.outcome not in DEAD or attempt.cut_short:
        return None
    return f"{address} {DEAD[attempt.outcome]} (measured)"


def hosts_dead(obs: Observation) -> str | None:
    """``192.0.2.98 is unreachable (measured); DNS's answer 192.0.2.10 was not tried: fix or
    remove /etc/hosts line 3``, or ``None`` unless a shadowing hosts address was measured
    dead."""
    res = obs.resolution
    lined, hidden = _shadowing(res)
    clauses_of = [(a, line, dead_clause(obs, a.address)) for a, line in lined]
    failed = [(a, line, clause) for a, line, clause in clauses_of if clause is not None]
    if not failed:
        return None
    clauses = _and([clause for _, _, clause in failed])
    verb = "was" if len(hidden) == 1 else "were"
    where = f"{res.hosts_file.path} {_lines([(a, line) for a, line, _ in failed])}"
    return f"{clauses}; {_dns(hidden)} {verb} not tried: fix or remove {where}"


def no_a_record(obs: Observation) -> str | None:
    """``NAME has no A record (IPv4): only IPv6 addresses (2001:db8::10)`` when DNS answered
    the A query with no address and every resolved address is IPv6; else ``None``."""
    res = obs.resolution
    if res.override is not None or res.is_literal or not res.addresses:
        return None
    if any(a.family is not Family.IPV6 for a in res.addresses):
        return None
    a_queries = [answer for answer in res.dns.answers if answer.type == "A"]
    empty = (DnsOutcome.NO_ANSWER, DnsOutcome.NXDOMAIN)
    answered = any(q.outcome is DnsOutcome.ANSWER and q.addresses for q in a_queries)
    if answered or not any(q.outcome in empty for q in a_queries):
        return None
    six = ", ".join(a.address for a in res.addresses)
    return f"{res.host} has no A record (IPv4): only IPv6 addresses ({six})"
