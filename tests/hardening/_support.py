"""Helpers of the hardening tests: start the hostile peer or ``wsexplorer serve``, watch
the event loop and a process's memory.

Running the CLI, free ports and stopping processes are ``tests/support.py``'s, shared by
every test folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support import ROOT, stop_process, wsx_argv, wsx_env

__all__ = [
    "HOSTILE_PEER",
    "LoopLag",
    "ServeProcess",
    "fd_count",
    "hostile_peer",
    "rss_kib",
]

HOSTILE_PEER = Path(__file__).resolve().parent / "hostile_peer.py"
_LISTENING = re.compile(r"listening on (?:\[[0-9a-f:.]+\]|[0-9.]+):(\d+)")


@contextlib.contextmanager
def hostile_peer(mode: str, script: Path = HOSTILE_PEER) -> Iterator[int]:
    """Run ``script MODE`` (``hostile_peer.py`` by default) on 127.0.0.1 and yield the
    port it prints; killed on exit."""
    proc = subprocess.Popen(
        [sys.executable, str(script), mode],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "WS_PEER_MAX_SECONDS": "120"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.isdigit(), f"hostile peer {mode} did not start: {line!r}"
        yield int(line)
    finally:
        stop_process(proc, sig=signal.SIGKILL)
        if proc.stdout is not None:
            proc.stdout.close()


class ServeProcess:
    """``wsexplorer serve ARGS`` as a real subprocess on loopback (port 0 unless given).

    Attributes:
        proc: the process (its pid is the server's: no shell in between).
        port: the port it printed.
        banner: every stdout line up to and including the caps line.
        lines: the stdout lines after the banner (events such as "dropped ..."), read by a
            thread so a chatty server never blocks on a full pipe.
    """

    def __init__(self, *args: str, start_timeout: float = 30) -> None:
        argv = wsx_argv("serve", *(args if "--port" in args else (*args, "--port", "0")))
        self.proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=wsx_env(),
            cwd=ROOT,
        )
        self.banner: list[str] = []
        self.port = 0
        deadline = time.monotonic() + start_timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.banner.append(line.rstrip("\n"))
            match = _LISTENING.search(line)
            if match and not self.port:
                self.port = int(match.group(1))
            if line.startswith("echo server;"):
                break
        if not self.port:
            self.stop()
            raise AssertionError(f"serve did not start: {self.banner} {self.stderr_text()}")
        self.lines: list[str] = []
        self._drain = threading.Thread(target=self._read_lines, daemon=True)
        self._drain.start()

    def _read_lines(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, fragment: str, timeout: float = 30) -> str:
        """The first stdout line after the banner containing ``fragment`` (hang guard:
        ``timeout`` seconds, then AssertionError)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if fragment in line:
                    return line
            time.sleep(0.05)
        raise AssertionError(f"no line with {fragment!r} in {self.lines[-20:]}")

    def stderr_text(self) -> str:
        """What the server wrote on stderr (only after :meth:`stop`)."""
        if self.proc.poll() is None or self.proc.stderr is None:
            return ""
        return self.proc.stderr.read()

    def stop(self) -> int:
        """Ctrl-C the server (SIGINT), wait, and return its exit status."""
        stop_process(self.proc, grace=15, sig=signal.SIGINT)
        return int(self.proc.returncode)

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._drain.join(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def fd_count(pid: int) -> int:
    """How many file descriptors ``pid`` holds (entries of ``/proc/PID/fd``)."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kib(pid: int) -> int:
    """``VmRSS`` of ``pid`` in KiB, from ``/proc/PID/status`` (proc(5))."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


class LoopLag:
    """A ticker task that measures how late the event loop wakes it (a responsiveness guard).

    Use as ``async with LoopLag() as lag: ...``; then ``lag.worst`` is the largest delay
    past the requested 10 ms sleep, in seconds, and ``lag.ticks`` how often it ran.
    """

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.worst = 0.0
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.worst = max(self.worst, time.perf_counter() - start - self.interval)
            self.ticks += 1

    async def __aenter__(self) -> LoopLag:
        self._task = asyncio.create_task(self._tick())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
