"""One way to do each chore in the tests: run the CLI, find a free port, stop a process.

Every ``wsexplorer`` subprocess runs this checkout's package (``python -m wsexplorer`` with
``PYTHONPATH`` set to the repository root), so a test exercises the code beside it even
where another copy is installed; tmux tests get the same command as one shell string.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "ROOT",
    "SYSTEM_PYTHON",
    "free_port",
    "run_python",
    "run_wsx",
    "stop_process",
    "system_python_unusable",
    "wsx_argv",
    "wsx_env",
    "wsx_shell",
]

ROOT = Path(__file__).resolve().parents[1]


def wsx_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a ``wsexplorer`` subprocess: this checkout first, no colour."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return {**env, **(extra or {})}


def wsx_argv(*args: str) -> list[str]:
    """``python -m wsexplorer ARGS`` with this interpreter (run it with :func:`wsx_env`)."""
    return [sys.executable, "-m", "wsexplorer", *args]


def wsx_shell(*args: str, prefix: Sequence[str] = ()) -> str:
    """:func:`wsx_argv` as one shell command, ``PYTHONPATH`` included (for tmux).

    ``prefix`` goes between the environment and the interpreter, e.g.
    ``("ip", "netns", "exec", NAME)``.
    """
    return shlex.join(["env", f"PYTHONPATH={ROOT}", *prefix, *wsx_argv(*args)])


def run_python(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (dedented) in a fresh interpreter of this checkout (per-process state:
    the modules imported, the garbage collector)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=wsx_env(),
    )


def run_wsx(
    *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``wsexplorer ARGS`` here (not in a namespace); returns the result and wall time.

    ``env`` adds to :func:`wsx_env`. ``timeout`` is a hang guard only: when it fires the
    test fails with TimeoutExpired.
    """
    start = time.monotonic()
    done = subprocess.run(
        wsx_argv(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=wsx_env(env),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return done, time.monotonic() - start


def free_port(address: str = "127.0.0.1", *, udp: bool = False) -> int:
    """A TCP port free on ``address`` right now (and for UDP too with ``udp``).

    Another process may take it before the caller binds it; tests that can bind port 0
    themselves should.
    """
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    while True:
        with socket.socket(family, socket.SOCK_STREAM) as tcp:
            tcp.bind((address, 0))
            port = int(tcp.getsockname()[1])
            if not udp:
                return port
            with socket.socket(family, socket.SOCK_DGRAM) as dgram:
                try:
                    dgram.bind((address, port))
                except OSError:
                    continue
                return port


def stop_process(
    proc: subprocess.Popen[Any], grace: float = 5.0, sig: int = signal.SIGTERM
) -> int | None:
    """Stop ``proc``: send ``sig`` (SIGTERM; its whole process group if it leads one),
    wait up to ``grace`` seconds, then SIGKILL and wait again. Idempotent.

    Returns:
        The exit status, or ``None`` if it could not be reaped.
    """
    for signum in (sig, signal.SIGKILL):
        if proc.poll() is not None:
            break
        try:
            if _leads_group(proc.pid):
                os.killpg(proc.pid, signum)
            else:
                proc.send_signal(signum)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        break
    return proc.poll()


def _leads_group(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except OSError:
        return False


SYSTEM_PYTHON = Path("/usr/bin/python3")
"""Debian's own interpreter (PEP 668): the install tests make a venv with it."""


def system_python_unusable() -> str | None:
    """Why :data:`SYSTEM_PYTHON` cannot make a venv for the install tests, or ``None``."""
    if not SYSTEM_PYTHON.exists():
        return f"{SYSTEM_PYTHON} does not exist"
    probe = subprocess.run(
        [
            str(SYSTEM_PYTHON),
            "-c",
            "import venv, ensurepip, sys; print(sys.version_info >= (3, 11))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.stdout.strip() != "True":
        return (
            f"{SYSTEM_PYTHON} has no venv/ensurepip or is older than 3.11: {probe.stderr.strip()}"
        )
    return None
