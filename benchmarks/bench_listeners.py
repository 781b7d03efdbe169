"""Benchmark: ``wsexplorer listeners --all --json`` against ``ss`` and psutil, 1k to 100k sockets.

The listeners command (docs/json.md#schema-listeners) should cost at most 0.8 x
``ss -ltnpH`` (which also maps sockets to processes) at 10,000 listening TCP sockets, and at
most 1.0 x at 1,000 (issue 14). This script, per size:

1. creates a fresh network namespace (the host is not disturbed and the ports are free) and
   re-runs itself inside it with ``ip netns exec``;
2. opens the sockets in holder processes of at most 15,000 sockets each (a process may
   not hold more descriptors than the open-file hard limit, 20,000 here). Up to 30,000
   sockets are wildcards, a third each on ``0.0.0.0``, ``::`` dual-stack (``IPV6_V6ONLY=0``)
   and ``::`` v6only, on ports 10000+; the rest are IPv4 on ``127.0.0.2``, ``127.0.0.3``...,
   25,000 ports 40000+ per address (there are only 65,535 ports);
3. runs each command N times as a whole process, interleaved (the order reversed every
   other round): ``ss -ltnpH`` (reference), ``wsexplorer listeners --all --json`` as a
   user runs it, ``ss -ltnH``, a ``psutil.net_connections`` one-liner and the bare
   interpreter. Each run's wall time, CPU time (user + system, from ``wait4``) and peak
   memory (GNU time's ``%M``) are recorded;
4. checks wsexplorer's JSON lists every socket with the right family, address, v6only,
   accepts and holder pid (and, with ``--baseline``, that both checkouts print the same
   bytes), and prints min/median/max and the ratios next to their goals.

"As a user runs it" is the console script of a venv built the README's way
(``python3 -m venv``, then ``pip install`` of the checkout, not editable: see
``_venv.py``, which also checks the venv's modules are the checkout's, byte for byte).
``--venv DIR`` keeps or reuses that venv (``--baseline-venv DIR`` the baseline's);
without it a temporary one is built (~20 s) and deleted. The same command through the
console script beside this interpreter, with ``PYTHONPATH`` on the checkout, is timed
too, for context: an interpreter with ``.pth`` files of its own (pyenv here, with a
sandbox's) starts several times slower than a venv's, which would be timed as wsexplorer.

The machine may be shared: wall time then measures the neighbours too, CPU time much
less so. Both are printed; read the CPU ratio when the wall figures spread widely.

Needs root and iproute2. Usage::

    python benchmarks/bench_listeners.py [--sockets 10000] [--runs 7]
    python benchmarks/bench_listeners.py --scaling [--runs 5]   # 1k, 10k, 50k, 100k
    python benchmarks/bench_listeners.py --scaling --baseline ../wt-old   # before/after
    python benchmarks/bench_listeners.py --scaling --venv /tmp/v-new \
        --baseline ../wt-old --baseline-venv /tmp/v-old   # venvs kept between runs

Exit status: 0 if the correctness checks passed (whatever the timing), 1 if one did not,
2 if it cannot run here (no root, no ``ip``, pip cannot build the venv, no console
script beside this interpreter for the context line: ``pip install -e .``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _env import child_env  # benchmarks/_env.py (this folder is on sys.path)
from _holders import Holders, descriptors_before, expected_row  # benchmarks/_holders.py
from _run import Run, run_command  # benchmarks/_run.py
from _venv import Venv, installed, venv_env  # benchmarks/_venv.py

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
SCALING = (1000, 10000, 50000, 100000)
MAX_SOCKETS = 200000
GOALS = {1000: 1.0, 10000: 0.8}  # wsexplorer / ss -ltnpH (issue 14)
REFERENCE = "ss -ltnpH"
HERE = "wsexplorer (this python)"  # context: the console script beside this interpreter
PSUTIL_ONE_LINER = (
    "import psutil; "
    "print(sum(1 for c in psutil.net_connections('tcp') if c.status == psutil.CONN_LISTEN))"
)


def _wsexplorer_command(env: dict[str, str]) -> list[str] | None:
    """``wsexplorer listeners --all --json`` through the console script beside this
    interpreter (not a shim found on PATH), or ``None`` if it is missing or does not run."""
    script = Path(sys.executable).parent / "wsexplorer"
    if not script.is_file():
        return None
    probe = subprocess.run(
        [str(script), "listeners", "--help"],
        capture_output=True,
        timeout=60,
        check=False,
        env=env,
    )
    if probe.returncode != 0:
        return None
    return [str(script), "listeners", "--all", "--json"]


def _check(stdout: str, holders: Holders) -> list[str]:
    """Every socket listed once, with family/address/v6only/accepts/pid as opened."""
    problems: list[str] = []
    doc = json.loads(stdout)
    tcp = [row for row in doc["listeners"] if row["protocol"] == "tcp"]
    if len(tcp) != holders.count:
        problems.append(f"expected {holders.count} TCP listeners, got {len(tcp)}")
    by_key = {(row["address"], row["port"]): row for row in tcp}
    wrong = 0
    for i in range(holders.count):
        address, port, want = expected_row(i)
        row = by_key.get((address, port))
        if row is None:
            wrong += 1
            continue
        got = (row["family"], row["address"], row["v6only"], row["accepts"])
        if got != want or row["pid"] != holders.pid_of(i):
            wrong += 1
            if wrong <= 3:
                problems.append(f"{address} {port}: got {got} pid {row['pid']}, want {want}")
    if wrong:
        problems.append(f"{wrong} socket(s) wrong or missing")
    ports = [row["port"] for row in doc["listeners"]]
    if ports != sorted(ports):
        problems.append("listeners are not sorted by port")
    return problems


def _spread(values: list[float]) -> str:
    return f"{min(values):8.1f} {statistics.median(values):8.1f} {max(values):8.1f}"


def _ratio(runs: dict[str, list[Run]], name: str, field: str) -> float:
    """The median of the per-round ratios name / ss -ltnpH (rounds are interleaved)."""
    pairs = zip(runs[name], runs[REFERENCE], strict=True)
    return float(statistics.median(getattr(a, field) / getattr(b, field) for a, b in pairs))


def inner(count: int, runs: int, options: argparse.Namespace) -> int:
    """Inside the namespace: open the sockets, time the commands, check the output."""
    here_env = child_env(not options.as_is)
    # The console script imports whichever copy pip installed; time this checkout's.
    here_env["PYTHONPATH"] = str(ROOT)
    here_cmd = _wsexplorer_command(here_env)
    if here_cmd is None:
        print(f"no working wsexplorer console script beside {sys.executable}", file=sys.stderr)
        return 2
    venv = Venv(Path(options.venv), ROOT)
    base = Venv(Path(options.baseline_venv), Path(options.baseline)) if options.baseline else None
    t0 = time.perf_counter()
    with Holders(count) as holders:
        before = descriptors_before(min(holders.pids))
        print(
            f"\n=== {count} sockets: opened in {time.perf_counter() - t0:.1f} s by "
            f"{len(holders.pids)} holder process(es); {before} descriptors in processes "
            "of lower pids (both walks read them); load average "
            + " ".join(f"{x:.2f}" for x in os.getloadavg())
        )
        commands = _commands(venv, base, here_cmd, here_env)
        return _measure(count, runs, holders, commands, options.result_file)


Command = tuple[list[str], dict[str, str]]


def _commands(
    venv: Venv, base: Venv | None, here_cmd: list[str], here_env: dict[str, str]
) -> dict[str, Command]:
    plain = venv_env()
    listeners = ["listeners", "--all", "--json"]
    commands: dict[str, Command] = {
        REFERENCE: (["ss", "-ltnpH"], plain),
        "wsexplorer": ([str(venv.script), *listeners], plain),
        "ss -ltnH": (["ss", "-ltnH"], plain),
        "psutil": ([str(venv.python), "-c", PSUTIL_ONE_LINER], plain),
        # For context: what the venv's interpreter alone costs to start.
        "python": ([str(venv.python), "-c", "pass"], plain),
        HERE: (here_cmd, here_env),
        "python (this python)": ([sys.executable, "-c", "pass"], here_env),
    }
    if base is not None:  # another checkout (e.g. before a change), interleaved with this one
        commands["baseline"] = ([str(base.script), *listeners], plain)
    return commands


def _measure(
    count: int,
    runs: int,
    holders: Holders,
    commands: dict[str, Command],
    result_file: str | None,
) -> int:
    # Correctness first (also warms the page cache for every command).
    ss_lines = len([line for line in run_command(*commands[REFERENCE]).stdout.splitlines() if line])
    ours = run_command(*commands["wsexplorer"]).stdout
    problems = _check(ours, holders)
    if ss_lines != count:
        problems.append(f"ss -ltnpH printed {ss_lines} lines, expected {count}")
    for name in ("baseline", HERE):
        if name in commands and run_command(*commands[name]).stdout != ours:
            problems.append(f"{name} printed other JSON than wsexplorer (the venv's)")
    for name in ("ss -ltnH", "psutil", "python", "python (this python)"):
        run_command(*commands[name])

    names = list(commands)
    results: dict[str, list[Run]] = {name: [] for name in names}
    for r in range(runs):
        for name in names if r % 2 == 0 else names[::-1]:
            results[name].append(run_command(*commands[name]))

    print(
        f"{'':26}{'wall ms: min   median      max':>30}  {'CPU ms: min   median      max':>30}  peak RSS"
    )
    for name in names:
        walls = [run.wall for run in results[name]]
        cpus = [run.cpu for run in results[name]]
        rss = max(run.rss for run in results[name])
        print(f"{name:<26}{_spread(walls):>30}  {_spread(cpus):>30}  {rss:6.1f} MB")
    goal = GOALS.get(count)
    goal_text = f"goal <= {goal}" if goal is not None else "no goal at this size"
    load = os.getloadavg()[0]
    summary: dict[str, object] = {"sockets": count, "runs": runs, "goal": goal, "load": load}
    for field in ("wall", "cpu"):
        ratio = _ratio(results, "wsexplorer", field)
        met = "" if goal is None else ("  met" if ratio <= goal else "  NOT MET")
        print(f"wsexplorer (venv) / ss -ltnpH, {field:<4} (median of round ratios): {ratio:5.2f}  "
              f"({goal_text}){met}")  # fmt: skip
        summary[f"ratio_{field}"] = ratio
    for name in ("baseline", HERE):
        if name in results:
            ratio = _ratio(results, name, "cpu")
            print(f"{name} / ss -ltnpH, cpu: {ratio:5.2f}")
            summary[f"{'baseline' if name == 'baseline' else 'here'}_ratio_cpu"] = ratio
    for name in ("ss -ltnH", "psutil"):
        print(f"context: wsexplorer / {name:<9} CPU {_ratio_to(results, name):5.2f}")
    print(f"load average at the end: {load:.2f}")
    summary["median_ms"] = {
        name: {field: round(statistics.median(getattr(run, field) for run in rs), 1)
               for field in ("wall", "cpu")}
        for name, rs in results.items()
    }  # fmt: skip
    summary["peak_rss_mb"] = {
        name: round(max(r.rss for r in rs), 1) for name, rs in results.items()
    }
    if result_file:
        with open(result_file, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(summary) + "\n")
    if problems:
        print("CORRECTNESS CHECK FAILED:\n  " + "\n  ".join(problems))
        return 1
    print(f"correctness: all {count} sockets listed with the right family, address, v6only, "
          "accepts and holder pid; every wsexplorer command printed the same bytes")  # fmt: skip
    return 0


def _ratio_to(results: dict[str, list[Run]], name: str) -> float:
    pairs = zip(results["wsexplorer"], results[name], strict=True)
    return statistics.median(a.cpu / b.cpu for a, b in pairs)


def outer(counts: list[int], runs: int, args: argparse.Namespace) -> int:
    """Build or check the venvs, then per size: create a namespace, run :func:`inner`
    inside it, always delete it."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("ip"):
        print("needs Linux, root and iproute2 (ip netns)", file=sys.stderr)
        return 2
    made: list[Path] = []  # temporary venvs, deleted at the end
    try:
        venv = _venv_for(ROOT, args.venv, made)
        base = _venv_for(Path(args.baseline), args.baseline_venv, made) if args.baseline else None
        return _sizes(counts, runs, args, venv, base)
    finally:
        for path in made:
            shutil.rmtree(path, ignore_errors=True)


def _venv_for(checkout: Path, directory: str | None, made: list[Path]) -> Venv:
    venv = installed(checkout, Path(directory) if directory else None)
    if directory is None:
        made.append(venv.dir)
    print(f"{checkout}: timed through {venv.script} (its modules checked against the checkout)")
    return venv


def _sizes(
    counts: list[int], runs: int, args: argparse.Namespace, venv: Venv, base: Venv | None
) -> int:
    worst = 0
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as results:
        for count in counts:
            name = f"wsx-bench-{uuid.uuid4().hex[:8]}"
            subprocess.run(["ip", "netns", "add", name], check=True)
            try:
                subprocess.run(
                    ["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True
                )
                cmd = [
                    "ip", "netns", "exec", name,
                    sys.executable, str(Path(__file__).resolve()),
                    "--inner", "--sockets", str(count), "--runs", str(runs),
                    "--result-file", results.name, "--venv", str(venv.dir),
                ] + (["--as-is"] if args.as_is else []) + (
                    ["--baseline", str(base.checkout), "--baseline-venv", str(base.dir)]
                    if base else []
                )  # fmt: skip
                code = subprocess.run(cmd, cwd=ROOT, check=False).returncode
            finally:
                subprocess.run(["ip", "netns", "delete", name], check=False)
            if code == 2:
                return 2
            worst = max(worst, code)
        _summary([json.loads(line) for line in results.read().splitlines() if line])
    return worst


def _summary(rows: list[dict[str, object]]) -> None:
    if len(rows) < 2:
        return
    print("\n=== scaling: wsexplorer (venv) / ss -ltnpH (median of round ratios), medians in ms")
    print("sockets  wall  CPU   goal   | CPU ms: wsexplorer  ss -ltnpH  ss -ltnH  psutil  python | "
          "peak RSS MB: wsexplorer  ss -ltnpH  psutil | load")  # fmt: skip
    for row in rows:
        med: dict[str, dict[str, float]] = row["median_ms"]  # type: ignore[assignment]
        rss: dict[str, float] = row["peak_rss_mb"]  # type: ignore[assignment]
        goal = row["goal"]
        extra = [
            f"{label} CPU ratio {row[key]:4.2f}"
            for key, label in (
                ("baseline_ratio_cpu", "baseline"),
                ("here_ratio_cpu", "this python"),
            )
            if key in row
        ]
        print(
            f"{row['sockets']:>7}  {row['ratio_wall']:4.2f}  {row['ratio_cpu']:4.2f}  "
            f"{'<= ' + str(goal) if goal is not None else '-':<6} | "
            f"{med['wsexplorer']['cpu']:>18} {med[REFERENCE]['cpu']:>10} "
            f"{med['ss -ltnH']['cpu']:>9} {med['psutil']['cpu']:>7} {med['python']['cpu']:>7} | "
            f"{rss['wsexplorer']:>23} {rss[REFERENCE]:>10} {rss['psutil']:>7} | "
            f"{row['load']:4.2f}" + "".join(f" | {text}" for text in extra)
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sockets", type=int, default=10000)
    parser.add_argument("--scaling", action="store_true", help="run at 1k, 10k, 50k and 100k")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as set for the context line (this interpreter)",
    )
    parser.add_argument(
        "--venv",
        metavar="DIR",
        help="the venv to build (or reuse) for this checkout; default: a temporary one",
    )
    parser.add_argument(
        "--baseline",
        metavar="DIR",
        help="also time another checkout's listeners (installed in its own venv), interleaved",
    )
    parser.add_argument("--baseline-venv", metavar="DIR", help="the venv for --baseline")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.sockets <= MAX_SOCKETS:
        parser.error(f"--sockets must be 1-{MAX_SOCKETS}")
    if args.baseline_venv and not args.baseline:
        parser.error("--baseline-venv needs --baseline")
    if args.inner:
        return inner(args.sockets, args.runs, args)
    counts = list(SCALING) if args.scaling else [args.sockets]
    if args.baseline:
        args.baseline = str(Path(args.baseline).resolve())
    return outer(counts, args.runs, args)


if __name__ == "__main__":
    sys.exit(main())
