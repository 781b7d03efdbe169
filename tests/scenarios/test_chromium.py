"""Real headless Chromium (Debian's ``chromium``) against ``wsexplorer diagnose``'s ``chrome``.

The runner is ``tests/peers/chromium_client.py`` (client kind ``chromium`` of
tests/scenarios/peers.py): the page's ``new WebSocket(url)`` gives the outcome, the console
line the error text, the net log the addresses tried, each one's net error and when.

The localhost matrix: the setups of tests/scenarios/test_matrix.py and
tests/hardening/test_families.py (Debian hosts, IPv4-only hosts, gai.conf preferring IPv4,
a hosts file with only ``::1 localhost``, IPv6 off, ``bindv6only=1``) times the servers
(Node on ``0.0.0.0``, ``::1`` and ``localhost``, Python on ``::``). In each cell Chromium opens ``ws://localhost:8080/subscribe``
once and ``diagnose --json`` runs in the same namespace; they must agree on the outcome,
the address, the error text verbatim, the addresses tried in order with how each ended
(tests/scenarios/chromium.py), the time within 0.3 s + 10 %, and ``chrome`` must be
``checked``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.scenarios import chromium, peers, tables
from tests.scenarios.netns import DEBIAN_HOSTS, IPV4_ONLY_HOSTS, Namespace, NamespaceUnavailable
from tests.support import wsx_argv, wsx_env
from wsexplorer.diagnosis.clients.chrome_hsts import PRELOADED

__all__: list[str] = []

pytestmark = [
    pytest.mark.needs_root,
    pytest.mark.needs_netns,
    pytest.mark.needs_node,
    pytest.mark.needs_chromium,
]

PORT = 8080
URL = f"ws://localhost:{PORT}/subscribe"
SETUPS: dict[str, dict[str, Any]] = {
    "debian": {"hosts": DEBIAN_HOSTS},
    "ipv4-only": {"hosts": IPV4_ONLY_HOSTS},
    "gai-ipv4-first": {"hosts": DEBIAN_HOSTS, "gai_conf": "precedence ::ffff:0:0/96 100\n"},
    "only-::1": {"hosts": "::1\tlocalhost\n"},
    "ipv6-off": {"hosts": DEBIAN_HOSTS, "ipv6": False},
    "bindv6only": {"hosts": DEBIAN_HOSTS, "sysctls": {"net.ipv6.bindv6only": "1"}},
}
SERVERS = ("node:0.0.0.0", "node:::1", "node:localhost", "py:::")


@pytest.fixture(autouse=True)
def _chromium() -> None:
    if shutil.which("chromium") is None:
        pytest.skip("needs Debian's chromium")
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)


@dataclass
class Cell:
    setup: str
    server: str
    real: dict[str, Any]
    predicted: dict[str, Any]

    def row(self) -> list[str]:
        problems = chromium.mismatches(self.real, self.predicted)
        return [
            self.setup,
            self.server,
            chromium.describe(self.real),
            chromium.describe(self.predicted),
            "yes" if not problems else "NO (" + ", ".join(problems) + ")",
        ]


HEADERS = ["setup", "server", "real chromium", "predicted chrome", "match"]


def _measure() -> tuple[list[Cell], dict[str, list[str]]]:
    cells: list[Cell] = []
    not_started: dict[str, list[str]] = {}
    for setup, options in SETUPS.items():
        with Namespace.create(**options) as ns:
            for server in SERVERS:
                try:
                    handle = peers.start_server(ns, server, PORT)
                except peers.PeerError:
                    not_started.setdefault(setup, []).append(server)
                    continue
                with handle:
                    real = chromium.result(peers.run_client(ns, "chromium", URL))
                    done = ns.run(wsx_argv("diagnose", URL, "--json"), timeout=60, env=wsx_env())
                assert done.returncode in (0, 1), done.stderr
                clients = {c["id"]: c for c in json.loads(done.stdout)["clients"]}
                cells.append(Cell(setup, server, real, clients["chrome"]))
    return cells, not_started


@pytest.fixture(scope="module")
def matrix() -> Iterator[tuple[list[Cell], dict[str, list[str]]]]:
    from tests.scenarios.fixtures import require_netns

    require_netns()
    if shutil.which("chromium") is None or not peers.node_peers_installed():
        pytest.skip("needs chromium and the npm peers")
    try:
        yield _measure()
    except NamespaceUnavailable as exc:
        pytest.skip(str(exc))


def test_the_runner_reports_tries_address_and_console_text(
    netns: Callable[..., Namespace],
) -> None:
    """The runner itself: with ``::1`` first and an IPv4-only server Chromium is refused on
    ``::1`` and connects via 127.0.0.1; on a closed port its console line names the error."""
    ns = netns(hosts=DEBIAN_HOSTS)
    with peers.start_server(ns, "node:0.0.0.0", PORT):
        ok = peers.run_client(ns, "chromium", URL)
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


def test_localhost_matrix_real_chromium_agrees_with_chrome(
    matrix: tuple[list[Cell], dict[str, list[str]]],
) -> None:
    cells, not_started = matrix
    table = tables.format_table(HEADERS, [c.row() for c in cells])
    print(f"\n{table}\nservers that could not start: {not_started}")
    # Only an IPv6 server may fail to start, and only with IPv6 off.
    assert not_started == {"ipv6-off": ["node:::1"]}, not_started
    assert len(cells) == len(SETUPS) * len(SERVERS) - 1
    # The premise the model changed for: with IPv6 off Chromium still tries ::1 first,
    # and that connect fails at once with EADDRNOTAVAIL (ERR_ADDRESS_INVALID).
    off = next(c for c in cells if (c.setup, c.server) == ("ipv6-off", "node:0.0.0.0"))
    assert off.real["tries"] == [("::1", "unreachable"), ("127.0.0.1", "connected")], off.real
    bad = [c for c in cells if chromium.mismatches(c.real, c.predicted)]
    assert not bad, f"{len(bad)} of {len(cells)} cells disagree:\n{table}"


ROUTE_HOSTS = "127.0.0.1\tlocalhost\n2001:db8::10\tboth.test\n192.0.2.10\tboth.test\n"


@pytest.mark.parametrize("routed", [False, True], ids=["no-ipv6-route", "ipv6-route"])
def test_chromium_asks_for_aaaa_only_with_a_route_to_global_ipv6(
    netns: Callable[..., Namespace], routed: bool
) -> None:
    """``both.test`` has an AAAA (a local address nothing listens on over IPv6) and an A
    record; the server is IPv4-only. Without an IPv6 route Chromium never tries the AAAA;
    with one it is refused there and moves on. ``diagnose`` reads the route
    (``system.ipv6_routable``) and predicts both."""
    ns = netns(hosts=ROUTE_HOSTS, ipv4_addr="192.0.2.10/24", ipv6_addr="2001:db8::10/64")
    if routed:
        ns.run(["ip", "-6", "route", "add", "default", "dev", "wsx0"], check=True)
    url = f"ws://both.test:{PORT}/"
    with peers.start_server(ns, "node:0.0.0.0", PORT):
        real = chromium.result(peers.run_client(ns, "chromium", url))
        done = ns.run(wsx_argv("diagnose", url, "--json", "--no-dns"), timeout=60, env=wsx_env())
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    assert data["system"]["ipv6_routable"] is routed
    predicted = next(c for c in data["clients"] if c["id"] == "chrome")
    expected = [("2001:db8::10", "refused")] if routed else []
    assert real["tries"] == [*expected, ("192.0.2.10", "connected")], real
    problems = chromium.mismatches(real, predicted)
    assert not problems, (problems, chromium.describe(real), chromium.describe(predicted))


HSTS_NAMES = ("app.dev", "app", "x.test")


@pytest.mark.parametrize("server", ["node:0.0.0.0", "py:0.0.0.0"])
def test_hsts_preloaded_names_are_upgraded_to_wss(
    netns: Callable[..., Namespace], server: str
) -> None:
    """``ws://`` to a name on Chrome's HSTS preload list (``app.dev``; the single label
    ``app``) becomes ``wss://`` inside Chromium: against a plain server the TLS handshake
    fails, with the words the server's answer to a ClientHello decides (Node answers HTTP
    bytes, Python websockets closes); ``x.test`` is not preloaded and connects."""
    hosts = "127.0.0.1\tlocalhost\n192.0.2.10\t" + " ".join(HSTS_NAMES) + "\n"
    ns = netns(hosts=hosts, ipv4_addr="192.0.2.10/24")
    rows, bad = [], []
    with peers.start_server(ns, server, PORT):
        for name in HSTS_NAMES:
            url = f"ws://{name}:{PORT}/"
            real = chromium.result(peers.run_client(ns, "chromium", url))
            done = ns.run(
                wsx_argv("diagnose", url, "--json", "--no-dns"), timeout=60, env=wsx_env()
            )
            assert done.returncode in (0, 1), done.stderr
            data = json.loads(done.stdout)
            predicted = next(c for c in data["clients"] if c["id"] == "chrome")
            problems = chromium.mismatches(real, predicted)
            rows.append(f"{name}: {chromium.describe(real)} | {chromium.describe(predicted)}")
            bad += [(name, p) for p in problems]
            upgraded = name != "x.test"
            assert (real["raw"]["upgraded"] == f"wss://{name}:{PORT}/") is upgraded, real
            assert (data["handshake"]["tls_hello"] is not None) is upgraded, data["handshake"]
    print("\n" + "\n".join(rows))
    assert not bad, "\n".join(rows)


def test_every_preloaded_entry_upgrades_and_others_do_not(
    netns: Callable[..., Namespace],
) -> None:
    """The list in wsexplorer/diagnosis/clients/chrome_hsts.py against this Chromium: a name
    under each entry is upgraded (the net log's internal redirect to ``wss://``), names
    under a few common non-preloaded TLDs are not."""
    names = {f"x.{entry}": True for entry in sorted(PRELOADED)}
    names |= {f"x.{tld}": False for tld in ("test", "com", "io", "internal", "how", "ads")}
    hosts = "".join(f"192.0.2.10\t{name}\n" for name in names)
    ns = netns(hosts="127.0.0.1\tlocalhost\n" + hosts, ipv4_addr="192.0.2.10/24")
    wrong = []
    with peers.start_server(ns, "node:0.0.0.0", PORT):
        for name, preloaded in names.items():
            raw = peers.run_client(ns, "chromium", f"ws://{name}:{PORT}/")["raw"]
            if (raw["upgraded"] is not None) is not preloaded:
                wrong.append((name, preloaded, raw["upgraded"]))
    assert not wrong, wrong
