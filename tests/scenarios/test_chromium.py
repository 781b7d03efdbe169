"""Real headless Chromium (Debian's ``chromium``) against ``wsexplorer diagnose``'s ``chrome``.

The runner is ``tests/peers/chromium_client.py`` (client kind ``chromium`` of
tests/scenarios/peers.py): the page's ``new WebSocket(url)`` gives the outcome, the console
line gives the error text, the net log gives the addresses tried and when.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from tests.scenarios import peers
from tests.scenarios.netns import DEBIAN_HOSTS, Namespace

__all__: list[str] = []

pytestmark = [
    pytest.mark.needs_root,
    pytest.mark.needs_netns,
    pytest.mark.needs_node,
    pytest.mark.needs_chromium,
]

PORT = 8080


@pytest.fixture(autouse=True)
def _chromium() -> None:
    if shutil.which("chromium") is None:
        pytest.skip("needs Debian's chromium")
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)


def test_the_runner_reports_tries_address_and_console_text(
    netns: Callable[..., Namespace],
) -> None:
    """The runner itself: with ``::1`` first and an IPv4-only server Chromium is refused on
    ``::1`` and connects via 127.0.0.1; on a closed port its console line names the error."""
    ns = netns(hosts=DEBIAN_HOSTS)
    with peers.start_server(ns, "node:0.0.0.0", PORT):
        ok = peers.run_client(ns, "chromium", f"ws://localhost:{PORT}/subscribe")
        closed = peers.run_client(ns, "chromium", f"ws://localhost:{PORT + 1}/subscribe")
    assert (ok["outcome"], ok["address"]) == ("connects", "127.0.0.1"), ok
    tried = [(t["address"], t["net_error"]) for t in ok["raw"]["tried"]]
    assert tried == [("::1", "ERR_CONNECTION_REFUSED"), ("127.0.0.1", None)], ok
    assert closed["outcome"] == "fails", closed
    assert closed["error"] == "Error in connection establishment: net::ERR_CONNECTION_REFUSED"
    assert closed["raw"]["console"] == (
        f"WebSocket connection to 'ws://localhost:{PORT + 1}/subscribe' failed: "
        "Error in connection establishment: net::ERR_CONNECTION_REFUSED"
    )
    assert closed["raw"]["net_error"] == "net::ERR_CONNECTION_REFUSED"
