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
