"""The live session's messages as JSON Lines (``s`` writes them; pure: no Textual, no I/O).

One object a line, oldest first: ``{"time": ISO 8601, "session": N, "direction": "in" |
"out", "type": "text" | "binary", "text": ..., "size": bytes or characters}``; a close is
``{"time": ..., "session": N, "type": "close", "code": 1000, "reason": ...}``. Text is as
the session keeps it (the first 4,096 characters; binary as hex, the first 64 bytes).
The record is bounded (:data:`SESSION_LOG_CAP` entries, the newest kept).
"""

from __future__ import annotations

from collections import deque
from datetime import datetime

from ..model import Direction, SessionEvent, SessionEventKind

__all__ = ["SESSION_LOG_CAP", "SessionRecord", "session_log_name"]

SESSION_LOG_CAP = 10_000


def session_log_name(now: datetime) -> str:
    """``wsexplorer-session-YYYYmmdd-HHMMSS.jsonl``."""
    return f"wsexplorer-session-{now:%Y%m%d-%H%M%S}.jsonl"


class SessionRecord:
    """The newest :data:`SESSION_LOG_CAP` messages and closes, with their wall-clock time."""

    def __init__(self, cap: int = SESSION_LOG_CAP) -> None:
        self._items: deque[tuple[datetime, int, SessionEvent]] = deque(maxlen=cap)
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._items)

    def add(self, when: datetime, session_id: int, event: SessionEvent) -> None:
        if event.kind not in (SessionEventKind.MESSAGE, SessionEventKind.CLOSE):
            return
        if len(self._items) == self._items.maxlen:
            self.dropped += 1
        self._items.append((when, session_id, event))

    def last_received(self) -> SessionEvent | None:
        """The newest message received, if any (``y`` copies it)."""
        for _when, _sid, event in reversed(self._items):
            if event.kind is SessionEventKind.MESSAGE and event.direction is Direction.IN:
                return event
        return None

    def jsonl(self) -> str:
        """Every kept entry, one JSON object a line (JSON escapes control characters)."""
        lines = []
        import json  # on export only, not at start-up

        for when, sid, event in self._items:
            item: dict[str, object] = {"time": when.isoformat(), "session": sid}
            if event.kind is SessionEventKind.CLOSE:
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
