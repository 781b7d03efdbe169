"""A target on another machine: the Listeners pane and the fix keys follow the engine.

The canned machine knows ``ws.example.test`` as another machine (``2001:db8::10`` first,
then ``192.0.2.10``, listening on 0.0.0.0 only), so the observation is not local.
"""

from __future__ import annotations

from textual.command import CommandPalette

from tests.ui.test_app_canned import SIZE, FailingBackend, shown
from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock, settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.commands import COMMAND_LIST, commands
from wsexplorer.ui.fixes import fix_for_key

REMOTE = {"ws.example.test": ("2001:db8::10", "192.0.2.10")}


def remote_app(url: str = "ws://ws.example.test:8080/") -> WsxApp:
    return WsxApp(canned_config(url), CannedBackend(remote=REMOTE), clock=frozen_clock)


def footer_words(app: WsxApp, key: str) -> str:
    return app.main.active_bindings[key].binding.description


async def test_remote_target_listeners_say_the_target_is_elsewhere() -> None:
    for size in (SIZE, (80, 24), (100, 30)):
        app = remote_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.main
            assert screen.observation is not None and not screen.observation.local_target
            note = shown(screen, "#listeners-note")
            assert "nothing listens" not in note, size
            assert "another machine" in note and "can't be seen here" in note, size
            assert "this machine's sockets" in str(screen.listeners_pane.border_subtitle)
            # This machine's sockets stay listed.
            assert "tcp/ipv4/0.0.0.0/22/612" in screen.listeners_pane.row_keys()


async def test_local_target_without_listener_still_says_nothing_listens() -> None:
    # No demo server and nothing bound: the port is empty on this machine.
    config = canned_config("ws://localhost:9999/", demo_server=None)
    app = WsxApp(config, CannedBackend(listen=()), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        note = shown(app.main, "#listeners-note")
        assert "nothing listens on port 9999" in note
        assert "another machine" not in note


async def test_fix_keys_read_the_engines_labels() -> None:
    app = remote_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fix = fix_for_key(app.main.diagnosis, "l")
        assert fix is not None and fix.label == "192.0.2.10"
        assert footer_words(app, "l") == "Fix: 192.0.2.10"
        assert footer_words(app, "f") == "Fix: family 4"
        dual = fix_for_key(app.main.diagnosis, "d")
        assert dual is not None and not dual.applicable
        assert footer_words(app, "d") == f"Fix: {dual.label}"
        names = [name for name, _help, _action in commands(app.main.diagnosis)]
        assert "Fix: 192.0.2.10" in names
        assert "Fix: use an IPv4 address" not in names
        # The palette shows the same name.
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*"192.0.2")
        await settle(pilot)
        assert "Fix: 192.0.2.10" in shown(palette, "CommandList")  # type: ignore[arg-type]


async def test_not_applicable_literal_shows_its_label() -> None:
    # [::1] on the canned machine (server on 0.0.0.0): every client fails, fixes listed.
    app = WsxApp(canned_config("ws://[::1]:8080/"), CannedBackend(), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fix = fix_for_key(app.main.diagnosis, "l")
        assert fix is not None and not fix.applicable
        assert footer_words(app, "l") == f"Fix: {fix.label}" != "Fix: 127.0.0.1"


async def test_without_a_diagnosis_keys_keep_todays_words() -> None:
    app = WsxApp(canned_config(demo_server=None), FailingBackend(), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.diagnosis is None
        assert [footer_words(app, k) for k in "fld"] == [
            "Fix: family 4",
            "Fix: 127.0.0.1",
            "Fix: listen ::",
        ]
    assert commands(None) == list(COMMAND_LIST)
