"""Leaving the TUI on a signal, always with the terminal given back.

Ctrl+C in the TUI is a key (the terminal is in raw mode), but ``kill -INT``, the
``SIGTERM`` of a service manager or ``kill``, and the ``SIGHUP`` of a closed terminal
window are signals: without a handler each ends the process where it stands, leaving
the terminal in the alternate screen with mouse reporting on and the cursor hidden.

:func:`exit_on_signals` makes each of them exit the app the normal way (the demo server
and live session closed, the terminal restored by Textual's driver) with status
128 + the signal's number (130, 143, 129). If that takes longer than
:data:`GRACE_S` (a worker stuck in ``getaddrinfo``, say), or a second signal comes,
:func:`restore_terminal` writes the reset sequences itself and the process leaves at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import termios
from typing import Any

__all__ = ["EXIT_SIGNALS", "GRACE_S", "RESET", "exit_on_signals", "restore_terminal"]

#: Signals that end the TUI.
EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

#: Seconds the normal exit may take before the terminal is reset by hand.
GRACE_S = 0.3

#: What leaves every mode Textual's Linux driver turns on: CAN (ends any escape
#: sequence a frame left half-written), mouse reporting (1000, 1003, 1015, 1006, 1016
#: pixels), bracketed paste, focus events, in-band resize reports and the Kitty keyboard
#: protocol off; line wrap on; the alternate screen left; the cursor shown.
RESET = (
    "\x18"
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l"
    "\x1b[?2004l\x1b[?1004l\x1b[?2048l\x1b[<u\x1b[?7h"
    "\x1b[?1049l\x1b[?25h"
)


def restore_terminal(driver: Any) -> None:
    """Give the terminal back without Textual's help: the termios settings the driver
    saved at start, and :data:`RESET` on its output. Errors are ignored (after SIGHUP the
    terminal may be gone)."""
    attrs = getattr(driver, "attrs_before", None)
    fileno = getattr(driver, "fileno", None)
    if attrs is not None and isinstance(fileno, int):
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fileno, termios.TCSANOW, attrs)
    out = sys.__stderr__ if sys.__stderr__ is not None else sys.__stdout__
    if out is not None:
        with contextlib.suppress(OSError, ValueError):
            os.write(out.fileno(), RESET.encode())


def exit_on_signals(app: Any, loop: asyncio.AbstractEventLoop) -> None:
    """Make :data:`EXIT_SIGNALS` exit ``app`` (run on ``loop``) with 128 + signal number.

    Call before ``app.run(loop=loop)``, in the main thread.
    """
    state: dict[str, int] = {}

    def leave_now(code: int) -> None:
        restore_terminal(getattr(app, "_driver", None))
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)

    def on_signal(signum: int) -> None:
        code = 128 + signum
        if "code" in state:  # a second signal: no more waiting
            leave_now(state["code"])
        state["code"] = code
        app.exit(code, return_code=code)
        loop.call_later(GRACE_S, leave_now, code)

    for signum in EXIT_SIGNALS:
        loop.add_signal_handler(signum, on_signal, int(signum))
