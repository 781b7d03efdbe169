"""End to end: the real ``wsexplorer lesson`` (its embedded demo server, the real probes)
walked step by step in a real terminal (tmux, 100x30), each fix applied live."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import free_port, wsx_shell
from tests.ui.test_tmux_e2e import ENV, SOCKET, _tmux, _wait_for, _wait_until
from wsexplorer.diagnosis.clients import CATALOGUE

N_CLIENTS = len(CATALOGUE)

pytestmark = pytest.mark.needs_tmux


def _alive(session: str) -> bool:
    done = subprocess.run(["tmux", "-L", SOCKET, "has-session", "-t", session],
                          capture_output=True, env=ENV)  # fmt: skip
    return done.returncode == 0


def test_walk_the_lesson_end_to_end(tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = "wsx-lesson"
    port = free_port("0.0.0.0")
    command = wsx_shell("lesson", "--port", str(port))
    _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", str(tmp_path), command)

    def current_and_failing(screen: str) -> bool:
        # The status line: no "observing…" (the diagnosis is current), one client fails.
        return "observing…" not in screen and f"✗ 1 of {N_CLIENTS} clients fails:" in screen

    def key(*keys: str) -> None:
        _tmux("send-keys", "-t", session, *keys)

    try:
        screen = _wait_for(session, r"Step 1 of 9: The failing client")
        screen = _wait_for(session, r"Node\.js 17-19 ws fails with")
        assert f"connect ECONNREFUSED ::1:{port}" in screen
        key("n")
        screen = _wait_for(session, r"Step 2 of 9: How localhost resolves")
        assert "RFC 6724" in screen
        key("n")
        _wait_for(session, r"Step 3 of 9: What listens")
        _wait_for(session, r"accepts IPv4 only")
        key("n")
        _wait_for(session, r"Step 4 of 9: Why the clients differ")
        for step, letter, fix in ((5, "f", "client-family-4"), (6, "l", "ipv4-literal")):
            key("n")
            _wait_for(session, rf"Step {step} of 9")
            _wait_for(session, rf"Press {letter}:")
            key(letter)
            screen = _wait_for(session, rf"{letter} applied \({fix}\)")
            _wait_for(session, r"now ✓ all \d+ clients")
            key("u")
            _wait_for(session, rf"Press {letter}:")  # the step is back to before its fix
            _wait_until(session, current_and_failing, "the undo brings the failure back")
        key("n")
        _wait_for(session, r"Step 7 of 9")
        key("d")
        _wait_for(session, r"d applied \(server-dual-stack\)")
        _wait_for(session, r"now ✓ all \d+ clients")
        key("n")
        _wait_for(session, r"Step 8 of 9: Pitfalls")
        key("n")
        _wait_for(session, r"Step 9 of 9: Your turn")
        key("g")
        _wait_until(session, lambda s: "Lesson ·" not in s, "g leaves the lesson")
        key("g")
        _wait_for(session, r"Step 9 of 9: Your turn")
        key("q")
        end = time.monotonic() + 30
        while _alive(session) and time.monotonic() < end:
            time.sleep(0.2)
        assert not _alive(session), "q did not quit the lesson"
    finally:
        _tmux("kill-session", "-t", session, check=False)
        _tmux("kill-server", check=False)
