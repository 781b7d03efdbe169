"""Snapshot tests (pytest-textual-snapshot) of the README's screens, on the canned machine.

Regenerate after an intended change with
``python -m pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wsexplorer.testing.scenes import SCENES, Scene


@pytest.mark.parametrize("scene", SCENES, ids=[s.name for s in SCENES])
def test_scene(snap_compare: Callable[..., bool], scene: Scene) -> None:
    assert snap_compare(scene.app(), terminal_size=scene.size, run_before=scene.play)


def test_help_screen(snap_compare: Callable[..., bool]) -> None:
    scene = SCENES[0]

    async def open_help(pilot) -> None:  # type: ignore[no-untyped-def]
        await scene.play(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(scene.app(), terminal_size=(100, 30), run_before=open_help)
