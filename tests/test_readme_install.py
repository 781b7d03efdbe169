"""The README's install command, run as a new user would: in a fresh clone, with the
distribution's own Python (Debian's is "externally managed", PEP 668, and refuses a plain
``pip install``), then the command's last step, ``wsexplorer demo``, in a real terminal.

The command is read from the README (the first line of its "Install and run" block), so
the test and the README cannot drift apart. pip reaches the package index as any install
does; the clone is of the committed tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.support import ROOT, SYSTEM_PYTHON, system_python_unusable

DEADLINE = 60.0  # hang guard for the demo screen


def _install_command() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Install and run", 1)[1]
    block = re.search(r"```sh\n(.*?)\n```", section, re.S)
    assert block is not None, "README has no install block"
    return block.group(1).strip().splitlines()[0]


def _system_python_unavailable() -> str | None:
    reason = system_python_unusable()
    if reason is not None:
        return reason
    if shutil.which("git") is None or shutil.which("tmux") is None:
        return "git and tmux are needed"
    return None


@pytest.mark.needs_system_python
@pytest.mark.needs_tmux
def test_readme_install_on_the_system_python(tmp_path: Path) -> None:
    reason = _system_python_unavailable()
    if reason is not None:
        pytest.skip(reason)
    command = _install_command()
    *install, last = command.split(" && ")
    assert last.endswith("wsexplorer demo"), command
    clone = tmp_path / "wsexplorer"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # A new user's shell: the distribution's python3 first on PATH, no pyenv, no venv.
    env = {
        "PATH": f"{SYSTEM_PYTHON.parent}:/bin:/usr/sbin:/sbin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        **{
            k: v
            for k, v in os.environ.items()
            if k.startswith(("PIP_", "http", "HTTP", "no_proxy", "NO_PROXY"))
        },
    }
    refused = subprocess.run(
        ["python3", "-m", "pip", "install", "--dry-run", "."],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    installed = subprocess.run(
        " && ".join(install),
        shell=True,
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    version = subprocess.run(
        [str(clone / ".venv/bin/wsexplorer"), "--version"], capture_output=True, text=True, env=env
    )
    assert version.returncode == 0 and "wsexplorer" in version.stdout, version.stderr
    # The last step as written, in a real terminal, on a free port (8080 may be taken).
    socket_name = f"wsx-readme-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", socket_name]
    shell_env = " ".join(f"{k}={v}" for k, v in env.items() if " " not in v)
    try:
        subprocess.run(
            [
                *tmux,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "40",
                "-c",
                str(clone),
                f"env -i {shell_env} {last} --port 0",
            ],
            check=True,
            env={**os.environ, "TERM": "xterm-256color"},
        )
        end = time.monotonic() + DEADLINE
        screen = ""
        while time.monotonic() < end:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p"], capture_output=True, text=True
            ).stdout
            if "Diagnosis" in screen and "Node.js 17-19" in screen:
                break
            time.sleep(0.3)
        else:
            raise AssertionError(f"the demo never showed its diagnosis:\n{screen}")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
    # What the README's venv is there for: a Debian-style system Python refuses a plain
    # install (PEP 668), so the README's command must not be one.
    if any(SYSTEM_PYTHON.parent.parent.glob("lib/python3*/EXTERNALLY-MANAGED")):
        assert "externally-managed-environment" in refused.stderr, refused.stderr
