"""The live session's messages as JSON Lines (``s`` writes them; pure: no Textual, no I/O).

One object a line, oldest first: ``{"time": ISO 8601, "session": N, "direction": "in" |
"out", "type": "text" | "binary", "text": ..., "size": bytes or characters}``; a close is
``{"time": ..., "session": N, "type": "close", "code": 1000, "reason": ...}``. Each session
starts with ``{"time": ..., "session": N, "type": "open", "url": ..., "sent": [...]}``: the
URL (its password hidden) and the headers the request carried besides the upgrade's own,
as ``Name: value`` with credentials masked (:func:`~wsexplorer.presentation.request.request_lines`).
Text is as the session keeps it (the first 4,096 characters; binary as hex, the first 64
bytes). The record is bounded (:data:`SESSION_LOG_CAP` entries, the newest kept).
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import NamedTuple

from ..model import Direction, SessionEvent, SessionEventKind

__all__ = ["SESSION_LOG_CAP", "SessionOpened", "SessionRecord", "session_log_name"]

SESSION_LOG_CAP = 10_000


def session_log_name(now: datetime) -> str:
    """``wsexplorer-session-YYYYmmdd-HHMMSS.jsonl``."""
    return f"wsexplorer-session-{now:%Y%m%d-%H%M%S}.jsonl"


class SessionOpened(NamedTuple):
    """A session's start: where it went and what its request carried."""

    url: str
    sent: tuple[str, ...]


class SessionRecord:
    """The newest :data:`SESSION_LOG_CAP` session starts, messages and closes, with their
    wall-clock time."""

    def __init__(self, cap: int = SESSION_LOG_CAP) -> None:
        self._items: deque[tuple[datetime, int, SessionEvent | SessionOpened]] = deque(maxlen=cap)
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._items)

    def opened(self, when: datetime, session_id: int, url: str, sent: list[str]) -> None:
        """Session ``session_id`` starts: ``url`` redacted, ``sent`` already masked."""
        self._keep(when, session_id, SessionOpened(url, tuple(sent)))

    def add(self, when: datetime, session_id: int, event: SessionEvent) -> None:
        if event.kind in (SessionEventKind.MESSAGE, SessionEventKind.CLOSE):
            self._keep(when, session_id, event)

    def _keep(self, when: datetime, session_id: int, item: SessionEvent | SessionOpened) -> None:
        if len(self._items) == self._items.maxlen:
            self.dropped += 1
        self._items.append((when, session_id, item))

    def last_received(self) -> SessionEvent | None:
        """The newest message received, if any (``y`` copies it)."""
        for _when, _sid, event in reversed(self._items):
            if (
                isinstance(event, SessionEvent)
                and event.kind is SessionEventKind.MESSAGE
                and event.direction is Direction.IN
            ):
                return event
        return None

    def jsonl(self) -> str:
        """Every kept entry, one JSON object a line (JSON escapes control characters)."""
        lines = []
        import json  # on export only, not at start-up

        for when, sid, event in self._items:
            item: dict[str, object] = {"time": when.isoformat(), "session": sid}
            if isinstance(event, SessionOpened):
                item.update(type="open", url=event.url, sent=list(event.sent))
            elif event.kind is SessionEventKind.CLOSE:
                item.update(type="close", code=event.code, reason=event.text)
            else:
                item.update(
                    direction=event.direction.value if event.direction else None,
                    type="binary" if event.binary else "text",
                    text=event.text,
                    size=event.size,
                )
            lines.append(json.dumps(item, ensure_ascii=False))
        return "".join(line + "\n" for line in lines)
