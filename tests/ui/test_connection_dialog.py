"""The connection dialog (``h``): headers, subprotocols and Origin edited in the TUI
(issue 12), applied to a real websockets server that tells what it received."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Static
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.typing import Subprotocol

from tests.ui.test_app_real import _plain
from wsexplorer.model import ObserveOptions, SessionState, parse_url
from wsexplorer.model.request import parse_header_lines
from wsexplorer.presentation.request import request_markdown, request_summary
from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock, settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.config import AppConfig
from wsexplorer.ui.screens.connection import ConnectionScreen, shown_headers, unmask_headers
from wsexplorer.ui.screens.help import HELP_TEXT

SIZE = (120, 40)
TOKEN = "s3cr3t-t0ken"


class Recorder:
    """What a real websockets server received in each handshake."""

    def __init__(self) -> None:
        self.requests: list[dict[str, object]] = []

    async def handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        seen = {
            "headers": [[k, v] for k, v in ws.request.headers.raw_items()],
            "subprotocol": ws.subprotocol,
        }
        self.requests.append(seen)
        await ws.send(json.dumps({"subprotocol": ws.subprotocol}))
        async for message in ws:
            await ws.send(message)

    def header(self, name: str, index: int = -1) -> list[str]:
        headers = self.requests[index]["headers"]
        assert isinstance(headers, list)
        return [v for k, v in headers if k.lower() == name.lower()]


def _prefer_v2(_: ServerConnection, offered: Sequence[str]) -> Subprotocol | None:
    """``chat.v2`` when offered, in whatever order (a request without any is accepted)."""
    return Subprotocol("chat.v2") if "chat.v2" in offered else None


@pytest.fixture
async def recorder() -> AsyncIterator[tuple[Recorder, Server]]:
    rec = Recorder()
    async with serve(rec.handler, "127.0.0.1", 0, select_subprotocol=_prefer_v2) as server:
        yield rec, server


def _app(server: Server, options: ObserveOptions, export_dir: Path | None = None) -> WsxApp:
    port = next(iter(server.sockets)).getsockname()[1]
    url = parse_url(f"ws://127.0.0.1:{port}/")
    config = AppConfig(url=url, options=options, watch_seconds=0, cursor_blink=False)
    return WsxApp(replace(config, export_dir=export_dir) if export_dir else config)


async def _wait_open(pilot: object, app: WsxApp, sessions: int) -> None:
    end = time.monotonic() + 30  # hang guard, not a timing assertion
    main = app.main
    while time.monotonic() < end:
        await settle(pilot)  # type: ignore[arg-type]
        if main.session_id >= sessions and main.session_pane.state is SessionState.OPEN:
            return
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    raise AssertionError(f"session {sessions} never opened: {main.session_pane.state}")


def _dialog(app: WsxApp) -> ConnectionScreen:
    screen = app.screen
    assert isinstance(screen, ConnectionScreen), type(screen)
    return screen


def test_secrets_are_masked_in_what_is_shown_and_kept_when_left_as_shown() -> None:
    before = (("Authorization", f"Bearer {TOKEN}"), ("Cookie", f"sid={TOKEN}"), ("X-A", "1"))
    shown = shown_headers(before)
    assert TOKEN not in shown
    assert shown == "Authorization: Bearer ***\nCookie: sid=***\nX-A: 1"
    # Left as shown: the real values; typed anew: what was typed.
    assert unmask_headers(parse_header_lines(shown), before) == before
    edited = parse_header_lines("Authorization: Bearer other\nCookie: sid=***\nX-A: 2")
    assert unmask_headers(edited, before) == (
        ("Authorization", "Bearer other"),
        ("Cookie", f"sid={TOKEN}"),
        ("X-A", "2"),
    )
    options = ObserveOptions(headers=before, subprotocols=("chat",), origin="http://a.test")
    summary = request_summary(options)
    assert summary is not None and TOKEN not in summary
    assert "Authorization: Bearer ***" in summary and "Sec-WebSocket-Protocol: chat" in summary
    markdown = request_markdown(options)
    assert TOKEN not in markdown and "`Cookie: sid=***`" in markdown
    assert request_summary(ObserveOptions()) is None and request_markdown(ObserveOptions()) == ""


def test_the_help_names_the_key() -> None:
    assert "| `h` | headers, subprotocols and Origin" in HELP_TEXT


# ------------------------------------------------------------------ the dialog
async def test_h_edits_headers_and_apply_reconnects_with_them(
    recorder: tuple[Recorder, Server], tmp_path: Path
) -> None:
    rec, server = recorder
    start = ObserveOptions(dns=False, headers=(("Authorization", f"Bearer {TOKEN}"),))
    app = _app(server, start, tmp_path)
    app_config = app.config
    async with app.run_test(size=SIZE) as pilot:
        await _wait_open(pilot, app, 1)
        assert rec.header("Authorization") == [f"Bearer {TOKEN}"]
        assert rec.requests[-1]["subprotocol"] is None
        main = app.main
        generation = main.generation
        before = len(rec.requests)
        main.set_focus(None)
        await pilot.press("h")
        await settle(pilot)
        dialog = _dialog(app)
        area = dialog.query_one("#connection-headers")
        assert area.text == "Authorization: Bearer ***"  # type: ignore[attr-defined]
        area.text += "\nX-Room: 7"  # type: ignore[attr-defined]
        dialog.query_one("#connection-subprotocols").value = "chat.v1, chat.v2"  # type: ignore[attr-defined]
        dialog.query_one("#connection-origin").value = "http://localhost:3000"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await _wait_open(pilot, app, 2)
        # The real server received them, and chose a subprotocol.
        assert rec.header("Authorization") == [f"Bearer {TOKEN}"]  # kept, never retyped
        assert rec.header("X-Room") == ["7"]
        assert rec.header("Origin") == ["http://localhost:3000"]
        assert rec.header("Sec-WebSocket-Protocol") == ["chat.v1, chat.v2"]
        assert rec.requests[-1]["subprotocol"] == "chat.v2"  # the server's preference
        assert main.generation > generation  # the diagnosis re-ran with them too
        assert len(rec.requests) - before >= 2  # the observation and the session
        assert all(rec.header("X-Room", i) == ["7"] for i in range(before, len(rec.requests)))
        pane = main.session_pane
        assert pane.handshake is not None and pane.handshake.subprotocol == "chat.v2"
        # The Session pane shows what was sent, the secret masked.
        shown = _plain(main, "#session-handshake")
        assert pane.request is not None and TOKEN not in pane.request
        assert "X-Room: 7" in pane.request and "Authorization: Bearer ***" in pane.request
        assert "Origin: http://localhost:3000" in pane.request
        assert "sent:" in shown and TOKEN not in shown
        assert app.main.config.options.origin == "http://localhost:3000"
        assert app_config.options.origin is None  # the command line's config is left alone
        # The export names them too, masked.
        await pilot.press("e")
        await settle(pilot)
    report = next(tmp_path.glob("wsexplorer-report-*.md")).read_text(encoding="utf-8")
    assert "## Request" in report and "`X-Room: 7`" in report
    assert "`Authorization: Bearer ***`" in report and TOKEN not in report


async def test_bad_input_is_one_line_in_the_dialog_and_the_text_is_kept(
    recorder: tuple[Recorder, Server],
) -> None:
    rec, server = recorder
    app = _app(server, ObserveOptions(dns=False))
    async with app.run_test(size=SIZE) as pilot:
        await _wait_open(pilot, app, 1)
        handshakes = len(rec.requests)  # the observation's and the session's
        app.main.set_focus(None)
        await pilot.press("h")
        await settle(pilot)
        dialog = _dialog(app)
        area = dialog.query_one("#connection-headers")
        typed = "X-Room: 7\nno colon here\x1b[2J"
        area.text = typed  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # still open
        assert dialog.error is not None and "line 2: header 'no colon here\\x1b[2J'" in dialog.error
        line = str(dialog.query_one("#connection-error", Static).content)
        assert "\x1b" not in line and "\\x1b[2J' is not 'Name: value'" in line
        assert area.text == typed  # type: ignore[attr-defined]
        area.text = "X-Room: 7"  # type: ignore[attr-defined]
        dialog.query_one("#connection-origin").value = "not an origin"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dialog.error is not None and "origin 'not an origin'" in dialog.error
        await pilot.press("escape")  # cancel: nothing changes, no reconnect
        await settle(pilot)
        assert app.screen is app.main
        assert app.main.session_id == 1 and len(rec.requests) == handshakes
        assert app.main.config.options.headers == ()


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_dialog_fits_a_small_terminal(size: tuple[int, int]) -> None:
    """Every field, the error line and both buttons are on screen at 80x24 and 100x30."""
    headers = tuple((f"X-Header-{i}", "v" * 90) for i in range(12))  # more than fits
    app = WsxApp(
        canned_config(options=ObserveOptions(headers=headers)), CannedBackend(), clock=frozen_clock
    )
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        dialog = _dialog(app)
        dialog.query_one("#connection-origin").value = "nope"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        width, height = size
        for selector in (
            "#connection-headers",
            "#connection-subprotocols",
            "#connection-origin",
            "#connection-error",
            "#connection-apply",
            "#connection-cancel",
        ):
            region = dialog.query_one(selector).region
            assert region.height > 0 and region.bottom <= height, (selector, region)
            assert region.x >= 0 and region.right <= width, (selector, region)
