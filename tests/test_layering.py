"""The headless layers never load Textual; the pure layers never load websockets either."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _loaded(module: str) -> set[str]:
    code = f"import json, sys; import {module}; print(json.dumps(sorted(m for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", ["wsexplorer.model", "wsexplorer.diagnosis"])
def test_pure_layers_load_no_textual_no_websockets(module: str) -> None:
    mods = _loaded(module)
    for forbidden in ("textual", "websockets", "dns", "psutil", "asyncio"):
        assert forbidden not in mods, f"{module} imports {forbidden}"


@pytest.mark.parametrize(
    "module",
    [
        "wsexplorer.cli",
        "wsexplorer.report",
        "wsexplorer.probes.observe",
        "wsexplorer.probes.tracer",
        "wsexplorer.probes.connect",
        "wsexplorer.probes.handshake",
        "wsexplorer.probes.server",
    ],
)
def test_headless_modules_load_no_textual(module: str) -> None:
    assert "textual" not in _loaded(module)


def test_cli_default_url_matches_the_model() -> None:
    from wsexplorer.cli import DEFAULT_URL
    from wsexplorer.model.url import DEFAULT_URL as MODEL_DEFAULT

    assert DEFAULT_URL == MODEL_DEFAULT


def test_listeners_command_path_loads_no_dataclasses() -> None:
    mods = _loaded("wsexplorer.cli")
    assert "wsexplorer.model.url" not in mods and "dataclasses" not in mods
