"""The one screen: URL bar, the four panes, the footer; its key bindings and inputs.

The screen is composed of parts, one job each: ``base.py`` (the shared live state, the
panes, banner and status), ``observing.py`` (the observation, one generation per
refresh), ``session_control.py`` (the live session), ``fixing.py`` (fixes, undo and the
demo server) and ``exporting.py`` (the Markdown export through the Backend). This module
lays the panes out and turns keys, buttons and inputs into the parts' actions.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Button, Input, Select

from ...model import FamilyChoice, InvalidURL, parse_url, unredact
from .. import collector
from ..fixes import KEY_WORDS, fix_for_id
from ..widgets.diagnosis import DiagnosisPane
from ..widgets.footer import KeysFooter
from ..widgets.lesson import LessonPanel
from ..widgets.listeners import ListenersPane
from ..widgets.resolution import ResolutionPane
from ..widgets.session import SessionPane
from ..widgets.topbar import TopBar
from .exporting import ExportPart, report_filename
from .lesson import LessonPart
from .watching import WatchPart
from .why import WhyPart

if TYPE_CHECKING:
    from .connection import ConnectionEdit

__all__ = ["MainScreen", "report_filename"]


class MainScreen(LessonPart, WatchPart, WhyPart, ExportPart):
    """Resolution, Listeners, Session and Diagnosis, fed by workers."""

    AUTO_FOCUS = ""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012 (Textual's type)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("c", "connect", "Connect"),
        Binding("x", "disconnect", "Close"),
        Binding("p", "ping", "Ping"),
        # Until a diagnosis names each fix (then the footer shows the engine's label).
        Binding("f", "fix_family", f"Fix: {KEY_WORDS['f']}"),
        Binding("l", "fix_literal", f"Fix: {KEY_WORDS['l']}"),
        Binding("d", "fix_dual_stack", f"Fix: {KEY_WORDS['d']}"),
        Binding("u", "undo", "Undo"),
        Binding("r", "refresh", "Refresh"),
        Binding("e", "export", "Export"),
        Binding("q", "app.quit", "Quit"),
        Binding("slash", "focus_url", "Edit URL", show=False),
        Binding("m", "focus_send", "Message", show=False),
        Binding("h", "edit_connection", "Headers"),
        Binding("a", "toggle_reconnect", "Auto-reconnect", show=False),
        Binding("s", "save_session", "Save session", show=False),
        Binding("y", "copy_message", "Copy message", show=False),
        Binding("ctrl+f", "search_log", "Search log", show=False),
        Binding("escape", "blur", "Leave field", show=False),
    ]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield TopBar(
            self.state.url.redacted(),
            self.state.family,
            cursor_blink=self.config.cursor_blink,
            id="topbar",
        )
        with VerticalScroll(id="panes"):
            yield ResolutionPane(id="resolution", classes="pane")
            yield ListenersPane(id="listeners", classes="pane")
            yield SessionPane(id="session", classes="pane", cursor_blink=self.config.cursor_blink)
            yield DiagnosisPane(
                id="diagnosis", classes="pane", group_clients=self.config.clients is None
            )
        if self.config.lesson:
            yield LessonPanel(id="lesson")
        # The keys' labels for this width before the footer composes them: it shows them at
        # once instead of rebuilding when the first resize relabels them.
        short = self._label_fix_keys(self.app.size.width)
        yield KeysFooter(compact=short, show_command_palette=not short)

    def fit_breakpoints(self, width: int) -> None:
        """Take the breakpoint class (``-wide``/``-narrow``) of ``width`` before the screen
        is mounted: Textual sets it on the first resize, which restyles every widget of
        the screen once more if the class changes."""
        names = [name for _, name in self.HORIZONTAL_BREAKPOINTS]
        fits = [name for bp, name in sorted(self.HORIZONTAL_BREAKPOINTS) if width >= bp]
        for name in names:
            self.set_class(bool(fits) and name == fits[-1], name, update=False)

    def on_resize(self) -> None:
        self._arrange()
        self._label_fix_keys()

    def _arrange(self) -> None:
        """Narrow terminals stack the panes with the Diagnosis first (the verdict is what
        a small screen must show); wide ones keep the reading order in a 2x2 grid."""
        panes = self.query_one("#panes")
        diagnosis = self.diagnosis_pane
        narrow = self.size.width < self.HORIZONTAL_BREAKPOINTS[-1][0]
        diagnosis.set_compact(narrow)
        first = panes.children[0] if panes.children else None
        if narrow and first is not diagnosis:
            panes.move_child(diagnosis, before=0)
        elif not narrow and first is diagnosis:
            panes.move_child(diagnosis, after=self.session_pane)

    def on_mount(self) -> None:
        # The collector resumes at the first complete screen (observing.py), or now + this.
        self.set_timer(collector.SETTLE_DEADLINE, collector.settle)
        self._arrange()
        self.show_lesson()
        self._show_banner()
        self._show_status()
        self.start_watch()
        if self.config.demo_server is not None:
            self.listeners_pane.show_server((), None, self.config.demo_server)
            self.start_server()
        else:
            self.refresh_all()
            if self.session_wanted:
                self.connect_session()

    async def on_unmount(self) -> None:
        await self.shutdown()

    async def shutdown(self) -> None:
        """Close the live session and stop the demo server (idempotent)."""
        if self._shut_down:
            return
        self._shut_down = True
        session, self.session = self.session, None
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close()
        server, self.server = self.server, None
        if server is not None:
            with contextlib.suppress(Exception):
                await server.stop()

    # ------------------------------------------------------------------ input
    @on(Input.Submitted, "#url")
    def url_submitted(self, event: Input.Submitted) -> None:
        self.apply_url(event.value)

    def apply_url(self, text: str) -> bool:
        """Parse and apply a URL; a bad one shows its error and changes nothing."""
        try:
            url = parse_url(text)
        except InvalidURL as exc:
            self.topbar.show_url_error(str(exc))
            return False
        self.topbar.show_url_error(None)
        url = unredact(url, self.state.url)
        self.state = replace(self.state, url=url)
        self._rerun()
        return True

    @on(Select.Changed, "#family")
    def family_changed(self, event: Select.Changed) -> None:
        family = FamilyChoice.parse(event.value)
        if family is not None and family is not self.state.family:
            self.set_family(family)

    def set_family(self, family: FamilyChoice) -> None:
        self.state = replace(self.state, family=family)
        self._rerun()

    @on(Input.Submitted, "#session-send")
    def send_submitted(self, event: Input.Submitted) -> None:
        """Text, JSON, or a command (``/close``, ``/hex``, ``/b64``: ``ui/send_line.py``)."""
        line = event.value
        if not line:
            return
        event.input.value = ""
        self.session_pane.remember(line)
        self.send_line(line)

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        actions = {
            "session-connect": self.action_connect,
            "session-disconnect": self.action_disconnect,
            "session-ping": self.action_ping,
        }
        if bid in actions:
            actions[bid]()
        elif bid.startswith("fix-"):
            fix = fix_for_id(self.diagnosis, bid[4:])
            if fix is not None and fix.key is not None:
                self.try_fix(fix.key)
            else:
                self.action_show_fix(bid[4:])

    # ------------------------------------------------------------------ actions
    def action_help(self) -> None:
        from .help import HelpScreen  # Markdown is slow to import: load on first use

        self.app.push_screen(HelpScreen())

    def action_edit_connection(self) -> None:
        """``h``: edit the handshake's headers, subprotocols and Origin (then reconnect)."""
        from .connection import ConnectionScreen  # TextArea: load on first use

        self.app.push_screen(ConnectionScreen(self.config.options), self.apply_connection)

    def apply_connection(self, edit: ConnectionEdit | None) -> None:
        """Observe and reconnect with the dialog's headers, subprotocols and Origin."""
        if edit is None:
            return
        options = replace(
            self.config.options,
            headers=edit.headers,
            subprotocols=edit.subprotocols,
            origin=edit.origin,
        )
        self.config = replace(self.config, options=options)
        self.session_wanted = True
        self._rerun()

    def action_connect(self) -> None:
        self.session_wanted = True
        self.connect_session()

    def action_disconnect(self) -> None:
        self.session_wanted = False
        self._cancel_reconnect()
        self.disconnect_session()

    def action_ping(self) -> None:
        self.ping_session()

    def action_refresh(self) -> None:
        self.refresh_all()

    def action_focus_url(self) -> None:
        # set_focus now (not Widget.focus, which defers): keys typed right after go here.
        self.set_focus(self.query_one("#url", Input))

    def action_focus_send(self) -> None:
        self.set_focus(self.query_one("#session-send", Input))

    def action_search_log(self) -> None:
        self.session_pane.open_search()

    def action_blur(self) -> None:
        self.set_focus(None)

    def action_set_family(self, family: str) -> None:
        choice = FamilyChoice.parse(family)
        if choice is not None and choice is not self.state.family:
            self.set_family(choice)

    def action_show_fix(self, fix_id: str) -> None:
        if not self.diagnosis_pane.show_detail(fix_id):
            self.notify(f"no fix {fix_id!r} in this diagnosis", severity="warning")

    def action_fix_family(self) -> None:
        """``f``: the client forces IPv4 (``{ family: 4 }``)."""
        self.try_fix("f")

    def action_fix_literal(self) -> None:
        """``l``: the URL names the IPv4 address the engine chose instead of the host name."""
        self.try_fix("l")

    def action_fix_dual_stack(self) -> None:
        """``d``: the server listens on ``::`` dual-stack (live with the demo server)."""
        self.try_fix("d")
