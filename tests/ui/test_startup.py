"""The TUI's start does less work for the same first screen (issue 14).

Each cut is checked for what it must keep: the styles Textual's skipped restyle would
have given, a footer that shows the latest bindings, the dialogs and modules loaded on
first use and still working then. Speed itself is measured in benchmarks/bench_tui.py.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.app import App
from textual.widgets._footer import FooterKey

from tests.support import run_python
from tests.ui.conftest import canned_app
from wsexplorer.testing.canned import settle
from wsexplorer.ui.widgets.footer import KeysFooter


def _styles(app: App[object]) -> dict[int, tuple[object, ...]]:
    """Every node's applied rules (its own and its component classes'), and classes."""
    out: dict[int, tuple[object, ...]] = {}
    for node in app.screen.walk_children(with_self=True):
        parts = {
            name: tuple(sorted(s.base.css_lines)) for name, s in node._component_styles.items()
        }
        out[id(node)] = (
            type(node).__name__,
            tuple(sorted(node.styles.base.css_lines)),
            tuple(sorted(parts.items())),
            tuple(sorted(node.classes)),
        )
    return out


@pytest.mark.parametrize("size", [(120, 40), (100, 30), (80, 24), (150, 45)])
async def test_the_first_screen_has_the_styles_a_full_restyle_gives(
    size: tuple[int, int],
) -> None:
    # The main screen skips Textual's restyle of every widget on its first resume and
    # takes its breakpoint class before it is mounted (screens/base.py, screens/main.py).
    app = canned_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        first = _styles(app)
        app.update_styles(app.screen)
        await pilot.pause()
        assert _styles(app) == first
        assert len(first) > 40
        wide = size[0] >= 120
        assert app.screen.has_class("-wide") is wide
        assert app.screen.has_class("-narrow") is not wide


async def test_the_main_screen_is_the_apps_first_screen() -> None:
    app = canned_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen_stack == [app.main]
        assert app.get_screen("main") is app.main


def _count_footer_rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one at each rebuild of the footer's keys from now on."""
    rebuilds: list[int] = []
    recompose = KeysFooter.recompose

    async def counted(self: KeysFooter) -> None:
        rebuilds.append(1)
        await recompose(self)

    monkeypatch.setattr(KeysFooter, "recompose", counted)
    return rebuilds


@pytest.mark.parametrize("size", [(120, 40), (150, 45), (80, 24)])
async def test_the_footer_shows_its_keys_without_a_rebuild_at_start(
    monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    # The screen labels its keys for the width before the footer composes them; no
    # rebuild follows while the bindings stay as shown (the canned diagnosis keeps them).
    rebuilds = _count_footer_rebuilds(monkeypatch)
    app = canned_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        shown = [(k.key, k.description) for k in footer.query(FooterKey)]
        wanted = [
            (b.key, b.description) for _, b, _, _ in app.screen.active_bindings.values() if b.show
        ]
        if footer.show_command_palette:
            wanted.append(("ctrl+p", "palette"))
        assert shown == wanted
        assert ("h", "Headers") in shown if size[0] >= 150 else ("x", "Close") not in shown
        assert footer.compact is (size[0] < 140)
        assert rebuilds == []


async def test_the_footer_is_rebuilt_once_for_changes_before_its_rebuild(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = canned_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        rebuilds = _count_footer_rebuilds(monkeypatch)
        bindings = app.main._bindings.key_to_bindings
        bindings["u"] = [replace(b, description="Undo it") for b in bindings["u"]]
        for _ in range(3):
            app.main.refresh_bindings()
        await settle(pilot)
        assert rebuilds == [1]
        labels = {key.key: key.description for key in footer.query(FooterKey)}
        assert labels["u"] == "Undo it"  # the rebuild read the latest bindings
        assert labels["q"] == "Quit"


def test_later_dialogs_and_unused_modules_load_on_first_use() -> None:
    proc = run_python(
        """
        import sys
        from wsexplorer.cli_full import tui_config_from_argv
        from wsexplorer.ui.app import WsxApp
        from wsexplorer.ui.lazy_modules import LAZY, loaded

        WsxApp(tui_config_from_argv(["ws://localhost:1/"]))
        import websockets.asyncio.client  # as the observation and the session do

        later = (
            "wsexplorer.ui.screens.paste", "wsexplorer.ui.screens.help",
            "wsexplorer.ui.screens.connection", "wsexplorer.ui.send_line",
            "wsexplorer.diagnosis.why", "wsexplorer.presentation.lesson",
            "textual.widgets._text_area", "email", "http.client", "json",
        )
        print(sorted(name for name in (*later, *LAZY) if loaded(name)))
        # The real modules answer on first use.
        import importlib.metadata
        import urllib.request
        print(importlib.metadata.version("websockets") == websockets.__version__)
        print(callable(urllib.request.getproxies), [loaded(name) for name in LAZY])
        from importlib.metadata import version
        print(sys.modules["importlib.metadata"].version is version)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n") == ["[]", "True", "True [True, True]", "True", ""]


async def test_lines_mounted_when_first_shown_take_their_place_in_the_pane() -> None:
    # Hidden lines (errors, banners, notes, a fix's detail) are not mounted at start-up
    # (widgets/lines.py); shown, each lands where the compose used to put it.
    app = canned_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.main
        assert not main.query(".pane-error") and not main.query("#diagnosis-detail")
        listeners = main.listeners_pane
        listeners.fail("scan", "boom")
        main.diagnosis_pane.show_detail(main.diagnosis.fixes[0].id if main.diagnosis else None)
        main.topbar.show_banner(["pinned"])
        main.topbar.show_url_error("bad")
        await pilot.pause()
        ids = [c.id for c in listeners.children]
        assert ids[0] == "listeners-error"
        order = [i for i in ("listeners-server", "listeners-note", "listeners-table") if i in ids]
        assert [i for i in ids if i in order] == order and "listeners-table" in order
        body = [c.id for c in main.diagnosis_pane.body.children]
        assert body.index("diagnosis-fixes") < body.index("diagnosis-detail")
        assert body.index("diagnosis-detail") < body.index("diagnosis-notes")
        top = [c.id for c in main.topbar.children]
        assert top[-3:] == ["url-error", "banner", "status"]
        listeners.fail("scan", None)
        main.topbar.show_banner([])
        await pilot.pause()
        assert not main.query_one("#listeners-error").display
        assert not main.query_one("#banner").display
        listeners.fail("scan", "again")  # shown again in place, not mounted twice
        await pilot.pause()
        assert len(listeners.query(".pane-error")) == 1 and listeners.children[0].display
