"""The live session: connect, send, ping and close, and the log of its events.

The session runs in the screen's event loop, driven by exclusive async workers. Each
(re)connect gets a new session id; events of a replaced session are logged, never shown
as the current state. A flood of messages is coalesced into bounded batches.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from textual import work

from ...model import FamilyChoice, SessionEvent, SessionEventKind
from ...presentation.request import request_lines, request_summary
from ..messages import SessionEventArrived
from .base import ScreenBase

__all__ = ["FLUSH_SECONDS", "SessionPart"]

FLUSH_SECONDS = 0.1
"""How often a flood of messages is written to the log (bounded lines per flush)."""


def _stamp(now: datetime) -> str:
    return f"{now:%H:%M:%S}.{now.microsecond // 1000:03d}"


class SessionPart(ScreenBase):
    """The live WebSocket session of the current URL and family."""

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
        options = self.config.observe_options(state.family)
        pane.reset(f"{state.url.redacted()}{fam}", state.url, request_summary(options))
        self.session_record.opened(self.clock(), sid, state.url.redacted(), request_lines(options))

        def emit(event: SessionEvent) -> None:
            # Runs in the app's loop (the session is driven by this async worker).
            self.session_record.add(self.clock(), sid, event)
            if event.kind is SessionEventKind.MESSAGE:
                if self._messages.add(sid, event):
                    self.set_timer(FLUSH_SECONDS, self.flush_messages)
                return
            self.flush_messages()  # keep the log in order
            self.post_message(SessionEventArrived(sid, event))

        session = await self.backend.open_session(state.url, options, emit)
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

    @work(group="send", exit_on_error=False)
    async def send_binary(self, data: bytes) -> None:
        session = self.session
        if session is None:
            self.say_error("not connected: press c")
            return
        await session.send_binary(data)

    @work(exclusive=True, group="session", exit_on_error=False)
    async def close_with(self, code: int, reason: str) -> None:
        """Close the live session with ``code`` and ``reason`` (``/close`` in the send line)."""
        session, self.session = self.session, None
        if session is None:
            self.say_error("not connected: nothing to close")
            return
        with contextlib.suppress(Exception):
            await session.close(code, reason)

    def send_line(self, line: str) -> None:
        """Carry out one send-line text: a message, binary, a close or an error line."""
        from ..send_line import SendBinary, SendClose, SendText, parse_line  # on first use

        asked = parse_line(line)
        if isinstance(asked, SendText):
            self.send_text(asked.text)
        elif isinstance(asked, SendBinary):
            self.send_binary(asked.data)
        elif isinstance(asked, SendClose):
            self.session_wanted = False  # the user closed it: no refresh, no reconnect
            self.close_with(asked.code, asked.reason)
        else:
            self.say_error(asked.text)

    def say_error(self, text: str) -> None:
        """One error line in the session log (bad input in the send line, not connected)."""
        self.post_message(
            SessionEventArrived(
                self.session_id, SessionEvent(SessionEventKind.ERROR, 0.0, text=text)
            )
        )

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
