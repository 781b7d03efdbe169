"""The session log's search field: Enter or ↓ for the next match, shift+Enter or ↑ for
the previous one, escape closes it (the pane does the searching)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

__all__ = ["SearchInput"]


class SearchInput(Input):
    """``Input`` that asks for the next or previous match and for closing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("shift+enter,up", "step(-1)", "Previous match", show=False),
        Binding("down", "step(1)", "Next match", show=False),
        Binding("escape", "close", "Close search", show=False),
    ]

    class Step(Message):
        """Move to the next (``1``) or previous (``-1``) match."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class Closed(Message):
        """Escape: hide the field and the marks."""

    def action_step(self, step: int) -> None:
        self.post_message(self.Step(step))

    def action_close(self) -> None:
        self.post_message(self.Closed())
