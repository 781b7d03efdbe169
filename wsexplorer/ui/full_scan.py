"""The full listener scan as the thread workers hand it to the event loop (issue 14).

A scan of every port may hold 50,000 sockets, while the Listeners pane shows the URL's
port's sockets and :data:`~.widgets.listeners.OTHER_ROWS` others, and the watch compares
scans by :func:`sockets_key`. :func:`scan_for_table` does all of that in the worker and
hands the loop only the rows the table shows: the loop never walks the whole scan, and
the ~150,000 objects of a big scan are freed in the worker with the cyclic garbage
collector paused, so no collection walks them. With the collector running, their
allocation set off collections in the worker that hold the GIL, and so paused the event
loop, for 100-350 ms at 50,000 sockets (``benchmarks/bench_listeners_pane.py``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from ..model import Listener, ListenerScan
from .widgets.listeners import OtherRows, pick_others

__all__ = ["TableScan", "collector_paused", "scan_for_table", "sockets_key"]


def sockets_key(listeners: Iterable[Listener], *, owners: bool) -> frozenset[str]:
    """What makes two scans differ: each socket's bind and v6only (and with ``owners``,
    its pid and process), one string per socket (strings are not tracked by the cyclic
    collector, tuples holding an enum are)."""
    out = set()
    for lis in listeners:
        key = f"{lis.protocol}\0{lis.family.value}\0{lis.address}\0{lis.port}\0{lis.v6only}"
        if owners:
            key = f"{key}\0{lis.pid}\0{lis.process}"
        out.add(key)
    return frozenset(out)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (a collector paused by someone else stays so)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TableScan:
    """What a worker's full scan hands the loop.

    Attributes:
        scan: the scan with only the rows the table shows (the URL's port's TCP sockets,
            then ``others.first``); its method, notes and error as scanned.
        sockets: :func:`sockets_key` of every socket, with owners.
        on_port: :func:`sockets_key` of the URL's port's TCP sockets, without owners.
        others: the other ports' rows and their count.
    """

    __slots__ = ("on_port", "others", "scan", "sockets")

    def __init__(
        self,
        scan: ListenerScan,
        sockets: frozenset[str],
        on_port: frozenset[str],
        others: OtherRows,
    ) -> None:
        self.scan = scan
        self.sockets = sockets
        self.on_port = on_port
        self.others = others


def scan_for_table(scan_listeners: Callable[[], ListenerScan], port: int) -> TableScan:
    """Scan every listener (blocking: call it in a thread worker) and cut the result to
    what the table and the watch need, the collector paused until the rest is freed.
    An exception from ``scan_listeners`` becomes the scan's ``error``."""
    with collector_paused():
        try:
            full = scan_listeners()
        except Exception as exc:
            full = ListenerScan(error=f"{type(exc).__name__}: {exc}")
        mine = full.on_port(port)
        others = pick_others(full.listeners, port)
        result = TableScan(
            replace(full, listeners=(*mine, *others.first)),
            sockets_key(full.listeners, owners=True),
            sockets_key(mine, owners=False),
            others,
        )
        del full  # its sockets are freed here, while the collector is paused
    return result
