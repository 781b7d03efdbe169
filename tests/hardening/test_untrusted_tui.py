"""The TUI with hostile text in every pane: nothing a peer, a file or a process name sends
reaches the terminal as a control sequence.

* Pilot: the real app on a machine whose every fact carries a hostile string (hosts
  aliases, resolv.conf, DNS errors, process names, status line, headers, subprotocol,
  messages, close reason, errors); the bytes Textual would write to the terminal for the
  whole screen hold no control character but Textual's own cursor moves and colours.
* tmux, the real ``wsexplorer`` in a real terminal against a real peer that sends OSC 52
  (clipboard), OSC 0/2 (title), clear-screen, OSC 8 and U+202E in messages and the close
  reason, and a real process that named itself with an escape sequence: afterwards tmux's
  paste buffers are empty (``set-clipboard on`` would have stored an OSC 52 write), the
  pane title is unchanged, every pane is still drawn, the escapes show as text
  (``capture-pane -e`` keeps the colours and would keep any raw sequence).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.hardening._support import hostile_peer
from tests.hardening.hostile_text import EVIL, hostile_diagnosis, hostile_listeners, unsafe_in
from tests.support import wsx_shell
from tests.ui.test_tmux_e2e import ENV
from wsexplorer.model import (
    Direction,
    Listener,
    Observation,
    SessionEvent,
    SessionEventKind,
    WebSocketURL,
)
from wsexplorer.model.options import ObserveOptions
from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock, settle
from wsexplorer.ui.app import WsxApp

EVIL_PEER = Path(__file__).resolve().parent / "evil_text_peer.py"
# What Textual itself writes: SGR colours and cursor positioning (CSI … m / H), plus the
# synchronized-update and cursor-visibility private modes.
_TEXTUAL_SEQ = re.compile(r"\x1b\[(?:[0-9;]*[mHJK]|\?[0-9;]*[hl])")


class HostileBackend(CannedBackend):
    """The canned machine with ``evil`` in every fact it reports."""

    def __init__(self, evil: str) -> None:
        super().__init__()
        self.evil = evil

    def listeners(self, port: int | None = None) -> tuple[Listener, ...]:
        return hostile_listeners(self.evil, port or 8080)

    async def observe(
        self,
        url: WebSocketURL,
        options: ObserveOptions,
        on_stage: Callable[[str, object], None],
    ) -> Observation:
        obs = hostile_diagnosis(self.evil).observation
        obs = replace(obs, url=url)
        on_stage("resolution", obs.resolution)
        return obs


def _screen_bytes(app: WsxApp) -> str:
    update = app.screen._compositor.render_update(full=True)
    assert update is not None
    return update.render_segments(app.console)  # type: ignore[union-attr]


@pytest.mark.parametrize("evil", EVIL)
async def test_every_pane_keeps_hostile_text_inert(evil: str) -> None:
    app = WsxApp(canned_config(demo_server=None), HostileBackend(evil), clock=frozen_clock)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        pane = app.screen.session_pane  # type: ignore[attr-defined]
        for kind, extra in (
            (SessionEventKind.MESSAGE, {"direction": Direction.IN}),
            (SessionEventKind.ERROR, {}),
            (SessionEventKind.CLOSE, {"code": 4000}),
        ):
            pane.add_event(SessionEvent(kind, 1.0, text=evil, **extra), "09:26:53")
        app.screen.diagnosis_pane.show_detail("client-family-4")  # type: ignore[attr-defined]
        await pilot.pause()
        output = _screen_bytes(app)
    leftover = _TEXTUAL_SEQ.sub("", output)
    assert not unsafe_in(leftover), (ascii(evil), sorted(set(unsafe_in(leftover))))
    assert "Diagnosis" in leftover
    if "\x1b" in evil:  # shown as text, so a hostile CSI can't hide among Textual's own
        assert "\\x1b" in leftover


# ------------------------------------------------------------------ tmux
SOCKET = f"wsx-evil-{uuid.uuid4().hex[:8]}"
DEADLINE = 60.0


def _tmux(*args: str, check: bool = True) -> str:
    done = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check, env=ENV
    )
    return done.stdout


def _wait_for(session: str, pattern: str) -> str:
    end = time.monotonic() + DEADLINE
    screen = ""
    while time.monotonic() < end:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if re.search(pattern, screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} never showed; last screen:\n{screen}")


@pytest.fixture
def tmux_session(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    name = "evil"

    def start(command: str) -> str:
        _tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "160",
            "-y",
            "50",
            "-c",
            str(tmp_path),
            command,
        )
        _tmux("set", "-g", "set-clipboard", "on")
        _tmux("set", "-g", "allow-rename", "on")
        _tmux("select-pane", "-t", name, "-T", "wsx-test-title")
        return name

    try:
        yield start
    finally:
        _tmux("kill-server", check=False)


def _assert_terminal_untouched(session: str) -> str:
    buffers = _tmux("list-buffers", check=False)
    assert buffers.strip() == "", f"a paste buffer was written (OSC 52): {buffers!r}"
    title = _tmux("display", "-p", "-t", session, "#{pane_title}|#{window_name}")
    assert "pwned" not in title, title
    screen = _tmux("capture-pane", "-p", "-e", "-t", session)
    assert not unsafe_in(_TEXTUAL_SEQ.sub("", screen)), sorted(set(unsafe_in(screen)))
    for pane in ("Resolution", "Listeners", "Session", "Diagnosis"):
        assert pane in screen, f"{pane} pane no longer drawn (screen cleared?)"
    return screen


@pytest.mark.needs_tmux
def test_server_messages_and_close_reason_in_a_real_terminal(
    tmux_session: Callable[[str], str],
) -> None:
    with hostile_peer("messages", EVIL_PEER) as port:
        command = wsx_shell(f"ws://127.0.0.1:{port}/")
        session = tmux_session(command)
        _wait_for(session, r"closed: code 4000")
        screen = _assert_terminal_untouched(session)
    assert "\\x1b]52;c;cHduZWQ=\\x07clipboard" in screen
    assert "\\x1b]2;pwned-close\\x07bye" in screen
    assert "\\u202etxt.exe" in screen


@pytest.mark.needs_tmux
def test_process_name_in_a_real_terminal(tmux_session: Callable[[str], str]) -> None:
    with hostile_peer("comm:\\x1b]0;pwned\\x07", EVIL_PEER) as port:
        command = wsx_shell(f"ws://127.0.0.1:{port}/")
        session = tmux_session(command)
        screen = _wait_for(session, r"\\x1b\]0;pwned\\x07\[\d+\]")
        _assert_terminal_untouched(session)
    assert "pwned" in screen
