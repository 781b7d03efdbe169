"""One timed whole-process run for the benchmarks: wall and CPU time, peak memory, stdout."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["GNU_TIME", "Run", "run_command"]

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


class Run:
    """One whole-process run: wall and CPU milliseconds, peak RSS in MB, its stdout."""

    __slots__ = ("cpu", "rss", "stdout", "wall")

    def __init__(self, wall: float, cpu: float, rss: float, stdout: str) -> None:
        self.wall, self.cpu, self.rss, self.stdout = wall, cpu, rss, stdout


def run_command(cmd: list[str], env: dict[str, str]) -> Run:
    """Run ``cmd`` to the end. Peak memory comes from GNU time's ``%M`` where it is
    installed: a child forked straight from this process inherits the parent's high-water
    mark across ``exec`` (Linux keeps ``maxrss``), so its own ``ru_maxrss`` would read as
    this process's size for every command."""
    with tempfile.NamedTemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=subprocess.PIPE, stderr=err, cwd="/", env=env)
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000.0
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        if proc.returncode != 0:
            text = Path(err.name).read_text(errors="replace").strip()[:500]
            raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {text}")
        kib = int(rss.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
    cpu = (usage.ru_utime + usage.ru_stime) * 1000.0
    return Run(wall, cpu, kib / 1024.0, out.decode())
