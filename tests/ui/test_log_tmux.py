"""The session log's search and JSON folding in a real terminal (tmux), against a real
``wsexplorer serve``: the keys (ctrl+f, Enter, escape) arrive as a terminal sends them."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import wsx_shell
from tests.ui.test_tmux_e2e import ENV, SOCKET, _tmux, _wait_for, _wait_until, serve

pytestmark = pytest.mark.needs_tmux

__all__ = ["serve"]  # the fixture, shared with test_tmux_e2e

LONG = json.dumps({f"key{i}": {"n": i} for i in range(12)}, separators=(",", ":"))
"""Folded on arrival: its indented form is longer than 12 lines."""


def _keys(session: str, *keys: str) -> None:
    for key in keys:
        _tmux("send-keys", "-t", session, key)
        time.sleep(0.3)  # escape then a letter too fast would read as alt+letter


def test_search_and_fold_in_a_real_terminal(serve: int, tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = "wsx-log"
    command = wsx_shell(f"ws://127.0.0.1:{serve}/subscribe")
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", str(tmp_path), command)
    try:
        _wait_for(session, r"open via 127\.0\.0\.1")
        _keys(session, "m")
        _wait_until(session, lambda screen: "Connect" not in screen.splitlines()[-1])
        _tmux("send-keys", "-t", session, "-l", LONG)
        _keys(session, "Enter")
        _wait_for(session, r"← ▸ \{…\} 12 keys, \d+ B \(json\)")
        _keys(session, "Escape", "C-f")
        _tmux("send-keys", "-t", session, "-l", "KEY7")
        screen = _wait_for(session, r"2 of 2")  # sent and echoed; the newest unfolds
        assert '"key7": {' in screen
        _keys(session, "Enter")
        _wait_for(session, r"1 of 2")
        _keys(session, "Escape")  # closes the field: no count any more
        _wait_until(session, lambda screen: "of 2" not in screen, "the search field closed")
        _keys(session, "C-q")
        end = time.monotonic() + 60
        while time.monotonic() < end:
            alive = subprocess.run(
                ["tmux", "-L", SOCKET, "has-session", "-t", session], capture_output=True, env=ENV
            )
            if alive.returncode != 0:
                break
            time.sleep(0.2)
    finally:
        _tmux("kill-session", "-t", session, check=False)
        _tmux("kill-server", check=False)
