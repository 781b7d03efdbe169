"""``wsexplorer lesson`` on the canned machine: every step, its pane, the keys, leaving
and coming back; the words come from the live diagnosis (presentation/lesson.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.ui.test_app_canned import shown
from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients import CATALOGUE
from wsexplorer.diagnosis.examples import example
from wsexplorer.model import HostsFile
from wsexplorer.presentation.facts import tally
from wsexplorer.presentation.lesson import STEP_COUNT, lesson_step
from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock, settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.screens.lesson import PANES
from wsexplorer.ui.screens.main import MainScreen

N_CLIENTS = len(CATALOGUE)

EXPECTED = [
    ("The failing client", "diagnosis", "Node.js 17-19 ws fails with `connect ECONNREFUSED"),
    ("How localhost resolves", "resolution", "/etc/hosts:3 (::1)"),
    ("What listens", "listeners", "listens on 0.0.0.0:8080: it accepts IPv4 only"),
    ("Why the clients differ", "diagnosis", "Node 17-19 keep the resolver's order"),
    ("Fix in the client: IPv4", "diagnosis", "Press f: force IPv4 in the client"),
    ("Fix in the URL: the literal", "diagnosis", "Press l: use 127.0.0.1 in the URL"),
    ("Fix in the server: dual-stack", "listeners", "Press d: listen on :: (dual-stack)"),
    ("Pitfalls", "session", 'serve(handler, "::") is IPv6-only'),
    ("Your turn", "diagnosis", "Press g to leave the lesson"),
]


def lesson_text(screen: MainScreen) -> str:
    """The lesson panel as drawn, borders and line breaks removed."""
    return " ".join(shown(screen, "#lesson").replace("┃", " ").split())


def lesson_app() -> WsxApp:
    return WsxApp(canned_config(demo=True, lesson=True), CannedBackend(), clock=frozen_clock)


def focused(screen: MainScreen) -> list[str]:
    return [p for p in PANES if screen.query_one(f"#{p}").has_class("lesson-focus")]


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_every_step_forward_and_back(size: tuple[int, int]) -> None:
    assert len(EXPECTED) == STEP_COUNT
    app = lesson_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main
        for number, (title, pane, words) in enumerate(EXPECTED, start=1):
            panel = screen.lesson_panel
            assert panel.border_title == f"Lesson · Step {number} of {STEP_COUNT}: {title}"
            text = lesson_text(screen)
            assert " ".join(words.split()) in text, (number, text)
            assert focused(screen) == [pane]
            # The highlighted pane is on screen, and so is the lesson.
            region = screen.query_one(f"#{pane}").region
            assert region.height > 0 and panel.region.height > 0
            await pilot.press("space" if number % 2 else "n")
            await settle(pilot)
        assert screen.lesson_number == STEP_COUNT  # the last step stays
        for number in range(STEP_COUNT - 1, 0, -1):
            await pilot.press("b")
            await settle(pilot)
            assert screen.lesson_number == number
        await pilot.press("b")
        assert screen.lesson_number == 1


async def test_fix_steps_show_before_and_now_live() -> None:
    app = lesson_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.main
        for _ in range(4):
            await pilot.press("n")
        await settle(pilot)
        assert "before → now here" in lesson_text(screen)
        await pilot.press("f")
        await settle(pilot)
        text = lesson_text(screen)
        assert (
            f"f applied (client-family-4): before ✗ 1 of {N_CLIENTS} clients fails → now ✓ all {N_CLIENTS}"
            in text
        )
        await pilot.press("u", "n")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert "l applied (ipv4-literal)" in lesson_text(screen)
        await pilot.press("u", "n")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "d applied (server-dual-stack)" in lesson_text(screen)
        assert f"→ now ✓ all {N_CLIENTS} clients connect" in lesson_text(screen)


async def test_leave_for_the_full_app_and_come_back() -> None:
    app = lesson_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.main
        await pilot.press("n", "n")
        await pilot.press("g")
        await settle(pilot)
        assert not screen.lesson_panel.display and focused(screen) == []
        await pilot.press("n", "b", "space")  # the lesson's keys rest while it is away
        await settle(pilot)
        assert screen.lesson_number == 3
        await pilot.press("g")
        await settle(pilot)
        assert screen.lesson_panel.display and screen.lesson_number == 3
        assert focused(screen) == ["listeners"]


async def test_the_plain_app_has_no_lesson() -> None:
    app = WsxApp(canned_config(), CannedBackend(), clock=frozen_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.main
        assert not screen.query("#lesson")
        await pilot.press("n", "g")
        await settle(pilot)
        assert screen.lesson_number == 1 and focused(screen) == []
        assert "Next step" not in shown(screen, "Footer")


def test_step_words_without_and_with_facts() -> None:
    waiting = lesson_step(1, None)
    assert "still running" in waiting.text and waiting.counter == f"Step 1 of {STEP_COUNT}"
    assert lesson_step(0, None).number == 1 and lesson_step(99, None).number == STEP_COUNT
    seed = diagnose(example("seed"))
    pinned = lesson_step(2, seed, pinned=True)
    assert "pins the Debian/Ubuntu order" in pinned.text
    fine = diagnose(example("dual-stack"))
    assert "every client connects" in lesson_step(1, fine).text
    assert tally(fine) == f"✓ all {N_CLIENTS} clients connect"
    nothing = diagnose(example("nothing-listening"))
    assert lesson_step(3, nothing).text == "Nothing listens on port 8080 now."
    obs = example("seed")
    dns_only = replace(obs, resolution=replace(obs.resolution, hosts_file=HostsFile("/etc/hosts")))
    assert "no line for it; the answers come from DNS" in lesson_step(2, diagnose(dns_only)).text
    # A fix the engine does not list for what is shown.
    none = diagnose(example("not-resolving"))
    text = lesson_step(5, none).text
    assert "does not apply" in text or "Press f" in text
