"""The installed ``wsexplorer`` command (``bin/wsexplorer``, pyproject ``script-files``).

It replaces the console-script wrapper pip writes for an entry point, whose ``import re``
costs 7-8 ms of every start (issue 14). Checked here for the ways we install: a venv with
``pip install .`` (the README), ``pip install -e .`` in compat mode (scripts/test.sh) and
Debian's own python3 in a venv (PEP 668 machines). Each install is of a copy of this
working tree (pip builds in the source folder), without dependencies: the command's lean
``listeners --json`` path needs only the standard library. ``pipx install .`` installs
the same wheel as pip (checked by hand, pipx is not a test dependency).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, SYSTEM_PYTHON, system_python_unusable

_SKIP = shutil.ignore_patterns(
    ".git", "node_modules", "build", "*.egg-info", "__pycache__", ".venv", ".*_cache"
)


def _imported(python: Path, *args: str) -> tuple[set[str], str]:
    """The modules ``python -X importtime ARGS`` imported, and its stdout."""
    done = subprocess.run(
        [str(python), "-X", "importtime", *args],
        capture_output=True,
        text=True,
        cwd="/",
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    names = {line.rsplit("|", 1)[1].strip() for line in lines[1:]}
    return names, done.stdout


def _install(tmp_path: Path, python: Path, editable: bool) -> Path:
    """A venv of ``python`` with a copy of this tree installed; the venv's folder."""
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=_SKIP, symlinks=True)
    venv = tmp_path / "venv"
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
    how = ["-e", str(source), "--config-settings", "editable_mode=compat"] if editable else [
        str(source)
    ]  # fmt: skip
    done = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "-q", "--no-deps", *how],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return venv


def _check_command(venv: Path) -> None:
    script = venv / "bin/wsexplorer"
    first = script.read_text().splitlines()[0]
    assert first == f"#!{venv / 'bin/python'}" or first == f"#!{venv / 'bin/python3'}", first
    bare, _ = _imported(venv / "bin/python", "-c", "pass")
    names, out = _imported(venv / "bin/python", str(script), "listeners", "--port", "9", "--json")
    doc = json.loads(out)
    assert doc["schema"] == "wsexplorer.listeners/1"
    assert "wsexplorer.cli" in names
    # What the command imports before and besides its own lean path: no ``re``.
    assert "re" not in names - bare, sorted(names - bare)
    ran = subprocess.run([str(script), "listeners", "--port", "9", "--json"], capture_output=True)
    assert ran.returncode == 0 and json.loads(ran.stdout) == doc


@pytest.mark.parametrize("editable", [False, True], ids=["pip-install", "pip-install-e"])
def test_the_installed_command_starts_without_re(tmp_path: Path, editable: bool) -> None:
    _check_command(_install(tmp_path, Path(sys.executable), editable))


@pytest.mark.needs_system_python
def test_the_command_from_debians_python_in_a_venv(tmp_path: Path) -> None:
    reason = system_python_unusable()
    if reason is not None:
        pytest.skip(reason)
    _check_command(_install(tmp_path, SYSTEM_PYTHON, editable=False))
