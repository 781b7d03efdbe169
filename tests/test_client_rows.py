"""Which clients a person sees first (wsexplorer/presentation/clients.py): failing ones in
full, those that connect grouped by address and time, the same words in the text report,
the Markdown export and the TUI, and every failing client on screen at 80x24."""

from __future__ import annotations

import io

from rich.console import Console

from tests.ui.conftest import canned_app
from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.examples import example
from wsexplorer.diagnosis.selection import select_clients
from wsexplorer.model import ClientOutcome, Confidence, parse_resolve
from wsexplorer.presentation import plain, shown_client_rows
from wsexplorer.report import Style, diagnosis_markdown, diagnosis_text
from wsexplorer.testing.canned import settle
from wsexplorer.ui.widgets.diagnosis import render_clients


def _tui_text(d: object, **kw: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(render_clients(d, **kw))  # type: ignore[arg-type]
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out)


def test_failing_first_the_rest_grouped_by_address() -> None:
    d = diagnose(example("seed"))
    rows = shown_client_rows(d)
    assert [r.id for r in rows] == ["node-17-19", ""]
    connects = [c for c in d.clients if c.outcome is ClientOutcome.CONNECTS]
    group = rows[1]
    assert (group.mark.text, group.name) == ("✓", f"{len(connects)} others")
    ids = ", ".join(
        c.id if c.confidence is Confidence.CHECKED else f"{c.id} ({c.confidence.value})"
        for c in connects
    )
    assert plain(group.result) == f"connect via 127.0.0.1: {ids}"


def test_several_groups_and_no_failure_say_clients() -> None:
    d = diagnose(example("dual-stack"))
    rows = shown_client_rows(d)
    assert all(r.mark.text == "✓" for r in rows)
    assert [(r.id, r.result[1].text) for r in rows] == [("", "127.0.0.1"), ("", "::1")]
    assert all(r.name.endswith(" clients") for r in rows)
    # One row per client when asked for (--clients): failing first, catalogue order.
    every = shown_client_rows(diagnose(example("seed")), group=False)
    assert every[0].id == "node-17-19"
    assert len(every) == len(d.clients)


def test_a_lone_client_keeps_its_own_row() -> None:
    d = diagnose(example("seed"), select_clients("node-17-19,curl"))
    assert [r.id for r in shown_client_rows(d)] == ["node-17-19", "curl"]


def test_one_wording_in_text_markdown_and_the_tui() -> None:
    d = diagnose(example("seed"))
    group = plain(shown_client_rows(d)[1].result)
    text = " ".join(diagnosis_text(d, Style(color=False, width=400)).split())
    md = diagnosis_markdown(d)
    tui = " ".join(_tui_text(d).split())
    label = shown_client_rows(d)[1].name  # "N others"
    assert label in text and label in md and label in tui
    # Markdown shows the address as code; the words around it are the same.
    assert group.replace("127.0.0.1", "`127.0.0.1`") in md
    assert group in text and group in tui
    assert f"| {label} | ✓ connect via" in md and "| — |" in md
    # Picked clients (--clients): one row each.
    assert label not in diagnosis_text(d, Style(color=False, width=400), group=False)


async def test_every_failing_client_is_on_screen_at_80x24() -> None:
    # Only ::1 for localhost, a server on 0.0.0.0: every resolver-based client fails.
    app = canned_app(overrides=(parse_resolve("localhost:8080:[::1]"),))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        d = app.main.diagnosis
        assert d is not None
        failing = [c for c in d.clients if c.outcome is ClientOutcome.FAILS]
        assert len(failing) >= 4
        lines = app.export_screenshot()  # what the terminal shows, as SVG text
        screen = app.main
        clients = screen.query_one("#diagnosis-clients")
        # The rows are drawn inside the 24 lines (above the footer), one line each.
        assert clients.region.y >= 0
        assert clients.region.bottom <= 23, clients.region
        assert clients.region.height == len(shown_client_rows(d))
        for c in failing:
            assert c.name.replace(" ", "&#160;") in lines or c.name in lines, c.name
