"""The screen applies the engine's fixes and decides none: keys, refusals, undo.

Each key finds the fix with that key in the current diagnosis; its change (decided by the
engine) is applied exactly, or the engine's reason is shown and nothing changes.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.ui.conftest import canned_app
from tests.ui.test_app_canned import shown
from wsexplorer.model import LOOPBACK_BIND, FamilyChoice, FixChange
from wsexplorer.testing.canned import settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.fixes import NOT_CURRENT, NOTHING_TO_FIX
from wsexplorer.ui.screens.main import MainScreen
from wsexplorer.ui.state import LiveState

SIZE = (120, 40)
KEYS = {"f": "client-family-4", "l": "ipv4-literal", "d": "server-dual-stack"}


def record_notes(screen: MainScreen, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notification the screen raises from now on, as plain text."""
    notes: list[str] = []
    monkeypatch.setattr(screen, "notify", lambda message, **_kw: notes.append(str(message)))
    return notes


def server_binds(screen: MainScreen) -> list[tuple[str, bool | None]]:
    assert screen.server is not None
    return sorted((lis.address, lis.v6only) for lis in screen.server.listeners)


def expected(state: LiveState, change: FixChange) -> LiveState:
    """The state a change leads to, written out field by field."""
    if change.family is not None:
        return replace(state, family=change.family)
    if change.url_host is not None:
        return replace(state, url=state.url.with_host(change.url_host))
    assert change.server_bind is not None
    host, mode = change.server_bind
    return replace(state, server_host=host, server_mode=mode)


async def test_literal_on_a_remote_name_only_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    app = canned_app(url="ws://ws.example.test:8080/")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.diagnosis is not None
        fix = screen.diagnosis.fix("ipv4-literal")
        assert not fix.applicable and fix.change is None
        assert fix.reason == "no IPv4 address is known for ws.example.test"
        notes = record_notes(screen, monkeypatch)
        state, gen = screen.state, screen.generation
        await pilot.press("l")
        await settle(pilot)
        # The button does the same as the key.
        screen.query_one("#fix-ipv4-literal").press()  # type: ignore[attr-defined]
        await settle(pilot)
        assert notes == [fix.reason, fix.reason]
        assert screen.state == state and screen.state.url.host == "ws.example.test"
        assert screen.generation == gen and len(screen.undo) == 0
        assert "l IPv4 address" in str(screen.query_one("#fix-ipv4-literal").label)  # type: ignore[attr-defined]


@pytest.mark.parametrize("key", ["f", "d", "l"])
async def test_seed_fix_applies_the_engine_change_and_undo_restores(key: str) -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.diagnosis is not None
        fix = screen.diagnosis.fix(KEYS[key])
        assert fix.key == key and fix.change is not None
        before, binds = screen.state, server_binds(screen)
        await pilot.press(key)
        await settle(pilot)
        assert screen.state == expected(before, fix.change)
        assert screen.undo.last is not None and screen.undo.last.title == fix.title
        assert screen.undo.last.before == before
        assert screen.diagnosis.verdict.ok
        assert screen.session_pane.state.value == "open"
        if key == "d":
            assert server_binds(screen) == [("::", False)]
        await pilot.press("u")
        await settle(pilot)
        assert screen.state == before
        assert server_binds(screen) == binds == [("0.0.0.0", None)]
        assert len(screen.undo) == 0 and not screen.diagnosis.verdict.ok


async def test_stacked_fixes_undo_one_state_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        states = [screen.state]
        # Issue 12: once every client connects the engine lists no fix, so a second key
        # changes nothing and says why (no stacked "not applicable" fixes).
        notes = record_notes(screen, monkeypatch)
        for key in ("f", "l", "d"):
            await pilot.press(key)
            await settle(pilot)
            states.append(screen.state)
        assert notes[-2:] == [NOTHING_TO_FIX, NOTHING_TO_FIX]
        assert states[-1].family == "4" and states[-1].url.host == "localhost"
        assert states[-1] == states[1] and len(screen.undo) == 1
        for state in reversed(states[:1]):
            await pilot.press("u")
            await settle(pilot)
            assert screen.state == state


async def test_loopback_demo_gets_both_loopbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    app = canned_app(demo_server="127.0.0.1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.diagnosis is not None
        # Issue 12: a loopback server gets the loopback pair on d, not "listen on ::".
        fix = screen.diagnosis.fix("server-loopback-pair")
        change = fix.change
        assert fix.key == "d" and screen.diagnosis.fix("server-dual-stack").key is None
        assert change is not None and change.server_bind == (LOOPBACK_BIND, "default")
        notes = record_notes(screen, monkeypatch)
        await pilot.press("d")
        await settle(pilot)
        assert notes == [change.note]
        assert (screen.state.server_host, screen.state.server_mode) == (LOOPBACK_BIND, "default")
        assert server_binds(screen) == [("127.0.0.1", None), ("::1", True)]
        assert screen.diagnosis.verdict.ok and screen.diagnosis.fixes == ()
        # The banner names what was really done.
        assert "fix: Listen on 127.0.0.1 and ::1" in shown(screen, "#status")
        await pilot.press("d")
        await settle(pilot)
        assert notes[-1] == NOTHING_TO_FIX and len(screen.undo) == 1
        await pilot.press("u")
        await settle(pilot)
        assert (screen.state.server_host, screen.state.server_mode) == ("127.0.0.1", "default")
        assert server_binds(screen) == [("127.0.0.1", None)]


async def test_family_already_forced_says_the_engine_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app: WsxApp = canned_app(family=FamilyChoice.IPV4)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        notes = record_notes(screen, monkeypatch)
        await pilot.press("f")
        await settle(pilot)
        assert notes == [NOTHING_TO_FIX]  # every client connects with family 4
        assert len(screen.undo) == 0 and screen.state.family == "4"


async def test_keys_wait_for_the_diagnosis_of_the_current_state(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The seed diagnosis offers 127.0.0.1; once the URL names a remote host, that offer is
    stale and must not rewrite the new URL."""
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        notes = record_notes(screen, monkeypatch)
        assert screen.apply_url("ws://ws.example.test:8080/")
        screen.try_fix("l")  # before the new observation has run
        assert notes == [NOT_CURRENT]
        await settle(pilot)
        assert screen.state.url.host == "ws.example.test" and len(screen.undo) == 0
