"""The frame every pane shares: a titled border, a loading state, and the pane's own error."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

__all__ = ["Pane", "error_text"]


def error_text(what: str, error: str) -> Text:
    """``what failed: error`` in the error style."""
    return Text.assemble((f"{what}: ", "bold red"), (error, "red"))


class Pane(Vertical):
    """A titled pane. Subclasses compose their content; ``pane-error`` shows a failure.

    ``busy`` puts the pane in its loading state until the facts arrive: the title says
    "loading…". (Textual's animated ``loading`` overlay, or toggling a CSS class, restyles
    the pane and made the first screen measurably slower.) ``fail`` shows the error in
    this pane and ends the loading.
    """

    is_busy = False

    BORDER_TITLE = "pane"

    def error_widget(self) -> Static:
        return self.query_one(".pane-error", Static)

    def busy(self, on: bool = True) -> None:
        """Show (or end) the loading state."""
        if on == self.is_busy:
            return
        self.is_busy = on
        title = type(self).BORDER_TITLE
        self.border_title = f"{title} · loading…" if on else title

    def fail(self, what: str, error: str | None) -> None:
        """Show ``error`` (or clear it with ``None``) and end the loading state."""
        widget = self.error_widget()
        if error is None:
            if widget.display:  # an update costs the screen a new layout: only if shown
                widget.update("")
                widget.display = False
        else:
            widget.update(error_text(what, error))
            widget.display = True
            self.busy(False)
