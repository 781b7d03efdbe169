"""The one screen: URL bar, the four panes, the footer; and the workers that feed them.

Every probe runs in a worker: the observation in an async worker (``observe`` runs its
blocking parts in threads and reports each stage), the full listener scan and the
export in thread workers that only post messages. Each observation has a generation
number; results of an older generation are dropped, so a stale lookup never
overwrites a newer one. Fixes apply the change the engine decided (``Fix.change``) to the
live state (URL, family, demo server bind), push the previous state on an undo stack,
re-run the diagnosis and reconnect.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Select

from ...model import (
    ClientOutcome,
    Diagnosis,
    FamilyChoice,
    InvalidURL,
    ListenerScan,
    Observation,
    Resolution,
    SessionEvent,
    SessionEventKind,
    SystemFacts,
    WsxError,
    parse_url,
    unredact,
)
from ...model.options import BindMode, ServerConfig, select_family
from ...model.untrusted import clean
from ..backend import Backend, ServerHandle, SessionHandle
from ..config import AppConfig
from ..fixes import NOT_CURRENT, applied, fix_for_id, fix_for_key, refusal
from ..messages import (
    ExportDone,
    ListenersScanned,
    ObserveFailed,
    ObserveFinished,
    ServerChanged,
    SessionEventArrived,
    StageArrived,
)
from ..state import FixRecord, LiveState, MessageBatch, UndoStack, before_after, tally
from ..widgets.diagnosis import DiagnosisPane
from ..widgets.listeners import ListenersPane
from ..widgets.resolution import ResolutionPane
from ..widgets.session import SessionPane
from ..widgets.topbar import TopBar

__all__ = ["MainScreen", "report_filename"]

FLUSH_SECONDS = 0.1
"""How often a flood of messages is written to the log (bounded lines per flush)."""


def report_filename(now: datetime) -> str:
    """``wsexplorer-report-YYYYmmdd-HHMMSS.md``."""
    return f"wsexplorer-report-{now:%Y%m%d-%H%M%S}.md"


def _stamp(now: datetime) -> str:
    return f"{now:%H:%M:%S}.{now.microsecond // 1000:03d}"


class MainScreen(Screen[None]):
    """Resolution, Listeners, Session and Diagnosis, fed by workers."""

    AUTO_FOCUS = ""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012 (Textual's type)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("c", "connect", "Connect"),
        Binding("x", "disconnect", "Close"),
        Binding("p", "ping", "Ping"),
        Binding("f", "fix_family", "Fix: family 4"),
        Binding("l", "fix_literal", "Fix: 127.0.0.1"),
        Binding("d", "fix_dual_stack", "Fix: listen ::"),
        Binding("u", "undo", "Undo"),
        Binding("r", "refresh", "Refresh"),
        Binding("e", "export", "Export"),
        Binding("q", "app.quit", "Quit"),
        Binding("slash", "focus_url", "Edit URL", show=False),
        Binding("m", "focus_send", "Message", show=False),
        Binding("escape", "blur", "Leave field", show=False),
    ]

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
        self._messages = MessageBatch()

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
            yield DiagnosisPane(id="diagnosis", classes="pane")
        yield Footer()

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

    def on_resize(self) -> None:
        self._arrange()

    def _arrange(self) -> None:
        """Narrow terminals stack the panes with the Diagnosis first (the verdict is what
        a small screen must show); wide ones keep the reading order in a 2x2 grid."""
        panes = self.query_one("#panes")
        diagnosis = self.diagnosis_pane
        narrow = self.size.width < self.HORIZONTAL_BREAKPOINTS[-1][0]
        first = panes.children[0] if panes.children else None
        if narrow and first is not diagnosis:
            panes.move_child(diagnosis, before=0)
        elif not narrow and first is diagnosis:
            panes.move_child(diagnosis, after=self.session_pane)

    def on_mount(self) -> None:
        self._arrange()
        self._show_banner()
        self._show_status()
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

    # ------------------------------------------------------------------ banner / status
    def banner_lines(self) -> list[str]:
        """What makes the screen differ from this machine's plain truth."""
        url = self.state.url
        lines = []
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

    # ------------------------------------------------------------------ observation
    def refresh_all(self) -> None:
        """Start a new generation: observe the current URL and scan every listener."""
        self.generation += 1
        gen = self.generation
        url = self.state.url
        self.resolution_pane.start(url.host, url.port)
        self.listeners_pane.start(url.port)
        self.diagnosis_pane.start()
        self._show_banner()
        self._show_status()
        self._observing = self.state
        self.run_observe(gen, self.state)
        # The full socket table (every port) is secondary: the URL's port arrives with the
        # observation. Scanning it after the observation keeps the /proc walk from
        # competing with the first complete screen (~60 ms: benchmarks/bench_tui.py).

    @work(exclusive=True, group="observe", exit_on_error=False)
    async def run_observe(self, gen: int, state: LiveState) -> None:
        """Observe ``state.url``; each stage and the result are posted with ``gen``."""
        from ...diagnosis import diagnose

        def on_stage(name: str, value: object) -> None:
            self.post_message(StageArrived(gen, name, value))

        try:
            obs = await self.backend.observe(
                state.url, self.config.observe_options(state.family), on_stage
            )
            result = diagnose(obs)
        except Exception as exc:  # a probe or engine bug: shown in the panes, not a crash
            self.post_message(ObserveFailed(gen, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(ObserveFinished(gen, obs, result))

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def scan_all(self, gen: int) -> None:
        """Every listener on the machine (blocking: a thread; posts the result)."""
        try:
            scan = self.backend.scan_listeners()
        except Exception as exc:
            scan = ListenerScan(error=f"{type(exc).__name__}: {exc}")
        self.post_message(ListenersScanned(gen, scan))

    def on_stage_arrived(self, message: StageArrived) -> None:
        if message.gen != self.generation:
            return
        value = message.value
        if message.name == "resolution" and isinstance(value, Resolution):
            self.resolution_pane.show(value)
        elif message.name == "listeners" and isinstance(value, ListenerScan):
            self.listeners_pane.show_port_scan(value)
        elif message.name == "system" and isinstance(value, SystemFacts):
            self.resolution_pane.show_system(value)

    def on_listeners_scanned(self, message: ListenersScanned) -> None:
        if message.gen == self.generation:
            self.listeners_pane.show_full_scan(message.scan)

    async def on_observe_finished(self, message: ObserveFinished) -> None:
        if message.gen != self.generation:
            return
        self.observation = message.observation
        self.diagnosis = message.diagnosis
        self.diagnosis_generation = message.gen
        self.diagnosed_state = self._observing
        obs = message.observation
        res = self.resolution_pane
        if res.resolution is None:
            res.show(obs.resolution)
        res.show_system(obs.system)
        self.listeners_pane.busy(False)
        last = self.undo.last
        before = last.before_diagnosis if last is not None else None
        await self.diagnosis_pane.show(
            message.diagnosis, before, before_after(last, message.diagnosis)
        )
        self._show_status()
        self.scan_all(message.gen)

    def on_observe_failed(self, message: ObserveFailed) -> None:
        if message.gen != self.generation:
            return
        self.diagnosis_generation = message.gen
        if self.resolution_pane.resolution is None:
            self.resolution_pane.fail("observation failed", message.error)
        if self.listeners_pane.is_busy:
            self.listeners_pane.fail("observation failed", message.error)
        self.diagnosis_pane.fail("observation failed", message.error)
        self._show_status()
        self.scan_all(message.gen)

    # ------------------------------------------------------------------ demo server
    @work(exclusive=True, group="server", exit_on_error=False)
    async def start_server(self) -> None:
        """Start the embedded demo server on the URL's port, then observe and connect."""
        bind = self.config.demo_server or "127.0.0.1"
        config = ServerConfig(host=bind, port=self.state.url.port, path=None)
        server = self.backend.server(config, lambda _line: None)
        try:
            listeners = await server.start()
        except WsxError as exc:
            self.server_error = str(exc)
            self.post_message(ServerChanged((), str(exc)))
        else:
            self.server = server
            self.state = replace(self.state, server_host=bind, server_mode=BindMode.DEFAULT.value)
            self.post_message(ServerChanged(listeners))
        self.refresh_all()
        if self.session_wanted:
            self.connect_session()

    @work(exclusive=True, group="server", exit_on_error=False)
    async def rebind_server(self, host: str, mode: BindMode, undoing: bool = False) -> None:
        """Rebind the demo server, then re-run and reconnect; a failure is undone and shown."""
        server = self.server
        if server is None:
            return
        try:
            listeners = await server.rebind(host=host, mode=mode)
        except WsxError as exc:
            if not undoing:
                self.undo.pop()
            self.post_message(ServerChanged(server.listeners, str(exc)))
            self.notify(clean(exc), title="rebind failed", severity="error", markup=False)
            return
        self.state = replace(self.state, server_host=host, server_mode=mode.value)
        self.post_message(ServerChanged(listeners))
        self._rerun()

    def on_server_changed(self, message: ServerChanged) -> None:
        self.listeners_pane.show_server(message.listeners, message.error, self.config.demo_server)
        self._show_banner()

    # ------------------------------------------------------------------ live session
    def _rerun(self) -> None:
        """The state changed: show it in the inputs, observe it, reconnect if wanted."""
        self._sync_inputs()
        self.refresh_all()
        self.reconnect_if_wanted()

    def reconnect_if_wanted(self) -> None:
        if self.session_wanted:
            self.connect_session()

    async def _close_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close()

    @work(exclusive=True, group="session", exit_on_error=False)
    async def connect_session(self) -> None:
        """(Re)connect the live session to the current URL with the current family."""
        await self._close_session()
        self.session_id += 1
        sid = self.session_id
        state = self.state
        pane = self.session_pane
        fam = "" if state.family is FamilyChoice.AUTO else f", IPv{state.family} only"
        pane.reset(f"{state.url.redacted()}{fam}")

        def emit(event: SessionEvent) -> None:
            # Runs in the app's loop (the session is driven by this async worker).
            if event.kind is SessionEventKind.MESSAGE:
                if self._messages.add(sid, event):
                    self.set_timer(FLUSH_SECONDS, self.flush_messages)
                return
            self.flush_messages()  # keep the log in order
            self.post_message(SessionEventArrived(sid, event))

        addresses, error = await self.backend.addresses(state.url, self.config.overrides)
        chosen = select_family(addresses, state.family)
        if error and not addresses:
            emit(SessionEvent(SessionEventKind.ERROR, 0.0, text=f"{state.url.host}: {error}"))
        elif addresses and not chosen:
            emit(
                SessionEvent(
                    SessionEventKind.ERROR,
                    0.0,
                    text=f"{state.url.host} has no IPv{state.family} address "
                    f"(it resolves to {', '.join(a.address for a in addresses)})",
                )
            )
        session = self.backend.session(
            state.url,
            chosen,
            emit,
            timeout=self.config.timeout,
            headers=self.config.headers,
            subprotocols=self.config.subprotocols,
            origin=self.config.origin,
        )
        self.session = session
        await session.connect()

    @work(exclusive=True, group="session", exit_on_error=False)
    async def disconnect_session(self) -> None:
        await self._close_session()

    @work(group="send", exit_on_error=False)
    async def send_text(self, text: str) -> None:
        session = self.session
        if session is None:
            self.post_message(
                SessionEventArrived(
                    self.session_id,
                    SessionEvent(SessionEventKind.ERROR, 0.0, text="not connected: press c"),
                )
            )
            return
        await session.send(text)

    @work(exclusive=True, group="ping", exit_on_error=False)
    async def ping_session(self) -> None:
        session = self.session
        if session is None:
            self.notify("not connected: press c to connect", severity="warning")
            return
        await session.ping()

    def flush_messages(self) -> None:
        """Write the buffered messages of the current session (bounded work per call)."""
        batch = self._messages
        events, dropped = batch.take()
        if batch.session_id != self.session_id or not (events or dropped):
            return
        self.session_pane.add_messages(
            events, dropped, batch.received, batch.sent, _stamp(self.clock())
        )

    def on_session_event_arrived(self, message: SessionEventArrived) -> None:
        stamp = _stamp(self.clock())
        if message.session_id == self.session_id:
            self.session_pane.add_event(message.event, stamp)
        elif message.event.kind is SessionEventKind.CLOSE:
            # The session a reconnect replaced: its close belongs in the log, not the state.
            self.session_pane.log_close(message.event, stamp)

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
        text = event.value
        if not text:
            return
        event.input.value = ""
        self.send_text(text)

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
        from .help import HelpScreen  # Markdown costs ~40 ms to import: load on first use

        self.app.push_screen(HelpScreen())

    def action_connect(self) -> None:
        self.session_wanted = True
        self.connect_session()

    def action_disconnect(self) -> None:
        self.session_wanted = False
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

    def try_fix(self, key: str) -> None:
        """Apply the change of the diagnosis's fix on ``key``, or say why nothing changes."""
        current = self.diagnosis is not None and self.diagnosed_state == self.state
        fix = fix_for_key(self.diagnosis, key) if current else None
        why = refusal(fix, key) if current else NOT_CURRENT
        if fix is None or fix.change is None or why is not None:
            self.notify(clean(why or NOT_CURRENT), severity="warning", markup=False)
            return
        change = fix.change
        if change.server_bind is not None and self.server is None:
            self.diagnosis_pane.show_detail(fix.id)
            self.notify(
                "no embedded demo server to rebind: the change to make is shown in the "
                "Diagnosis pane",
                severity="information",
            )
            return
        self.undo.push(FixRecord(fix.id, fix.title, self.state, self.diagnosis))
        self.session_wanted = True
        if change.note:
            self.notify(clean(change.note), markup=False)
        self.state = applied(self.state, change)
        self.topbar.show_url_error(None)
        if change.server_bind is not None:
            host, mode = change.server_bind
            self._sync_inputs()
            self.rebind_server(host, BindMode(mode))
        else:
            self._rerun()

    def action_undo(self) -> None:
        """``u``: restore the state before the last fix."""
        record = self.undo.pop()
        if record is None:
            self.notify("nothing to undo", severity="warning")
            return
        before = record.before
        rebind = self.server is not None and (
            (before.server_host, before.server_mode)
            != (self.state.server_host, self.state.server_mode)
        )
        self.state = replace(
            before, server_host=self.state.server_host, server_mode=self.state.server_mode
        )
        self.notify(clean(f"undid: {record.title}"), markup=False)
        if rebind and before.server_host is not None:
            self._sync_inputs()
            self.rebind_server(
                before.server_host, BindMode(before.server_mode or "default"), undoing=True
            )
        else:
            self._rerun()

    def action_export(self) -> None:
        """``e``: write the report as Markdown to ``config.export_dir``."""
        if self.diagnosis is None:
            self.notify("nothing to export yet: the diagnosis is still running", severity="warning")
            return
        from ...report import diagnosis_markdown

        text = diagnosis_markdown(self.diagnosis)
        self.write_report(text, self.config.export_dir, report_filename(self.clock()))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write_report(self, text: str, directory: Path, name: str) -> None:
        """Write without overwriting (``-2``, ``-3`` … if the name exists)."""
        path = directory / name
        n = 1
        while True:
            try:
                with path.open("x", encoding="utf-8") as fh:
                    fh.write(text)
            except FileExistsError:
                n += 1
                path = directory / name.replace(".md", f"-{n}.md")
                continue
            except OSError as exc:
                self.post_message(ExportDone(None, f"{directory}: {exc.strerror or exc}"))
                return
            break
        self.post_message(ExportDone(path))

    def on_export_done(self, message: ExportDone) -> None:
        if message.path is not None:
            self.last_export = message.path
            self.notify(clean(f"report written to {message.path}"), title="exported", markup=False)
        else:
            self.notify(
                clean(message.error or "export failed"),
                title="export failed",
                severity="error",
                markup=False,
            )
