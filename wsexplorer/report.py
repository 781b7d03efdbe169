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
from .model.secrets import mask_header
from .presentation import hosts_problem_rows, ignored_nameserver_rows, safe

__all__ = [
    "Style",
    "diagnosis_markdown",
    "diagnosis_text",
    "dump_json",
    "listeners_text",
    "mask_header",
    "resolution_text",
]


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


def dump_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


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


def accepts_text(lis: Listener) -> str:
    if len(lis.accepts) == 2:
        return "IPv4 + IPv6"
    return f"{family_word(lis.accepts[0])} only"


# ---------------------------------------------------------------- resolution
def _addr_list(addrs: Iterable[object]) -> str:
    items = [getattr(a, "address", str(a)) for a in addrs]
    return ", ".join(items) if items else "(none)"


def resolution_lines(res: Resolution, st: Style) -> list[str]:
    lines = []
    if res.override is not None:
        lines.append(st.warn(f"what-if: --resolve {res.override.spec()} pins the answer"))
    gai = res.getaddrinfo
    if gai.error:
        lines.append(f"getaddrinfo       {st.bad(gai.error)}")
    else:
        lines.append(
            f"getaddrinfo       {_addr_list(gai.order)}  {st.dim(f'{gai.elapsed_ms:.1f} ms')}"
        )
    ac = res.addrconfig
    lines.append(
        f"with ADDRCONFIG   {st.bad(ac.error) if ac.error else _addr_list(ac.order)}"
        + st.dim("  (what Node's net.connect asks for)")
    )
    if not res.is_literal:
        hf = res.hosts_file
        if hf.error:
            lines.append(f"hosts file        {hf.path}: {st.bad(hf.error)}")
        elif hf.entries:
            for e in hf.entries:
                lines.append(
                    f"hosts file        {safe(hf.path)}:{e.line}  {e.address}  "
                    + safe(" ".join(e.names))
                )
        else:
            lines.append(f"hosts file        {safe(hf.path)}: no line for {res.host}")
        for text, tone in hosts_problem_rows(hf, res.host):
            lines.append(f"hosts file        {st.warn(text) if tone == 'warn' else st.dim(text)}")
        if res.nsswitch:
            lines.append(f"nsswitch hosts:   {' '.join(res.nsswitch)}")
        for g in res.gai_conf:
            lines.append(f"gai.conf          {g}")
        dns = res.dns
        if dns.note:
            lines.append(f"DNS               {st.dim(dns.note)}")
        if dns.error:
            lines.append(f"DNS               {st.bad(dns.error)}")
        for text, _tone in ignored_nameserver_rows(dns):
            lines.append(f"DNS               {st.warn(text)}")
        for a in dns.answers:
            if a.outcome is DnsOutcome.LOCAL:
                continue
            if a.outcome is DnsOutcome.ANSWER:
                what = f"{', '.join(a.addresses)}  ttl {a.ttl}"
            elif a.outcome is DnsOutcome.NXDOMAIN:
                what = st.warn("NXDOMAIN")
            elif a.outcome is DnsOutcome.NO_ANSWER:
                what = st.dim("no answer")
            elif a.outcome is DnsOutcome.TIMEOUT:
                what = st.bad("timeout")
            else:
                what = st.bad(f"error: {a.error}")
            lines.append(
                f"DNS {a.type:<4} @{a.nameserver:<15} {what}  {st.dim(f'{a.elapsed_ms:.1f} ms')}"
            )
    return lines


def resolution_text(res: Resolution, st: Style | None = None) -> str:
    st = st or Style()
    head = st.bold(f"{res.host} port {res.port}")
    return "\n".join([head, *("  " + line for line in resolution_lines(res, st))]) + "\n"


# ---------------------------------------------------------------- listeners
def listener_rows(listeners: Sequence[Listener], st: Style) -> list[list[str]]:
    rows = []
    for lis in listeners:
        v6 = "-" if lis.v6only is None else str(int(lis.v6only))
        proc = f"{lis.process or '?'}[{lis.pid}]" if lis.pid is not None else st.dim("unknown")
        acc = accepts_text(lis)
        acc = st.ok(acc) if lis.dual_stack else acc
        rows.append([lis.protocol, lis.display_address(), f"v6only {v6}", acc, proc])
    return rows


def listeners_text(scan: ListenerScan, st: Style | None = None) -> str:
    st = st or Style()
    if scan.error:
        return st.bad(f"listeners: {scan.error}") + "\n"
    if not scan.listeners:
        return "no listening sockets found\n" + "".join(f"note: {n}\n" for n in scan.notes)
    rows = [
        ["proto", "address", "v6only", "accepts", "process"],
        *listener_rows(scan.listeners, st),
    ]
    lines = _table(rows, indent="")
    lines[0] = st.bold(lines[0])
    lines += [st.dim(f"note: {n}") for n in scan.notes]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- diagnosis
def attempt_text(a: Attempt) -> str:
    err = f" ({a.error})" if a.error and a.outcome.value != "connected" else ""
    return f"{a.address} {a.outcome.value} {a.elapsed_ms:.1f} ms{err}"


def handshake_text(hs: Handshake | None) -> str:
    if hs is None or hs.outcome is HandshakeOutcome.NOT_ATTEMPTED:
        return "not attempted (no address connected)" if hs is not None else "not attempted"
    if hs.outcome is HandshakeOutcome.OK:
        sub = f", subprotocol {hs.subprotocol}" if hs.subprotocol else ""
        return f"{hs.address}: {hs.status} {hs.reason or 'Switching Protocols'}{sub}"
    if hs.outcome is HandshakeOutcome.HTTP_STATUS:
        extra = {
            401: " (the server wants credentials: try -H 'Authorization: ...')",
            403: " (forbidden: check --origin and credentials)",
        }.get(hs.status or 0, "")
        return f"{hs.address}: HTTP {hs.status} {hs.reason or ''}{extra}".rstrip()
    return f"{hs.address}: {hs.outcome.value}: {hs.error}"


def diagnosis_text(d: Diagnosis, st: Style | None = None) -> str:
    st = st or Style()
    obs = d.observation
    out = [st.bold(f"wsexplorer diagnose {obs.url.redacted()}")]
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
            mark, what = st.ok("✓"), f"connects via {c.address}"
        elif c.outcome is ClientOutcome.FAILS:
            mark, what = st.bad("✗"), st.bad(c.error or "fails")
        else:
            mark, what = st.warn("?"), "unknown"
        conf = "" if c.confidence.value == "checked" else st.dim(f"({c.confidence.value})")
        rows.append([mark, c.name, what, conf])
    out += _table(rows)
    out.append(
        f"{st.bold('Verdict')}  "
        + (st.ok(d.verdict.summary) if d.verdict.ok else st.bad(d.verdict.summary))
    )
    if d.fixes:
        out.append(st.bold("Fixes"))
        frows = []
        for f in d.fixes:
            if not f.applicable:
                mark = st.dim("-")
            else:
                mark = st.ok("✓ works") if f.works else st.bad("✗ not enough")
            frows.append([f.id, mark, f"({f.how.value})", f.detail])
        out += _table(frows)
        if not d.verdict.ok:
            out += _how_to_apply(d, st)
    for n in d.notes:
        out.append(st.dim(f"note: {n}"))
    return "\n".join(out) + "\n"


def _how_to_apply(d: Diagnosis, st: Style) -> list[str]:
    """The concrete Node and Python change behind each fix that works."""
    out = [st.bold("How to apply")]
    for f in d.fixes:
        if not (f.works and f.applicable and (f.node or f.python)):
            continue
        for lang, code in (("Node", f.node), ("Python", f.python)):
            for i, line in enumerate(code.splitlines()):
                head = f"  {f.id:<18} {lang:<7}" if i == 0 else " " * 28
                out.append(f"{head}{st.dim(line) if i else line}")
    return out if len(out) > 1 else []


def diagnosis_markdown(d: Diagnosis) -> str:
    """The same report as Markdown, for pasting into an issue."""
    obs = d.observation
    st = Style(color=False)
    md = [
        f"## wsexplorer diagnose `{obs.url.redacted()}`",
        "",
        f"**Verdict:** {'OK' if d.verdict.ok else 'FAILS'} — {d.verdict.summary}",
        "",
    ]
    md += ["### Resolution", "", "```", *resolution_lines(obs.resolution, st), "```", ""]
    md += [f"### Listeners on port {obs.url.port}", ""]
    if obs.listeners:
        md += ["| address | v6only | accepts | process |", "|---|---|---|---|"]
        for lis in obs.listeners:
            v6 = "-" if lis.v6only is None else str(int(lis.v6only))
            proc = f"{lis.process}[{lis.pid}]" if lis.pid is not None else "unknown"
            md.append(f"| `{lis.display_address()}` | {v6} | {accepts_text(lis)} | {proc} |")
    else:
        md.append("_none_" if obs.local_target else "_target is not this machine_")
    md += ["", "### Attempts", ""]
    md += [f"- `{attempt_text(a)}`" for a in obs.attempts] or ["- none"]
    md += [
        "",
        f"Handshake: {handshake_text(obs.handshake)}",
        "",
        "### Clients",
        "",
        "| client | result | confidence |",
        "|---|---|---|",
    ]
    for c in d.clients:
        res = (
            f"✓ connects via `{c.address}`"
            if c.connects
            else (f"✗ `{c.error}`" if c.outcome is ClientOutcome.FAILS else "? unknown")
        )
        md.append(f"| {c.name} | {res} | {c.confidence.value} |")
    md += ["", "### Fixes", "", "| fix | works | how | detail |", "|---|---|---|---|"]
    for f in d.fixes:
        md.append(f"| `{f.id}` | {'yes' if f.works else 'no'} | {f.how.value} | {f.detail} |")
    for f in d.fixes:
        if f.node or f.python:
            md += ["", f"#### {f.title}", ""]
            if f.node:
                md += ["Node:", "```js", f.node, "```"]
            if f.python:
                md += ["Python:", "```python", f.python, "```"]
    if d.notes:
        md += ["", *(f"> {n}" for n in d.notes)]
    return "\n".join(md) + "\n"
