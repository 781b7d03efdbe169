"""The Python clients over the four localhost setups, real libraries against
``wsexplorer diagnose --json`` (docs/clients.md#python-aiohttp,
docs/clients.md#python-websocket-client, docs/clients.md#python-websockets-sync).

Setups (one namespace each): the Debian hosts file; the same with a prefer-IPv4
``gai.conf`` (``precedence ::ffff:0:0/96 100``); a hosts file naming only ``::1
localhost``; the Debian hosts file with IPv6 switched off. Servers: Node ``ws`` on
``0.0.0.0``, ``::1`` and ``localhost``, and a Python websockets server on ``::``
(IPv6 only: asyncio sets ``IPV6_V6ONLY``), plus no server at all. A server that cannot
listen in a setup (``::1`` with IPv6 off) is a cell with no server.

In every cell each real client connects once to ``ws://localhost:PORT/subscribe`` and is
compared with its prediction: outcome, the address it reached (from the client's own
socket), and the error text verbatim. websockets' sync client is compared with the
``python-websockets`` prediction on outcome and address, and its text with the sync
client's wording (the last socket error: ``[Errno N] strerror``). Loopback outcomes are
immediate, so no time is compared here (test_unreachable.py compares times).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.scenarios import peers, tables
from tests.scenarios.netns import DEBIAN_HOSTS, Namespace
from tests.support import free_port, wsx_argv, wsx_env

__all__: list[str] = []

pytestmark = [pytest.mark.needs_root, pytest.mark.needs_netns, pytest.mark.needs_node]

SETUPS: dict[str, dict[str, Any]] = {
    "debian": {"hosts": DEBIAN_HOSTS},
    "gai-ipv4": {"hosts": DEBIAN_HOSTS, "gai_conf": "precedence ::ffff:0:0/96 100\n"},
    "only-::1": {"hosts": "::1\tlocalhost\n"},
    "ipv6-off": {"hosts": DEBIAN_HOSTS, "ipv6": False},
}
SERVERS = ("node:0.0.0.0", "node:::1", "node:localhost", "py:::", None)
CLIENTS: dict[str, str] = {  # real client kind -> the catalogue id predicting it
    "python-aiohttp": "python-aiohttp",
    "python-websocket-client": "python-websocket-client",
    "python-sync": "python-websockets",
    "python": "python-websockets",
}
HEADERS = ["setup", "server", "client", "real", "predicted", "match"]
_ERRNO = re.compile(r"^\[Errno (\d+)\]")


def _diagnose(ns: Namespace, url: str) -> dict[str, Any]:
    done = ns.run(wsx_argv("diagnose", url, "--json", "--no-dns"), timeout=60, env=wsx_env())
    assert done.returncode in (0, 1), done.stderr[-2000:]
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def _sync_text(document: dict[str, Any]) -> str | None:
    """What the sync client prints where the asyncio client is predicted to fail: the last
    address's socket error as the ``socket`` module words it (``[Errno N] strerror``,
    the errno from wsexplorer's own measured attempt on that address)."""
    predicted = next(c for c in document["clients"] if c["id"] == "python-websockets")
    if not predicted["tries"]:
        return str(predicted["error"])  # a resolver error: the gaierror text itself
    last = predicted["tries"][-1]["address"]
    measured = next(a["error"] for a in document["attempts"] if a["address"] == last)
    match = _ERRNO.match(measured or "")
    if match is None:
        return None
    number = int(match.group(1))
    return f"[Errno {number}] {os.strerror(number)}"


def _problems(
    kind: str, real: dict[str, Any], predicted: dict[str, Any], document: dict[str, Any]
) -> list[str]:
    if real["outcome"] != predicted["outcome"]:
        return ["outcome"]
    if real["outcome"] == "connects":
        return [] if real["address"] == predicted["address"] else ["address"]
    if kind == "python-sync":
        return [] if real["error"] == _sync_text(document) else ["error"]
    if kind == "python":
        return []  # open_timeout=5 in the peer; its texts are compared in test_unreachable
    return [] if real["error"] == predicted["error"] else ["error"]


def _cell(ns: Namespace, setup: str, server: str | None, port: int) -> list[list[str]]:
    url = f"ws://localhost:{port}/subscribe"
    document = _diagnose(ns, url)
    predicted = {c["id"]: c for c in document["clients"]}
    rows = []
    for kind, cid in CLIENTS.items():
        real = peers.run_client(ns, kind, url)
        problems = _problems(kind, real, predicted[cid], document)
        match = "yes" if not problems else "NO (" + ", ".join(problems) + ")"
        shown = server or "(none)"
        rows.append(
            [
                setup,
                shown,
                kind,
                tables.describe_result(real),
                tables.describe_result(predicted[cid]),
                match,
            ]
        )
    return rows


@pytest.fixture(scope="module")
def matrix() -> Iterator[list[list[str]]]:
    """Every (setup, server, client) cell, measured once per module."""
    from tests.scenarios.fixtures import require_netns

    require_netns()
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    rows: list[list[str]] = []
    for setup, options in SETUPS.items():
        with Namespace.create(**options) as ns:
            for server in SERVERS:
                port = free_port()
                if server is None:
                    rows += _cell(ns, setup, None, port)
                    continue
                try:
                    handle = peers.start_server(ns, server, port)
                except peers.PeerError:
                    continue  # cannot listen here (::1 with IPv6 off): the no-server cell
                with handle:
                    rows += _cell(ns, setup, server, port)
    yield rows


def test_python_clients_agree_with_the_prediction(matrix: list[list[str]]) -> None:
    print(tables.format_table(HEADERS, matrix))
    bad = [row for row in matrix if row[-1] != "yes"]
    assert not bad, f"{len(bad)} of {len(matrix)} cells differ:\n" + tables.format_table(
        HEADERS, matrix
    )


def test_the_setups_cover_the_documented_texts(matrix: list[list[str]]) -> None:
    """The cells include the texts docs/clients.md says were checked here."""
    seen = "\n".join(row[3] for row in matrix)
    for text in (
        "[Multiple exceptions: [Errno 111] Connect call failed",
        "ssl:default [None]",
        "ssl:default [Connect call failed ('::1', ",
        "[Errno 111] Connection refused",
        "[Errno 99] Cannot assign requested address",
    ):
        assert text in seen, text
