"""One rendering of each result: terminal text (coloured where allowed), Markdown, JSON.

The TUI's export and ``wsexplorer diagnose`` share these functions, so a report pasted
into an issue reads the same wherever it came from. Secrets are masked here, once.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from .model import (
    Attempt,
    ClientOutcome,
    Diagnosis,
    DnsOutcome,
    Family,
    Handshake,
    HandshakeOutcome,
    Listener,
    ListenerScan,
    Resolution,
)
from .model.secrets import mask_header, mask_subprotocol, mask_text
from .model.untrusted import clean, json_safe, md_code, md_fence, md_text
from .presentation import hosts_problem_rows, ignored_nameserver_rows

__all__ = [
    "Style",
    "diagnosis_markdown",
    "diagnosis_text",
    "dump_json",
    "finish",
    "listeners_text",
    "mask_header",
    "resolution_text",
]

_SGR = re.compile(r"\x1b\[[0-9;]*m")


class Style:
    """ANSI styling that turns itself off for pipes, ``NO_COLOR`` and dumb terminals."""

    def __init__(self, stream: TextIO | None = None, color: bool | None = None):
        if color is None:
            s = stream or sys.stdout
            color = (
                hasattr(s, "isatty")
                and s.isatty()
                and "NO_COLOR" not in os.environ
                and os.environ.get("TERM") != "dumb"
            )
        self.color = bool(color)

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def ok(self, text: str) -> str:
        return self._wrap("32", text)

    def bad(self, text: str) -> str:
        return self._wrap("31", text)

    def warn(self, text: str) -> str:
        return self._wrap("33", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)


def finish(text: str, st: Style) -> str:
    """The last step before a text report reaches a terminal or a pipe.

    Every value from outside is already passed through :func:`clean` where it is
    formatted; this pass guarantees it for whatever was missed: without colour no control
    character but the line breaks survives, with colour only :class:`Style`'s own SGR
    sequences do.
    """
    if not st.color:
        return clean(text, keep_newlines=True)
    pieces = _SGR.split(text)
    codes = _SGR.findall(text)
    out = [clean(pieces[0], keep_newlines=True)]
    for code, piece in zip(codes, pieces[1:], strict=True):
        out += [code, clean(piece, keep_newlines=True)]
    return "".join(out)


def dump_json(data: object) -> str:
    """Pretty JSON, readable Unicode kept (see :func:`json_safe`)."""
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False))


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Align columns; widths ignore ANSI escapes."""
    strip = re.compile(r"\x1b\[[0-9;]*m")
    widths = [0] * max((len(r) for r in rows), default=0)
    for r in rows:
        for i, cell in enumerate(r):
            widths[i] = max(widths[i], len(strip.sub("", cell)))
    out = []
    for r in rows:
        cells = [c + " " * (widths[i] - len(strip.sub("", c))) for i, c in enumerate(r)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def family_word(fam: Family) -> str:
    return "IPv4" if fam is Family.IPV4 else "IPv6"


def process_text(lis: Listener) -> str:
    """``name[pid]``, the name cleaned (any local user can set it); ``?`` when unknown."""
    return f"{clean(lis.process) if lis.process else '?'}[{lis.pid}]"


def accepts_text(lis: Listener) -> str:
    if len(lis.accepts) == 2:
        return "IPv4 + IPv6"
    return f"{family_word(lis.accepts[0])} only"


# ---------------------------------------------------------------- resolution
def _addr_list(addrs: Iterable[object]) -> str:
    items = [clean(getattr(a, "address", a)) for a in addrs]
    return ", ".join(items) if items else "(none)"


def resolution_lines(res: Resolution, st: Style) -> list[str]:
    lines = []
    if res.override is not None:
        lines.append(st.warn(f"what-if: --resolve {res.override.spec()} pins the answer"))
    gai = res.getaddrinfo
    if gai.error:
        lines.append(f"getaddrinfo       {st.bad(clean(gai.error))}")
    else:
        lines.append(
            f"getaddrinfo       {_addr_list(gai.order)}  {st.dim(f'{gai.elapsed_ms:.1f} ms')}"
        )
    ac = res.addrconfig
    lines.append(
        f"with ADDRCONFIG   {st.bad(clean(ac.error)) if ac.error else _addr_list(ac.order)}"
        + st.dim("  (what Node's net.connect asks for)")
    )
    if not res.is_literal:
        hf = res.hosts_file
        path = clean(hf.path)
        if hf.error:
            lines.append(f"hosts file        {path}: {st.bad(clean(hf.error))}")
        elif hf.entries:
            for e in hf.entries:
                names = clean(" ".join(e.names))
                lines.append(f"hosts file        {path}:{e.line}  {clean(e.address)}  {names}")
        else:
            lines.append(f"hosts file        {path}: no line for {clean(res.host)}")
        for text, tone in hosts_problem_rows(hf, res.host):
            shown = clean(text)
            lines.append(f"hosts file        {st.warn(shown) if tone == 'warn' else st.dim(shown)}")
        if res.nsswitch:
            lines.append(f"nsswitch hosts:   {clean(' '.join(res.nsswitch))}")
        for g in res.gai_conf:
            lines.append(f"gai.conf          {clean(g)}")
        dns = res.dns
        if dns.note:
            lines.append(f"DNS               {st.dim(clean(dns.note))}")
        if dns.error:
            lines.append(f"DNS               {st.bad(clean(dns.error))}")
        for text, _tone in ignored_nameserver_rows(dns):
            lines.append(f"DNS               {st.warn(clean(text))}")
        for a in dns.answers:
            if a.outcome is DnsOutcome.LOCAL:
                continue
            if a.outcome is DnsOutcome.ANSWER:
                what = f"{clean(', '.join(a.addresses))}  ttl {a.ttl}"
            elif a.outcome is DnsOutcome.NXDOMAIN:
                what = st.warn("NXDOMAIN")
            elif a.outcome is DnsOutcome.NO_ANSWER:
                what = st.dim("no answer")
            elif a.outcome is DnsOutcome.TIMEOUT:
                what = st.bad("timeout")
            else:
                what = st.bad(f"error: {clean(a.error)}")
            lines.append(
                f"DNS {clean(a.type):<4} @{clean(a.nameserver):<15} {what}  "
                + st.dim(f"{a.elapsed_ms:.1f} ms")
            )
    return lines


def resolution_text(res: Resolution, st: Style | None = None) -> str:
    st = st or Style()
    head = st.bold(f"{clean(res.host)} port {res.port}")
    text = "\n".join([head, *("  " + line for line in resolution_lines(res, st))]) + "\n"
    return finish(text, st)


# ---------------------------------------------------------------- listeners
def listener_rows(listeners: Sequence[Listener], st: Style) -> list[list[str]]:
    rows = []
    for lis in listeners:
        v6 = "-" if lis.v6only is None else str(int(lis.v6only))
        proc = process_text(lis) if lis.pid is not None else st.dim("unknown")
        acc = accepts_text(lis)
        acc = st.ok(acc) if lis.dual_stack else acc
        rows.append([lis.protocol, lis.display_address(), f"v6only {v6}", acc, proc])
    return rows


def listeners_text(scan: ListenerScan, st: Style | None = None) -> str:
    st = st or Style()
    if scan.error:
        return finish(st.bad(f"listeners: {clean(scan.error)}") + "\n", st)
    if not scan.listeners:
        notes = "".join(f"note: {clean(n)}\n" for n in scan.notes)
        return finish("no listening sockets found\n" + notes, st)
    rows = [
        ["proto", "address", "v6only", "accepts", "process"],
        *listener_rows(scan.listeners, st),
    ]
    lines = _table(rows, indent="")
    lines[0] = st.bold(lines[0])
    lines += [st.dim(f"note: {clean(n)}") for n in scan.notes]
    return finish("\n".join(lines) + "\n", st)


# ---------------------------------------------------------------- diagnosis
def attempt_text(a: Attempt) -> str:
    err = f" ({clean(a.error)})" if a.error and a.outcome.value != "connected" else ""
    return f"{clean(a.address)} {a.outcome.value} {a.elapsed_ms:.1f} ms{err}"


def handshake_text(hs: Handshake | None) -> str:
    if hs is None or hs.outcome is HandshakeOutcome.NOT_ATTEMPTED:
        return "not attempted (no address connected)" if hs is not None else "not attempted"
    if hs.outcome is HandshakeOutcome.OK:
        sub = f", subprotocol {clean(mask_subprotocol(hs.subprotocol))}" if hs.subprotocol else ""
        reason = clean(hs.reason or "Switching Protocols")
        return f"{clean(hs.address)}: {hs.status} {reason}{sub}"
    if hs.outcome is HandshakeOutcome.HTTP_STATUS:
        extra = {
            401: " (the server wants credentials: try -H 'Authorization: ...')",
            403: " (forbidden: check --origin and credentials)",
        }.get(hs.status or 0, "")
        return f"{clean(hs.address)}: HTTP {hs.status} {clean(hs.reason)}{extra}".rstrip()
    if hs.outcome is HandshakeOutcome.REDIRECT:
        return (
            f"{clean(hs.address)}: {clean(hs.redirect_clause())} (not followed: wsexplorer does "
            "not follow redirects)"
        )
    if hs.outcome is HandshakeOutcome.INVALID and hs.limit:
        return f"{clean(hs.address)}: invalid answer: {clean(hs.limit)}"
    return f"{clean(hs.address)}: {hs.outcome.value}: {clean(mask_text(hs.error or ''))}"


def diagnosis_text(d: Diagnosis, st: Style | None = None) -> str:
    st = st or Style()
    obs = d.observation
    out = [st.bold(f"wsexplorer diagnose {clean(obs.url.redacted())}")]
    if obs.family != "auto":
        out.append(st.warn(f"  family forced to IPv{obs.family}"))
    out.append(st.bold("Resolution"))
    out += ["  " + line for line in resolution_lines(obs.resolution, st)]
    out.append(st.bold(f"Listeners on port {obs.url.port}"))
    if not obs.local_target:
        out.append(st.dim("  target is not this machine: listeners not shown"))
    elif not obs.listeners_known:
        out.append(st.warn("  could not list sockets"))
    elif not obs.listeners:
        out.append(st.bad(f"  nothing listens on port {obs.url.port}"))
    else:
        out += _table(listener_rows(obs.listeners, st))
    if not obs.system.ipv6_enabled:
        out.append(st.warn("  IPv6 is disabled on this machine (no ::1)"))
    out.append(st.bold("Attempts"))
    if not obs.attempts:
        out.append("  (no address to try)")
    for a in obs.attempts:
        mark = st.ok("✓") if a.outcome.value == "connected" else st.bad("✗")
        out.append(f"  {mark} {attempt_text(a)}")
    out.append(f"{st.bold('Handshake')}  {handshake_text(obs.handshake)}")
    out.append(st.bold("Clients"))
    rows = []
    for c in d.clients:
        if c.outcome is ClientOutcome.CONNECTS:
            mark, what = st.ok("✓"), f"connects via {clean(c.address)}"
        elif c.outcome is ClientOutcome.FAILS:
            mark, what = st.bad("✗"), st.bad(clean(c.error or "fails"))
        else:
            mark, what = st.warn("?"), "unknown"
        conf = "" if c.confidence.value == "checked" else st.dim(f"({c.confidence.value})")
        rows.append([mark, clean(c.name), what, conf])
    out += _table(rows)
    out.append(
        f"{st.bold('Verdict')}  " + (st.ok if d.verdict.ok else st.bad)(clean(d.verdict.summary))
    )
    if d.fixes:
        out.append(st.bold("Fixes"))
        frows = []
        for f in d.fixes:
            if not f.applicable:
                mark = st.dim("-")
            else:
                mark = st.ok("✓ works") if f.works else st.bad("✗ not enough")
            frows.append([f.id, mark, f"({f.how.value})", clean(f.detail)])
        out += _table(frows)
        if not d.verdict.ok:
            out += _how_to_apply(d, st)
    for n in d.notes:
        out.append(st.dim(f"note: {clean(n)}"))
    return finish("\n".join(out) + "\n", st)


def _how_to_apply(d: Diagnosis, st: Style) -> list[str]:
    """The concrete Node and Python change behind each fix that works."""
    out = [st.bold("How to apply")]
    for f in d.fixes:
        if not (f.works and f.applicable and (f.node or f.python)):
            continue
        for lang, code in (("Node", f.node), ("Python", f.python)):
            for i, line in enumerate(code.splitlines()):
                head = f"  {f.id:<18} {lang:<7}" if i == 0 else " " * 28
                line = clean(line)
                out.append(f"{head}{st.dim(line) if i else line}")
    return out if len(out) > 1 else []


def diagnosis_markdown(d: Diagnosis) -> str:
    """The same report as Markdown, for pasting into an issue.

    Every value from outside is inert: in code spans or fenced blocks (:func:`md_code`,
    :func:`md_fence`), or escaped in prose (:func:`md_text`), so a reason phrase with
    ``![x](…)`` or ``<img>`` shows as text and a ``|`` never splits a table cell.
    """
    obs = d.observation
    st = Style(color=False)
    md = [
        f"## wsexplorer diagnose {md_code(obs.url.redacted())}",
        "",
        f"**Verdict:** {'OK' if d.verdict.ok else 'FAILS'} — {md_text(d.verdict.summary)}",
        "",
    ]
    md += ["### Resolution", "", *md_fence(resolution_lines(obs.resolution, st)), ""]
    md += [f"### Listeners on port {obs.url.port}", ""]
    if obs.listeners:
        md += ["| address | v6only | accepts | process |", "|---|---|---|---|"]
        for lis in obs.listeners:
            v6 = "-" if lis.v6only is None else str(int(lis.v6only))
            proc = md_code(process_text(lis), in_table=True) if lis.pid is not None else "unknown"
            address = md_code(lis.display_address(), in_table=True)
            md.append(f"| {address} | {v6} | {accepts_text(lis)} | {proc} |")
    else:
        md.append("_none_" if obs.local_target else "_target is not this machine_")
    md += ["", "### Attempts", ""]
    md += [f"- {md_code(attempt_text(a))}" for a in obs.attempts] or ["- none"]
    md += [
        "",
        f"Handshake: {md_text(handshake_text(obs.handshake))}",
        "",
        "### Clients",
        "",
        "| client | result | confidence |",
        "|---|---|---|",
    ]
    for c in d.clients:
        if c.connects:
            res = f"✓ connects via {md_code(c.address, in_table=True)}"
        elif c.outcome is ClientOutcome.FAILS:
            res = f"✗ {md_code(c.error, in_table=True)}"
        else:
            res = "? unknown"
        md.append(f"| {md_text(c.name)} | {res} | {c.confidence.value} |")
    md += ["", "### Fixes", "", "| fix | works | how | detail |", "|---|---|---|---|"]
    for f in d.fixes:
        works = "yes" if f.works else "no"
        md.append(f"| `{f.id}` | {works} | {f.how.value} | {md_text(f.detail)} |")
    for f in d.fixes:
        if f.node or f.python:
            md += ["", f"#### {md_text(f.title)}", ""]
            if f.node:
                md += ["Node:", *md_fence(f.node.splitlines(), "js")]
            if f.python:
                md += ["Python:", *md_fence(f.python.splitlines(), "python")]
    if d.notes:
        md += ["", *(f"> {md_text(n)}" for n in d.notes)]
    return "\n".join(md) + "\n"
