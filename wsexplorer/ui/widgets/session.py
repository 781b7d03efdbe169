"""The Session pane: a live WebSocket connection, address by address, then the conversation.

Shows each TCP try as it happens (address, start offset, how it ended, how long), the
handshake (status, headers, subprotocol; 401/403 explained), a bounded message log with
timestamps and direction, ping round trips and the close code and reason, and a line
to send text or JSON.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from ...model import (
    Attempt,
    AttemptOutcome,
    Direction,
    Handshake,
    HandshakeOutcome,
    SessionEvent,
    SessionEventKind,
    SessionState,
    WebSocketURL,
)
from ...model.secrets import mask_header
from ...model.untrusted import clean
from ...presentation import handshake_view
from ...presentation.style import to_text
from ..json_view import json_view
from .history_input import HistoryInput
from .lines import find_child
from .message_log import LogEntry, MessageLog
from .pane import Pane
from .search_input import SearchInput

__all__ = ["LOG_LINES", "SessionPane", "render_handshake", "render_tries"]

LOG_LINES = 1000
"""The message log keeps this many lines (older ones scroll away for good)."""

_STATE_STYLE = {
    SessionState.IDLE: ("○ idle", "dim"),
    SessionState.CONNECTING: ("◌ connecting…", "yellow"),
    SessionState.OPEN: ("● open", "bold green"),
    SessionState.CLOSING: ("◌ closing…", "yellow"),
    SessionState.CLOSED: ("○ closed", "dim"),
    SessionState.FAILED: ("✗ failed", "bold red"),
}

_SHOWN_HEADERS = (
    "server",
    "sec-websocket-protocol",
    "www-authenticate",
    "location",
    "content-type",
)
"""Response headers worth a line (the upgrade boilerplate is left out)."""


def _try_line(a: Attempt) -> tuple[Text, Text, Text, Text, Text]:
    ok = a.outcome is AttemptOutcome.CONNECTED
    mark = Text("✓" if ok else "✗", style="green" if ok else "red")
    addr = Text(clean(a.address), style="bold magenta" if ":" in a.address else "bold cyan")
    start = Text(f"+{a.started_ms:.1f} ms", style="dim")
    how = Text(a.outcome.value, style="green" if ok else "red")
    if a.error and a.outcome not in (AttemptOutcome.CONNECTED, AttemptOutcome.REFUSED):
        how.append(f" ({clean(a.error)})", style="dim")
    took = Text(f"{a.elapsed_ms:.1f} ms", style="dim")
    return mark, addr, start, took, how


def render_tries(tries: list[Attempt], note: str | None = None) -> RenderableType:
    """The per-address timeline of one connect."""
    if not tries:
        return Text(clean(note or "no address tried yet"), style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(ratio=1)
    for a in tries:
        grid.add_row(*_try_line(a))
    return grid


def render_handshake(
    hs: Handshake | None, url: WebSocketURL | None = None, sent: str | None = None
) -> RenderableType:
    """Status, subprotocol, the interesting headers, the refusing answer's body; what to
    try (``url``, the URL asked for, makes it concrete: a 404's path, ``wss://``); the
    request's extra headers (``sent``, masked: ``presentation.request_summary``)."""
    request = Text(f"  {clean(sent)}", style="dim") if sent else None
    if hs is None or hs.outcome is HandshakeOutcome.NOT_ATTEMPTED:
        what = "not yet" if hs is None else "not attempted (no address connected)"
        head = Text(f"handshake: {what}", style="dim" if hs is None else "red")
        return head if request is None else Group(head, request)
    view = handshake_view(hs, url)
    line = Text.assemble(("handshake: ", "bold"), to_text(view.what, style="bold"))
    if view.ok:
        line.append(f" via {clean(view.address)}")
        line.append(f"  {hs.elapsed_ms:.1f} ms", style="dim")
        sub = clean(view.subprotocol) if view.subprotocol else None
        line.append(f"  subprotocol {sub}" if sub else "  no subprotocol")
    elif view.address is not None:
        line.append(f" from {clean(view.address)}")
    parts: list[RenderableType] = [line] if request is None else [line, request]
    if view.advice:
        parts.append(Text(f"  → {clean(view.advice)}", style="yellow"))
    if view.body is not None:
        parts.append(Text.assemble("  body: ", (clean(view.body), "bold")))
    shown = [(k, v) for k, v in hs.headers if k.lower() in _SHOWN_HEADERS]
    if shown:
        parts.append(
            Text(
                "  " + " · ".join(clean(f"{k}: {mask_header(k, v)}") for k, v in shown),
                style="dim",
            )
        )
    return Group(*parts)


class SessionPane(Pane):
    """The live session: controls, tries, handshake, messages and the send line."""

    BORDER_TITLE = "Session"

    def __init__(self, *, cursor_blink: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._blink = cursor_blink
        self.state = SessionState.IDLE
        self.tries: list[Attempt] = []
        self.handshake: Handshake | None = None
        self.url: WebSocketURL | None = None
        self.rtt_ms: float | None = None
        self.close_info: tuple[int, str] | None = None
        self.note: str | None = None
        self.received = 0
        self.sent = 0
        self.reconnect: str | None = None
        """Auto-reconnect's state (``None``: off)."""
        self.request: str | None = None
        """What the handshake request carries besides the upgrade (masked, one line)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="session-state")
        with Horizontal(id="session-controls"):
            yield Button("c connect", id="session-connect", compact=True, variant="primary")
            yield Button("x close", id="session-disconnect", compact=True)
            yield Button("p ping", id="session-ping", compact=True)
        yield Static("", id="session-tries")
        yield Static("", id="session-handshake")
        yield MessageLog(id="session-log", max_lines=LOG_LINES)
        yield self._field(
            HistoryInput(
                placeholder="text or JSON to send; Enter sends", id="session-send", compact=True
            )
        )

    def _field(self, field: Input) -> Input:
        field.cursor_blink = self._blink
        return field

    def on_mount(self) -> None:
        self._render_status()

    @property
    def log_widget(self) -> MessageLog:
        return self.query_one("#session-log", MessageLog)

    # ------------------------------------------------------------------ search
    def _search_bar(self) -> Horizontal | None:
        """The search field and its count, once the search has been opened."""
        return find_child(self, "session-search-bar", Horizontal)

    def _mount_search_bar(self) -> Horizontal:
        """Mount the search bar above the log (the first time the search opens: a hidden
        field cost every start-up its mount and styling, issue 14)."""
        bar = Horizontal(id="session-search-bar")
        self.mount(bar, before=self.log_widget)
        field = SearchInput(
            placeholder="search the log: Enter next, shift+Enter/↑ previous, Esc closes",
            id="session-search",
            compact=True,
        )
        bar.mount(self._field(field), Static("", id="session-search-count"))
        return bar

    def open_search(self) -> None:
        """Show the search field (with the last query) and focus it."""
        bar = self._search_bar() or self._mount_search_bar()
        bar.display = True
        field = bar.query_one("#session-search", SearchInput)
        self.screen.set_focus(field)
        if field.value != self.log_widget.needle:
            self.log_widget.set_query(field.value)
        self._show_count()

    def close_search(self) -> None:
        """Hide the search field and its marks; the log keeps the focus."""
        bar = self._search_bar()
        if bar is not None:
            bar.display = False
        self.log_widget.set_query("")
        self.screen.set_focus(self.log_widget)

    @on(Input.Changed, "#session-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.log_widget.set_query(event.value)

    @on(Input.Submitted, "#session-search")
    def _search_next(self, event: Input.Submitted) -> None:
        event.stop()
        self.log_widget.step(1)

    @on(SearchInput.Step)
    def _search_step(self, event: SearchInput.Step) -> None:
        self.log_widget.step(event.step)

    @on(SearchInput.Closed)
    @on(MessageLog.SearchDone)
    def _search_closed(self) -> None:
        self.close_search()

    @on(MessageLog.SearchAsked)
    def _search_asked(self) -> None:
        self.open_search()

    @on(MessageLog.MatchesChanged)
    def _show_count(self) -> None:
        log = self.log_widget
        label = log.count_label() if log.needle else ""
        bar = self._search_bar()
        if bar is not None:
            bar.query_one("#session-search-count", Static).update(label)

    def reset(self, target: str, url: WebSocketURL | None = None, sent: str | None = None) -> None:
        """A new connect began (to ``url``, sending ``sent``): clear the timeline (the
        message log is kept)."""
        self.url = url
        self.request = sent
        self.state = SessionState.CONNECTING
        self.tries = []
        self.handshake = None
        self.rtt_ms = None
        self.close_info = None
        self.note = None
        self.border_subtitle = clean(target)
        self.fail("session", None)
        self._render_status()

    def add_event(self, event: SessionEvent, stamp: str) -> None:
        """Apply one session event; ``stamp`` is the wall-clock time to show in the log."""
        log = self.log_widget
        kind = event.kind
        if kind is SessionEventKind.STATE and event.state is not None:
            self.state = event.state
            if event.state is SessionState.OPEN and self.handshake is not None:
                where = f"{self.border_subtitle} via {clean(self.handshake.address)}"
                log.add(Text(f"{stamp} open: {where}", style="green"))
            elif event.state is SessionState.FAILED:
                log.add(Text(f"{stamp} failed: {self._failure()}", style="red"))
        elif kind is SessionEventKind.ATTEMPT and event.attempt is not None:
            self.tries.append(event.attempt)
        elif kind is SessionEventKind.HANDSHAKE:
            self.handshake = event.handshake
        elif kind is SessionEventKind.MESSAGE:
            if event.direction is Direction.OUT:
                self.sent += 1
            else:
                self.received += 1
            self._write_message(event, stamp)
        elif kind is SessionEventKind.PING and event.rtt_ms is not None:
            self.rtt_ms = event.rtt_ms
            log.add(Text(f"{stamp} ping round trip {event.rtt_ms:.2f} ms", style="dim"))
        elif kind is SessionEventKind.CLOSE:
            self.close_info = (event.code or 0, event.text)
            self.log_close(event, stamp)
        elif kind is SessionEventKind.ERROR:
            self.note = event.text
            log.add(Text(f"{stamp} error: {clean(event.text)}", style="red"))
        self._render_status()

    def add_messages(
        self, events: list[SessionEvent], dropped: int, received: int, sent: int, stamp: str
    ) -> None:
        """Apply one batch of message events (see ``state.MessageBatch``).

        ``received`` / ``sent`` are the session's exact totals; ``dropped`` messages arrived
        too fast to show and are counted in one line instead.
        """
        if dropped:
            self.log_widget.add(
                Text(
                    f"{stamp} … {dropped:,} more messages not shown (arriving too fast)",
                    style="dim yellow",
                )
            )
        for event in events:
            self._write_message(event, stamp)
        self.received, self.sent = received, sent
        self._render_status()

    def _write_message(self, event: SessionEvent, stamp: str) -> None:
        out = event.direction is Direction.OUT
        arrow = "→" if out else "←"
        head = Text.assemble(
            (f"{stamp} ", "dim"), (f"{arrow} ", "bold cyan" if out else "bold green")
        )
        view = None if event.binary else json_view(event.text)
        if view is None:
            binary = f" (binary, {event.size} bytes)" if event.binary else ""
            full = head + Text(clean(event.text, keep_newlines=True)) + Text(binary, style="dim")
            self.log_widget.add(LogEntry(full, event=event, head=len(stamp)))
            return
        tag = Text(" (json)", style="dim")
        pretty = view.pretty.replace("\n", "\n" + " " * head.cell_len)
        one_line = clean(event.text.strip()) if view.inline else f"▸ {view.summary}"
        entry = LogEntry(
            head + Text(pretty) + tag,
            event=event,
            short=head + Text(one_line) + tag,
            inline=view.inline,
            expanded=not (view.inline or view.long),
            head=len(stamp),
        )
        self.log_widget.add(entry)

    def remember(self, line: str) -> None:
        """Keep a sent line for ↑/↓ in the send field."""
        self.query_one("#session-send", HistoryInput).remember(line)

    def show_reconnect(self, text: str | None) -> None:
        """Show auto-reconnect's state in the status line (``None``: it is off)."""
        self.reconnect = text
        if self.is_mounted:
            self._render_status()

    def log_close(self, event: SessionEvent, stamp: str) -> None:
        """Write a close (code and reason) to the log."""
        reason = f" {clean(event.text)}" if event.text else ""
        self.log_widget.add(Text(f"{stamp} closed: code {event.code}{reason}", style="yellow"))

    def _failure(self) -> str:
        hs = self.handshake
        if hs is not None and hs.outcome is HandshakeOutcome.HTTP_STATUS:
            return f"HTTP {hs.status}"
        if hs is not None and hs.outcome is HandshakeOutcome.REDIRECT:
            return f"redirect {hs.redirect_clause()} (not followed)"
        if hs is not None and hs.outcome is not HandshakeOutcome.NOT_ATTEMPTED:
            return f"handshake {hs.outcome.value}"
        if self.tries:
            return "; ".join(f"{clean(a.address)} {a.outcome.value}" for a in self.tries)
        return clean(self.note or "no address to try")

    def _render_status(self) -> None:
        word, style = _STATE_STYLE.get(self.state, (self.state.value, ""))
        status = Text(word, style=style)
        if self.state is SessionState.OPEN and self.handshake is not None:
            status.append(f" via {clean(self.handshake.address)}")
        if self.rtt_ms is not None:
            status.append(f"  ping {self.rtt_ms:.2f} ms", style="cyan")
        if self.close_info is not None:
            code, reason = self.close_info
            shown = f"  close {code}" + (f" {clean(reason)}" if reason else "")
            status.append(shown, style="yellow")
        status.append(f"  ↑{self.sent} ↓{self.received}", style="dim")
        if self.reconnect is not None:
            status.append(f"  ⟳ {self.reconnect}", style="magenta")
        self.show_block("#session-state", status, lambda: status)
        tries = self.show_block(
            "#session-tries",
            (tuple(self.tries), self.note),
            lambda: render_tries(self.tries, self.note),
        )
        block = self.show_block(
            "#session-handshake",
            (self.handshake, self.url, self.request),
            lambda: render_handshake(self.handshake, self.url, self.request),
        )
        # Textual 8 keeps a widget's cached box while an earlier layout request is pending,
        # so a second update in one frame could leave these blocks one line high for good:
        # ask again once that request has been handled.
        for widget in (tries, block):
            if widget is not None:
                self.call_after_refresh(widget.refresh, layout=True)
        self.query_one("#session-disconnect", Button).disabled = self.state not in (
            SessionState.OPEN,
            SessionState.CONNECTING,
        )
        self.query_one("#session-ping", Button).disabled = self.state is not SessionState.OPEN
        self.query_one("#session-connect", Button).label = (
            "c reconnect" if self.state is not SessionState.IDLE else "c connect"
        )
