"""Search in the session log and JSON that folds (issue 12: "search in the log",
"pretty-printed JSON (collapsible)"), on a real local WebSocket echo server."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest

from wsexplorer.model import ObserveOptions, SessionState, parse_url
from wsexplorer.probes.server import DemoServer, ServerConfig
from wsexplorer.testing.canned import settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.config import AppConfig
from wsexplorer.ui.json_view import COLLAPSE_LINES, MAX_DEPTH, MAX_LINES, json_view
from wsexplorer.ui.log_search import count_label, find_all, fold
from wsexplorer.ui.widgets.history_input import HistoryInput
from wsexplorer.ui.widgets.message_log import MessageLog
from wsexplorer.ui.widgets.search_input import SearchInput

SIZE = (120, 40)

LONG = {f"key{i}": {"n": i, "tags": ["a", "b"]} for i in range(12)}
"""A JSON object whose indented form is too long to show unfolded."""


# ---------------------------------------------------------------------- pure parts
def test_json_view_indents_and_summarises() -> None:
    view = json_view('{"op": "subscribe", "args": [1, {"x": null}], "empty": {}}')
    assert view is not None
    assert view.pretty.splitlines() == [
        "{",
        '  "op": "subscribe",',
        '  "args": [',
        "    1,",
        "    {",
        '      "x": null',
        "    }",
        "  ],",
        '  "empty": {}',
        "}",
    ]
    assert view.summary == "{…} 3 keys, 58 B" and view.inline and not view.long
    long = json_view(json.dumps(LONG))
    assert long is not None and long.long and long.lines > COLLAPSE_LINES
    assert long.summary.startswith("{…} 12 keys, ") and long.summary.endswith(" B")
    big = json_view(json.dumps(list(range(1000))))
    assert big is not None and big.summary == "[…] 1,000 items, 4.8 KiB"
    assert json_view("[1]") is not None and json_view("[1]").summary == "[…] 1 item, 3 B"  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["", "plain", "42", '"s"', "{not json", "[1,", "{" * 70_000])
def test_json_view_declines_what_is_not_an_object_or_array(text: str) -> None:
    assert json_view(text) is None


def test_hostile_json_is_bounded() -> None:
    # Too deep for the parser: RecursionError is "not JSON", never a crash.
    assert json_view("[" * 100_000 + "]" * 100_000) is None
    # Deep but parseable: containers below MAX_DEPTH are shown as […].
    deep = json_view("[" * 40 + "]" * 40)
    assert deep is not None and "[…]" in deep.pretty
    assert max(len(line) - len(line.lstrip()) for line in deep.pretty.splitlines()) == 2 * MAX_DEPTH
    # Long: the indented form stops.
    wide = json_view(json.dumps(list(range(5000))))
    assert wide is not None and wide.lines == MAX_LINES + 1
    assert wide.pretty.splitlines()[-1].startswith(f"… (more than {MAX_LINES} lines")
    # Server text is sanitised: a bidi override or ESC in a string or key shows escaped.
    view = json_view('{"\\u001b]52;c;x": "a\\u202eb"}')
    assert view is not None and "\x1b" not in view.pretty and "\u202e" not in view.pretty
    assert "\\u001b]52;c;x" in view.pretty and "a\\u202eb" in view.pretty


def test_search_is_plain_text_and_case_insensitive() -> None:
    text = "Needle [b]needle[/b] .* NEEDLE İx"
    folded = fold(text)
    assert len(folded) == len(text)  # offsets stay offsets ("İ".lower() is two characters)
    assert find_all(folded, "needle") == [0, 10, 24]
    assert find_all(folded, ".*") == [21] and find_all(folded, "[b]") == [7]
    assert find_all(folded, "") == [] and find_all(folded, "absent") == []
    assert find_all(fold("aaaa"), "aa") == [0, 2] and find_all(folded, "İX") == [31]
    assert count_label(2, 17) == "3 of 17" and count_label(None, 0) == "no match"
    assert count_label(None, 1) == "1 match" and count_label(None, 1200) == "1,200 matches"


# ---------------------------------------------------------------------- the app
@pytest.fixture
async def echo_app() -> AsyncIterator[WsxApp]:
    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path=None))
    await server.start()
    try:
        url = parse_url(f"ws://127.0.0.1:{server.port}/")
        yield WsxApp(AppConfig(url=url, options=ObserveOptions(dns=False), watch_seconds=0))
    finally:
        await server.stop()


async def _send(pilot: object, app: WsxApp, *lines: str) -> None:
    """Send each line from the send field and wait for its echo."""
    pane = app.main.session_pane
    field = app.main.query_one("#session-send", HistoryInput)
    for line in lines:
        want = pane.received + 1
        field.focus()
        field.value = line
        await pilot.press("enter")  # type: ignore[attr-defined]
        end = time.monotonic() + 30  # hang guard
        while pane.received < want and time.monotonic() < end:
            await pilot.pause(0.02)  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


def _lines(log: MessageLog) -> list[str]:
    return [strip.text.rstrip() for strip in log.lines]


def _count(app: WsxApp) -> str:
    return str(app.main.query_one("#session-search-count").render())


def _marked(log: MessageLog) -> list[str]:
    """The text of every span drawn as a match (current or not)."""
    marked = []
    for strip in log.lines:
        for segment in strip:
            style = segment.style
            if style is not None and style.bgcolor is not None and segment.text.strip():
                marked.append(segment.text)
    return marked


async def test_search_counts_jumps_and_closes(echo_app: WsxApp) -> None:
    app = echo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.session_pane
        assert pane.state is SessionState.OPEN
        await _send(pilot, app, "[bold red]Needle[/] one", "hay", "needle two [link=x]y[/link]")
        log = pane.log_widget
        assert any("← [bold red]Needle[/] one" in line for line in _lines(log))  # literal
        app.main.set_focus(None)
        await pilot.press("ctrl+f")
        assert isinstance(app.focused, SearchInput)
        await pilot.press(*"NEEDLE")
        await settle(pilot)
        # Sent and echoed: four matches, the newest current.
        assert _count(app) == "4 of 4"
        assert [m.lower() for m in _marked(log)] == ["needle"] * 4
        await pilot.press("enter")  # next wraps to the first
        assert _count(app) == "1 of 4"
        await pilot.press("enter", "enter")
        assert _count(app) == "3 of 4"
        await pilot.press("shift+enter")
        assert _count(app) == "2 of 4"
        await pilot.press("up")
        assert _count(app) == "1 of 4"
        # The query is never markup: brackets are searched as they are.
        await pilot.press("ctrl+u", "[", "/", "]", "space")
        await settle(pilot)
        assert _count(app) == "2 of 2" and _marked(log) == ["[/] ", "[/] "]
        await pilot.press("ctrl+u", *"absent")
        await settle(pilot)
        assert _count(app) == "no match" and _marked(log) == []
        await pilot.press("ctrl+u", *"two")
        await settle(pilot)
        assert _count(app) == "2 of 2"
        await pilot.press("escape")  # closes the field; the log keeps the focus
        await settle(pilot)
        assert app.focused is log and not app.main.query_one("#session-search-bar").display
        assert _marked(log) == [] and log.needle == ""
        # In the log: / opens the field again with the last query; n / N jump.
        await pilot.press("slash")
        assert isinstance(app.focused, SearchInput) and app.focused.value == "two"
        await settle(pilot)
        assert _count(app) == "2 of 2"
        log.focus()
        await pilot.press("n")
        assert _count(app) == "1 of 2"
        await pilot.press("N")
        assert _count(app) == "2 of 2"
        # A message arriving while searching is searched too.
        await _send(pilot, app, "two more")
        assert _count(app) == "2 of 4"


async def test_json_is_indented_and_a_long_one_folds(echo_app: WsxApp) -> None:
    app = echo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.session_pane
        log = pane.log_widget
        medium = json.dumps({"op": "update", "prices": [1.5, 2.25], "note": "x" * 60})
        long = json.dumps(LONG, separators=(",", ":"))
        await _send(pilot, app, '{"op": "ping"}', medium, long)
        lines = _lines(log)
        assert any(line.endswith('← {"op": "ping"} (json)') for line in lines)  # short: as is
        assert any(line.endswith("← {") for line in lines)  # medium: indented
        assert any(line.strip() == '"op": "update",' for line in lines)
        summary = f"▸ {json_view(long).summary} (json)"  # type: ignore[union-attr]
        assert sum(line.endswith(summary) for line in lines) == 2  # long: folded (→ and ←)
        assert '"key7": {' not in "\n".join(lines)
        # Select the newest message and unfold it; y copies it as it arrived.
        log.focus()
        await pilot.press("up")
        assert log.selected_event() is not None and log.selected_event().text == long  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(pilot)
        lines = _lines(log)
        assert any(line.strip() == '"key7": {' for line in lines)
        assert sum(line.endswith(summary) for line in lines) == 1  # the sent one stays folded
        await pilot.press("y")
        assert app.clipboard == long
        await pilot.press("space")  # folds it again
        await settle(pilot)
        assert sum(line.endswith(summary) for line in _lines(log)) == 2
        # Searching a key inside a folded message finds it and unfolds it.
        await pilot.press("slash", *"key11")
        await settle(pilot)
        assert _count(app) == "2 of 2"
        assert any(line.strip() == '"key11": {' for line in _lines(log))
        await pilot.press("enter")  # to the sent copy, which unfolds as well
        assert sum(line.strip() == '"key11": {' for line in _lines(log)) == 2


async def test_hostile_nesting_shows_as_text(echo_app: WsxApp) -> None:
    app = echo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.session_pane
        too_deep = "[" * 2000 + "]" * 2000  # json.loads raises RecursionError
        deep = "[" * 50 + "]" * 50
        await _send(pilot, app, too_deep, deep)
        assert pane.received == 2 and pane.state is SessionState.OPEN
        text = "\n".join(_lines(pane.log_widget))
        assert "(json)" in text and "▸ […] 1 item, 100 B" in text  # deep: folded
        assert text.count("[[[[[[[[[[") >= 2  # too deep: its text, not JSON
        pane.log_widget.focus()
        await pilot.press("up", "enter")  # unfolded: the depth shown stops at […]
        await settle(pilot)
        assert "[…]" in "\n".join(_lines(pane.log_widget))


async def test_a_click_selects_and_escape_closes_the_search_from_the_log(echo_app: WsxApp) -> None:
    app = echo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.session_pane
        log = pane.log_widget
        await _send(pilot, app, "first", "second")
        row = next(i for i, line in enumerate(_lines(log)) if line.endswith("← first"))
        assert log.scroll_offset.y == 0  # the log is short: line i is row i
        await pilot.click(log, offset=(2, row))
        assert log.selected_event() is not None and log.selected_event().text == "first"  # type: ignore[union-attr]
        await pilot.press("y")
        assert app.clipboard == "first"
        await pilot.press("slash", *"second")
        await settle(pilot)
        log.focus()
        await pilot.press("escape")  # with a search shown, escape in the log closes it
        await settle(pilot)
        assert log.needle == "" and not app.main.query_one("#session-search-bar").display
        assert app.focused is log
        await pilot.press("escape")  # then leaves the log
        assert app.focused is None and log.selected_event() is None
