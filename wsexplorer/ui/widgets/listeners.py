"""The Listeners pane: what listens, which families each socket really accepts, who owns it.

A DataTable updated row by row (keyed by socket), the URL's port first. The sockets on
the URL's port come from the observation; the rest from a full scan. Every socket on the
URL's port has its row; of the other ports only the first :data:`OTHER_ROWS` do, and a
line under the table counts the rest and names ``wsexplorer listeners --json``, so a
machine with 50,000 sockets keeps a small table. An update touches only the rows whose
socket changed (compared by value) and re-sorts only when the order changed; the cursor
stays on its socket. The other ports' rows are picked in the scan's thread worker
(:func:`pick_others`, through ``ui/full_scan.py``), so the event loop never walks the
whole scan. The embedded demo
server's bind, its wildcard warning and its bind errors are shown above the table. For a
target on another machine the table is this machine's sockets, and the note says so.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from ...model import Listener, ListenerScan, is_wildcard
from ...model.untrusted import clean
from ...presentation import accepts_spans, listeners_more, listeners_note, listeners_subtitle
from ...presentation import listener_row as presented
from ...presentation.style import to_text
from .lines import hide_line, show_line
from .pane import Pane

__all__ = [
    "COLUMNS",
    "OTHER_ROWS",
    "ListenersPane",
    "OtherRows",
    "listener_key",
    "listener_row",
    "pick_others",
]

COLUMNS = ("port", "family", "address", "v6only", "accepts", "process")
LINES = ("listeners-server", "listeners-note", "listeners-table", "listeners-more")
"""The pane's lines and table in screen order (the lines are mounted when first shown)."""
OTHER_ROWS = 200
"""Rows for sockets on other ports (the URL's port's sockets are always all shown)."""


def listener_key(lis: Listener) -> str:
    """A row key that stays the same for the same socket across scans."""
    return f"{lis.protocol}/{lis.family.value}/{lis.address}/{lis.port}/{lis.pid}"


class OtherRows:
    """The sockets on ports other than ``port`` that the table shows (the first
    :data:`OTHER_ROWS` by port, family and address) and how many there are in all.

    Picking them walks every socket (50,000 take ~30 ms): the scan's thread worker calls
    :func:`pick_others` and the pane only reads the result, so the event loop never walks
    the whole scan.
    """

    __slots__ = ("count", "first", "port")

    def __init__(self, port: int, first: tuple[Listener, ...], count: int) -> None:
        self.port = port
        self.first = first
        self.count = count


def pick_others(listeners: Iterable[Listener], port: int) -> OtherRows:
    """The TCP sockets not on ``port`` to show as rows (pure: safe in a thread)."""
    others = [lis for lis in listeners if lis.protocol == "tcp" and lis.port != port]
    first = heapq.nsmallest(
        OTHER_ROWS, others, key=lambda lis: (lis.port, lis.family.value, lis.address)
    )
    return OtherRows(port, tuple(first), len(others))


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
        self._others = OtherRows(0, (), 0)
        """The other ports' rows of the last full scan (its sockets are not kept: 50,000
        objects kept would be walked by every full garbage collection)."""
        self._shown: dict[str, tuple[Listener, bool]] = {}
        """What each row shows: its socket, and whether it is on the URL's port."""
        self._order: list[str] = []
        self.hidden = 0
        """Sockets on other ports the table leaves out (the line under it counts them)."""
        self._scan_notes: tuple[str, ...] = ()
        self._lines: dict[str, Text] = {}
        """The text each line under/above the table shows (by widget id)."""
        self._server_text: Text | None = None
        self.local: bool | None = None
        """Is the target this machine? ``None`` until the observation says."""
        self.full_scan_shown = False
        """Has a scan of every port reached the table since the last :meth:`start`?"""

    def compose(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(
            id="listeners-table", classes="pane-body", cursor_type="row", zebra_stripes=True
        )
        yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in COLUMNS:
            # A Text label: a str goes through Rich's markup, whose emoji table alone is
            # ~2 ms of CPU to import at start-up (issue 14).
            table.add_column(Text(col), key=col)

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

    def cursor_key(self) -> str | None:
        """The row key under the cursor (``None``: the table is empty)."""
        table = self.table
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def start(self, port: int) -> None:
        """A new observation began for ``port``."""
        if port != self.port:
            self._port_rows = None
            self._others = OtherRows(port, (), 0)  # until the next full scan
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

    def show_full_scan(self, scan: ListenerScan, others: OtherRows | None = None) -> None:
        """A scan of every port (adds the other listeners below the URL's port).

        ``others``: :func:`pick_others` of this scan, done by the caller's thread; without
        it (or for another port) the pane picks them itself, on the event loop.
        """
        if scan.error:
            self._scan_notes = (f"full scan failed: {scan.error}",)
        else:
            if others is None or others.port != self.port:
                others = pick_others(scan.listeners, self.port)
            self._others = others
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
        if bind is None:
            hide_line(self, "listeners-server")
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
        show_line(self, "listeners-server", LINES, text)

    def _wanted(self) -> list[tuple[str, Listener]]:
        """The rows to show, in table order: every socket on the URL's port, then the first
        :data:`OTHER_ROWS` others (sets :attr:`hidden`)."""
        port = self.port
        first = self._others.first
        wanted: dict[str, Listener] = dict(self._port_rows or {})
        for lis in first:
            wanted.setdefault(listener_key(lis), lis)
        self.hidden = self._others.count - len(first)
        return sorted(wanted.items(), key=lambda item: _rank(item[1], port))

    def _sync(self) -> None:
        """Reconcile the table with the wanted rows by key and value (no clear-and-refill,
        no re-sort unless the order changed, the cursor kept on its socket)."""
        table = self.table
        port = self.port
        cursor = self.cursor_key()
        wanted = self._wanted()
        keys = dict(wanted)
        for key in [k for k in self._order if k not in keys]:
            table.remove_row(key)
            del self._shown[key]
        order = [k for k in self._order if k in keys]
        for key, lis in wanted:
            value = (lis, lis.port == port)
            old = self._shown.get(key)
            if old == value:
                continue
            cells = listener_row(lis, port)
            if old is None:
                table.add_row(*cells, key=key)
                order.append(key)
            else:
                for col, cell in zip(COLUMNS, cells, strict=True):
                    if table.get_cell(key, col) != cell:
                        table.update_cell(key, col, cell)
            self._shown[key] = value
        self._order = [k for k, _ in wanted]
        if order != self._order:
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
        if cursor is not None and cursor in keys and self.cursor_key() != cursor:
            table.move_cursor(row=table.get_row_index(cursor), animate=False)
        self._show("listeners-more", to_text(listeners_more(self.hidden)), self.hidden > 0)
        found = None if self._port_rows is None else bool(self._port_rows)
        lines = to_text(listeners_note(port, found, self.local))
        for n in self._scan_notes:
            if lines.plain:
                lines.append("\n")
            lines.append(f"note: {clean(n)}", style="dim")
        self._show("listeners-note", lines, bool(lines.plain))

    def _show(self, line_id: str, text: Text, display: bool) -> None:
        """Set a line's text and visibility, leaving each alone if unchanged: an update
        asks for a new layout of the whole screen, on every scan otherwise."""
        if not display:
            hide_line(self, line_id)
            return
        changed = self._lines.get(line_id) != text
        self._lines[line_id] = text
        show_line(self, line_id, LINES, text if changed else None)


def _rank(lis: Listener, port: int) -> tuple[bool, int, str, str]:
    """A row's place: the URL's port first, then by port, family and address as shown."""
    row = presented(lis)
    return (row.port != port, row.port, row.family, clean(row.address))
