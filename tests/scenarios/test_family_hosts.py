"""A forced family on a hosts file naming ``localhost`` in one family only, real Node vs
``wsexplorer diagnose`` (docs/clients.md#resolver-family).

glibc's files backend answers ``localhost`` per family: with only ``::1 localhost`` an
``AF_INET`` lookup still returns ``127.0.0.1``, so Node's ``{family: 4}`` connects to a
server on 127.0.0.1 although the both-families answer holds ``::1`` alone. With only
``127.0.0.1 localhost`` the ``AF_INET6`` lookup fails, and Node words that failure with
the resolver's own code. In each namespace real Node 16, 18 and 20 ``ws`` clients with
``{family: 4}`` and ``{family: 6}``, and Python websockets with ``family=AF_INET`` /
``AF_INET6``, are compared with ``diagnose --family 4|6 --json`` and with the
``client-family-4`` fix's ``after`` predictions, on outcome, address and error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.scenarios import peers
from tests.scenarios.netns import IPV4_ONLY_HOSTS, Namespace
from tests.support import wsx_argv, wsx_env

pytestmark = [pytest.mark.needs_root, pytest.mark.needs_netns, pytest.mark.needs_node]

PORT = 8080
URL = f"ws://localhost:{PORT}/subscribe"
IPV6_ONLY_HOSTS = "::1\tlocalhost\n"
# Real Node kind -> the catalogue id predicting it (Node 18 is a node-17-19 client).
NODE_IDS = {
    "node16": "node-16",
    "node18": "node-17-19",
    "node20": "node-20",
    # ws on Node 22 and 24 is a node-20 client (docs/clients.md#node-20).
    "node22": "node-20",
    "node24": "node-20",
}
CLIENT_IDS = {**NODE_IDS, "python": "python-websockets"}


def _cell(c: dict[str, Any]) -> tuple[str, str | None, str | None]:
    return (c["outcome"], c["address"], c["error"])


def _diagnose(ns: Namespace, *extra: str) -> dict[str, Any]:
    done = ns.run(wsx_argv("diagnose", URL, "--json", *extra), env=wsx_env())
    assert done.returncode in (0, 1), done.stderr[-2000:]
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def _run(hosts: str, server: str, netns: Callable[..., Namespace]) -> dict[str, Any]:
    """Real Node with each family, ``diagnose`` with each family and unforced."""
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    ns = netns(hosts=hosts)
    with peers.start_server(ns, server, PORT):
        real = {
            (kind, family): _cell(peers.run_client(ns, kind, URL, family=family))
            for kind in CLIENT_IDS
            for family in (4, 6)
        }
        predicted = {family: _diagnose(ns, "--family", str(family)) for family in (4, 6)}
        plain = _diagnose(ns)
    return {"real": real, "predicted": predicted, "plain": plain}


def _mismatches(found: dict[str, Any]) -> list[object]:
    rows: list[object] = []
    for family, d in found["predicted"].items():
        clients = {c["id"]: c for c in d["clients"]}
        for kind, client_id in CLIENT_IDS.items():
            guess = _cell(clients[client_id])
            real = found["real"][(kind, family)]
            if guess != real:
                rows.append((f"--family {family}", kind, real, guess))
    fix = next(f for f in found["plain"]["fixes"] if f["id"] == "client-family-4")
    after = {c["id"]: c for c in fix["after"]}
    for kind, client_id in CLIENT_IDS.items():
        guess = _cell(after[client_id])
        real = found["real"][(kind, 4)]
        if guess != real:
            rows.append(("client-family-4 after", kind, real, guess))
    return rows


def test_ipv4_lookup_of_localhost_with_only_an_ipv6_hosts_line(
    netns: Callable[..., Namespace],
) -> None:
    found = _run(IPV6_ONLY_HOSTS, "node:127.0.0.1", netns)
    resolution = found["plain"]["resolution"]["getaddrinfo"]
    assert [a["address"] for a in resolution["order"]] == ["::1"]
    assert [a["address"] for a in resolution["ipv4"]["order"]] == ["127.0.0.1"]
    for kind in CLIENT_IDS:
        assert found["real"][(kind, 4)] == ("connects", "127.0.0.1", None), kind
        assert found["real"][(kind, 6)][0] == "fails", kind
    assert _mismatches(found) == []


def test_ipv6_lookup_of_localhost_with_only_an_ipv4_hosts_line(
    netns: Callable[..., Namespace],
) -> None:
    found = _run(IPV4_ONLY_HOSTS, "node:::1", netns)
    ipv6 = found["plain"]["resolution"]["getaddrinfo"]["ipv6"]
    assert ipv6["order"] == [] and ipv6["error"]
    for kind in NODE_IDS:
        outcome, _address, error = found["real"][(kind, 6)]
        assert outcome == "fails" and str(error).startswith("getaddrinfo E"), kind
    assert found["real"][("python", 6)][0] == "fails"
    assert _mismatches(found) == []
