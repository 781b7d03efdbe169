"""The Listeners pane on a machine with many sockets (issue 14): the URL's port's rows are
always there, other ports are capped with a "+ N more" line naming ``listeners --json``,
and an update by the watch keeps the cursor on its socket."""

from __future__ import annotations

from wsexplorer.diagnosis.examples import make_listener
from wsexplorer.model import Listener
from wsexplorer.testing.canned import settle
from wsexplorer.ui.widgets.listeners import OTHER_ROWS, ListenersPane

from .test_watch import SIZE, _Machine, _until, _watching_app

EXTRA = 57


def _many(first_port: int, count: int) -> tuple[Listener, ...]:
    return tuple(
        make_listener("127.0.0.1", first_port + i, pid=900, process="holder") for i in range(count)
    )


def _more_line(pane: ListenersPane) -> str:
    shown = [w for w in pane.query("#listeners-more") if w.display]  # mounted when first shown
    return str(shown[0].render()) if shown else ""


async def test_other_ports_are_capped_and_counted_the_urls_port_always_shown() -> None:
    backend = _Machine()
    # Ports below and above 8080: the URL's port still comes first and is never cut.
    backend.extra = _many(1000, OTHER_ROWS + EXTRA)
    app = _watching_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.listeners_pane
        keys = pane.row_keys()
        on_port = [k for k in keys if k.endswith("/8080/4242")]
        assert on_port and keys[: len(on_port)] == on_port
        others = keys[len(on_port) :]
        assert len(others) == OTHER_ROWS
        ports = [int(k.split("/")[3]) for k in others]
        assert ports == sorted(ports)  # the lowest ports first
        hidden = len([lis for lis in backend.listeners() if lis.port != 8080]) - OTHER_ROWS
        assert hidden >= EXTRA
        assert pane.hidden == hidden
        assert f"tcp/ipv4/127.0.0.1/{1000 + OTHER_ROWS + EXTRA - 1}/900" not in keys
        assert _more_line(pane) == (
            f"+ {hidden} more sockets on other ports: wsexplorer listeners --json"
        )


async def test_no_more_line_when_every_socket_fits() -> None:
    backend = _Machine()
    backend.extra = _many(1000, 3)
    app = _watching_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.listeners_pane
        assert pane.hidden == 0 and _more_line(pane) == ""
        assert len([k for k in pane.row_keys() if "/900" in k]) == 3


async def test_a_watch_update_keeps_the_cursor_on_its_socket() -> None:
    backend = _Machine()
    backend.extra = _many(9000, 5)
    app = _watching_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.listeners_pane
        table = pane.table
        target = "tcp/ipv4/127.0.0.1/9002/900"
        table.move_cursor(row=pane.row_keys().index(target), animate=False)
        assert pane.cursor_key() == target
        row_before = table.cursor_row
        # Two new sockets sort above the cursor's row, one below; one above goes away.
        backend.extra = (
            *_many(9000, 5)[1:],
            make_listener("127.0.0.1", 5000, pid=901, process="new"),
            make_listener("127.0.0.1", 5001, pid=901, process="new"),
            make_listener("127.0.0.1", 9999, pid=901, process="new"),
        )
        await _until(
            pilot, lambda: "tcp/ipv4/127.0.0.1/9999/901" in pane.row_keys(), "the new rows"
        )
        keys = pane.row_keys()
        assert "tcp/ipv4/127.0.0.1/9000/900" not in keys
        assert keys.index("tcp/ipv4/127.0.0.1/5000/901") < keys.index(target)
        assert pane.cursor_key() == target
        assert table.cursor_row == row_before + 1  # moved with its row, not left behind


async def test_an_unchanged_socket_keeps_its_cells() -> None:
    backend = _Machine()
    backend.extra = _many(9000, 2)
    app = _watching_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.listeners_pane
        key = "tcp/ipv4/127.0.0.1/9001/900"
        cell = pane.table.get_cell(key, "process")
        backend.extra = (*_many(9000, 2), make_listener("127.0.0.1", 7000, pid=902))
        await _until(pilot, lambda: any("/7000/" in k for k in pane.row_keys()), "new row")
        assert pane.table.get_cell(key, "process") is cell  # not rebuilt: same value
