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

    ``busy`` puts the pane in its loading state (Textual's loading indicator over the body)
    until the facts arrive; ``fail`` shows the error in this pane and ends the loading.
    """

    BORDER_TITLE = "pane"

    def error_widget(self) -> Static:
        return self.query_one(".pane-error", Static)

    def busy(self, on: bool = True) -> None:
        """Show (or end) the loading state."""
        self.set_class(on, "-busy")
        body = self.query(".pane-body")
        for widget in body:
            widget.loading = on

    def fail(self, what: str, error: str | None) -> None:
        """Show ``error`` (or clear it with ``None``) and end the loading state."""
        widget = self.error_widget()
        if error is None:
            widget.update("")
            widget.display = False
        else:
            widget.update(error_text(what, error))
            widget.display = True
            self.busy(False)
