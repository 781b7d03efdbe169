"""The Resolution pane: how the name resolves, and what explains the order.

getaddrinfo's order with the source of each address, the ``AI_ADDRCONFIG`` order (what
Node asks for), the hosts-file lines that matched with their line numbers, nsswitch,
gai.conf, and the DNS answers per nameserver, each outcome in its own style.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...model import Observation, Resolution, SystemFacts
from ...model.untrusted import clean
from ...presentation import Row, proxy_rows, resolution_rows
from ...presentation.style import to_text
from .pane import Pane

__all__ = ["ResolutionPane", "render_resolution"]


def render_resolution(
    res: Resolution, facts: SystemFacts | None = None, extra: tuple[Row, ...] = ()
) -> RenderableType:
    """The pane's body for one :class:`Resolution` (and the machine facts, once known;
    ``extra``: the proxy rows, once the observation is complete): the presentation
    model's rows, label and value."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for row in (*resolution_rows(res, facts), *extra):
        grid.add_row(Text(clean(row.label)), to_text(row.spans))
    return grid


class ResolutionPane(Pane):
    """Resolution facts for the current URL's host."""

    BORDER_TITLE = "Resolution"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.resolution: Resolution | None = None
        self.facts: SystemFacts | None = None
        self.extra: tuple[Row, ...] = ()
        self._shown: tuple[Resolution, SystemFacts | None, tuple[Row, ...]] | None = None
        """What the body shows now (``None``: not a resolution)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="pane-body"):
            yield Static("waiting…", id="resolution-body")

    def start(self, host: str, port: int) -> None:
        """A new lookup began: loading state until :meth:`show` is called."""
        self.resolution = None
        self.extra = ()
        self.border_subtitle = Text(f"{clean(host)} port {port}")
        self.fail("resolution", None)
        self._shown = None
        self.query_one("#resolution-body", Static).update(
            Text(f"resolving {clean(host)}…", style="dim")
        )
        self.busy(True)

    def show(self, res: Resolution) -> None:
        self.resolution = res
        self.busy(False)
        self._refresh_body()

    def show_system(self, facts: SystemFacts) -> None:
        self.facts = facts
        if self.resolution is not None:
            self._refresh_body()

    def show_proxies(self, obs: Observation) -> None:
        """The proxy variables and what the proxies answered (docs/clients.md#proxies)."""
        self.extra = tuple(proxy_rows(obs))
        if self.resolution is not None:
            self._refresh_body()

    def _refresh_body(self) -> None:
        if self.resolution is None:
            return
        shown = (self.resolution, self.facts, self.extra)
        if shown == self._shown:  # an update costs the whole screen a new layout
            return
        self._shown = shown
        self.query_one("#resolution-body", Static).update(render_resolution(*shown))
