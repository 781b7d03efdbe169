"""Run peers on this machine, outside any namespace (loopback-only scenarios)."""

from __future__ import annotations

import os
import subprocess
from typing import Any

__all__ = ["Host"]


class Host:
    """Runs peers on this machine (the ``Runner`` protocol of tests/scenarios/peers.py)."""

    def run(self, argv: list[str], *, timeout: float = 30, check: bool = False,
            env: dict[str, str] | None = None, input: str | None = None,
            ) -> subprocess.CompletedProcess[str]:  # fmt: skip
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              check=check, env={**os.environ, **(env or {})}, input=input)  # fmt: skip

    def popen(self, argv: list[str], **kw: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(argv, **kw)
