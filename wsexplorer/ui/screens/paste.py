"""The "paste an error" dialog (``w``): a text area for a line, a stack trace or a log."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea

from ...diagnosis.why import MAX_TEXT

__all__ = ["PasteScreen"]


class PasteScreen(ModalScreen[str | None]):
    """Returns the pasted text (``ctrl+s`` or Explain), or ``None`` (``escape``, Cancel)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "explain", "Explain"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="paste-box"):
            yield Label(
                "Paste a client's error: a line, a stack trace or a log "
                "(ctrl+s explains, escape cancels)"
            )
            yield TextArea(id="paste-text", soft_wrap=True, show_line_numbers=False)
            with Horizontal(id="paste-buttons"):
                yield Button("Explain", id="paste-explain", variant="primary", compact=True)
                yield Button("Cancel", id="paste-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#paste-text", TextArea).focus()

    @on(Button.Pressed, "#paste-explain")
    def action_explain(self) -> None:
        self.dismiss(self.query_one("#paste-text", TextArea).text[:MAX_TEXT])

    @on(Button.Pressed, "#paste-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
