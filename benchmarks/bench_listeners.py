"""Benchmark: ``wsexplorer listeners --all --json`` against ``ss -ltnpH`` on 10,000 sockets.

The listeners command (docs/json.md#schema-listeners) should be as fast as ``ss -ltnpH``
(which also maps sockets to processes) for 10,000 listening TCP sockets. This script:

1. creates a fresh network namespace (so the host is not disturbed and 10,000 loopback
   ports are free) and re-runs itself inside it with ``ip netns exec``;
2. raises ``RLIMIT_NOFILE`` and opens the sockets, a third each on ``0.0.0.0``, ``::``
   dual-stack (``IPV6_V6ONLY=0``) and ``::`` v6only;
3. runs, alternating, each command N times as a whole process: ``ss -ltnpH`` (reference),
   ``wsexplorer listeners --all --json`` through the ``wsexplorer`` console script beside
   this interpreter (not a shim found on PATH, which would add its own start-up to every
   run), and for context ``ss -ltnH``, a ``psutil.net_connections`` one-liner and the bare
   interpreter;
4. checks wsexplorer's JSON lists every socket with the right family, address, v6only,
   accepts and pid, and prints each run, the medians and the ratios.

Needs root and iproute2. Usage::

    python benchmarks/bench_listeners.py [--sockets 10000] [--runs 7]

Exit status: 0 if the correctness check passed (whatever the timing), 1 if it did not,
2 if it cannot run here (no root, no ``ip``, no console script: ``pip install -e .``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from _env import child_env  # benchmarks/_env.py (this folder is on sys.path)

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
FIRST_PORT = 10000
PSUTIL_ONE_LINER = (
    "import psutil; "
    "print(sum(1 for c in psutil.net_connections('tcp') if c.status == psutil.CONN_LISTEN))"
)


def _kind(i: int) -> str:
    return ("any4", "dual", "v6only")[i % 3]


def _open_sockets(count: int) -> list[socket.socket]:
    need = count + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        new_hard = hard if hard == resource.RLIM_INFINITY or hard >= need else need
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, new_hard))
    socks = []
    for i in range(count):
        kind = _kind(i)
        if kind == "any4":
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("0.0.0.0", FIRST_PORT + i))
        else:
            sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(kind == "v6only"))
            sock.bind(("::", FIRST_PORT + i))
        sock.listen(1)
        socks.append(sock)
    return socks


def _wsexplorer_command() -> list[str] | None:
    """``wsexplorer listeners --all --json`` through the console script beside this
    interpreter, or ``None`` if that script is missing or does not run."""
    script = Path(sys.executable).parent / "wsexplorer"
    if not script.is_file():
        return None
    probe = subprocess.run(
        [str(script), "listeners", "--help"], capture_output=True, timeout=60, check=False
    )
    if probe.returncode != 0:
        return None
    return [str(script), "listeners", "--all", "--json"]


_ENV: dict[str, str] = dict(os.environ)


def _run(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=_ENV, check=False)
    elapsed = (time.perf_counter() - start) * 1000.0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
    return elapsed, proc.stdout


def _check(stdout: str, count: int) -> list[str]:
    """Every socket listed once, with family/address/v6only/accepts/pid as opened."""
    problems: list[str] = []
    doc = json.loads(stdout)
    tcp = [row for row in doc["listeners"] if row["protocol"] == "tcp"]
    if len(tcp) != count:
        problems.append(f"expected {count} TCP listeners, got {len(tcp)}")
    expected = {
        "any4": ("ipv4", "0.0.0.0", None, ["ipv4"]),
        "dual": ("ipv6", "::", False, ["ipv4", "ipv6"]),
        "v6only": ("ipv6", "::", True, ["ipv6"]),
    }
    by_port = {row["port"]: row for row in tcp}
    wrong = 0
    for i in range(count):
        row = by_port.get(FIRST_PORT + i)
        want = expected[_kind(i)]
        if row is None:
            wrong += 1
            continue
        got = (row["family"], row["address"], row["v6only"], row["accepts"])
        if got != want or row["pid"] != os.getpid():
            wrong += 1
            if wrong <= 3:
                problems.append(f"port {FIRST_PORT + i}: got {got} pid {row['pid']}, want {want}")
    if wrong:
        problems.append(f"{wrong} socket(s) wrong or missing")
    ports = [row["port"] for row in doc["listeners"]]
    if ports != sorted(ports):
        problems.append("listeners are not sorted by port")
    return problems


def inner(count: int, runs: int, bytecode_cache: bool) -> int:
    """Inside the namespace: open the sockets, time the commands, check the output."""
    global _ENV
    _ENV = child_env(bytecode_cache)
    # The console script imports whichever copy pip installed; time this checkout's.
    _ENV["PYTHONPATH"] = str(ROOT)
    print(
        "bytecode cache: "
        + (f"on ({_ENV['PYTHONPYCACHEPREFIX']})" if bytecode_cache else "as the environment says")
        + f"; PYTHONDONTWRITEBYTECODE={_ENV.get('PYTHONDONTWRITEBYTECODE', '(unset)')}"
    )
    t0 = time.perf_counter()
    socks = _open_sockets(count)
    print(f"opened {len(socks)} listening sockets in {(time.perf_counter() - t0):.1f} s")
    ours_cmd = _wsexplorer_command()
    if ours_cmd is None:
        print(f"no working wsexplorer console script beside {sys.executable}", file=sys.stderr)
        return 2
    commands = {
        "ss -ltnpH": ["ss", "-ltnpH"],
        "wsexplorer": ours_cmd,
        "ss -ltnH": ["ss", "-ltnH"],
        "psutil": [sys.executable, "-c", PSUTIL_ONE_LINER],
        # For context: what the interpreter alone costs to start (site, .pth files included).
        "python": [sys.executable, "-c", "pass"],
    }
    print(f"wsexplorer command: {' '.join(ours_cmd)}")

    # Correctness first (also warms the page cache for every command).
    _, ss_out = _run(commands["ss -ltnpH"])
    ss_lines = len([line for line in ss_out.splitlines() if line.strip()])
    _, ours_out = _run(ours_cmd)
    problems = _check(ours_out, count)
    if ss_lines != count:
        problems.append(f"ss -ltnpH printed {ss_lines} lines, expected {count}")
    for name in ("ss -ltnH", "psutil", "python"):
        _run(commands[name])

    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for r in range(runs):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            elapsed, _ = _run(commands[name])
            times[name].append(elapsed)
        print(f"run {r + 1}: " + "  ".join(f"{n} {times[n][-1]:7.1f} ms" for n in names))

    med = {name: statistics.median(values) for name, values in times.items()}

    def median_ratio(name: str) -> float:
        pairs = zip(times[name], times["ss -ltnpH"], strict=True)
        return statistics.median(ours / ref for ours, ref in pairs)

    print()
    for name in names:
        print(f"median {name:<11} {med[name]:7.1f} ms   (min {min(times[name]):7.1f} ms)")
    print()
    print(f"median ratio wsexplorer / ss -ltnpH : {median_ratio('wsexplorer'):.2f}  (goal <= 1.0)")
    print(f"ratio of medians wsexplorer / ss -ltnpH : {med['wsexplorer'] / med['ss -ltnpH']:.2f}")
    print(f"context: wsexplorer / ss -ltnH : {med['wsexplorer'] / med['ss -ltnH']:.2f}")
    print(f"context: wsexplorer / psutil   : {med['wsexplorer'] / med['psutil']:.2f}")
    print()
    if problems:
        print("CORRECTNESS CHECK FAILED:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(
        f"correctness: all {count} sockets listed with the right family, address, v6only, "
        "accepts and pid"
    )
    return 0


def outer(count: int, runs: int, bytecode_cache: bool) -> int:
    """Create the namespace, run :func:`inner` inside it, always delete the namespace."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("ip"):
        print("needs Linux, root and iproute2 (ip netns)", file=sys.stderr)
        return 2
    name = f"wsx-bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True)
        cmd = [
            "ip", "netns", "exec", name,
            sys.executable, str(Path(__file__).resolve()),
            "--inner", "--sockets", str(count), "--runs", str(runs),
        ] + ([] if bytecode_cache else ["--as-is"])  # fmt: skip
        return subprocess.run(cmd, cwd=ROOT, check=False).returncode
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sockets", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as set (no bytecode cache for wsexplorer modules)",
    )
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.sockets <= 50000:
        parser.error("--sockets must be 1-50000")
    if args.inner:
        return inner(args.sockets, args.runs, not args.as_is)
    return outer(args.sockets, args.runs, not args.as_is)


if __name__ == "__main__":
    sys.exit(main())
