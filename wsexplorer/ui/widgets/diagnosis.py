"""The Diagnosis pane: the verdict, one row per client, and the fixes to try.

Renders the engine's :class:`Diagnosis`; it never computes a verdict itself. Each fix
has a button (and, for the three live fixes, a key). After a fix the previous result
stays visible: ``before: ✗ … → now: ✓ …`` and a "before" mark per client.
"""

from __future__ import annotations

import contextlib

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from ...model import (
    ClientOutcome,
    ClientPrediction,
    Diagnosis,
    FamilyChoice,
    Fix,
    HandshakeOutcome,
)
from ...model.untrusted import clean
from ...presentation import (
    FixRow,
    attempt_spans,
    client_mark,
    fix_live_note,
    fix_row,
    fix_rows,
    shown_client_rows,
    span,
    verdict_spans,
)
from ...presentation import Tone as T
from ...presentation.style import to_text
from ...presentation.trust import trust_brief
from .lines import hide_line, show_line
from .pane import Pane

__all__ = ["DiagnosisPane", "render_after", "render_clients", "render_measured"]


def _mark(outcome: ClientOutcome) -> Text:
    return to_text(client_mark(outcome), style="bold")


def render_measured(d: Diagnosis) -> Text:
    """The trace's evidence: what each address did, and the handshake."""
    obs = d.observation
    out = Text("measured: ", style="bold")
    if not obs.attempts:
        out.append("no address tried", style="dim")
    for i, a in enumerate(obs.attempts):
        if i:
            out.append(" · ")
        out.append_text(to_text(attempt_spans(a, brief=True)))
    hs = obs.handshake
    if hs is not None and hs.status is not None:
        out.append(f" · handshake {hs.status}", style="green" if hs.ok else "red")
    elif hs is not None and hs.outcome is not HandshakeOutcome.NOT_ATTEMPTED:
        out.append(f" · handshake {hs.outcome.value}", style="red")
    if obs.family is not FamilyChoice.AUTO:
        out.append(f"  (family {obs.family} only)", style="yellow")
    cert = trust_brief(obs.trust)
    if cert:
        out.append("\n")
        out.append_text(to_text(cert))
    return out


def render_clients(
    d: Diagnosis,
    before: Diagnosis | None = None,
    marked: frozenset[str] = frozenset(),
    *,
    group: bool = True,
    compact: bool = False,
) -> RenderableType:
    """The clients, failing ones first: ✓/✗, name, the address it ends on or its exact
    error; those that connect grouped (``shown_client_rows``), except beside a "before"
    column, which needs one row per client. The ``marked`` clients (those that print a
    pasted error) get ``◀ your error``. ``compact`` (a small terminal) keeps each client
    to one line, cut with an ellipsis, so every failing one stays in view."""
    rows = shown_client_rows(d, group=group and before is None, single=marked)
    # expand: a grid that fills the pane gives the ratio column what the others leave.
    grid = Table.grid(padding=(0, 1), expand=compact)
    if before is not None:
        grid.add_column(no_wrap=True, style="dim", width=3)  # before: "✓ →"
    grid.add_column(no_wrap=True, width=1)  # mark
    # The name keeps its width; the result alone is cut (compact) or wraps.
    names = max((len(clean(c.name)) for c in rows), default=0)
    grid.add_column(no_wrap=True, style="bold", width=names)
    grid.add_column(ratio=1, no_wrap=compact, overflow="ellipsis" if compact else "fold")
    prior = {c.id: c for c in before.clients} if before is not None else {}
    for c in rows:
        what = to_text(c.result)
        if c.confidence:
            what.append_text(to_text(span(f" ({c.confidence})", T.DIM)))
        if c.id in marked and compact:  # first, where the ellipsis cannot cut it
            what = Text.assemble(("◀ your error", "bold reverse"), " ", what)
        elif c.id in marked:
            what.append(" ◀ your error", style="bold reverse")
        row: list[RenderableType] = []
        if before is not None:
            old = prior.get(c.id)
            row.append(Text.assemble(_mark(old.outcome) if old else Text("·"), (" →", "dim")))
        row += [to_text(c.mark, style="bold"), Text(clean(c.name)), what]
        grid.add_row(*row)
    if before is not None:
        return Group(Text("before → now", style="dim"), grid)
    return grid


def render_after(after: tuple[ClientPrediction, ...]) -> Text:
    """``✓ Node.js 16 · ✗ Node.js 17-19 …``: a fix's predicted result."""
    out = Text()
    for i, c in enumerate(after):
        if i:
            out.append(" · ", style="dim")
        out.append_text(_mark(c.outcome))
        out.append(f" {clean(c.name)}")
    return out or Text("(no prediction)", style="dim")


def _fix_status(row: FixRow) -> Text:
    """``✓ works (measured)``; a fix that does not apply has no "how"."""
    if row.status.tone is T.DIM:
        return to_text(row.status)
    return Text.assemble(to_text(row.status, style="bold"), (f" ({row.how})", "dim"))


def render_fix_detail(fix: Fix) -> RenderableType:
    """The exact Node and Python change, and who would connect after it."""
    parts: list[RenderableType] = [
        Text.assemble((clean(fix.title), "bold"), "  ", _fix_status(fix_row(fix))),
        Text(clean(fix.detail)),
    ]
    if fix.node:
        node = clean(fix.node, keep_newlines=True)
        parts.append(Text.assemble(("Node:   ", "bold"), (node, "cyan")))
    if fix.python:
        python = clean(fix.python, keep_newlines=True)
        parts.append(Text.assemble(("Python: ", "bold"), (python, "cyan")))
    if fix.after:
        parts.append(Text.assemble(("after:  ", "bold"), render_after(fix.after)))
    note = fix_live_note(fix)
    if note is not None:
        parts.append(to_text((note,)))
    return Group(*parts)


BODY = (
    "diagnosis-why",
    "diagnosis-verdict",
    "diagnosis-before",
    "diagnosis-measured",
    "diagnosis-clients",
    "diagnosis-fixes-title",
    "diagnosis-fixes",
    "diagnosis-detail",
    "diagnosis-notes",
)
"""The body's lines in screen order (why, before and detail are mounted when first shown)."""


class DiagnosisPane(Pane):
    """Verdict, clients and fixes."""

    BORDER_TITLE = "Diagnosis"

    def __init__(self, *, group_clients: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.group_clients = group_clients  # False: the user picked the clients (--clients)
        self.compact = False  # one line per client (a small terminal)
        self.diagnosis: Diagnosis | None = None
        self.drawn: Diagnosis | None = None
        """The diagnosis the pane has finished drawing (its fix rows included)."""
        self.before: Diagnosis | None = None
        self.marked: frozenset[str] = frozenset()
        self.detail_fix: str | None = None
        self._fix_ids: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="pane-body", id="diagnosis-body"):
            yield Static("", id="diagnosis-verdict")
            yield Static("", id="diagnosis-measured")
            yield Static("", id="diagnosis-clients")
            yield Static(Text("fixes", style="bold"), id="diagnosis-fixes-title")
            yield Vertical(id="diagnosis-fixes")
            yield Static("", id="diagnosis-notes")

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#diagnosis-body", VerticalScroll)

    def start(self) -> None:
        """A new observation began."""
        self.fail("diagnosis", None)
        if self.diagnosis is None:
            self.query_one("#diagnosis-verdict", Static).update(
                Text("observing: resolving, scanning, connecting…", style="dim")
            )
        self.busy(True)

    async def show(
        self, d: Diagnosis, before: Diagnosis | None = None, before_line: str | None = None
    ) -> None:
        """Render ``d``; ``before`` (the diagnosis before the last fix) adds the comparison."""
        self.diagnosis = d
        self.busy(False)
        verdict = to_text(verdict_spans(d), style="bold" if not d.verdict.ok else "")
        self.query_one("#diagnosis-verdict", Static).update(verdict)
        if before_line is None:
            hide_line(self.body, "diagnosis-before")
        else:
            line = Text(clean(before_line), style="bold yellow")
            show_line(self.body, "diagnosis-before", BODY, line)
        self.query_one("#diagnosis-measured", Static).update(render_measured(d))
        self.before = before
        self._show_clients()
        await self._sync_fixes(d)
        if self.detail_fix is not None:
            self.show_detail(self.detail_fix)
        notes = Text("\n").join(to_text(span(f"note: {n}", T.DIM)) for n in d.notes)
        self.query_one("#diagnosis-notes", Static).update(notes)
        self.drawn = d

    def mark_clients(self, ids: frozenset[str], story: str | None) -> None:
        """Mark the clients that print a pasted error, and show its story (``w``)."""
        self.marked = ids
        if story is None:
            hide_line(self.body, "diagnosis-why")
        else:
            show_line(self.body, "diagnosis-why", BODY, Text(clean(story), style="bold"))
        self._show_clients()

    def set_compact(self, compact: bool) -> None:
        """One line per client on a small terminal (the screen decides when)."""
        if compact != self.compact:
            self.compact = compact
            self._show_clients()

    def _show_clients(self) -> None:
        if self.diagnosis is None:
            return
        clients = render_clients(
            self.diagnosis,
            self.before,
            self.marked,
            group=self.group_clients,
            compact=self.compact,
        )
        self.query_one("#diagnosis-clients", Static).update(clients)

    async def _sync_fixes(self, d: Diagnosis) -> None:
        box = self.query_one("#diagnosis-fixes", Vertical)
        ids = tuple(f.id for f in d.fixes)
        if ids != self._fix_ids:
            await box.remove_children()
            rows = []
            for fix in d.fixes:
                rows.append(
                    Horizontal(
                        Button("", id=f"fix-{fix.id}", compact=True, classes="fix-button"),
                        Static("", id=f"fixtext-{fix.id}", classes="fix-text"),
                        classes="fix-row",
                    )
                )
            await box.mount_all(rows)
            self._fix_ids = ids
        for fix, row in zip(d.fixes, fix_rows(d), strict=True):
            # The engine names the key and the label (the IPv4 address changes with the URL).
            label = f"{fix.key} {fix.label}" if fix.key else "show"
            self.query_one(f"#fix-{fix.id}", Button).label = label
            text = _fix_status(row)
            text.append(f"  {clean(row.title)}")
            self.query_one(f"#fixtext-{row.id}", Static).update(text)
        if not d.fixes:
            self.query_one("#diagnosis-fixes-title", Static).update(
                Text("fixes: none needed", style="dim")
            )
        else:
            self.query_one("#diagnosis-fixes-title", Static).update(Text("fixes", style="bold"))

    def show_detail(self, fix_id: str | None) -> bool:
        """Show a fix's exact change and predicted result (``None`` hides it)."""
        self.detail_fix = fix_id
        fix: Fix | None = None
        if fix_id is not None and self.diagnosis is not None:
            with contextlib.suppress(KeyError):
                fix = self.diagnosis.fix(fix_id)
        if fix is None:
            hide_line(self.body, "diagnosis-detail")
            return False
        show_line(self.body, "diagnosis-detail", BODY, render_fix_detail(fix))
        return True
