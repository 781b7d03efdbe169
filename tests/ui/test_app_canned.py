"""The TUI's behaviour on the canned machine: layout, keys, palette, help, staleness, errors.

The canned backend answers from a fixed model (``wsexplorer/testing/canned.py``); the engine,
widgets and workers are the real ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.color import Color
from textual.geometry import Region
from textual.widgets import DataTable, Input

from tests.ui.conftest import canned_app
from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients import CATALOGUE
from wsexplorer.diagnosis.examples import example, make_listener
from wsexplorer.model import (
    Direction,
    ListenerScan,
    Observation,
    SessionEvent,
    SessionEventKind,
    SessionState,
    WebSocketURL,
)
from wsexplorer.model.options import ObserveOptions
from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock, settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.commands import COMMAND_LIST
from wsexplorer.ui.messages import ObserveFinished, StageArrived
from wsexplorer.ui.screens.help import HelpScreen
from wsexplorer.ui.screens.main import MainScreen
from wsexplorer.ui.widgets.session import LOG_LINES

N_CLIENTS = len(CATALOGUE)

SIZE = (120, 40)


def shown(screen: MainScreen, selector: str) -> str:
    """A widget's text as drawn, whitespace collapsed."""
    widget = screen.query_one(selector)
    width, height = widget.size
    strips = widget.render_lines(Region(0, 0, width, height))
    return " ".join(" ".join(strip.text.split()) for strip in strips)


async def test_seed_scenario_on_canned_machine() -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.has_class("-wide")
        assert screen.diagnosis is not None and not screen.diagnosis.verdict.ok
        assert "connect ECONNREFUSED ::1:8080" in shown(screen, "#diagnosis-clients")
        res = shown(screen, "#resolution-body")
        assert "::1 (hosts file)" in res and "/etc/hosts:3" in res
        # The URL's port first in the listener table, then the rest by port.
        assert screen.listeners_pane.row_keys() == [
            "tcp/ipv4/0.0.0.0/8080/4242",
            "tcp/ipv4/0.0.0.0/22/612",
            "tcp/ipv6/::/22/612",
            "tcp/ipv4/127.0.0.1/5432/733",
        ]
        assert "IPv4 only" in shown(screen, "#listeners-server")
        assert screen.session_pane.state is SessionState.OPEN
        assert f"✗ 1 of {N_CLIENTS} clients fails" in shown(screen, "#status")


async def test_every_fix_then_undo_on_canned_machine() -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        start = screen.state
        for key in ("f", "l", "d"):
            assert screen.diagnosis is not None
            title = next(f.title for f in screen.diagnosis.fixes if f.key == key)
            await pilot.press(key)
            await settle(pilot)
            assert screen.diagnosis is not None and screen.diagnosis.verdict.ok, key
            # The banner compares with the state before and names the fix applied.
            status = shown(screen, "#status")
            assert f"before: ✗ 1 of {N_CLIENTS} clients fails" in status, key
            assert (
                f"→ now: ✓ all {N_CLIENTS} clients connect" in status and f"fix: {title}" in status
            )
            # Every client connects: no fix is listed, none reads "not applicable".
            assert screen.diagnosis.fixes == ()
            assert "not applicable" not in shown(screen, "#diagnosis-fixes")
            await pilot.press("u")
            await settle(pilot)
            assert screen.state == start, key
        assert screen.state.family == "auto" and screen.state.url.host == "localhost"
        assert screen.state.server_host == "0.0.0.0"
        assert screen.diagnosis is not None and not screen.diagnosis.verdict.ok
        await pilot.press("u")  # nothing left: a warning, no change
        await settle(pilot)
        assert screen.state.server_host == "0.0.0.0"


async def test_fix_keys_refuse_what_is_already_done() -> None:
    app = canned_app(url="ws://127.0.0.1:8080/subscribe")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        gen = screen.generation
        await pilot.press("l")
        await settle(pilot)
        assert len(screen.undo) == 0 and screen.generation == gen


async def test_dual_stack_without_server_shows_the_change_and_prediction() -> None:
    app = canned_app(demo_server=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.server is None
        gen = screen.generation
        await pilot.press("d")
        await settle(pilot)
        detail = screen.query_one("#diagnosis-detail")
        assert detail.display
        assert screen.diagnosis is not None
        fix = screen.diagnosis.fix("server-dual-stack")
        text = shown(screen, "#diagnosis-detail")
        assert fix.node.split("//")[0].strip() in text
        assert "Python:" in text and "after:" in text and "✓ Node.js 17-19 ws" in text
        assert screen.generation == gen and len(screen.undo) == 0


async def test_show_buttons_reveal_other_fixes() -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.diagnosis is not None
        ids = [f.id for f in screen.diagnosis.fixes]
        others = [
            i for i in ids if i not in ("client-family-4", "ipv4-literal", "server-dual-stack")
        ]
        assert others, "the engine offers more fixes than the three live ones"
        screen.query_one(f"#fix-{others[0]}").press()
        await settle(pilot)
        assert screen.diagnosis_pane.detail_fix == others[0]
        assert screen.diagnosis.fix(others[0]).title in shown(screen, "#diagnosis-detail")


async def test_fix_buttons_work_with_the_mouse() -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        button = screen.query_one("#fix-client-family-4")
        button.scroll_visible(animate=False)
        await settle(pilot)
        assert await pilot.click("#fix-client-family-4")
        await settle(pilot)
        assert screen.state.family == "4"
        assert screen.diagnosis is not None and screen.diagnosis.verdict.ok


async def test_help_screen_opens_and_closes() -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text").source  # type: ignore[attr-defined]
        for key in ("`f`", "`l`", "`d`", "`u`", "`e`", "`c`", "`x`", "`p`", "`r`", "`q`"):
            assert key in text
        for pane in ("Resolution", "Listeners", "Session", "Diagnosis"):
            assert f"**{pane}**" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_command_palette_runs_actions() -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"force ipv4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main.state.family == "4"


def test_command_palette_covers_every_binding() -> None:
    actions = {action.split("(")[0] for _name, _help, action in COMMAND_LIST}
    for binding in MainScreen.BINDINGS:
        name = binding.action  # type: ignore[union-attr]
        if name in ("app.quit", "blur"):
            continue
        assert name in actions, f"binding {name} has no palette entry"
    for _name, _help, action in COMMAND_LIST:
        assert hasattr(MainScreen, "action_" + action.split("(")[0]), action


async def test_small_terminal_stacks_and_scrolls() -> None:
    app = canned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.has_class("-narrow")
        panes = screen.query_one("#panes")
        # The verdict comes first on a small screen.
        assert [c.id for c in panes.children] == ["diagnosis", "resolution", "listeners", "session"]
        assert "connect ECONNREFUSED ::1:8080" in shown(screen, "#status")
        assert panes.max_scroll_y > 0
        regions = [screen.query_one(f"#{p}").region for p in ("resolution", "listeners")]
        assert all(r.width <= 80 for r in regions)
        assert regions[0].x == regions[1].x  # stacked, not side by side
        session = screen.query_one("#session")
        session.scroll_visible(animate=False)
        await settle(pilot)
        assert session.region.y < 24  # reachable by scrolling
        await pilot.resize_terminal(130, 40)
        await settle(pilot)
        assert screen.has_class("-wide")
        assert [c.id for c in panes.children] == ["resolution", "listeners", "session", "diagnosis"]
        await pilot.press("m", *"hi", "enter")
        await settle(pilot)
        assert screen.session_pane.received == 1


async def test_stale_results_never_overwrite_newer_ones() -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        current = screen.diagnosis
        gen = screen.generation
        stale_obs = example("dual-stack")
        screen.post_message(ObserveFinished(gen - 1, stale_obs, diagnose(stale_obs)))
        screen.post_message(StageArrived(gen - 1, "resolution", stale_obs.resolution))
        await settle(pilot)
        assert screen.diagnosis is current
        assert screen.resolution_pane.resolution is not stale_obs.resolution
        # The current generation is applied.
        screen.post_message(ObserveFinished(gen, stale_obs, diagnose(stale_obs)))
        await settle(pilot)
        assert screen.diagnosis is not current and screen.diagnosis.verdict.ok


class GatedBackend(CannedBackend):
    """Observations wait for a gate: the UI must stay responsive meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.finished: list[int] = []
        self.calls = 0

    async def observe(
        self,
        url: WebSocketURL,
        options: ObserveOptions,
        on_stage: Callable[[str, object], None],
    ) -> Observation:
        self.calls += 1
        n = self.calls
        await self.gate.wait()
        obs = await super().observe(url, options, on_stage)
        self.finished.append(n)
        return obs


async def test_panes_load_while_probes_pend_and_the_ui_stays_responsive() -> None:
    backend = GatedBackend()
    app = WsxApp(canned_config(demo_server=None), backend, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await pilot.pause()
        screen = app.main
        assert screen.resolution_pane.is_busy
        assert screen.diagnosis_pane.is_busy
        assert "loading" in str(screen.resolution_pane.border_title)
        assert screen.diagnosis is None
        # Keys work while the observation is pending.
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        # A refresh supersedes the pending run (exclusive worker): only the last finishes.
        await pilot.press("r")
        await pilot.pause()
        backend.gate.set()
        await settle(pilot)
        assert backend.finished == [2]
        assert screen.diagnosis is not None
        assert screen.diagnosis_generation == screen.generation == 2
        assert not screen.resolution_pane.is_busy
        assert "loading" not in str(screen.resolution_pane.border_title)


class FailingBackend(CannedBackend):
    async def observe(
        self,
        url: WebSocketURL,
        options: ObserveOptions,
        on_stage: Callable[[str, object], None],
    ) -> Observation:
        raise OSError("netlink socket refused by the sandbox")

    def scan_listeners(self) -> ListenerScan:
        raise PermissionError("no /proc here")


async def test_probe_errors_show_in_their_panes() -> None:
    app = WsxApp(canned_config(demo_server=None), FailingBackend(), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        for pane in ("#resolution", "#diagnosis"):
            error = screen.query_one(f"{pane} .pane-error")
            assert error.display, pane
            assert "netlink socket refused by the sandbox" in shown(screen, f"{pane} .pane-error")
        assert "full scan failed: PermissionError: no /proc here" in shown(
            screen, "#listeners-note"
        )
        # The session pane is independent of the observation.
        assert screen.session_pane.state is SessionState.OPEN


async def test_listener_rows_update_by_key() -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.listeners_pane
        table: DataTable[object] = pane.query_one(DataTable)
        kept_key = "tcp/ipv4/0.0.0.0/22/612"
        kept_row = table.rows[kept_key]  # type: ignore[index]
        scan = app.backend.scan_listeners()
        new = make_listener("::", 9000, pid=999, process="node")
        changed = replace(
            scan,
            listeners=(*(lis for lis in scan.listeners if lis.port != 5432), new),
        )
        pane.show_full_scan(changed)
        await pilot.pause()
        assert pane.row_keys() == [
            "tcp/ipv4/0.0.0.0/8080/4242",
            "tcp/ipv4/0.0.0.0/22/612",
            "tcp/ipv6/::/22/612",
            "tcp/ipv6/::/9000/999",
        ]
        assert table.rows[kept_key] is kept_row  # type: ignore[index]
        assert "IPv4 + IPv6" in str(table.get_cell("tcp/ipv6/::/9000/999", "accepts"))


async def test_message_log_is_bounded() -> None:
    app = canned_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.session_pane
        for i in range(LOG_LINES + 200):
            pane.add_event(
                SessionEvent(SessionEventKind.MESSAGE, 0.0, f"m{i}", direction=Direction.IN),
                "09:26:53.589",
            )
        await pilot.pause()
        assert pane.log_widget.max_lines == LOG_LINES
        assert len(pane.log_widget.lines) <= LOG_LINES
        assert pane.log_widget.lines[-1].text.endswith(f"m{LOG_LINES + 199}")


async def test_send_without_session_explains(tmp_path: Path) -> None:
    app = canned_app(tmp_path, autoconnect=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        screen.query_one("#session-send", Input).value = "hello"
        await pilot.press("m", "enter")
        await settle(pilot)
        lines = [s.text for s in screen.session_pane.log_widget.lines]
        assert any("not connected: press c" in line for line in lines)


async def test_the_palettes_screenshot_goes_to_the_export_directory(tmp_path: Path) -> None:
    """Issue 12: "Screenshot" failed without ~/Downloads. It is saved in the export
    directory (created when missing) and the notification names the file."""
    target = tmp_path / "not-yet"
    app = WsxApp(canned_config(export_dir=target), CannedBackend(), clock=frozen_clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        saved = app.deliver_screenshot()
        assert saved is not None
        await pilot.pause()
        files = list(target.glob("*.svg"))
        assert [f.resolve() for f in files] == [Path(saved).resolve()]
        assert files[0].read_text(encoding="utf-8").startswith("<svg")
        shown = [n.message for n in app._notifications]
        assert f"screenshot saved to {files[0].resolve()}" in shown


async def test_no_color_keeps_failures_legible(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 12: with NO_COLOR=1 the verdict, the failing client's error and the banner
    # became dark grey (#3b3b3b, Textual's Monochrome) on near-black: nearly invisible.
    monkeypatch.setenv("NO_COLOR", "1")
    app = canned_app()
    assert app.no_color
    red = [Segment(f"✗ 1 of {N_CLIENTS} clients fails", RichStyle.parse("bold red"))]
    for f in app._filters:
        red = f.apply(red, Color(0, 0, 0))
    style = red[0].style
    assert style is not None and style.bold  # bold kept
    assert style.color is None or style.color.is_default  # the terminal's own colour
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert f"✗ 1 of {N_CLIENTS} clients fails" in shown(screen, "#status")
        assert "✗" in shown(screen, "#diagnosis-verdict")
        assert "✗ Node.js 17-19 ws" in shown(screen, "#diagnosis-clients")
