"""Terminal text (through ``rich``), Markdown and JSON renderings of results.

The TUI's export and ``wsexplorer diagnose`` share these functions, so a report pasted
into an issue reads the same wherever it came from. Nothing here words a fact: the rows
come from :mod:`wsexplorer.presentation`; this module lays them out. Text values are
cleaned by :func:`~wsexplorer.presentation.style.to_text`; Markdown values by
``md_code`` / ``md_text``. Secrets are masked in the model, before any renderer.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from .model import Diagnosis, FamilyChoice, Listener, ListenerScan, Resolution
from .model.untrusted import clean, dump_json, md_code, md_fence, md_text
from .presentation import (
    Row,
    Span,
    Tone,
    accepts_spans,
    attempt_spans,
    fix_rows,
    handshake_view,
    listener_row,
    plain,
    proxy_rows,
    resolution_rows,
    shown_client_rows,
    span,
    system_row,
    verdict_spans,
)
from .presentation.style import to_text
from .presentation.trust import trust_rows
from .presentation.why import why_rows

if TYPE_CHECKING:
    from .diagnosis.why import Clue, Target, WhyResult

__all__ = [
    "Style",
    "accepts_text",
    "diagnosis_markdown",
    "diagnosis_text",
    "dump_json",
    "finish",
    "listeners_text",
    "resolution_text",
    "why_text",
]

_SGR = re.compile(r"\x1b\[[0-9;]*m")
_NO_WRAP = 100_000
"""The console width for a pipe: wide enough that no line is ever wrapped."""
LABEL_WIDTH = 16


def color_allowed(stream: TextIO) -> bool:
    """Colour for a terminal, unless ``NO_COLOR`` is set and not empty (by the NO_COLOR
    convention an empty value does not count) or ``TERM`` is ``dumb``."""
    tty = bool(getattr(stream, "isatty", None) and stream.isatty())
    return tty and os.environ.get("NO_COLOR", "") == "" and os.environ.get("TERM") != "dumb"


class Style:
    """How text output looks on one stream: colour or not, and the width to wrap at
    (``None``: a pipe, never wrapped)."""

    def __init__(
        self, stream: TextIO | None = None, color: bool | None = None, width: int | None = None
    ):
        s = stream or sys.stdout
        self.color = color_allowed(s) if color is None else bool(color)
        if width is None and getattr(s, "isatty", None) and s.isatty():
            try:
                width = os.get_terminal_size(s.fileno()).columns
            except (OSError, ValueError, AttributeError):
                width = None
        self.width = width

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

    def render(self, parts: Sequence[RenderableType]) -> str:
        """``parts`` printed by a ``rich`` console into a string, through :func:`finish`."""
        buf = io.StringIO()
        console = Console(
            file=buf,
            width=self.width or _NO_WRAP,
            force_terminal=self.color,
            color_system="standard" if self.color else None,
            no_color=not self.color,
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
            _environ={},
        )
        for part in parts:
            console.print(part)
        lines = [line.rstrip(" ") for line in buf.getvalue().splitlines()]
        return finish("\n".join(lines) + "\n", self)


def finish(text: str, st: Style) -> str:
    """The last step before a text report reaches a terminal or a pipe.

    Every value from outside is already cleaned where it becomes text; this pass
    guarantees it for whatever was missed: without colour no control character but the
    line breaks survives, with colour only SGR sequences (the renderer's own) do.
    """
    if not st.color:
        return clean(text, keep_newlines=True)
    pieces = _SGR.split(text)
    codes = _SGR.findall(text)
    out = [clean(pieces[0], keep_newlines=True)]
    for code, piece in zip(codes, pieces[1:], strict=True):
        out += [code, clean(piece, keep_newlines=True)]
    return "".join(out)


def accepts_text(lis: Listener) -> str:
    return plain(accepts_spans(lis))


# ---------------------------------------------------------------- layout
def _grid(*no_wrap: bool, indent: bool = True, label: int | None = None) -> Table:
    """Columns two spaces apart, one per ``no_wrap`` flag (the others wrap); ``indent``
    adds an empty first column (two spaces); ``label`` is the first column's least width."""
    grid = Table.grid(padding=(0, 2, 0, 0))
    if indent:
        grid.add_column(width=0)
    for i, fixed in enumerate(no_wrap):
        grid.add_column(no_wrap=fixed, overflow="fold", min_width=label if i == 0 else None)
    return grid


def _row_grid(rows: Sequence[Row]) -> Table:
    grid = _grid(True, False, label=LABEL_WIDTH)
    for r in rows:
        grid.add_row("", Text(r.label), to_text(r.spans))
    return grid


def _line(*parts: Text | tuple[Span, ...] | str) -> Text:
    out = Text()
    for p in parts:
        if isinstance(p, str):
            out.append(clean(p))
        else:
            out.append_text(to_text(p) if isinstance(p, tuple) else p)
    return out


def _head(text: str) -> Text:
    return Text(clean(text), style="bold")


def _listener_grid(listeners: Sequence[Listener], header: bool) -> Table:
    grid = _grid(True, True, True, True, False, indent=not header)
    pad = [] if header else [""]
    if header:
        grid.add_row(*(_head(h) for h in ("proto", "address", "v6only", "accepts", "process")))
    for lis in listeners:
        r = listener_row(lis)
        cells = (r.protocol, r.endpoint, f"v6only {r.v6only}")
        texts = [Text(clean(c)) for c in cells]
        grid.add_row(*pad, *texts, to_text(r.accepts), to_text(r.process))
    return grid


# ---------------------------------------------------------------- why
def why_text(
    clue: Clue, target: Target, why: WhyResult, d: Diagnosis, st: Style | None = None
) -> str:
    """``wsexplorer why``: the reading of the pasted error, then the full diagnosis."""
    st = st or Style()
    head = st.render([_head("wsexplorer why"), _row_grid(why_rows(clue, target, why, d))])
    return head + "\n" + diagnosis_text(d, st)


# ---------------------------------------------------------------- resolution
def resolution_text(res: Resolution, st: Style | None = None) -> str:
    st = st or Style()
    return st.render([_head(f"{res.host} port {res.port}"), _row_grid(resolution_rows(res))])


def _plain_rows(rows: Sequence[Row]) -> list[str]:
    return [f"{r.label:<{LABEL_WIDTH}}  {r.value}".rstrip() for r in rows]


# ---------------------------------------------------------------- listeners
def listeners_text(scan: ListenerScan, st: Style | None = None) -> str:
    st = st or Style()
    notes = [to_text(span(f"note: {n}", Tone.DIM)) for n in scan.notes]
    if scan.error:
        return st.render([to_text(span(f"✗ listeners: {scan.error}", Tone.BAD))])
    if not scan.listeners:
        return st.render([Text("no listening sockets found"), *notes])
    return st.render([_listener_grid(scan.listeners, header=True), *notes])


# ---------------------------------------------------------------- diagnosis
def _handshake_lines(d: Diagnosis) -> list[RenderableType]:
    hs = handshake_view(d.observation.handshake, d.observation.url)
    out = Text("Handshake  ", style="bold")
    if hs.address is not None:
        out.append(f"{clean(hs.address)}: ")
    out.append_text(to_text(hs.what))
    if hs.subprotocol:
        out.append(f", subprotocol {clean(hs.subprotocol)}")
    if hs.advice:
        out.append(f" ({clean(hs.advice)})", style="yellow")
    if hs.body is None:
        return [out]
    return [out, _line("  body: ", span(hs.body, code=True))]


def _listener_section(d: Diagnosis) -> list[RenderableType]:
    obs = d.observation
    if not obs.local_target:
        return [to_text(span("  target is not this machine: listeners not shown", Tone.DIM))]
    if not obs.listeners_known:
        return [to_text(span("  could not list sockets", Tone.WARN))]
    if not obs.listeners:
        return [to_text(span(f"  ✗ nothing listens on port {obs.url.port}", Tone.BAD))]
    return [_listener_grid(obs.listeners, header=False)]


def diagnosis_text(d: Diagnosis, st: Style | None = None, *, group: bool = True) -> str:
    """The terminal report; ``group``: clients that connect share rows
    (:func:`~wsexplorer.presentation.shown_client_rows`)."""
    st = st or Style()
    obs = d.observation
    out: list[RenderableType] = [_head(f"wsexplorer diagnose {obs.url.redacted()}")]
    if obs.family is not FamilyChoice.AUTO:
        out.append(to_text(span(f"  family forced to IPv{obs.family}", Tone.WARN)))
    res_rows = resolution_rows(obs.resolution)
    if not obs.system.ipv6_enabled:
        res_rows.append(system_row(obs.system))
    res_rows += proxy_rows(obs)
    out += [_head("Resolution"), _row_grid(res_rows)]
    out += [_head(f"Listeners on port {obs.url.port}"), *_listener_section(d)]
    out.append(_head("Attempts"))
    if not obs.attempts:
        out.append(Text("  (no address to try)"))
    out += [_line("  ", attempt_spans(a)) for a in obs.attempts]
    out += _handshake_lines(d)
    cert = trust_rows(obs.trust)
    if cert:
        out += [_head("Certificate"), _row_grid(cert)]
    out.append(_head("Clients"))
    clients = _grid(True, True, False, True)
    for c in shown_client_rows(d, group=group):
        conf = to_text(span(f"({c.confidence})", Tone.DIM)) if c.confidence else ""
        clients.add_row("", to_text(c.mark), Text(clean(c.name)), to_text(c.result), conf)
    out.append(clients)
    out.append(_line(Text("Verdict  ", style="bold"), verdict_spans(d)))
    if d.fixes:
        out.append(_head("Fixes"))
        fixes = _grid(True, True, True, False)
        for f in fix_rows(d):
            cells = (
                Text(clean(f.id)),
                to_text(f.status),
                Text(f"({f.how})"),
                Text(clean(f.detail)),
            )
            fixes.add_row("", *cells)
        out.append(fixes)
        if not d.verdict.ok:
            out += _how_to_apply(d)
    out += [to_text(span(f"note: {n}", Tone.DIM)) for n in d.notes]
    return st.render(out)


def _how_to_apply(d: Diagnosis) -> list[RenderableType]:
    """The concrete Node and Python change behind each fix that works."""
    grid = _grid(True, True, False)
    for f in d.fixes:
        if not (f.works and f.applicable and (f.node or f.python)):
            continue
        for lang, code in (("Node", f.node), ("Python", f.python)):
            lines = code.splitlines()
            if lines:
                body = Text(clean(lines[0]))
                for line in lines[1:]:
                    body.append("\n" + clean(line), style="dim")
                grid.add_row("", Text(clean(f.id)), Text(lang), body)
    return [_head("How to apply"), grid] if grid.row_count else []


# ---------------------------------------------------------------- Markdown
def _md(spans: tuple[Span, ...], *, in_table: bool = False) -> str:
    """Spans as Markdown: literals as code spans, the rest escaped prose."""
    return "".join(md_code(s.text, in_table=in_table) if s.code else md_text(s.text) for s in spans)


def diagnosis_markdown(d: Diagnosis, *, group: bool = True) -> str:
    """The same report as Markdown, for pasting into an issue.

    Every value from outside is inert: in code spans or fenced blocks (:func:`md_code`,
    :func:`md_fence`), or escaped in prose (:func:`md_text`), so a reason phrase with
    ``![x](…)`` or ``<img>`` shows as text and a ``|`` never splits a table cell.
    """
    obs = d.observation
    md = [
        f"## wsexplorer diagnose {md_code(obs.url.redacted())}",
        "",
        f"**Verdict:** {'OK' if d.verdict.ok else 'FAILS'} — {md_text(d.verdict.summary)}",
        "",
    ]
    res_rows = resolution_rows(obs.resolution)
    if not obs.system.ipv6_enabled:
        res_rows.append(system_row(obs.system))
    res_rows += proxy_rows(obs)
    md += ["### Resolution", "", *md_fence(_plain_rows(res_rows)), ""]
    md += [f"### Listeners on port {obs.url.port}", ""]
    if obs.listeners:
        md += ["| address | v6only | accepts | process |", "|---|---|---|---|"]
        for lis in obs.listeners:
            r = listener_row(lis)
            cells = (
                md_code(r.endpoint, in_table=True),
                md_text(r.v6only),
                _md(r.accepts, in_table=True),
                _md(r.process, in_table=True),
            )
            md.append("| " + " | ".join(cells) + " |")
    else:
        md.append("_none_" if obs.local_target else "_target is not this machine_")
    md += ["", "### Attempts", ""]
    md += [f"- {_md(attempt_spans(a))}" for a in obs.attempts] or ["- none"]
    hs = handshake_view(obs.handshake, obs.url)
    where = f"{md_code(hs.address)}: " if hs.address else ""
    sub = f", subprotocol {md_code(hs.subprotocol)}" if hs.subprotocol else ""
    advice = f" — {md_text(hs.advice)}" if hs.advice else ""
    md += ["", f"Handshake: {where}{_md(hs.what)}{sub}{advice}", ""]
    if hs.body is not None:
        md += ["The answer's body (first KiB):", "", *md_fence([hs.body], "text"), ""]
    cert = trust_rows(obs.trust)
    if cert:
        md += ["### Certificate", "", *(f"- {md_text(r.label)}: {_md(r.spans)}" for r in cert), ""]
    md += ["### Clients", "", "| client | result | confidence |", "|---|---|---|"]
    for c in shown_client_rows(d, group=group):
        result = f"{md_text(c.mark.text)} {_md(c.result, in_table=True)}"
        md.append(
            f"| {md_text(c.name)} | {result} | {md_text(c.confidence or ('checked' if c.id else '—'))} |"
        )
    md += ["", "### Fixes", "", "| fix | status | how | detail |", "|---|---|---|---|"]
    for f in fix_rows(d):
        cells = (md_code(f.id, in_table=True), md_text(f.status.text), f.how, md_text(f.detail))
        md.append("| " + " | ".join(cells) + " |")
    for fix in d.fixes:
        if fix.node or fix.python:
            md += ["", f"#### {md_text(fix.title)}", ""]
            if fix.node:
                md += ["Node:", *md_fence(fix.node.splitlines(), "js")]
            if fix.python:
                md += ["Python:", *md_fence(fix.python.splitlines(), "python")]
    if d.notes:
        md += ["", *(f"> {md_text(n)}" for n in d.notes)]
    return "\n".join(md) + "\n"
