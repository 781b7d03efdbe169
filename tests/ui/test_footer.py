"""The footer fits the window: the essential keys show at 100x30 and 80x24 (issue 12:
``u r e q`` were cut off at 100x30)."""

from __future__ import annotations

import itertools

import pytest
from textual.widgets._footer import FooterKey

from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock, settle
from wsexplorer.ui.app import WsxApp

ESSENTIAL = {"question_mark", "f", "l", "d", "u", "r", "e", "q"}


@pytest.mark.parametrize(
    ("size", "also"),
    [
        ((100, 30), {"c"}),
        ((80, 24), set()),
        ((120, 40), {"c"}),
        ((140, 40), {"c", "x", "p"}),
        ((150, 40), {"c", "x", "p", "h"}),
    ],
)
async def test_the_essential_keys_are_on_screen(size: tuple[int, int], also: set[str]) -> None:
    app = WsxApp(canned_config(), CannedBackend(), clock=frozen_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        width = size[0]
        visible = {
            key.key
            for key in app.main.query(FooterKey)
            if key.region.width > 0 and key.region.right <= width
        }
        assert ESSENTIAL | also <= visible, sorted(visible)
        # No two keys share a cell (the palette hint used to overlap the last keys).
        spans = sorted((k.region.x, k.region.right) for k in app.main.query(FooterKey))
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
