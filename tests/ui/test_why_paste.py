"""``w`` in the TUI: paste an error, the URL follows it, the clients that print it are
marked and the story is told (canned machine: the engine and widgets are real)."""

from __future__ import annotations

from textual.widgets import TextArea

from tests.ui.test_app_canned import shown
from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock, settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.screens.paste import PasteScreen

NODE_18 = """node:events:497
      throw er; // Unhandled 'error' event
Error: connect ECONNREFUSED ::1:8080
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)"""


def app() -> WsxApp:
    return WsxApp(canned_config(), CannedBackend(), clock=frozen_clock)


async def paste(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("w")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PasteScreen)
    pilot.app.screen.query_one("#paste-text", TextArea).text = text
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_paste_a_node_stack_trace() -> None:
    wsx = app()
    async with wsx.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = wsx.main
        await paste(pilot, NODE_18)
        assert screen.state.url.geturl() == "ws://localhost:8080/"  # ::1 is localhost's
        why = " ".join(shown(screen, "#diagnosis-why").split())
        assert "your error: Node.js 16 ws, Node.js 17-19 ws and Node.js 20+ ws print this" in why
        assert "It happens here: Node.js 17-19 ws fails" in why
        clients = shown(screen, "#diagnosis-clients")
        assert clients.count("◀ your error") == 3
        assert "connect ECONNREFUSED ::1:8080 ◀ your error" in clients


async def test_unrecognised_text_and_cancel_change_nothing() -> None:
    wsx = app()
    async with wsx.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = wsx.main
        before = screen.state.url
        await paste(pilot, "the build passed, 12 tests ok")
        assert screen.state.url == before
        assert not [w for w in screen.query("#diagnosis-why") if w.display]
        assert any("no client's error text" in str(n.message) for n in wsx._notifications)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(wsx.screen, PasteScreen) and screen.state.url == before


async def test_a_text_without_a_target_marks_its_client_only() -> None:
    wsx = app()
    async with wsx.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = wsx.main
        await paste(pilot, "net::ERR_CONNECTION_REFUSED")
        assert screen.state.url.geturl() == "ws://localhost:8080/subscribe"
        assert "Chrome" in shown(screen, "#diagnosis-clients")
        assert shown(screen, "#diagnosis-clients").count("◀ your error") == 1
        assert any("names no host" in str(n.message) for n in wsx._notifications)
