"""The screens the README shows and the snapshot tests pin, on the canned machine.

One definition serves both ``scripts/screenshots.py`` (SVGs in ``screenshots/``) and
``tests/ui/test_snapshots.py``, so a screenshot is always a tested state.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.pilot import Pilot
from textual.widgets import Input

from ..ui.app import WsxApp
from .canned import CannedBackend, canned_config, frozen_clock, settle

__all__ = ["SCENES", "Scene"]


@dataclass(frozen=True, slots=True)
class Scene:
    """A named state: start the canned app, press ``keys``, send ``messages``, press ``after``."""

    name: str
    description: str
    size: tuple[int, int] = (120, 40)
    keys: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    lesson: bool = False

    def app(self) -> WsxApp:
        """A fresh canned app for this scene (``wsexplorer lesson``'s when ``lesson``)."""
        config = canned_config(demo=True, lesson=True) if self.lesson else canned_config()
        return WsxApp(config, CannedBackend(), clock=frozen_clock)

    async def play(self, pilot: Pilot[object]) -> None:
        """Drive the app to this scene's state and let everything settle."""
        await settle(pilot)
        for key in self.keys:
            await pilot.press(key)
            await settle(pilot)
        if self.messages:
            screen = pilot.app.screen
            field = screen.query_one("#session-send", Input)
            field.focus()
            for text in self.messages:
                field.value = text
                await pilot.press("enter")
                await settle(pilot)
        for key in self.after:
            await pilot.press(key)
            await settle(pilot)


SCENES: tuple[Scene, ...] = (
    Scene(
        "seed-broken",
        "localhost resolves to ::1 first, the server listens on 0.0.0.0: Node 17-19 fails",
    ),
    Scene("fix-family-4", "after f: the client forces IPv4 (family: 4)", keys=("f",)),
    Scene("fix-dual-stack", "after d: the demo server listens on :: dual-stack", keys=("d",)),
    Scene("fix-ipv4-literal", "after l: the URL uses 127.0.0.1", keys=("l",)),
    Scene(
        "live-session",
        "a live session: messages echoed, JSON tagged, a ping round trip",
        messages=("hello", '{"op": "subscribe", "topic": "prices"}'),
        after=("escape", "p"),
    ),
    Scene("small-80x24", "the same screen at 80x24: panes stacked, scrolling", size=(80, 24)),
    Scene(
        "lesson-step-1",
        "wsexplorer lesson at 100x30, step 1: the failing client",
        size=(100, 30),
        lesson=True,
    ),
    Scene(
        "lesson-step-5",
        "the lesson's step 5 after f: before -> now",
        size=(100, 30),
        keys=("n", "n", "n", "n", "f"),
        lesson=True,
    ),
    Scene(
        "lesson-step-8-80x24",
        "the lesson's pitfalls at 80x24",
        size=(80, 24),
        keys=("n",) * 7,
        lesson=True,
    ),
)
