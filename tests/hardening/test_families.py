"""Real clients vs ``wsexplorer diagnose`` where the address families themselves are odd:
IPv6 disabled (with a Debian hosts file that still says ``::1 localhost``) and
``net.ipv6.bindv6only=1`` (issue 5, "Done means").

In each namespace every server kind that can start runs in turn on port 8080, every real
client connects to ``ws://localhost:8080/subscribe`` and ``diagnose --json`` predicts what
each does; the comparison is tests/scenarios/test_matrix.py's own (its ``Cell``). The
IPv6-off report must say IPv6 is off and must not pretend ``::1`` exists.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.scenarios import peers, tables
from tests.scenarios.netns import (
    DEBIAN_HOSTS,
    Namespace,
    NamespaceUnavailable,
    netns_unavailable_reason,
)
from tests.scenarios.test_matrix import (
    FAMILY4_CLIENT,
    PORT,
    TABLE_HEADERS,
    URL,
    Cell,
    _entry,
    _localhost_order,
    _predictions,
)
from tests.support import wsx_argv, wsx_env

pytestmark = [
    pytest.mark.needs_root,
    pytest.mark.needs_netns,
    pytest.mark.needs_node,
    pytest.mark.needs_curl,
]

SERVERS = ("node:0.0.0.0", "node:-", "py:::", "py:none")
SCENARIOS: dict[str, dict[str, Any]] = {
    "ipv6-off": {"hosts": DEBIAN_HOSTS, "ipv6": False},
    "bindv6only": {"hosts": DEBIAN_HOSTS, "sysctls": {"net.ipv6.bindv6only": "1"}},
}


@dataclass
class Scenario:
    """What one namespace measured: per server, the real clients, the report, the text."""

    name: str
    order: list[str]
    cells: list[Cell] = field(default_factory=list)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    not_started: dict[str, str] = field(default_factory=dict)

    def table(self) -> str:
        rows = [c.row() for c in self.cells]
        rows += [[s, self.name, "-", f"could not start: {why}", "-", "-"]
                 for s, why in self.not_started.items()]  # fmt: skip
        return tables.format_table(TABLE_HEADERS, rows)


def _measure(name: str) -> Scenario:
    with Namespace.create(**SCENARIOS[name]) as ns:
        scenario = Scenario(name, _localhost_order(ns))
        clients = peers.available_clients()
        for server in SERVERS:
            try:
                handle = peers.start_server(ns, server, PORT)
            except peers.PeerError as exc:
                scenario.not_started[server] = str(exc)[:120]
                continue
            with handle:
                row = [
                    Cell(server, name, c, peers.run_client(ns, c, URL, server=handle))
                    for c in clients
                ]
                done = ns.run(wsx_argv("diagnose", URL, "--json"), timeout=60, env=wsx_env())
                text = ns.run(wsx_argv("diagnose", URL), timeout=60, env=wsx_env())
                # Node 20 with { family: 4 } where no fix predicts it (every client
                # connects): the engine with the family forced, while the server runs.
                forced = ns.run(wsx_argv("diagnose", URL, "--json", "--family", "4"),
                                timeout=60, env=wsx_env())  # fmt: skip
            assert done.returncode in (0, 1), done.stderr
            assert "Traceback" not in done.stderr + text.stderr
            report = json.loads(done.stdout)
            predictions = _predictions(report)
            if predictions.get(FAMILY4_CLIENT) is None:
                node20 = next(c for c in json.loads(forced.stdout)["clients"]
                              if c["id"] == "node-20")  # fmt: skip
                predictions[FAMILY4_CLIENT] = _entry(node20)
            for cell in row:
                cell.predicted = predictions.get(cell.client)
            scenario.cells.extend(row)
            scenario.reports[server] = report
            scenario.texts[server] = text.stdout
        return scenario


@pytest.fixture(scope="module")
def measured() -> Iterator[Callable[[str], Scenario]]:
    """``measured(name)``: the scenario, measured once per module on first use."""
    reason = netns_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    if shutil.which("node") is None or not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    if shutil.which("curl") is None:
        pytest.skip("needs curl")
    cache: dict[str, Scenario] = {}

    def get(name: str) -> Scenario:
        if name not in cache:
            try:
                cache[name] = _measure(name)
            except NamespaceUnavailable as exc:
                pytest.skip(str(exc))
        return cache[name]

    yield get


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_predictions_match_real_clients(measured: Callable[[str], Scenario], name: str) -> None:
    scenario = measured(name)
    print(f"\n{scenario.name}: localhost -> {scenario.order}\n{scenario.table()}")
    # Servers that bind IPv4 (or both families) always start; only an IPv6 bind may not.
    assert {"node:0.0.0.0", "py:none"} <= set(scenario.reports), scenario.table()
    hung = [c.row() for c in scenario.cells if c.real["outcome"] == "timeout"]
    assert not hung, tables.format_table(TABLE_HEADERS, hung)
    problems = [c for c in scenario.cells if c.mismatches()]
    assert not problems, (
        f"{len(problems)} of {len(scenario.cells)} predictions differ:\n{scenario.table()}"
    )


def test_ipv6_off_report_says_so_and_never_reaches_ipv6(
    measured: Callable[[str], Scenario],
) -> None:
    s = measured("ipv6-off")
    # The premise: the hosts file still names ::1, and glibc still returns it (last).
    assert s.order == ["127.0.0.1", "::1"], s.order
    for server, d in s.reports.items():
        assert d["system"]["ipv6_enabled"] is False, server
        v6 = [a for a in d["attempts"] if a["family"] == "ipv6"]
        assert v6, f"{server}: the tracer did not try ::1"
        for a in v6:
            assert a["outcome"] == "unreachable", (server, a)
            assert a["error"] == "[Errno 99] Cannot assign requested address", (server, a)
        # No probe of ::1 (it cannot exist), no client connecting over IPv6.
        assert not [p for p in d["probes"] if p["family"] == "ipv6"], server
        for c in d["clients"]:
            assert c["address"] in (None, "127.0.0.1"), (server, c)
            assert all(t["outcome"] in ("unreachable", "unknown")
                       for t in c["tries"] if ":" in t["address"]), (server, c)  # fmt: skip
        assert (
            "IPv6 is disabled on this machine: localhost still resolves to ::1, but no IPv6 "
            "address exists here, so a connect to it fails at once"
        ) in d["notes"], (server, d["notes"])
        text = s.texts[server]
        assert "IPv6 is disabled on this machine (no ::1)" in text, server
        assert "note: IPv6 is disabled on this machine: localhost still resolves to ::1" in text
        assert "✓ ::1" not in text and "via ::1" not in text, text


def test_bindv6only_listeners_as_the_kernel_sets_them(
    measured: Callable[[str], Scenario],
) -> None:
    scenario = measured("bindv6only")
    accepts: dict[str, list[tuple[str, Any, list[str]]]] = {}
    for server, d in scenario.reports.items():
        assert d["system"]["bindv6only"] == 1
        accepts[server] = sorted((x["address"], x["v6only"], x["accepts"]) for x in d["listeners"])
    # Node sets IPV6_V6ONLY=0 itself (libuv), whatever the sysctl says (docs/clients.md#server-node).
    assert accepts["node:-"] == [("::", False, ["ipv4", "ipv6"])]
    # asyncio sets IPV6_V6ONLY=1 on its IPv6 socket.
    assert accepts["py:::"] == [("::", True, ["ipv6"])]
    assert accepts["py:none"] == [("0.0.0.0", None, ["ipv4"]), ("::", True, ["ipv6"])]
