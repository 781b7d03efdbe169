"""Session features wscat/websocat users expect (issue 12): close with a code and reason,
binary messages from hex or base64, ↑/↓ history in the send line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from wsexplorer.model import (
    ObserveOptions,
    SessionEvent,
    SessionEventKind,
    SessionState,
    parse_url,
)
from wsexplorer.probes.server import DemoServer, ServerConfig
from wsexplorer.testing.canned import (
    FROZEN_NOW,
    CannedBackend,
    canned_config,
    frozen_clock,
    settle,
)
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.config import AppConfig
from wsexplorer.ui.send_line import SendBinary, SendClose, SendError, SendText, parse_line
from wsexplorer.ui.session_log import SessionRecord
from wsexplorer.ui.widgets.history_input import HISTORY_LINES, HistoryInput

SIZE = (120, 40)


@pytest.mark.parametrize(
    ("line", "asked"),
    [
        ("hello", SendText("hello")),
        ('{"a": 1}', SendText('{"a": 1}')),
        ("//close", SendText("/close")),
        ("/close", SendClose(1000, "")),
        ("/close 4000 going away now", SendClose(4000, "going away now")),
        ("/hex 01 ff 0A", SendBinary(b"\x01\xff\x0a")),
        ("/b64 AAEC", SendBinary(b"\x00\x01\x02")),
    ],
)
def test_the_send_line_reads_commands(line: str, asked: object) -> None:
    assert parse_line(line) == asked


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("/close 1006", "not a code an endpoint sends"),
        ("/close soon", "the code is a number"),
        ("/close 1000 " + "x" * 124, "over 123 bytes"),
        ("/hex 0g", "not hex digits"),
        ("/b64 !!", "not base64"),
        ("/send x", "unknown command '/send'"),
    ],
)
def test_impossible_lines_are_one_line_errors(line: str, words: str) -> None:
    asked = parse_line(line)
    assert isinstance(asked, SendError) and words in asked.text and "\n" not in asked.text


def _log_text(app: WsxApp) -> str:
    return "\n".join(line.text for line in app.main.session_pane.log_widget.lines)


async def _type_and_send(pilot: object, app: WsxApp, line: str) -> None:
    field = app.main.query_one("#session-send", HistoryInput)
    field.focus()
    field.value = line
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_binary_from_hex_and_base64_is_sent_and_echoed() -> None:
    app = WsxApp(canned_config(), CannedBackend(), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _type_and_send(pilot, app, "/hex 01 ff")
        await _type_and_send(pilot, app, "/b64 AAEC")
        await _type_and_send(pilot, app, "/hex zz")
        log = _log_text(app)
        assert "→ 01 ff (binary, 2 bytes)" in log and "← 01 ff (binary, 2 bytes)" in log
        assert "→ 00 01 02 (binary, 3 bytes)" in log
        assert "error: /hex 'zz': not hex digits in" in log


async def test_close_with_a_code_and_reason_on_a_real_server() -> None:
    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path=None))
    await server.start()
    try:
        url = parse_url(f"ws://127.0.0.1:{server.port}/")
        app = WsxApp(AppConfig(url=url, options=ObserveOptions(dns=False), watch_seconds=0))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pane = app.main.session_pane
            assert pane.state is SessionState.OPEN
            generation = app.main.generation
            await _type_and_send(pilot, app, "/close 4001 done testing")
            end = time.monotonic() + 30  # hang guard
            while pane.state is not SessionState.CLOSED and time.monotonic() < end:
                await pilot.pause(0.05)
            assert pane.close_info == (4001, "done testing")  # the server echoed them
            assert "closed: code 4001 done testing" in _log_text(app)
            assert app.main.session_wanted is False
            assert app.main.generation == generation  # a close asked for: no re-run
    finally:
        await server.stop()


async def test_up_and_down_walk_the_history_of_the_send_line() -> None:
    app = WsxApp(canned_config(), CannedBackend(), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for line in ("first", "second", "second"):
            await _type_and_send(pilot, app, line)
        field = app.main.query_one("#session-send", HistoryInput)
        assert list(field.history) == ["first", "second"]  # a repeat is kept once
        field.value = "draft"
        await pilot.press("up")
        assert field.value == "second"
        await pilot.press("up", "up")
        assert field.value == "first"
        await pilot.press("down")
        assert field.value == "second"
        await pilot.press("down")
        assert field.value == "draft"  # what was being typed comes back
        for i in range(HISTORY_LINES + 5):
            field.remember(f"line {i}")
        assert len(field.history) == HISTORY_LINES  # bounded


async def test_s_saves_the_session_log_as_json_lines(tmp_path: Path) -> None:
    config = canned_config(
        "ws://user:pw@localhost:8080/subscribe",
        export_dir=tmp_path,
        headers=(("Authorization", "Bearer s3cret"), ("X-Room", "7")),
        subprotocols=("chat",),
    )
    app = WsxApp(config, CannedBackend(), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _type_and_send(pilot, app, "hello")
        await _type_and_send(pilot, app, "/hex 01 ff")
        app.main.set_focus(None)
        for _ in range(2):  # the second never overwrites the first
            await pilot.press("s")
            await settle(pilot)
    first = tmp_path / "wsexplorer-session-20250314-092653.jsonl"  # the frozen clock's name
    assert sorted(p.name for p in tmp_path.glob("*.jsonl")) == sorted(
        [first.name, first.name.replace(".jsonl", "-2.jsonl")]
    )
    text = first.read_text(encoding="utf-8")
    assert "s3cret" not in text and "pw@" not in text  # the saved file hides secrets too
    opened, *rows = [json.loads(line) for line in text.splitlines()]
    assert opened["type"] == "open" and opened["session"] == 1
    assert opened["url"].startswith("ws://user:") and opened["url"].endswith("/subscribe")
    assert opened["sent"] == [
        "Authorization: Bearer ***",
        "X-Room: 7",
        "Sec-WebSocket-Protocol: chat",
    ]
    assert [(r["direction"], r["type"], r["text"], r["size"]) for r in rows] == [
        ("out", "text", "hello", 5),
        ("in", "text", "hello", 5),
        ("out", "binary", "01 ff", 2),
        ("in", "binary", "01 ff", 2),
    ]
    assert {r["time"] for r in rows} == {FROZEN_NOW.isoformat()}
    assert {r["session"] for r in rows} == {1}


def test_the_session_record_is_bounded_and_keeps_closes() -> None:
    record = SessionRecord(cap=3)
    record.opened(FROZEN_NOW, 1, "ws://localhost:8080/", [])
    for i in range(5):
        record.add(FROZEN_NOW, 1, SessionEvent(SessionEventKind.MESSAGE, 0.0, text=str(i)))
    record.add(FROZEN_NOW, 1, SessionEvent(SessionEventKind.PING, 0.0, rtt_ms=1.0))  # not kept
    record.add(FROZEN_NOW, 1, SessionEvent(SessionEventKind.CLOSE, 0.0, text="bye", code=4000))
    rows = [json.loads(line) for line in record.jsonl().splitlines()]
    assert len(record) == 3 and record.dropped == 4  # the open line went first
    assert [r.get("text", r.get("reason")) for r in rows] == ["3", "4", "bye"]
    assert rows[-1]["type"] == "close" and rows[-1]["code"] == 4000


async def test_x_messages_are_sent_in_order_once_the_session_first_opens() -> None:
    config = canned_config(initial_messages=("one", "/hex 02", "two"))
    app = WsxApp(config, CannedBackend(), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        log = _log_text(app)
        sent = [line.split("→ ", 1)[1] for line in log.splitlines() if "→ " in line]
        assert sent == ["one", "02 (binary, 1 bytes)", "two"]
        await pilot.press("c")  # a reconnect does not send them again
        await settle(pilot)
        assert _log_text(app).count("→ one") == 1


def test_send_file_lines_reach_the_config(tmp_path: Path) -> None:
    from wsexplorer.cli_full import tui_config_from_argv

    script = tmp_path / "script.txt"
    script.write_text('{"op": "subscribe"}\n\n/close 1000 bye\n', encoding="utf-8")
    config = tui_config_from_argv(["ws://localhost:9/", "-x", "hi", "--send-file", str(script)])
    assert config.initial_messages == ("hi", '{"op": "subscribe"}', "/close 1000 bye")


async def test_y_copies_the_last_message_received() -> None:
    app = WsxApp(canned_config(), CannedBackend(), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.set_focus(None)
        await pilot.press("y")  # nothing received yet: nothing copied
        assert app.clipboard == ""
        await _type_and_send(pilot, app, '{"op": "hello"}')
        await _type_and_send(pilot, app, "/hex 0a")
        app.main.set_focus(None)
        await pilot.press("y")
        assert app.clipboard == "0a"  # the echo of the newest message
