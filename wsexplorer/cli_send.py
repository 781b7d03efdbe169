"""Scripted messages for the TUI's live session: ``--send-file FILE`` and ``--send-file -``.

Each non-empty line is one message, read as the send line reads it (``/hex``, ``/b64``,
``/close``). What is read is bounded: at most :data:`MAX_SEND_BYTES` and
:data:`MAX_SEND_LINES`; more is bad input (one line, exit 2), so a huge file or an
endless pipe (``yes | wsexplorer --send-file -``) never makes memory grow.

With ``-`` the lines come from stdin, which then is a pipe, while the TUI needs a
terminal for its keys: once stdin is read to its end, :func:`attach_terminal` puts the
controlling terminal (``/dev/tty``) in its place, as ``fzf`` and ``vipe`` do. Without a
controlling terminal (cron, CI, ``setsid``) that is one clear line and exit 2.
"""

from __future__ import annotations

import os
import sys

from .model.errors import WsxError
from .model.untrusted import clean

__all__ = ["MAX_SEND_BYTES", "MAX_SEND_LINES", "STDIN", "attach_terminal", "send_file_lines"]

MAX_SEND_LINES = 1000
MAX_SEND_BYTES = 1 << 20
STDIN = "-"


def send_file_lines(path: str | None) -> tuple[str, ...]:
    """The non-empty lines of ``--send-file`` (``-``: stdin); bad input raises
    :class:`WsxError` (exit 2)."""
    if path is None:
        return ()
    where = "-" if path == STDIN else clean(path)
    if path == STDIN:
        if sys.stdin is None or sys.stdin.isatty():
            raise WsxError(
                "--send-file -: stdin is a terminal, not a pipe: "
                "printf 'hello\\n' | wsexplorer URL --send-file -"
            )
        data = sys.stdin.buffer.read(MAX_SEND_BYTES + 1)
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_SEND_BYTES + 1)
        except OSError as exc:
            raise WsxError(f"--send-file {where}: {exc.strerror or exc}") from None
    if len(data) > MAX_SEND_BYTES:
        raise WsxError(
            f"--send-file {where}: more than {MAX_SEND_BYTES >> 20} MiB; "
            f"at most {MAX_SEND_LINES:,} lines and 1 MiB are read"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WsxError(f"--send-file {where}: not UTF-8 (byte {exc.start})") from None
    kept = [line for line in text.splitlines() if line]
    if len(kept) > MAX_SEND_LINES:
        raise WsxError(f"--send-file {where}: {len(kept)} lines, at most {MAX_SEND_LINES:,}")
    return tuple(kept)


def attach_terminal() -> None:
    """Make the controlling terminal the process's stdin (fd 0), after ``--send-file -``
    read the pipe to its end. Raises :class:`WsxError` when there is none."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError as exc:
        raise WsxError(
            "--send-file -: the messages came from stdin, and the terminal UI then reads "
            f"its keys from /dev/tty, which cannot be opened ({exc.strerror or exc}); "
            "run it from a terminal"
        ) from None
    try:
        os.dup2(fd, 0)
    finally:
        os.close(fd)
