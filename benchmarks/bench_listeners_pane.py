#!/usr/bin/env python3
"""The Listeners pane at 10,000 / 50,000 sockets (issue 14), the real app headless.

In a fresh network namespace (re-run inside it with ``ip netns exec``), the sockets are
held by forked processes (benchmarks/_holders.py: at most 15,000 each, under the 20,000
open-file hard limit) and a demo server listens on 127.0.0.1; the app watches its URL.
Per size:

1. until every row is there: from the app's start until the Listeners pane has the scan
   of every port and each socket is either a row or counted in the "+ N more" line (the
   observation and the diagnosis come first, as in the app). Goal: < 0.5 s at 50k for the
   pane's own part (printed: from the full scan's arrival to the table complete).
2. the event-loop stall on ``r`` (a 10 ms ticker in the app's loop, the latest tick from
   the key press until the pane is complete again), over ``--presses`` presses (min,
   median, max). Goal: < 100 ms. Beside it, the loop thread's CPU time in its longest
   step (one callback) in the same window: on a loaded machine the wall-clock stall is
   that CPU time stretched by the neighbours and by threads holding the GIL.
3. the CPU of the watch (1 s and 2 s intervals) at 10k sockets: process CPU time (every
   thread) over 10 s of wall time, next to the same app with the watch off. Goal: <= 10 %
   of a core.

A minimal Textual app, idle for the same window in the same run, is the reference for the
loop's lateness and CPU on this machine (shared machines are noisy: read the ratios).

    python benchmarks/bench_listeners_pane.py [--sockets 10000 50000] [--window 10] [--presses 5]

Needs Linux, root and iproute2. Exit 2 if it cannot run here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from _holders import Holders  # benchmarks/_holders.py (this folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
TICK = 0.01


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Ticker:
    """A 10 ms ticker in the running loop: the lateness of each tick, in ms."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            t = loop.time()
            await asyncio.sleep(TICK)
            self.lags.append(max(0.0, loop.time() - t - TICK) * 1000)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def worst_since(self, n: int) -> float:
        return max(self.lags[n:], default=0.0)


class Steps:
    """The loop thread's CPU time (ms) in each loop step (one callback), while on."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.on = False
        self._run = asyncio.events.Handle._run

    def install(self) -> None:
        original, steps = self._run, self

        def timed(handle: asyncio.events.Handle) -> None:
            if not steps.on:
                original(handle)
                return
            start = time.thread_time()
            original(handle)
            steps.cpu.append((time.thread_time() - start) * 1000)

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]

    def uninstall(self) -> None:
        asyncio.events.Handle._run = self._run  # type: ignore[method-assign]


async def _until(done: Callable[[], bool], limit: float = 300) -> float:
    start = time.perf_counter()
    while not done():
        if time.perf_counter() - start > limit:
            raise SystemExit("gave up waiting")
        await asyncio.sleep(0.002)
    return time.perf_counter() - start


async def reference(window: float) -> tuple[float, float]:
    """A minimal Textual app idle for ``window`` s: worst tick lateness (ms), CPU share."""
    from textual.app import App

    app: App[None] = App()
    async with app.run_test(size=(120, 40)):
        ticker = Ticker()
        ticker.start()
        cpu0, t0 = _cpu(), time.perf_counter()
        await asyncio.sleep(window)
        share = (_cpu() - cpu0) / (time.perf_counter() - t0)
    return ticker.worst_since(0), share


def _is_complete(pane: object, total: int) -> bool:
    table = pane.table  # type: ignore[attr-defined]
    shown = table.row_count + getattr(pane, "hidden", 0)
    return bool(pane.complete) and shown >= total  # type: ignore[attr-defined]


async def measure(
    count: int, window: float, watch: float, presses: int = 1
) -> dict[str, float | list[float]]:
    from wsexplorer.model import ListenerScan, ObserveOptions, parse_url
    from wsexplorer.probes.server import DemoServer, ServerConfig
    from wsexplorer.ui.app import WsxApp
    from wsexplorer.ui.config import AppConfig

    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path=None))
    await server.start()
    total = count + 1
    url = parse_url(f"ws://127.0.0.1:{server.port}/")
    config = AppConfig(url=url, options=ObserveOptions(dns=False), watch_seconds=watch)  # type: ignore[arg-type]
    app = WsxApp(config)
    out: dict[str, float | list[float]] = {}
    arrived: list[float] = []
    start = time.perf_counter()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.main
            pane = screen.listeners_pane
            original = pane.show_full_scan

            def spy(scan: ListenerScan, *rest: object) -> None:
                arrived.append(time.perf_counter())
                original(scan, *rest)  # type: ignore[arg-type]

            pane.show_full_scan = spy  # type: ignore[method-assign]
            ticker = Ticker()
            ticker.start()
            await _until(lambda: _is_complete(pane, total))
            done = time.perf_counter()
            out["complete_s"] = done - start
            out["pane_s"] = done - arrived[0] if arrived else float("nan")
            out["stall_start_ms"] = ticker.worst_since(0)
            stalls: list[float] = []
            completes: list[float] = []
            step_cpu: list[float] = []
            steps = Steps()
            steps.install()
            try:
                for _ in range(presses):
                    await pilot.pause(0.5)
                    n = len(ticker.lags)
                    arrived.clear()
                    steps.cpu.clear()
                    steps.on = True
                    press = time.perf_counter()
                    await pilot.press("r")
                    await _until(lambda: bool(arrived))
                    await _until(lambda: _is_complete(pane, total))
                    steps.on = False
                    completes.append(time.perf_counter() - press)
                    stalls.append(ticker.worst_since(n))
                    step_cpu.append(max(steps.cpu, default=0.0))
            finally:
                steps.uninstall()
            out["r_complete_s"] = completes
            out["stall_r_ms"] = stalls
            out["step_cpu_ms"] = step_cpu
            await pilot.pause(1.0)
            cpu0, t0 = _cpu(), time.perf_counter()
            n = len(ticker.lags)
            await asyncio.sleep(window)
            out["cpu_share"] = (_cpu() - cpu0) / (time.perf_counter() - t0)
            out["stall_watch_ms"] = ticker.worst_since(n)
            out["rows"] = pane.table.row_count
    finally:
        await server.stop()
    return out


def _spread(values: list[float], scale: float = 1.0, fmt: str = ".0f") -> str:
    """min / median / max of ``values`` (times ``scale``)."""
    low, mid, high = (v * scale for v in (min(values), statistics.median(values), max(values)))
    return f"{low:{fmt}} / {mid:{fmt}} / {high:{fmt}}"


def inner(counts: list[int], window: float, presses: int) -> int:
    sys.path.append(str(ROOT))  # after PYTHONPATH: a checkout given there is measured
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    from wsexplorer.ui.app import route_logging

    route_logging()
    ref_lag, ref_cpu = asyncio.run(reference(window))
    print(f"reference (minimal Textual app, idle {window:g} s): worst tick late {ref_lag:.0f} ms, "
          f"CPU {ref_cpu * 100:.1f} % of a core")  # fmt: skip
    for count in counts:
        with Holders(count):
            r = asyncio.run(measure(count, window, 2.0, presses))
            print(
                f"{count:,} sockets: every row there {r['complete_s']:.2f} s after start "
                f"(the pane's part, from the full scan's arrival: {r['pane_s'] * 1000:.0f} ms; "
                f"goal < 500 ms at 50k); {r['rows']:.0f} rows in the table"
            )
            stalls, completes, cpu = r["stall_r_ms"], r["r_complete_s"], r["step_cpu_ms"]
            assert isinstance(stalls, list) and isinstance(completes, list)
            assert isinstance(cpu, list)
            print(
                f"{count:,} sockets: loop stall at start {r['stall_start_ms']:.0f} ms; on r, "
                f"min / median / max of {len(stalls)} presses: {_spread(stalls)} ms "
                f"(goal < 100 ms; reference {ref_lag:.0f} ms); the longest loop step's CPU "
                f"{_spread(cpu)} ms; r until complete {_spread(completes, fmt='.2f')} s"
            )
            if count > 10000:
                continue
            for watch in (1.0, 2.0, 0.0):
                w = r if watch == 2.0 else asyncio.run(measure(count, window, watch))
                what = f"every {watch:g} s" if watch else "off (reference)"
                print(
                    f"{count:,} sockets, watch {what}: CPU {w['cpu_share'] * 100:.1f} % of a "
                    f"core (goal <= 10 %; minimal Textual app {ref_cpu * 100:.1f} %), worst "
                    f"tick late {w['stall_watch_ms']:.0f} ms"
                )
    return 0


def outer(counts: list[int], window: float, presses: int) -> int:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("ip"):
        print("needs Linux, root and iproute2 (ip netns)", file=sys.stderr)
        return 2
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    worst = 0
    for count in counts:  # a fresh namespace each: no port left in TIME_WAIT by the last
        name = f"wsx-pane-{uuid.uuid4().hex[:8]}"
        subprocess.run(["ip", "netns", "add", name], check=True)
        try:
            subprocess.run(
                ["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True
            )
            cmd = ["ip", "netns", "exec", name, sys.executable, str(Path(__file__).resolve()),
                   "--inner", "--window", str(window), "--presses", str(presses),
                   "--sockets", str(count)]  # fmt: skip
            worst = max(worst, subprocess.run(cmd, cwd=ROOT, check=False).returncode)
        finally:
            subprocess.run(["ip", "netns", "delete", name], check=False)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return worst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sockets", type=int, nargs="+", default=[10000, 50000])
    ap.add_argument("--window", type=float, default=10.0)
    ap.add_argument("--presses", type=int, default=5, help="presses of r per size")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        return inner(args.sockets, args.window, args.presses)
    return outer(args.sockets, args.window, args.presses)


if __name__ == "__main__":
    sys.exit(main())
