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
from .lines import hide_line, show_line

__all__ = ["FAMILY_OPTIONS", "LINES", "TopBar"]

FAMILY_OPTIONS: list[tuple[str, FamilyChoice]] = [
    ("auto", FamilyChoice.AUTO),
    ("IPv4 only", FamilyChoice.IPV4),
    ("IPv6 only", FamilyChoice.IPV6),
]


LINES = ("url-error", "banner", "status")
"""The lines under the URL in screen order (the error and the banner are mounted when
first shown)."""


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
        yield Static("", id="status")

    def show_url_error(self, error: str | None) -> None:
        if error is None:
            hide_line(self, "url-error")
        else:
            text = Text(f"✗ {clean(error)}  (nothing changed)", style="bold red")
            show_line(self, "url-error", LINES, text)

    def show_banner(self, lines: Sequence[str]) -> None:
        if not lines:
            hide_line(self, "banner")
            return
        text = Text("\n".join(f"⚠ {clean(line)}" for line in lines))
        changed = text != self._banner  # an update costs the whole screen a new layout
        self._banner = text
        show_line(self, "banner", LINES, text if changed else None)

    def show_status(self, text: Text) -> None:
        if text != self._status:  # an update costs the whole screen a new layout
            self._status = text
            self.query_one("#status", Static).update(text)
