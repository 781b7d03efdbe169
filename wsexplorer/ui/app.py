"""The Textual app: thin. The screen (``screens/main.py``) holds the panes and workers.

``run_app`` is what ``wsexplorer [URL]`` and ``wsexplorer demo`` call. ``WsxApp`` takes
a :class:`Backend` (default: the real probes) and a clock, so tests and the screenshot
script can run it on deterministic data.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ClassVar, NoReturn

from textual.app import App
from textual.binding import Binding, BindingType
from textual.filter import Monochrome, NoColor
from textual.screen import Screen

from ..model.untrusted import clean
from .backend import Backend, RealBackend
from .commands import WsxCommands
from .config import AppConfig
from .exits import exit_on_signals
from .lazy_modules import defer_unused
from .screens.main import MainScreen

__all__ = ["WsxApp", "leave", "route_logging", "run_app"]

defer_unused()  # before the observation and the session import websockets


class WsxApp(App[int]):
    """wsexplorer's terminal UI.

    Args:
        config: what to look at (see :class:`AppConfig`).
        backend: the I/O; ``None`` uses :class:`RealBackend`.
        clock: wall-clock for message timestamps and export names (frozen in tests).
    """

    CSS_PATH = Path(__file__).with_name("wsexplorer.tcss")
    TITLE = "wsexplorer"
    COMMANDS = App.COMMANDS | {WsxCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True)
    ]

    def __init__(
        self,
        config: AppConfig,
        backend: Backend | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        if self.no_color:
            # Textual's Monochrome filter maps red to a dark grey (#3b3b3b) that vanishes on
            # a dark terminal: failures became nearly invisible (issue 12). NoColor drops
            # colours for the terminal's own, keeping bold and reverse; failures still
            # carry their ✗ and their words.
            self._filters = [NoColor() if isinstance(f, Monochrome) else f for f in self._filters]
        self.config = config
        self.backend: Backend = backend if backend is not None else RealBackend()
        self.clock = clock or datetime.now
        self.main = MainScreen(config, self.backend, self.clock)
        self.install_screen(self.main, name="main")
        self.sub_title = clean(config.url.redacted())

    def get_default_screen(self) -> Screen[None]:
        """The main screen is the app's first and bottom screen: no empty default screen
        is mounted, styled and painted before it (issue 14: the first complete screen)."""
        self.main.fit_breakpoints(self.size.width)
        return self.main

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """The palette's "Screenshot": an SVG in the export directory (the current one by
        default, created if missing), never a ``~/Downloads`` that may not exist; the
        notification says where it went."""
        directory = Path(path) if path else self.config.export_dir
        try:
            directory.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(filename, str(directory), time_format)
        except OSError as exc:
            self.notify(f"screenshot not saved: {clean(exc)}", severity="error", markup=False)
            return None
        self.notify(
            f"screenshot saved to {clean(Path(saved).resolve())}", title="Screenshot", markup=False
        )
        return saved

    async def action_quit(self) -> None:
        """Close the live session and stop the demo server, then exit with status 0."""
        await self.main.shutdown()
        self.exit(0)


def route_logging() -> None:
    """Send library logging (websockets, asyncio) to Textual's log, never to the terminal.

    Anything written to stdout or stderr while the TUI runs would draw over it.
    """
    from textual.logging import TextualHandler

    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            root.removeHandler(handler)
    root.addHandler(TextualHandler(stderr=False, stdout=False))
    root.setLevel(logging.WARNING)


def run_app(config: AppConfig) -> int:
    """Run the TUI for the command line's config; returns the exit code."""
    route_logging()
    app = WsxApp(config)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # SIGINT, SIGTERM, SIGHUP: leave with the terminal restored (exits.py).
    exit_on_signals(app, loop)
    result = app.run(loop=loop)
    leave(result if isinstance(result, int) else 0)


def leave(code: int) -> NoReturn:
    """Exit the process once the app has finished.

    The app has restored the terminal, closed the session and stopped the demo server
    (``action_quit`` / ``on_unmount``). Tearing down Textual's object graph at interpreter
    exit takes a noticeable moment and does nothing for the user, and waiting for a thread worker
    stuck in ``getaddrinfo`` would take up to glibc's 10 s: flush and leave now.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
