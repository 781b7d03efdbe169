"""One entry of the session's message log (``widgets/message_log.py``): its texts, its
folded form for search, and where its lines are."""

from __future__ import annotations

from rich.text import Text

from ..model import SessionEvent
from .log_search import fold

__all__ = ["LogEntry"]


class LogEntry:
    """One entry of the log and where its lines are."""

    __slots__ = (
        "_folded",
        "event",
        "expanded",
        "full",
        "head",
        "height",
        "hits",
        "inline",
        "short",
        "stale",
        "start",
    )

    def __init__(
        self,
        full: Text,
        *,
        event: SessionEvent | None = None,
        short: Text | None = None,
        inline: bool = False,
        expanded: bool = True,
        head: int = 0,
    ) -> None:
        self.full = full
        self.short = short
        self.inline = inline
        self.expanded = expanded
        self.event = event
        self.head = head
        """Cells of the time stamp (marked when the entry is selected)."""
        self.start = 0
        self.height = 0
        self.hits: list[int] = []
        self.stale = False
        """Its marks changed (not its layout): drawn again when next shown."""
        self._folded: dict[bool, str] = {}

    @property
    def folds(self) -> bool:
        return self.short is not None

    def searched(self) -> tuple[Text, str]:
        """The text search reads (what is shown; a summary's indented form) and its fold."""
        one_line = self.short is not None and self.inline and not self.expanded
        text = self.short if one_line and self.short is not None else self.full
        if one_line not in self._folded:
            self._folded[one_line] = fold(text.plain)
        return text, self._folded[one_line]
