"""The connection dialog (``h``): the handshake's extra headers, subprotocols and Origin.

What ``-H``, ``--subprotocol`` and ``--origin`` set on the command line, editable while
the app runs. Headers are one ``Name: value`` per line. Bad input (a line without a
colon, a name HTTP forbids, a control character or a line break in a value) is one
line in the dialog, and the text stays as typed. Applying returns the new values; the
main screen re-runs the diagnosis and reconnects the live session with them.

Secrets are never shown: a credential header's value (``Authorization``, ``Cookie``,
the names :func:`~wsexplorer.model.secrets.is_secret_name` knows) is shown masked
(``Bearer ***``), and a line left as shown keeps the value it stands for.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from ...model.options import ObserveOptions
from ...model.request import (
    InvalidRequestOption,
    parse_header_lines,
    parse_origin,
    parse_subprotocols,
)
from ...model.secrets import mask_header
from ...model.untrusted import clean

__all__ = ["ConnectionEdit", "ConnectionScreen", "shown_headers", "unmask_headers"]


class ConnectionEdit(NamedTuple):
    """What the dialog applies."""

    headers: tuple[tuple[str, str], ...]
    subprotocols: tuple[str, ...]
    origin: str | None


def shown_headers(headers: tuple[tuple[str, str], ...]) -> str:
    """The headers as the dialog shows them: one per line, credentials masked."""
    return "\n".join(f"{name}: {mask_header(name, value)}" for name, value in headers)


def unmask_headers(
    edited: tuple[tuple[str, str], ...], before: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """A header left as shown (its masked value) keeps the value it had; a changed one is
    taken as typed. Headers of one name are matched in order."""
    pending = list(before)
    out: list[tuple[str, str]] = []
    for name, value in edited:
        for i, (old_name, old_value) in enumerate(pending):
            if old_name.lower() == name.lower():
                del pending[i]
                if value == mask_header(old_name, old_value) != old_value:
                    value = old_value
                break
        out.append((name, value))
    return tuple(out)


class ConnectionScreen(ModalScreen[ConnectionEdit | None]):
    """Returns the edited values (``ctrl+s`` or Apply) or ``None`` (``escape``, Cancel)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply"),
    ]

    def __init__(self, options: ObserveOptions) -> None:
        super().__init__()
        self.options = options
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        o = self.options
        with Vertical(id="connection-box"):
            yield Static(
                "Handshake options: ctrl+s applies and reconnects, escape cancels. "
                "Secrets show masked; a masked line left as it is keeps its value.",
                markup=False,
            )
            yield Label("Headers, one 'Name: value' per line (as -H)")
            yield TextArea(
                shown_headers(o.headers),
                id="connection-headers",
                soft_wrap=True,
                show_line_numbers=False,
            )
            yield Label("Subprotocols, comma-separated (as --subprotocol)")
            yield Input(", ".join(o.subprotocols), id="connection-subprotocols", compact=True)
            yield Label("Origin, empty for none (as --origin)")
            yield Input(o.origin or "", id="connection-origin", compact=True)
            yield Static("", id="connection-error", markup=False)
            with Horizontal(id="connection-buttons"):
                yield Button("Apply", id="connection-apply", variant="primary", compact=True)
                yield Button("Cancel", id="connection-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#connection-error", Static).display = False
        self.query_one("#connection-headers", TextArea).focus()

    def edited(self) -> ConnectionEdit:
        """The dialog's values, parsed (raises :class:`InvalidRequestOption`)."""
        headers_text = self.query_one("#connection-headers", TextArea).text
        try:
            headers = parse_header_lines(headers_text)
        except InvalidRequestOption as exc:
            raise InvalidRequestOption(f"headers: {exc}") from None
        subprotocols = parse_subprotocols(self.query_one("#connection-subprotocols", Input).value)
        origin_text = self.query_one("#connection-origin", Input).value.strip()
        origin = parse_origin(origin_text) if origin_text else None
        return ConnectionEdit(unmask_headers(headers, self.options.headers), subprotocols, origin)

    def show_error(self, text: str | None) -> None:
        self.error = text
        line = self.query_one("#connection-error", Static)
        line.update(f"✗ {clean(text)}" if text else "")
        line.display = text is not None

    @on(Button.Pressed, "#connection-apply")
    def action_apply(self) -> None:
        try:
            edit = self.edited()
        except InvalidRequestOption as exc:
            self.show_error(str(exc))  # the text stays as typed
            return
        self.dismiss(edit)

    @on(Button.Pressed, "#connection-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
