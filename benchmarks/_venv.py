"""A checkout installed the README's way, for benchmarks that time what users run.

The README installs with ``python3 -m venv .venv && .venv/bin/pip install .``: a plain
virtual environment (no system site-packages, so none of the interpreter's own ``.pth``
files run at start), the package copied in (not editable), its modules compiled by pip.
:func:`installed` builds such a venv for a checkout, or reuses one, and checks that the
``wsexplorer`` it imports is that checkout's: every ``wsexplorer/**/*.py`` byte for byte,
and the command's script (``bin/wsexplorer``, where the checkout has one) below its
first line.

pip builds in the source folder (``build/``, ``*.egg-info``), so the checkout's working
tree (uncommitted changes included) is copied to a temporary folder and installed from
there: the checkout is left untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["Venv", "installed", "venv_env"]

_SKIP = shutil.ignore_patterns(
    ".git", "node_modules", "build", "*.egg-info", "__pycache__", ".venv", ".*_cache"
)


class Venv:
    """A venv holding one checkout's wsexplorer: its python and console script."""

    __slots__ = ("checkout", "dir", "python", "script")

    def __init__(self, directory: Path, checkout: Path) -> None:
        self.dir = directory
        self.checkout = checkout
        self.python = directory / "bin" / "python"
        self.script = directory / "bin" / "wsexplorer"


def venv_env() -> dict[str, str]:
    """The environment of a user's shell for the venv's commands: nothing that points
    Python at another copy of the code or another bytecode cache."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE", "PYTHONHOME"):
        env.pop(name, None)
    return env


def _pip(venv: Venv, *args: str) -> None:
    done = subprocess.run(
        [str(venv.python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        env=venv_env(),
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise SystemExit(f"pip install into {venv.dir} failed: {tail}")


def _install(venv: Venv, *, deps: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="wsx-bench-src-") as tmp:
        source = Path(tmp) / "src"
        shutil.copytree(venv.checkout, source, ignore=_SKIP, symlinks=True)
        _pip(venv, *([] if deps else ["--no-deps", "--force-reinstall"]), str(source))


def stale(venv: Venv) -> list[str]:
    """The checkout's modules (and script) missing from the venv or different there."""
    if not venv.script.is_file():
        return [f"no console script {venv.script}"]
    where = subprocess.run(
        [
            str(venv.python),
            "-c",
            "import wsexplorer, os; print(os.path.dirname(wsexplorer.__file__))",
        ],
        capture_output=True,
        text=True,
        env=venv_env(),
        cwd="/",  # not the checkout: its folder would shadow the installed copy
        check=False,
    )
    if where.returncode != 0:
        return ["the venv's python cannot import wsexplorer"]
    package = Path(where.stdout.strip())
    ours = venv.checkout / "wsexplorer"
    if package.resolve() == ours.resolve():
        return [f"the venv imports the checkout itself ({package}), not an installed copy"]
    differ = []
    launcher = venv.checkout / "bin" / "wsexplorer"  # pyproject script-files, where it is one
    if launcher.is_file() and _body(launcher) != _body(venv.script):
        differ.append("bin/wsexplorer")
    for path in sorted(ours.rglob("*.py")):
        rel = path.relative_to(ours)
        copy = package / rel
        if not copy.is_file() or copy.read_bytes() != path.read_bytes():
            differ.append(str(rel))
    return differ


def _body(script: Path) -> list[str]:
    """A script's lines after the first (pip writes the interpreter over ``#!python``)."""
    return script.read_text().splitlines()[1:]


def installed(checkout: Path, directory: Path | None) -> Venv:
    """A venv with ``checkout`` installed as the README does; ``directory`` to keep or
    reuse one (reinstalled without dependencies when its copy is not the checkout's)."""
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="wsx-bench-venv-"))
    venv = Venv(directory.resolve(), checkout.resolve())
    if not venv.python.exists():
        print(f"building a venv for {venv.checkout} in {venv.dir} (pip install, ~20 s)")
        # The README's ``python3 -m venv``, with the interpreter running this benchmark.
        subprocess.run([sys.executable, "-m", "venv", str(venv.dir)], check=True)
        _install(venv, deps=True)
    elif stale(venv):
        print(f"reinstalling {venv.checkout} into {venv.dir} (its copy differs)")
        _install(venv, deps=False)
    problems = stale(venv)
    if problems:
        raise SystemExit(
            f"{venv.dir}'s wsexplorer is not {venv.checkout}'s: " + ", ".join(problems[:5])
        )
    return venv
