"""Paths beyond localhost and the fixes that fit them, against the real clients.

Two namespaces joined by a veth pair (tests/scenarios/veth.py). The client side holds
``192.0.2.1/24`` and ``2001:db8::1/64``, resolves through dnsmasq on its own loopback
(``hosts: files dns``) and has ``net.ipv4.tcp_syn_retries=1`` (a silent SYN gives up
after 3 s). The server side holds:

- ``192.0.2.200``: a ``ws`` server (Node, bound to that address only);
- ``192.0.2.201``: a second ``ws`` server behind an nftables rule that drops the first
  SYN of every connection (a dynamic set keyed on source address and port: a SYN not yet
  seen is added and dropped, its retransmission 1 s later passes), a slow but working
  IPv4 path;
- ``192.0.2.4`` and ``2001:db8::2``: nothing listens there, so a connect is refused.

``192.0.2.3`` has a permanent neighbour entry pointing at a MAC address nobody has (the
SYN leaves and nothing answers: silent), nobody owns ``192.0.2.98`` (ARP, asking every
0.5 s here, gives up after 1.5 s: ``EHOSTUNREACH``), and ``2001:db8:1::10`` has no route (the
connect fails at once with ``ENETUNREACH``; glibc sorts it after the IPv4 address,
RFC 6724 rule 1).

Each cell names a host; ``wsexplorer diagnose --json`` runs in the client namespace,
then each real client once: Node 16, 18, 20, 22 and 24 with ``ws`` (22 and 24 against the
``node-20`` prediction), Node 22 and 24's built-in WebSocket, Bun, Deno (the WHATWG
clients expose no address: the servers' log of the connection gives it), Python
websockets, aiohttp and websocket-client, curl, and headless Chromium (its time from its
net log). Outcome, address, the error text verbatim and the time
(tolerance: tests/scenarios/timed.py) must agree with the prediction, the fix the cell
is about must be listed and work, every real client run where that fix leaves the path
(``ok.test``: the working A alone; ``slowonly.test``: the slow A alone) must agree with
the fix's ``after`` prediction for it, and where the fix is a client knob, the real
client run with that knob must agree with the fix's prediction for it.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.scenarios import peers
from tests.scenarios.dnsmasq import DnsServer
from tests.scenarios.fixtures import require_dnsmasq, require_netns
from tests.scenarios.netns import Namespace
from tests.scenarios.timed import CLIENTS, diagnose_json, mismatches, run_timed
from tests.scenarios.veth import ip, join
from tests.support import free_port

__all__: list[str] = []

NEEDS = ("root", "netns", "node", "curl", "dnsmasq", "nft", "chromium")
pytestmark = [getattr(pytest.mark, f"needs_{need}") for need in NEEDS]

PATH_CLIENTS = {
    **CLIENTS,
    "node22": "node-20",  # Node 22/24 with ws: node-20
    "node24": "node-20",
    "node22-builtin": "node-websocket",
    "node24-builtin": "node-websocket-24",
    "bun": "bun",
    "deno": "deno",
    "python-aiohttp": "python-aiohttp",
    "python-websocket-client": "python-websocket-client",
}
SERVER = "192.0.2.200"
SLOW = "192.0.2.201"
REFUSING_V4 = "192.0.2.4"
REFUSING_V6 = "2001:db8::2"
SILENT_V4 = "192.0.2.3"
NOBODY_V4 = "192.0.2.98"  # on the link, owned by nobody: ARP fails
NO_ROUTE_V6 = "2001:db8:1::10"
NOBODY_MAC = "02:00:00:00:00:99"
RECORDS = {
    "ra.test": [REFUSING_V4, SERVER],
    "sa.test": [SILENT_V4, SERVER],
    "r6.test": [REFUSING_V6, SERVER],
    "slow.test": [SLOW, NO_ROUTE_V6],
    "stale.test": [SERVER],
    "arp.test": [SERVER],
    "ok.test": [SERVER],  # what a1, a2, b, d and e resolve to once their path fix is made
    "slowonly.test": [SLOW],  # c once its AAAA record is gone
}
HOSTS = f"127.0.0.1\tlocalhost\n{REFUSING_V4}\tstale.test\n{NOBODY_V4}\tarp.test\n"
KNOB_ENV = {  # fix id -> the peer variable that turns the knob on, per client kind
    "python-happy-eyeballs": ("WS_PEER_HAPPY_EYEBALLS_DELAY", {"python": "0.25"}),
    "node-attempt-timeout": (
        "WS_PEER_ATTEMPT_TIMEOUT",
        {
            kind: ""
            for kind in ("node18", "node20", "node22", "node24", "node22-builtin", "node24-builtin")
        },
    ),
}


@dataclass(frozen=True)
class Cell:
    name: str
    host: str
    order: tuple[str, ...]  # the getaddrinfo order the cell needs
    fixes: tuple[str, ...]  # fixes that must be listed and work (every client connects)
    fixed: str  # a name resolving as the first fix leaves the path: real clients run there
    knobs: tuple[str, ...] = field(default=())  # client knobs checked with real clients


CELLS = (
    Cell(
        "a1: two A, the first refused",
        "ra.test",
        (REFUSING_V4, SERVER),
        ("dns-remove-dead-a",),
        "ok.test",
    ),
    Cell(
        "a2: two A, the first silent",
        "sa.test",
        (SILENT_V4, SERVER),
        ("dns-remove-dead-a",),
        "ok.test",
        ("python-happy-eyeballs",),
    ),
    Cell(
        "b: refused AAAA, working A",
        "r6.test",
        (REFUSING_V6, SERVER),
        ("dns-remove-aaaa",),
        "ok.test",
    ),
    Cell(
        "c: slow A (first SYN dropped), unreachable AAAA",
        "slow.test",
        (SLOW, NO_ROUTE_V6),
        ("dns-remove-aaaa", "node-attempt-timeout"),
        "slowonly.test",
        ("node-attempt-timeout",),
    ),
    Cell(
        "d: stale hosts line (refused) hides DNS's working A",
        "stale.test",
        (REFUSING_V4,),
        ("hosts-line",),
        "ok.test",
    ),
    Cell(
        "e: stale hosts line (nobody answers ARP) hides DNS's working A",
        "arp.test",
        (NOBODY_V4,),
        ("hosts-line",),
        "ok.test",
    ),
)


@dataclass(frozen=True)
class Servers:
    """Both servers, read as one for the address a WHATWG client reached (it exposes none:
    ``peers.run_client(..., server=...)`` asks the server's log)."""

    servers: tuple[peers.PeerServer, ...]

    def peer_address(self, path: str, wait: float = 3.0) -> str | None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for server in self.servers:
                address = server.peer_address(path, wait=0.05)
                if address is not None:
                    return address
        return None


def _slow_rules(port: int) -> str:
    """nftables: drop the first SYN of each connection to SLOW:port (see the docstring)."""
    syn = f"ip daddr {SLOW} tcp dport {port} tcp flags & (syn | ack) == syn"
    return f"""table inet wsxslow {{
  set seen {{ type ipv4_addr . inet_service; flags dynamic, timeout; timeout 60s; }}
  chain input {{ type filter hook input priority 0; policy accept;
    {syn} ip saddr . tcp sport @seen accept
    {syn} add @seen {{ ip saddr . tcp sport }} drop
  }}
}}
"""


@pytest.fixture(scope="module")
def paths() -> Iterator[tuple[Namespace, int, Servers]]:
    """The client namespace (with dnsmasq), the servers' port and the two servers
    (module scope)."""
    require_netns()
    require_dnsmasq()
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    missing = [k for k in PATH_CLIENTS if k not in peers.available_clients()]
    if missing:
        pytest.skip(f"peers not installed: {', '.join(missing)} ({peers.NODE_PEERS_MISSING})")
    for tool in ("curl", "nft", "chromium"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool}")
    client = Namespace.create(
        hosts=HOSTS, resolv_conf="nameserver 127.0.0.1\n", nsswitch="hosts: files dns\n"
    )
    server = Namespace.create()
    try:
        c_if, _ = join(
            client,
            server,
            ("192.0.2.1/24", "2001:db8::1/64"),
            (f"{SERVER}/24", f"{SLOW}/24", f"{REFUSING_V4}/24", f"{REFUSING_V6}/64"),
        )
        ip("-n", client.name, "neigh", "add", SILENT_V4, "lladdr", NOBODY_MAC,
           "dev", c_if, "nud", "permanent")  # fmt: skip
        client.run(["sysctl", "-q", "-w", "net.ipv4.tcp_syn_retries=1"], check=True)
        for dev in ("lo", c_if):  # ARP gives up after 3 x 0.5 s, before the 3 s SYN timeout
            client.run(["sysctl", "-q", "-w", f"net.ipv4.neigh.{dev}.retrans_time_ms=500"])
        port = free_port()
        server.run(["nft", "-f", "-"], input=_slow_rules(port), check=True)
        with (
            DnsServer.start(records=RECORDS, netns=client, port=53),
            peers.start_server(server, f"node:{SERVER}", port) as working,
            peers.start_server(server, f"node:{SLOW}", port) as slow,
        ):
            yield client, port, Servers((working, slow))
    finally:
        client.delete()
        server.delete()


def _row(kind: str, real: dict[str, Any], predicted: dict[str, Any], problems: list[str]) -> str:
    return (
        f"{kind:7} real {real['outcome']} {real['address'] or real['error']!r} "
        f"{real['seconds']} s | predicted {predicted['outcome']} "
        f"{predicted['address'] or predicted['error']!r} {predicted['time_s']} s "
        f"({predicted.get('time_basis')}) | {', '.join(problems) or 'ok'}"
    )


def _chromium(ns: Namespace, url: str) -> dict[str, Any]:
    """Headless Chromium, timed from its net log: from its first connect attempt to the
    one that connected (or to the last failure), without the browser's own start-up."""
    real = peers.run_client(ns, "chromium", url)
    tried = real["raw"].get("tried") or []
    starts = [t["start_ms"] for t in tried if t["start_ms"] is not None]
    ok = [t["end_ms"] for t in tried if t["net_error"] is None and t["end_ms"] is not None]
    ends = ok or [t["end_ms"] for t in tried if t["end_ms"] is not None]
    seconds = (min(ends) if ok else max(ends)) - min(starts) if starts and ends else None
    return {**real, "seconds": None if seconds is None else seconds / 1000}


def _knob_rows(
    ns: Namespace, url: str, fix: dict[str, Any], servers: Servers
) -> tuple[list[str], list[str]]:
    """Each real client the knob applies to, run with it, against the fix's ``after``."""
    variable, kinds = KNOB_ENV[fix["id"]]
    after = {c["id"]: c for c in fix["after"]}
    rows, bad = [], []
    for kind, value in kinds.items():
        if value == "":  # Node's attempt timeout: the value the fix names
            value = fix["node"].split("autoSelectFamilyAttemptTimeout: ")[1].split(" ")[0]
        real = run_timed(ns, kind, url, env={variable: value}, server=servers)
        predicted = after[PATH_CLIENTS[kind]]
        problems = mismatches(real, predicted)
        rows.append(f"  {fix['id']}={value} " + _row(kind, real, predicted, problems))
        bad += problems
    return rows, bad


def _every_client(
    ns: Namespace, url: str, servers: Servers, predictions: dict[str, dict[str, Any]], label: str
) -> tuple[list[str], list[str]]:
    """Each real client once (Chromium last), against ``predictions`` (by client id)."""
    rows, bad = [], []
    for kind, cid in PATH_CLIENTS.items():
        real = run_timed(ns, kind, url, server=servers)
        problems = mismatches(real, predictions[cid])
        rows.append(label + _row(kind, real, predictions[cid], problems))
        bad += problems
    real = _chromium(ns, url)
    problems = mismatches(real, predictions["chrome"])
    rows.append(label + _row("chromium", real, predictions["chrome"], problems))
    return rows, bad + problems


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: c.name.split(":")[0])
def test_real_clients_and_fixes_agree(paths: tuple[Namespace, int, Servers], cell: Cell) -> None:
    ns, port, servers = paths
    url = f"ws://{cell.host}:{port}/"
    document = diagnose_json(ns, url, "5", dns=True)
    order = tuple(a["address"] for a in document["resolution"]["getaddrinfo"]["order"])
    assert order == cell.order, f"{cell.name}: the resolver gave {order}"
    predictions = {c["id"]: c for c in document["clients"]}
    rows, bad = _every_client(ns, url, servers, predictions, "")
    fixes = {f["id"]: f for f in document["fixes"]}
    for fix_id in cell.fixes:
        fix = fixes.get(fix_id)
        if fix is None or not fix["works"]:
            bad.append(f"fix {fix_id}: {fix and fix['detail']}")
    path_fix = fixes.get(cell.fixes[0])
    if path_fix is not None:  # every real client where the fix leaves the path
        after = {c["id"]: c for c in path_fix["after"]}
        fixed_url = f"ws://{cell.fixed}:{port}/"
        more, problems = _every_client(ns, fixed_url, servers, after, f"  {path_fix['id']} ")
        rows += more
        bad += problems
    for fix_id in cell.knobs:  # a knob changes some clients: each must match the real one
        if fix_id not in fixes:
            bad.append(f"fix {fix_id} not listed")
            continue
        more, problems = _knob_rows(ns, url, fixes[fix_id], servers)
        rows += more
        bad += problems
    report = "\n".join(rows) + f"\nattempts: {document['attempts']}\nprobes: {document['probes']}"
    print(f"{cell.name}\n{report}")  # the table, with pytest -s
    assert not bad, f"{cell.name}: {bad}\n{report}"
