"""The app's changeable state (URL, family, demo server bind) and the stack of tried fixes.

Pure: no Textual, no I/O. A fix pushes the state it replaced; ``u`` pops it back.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..model import (
    BindMode,
    Diagnosis,
    Direction,
    FamilyChoice,
    SessionEvent,
    WebSocketURL,
)
from ..presentation.facts import tally

__all__ = [
    "FixRecord",
    "LiveState",
    "MessageBatch",
    "UndoStack",
    "before_after",
    "tally",
]


@dataclass(frozen=True, slots=True)
class LiveState:
    """What a fix changes.

    Attributes:
        url: the URL being explained.
        family: every family or one forced (the live session and the trace use it).
        server_host, server_mode: the embedded demo server's bind (``None`` without one).
    """

    url: WebSocketURL
    family: FamilyChoice = FamilyChoice.AUTO
    server_host: str | None = None
    server_mode: BindMode | None = None


@dataclass(frozen=True, slots=True)
class FixRecord:
    """One tried fix: which, the state before it, and the diagnosis before it."""

    fix_id: str
    title: str
    before: LiveState
    before_diagnosis: Diagnosis | None


@dataclass(slots=True)
class UndoStack:
    """Fixes tried, newest last."""

    records: list[FixRecord] = field(default_factory=list)

    def push(self, record: FixRecord) -> None:
        self.records.append(record)

    def pop(self) -> FixRecord | None:
        return self.records.pop() if self.records else None

    @property
    def last(self) -> FixRecord | None:
        return self.records[-1] if self.records else None

    def __len__(self) -> int:
        return len(self.records)


def before_after(record: FixRecord | None, now: Diagnosis | None) -> str | None:
    """``before: ✗ 1 of 10 clients fails → now: ✓ all 10 clients connect — fix: use 127.0.0.1``."""
    if record is None or record.before_diagnosis is None or now is None:
        return None
    return f"before: {tally(record.before_diagnosis)} → now: {tally(now)} — fix: {record.title}"


class MessageBatch:
    """Coalesces a flood of message events into bounded batches for the log.

    A server can send tens of thousands of messages a second; writing each to the log
    (and posting a Textual message for each) would freeze the UI and queue memory without
    bound. The session's callback adds messages here (O(1), a bounded deque); the screen
    flushes a batch a few times a second, writing only the newest lines and a count of the
    rest. The in/out counters stay exact.
    """

    def __init__(self, keep: int = 20) -> None:
        self._events: deque[SessionEvent] = deque(maxlen=keep)
        self.session_id = 0
        self.received = 0
        self.sent = 0
        self.dropped = 0

    def add(self, session_id: int, event: SessionEvent) -> bool:
        """Buffer one message event; True when the buffer was empty (schedule a flush)."""
        if session_id != self.session_id:
            self._events.clear()
            self.session_id, self.received, self.sent, self.dropped = session_id, 0, 0, 0
        if len(self._events) == self._events.maxlen:
            self.dropped += 1
        self._events.append(event)
        if event.direction is Direction.OUT:
            self.sent += 1
        else:
            self.received += 1
        return len(self._events) == 1

    def take(self) -> tuple[list[SessionEvent], int]:
        """The buffered events (oldest first) and how many older ones were not kept."""
        events, dropped = list(self._events), self.dropped
        self._events.clear()
        self.dropped = 0
        return events, dropped
