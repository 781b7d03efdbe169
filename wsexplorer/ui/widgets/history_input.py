"""An Input with a shell-like history: ↑ recalls the previous line sent, ↓ the next.

The history is bounded (:data:`HISTORY_LINES`); a line equal to the last one is kept once.
What was being typed before ↑ comes back after the newest line.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

__all__ = ["HISTORY_LINES", "HistoryInput"]

HISTORY_LINES = 100


class HistoryInput(Input):
    """``Input`` plus ↑/↓ through the lines :meth:`remember` was given."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.history: deque[str] = deque(maxlen=HISTORY_LINES)
        self._at: int | None = None  # index into history while browsing
        self._draft = ""

    def remember(self, line: str) -> None:
        """Add a sent line (the newest) and stop browsing."""
        if not self.history or self.history[-1] != line:
            self.history.append(line)
        self._at = None
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._at is None:
            if step > 0:
                return
            self._draft = self.value
            at = len(self.history) - 1
        else:
            at = self._at + step
        if at >= len(self.history):
            self._at = None
            self.value = self._draft
        else:
            self._at = max(at, 0)
            self.value = self.history[self._at]
        self.cursor_position = len(self.value)
