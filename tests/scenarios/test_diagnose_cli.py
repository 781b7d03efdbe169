"""``wsexplorer diagnose`` in real namespaces against real Node servers (issue 3 done-means).

Debian-order hosts file, Node ``ws`` server on 0.0.0.0:8080: exit 1, Node 17-19 fails with
``connect ECONNREFUSED ::1:8080``, Node 20 and Python connect through 127.0.0.1, and the
three classic fixes work. With the server on ``::`` it exits 0.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.scenarios import peers
from tests.scenarios.netns import DEBIAN_HOSTS, IPV4_ONLY_HOSTS, Namespace
from tests.support import wsx_argv, wsx_env

pytestmark = [pytest.mark.needs_root, pytest.mark.needs_netns, pytest.mark.needs_node]

URL = "ws://localhost:8080/subscribe"


@pytest.fixture
def debian(netns: Callable[..., Namespace]) -> Namespace:
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    return netns(hosts=DEBIAN_HOSTS)


def test_seed_failure_text_and_exit_1(debian: Namespace) -> None:
    with peers.start_server(debian, "node:0.0.0.0", 8080):
        text = debian.run(wsx_argv("diagnose", URL), env=wsx_env())
        data = debian.run(wsx_argv("diagnose", URL, "--json"), env=wsx_env())
    assert text.returncode == 1, text.stderr
    out = text.stdout
    assert "✗  Node.js 17-19 ws  connect ECONNREFUSED ::1:8080" in out
    # The clients that connect are grouped by how they connect (failing ones first).
    grouped = next(line for line in out.splitlines() if "others" in line)
    assert "connect via 127.0.0.1: node-16, node-20," in grouped
    assert "python-websockets" in grouped
    assert "localhost resolves to ::1 first, but the only listener on 8080 is 0.0.0.0" in out
    assert data.returncode == 1
    d = json.loads(data.stdout)
    assert d["schema"] == "wsexplorer.diagnosis/1"
    assert [a["address"] for a in d["resolution"]["getaddrinfo"]["order"]] == ["::1", "127.0.0.1"]
    assert [(a["address"], a["outcome"]) for a in d["attempts"]] == [
        ("::1", "refused"),
        ("127.0.0.1", "connected"),
    ]
    assert d["handshake"]["status"] == 101
    clients = {c["id"]: c for c in d["clients"]}
    assert clients["node-17-19"]["outcome"] == "fails"
    assert clients["node-17-19"]["error"] == "connect ECONNREFUSED ::1:8080"
    assert clients["node-20"]["address"] == "127.0.0.1"
    assert clients["python-websockets"]["address"] == "127.0.0.1"
    fixes = {f["id"]: f for f in d["fixes"]}
    for fix in ("client-family-4", "server-dual-stack", "ipv4-literal"):
        assert fixes[fix]["works"] is True, fixes[fix]
    assert fixes["client-family-4"]["how"] == "measured"
    assert fixes["ipv4-literal"]["how"] == "measured"
    assert fixes["server-dual-stack"]["how"] == "predicted"
    assert d["listeners"][0]["address"] == "0.0.0.0" and d["listeners"][0]["accepts"] == ["ipv4"]
    assert d["listeners"][0]["process"] == "node"


def test_dual_stack_server_exits_0(debian: Namespace) -> None:
    with peers.start_server(debian, "node:::", 8080):
        proc = debian.run(wsx_argv("diagnose", URL, "--json"), env=wsx_env())
    assert proc.returncode == 0, proc.stdout[-2000:]
    d = json.loads(proc.stdout)
    assert d["verdict"]["ok"] is True
    assert all(c["outcome"] == "connects" for c in d["clients"])


def test_markdown_and_forced_family(debian: Namespace) -> None:
    with peers.start_server(debian, "node:0.0.0.0", 8080):
        md = debian.run(wsx_argv("diagnose", URL, "--markdown"), env=wsx_env())
        four = debian.run(wsx_argv("diagnose", URL, "--family", "4", "--json"), env=wsx_env())
    assert md.returncode == 1
    assert md.stdout.startswith("## wsexplorer diagnose `ws://localhost:8080/subscribe`")
    assert "| Node.js 17-19 ws | ✗ `connect ECONNREFUSED ::1:8080` |" in md.stdout
    assert four.returncode == 0
    d = json.loads(four.stdout)
    assert [a["address"] for a in d["attempts"]] == ["127.0.0.1"]


def test_resolve_what_if_reproduces_the_failure_on_an_ipv4_only_host(
    netns: Callable[..., Namespace],
) -> None:
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    ns = netns(hosts=IPV4_ONLY_HOSTS)
    with peers.start_server(ns, "node:0.0.0.0", 8080):
        plain = ns.run(wsx_argv("diagnose", URL, "--json"), env=wsx_env())
        pinned = ns.run(
            wsx_argv("diagnose", URL, "--json", "--resolve", "localhost:8080:[::1],127.0.0.1"),
            env=wsx_env(),
        )
    assert plain.returncode == 0
    assert pinned.returncode == 1
    d = json.loads(pinned.stdout)
    assert d["resolution"]["override"]["spec"] == "localhost:8080:[::1],127.0.0.1"
    assert {c["id"]: c["error"] for c in d["clients"]}["node-17-19"] == (
        "connect ECONNREFUSED ::1:8080"
    )


NODE_IDS = {"node20": "node-20", "node16": "node-16", "node18": "node-17-19"}
OTHER_IDS = {"python": "python-websockets", "curl": "curl"}


def test_nothing_listening_every_real_client_fails_as_predicted(debian: Namespace) -> None:
    """Nothing on the port, ``localhost`` ``::1`` first: every real client fails, as
    ``diagnose`` predicts, and each Node prints the error predicted for it (Node 20 tries
    both addresses: ``AggregateError [ECONNREFUSED]:``)."""
    done = debian.run(wsx_argv("diagnose", URL, "--json"), env=wsx_env())
    assert done.returncode == 1, done.stderr
    predicted = {c["id"]: c for c in json.loads(done.stdout)["clients"]}
    available = peers.available_clients()
    rows = []
    for kind, client_id in {**NODE_IDS, **OTHER_IDS}.items():
        if kind not in available:
            continue
        real = peers.run_client(debian, kind, URL)
        guess = predicted[client_id]
        rows.append((kind, real["outcome"], real["error"], guess["outcome"], guess["error"]))
    assert {row[0] for row in rows} >= {"node20", "python", "curl"}, rows
    assert all(row[1] == row[3] == "fails" for row in rows), rows
    assert [row for row in rows if row[0] in NODE_IDS and row[2] != row[4]] == [], rows
    assert next(row[2] for row in rows if row[0] == "node20") == "AggregateError [ECONNREFUSED]:"
