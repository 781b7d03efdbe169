"""Node 22/24 (``ws`` and the built-in WebSocket), Bun and Deno against real servers, over
the localhost setups, compared with ``wsexplorer diagnose`` (docs/clients.md#node-websocket,
#bun, #deno).

Setups (one namespace each): the Debian hosts file; the same with gai.conf preferring IPv4
(``precedence ::ffff:0:0/96 100``); a hosts file naming ``localhost`` only as ``::1``; the
Debian hosts file with IPv6 off. Servers: Node ``ws`` on ``0.0.0.0``, ``::1`` and
``localhost``, and Python websockets on ``::`` (IPv6 only). In each cell the clients run in
parallel against one server, ``diagnose --json`` runs once, and outcome, address and
error text must agree verbatim. The WHATWG clients expose no address: it is read from the
server's log of the connection: the local address it was reached on
(``peers.run_client(..., server=...)``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.scenarios import peers, tables
from tests.scenarios.netns import DEBIAN_HOSTS, Namespace
from tests.support import wsx_argv, wsx_env

__all__: list[str] = []

pytestmark = [pytest.mark.needs_root, pytest.mark.needs_netns, pytest.mark.needs_node]

PORT = 8080
URL = f"ws://localhost:{PORT}/subscribe"
SETUPS: dict[str, dict[str, Any]] = {
    "debian": {"hosts": DEBIAN_HOSTS},
    "prefer-ipv4": {"hosts": DEBIAN_HOSTS, "gai_conf": "precedence ::ffff:0:0/96 100\n"},
    "only-::1": {"hosts": "::1\tlocalhost\n"},
    "ipv6-off": {"hosts": DEBIAN_HOSTS, "ipv6": False},
}
SERVERS = ("node:0.0.0.0", "node:::1", "node:localhost", "py:::")
CLIENTS: dict[str, str] = {  # real client kind -> catalogue id
    "node22": "node-20",
    "node24": "node-20",
    "node22-builtin": "node-websocket",
    "node24-builtin": "node-websocket-24",
    "bun": "bun",
    "deno": "deno",
}
HEADERS = ["setup", "server", "client", "real", "predicted", "match"]


def _diagnose(ns: Namespace) -> dict[str, dict[str, Any]]:
    done = ns.run(wsx_argv("diagnose", URL, "--json"), timeout=60, check=False, env=wsx_env())
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {c["id"]: c for c in json.loads(done.stdout)["clients"]}


def _cell(result: dict[str, Any]) -> tuple[str, str | None, str | None]:
    error = result.get("error")
    return (result["outcome"], result.get("address"), None if error is None else error.rstrip())


@pytest.fixture(scope="module")
def rows() -> Iterator[list[list[str]]]:
    """Every (setup, server, client) cell: real, predicted, match."""
    from tests.scenarios.fixtures import require_netns

    require_netns()
    missing = [kind for kind in CLIENTS if kind not in peers.available_clients()]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} ({peers.NODE_PEERS_MISSING})")
    out: list[list[str]] = []
    with ThreadPoolExecutor(len(CLIENTS)) as pool:
        for setup, options in SETUPS.items():
            with Namespace.create(**options) as ns:
                for server in SERVERS:
                    try:
                        handle = peers.start_server(ns, server, PORT)
                    except peers.PeerError:
                        assert setup == "ipv6-off" and server == "node:::1", server
                        continue  # no ::1 to listen on with IPv6 off
                    with handle:
                        real = dict(
                            zip(
                                CLIENTS,
                                pool.map(
                                    lambda k, h=handle: peers.run_client(ns, k, URL, server=h),
                                    CLIENTS,
                                ),
                                strict=True,
                            )
                        )
                        predicted = _diagnose(ns)
                    for kind, cid in CLIENTS.items():
                        r, p = _cell(real[kind]), _cell(predicted[cid])
                        if r[0] == "connects":  # no error; the address is what counts
                            r, p = r[:2], p[:2]
                        else:  # a failing client has no address
                            r, p = (r[0], r[2]), (p[0], p[2])
                        match = "yes" if r == p else "NO"
                        out.append([setup, server, kind, str(r), str(p), match])
    yield out


def test_js_runtimes_agree_with_the_prediction(rows: list[list[str]]) -> None:
    table = tables.format_table(HEADERS, rows)
    print(table)
    assert len(rows) == len(SETUPS) * len(SERVERS) * len(CLIENTS) - len(CLIENTS)
    bad = [row for row in rows if row[-1] != "yes"]
    assert not bad, f"{len(bad)} of {len(rows)} cells differ:\n{table}"


def test_bun_reaches_an_ipv4_server_with_only_ipv6_localhost(rows: list[list[str]]) -> None:
    """The fact that sets Bun apart (docs/clients.md#bun): resolver-based clients fail."""
    cell = {(r[0], r[1], r[2]): r[3] for r in rows}
    assert cell[("only-::1", "node:0.0.0.0", "bun")] == "('connects', '127.0.0.1')"
    assert cell[("only-::1", "node:0.0.0.0", "deno")].startswith("('fails'")
    assert cell[("only-::1", "node:0.0.0.0", "node22-builtin")] == (
        "('fails', 'Received network error or non-101 status code.')"
    )
