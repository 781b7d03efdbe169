"""Resolution as rows: how the name resolves, and what explains the order.

getaddrinfo's order with each address's source, the ``AI_ADDRCONFIG`` order (what Node
asks for), the hosts-file lines that matched, the hosts file's problems, nsswitch,
gai.conf, the DNS answers per nameserver, the ignored nameservers and the machine's
facts. The terminal report, the Markdown export and the TUI's Resolution pane all lay
out these rows; none of them words a resolution fact itself.
"""

from __future__ import annotations

from ..model import (
    Address,
    DnsAnswer,
    DnsOutcome,
    DnsReport,
    Family,
    HostsFile,
    Resolution,
    Source,
    SystemFacts,
)
from ..model.untrusted import clip
from .names import name_rows
from .rows import Row, Span, Tone, join, span

__all__ = [
    "SOURCE_WORDS",
    "address_spans",
    "hosts_problem_rows",
    "ignored_nameserver_rows",
    "resolution_rows",
]

SOURCE_WORDS = {
    Source.HOSTS: "hosts file",
    Source.DNS: "DNS",
    Source.GETADDRINFO: "other NSS",
    Source.OVERRIDE: "--resolve",
    Source.LITERAL: "literal",
    Source.BUILTIN: "built in",
}

#: ``(text, tone)``: tone ``warn`` for something the user should look at, ``dim`` else.
Problem = tuple[str, Tone]


def address_spans(addresses: tuple[Address, ...], *, sources: bool = True) -> tuple[Span, ...]:
    """``::1 (hosts file), 127.0.0.1 (hosts file)``: an order, each address toned by
    family and followed by where it came from."""
    if not addresses:
        return span("(none)", Tone.DIM)
    parts = []
    for a in addresses:
        tone = Tone.V6 if a.family is Family.IPV6 else Tone.V4
        part: tuple[Span, ...] = (Span(a.address, tone, code=True),)
        if sources:
            part += (Span(f" ({SOURCE_WORDS.get(a.source, a.source.value)})", Tone.DIM),)
        parts.append(part)
    return join(parts)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n % (1024 * 1024) == 0 else f"{n} bytes"


def hosts_problem_rows(hf: HostsFile, host: str) -> list[Problem]:
    """The hosts file's problems as rows: a summary line when not every problem line is
    shown, each kept line (those that mention ``host`` with their text), and whether
    the file was cut at the size cap or the deadline."""
    rows: list[Problem] = []
    path = clip(hf.path, 300)
    if hf.cut_at_bytes is not None:
        size = _size(hf.cut_at_bytes)
        rows.append((f"{path} is larger than {size}: only its first {size} were read", Tone.WARN))
    if hf.stopped_at_line is not None:
        rows.append(
            (
                f"{path}: stopped at line {hf.stopped_at_line} (deadline); "
                "later lines were not read",
                Tone.WARN,
            )
        )
    if hf.problems_truncated:
        shown = len(hf.problems)
        rows.append(
            (
                f"{path}: {hf.problem_count} lines ignored (not host lines); "
                f"{shown} shown: the first few and any that mention {clip(host, 80)}",
                Tone.WARN,
            )
        )
    for p in hf.problems:
        if p.relevant:
            rows.append(
                (f"{path}:{p.line} ignored, mentions {clip(host, 80)}: {p.reason}", Tone.WARN)
            )
            rows.append((f"    {p.text}", Tone.DIM))
        else:
            rows.append((f"{path}:{p.line} ignored: {p.reason}", Tone.WARN))
    return rows


def ignored_nameserver_rows(dns: DnsReport) -> list[Problem]:
    """One row per resolv.conf nameserver line not used (never queried), and a count of
    the rest when there are more than were kept."""
    rows: list[Problem] = [
        (f"resolv.conf:{i.line} nameserver {i.text} ignored: {i.reason}", Tone.WARN)
        for i in dns.ignored
    ]
    more = dns.ignored_count - len(dns.ignored)
    if more > 0:
        rows.append((f"and {more} more nameserver lines ignored", Tone.WARN))
    return rows


def _dns_outcome(a: DnsAnswer) -> tuple[Span, ...]:
    if a.outcome is DnsOutcome.ANSWER:
        return (Span(", ".join(a.addresses), Tone.OK, code=True), Span(f"  ttl {a.ttl}", Tone.DIM))
    if a.outcome is DnsOutcome.NXDOMAIN:
        return span("NXDOMAIN (no such name)", Tone.WARN)
    if a.outcome is DnsOutcome.NO_ANSWER:
        return span("no answer (name exists, no record of this type)", Tone.DIM)
    if a.outcome is DnsOutcome.TIMEOUT:
        return span("✗ timeout", Tone.BAD)
    return (Span("✗ error: ", Tone.BAD), Span(a.error or "", Tone.BAD, code=True))


def _failed(text: str) -> tuple[Span, ...]:
    return (Span("✗ ", Tone.BAD), Span(text, Tone.BAD, code=True))


def _dns_rows(dns: DnsReport) -> list[Row]:
    rows: list[Row] = []
    if dns.note:
        rows.append(Row("DNS", span(dns.note, Tone.DIM)))
    if dns.error:
        rows.append(Row("DNS", _failed(dns.error)))
    rows += [Row("DNS", span(text, tone)) for text, tone in ignored_nameserver_rows(dns)]
    shown = [a for a in dns.answers if a.outcome is not DnsOutcome.LOCAL]
    for a in shown:
        spans = (Span(f"@{a.nameserver}", Tone.DIM), Span("  "), *_dns_outcome(a))
        rows.append(Row(f"DNS {a.type}", (*spans, Span(f"  {a.elapsed_ms:.1f} ms", Tone.DIM))))
    if not shown and not dns.note and not dns.error:
        rows.append(Row("DNS", span("not queried", Tone.DIM)))
    return rows


def _hosts_rows(res: Resolution) -> list[Row]:
    if res.is_literal:
        return [Row("hosts file", span("not consulted: the host is an IP literal", Tone.DIM))]
    hf = res.hosts_file
    rows: list[Row] = []
    if hf.error:
        rows.append(Row("hosts file", (Span(f"{hf.path}: "), *_failed(hf.error))))
    elif not hf.entries:
        rows.append(Row("hosts file", span(f"{hf.path}: no line for {res.host}", Tone.DIM)))
    for e in hf.entries:
        spans = (
            Span(f"{hf.path}:{e.line}", Tone.DIM),
            Span("  "),
            Span(e.address, Tone.STRONG, code=True),
            Span("  " + " ".join(e.names)),
        )
        rows.append(Row("hosts file", spans))
    rows += [Row("hosts file", span(text, tone)) for text, tone in hosts_problem_rows(hf, res.host)]
    return rows


def system_row(facts: SystemFacts) -> Row:
    """IPv6 on or off, global IPv6 (what ``AI_ADDRCONFIG`` looks at), bindv6only."""
    v6 = "IPv6 on (::1)" if facts.ipv6_enabled else "IPv6 is disabled on this machine (no ::1)"
    glob = "has global IPv6"
    if not facts.has_ipv6:
        # glibc filters a family out only when the other one has an address beyond
        # loopback: with loopback alone AI_ADDRCONFIG keeps ::1 (checked in a
        # loopback-only namespace, docs/clients.md#resolver-addrconfig).
        glob = (
            "no global IPv6: ADDRCONFIG drops ::1"
            if facts.has_ipv4
            else "loopback only: ADDRCONFIG drops nothing"
        )
    b6 = "?" if facts.bindv6only is None else str(facts.bindv6only)
    tone = Tone.DIM if facts.ipv6_enabled else Tone.WARN
    return Row("system", span(f"{v6} · {glob} · bindv6only {b6}", tone))


def resolution_rows(res: Resolution, facts: SystemFacts | None = None) -> list[Row]:
    """Every resolution fact as a labelled row, in the order every renderer shows them."""
    rows: list[Row] = []
    if res.override is not None:
        pin = f"--resolve {res.override.spec()} pins the answer"
        rows.append(Row("what-if", span(pin, Tone.WARN)))
        rows.append(Row("pinned", address_spans(res.override.addresses, sources=False)))
    gai = res.getaddrinfo
    label = "machine" if res.override is not None else "getaddrinfo"  # pinned: its own answer
    if gai.error:
        rows.append(Row(label, _failed(gai.error)))
    else:
        took = Span(f"  {gai.elapsed_ms:.1f} ms", Tone.DIM)
        rows.append(Row(label, (*address_spans(gai.order), took)))
    ac = res.addrconfig
    if ac.error:
        rows.append(Row("ADDRCONFIG", _failed(ac.error)))
    else:
        why = Span("  (what Node's net.connect asks for)", Tone.DIM)
        rows.append(Row("ADDRCONFIG", (*address_spans(ac.order, sources=False), why)))
    rows += name_rows(res)
    rows += _hosts_rows(res)
    if not res.is_literal:
        nss = (
            span("hosts: " + " ".join(res.nsswitch))
            if res.nsswitch
            else span("(unknown)", Tone.DIM)
        )
        rows.append(Row("nsswitch", nss))
        if res.gai_conf:
            rows += [Row("gai.conf", span(g)) for g in res.gai_conf]
        else:
            default = "default order (RFC 3484: ::1 before 127.0.0.1)"
            rows.append(Row("gai.conf", span(default, Tone.DIM)))
        rows += _dns_rows(res.dns)
    if facts is not None:
        rows.append(system_row(facts))
    return rows
