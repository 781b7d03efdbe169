"""Beyond localhost: silent and unreachable addresses, real clients against the prediction.

Two namespaces joined by a veth pair (``addrgenmode none``, no link-local address):
the client side holds ``192.0.2.1/24`` and ``2001:db8::1/64``, the server side
``192.0.2.2`` and ``2001:db8::2`` with a real ``ws`` server on ``0.0.0.0``. In the client
namespace:

- ``192.0.2.98`` is on the link and nobody owns it: ARP gets no answer and the kernel
  fails the connect with ``EHOSTUNREACH`` after 3 s (case a);
- ``192.0.2.3`` and ``2001:db8::10`` have permanent neighbour entries pointing at a MAC
  address nobody has: the SYN leaves, the peer's veth drops the frame, nothing ever
  answers (the client sees what a firewall dropping packets gives; no netfilter needed).
  Case b: ``both.test`` resolves to the silent ``2001:db8::10`` and the working
  ``192.0.2.2``; case c: ``silent.test`` to the silent ``192.0.2.3`` alone; case d:
  ``none.test`` to both silent addresses.
- ``fw.test`` is ``192.0.2.2``, the server's own address, with an nftables rule in the
  server namespace that drops every packet to the case's port (a firewalled port on a
  live host: other ports answer); case f.

The client namespace has a default IPv6 route, so headless Chromium (which asks for AAAA
records only when IPv6 is routable) runs its Happy Eyeballs here too; it is compared on its
tries as well, with its time from the net log (tests/scenarios/chromium.py).

``net.ipv4.tcp_syn_retries`` is lowered in the client namespace so a silent path ends in
seconds: 1 (3 s) for cases b and c; 2 (7 s) for case a, so that ARP's 3 s decides rather
than racing a 3 s SYN timeout. Cases b2 and b3 repeat b with 7 s and 19 s SYN timeouts
(Linux 6.x's ``tcp_syn_linear_timeouts``: docs/clients.md#kernel-timing), longer than
wsexplorer waits, so the prediction is extrapolated from the kernel settings. ``wsexplorer diagnose --json`` runs in the same namespace
with its default deadline, then each real client once; outcome, address, the error text
verbatim (curl's ``after N ms`` compared as a time) and the time must agree.

Time tolerance: the real time (measured inside each client from its connect call to the
outcome, so it includes the name lookup and, for a connect, the opening handshake) is
within 0.3 s + 10 % of the predicted ``time_s``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.scenarios import chromium, peers
from tests.scenarios.netns import Namespace
from tests.scenarios.timed import CLIENTS as TIMED_CLIENTS
from tests.scenarios.timed import CURL_AFTER, diagnose_json, mismatches, run_timed, within
from tests.scenarios.veth import ip, join
from tests.support import free_port
from wsexplorer.diagnosis.clients.curl import curl_wording
from wsexplorer.diagnosis.strategy import Failure, Stage, TryResult
from wsexplorer.diagnosis.why import read_error
from wsexplorer.model import AttemptOutcome, Family

__all__: list[str] = []

pytestmark = [
    pytest.mark.needs_root,
    pytest.mark.needs_netns,
    pytest.mark.needs_node,
    pytest.mark.needs_curl,
    pytest.mark.needs_nft,
]

HOSTS = "".join(
    f"{address}\t{name}\n"
    for address, name in (
        ("127.0.0.1", "localhost"),
        ("2001:db8::10", "both.test"),
        ("192.0.2.2", "both.test"),
        ("192.0.2.3", "silent.test"),
        ("2001:db8::10", "none.test"),
        ("192.0.2.3", "none.test"),
        ("192.0.2.2", "fw.test"),
    )
)
NOBODY_MAC = "02:00:00:00:00:99"
# Node 22/24 with ws are node-20 clients; the WHATWG WebSocket clients have their own ids
# (docs/clients.md#node-websocket, #bun, #deno).
JS_CLIENTS: dict[str, str] = {
    "node22": "node-20",
    "node24": "node-20",
    "node22-builtin": "node-websocket",
    "node24-builtin": "node-websocket-24",
    "bun": "bun",
    "deno": "deno",
}


# aiohttp and websocket-client run with their own defaults (docs/clients.md#python-aiohttp,
# docs/clients.md#python-websocket-client).
CLIENTS: dict[str, str] = {
    **TIMED_CLIENTS,
    "python-aiohttp": "python-aiohttp",
    "python-websocket-client": "python-websocket-client",
}
IDS = {**CLIENTS, **JS_CLIENTS}


@dataclass(frozen=True)
class Case:
    name: str
    host: str
    syn_retries: int
    kinds: tuple[str, ...] = (*IDS, "chromium")
    timeout: str = "5"  # diagnose --timeout (5: the default)
    firewall: bool = False  # nftables drops the case's port on the server (fw.test)


CASES = (
    Case("a: ARP fails (192.0.2.98)", "192.0.2.98", 2),
    Case("b: silent AAAA, working A (both.test)", "both.test", 1),
    Case("c: silent A only (silent.test)", "silent.test", 1),
    # The tracer gives up at 3.5 s, before the kernel's 7 s: the times are extrapolated
    # from the kernel settings (syn-retries), not measured.
    Case("b2: case b with a 7 s SYN timeout, extrapolated", "both.test", 2),
    # A SYN timeout (19 s) beyond websockets' open_timeout (10 s), which then decides;
    # Node 18 would wait the 19 s and is left out.
    Case(
        "b3: case b with a 19 s SYN timeout, open_timeout first",
        "both.test",
        3,
        (
            "node16",
            "node20",
            "python",
            "python-aiohttp",
            "python-websocket-client",
            "curl",
            "chromium",
            *JS_CLIENTS,
        ),
    ),
    # A lone silent address with a 19 s SYN timeout: undici's own 10 s connect timeout
    # ends Node's built-in WebSocket first (docs/clients.md#node-websocket), as
    # open_timeout ends websockets'.
    Case(
        "c3: case c with a 19 s SYN timeout, undici's 10 s first",
        "silent.test",
        3,
        ("node22-builtin", "node24-builtin", "python"),
    ),
    # Both addresses silent: every client fails, each after its own sequence of waits.
    # Two silent addresses need more than the default deadline to be measured in full.
    Case("d: silent AAAA and silent A (none.test)", "none.test", 1, timeout="10"),
    # A firewall dropping the port (issue: curl's (28), not (7)): the kernel's SYN timeout.
    Case("f: a port dropped by nftables on a live address (fw.test)", "fw.test", 1, firewall=True),
)


def _firewall(port: int) -> str:
    """nftables in ``server``: drop every TCP packet to ``port`` (silent, no reset)."""
    return f"""table inet wsxfw {{
  chain input {{ type filter hook input priority 0; policy accept;
    tcp dport {port} drop
  }}
}}
"""


@pytest.fixture(scope="module")
def link() -> Iterator[tuple[Namespace, Namespace]]:
    """The client and server namespaces joined by a veth pair (module scope: one set-up)."""
    from tests.scenarios.fixtures import require_netns

    require_netns()
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    for tool in ("curl", "nft"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool}")
    client = Namespace.create(hosts=HOSTS)
    server = Namespace.create()
    try:
        c_if, _ = join(
            client, server, ("192.0.2.1/24", "2001:db8::1/64"), ("192.0.2.2/24", "2001:db8::2/64")
        )
        # A default IPv6 route: Chrome asks for AAAA records only when one exists (its
        # IPv6 reachability check; docs/clients.md#chrome), the other clients never look.
        ip("-n", client.name, "-6", "route", "add", "default", "via", "2001:db8::2", "dev", c_if)
        for silent in ("192.0.2.3", "2001:db8::10"):
            ip("-n", client.name, "neigh", "add", silent, "lladdr", NOBODY_MAC,
               "dev", c_if, "nud", "permanent")  # fmt: skip
        yield client, server
    finally:
        client.delete()
        server.delete()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name.split(":")[0])
def test_real_clients_agree_with_the_prediction(
    link: tuple[Namespace, Namespace], case: Case
) -> None:
    client, server = link
    client.run(["sysctl", "-q", "-w", f"net.ipv4.tcp_syn_retries={case.syn_retries}"], check=True)
    port = free_port()
    url = f"ws://{case.host}:{port}/"
    if case.firewall:
        server.run(["nft", "-f", "-"], input=_firewall(port), check=True)
    try:
        rows, bad, document = _compare(client, server, case, port, url)
    finally:
        if case.firewall:
            server.run(["nft", "delete", "table", "inet", "wsxfw"], check=True)
    print(f"\n{case.name}\n" + "\n".join(rows))
    assert not bad, f"{case.name}\n" + "\n".join(rows) + f"\nattempts: {document['attempts']}"


def _compare(
    client: Namespace, server: Namespace, case: Case, port: int, url: str
) -> tuple[list[str], list[str], dict[str, Any]]:
    """Every real client of ``case`` against ``diagnose --json``: the rows, the problems
    and the document."""
    with peers.start_server(server, "node:0.0.0.0", port) as handle:
        document = diagnose_json(client, url, case.timeout)
        assert document["system"]["tcp_syn_retries"] == case.syn_retries
        predictions = {c["id"]: c for c in document["clients"]}
        rows, bad = [], []
        for kind in case.kinds:
            if kind == "chromium":  # where installed (test_chromium.py requires it)
                if shutil.which("chromium") is None:
                    continue
                # Its net log gives the tries and the time (tests/scenarios/chromium.py).
                real = chromium.result(peers.run_client(client, kind, url))
                predicted = predictions["chrome"]
                problems = chromium.mismatches(real, predicted)
            else:
                real = run_timed(client, kind, url, server=handle)
                predicted = predictions[IDS[kind]]
                problems = mismatches(real, predicted)
            rows.append(
                f"{kind:7} real {real['outcome']} {real['address'] or real['error']!r} "
                f"{real['seconds']} s | predicted {predicted['outcome']} "
                f"{predicted['address'] or predicted['error']!r} {predicted['time_s']} s "
                f"({predicted['time_basis']}) | {', '.join(problems) or 'ok'}"
            )
            bad += problems
    return rows, bad, document


def test_curl_words_its_own_connect_timeout_as_predicted(link: tuple[Namespace, Namespace]) -> None:
    """curl's own connect timeout (300 s unless ``--connect-timeout`` sets another:
    CURLOPT_CONNECTTIMEOUT) ends a connect the kernel has not given up on yet. Run with
    ``--connect-timeout 1.5`` against the firewalled port (the kernel's SYN timeout is
    3 s), the real curl prints what the model words for its 300 s limit, with N its own
    time; ``why`` reads it as curl's."""
    client, server = link
    client.run(["sysctl", "-q", "-w", "net.ipv4.tcp_syn_retries=1"], check=True)
    port = free_port()
    server.run(["nft", "-f", "-"], input=_firewall(port), check=True)
    try:
        argv = ["curl", "-sS", "--connect-timeout", "1.5", "-o", "/dev/null"]
        done = client.run([*argv, f"http://fw.test:{port}/"], timeout=30)
    finally:
        server.run(["nft", "delete", "table", "inet", "wsxfw"], check=True)
    real = done.stderr.strip()
    attempt = TryResult("192.0.2.2", Family.IPV4, AttemptOutcome.TIMEOUT)
    failure = Failure(Stage.CONNECT, "fw.test", port, (attempt,), 1, time_s=1.5, expired=True)
    predicted = curl_wording(failure)
    after = CURL_AFTER.search(real)
    assert (done.returncode, CURL_AFTER.sub(" after N ms: ", real)) == (
        28,
        CURL_AFTER.sub(" after N ms: ", predicted),
    ), real
    assert after is not None and within(int(after.group(1)) / 1000, 1.5), real
    clue = read_error(real)
    assert clue is not None and "curl" in clue.clients, real
