#!/usr/bin/env python3
"""Median ratio of ``wsexplorer diagnose URL --json`` wall time to a bare websockets connect.

Both are whole processes started the same way (interpreter start-up included), run
alternately against the same real echo server (``wsexplorer serve`` on loopback), so the
machine's noise hits both alike. Goal (issue 3): at most 2.0.

    python benchmarks/bench_diagnose.py [--runs 9] [--url ws://localhost:PORT/subscribe]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time

from _env import child_env, wsexplorer_command  # benchmarks/_env.py (this folder is on sys.path)

BARE = (
    "import asyncio, sys\n"
    "from websockets.asyncio.client import connect\n"
    "async def main():\n"
    "    async with connect(sys.argv[1], open_timeout=5):\n"
    "        pass\n"
    "asyncio.run(main())\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _time(argv: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=child_env())
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {proc.stderr.strip()[:300]}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--url", help="an existing server's URL (default: start wsexplorer serve)")
    args = ap.parse_args()
    wsx = wsexplorer_command()
    server = None
    url = args.url
    if url is None:
        port = _free_port()
        server = subprocess.Popen(
            [*wsx, "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert server.stdout is not None
        server.stdout.readline()  # "listening on ..."
        url = f"ws://localhost:{port}/subscribe"
    try:
        bare_cmd = [sys.executable, "-c", BARE, url]
        diag_cmd = [*wsx, "diagnose", url, "--json"]
        _time(bare_cmd), _time(diag_cmd)  # warm the page cache
        bare, diag, ratios = [], [], []
        for i in range(args.runs):
            b = _time(bare_cmd)
            d = _time(diag_cmd)
            bare.append(b)
            diag.append(d)
            ratios.append(d / b)
            print(
                f"run {i + 1}: bare connect {b * 1000:7.1f} ms   diagnose {d * 1000:7.1f} ms"
                f"   ratio {d / b:.2f}"
            )
        print(
            f"median bare {statistics.median(bare) * 1000:.1f} ms, "
            f"median diagnose {statistics.median(diag) * 1000:.1f} ms"
        )
        print(
            f"median ratio diagnose / bare websockets connect: {statistics.median(ratios):.2f}"
            "  (goal <= 2.0)"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
