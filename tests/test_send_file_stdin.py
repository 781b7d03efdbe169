"""``--send-file -``: the TUI's scripted messages from stdin, bounded, and a clear line
when the TUI then has no terminal for its keys (issue 12)."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, wsx_argv, wsx_env
from wsexplorer.cli_send import MAX_SEND_BYTES, send_file_lines
from wsexplorer.model.errors import WsxError

URL = "ws://127.0.0.1:9/"


def _run(cmd: list[str], data: bytes | None) -> subprocess.CompletedProcess[bytes]:
    """Run without a controlling terminal (a new session, as cron or CI runs it)."""
    return subprocess.run(
        cmd,
        input=data,
        stdin=None if data is not None else subprocess.DEVNULL,
        capture_output=True,
        timeout=60,  # hang guard
        env=wsx_env(),
        cwd=ROOT,
        start_new_session=True,
        check=False,
    )


def _one_line(done: subprocess.CompletedProcess[bytes]) -> str:
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_stdin_lines_read_then_no_terminal_is_one_clear_line() -> None:
    done = _run(wsx_argv(URL, "--send-file", "-"), b"hello\n/hex 01\n")
    err = _one_line(done)
    assert "--send-file -: the messages came from stdin" in err and "/dev/tty" in err
    assert done.stdout == b""


def test_an_endless_pipe_is_cut_at_the_cap_and_said() -> None:
    """``yes | wsexplorer --send-file -`` ends at once: 1 MiB is read, never more."""
    command = f"yes hello | {shlex.join(wsx_argv(URL, '--send-file', '-'))}"
    done = _run(["bash", "-c", command], None)
    err = _one_line(done)
    assert "--send-file -: more than 1 MiB; at most 1,000 lines and 1 MiB are read" in err


def test_a_file_past_the_cap_is_refused_not_cut(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (MAX_SEND_BYTES + 1))
    with pytest.raises(WsxError, match="more than 1 MiB"):
        send_file_lines(str(big))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\n\xff\n")
    with pytest.raises(WsxError, match="not UTF-8"):
        send_file_lines(str(bad))


def test_stdin_that_is_a_terminal_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Tty())
    with pytest.raises(WsxError, match="stdin is a terminal, not a pipe"):
        send_file_lines("-")


def test_stdin_lines_reach_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from wsexplorer.cli_full import tui_config_from_argv

    piped = io.TextIOWrapper(io.BytesIO('{"op": "sub"}\r\n\n/close 1000 bye\nhé\n'.encode()))
    monkeypatch.setattr(sys, "stdin", piped)
    config = tui_config_from_argv([URL, "-x", "first", "--send-file", "-"])
    assert config.initial_messages == ("first", '{"op": "sub"}', "/close 1000 bye", "hé")
