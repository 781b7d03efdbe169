#!/usr/bin/env python3
"""``wsexplorer diagnose URL --json`` next to a bare websockets connect, wall and CPU time.

Both sides are whole processes of the same interpreter (start-up and imports included):
the reference is ``python -c`` opening a websockets connection to the same local echo
server (``wsexplorer serve`` on loopback) and completing the opening handshake; wsexplorer
runs through the console script beside that interpreter (its shebang names it). Each
round runs both, in alternating order, so the machine's noise hits both alike; the
figure is the median of the per-round ratios, with min and max, of wall time and of CPU
time (user + system, from ``wait4``). Goal (issue 14): at most 1.2.

    python benchmarks/bench_diagnose.py [--runs 15] [--url ws://localhost:PORT/subscribe]
        [--baseline DIR]

``--baseline DIR`` also times another checkout's ``diagnose`` (``PYTHONPATH=DIR``, e.g. a
``git worktree`` of main) in the same rounds, the three commands in rotating order.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from _env import child_env, wsexplorer_command  # benchmarks/_env.py (this folder is on sys.path)
from _holders import descriptors_before

GOAL = 1.2

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


def _run(argv: list[str], pythonpath: str | None = None) -> tuple[float, float]:
    """Wall and CPU milliseconds of one whole process (its output read to the end)."""
    env = child_env()
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, env=env)
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000.0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        if code != 0:
            err.seek(0)
            text = (err.read() or out).decode(errors="replace").strip()[:300]
            raise SystemExit(f"{argv[0]} failed ({code}): {text}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000.0


def _spread(values: list[float], digits: int = 2) -> str:
    lo, mid, hi = min(values), statistics.median(values), max(values)
    return f"{lo:.{digits}f} / {mid:.{digits}f} / {hi:.{digits}f}"


def _same_interpreter(command: list[str]) -> None:
    """Refuse to compare two interpreters: the console script must start this one."""
    if command[0] == sys.executable:
        return
    with open(command[0], "rb") as fh:
        first = fh.readline().decode(errors="replace").strip()
    if first != f"#!{sys.executable}":
        raise SystemExit(f"{command[0]} starts {first[2:]!r}, not {sys.executable!r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--url", help="an existing server's URL (default: start wsexplorer serve)")
    ap.add_argument("--baseline", metavar="DIR", help="another checkout, timed in the same rounds")
    args = ap.parse_args()
    wsx = wsexplorer_command()
    _same_interpreter(wsx)
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
        print(f"interpreter {sys.executable}; wsexplorer: {' '.join(diag_cmd)}")
        print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        if server is not None and os.path.isdir("/proc"):
            walked = descriptors_before(server.pid)
            print(f"descriptors diagnose walks before the server's (lower pids): {walked:,}")
        base_dir = os.path.abspath(args.baseline) if args.baseline else None
        if base_dir is not None:
            print(f"baseline: the same command with PYTHONPATH={base_dir}")
        commands: list[tuple[str, list[str], str | None]] = [
            ("bare", bare_cmd, None),
            ("diagnose", diag_cmd, None),
        ]
        if base_dir is not None:
            commands.append(("baseline", diag_cmd, base_dir))
        for _, argv, path in commands:  # warm the page cache and the bytecode cache
            _run(argv, path)
        ms: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in commands}
        ratios: dict[str, tuple[list[float], list[float]]] = {
            name: ([], []) for name, _, _ in commands[1:]
        }
        for i in range(args.runs):
            shift = i % len(commands)
            for name, argv, path in commands[shift:] + commands[:shift]:
                ms[name].append(_run(argv, path))
            b = ms["bare"][-1]
            line = f"round {i + 1:2}: bare {b[0]:6.1f} ms wall {b[1]:6.1f} ms CPU"
            for name, (walls, cpus) in ratios.items():
                d = ms[name][-1]
                walls.append(d[0] / b[0])
                cpus.append(d[1] / b[1])
                line += f"   {name} {d[0]:6.1f} / {d[1]:6.1f} ms, CPU x{cpus[-1]:.2f}"
            print(line)
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        print("min / median / max over", args.runs, "rounds:")
        for name, runs in ms.items():
            label = "bare connect" if name == "bare" else f"{name} --json"
            print(f"  {label:20} wall {_spread([r[0] for r in runs], 1)} ms", end="")
            print(f"   CPU {_spread([r[1] for r in runs], 1)} ms")
        for name, (walls, cpus) in ratios.items():
            for kind, values in (("wall", walls), ("CPU ", cpus)):
                print(
                    f"  ratio {name} / bare websockets connect: {kind} {_spread(values)}"
                    f"  (goal <= {GOAL})"
                )
    finally:
        if server is not None:
            server.terminate()
            server.wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
