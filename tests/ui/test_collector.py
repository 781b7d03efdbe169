"""Garbage collection around the TUI's start-up (``ui/collector.py``, issue 14).

The entry point turns the collector off before Textual is imported; the screen freezes
what is alive and turns it back on once its first complete screen is there. Each check
that needs a fresh interpreter (the collector's state is per process) runs in one.
"""

from __future__ import annotations

import pytest

from tests.support import run_python
from tests.ui.conftest import canned_app
from wsexplorer.testing.canned import settle
from wsexplorer.ui import collector


def test_pause_then_settle_freezes_and_resumes_once() -> None:
    proc = run_python(
        """
        import gc
        from wsexplorer.ui import collector

        collector.pause()
        assert not gc.isenabled() and not collector.settled()
        collector.settle()
        assert gc.isenabled() and collector.settled()
        frozen = gc.get_freeze_count()
        assert frozen > 1000, frozen
        collector.pause()  # after the start-up: nothing is paused again
        assert gc.isenabled()
        collector.settle()
        assert gc.get_freeze_count() == frozen
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_settle_leaves_a_collector_it_did_not_pause_as_it_was() -> None:
    proc = run_python(
        """
        import gc
        from wsexplorer.ui import collector

        gc.disable()  # someone else's choice (an embedding program)
        collector.pause()
        collector.settle()
        assert not gc.isenabled()
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr


def test_the_entry_point_pauses_before_textual_is_imported() -> None:
    # An import hook notes whether the collector runs when Textual is first imported by
    # the TUI's entry point, then stops the start there.
    proc = run_python(
        """
        import gc, os, sys
        from wsexplorer.cli_full import run_tui, tui_config_from_argv

        config = tui_config_from_argv(["ws://localhost:1/"])
        assert "textual" not in sys.modules

        class Spy:
            def find_spec(self, name, path=None, target=None):
                if name == "textual":
                    print("collector on" if gc.isenabled() else "collector off")
                    raise SystemExit(0)
                return None

        sys.meta_path.insert(0, Spy())
        os.environ["TEXTUAL_DRIVER"] = "textual.drivers.headless_driver:HeadlessDriver"
        run_tui(config)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "collector off"


async def test_the_screen_settles_at_its_first_complete_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = canned_app()
    seen: list[tuple[bool, bool]] = []

    def record() -> None:
        main = app.main
        seen.append((main.diagnosis is not None, main.listeners_pane.complete))

    monkeypatch.setattr(collector, "settle", record)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert seen, "the collector was never resumed"
        assert seen[0] == (True, True)


def test_the_start_path_imports_no_network_library() -> None:
    # websockets loads when the session or the observation starts, dnspython when DNS is
    # queried; aiohttp never on the TUI's path (importlib.metadata: tests/ui/test_startup.py).
    proc = run_python(
        """
        import sys
        from wsexplorer.cli_full import tui_config_from_argv
        from wsexplorer.ui.app import WsxApp
        from wsexplorer.ui.lazy_modules import loaded

        WsxApp(tui_config_from_argv(["ws://localhost:1/"]))
        names = ("websockets", "dns", "aiohttp", "importlib.metadata")
        print(sorted(name for name in names if loaded(name)))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
