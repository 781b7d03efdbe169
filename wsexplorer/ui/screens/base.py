"""What every part of the main screen shares: the live state, the panes, banner and status.

:class:`ScreenBase` holds the state the parts read and change (the config, the backend,
the live state and its undo stack, the generation, the shown diagnosis, the demo server,
the live session); the parts (``observing.py``, ``session_control.py``, ``fixing.py``,
``exporting.py``) each add one job, and ``main.py`` composes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widgets import Footer, Input, Select

from ...model import ClientOutcome, Diagnosis, FamilyChoice, Observation
from ...model.untrusted import clean
from ..backend import Backend, ServerHandle, SessionHandle
from ..config import AppConfig
from ..fixes import KEY_WORDS, key_label
from ..session_log import SessionRecord
from ..state import LiveState, MessageBatch, UndoStack, before_after, tally
from ..widgets.diagnosis import DiagnosisPane
from ..widgets.listeners import ListenersPane
from ..widgets.resolution import ResolutionPane
from ..widgets.session import SessionPane
from ..widgets.topbar import TopBar

__all__ = ["FULL_FOOTER", "HEADERS_FOOTER", "LABELLED_FOOTER", "MID_FOOTER", "ScreenBase"]

FULL_FOOTER = 140
"""From this width the footer shows every key with its full label and the palette hint."""
LABELLED_FOOTER = 120
"""From this width the fix keys keep their ``Fix:`` prefix."""
MID_FOOTER = 100
"""From this width (and below FULL_FOOTER) ``c`` stays in the footer."""
HEADERS_FOOTER = 150
"""From this width ``h`` (headers) shows in the footer too, beside the palette hint."""


class ScreenBase(Screen[None]):
    """The main screen's shared state, its panes, and the banner and status lines."""

    def __init__(
        self,
        config: AppConfig,
        backend: Backend,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__(id="main")
        self.config = config
        self.backend = backend
        self.clock = clock
        self.state = LiveState(url=config.url, family=config.family)
        self.undo = UndoStack()
        self.generation = 0
        self.observation: Observation | None = None
        self.diagnosis: Diagnosis | None = None
        self.diagnosis_generation = 0
        self._observing: LiveState | None = None
        self.diagnosed_state: LiveState | None = None
        """The state the shown diagnosis describes: its fixes apply only to that state."""
        self.server: ServerHandle | None = None
        self.server_error: str | None = None
        self.session: SessionHandle | None = None
        self.session_id = 0
        self.session_wanted = config.autoconnect
        self.last_export: Path | None = None
        self._shut_down = False
        self._resumed = False
        self._footer_shown: tuple[object, ...] | None = None
        """The fix labels and hidden keys the footer shows (set by ``_label_fix_keys``)."""
        self._messages = MessageBatch()
        self.session_record = SessionRecord()
        """Every session's messages and closes (bounded), for ``s`` (JSON Lines)."""

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (a subclass's first). On the first resume
        # every widget was styled as it was mounted, moments ago: Textual's second
        # styling of the whole screen changed nothing and cost ~10 % of the start-up's
        # CPU (issue 14; tests/ui/test_startup.py checks nothing changes).
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    @property
    def topbar(self) -> TopBar:
        return self.query_one(TopBar)

    @property
    def resolution_pane(self) -> ResolutionPane:
        return self.query_one(ResolutionPane)

    @property
    def listeners_pane(self) -> ListenersPane:
        return self.query_one(ListenersPane)

    @property
    def session_pane(self) -> SessionPane:
        return self.query_one(SessionPane)

    @property
    def diagnosis_pane(self) -> DiagnosisPane:
        return self.query_one(DiagnosisPane)

    # ------------------------------------------------------------------ banner / status
    def banner_lines(self) -> list[str]:
        """What makes the screen differ from this machine's plain truth."""
        url = self.state.url
        lines = list(self.config.notes)
        for o in self.config.overrides:
            if o.applies(url.host, url.port):
                if self.config.pin_note and o.host == "localhost":
                    lines.append(self.config.pin_note)
                else:
                    lines.append(f"what-if: --resolve {o.spec()} pins what {url.host} resolves to")
        if self.state.family is not FamilyChoice.AUTO:
            lines.append(
                f"family forced to IPv{self.state.family}: the trace and the live session "
                f"try only IPv{self.state.family} addresses"
            )
        if self.server is not None and self.server.wildcard:
            bind = ", ".join(lis.display_address() for lis in self.server.listeners)
            lines.append(
                f"the demo server is bound to a wildcard address ({bind}): "
                "reachable from the network, not only from this machine"
            )
        return lines

    def _show_banner(self) -> None:
        self.topbar.show_banner(self.banner_lines())

    def status_text(self) -> Text:
        text = Text()
        d = self.diagnosis
        current = self.diagnosis_generation == self.generation
        if not current:
            text.append("observing… ", style="dim")
        if d is not None:
            line = before_after(self.undo.last, d) if current else None
            if line is not None:  # a fix was tried: before → now says it all
                text.append(clean(line), style="bold green" if d.verdict.ok else "bold yellow")
                return text
            text.append(tally(d), style="bold green" if d.verdict.ok else "bold red")
            failing = [c for c in d.clients if c.outcome is ClientOutcome.FAILS]
            if failing:
                text.append(f": {clean(failing[0].name)}: {clean(failing[0].error)}", style="red")
                if len(failing) > 1:
                    text.append(f" (+{len(failing) - 1} more)", style="red")
        elif not text:
            text.append("starting…", style="dim")
        return text

    def _show_status(self) -> None:
        self.topbar.show_status(self.status_text())

    def _label_fix_keys(self, width: int = 0) -> bool:
        """The footer names each fix key's fix as the shown diagnosis does (``Fix:
        192.0.2.10``); today's words until a diagnosis names it.

        The footer fits the window: below :data:`FULL_FOOTER` columns it is compact
        without the palette hint and the keys the Session pane has buttons for (``x``,
        ``p``); below :data:`LABELLED_FOOTER` the fix labels drop ``Fix:``; below
        :data:`MID_FOOTER` ``c`` steps back too; ``h`` (headers) shows from
        :data:`HEADERS_FOOTER` columns. The essential keys (``? f l d u r e q``)
        show at 100x30 and 80x24. ``width``: the window's, before the screen has a size
        (its compose). Returns whether the footer is short (compact, no palette hint).
        """
        width = width or self.size.width or FULL_FOOTER
        short = width < FULL_FOOTER
        hidden = set() if not short else ({"x", "p"} if width >= MID_FOOTER else {"x", "p", "c"})
        if width < HEADERS_FOOTER:
            hidden.add("h")
        labels = {}
        for key, words in KEY_WORDS.items():
            label = clean(key_label(self.diagnosis, key) or f"Fix: {words}")
            labels[key] = label.removeprefix("Fix: ") if width < LABELLED_FOOTER else label
        shown = (tuple(labels.items()), frozenset(hidden), short)
        if shown == self._footer_shown:  # new bindings rebuild the footer and the layout
            return short
        self._footer_shown = shown
        bindings = self._bindings.key_to_bindings
        for key, label in labels.items():
            bindings[key] = [
                replace(b, description=label) if b.action.startswith("fix_") else b
                for b in bindings.get(key, ())
            ]
        for key in ("c", "x", "p", "h"):
            bindings[key] = [replace(b, show=key not in hidden) for b in bindings.get(key, ())]
        for footer in self.query(Footer):
            footer.compact = short
            footer.show_command_palette = not short
        self.refresh_bindings()
        return short

    def _sync_inputs(self) -> None:
        """Show the live state in the URL field and the family selector, silently."""
        url_field = self.query_one("#url", Input)
        wanted = self.state.url.redacted()  # never show credentials (screenshots, demos)
        if url_field.value != wanted:
            url_field.value = wanted
        select: Select[FamilyChoice] = self.query_one("#family", Select)
        if select.value != self.state.family:
            with select.prevent(Select.Changed):
                select.value = self.state.family
