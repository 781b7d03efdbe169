"""The frame every pane shares: a titled border, a loading state, and the pane's own error."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from .lines import find_line, hide_line, show_line

__all__ = ["Pane", "error_text"]


def error_text(what: str, error: str) -> Text:
    """``what failed: error`` in the error style."""
    return Text.assemble((f"{what}: ", "bold red"), (error, "red"))


class Pane(Vertical):
    """A titled pane. Subclasses compose their content; ``pane-error`` (mounted the first
    time) shows a failure.

    ``busy`` puts the pane in its loading state until the facts arrive: the title says
    "loading…". (Textual's animated ``loading`` overlay, or toggling a CSS class, restyles
    the pane and made the first screen measurably slower.) ``fail`` shows the error in
    this pane and ends the loading.
    """

    is_busy = False
    _blocks: dict[str, object] | None = None

    BORDER_TITLE = "pane"

    @property
    def error_id(self) -> str:
        """The id of the pane's error line (``.pane-error``, mounted when first shown)."""
        return f"{self.id or 'pane'}-error"

    def busy(self, on: bool = True) -> None:
        """Show (or end) the loading state."""
        if on == self.is_busy:
            return
        self.is_busy = on
        title = type(self).BORDER_TITLE
        self.border_title = f"{title} · loading…" if on else title

    def fail(self, what: str, error: str | None) -> None:
        """Show ``error`` (or clear it with ``None``) and end the loading state."""
        if error is None:
            hide_line(self, self.error_id)  # an update costs the screen a new layout
            return
        text = error_text(what, error)
        if find_line(self, self.error_id) is None:  # the pane's first line
            first = self.children[0] if self.children else None
            self.mount(Static(text, id=self.error_id, classes="pane-error"), before=first)
        else:
            show_line(self, self.error_id, (), text)
        self.busy(False)

    def show_block(
        self, selector: str, key: object, render: Callable[[], RenderableType]
    ) -> Static | None:
        """Update the ``Static`` at ``selector`` with ``render()`` only when what it shows
        (``key``) changed; returns the widget if it was updated.

        An update lays the whole screen out again: during a flood only the Session pane's
        counters change, ten times a second, so a one-line text (``key`` a ``Text`` that
        fits the width, before and after) repaints in place instead (issue 14: the
        flood's loop lag)."""
        blocks = self._blocks if self._blocks is not None else {}
        self._blocks = blocks
        shown = blocks.get(selector)
        if shown == key:
            return None
        blocks[selector] = key
        widget = self.query_one(selector, Static)
        width = widget.content_size.width
        one_line = (
            isinstance(key, Text)
            and isinstance(shown, Text)
            and "\n" not in key.plain
            and 0 < key.cell_len <= width
            and shown.cell_len <= width
        )
        widget.update(render(), layout=not one_line)
        return widget
