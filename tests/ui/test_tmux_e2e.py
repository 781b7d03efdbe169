"""End to end: ``wsexplorer`` (this checkout's) in a real terminal (tmux) against a real
``wsexplorer serve``; type a message, read the echo off the screen."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import stop_process, wsx_argv, wsx_env, wsx_shell

pytestmark = pytest.mark.needs_tmux

DEADLINE = 60.0  # hang guard only; every wait below returns as soon as its text shows


def _start_serve() -> tuple[subprocess.Popen[str], int]:
    """``wsexplorer serve --port 0`` on 127.0.0.1: the process and the port it printed."""
    proc = subprocess.Popen(
        wsx_argv("serve", "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=wsx_env(),
    )
    assert proc.stdout is not None
    for _ in range(3):  # '--port auto: ...' comes first
        line = proc.stdout.readline()
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if match:
            return proc, int(match.group(1))
    stop_process(proc)
    raise AssertionError(f"unexpected serve output: {line!r}")


def _stop_serve(proc: subprocess.Popen[str]) -> None:
    stop_process(proc)
    if proc.stdout is not None:
        proc.stdout.close()


@pytest.fixture
def serve() -> Iterator[int]:
    """``wsexplorer serve --port 0`` on 127.0.0.1; yields the port it printed."""
    proc, port = _start_serve()
    try:
        yield port
    finally:
        _stop_serve(proc)


SOCKET = f"wsx-e2e-{uuid.uuid4().hex[:8]}"  # a private tmux server, not the user's


# Under pytest COLUMNS=80/LINES=24 may be set; they would override the pane's real size.
ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
ENV.setdefault("TERM", "xterm-256color")


def _tmux(*args: str, check: bool = True) -> str:
    out = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check, env=ENV
    )
    return out.stdout


def _wait_until(session: str, done: Callable[[str], bool], what: str = "condition") -> str:
    end = time.monotonic() + DEADLINE
    screen = ""
    while time.monotonic() < end:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if screen.strip() and done(screen):
            return screen
        time.sleep(0.2)
    size = _tmux("display", "-p", "-t", session, "#{window_width}x#{window_height}")
    raise AssertionError(f"{what} never became true; window {size}; last screen:\n{screen}")


def _wait_for(session: str, pattern: str) -> str:
    return _wait_until(session, lambda screen: re.search(pattern, screen) is not None, pattern)


def test_type_a_message_and_read_the_echo(serve: int, tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = "wsx"
    url = f"ws://127.0.0.1:{serve}/subscribe"
    command = wsx_shell(url)
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", str(tmp_path), command)
    try:
        screen = _wait_for(session, r"open via 127\.0\.0\.1")
        assert "Listeners" in screen and "Diagnosis" in screen
        _tmux("send-keys", "-t", session, "m")
        # The send line has focus when the footer drops the letter keys it would swallow.
        _wait_until(session, lambda screen: "Connect" not in screen.splitlines()[-1])
        _tmux("send-keys", "-t", session, "-l", "hello-from-tmux")
        _wait_for(session, r"│ hello-from-tmux")
        _tmux("send-keys", "-t", session, "Enter")
        screen = _wait_for(session, r"← hello-from-tmux")
        assert "→ hello-from-tmux" in screen
        # ctrl+q quits from anywhere, the send line included (escape then q could be
        # read as alt+q by the terminal's escape-sequence parsing).
        _tmux("send-keys", "-t", session, "C-q")
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            alive = subprocess.run(
                ["tmux", "-L", SOCKET, "has-session", "-t", session], capture_output=True, env=ENV
            )
            if alive.returncode != 0:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("wsexplorer did not quit on ctrl+q")
    finally:
        _tmux("kill-session", "-t", session, check=False)
        _tmux("kill-server", check=False)


def test_killing_the_server_updates_the_screen_without_r(tmp_path: Path) -> None:
    """The real app in a real terminal: the server dies, and without a key pressed the
    session, the verdict and the Listeners pane say so (the watch, every 2 s)."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = "wsx-watch"
    proc, port = _start_serve()
    try:
        command = wsx_shell(f"ws://127.0.0.1:{port}/subscribe")
        _tmux(
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "120",
            "-y",
            "40",
            "-c",
            str(tmp_path),
            command,
        )
        screen = _wait_for(session, r"✓ all \d+ clients connect")
        assert f"nothing listens on port {port}" not in screen
        _stop_serve(proc)
        screen = _wait_for(session, r"✗ \d+ of \d+ clients fail")
        screen = _wait_for(session, f"nothing listens on port {port}")  # Listeners
        assert "✓ all" not in screen
    finally:
        _stop_serve(proc)
        _tmux("kill-session", "-t", session, check=False)
        _tmux("kill-server", check=False)


def test_messages_from_stdin_then_h_applies_a_header(serve: int, tmp_path: Path) -> None:
    """The real app in a real terminal, its messages piped in (``--send-file -``): they
    are sent once the session opens, the keys still work (read from the terminal), and
    ``h`` adds a header that the reconnected session shows as sent, a secret masked."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = "wsx-headers"
    url = f"ws://127.0.0.1:{serve}/subscribe"
    command = "printf 'from-stdin\\n' | " + wsx_shell(url, "--send-file", "-")
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", str(tmp_path), command)
    try:
        screen = _wait_for(session, r"← from-stdin")
        assert "→ from-stdin" in screen and "sent:" not in screen
        _tmux("send-keys", "-t", session, "h")
        _wait_for(session, r"Headers, one 'Name: value' per line")
        _tmux("send-keys", "-t", session, "-l", "X-Tmux: 1")
        _tmux("send-keys", "-t", session, "Enter")
        _tmux("send-keys", "-t", session, "-l", "Authorization: Bearer t0ps3cret")
        _wait_for(session, r"t0ps3cret")  # typed into the dialog
        _tmux("send-keys", "-t", session, "C-s")
        screen = _wait_for(session, r"sent: X-Tmux: 1 · Authorization: Bearer \*\*\*")
        assert "t0ps3cret" not in screen
        _wait_for(session, r"open via 127\.0\.0\.1")
    finally:
        _tmux("kill-session", "-t", session, check=False)
        _tmux("kill-server", check=False)
