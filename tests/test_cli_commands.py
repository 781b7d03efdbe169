"""The first word: a mistyped command is named, never looked up as a host; the TUI
refuses to start without a terminal instead of spinning (real subprocesses).
"""

from __future__ import annotations

import pytest

from tests.support import run_wsx
from wsexplorer.cli import mistyped_command

# Each run below would hang on code that starts the TUI without a terminal: the timeout
# is the hang guard that made these tests fail before the change.
HANG_GUARD = 30.0


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("listener", "listeners"),
        ("listner", "listeners"),
        ("diagnos", "diagnose"),
        ("Serv", "serve"),
        ("dmeo", "demo"),
        ("resolver", "resolve"),
        # Not typos: a name with a dot, a URL, host:port, a far-off word.
        ("listeners.example", None),
        ("ws://listener/", None),
        ("listener:8080", None),
        ("localhost", None),
        ("myhost", None),
        ("-h", None),
    ],
)
def test_the_typo_rule(word: str, meant: str | None) -> None:
    assert mistyped_command(word) == meant


def test_a_mistyped_command_is_named_and_exits_2() -> None:
    proc, _ = run_wsx("listener", timeout=HANG_GUARD)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "wsexplorer: unknown command 'listener' — did you mean 'listeners'? "
        "(for a host of that name: wsexplorer ws://listener/)"
    ]
    assert proc.stdout == ""


@pytest.mark.parametrize(
    "argv",
    [("ws://localhost:9/",), ("ws://listener/",), ("demo", "--port", "auto")],
)
def test_the_tui_refuses_to_start_without_a_terminal(argv: tuple[str, ...]) -> None:
    proc, _ = run_wsx(*argv, timeout=HANG_GUARD)  # stdin is /dev/null, stdout a pipe
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("wsexplorer: the terminal UI needs a terminal (stdin is not one)")
    assert "wsexplorer diagnose ws://" in lines[0]
    assert proc.stdout == ""  # no escape sequences of a TUI that started
