"""The Listeners pane: what listens, which families each socket really accepts, who owns it.

A DataTable updated row by row (keyed by socket), the URL's port first. The sockets on
the URL's port come from the observation; the rest from a full scan. The embedded demo
server's bind, its wildcard warning and its bind errors are shown above the table. For a
target on another machine the table is this machine's sockets, and the note says so.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from ...model import Listener, ListenerScan, is_wildcard
from ...model.untrusted import clean
from ...presentation import accepts_spans, listeners_note, listeners_subtitle
from ...presentation import listener_row as presented
from ...presentation.style import to_text
from .pane import Pane

__all__ = ["COLUMNS", "ListenersPane", "listener_key", "listener_row"]

COLUMNS = ("port", "family", "address", "v6only", "accepts", "process")


def listener_key(lis: Listener) -> str:
    """A row key that stays the same for the same socket across scans."""
    return f"{lis.protocol}/{lis.family.value}/{lis.address}/{lis.port}/{lis.pid}"


def _accepts(lis: Listener) -> Text:
    return to_text(accepts_spans(lis))


def listener_row(lis: Listener, url_port: int) -> tuple[Text, ...]:
    """The cells of one row, in :data:`COLUMNS` order (the presentation model's words)."""
    row = presented(lis)
    return (
        Text(str(row.port), style="bold" if row.port == url_port else "dim"),
        Text(row.family),
        Text(clean(row.address)),
        Text(row.v6only),
        to_text(row.accepts),
        to_text(row.process),
    )


class ListenersPane(Pane):
    """Listening TCP sockets; the URL's port first."""

    BORDER_TITLE = "Listeners"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.port = 0
        self._port_rows: dict[str, Listener] | None = None
        self._other_rows: dict[str, Listener] = {}
        self._scan_notes: tuple[str, ...] = ()
        self._server_text: Text | None = None
        self.local: bool | None = None
        """Is the target this machine? ``None`` until the observation says."""
        self.full_scan_shown = False
        """Has a scan of every port reached the table since the last :meth:`start`?"""

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-error")
        yield Static("", id="listeners-server")
        yield Static("", id="listeners-note")
        table: DataTable[Text] = DataTable(
            id="listeners-table", classes="pane-body", cursor_type="row", zebra_stripes=True
        )
        yield table

    def on_mount(self) -> None:
        self.error_widget().display = False
        self.query_one("#listeners-server", Static).display = False
        table = self.query_one(DataTable)
        for col in COLUMNS:
            table.add_column(col, key=col)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#listeners-table", DataTable)

    def row_keys(self) -> list[str]:
        """The table's row keys, top to bottom (for tests and the report)."""
        table = self.table
        return [
            str(table.coordinate_to_cell_key(Coordinate(i, 0)).row_key.value)
            for i in range(table.row_count)
        ]

    def start(self, port: int) -> None:
        """A new observation began for ``port``."""
        if port != self.port:
            self._port_rows = None
        self.port = port
        self.local = None
        self.full_scan_shown = False
        self.border_subtitle = listeners_subtitle(port, None)
        self.fail("listeners", None)
        self.busy(self._port_rows is None)

    def show_port_scan(self, scan: ListenerScan) -> None:
        """The observation's scan of the URL's port."""
        self.busy(False)
        if scan.error:
            self.fail("listener scan", scan.error)
            return
        self._port_rows = {listener_key(lis): lis for lis in scan.on_port(self.port)}
        self._scan_notes = scan.notes
        self._sync()

    def show_full_scan(self, scan: ListenerScan) -> None:
        """A scan of every port (adds the other listeners below the URL's port)."""
        if scan.error:
            self._scan_notes = (f"full scan failed: {scan.error}",)
        else:
            self._other_rows = {
                listener_key(lis): lis
                for lis in scan.listeners
                if lis.protocol == "tcp" and lis.port != self.port
            }
            if self._port_rows is None:
                self._port_rows = {listener_key(lis): lis for lis in scan.on_port(self.port)}
                self.busy(False)
            self._scan_notes = scan.notes
        self.full_scan_shown = True
        self._sync()

    @property
    def complete(self) -> bool:
        """Every row is there: the URL's port and the scan of every port have arrived."""
        return self._port_rows is not None and self.full_scan_shown

    def show_target(self, local: bool) -> None:
        """Whether the target is this machine: a remote target's sockets are not in this
        table, so the pane says so instead of "nothing listens"."""
        self.local = local
        self.border_subtitle = listeners_subtitle(self.port, local)
        self._sync()

    def show_server(
        self, listeners: Iterable[Listener], error: str | None, bind: str | None
    ) -> None:
        """The embedded demo server's state (``bind`` ``None``: there is none)."""
        widget = self.query_one("#listeners-server", Static)
        if bind is None:
            widget.display = False
            return
        listeners = tuple(listeners)
        text = Text()
        if error:
            text.append("demo server: ", style="bold")
            text.append(clean(error), style="bold red")
        elif not listeners:
            text.append(f"demo server: starting on {clean(bind)}…", style="dim")
        else:
            text.append("demo server: ", style="bold")
            for i, lis in enumerate(listeners):
                if i:
                    text.append(", ")
                text.append(clean(lis.display_address()))
                text.append(" accepts ")
                text.append_text(_accepts(lis))
            if any(is_wildcard(lis.address) for lis in listeners):
                text.append("  ⚠ wildcard: reachable from the network", style="yellow")
        widget.update(text)
        widget.display = True

    def _sync(self) -> None:
        """Reconcile the table with the wanted rows by key (no clear-and-refill)."""
        table = self.table
        wanted: dict[str, Listener] = dict(self._port_rows or {})
        for key, lis in self._other_rows.items():
            wanted.setdefault(key, lis)
        existing = {str(k.value) for k in table.rows}
        for key in existing - wanted.keys():
            table.remove_row(key)
        for key, lis in wanted.items():
            cells = listener_row(lis, self.port)
            if key in existing:
                for col, cell in zip(COLUMNS, cells, strict=True):
                    if table.get_cell(key, col) != cell:
                        table.update_cell(key, col, cell)
            else:
                table.add_row(*cells, key=key)
        port = self.port
        table.sort(
            "port",
            "family",
            "address",
            key=lambda cells: (
                int(cells[0].plain) != port,
                int(cells[0].plain),
                cells[1].plain,
                cells[2].plain,
            ),
        )
        note = self.query_one("#listeners-note", Static)
        found = None if self._port_rows is None else bool(self._port_rows)
        lines = to_text(listeners_note(port, found, self.local))
        for n in self._scan_notes:
            if lines.plain:
                lines.append("\n")
            lines.append(f"note: {clean(n)}", style="dim")
        note.update(lines)
        note.display = bool(lines.plain)
