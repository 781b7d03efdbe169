"""The top bar: the URL field, the family selector, the URL's inline error, the banners.

The banner says when what the screen shows is not the plain truth of this machine
(a ``--resolve`` pin, a forced family) or when the demo server is exposed.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from ...model import FamilyChoice
from ...model.untrusted import clean

__all__ = ["FAMILY_OPTIONS", "TopBar"]

FAMILY_OPTIONS: list[tuple[str, FamilyChoice]] = [
    ("auto", FamilyChoice.AUTO),
    ("IPv4 only", FamilyChoice.IPV4),
    ("IPv6 only", FamilyChoice.IPV6),
]


class TopBar(Vertical):
    """URL + family on one line; errors, banners and the status line below."""

    def __init__(
        self, url: str, family: FamilyChoice, *, cursor_blink: bool = True, **kwargs: object
    ):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._url = url
        self._family = family
        self._blink = cursor_blink
        self._status: Text | None = None
        self._banner: Text | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="url-row"):
            yield Label("URL ", id="url-label")
            field = Input(self._url, id="url", compact=True, placeholder="ws://host:port/path")
            field.cursor_blink = self._blink
            yield field
            yield Label(" family ", id="family-label")
            yield Select(
                FAMILY_OPTIONS, value=self._family, allow_blank=False, compact=True, id="family"
            )
        yield Static("", id="url-error")
        yield Static("", id="banner")
        yield Static("", id="status")

    def on_mount(self) -> None:
        self.show_url_error(None)
        self.show_banner(())

    def show_url_error(self, error: str | None) -> None:
        widget = self.query_one("#url-error", Static)
        widget.update(
            Text(f"✗ {clean(error)}  (nothing changed)", style="bold red") if error else ""
        )
        widget.display = error is not None

    def show_banner(self, lines: Sequence[str]) -> None:
        widget = self.query_one("#banner", Static)
        text = Text("\n".join(f"⚠ {clean(line)}" for line in lines))
        if text != self._banner:  # an update costs the whole screen a new layout
            self._banner = text
            widget.update(text)
        widget.display = bool(lines)

    def show_status(self, text: Text) -> None:
        if text != self._status:  # an update costs the whole screen a new layout
            self._status = text
            self.query_one("#status", Static).update(text)
