"""The environment benchmarks give the commands they time (shared by every benchmark)."""

from __future__ import annotations

import os

__all__ = ["child_env"]


def child_env(bytecode_cache: bool = True) -> dict[str, str]:
    """The environment for timed commands.

    An installed package has its ``.pyc`` files; a checkout run with
    ``PYTHONDONTWRITEBYTECODE=1`` (as some sandboxes set) recompiles every wsexplorer module
    on every start. By default the benchmarks let Python cache bytecode, under a temporary
    ``PYTHONPYCACHEPREFIX`` so the source tree is left untouched. Both sides of every ratio
    run with the same environment.
    """
    env = dict(os.environ)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(
            os.environ.get("TMPDIR", "/tmp"), f"wsx-bench-pycache-{os.getuid()}"
        )
    return env


def wsexplorer_command() -> list[str]:
    """How to start the installed ``wsexplorer``.

    The console script pip wrote beside this interpreter comes first: a version manager's
    shim found on PATH (pyenv's costs ~60 ms a start here) would be timed as if it were
    wsexplorer. Then PATH, then ``python -m wsexplorer``.
    """
    import shutil
    import sys
    from pathlib import Path

    beside = Path(sys.executable).parent / "wsexplorer"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("wsexplorer")
    return [found] if found else [sys.executable, "-m", "wsexplorer"]
