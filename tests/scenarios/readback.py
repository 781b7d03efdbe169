"""Every failure a real client prints in a scenario test is fed back to ``why``: the text
must be recognised as that client's (issue: ``why`` checked against every error text the
real-client matrices produce).

An autouse fixture wraps :func:`tests.scenarios.peers.run_client` for the test; after the
test, each failing run whose client the engine models must read back with that client's
id among ``why``'s matches. A text from a client the catalogue does not model yet is
skipped (its kind has no id below, or the id is not in the catalogue).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.scenarios import peers
from wsexplorer.diagnosis import CATALOGUE
from wsexplorer.diagnosis.why import read_error

__all__ = ["KIND_IDS", "why_reads_back"]

KIND_IDS = {
    "node16": "node-16",
    "node18": "node-17-19",
    "node20-noauto": "node-17-19",
    "node20": "node-20",
    "node20-family4": "node-20",
    "node22": "node-20",
    "node24": "node-20",
    "node22-builtin": "node-websocket",
    "node24-builtin": "node-websocket-24",
    "bun": "bun",
    "deno": "deno",
    "python": "python-websockets",
    "python-aiohttp": "python-aiohttp",
    "python-websocket-client": "python-websocket-client",
    "curl": "curl",
    "chromium": "chrome",
}
"""The engine's id for each peer client kind (``python-sync``, websockets' sync client,
has wording of its own that no id models: tests/scenarios/test_setups_python.py checks it)."""


def unread(runs: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """The failures ``why`` does not attribute to the client that printed them."""
    modelled = {c.id for c in CATALOGUE}
    misses = []
    for kind, result in runs:
        error = result.get("error")
        client = KIND_IDS.get(kind)
        if result.get("outcome") != "fails" or not isinstance(error, str) or not error:
            continue
        if client not in modelled:
            continue
        clue = read_error(error)
        if clue is None or client not in clue.clients:
            got = "nothing" if clue is None else ", ".join(clue.clients)
            misses.append(f"{kind} ({client}): {error!r} read as {got}")
    return misses


@pytest.fixture(autouse=True)
def why_reads_back(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    runs: list[tuple[str, dict[str, Any]]] = []
    real = peers.run_client

    def recorded(ns: Any, kind: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        result = real(ns, kind, *args, **kwargs)
        runs.append((kind, result))
        return result

    monkeypatch.setattr(peers, "run_client", recorded)
    yield
    misses = unread(runs)
    assert not misses, "why does not read back these real errors:\n" + "\n".join(misses)
