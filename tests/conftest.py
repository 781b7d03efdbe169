"""Test-wide set-up: the scenario fixtures, and no silent skips in CI.

A test that needs root, network namespaces, Node, dnsmasq, curl, tmux, the system's own
Python or Chromium carries a ``needs_*`` marker and skips where the thing is missing on a
developer's laptop. With ``CI=true`` such a skip is turned into a failure: CI must have
everything.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytest_plugins = ["tests.scenarios.fixtures", "tests.scenarios.readback"]

NEEDS_MARKERS = (
    "needs_root",
    "needs_netns",
    "needs_node",
    "needs_dnsmasq",
    "needs_curl",
    "needs_nft",
    "needs_tmux",
    "needs_system_python",
    "needs_chromium",
)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not (report.skipped and in_ci()):
        return
    needs = [m for m in NEEDS_MARKERS if item.get_closest_marker(m) is not None]
    if not needs:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"CI=true: a test marked {', '.join(needs)} may not skip ({reason}). "
        "The test setup (scripts/test.sh) must install what it needs."
    )
