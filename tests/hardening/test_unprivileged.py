"""A non-root run while root owns the listener (issue 5, "Faults": other users' processes
are hidden). ``wsexplorer listeners`` and ``diagnose`` run as ``nobody`` (uid 65534, via
``setpriv``) against a ``wsexplorer serve`` started by root: the pid and process are
unknown (``null``), a note says why, nothing crashes. As root, the same scan names the
process, so it is the privilege that hides it.

``nobody`` needs an interpreter and packages it can read: this checkout's ``wsexplorer``
and its dependencies are copied into a world-readable temporary directory (as a user's
own virtualenv would hold them), since the test machine's site-packages may live under a
private home directory.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hardening._support import ServeProcess
from tests.support import ROOT, run_wsx

pytestmark = [pytest.mark.needs_root]

NOBODY = 65534
_DEPENDENCIES = ("websockets", "dns", "psutil", "rich", "idna")


def _as_nobody(python: str, site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", python]
    env = {"PYTHONPATH": str(site), "NO_COLOR": "1", "PATH": "/usr/bin:/bin", "HOME": str(site)}
    return subprocess.run(
        [*argv, *args], capture_output=True, text=True, timeout=60, env=env, cwd=site
    )


def _wsx_as_nobody(python: str, site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``wsexplorer ARGS`` as uid 65534. Not ``tests.support.run_wsx``: that user cannot
    read this checkout, so it runs the copy of its package in ``site``."""
    return _as_nobody(python, site, "-m", "wsexplorer", *args)


@pytest.fixture(scope="module")
def nobody_python() -> Iterator[tuple[str, Path]]:
    """``(interpreter, site)`` with which uid 65534 can run ``python -m wsexplorer``."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a command as another user")
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv (util-linux)")
    site = Path(tempfile.mkdtemp(prefix="wsx-nobody-"))
    try:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(ROOT / "wsexplorer", site / "wsexplorer", ignore=ignore)
        for name in _DEPENDENCIES:
            src = Path(importlib.import_module(name).__path__[0])
            shutil.copytree(src, site / src.name, ignore=ignore)
        for path in (site, *site.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644 | (path.stat().st_mode & 0o111))
        probe = (
            "import sys, wsexplorer, websockets, dns, psutil; assert sys.version_info >= (3, 11)"
        )
        for python in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
            if Path(python).exists() and _as_nobody(python, site, "-c", probe).returncode == 0:
                yield python, site
                return
        pytest.skip("no interpreter that uid 65534 can run with the copied packages")
    finally:
        shutil.rmtree(site, ignore_errors=True)


def test_hidden_processes_are_unknown_with_a_note(nobody_python: tuple[str, Path]) -> None:
    python, site = nobody_python
    with ServeProcess() as server:  # root's echo server on 127.0.0.1
        port = str(server.port)
        url = f"ws://127.0.0.1:{port}/subscribe"
        as_root, _ = run_wsx("listeners", "--port", port, "--json")
        listed = _wsx_as_nobody(python, site, "listeners", "--port", port, "--json")
        table = _wsx_as_nobody(python, site, "listeners", "--port", port)
        report = _wsx_as_nobody(python, site, "diagnose", url, "--json")
        text = _wsx_as_nobody(python, site, "diagnose", url)
        server_pid = server.proc.pid
    for done in (listed, table, report, text):
        assert "Traceback" not in done.stderr, done.stderr
    # Root sees the owner.
    root_rows = json.loads(as_root.stdout)["listeners"]
    assert [(r["pid"], r["uid"]) for r in root_rows] == [(server_pid, 0)]

    # nobody: the socket and what it accepts, but no pid, no process, and a note.
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    rows = data["listeners"]
    assert [(r["address"], r["accepts"], r["pid"], r["process"]) for r in rows] == [
        ("127.0.0.1", ["ipv4"], None, None)
    ]
    assert any("other users' processes could not be inspected" in n for n in data["notes"])
    assert any("run as root to see them" in n for n in data["notes"])
    assert table.returncode == 0
    assert f"127.0.0.1:{port}" in table.stdout and "unknown" in table.stdout
    assert "note: 1 socket(s) have no process" in table.stdout

    # diagnose still measures and predicts; the unknown process is noted, not guessed.
    assert report.returncode == 0, report.stdout[-2000:] + report.stderr
    d = json.loads(report.stdout)
    assert [(x["pid"], x["process"]) for x in d["listeners"]] == [(None, None)]
    assert d["handshake"]["status"] == 101
    assert all(c["outcome"] == "connects" for c in d["clients"])
    note = (
        f"the process behind 127.0.0.1:{port} is unknown: usually another user's, whose "
        "/proc/PID/fd only its owner and root can read; run as root to see it"
    )
    assert note in d["notes"]
    assert text.returncode == 0
    assert f"note: {note}" in text.stdout
    row = next(x for x in text.stdout.splitlines() if x.startswith(f"  tcp  127.0.0.1:{port}"))
    assert row.endswith("unknown"), row
