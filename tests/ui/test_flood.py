"""A flooding server against the real app: counters exact, log bounded, UI responsive."""

from __future__ import annotations

import time

from tests.hardening._support import LoopLag, hostile_peer
from wsexplorer.cli import tui_config_from_argv
from wsexplorer.model import Direction, SessionEvent, SessionEventKind
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.state import MessageBatch
from wsexplorer.ui.widgets.session import LOG_LINES

COUNT = 30_000


def _msg(i: int, direction: Direction = Direction.IN) -> SessionEvent:
    return SessionEvent(SessionEventKind.MESSAGE, float(i), text=str(i), direction=direction)


def test_message_batch_keeps_newest_and_exact_counts() -> None:
    batch = MessageBatch(keep=3)
    assert batch.add(1, _msg(0)) is True  # first of a batch: schedule a flush
    for i in range(1, 10):
        assert batch.add(1, _msg(i)) is False
    batch.add(1, _msg(10, Direction.OUT))
    events, dropped = batch.take()
    assert [e.text for e in events] == ["8", "9", "10"] and dropped == 8
    assert (batch.received, batch.sent) == (10, 1)
    assert batch.take() == ([], 0)
    assert batch.add(2, _msg(0)) is True and batch.received == 1  # a new session restarts


async def test_flood_is_counted_exactly_and_the_log_stays_bounded() -> None:
    with hostile_peer(f"flood:{COUNT}:100") as port:
        app = WsxApp(tui_config_from_argv([f"ws://127.0.0.1:{port}/"]))
        async with app.run_test(size=(120, 40)) as pilot:
            pane = app.main.session_pane
            async with LoopLag() as lag:
                deadline = time.monotonic() + 60
                while pane.close_info is None and time.monotonic() < deadline:
                    await pilot.pause(0.05)
                await pilot.pause(0.3)
            assert pane.received == COUNT
            log = pane.log_widget
            assert len(log.lines) <= LOG_LINES
            text = "\n".join(line.text for line in log.lines)
            assert "more messages not shown" in text
            assert pane.close_info == (1000, "flood done")  # what came after the flood shows
            assert lag.ticks > 10
            assert lag.worst < 1.0  # a hang guard, not a benchmark (benchmarks/bench_tui.py)
            await pilot.press("q")
