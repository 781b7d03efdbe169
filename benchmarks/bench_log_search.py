#!/usr/bin/env python3
"""Search in a full session log (issue 12), the real app headless on the canned backend.

The log is filled to its cap (``LOG_LINES`` lines, so at most that many entries) in two
shapes, then searched:

* ``text``: one-line text messages of about 100 characters (the most entries the cap
  allows);
* ``json``: JSON messages of about 4 KiB (the most a session keeps of a message), long
  enough to start folded: one line each on screen, the whole indented form searched.

Per shape, the median over ``--runs`` of: the time to set a query that matches once
(``rare``), one that matches in every entry (``common``: every entry is drawn again),
the next match (``n``), and clearing the query; plus the time to fill the log. Goal:
a keystroke's search under 50 ms at the cap (the screen redraws at 60 fps at best).

    python benchmarks/bench_log_search.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wsexplorer.model import Direction, SessionEvent, SessionEventKind
from wsexplorer.testing.canned import (
    CannedBackend,
    canned_config,
    frozen_clock,
    settle,
)
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.widgets.session import LOG_LINES


def _messages(shape: str) -> list[str]:
    if shape == "text":
        return [
            f"tick {i} price update for instrument XYZ-{i % 97} " + "v" * 60
            for i in range(LOG_LINES)
        ]
    rows = [{"id": j, "name": f"item {j}", "tags": ["a", "b"]} for j in range(80)]
    body = json.dumps({"seq": 0, "rows": rows})
    assert 3_500 < len(body) < 4_096
    return [body.replace('"seq": 0', f'"seq": {i}', 1) for i in range(LOG_LINES)]


async def _one(shape: str, size: tuple[int, int]) -> dict[str, float]:
    app = WsxApp(canned_config(autoconnect=False), CannedBackend(), clock=frozen_clock)
    out: dict[str, float] = {}
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        pane = app.main.session_pane
        log = pane.log_widget
        texts = _messages(shape)
        start = time.perf_counter()
        for text in texts:
            event = SessionEvent(SessionEventKind.MESSAGE, 0.0, text, direction=Direction.IN)
            pane.add_event(event, "09:26:53.589")
        out["fill"] = time.perf_counter() - start
        await pilot.pause()
        rare = "XYZ-13 " if shape == "text" else '"seq": 777,'
        common = "price" if shape == "text" else "item 7"
        for name, query in (("rare", rare), ("common", common)):
            start = time.perf_counter()
            log.set_query(query)
            out[name] = time.perf_counter() - start
            out[f"{name}_matches"] = len(log.matches)
        start = time.perf_counter()
        log.step(1)
        out["n"] = time.perf_counter() - start
        start = time.perf_counter()
        log.set_query("")
        out["clear"] = time.perf_counter() - start
        out["entries"] = len(log.entries)
        out["lines"] = len(log.lines)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for shape in ("text", "json"):
        runs = [asyncio.run(_one(shape, (120, 40))) for _ in range(args.runs)]
        first = runs[0]
        print(
            f"{shape}: {int(first['entries'])} entries, {int(first['lines'])} lines; "
            f"rare query {int(first['rare_matches'])} matches, "
            f"common query {int(first['common_matches'])} matches"
        )
        for key in ("fill", "rare", "common", "n", "clear"):
            values = sorted(run[key] * 1000 for run in runs)
            print(f"  {key:7} median {statistics.median(values):8.1f} ms  max {values[-1]:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
