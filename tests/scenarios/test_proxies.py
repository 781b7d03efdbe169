"""Proxy variables: real clients against ``wsexplorer diagnose --json`` run with the same ones.

One namespace: the target ``app.test`` is ``192.0.2.10`` (an address on an extra
interface, so no client counts it as local) with a real ``ws`` server on ``0.0.0.0``; a
real HTTP proxy (tests/peers/connect_proxy.py: ``CONNECT`` tunnels and plain forwarding,
logging every request) listens on ``127.0.0.1``; a "dead" proxy port has nothing
listening. The ``wss://`` cases aim at a port of ``app.test`` where nothing listens, so a
client that goes direct is refused and one that uses the dead proxy names the proxy. Each case sets a few proxy variables (and nothing else: peers.proxy_argv)
for ``wsexplorer diagnose`` and for each real client: Node 16 / 18 / 20 / 22 / 24 with ``ws``,
Node 22's and 24's built-in ``WebSocket``, Bun, Deno, Python websockets, curl and headless
Chromium. The cases for Node's own proxy support (``NODE_USE_ENV_PROXY=1`` or
``--use-env-proxy``) run the Node clients only: the others do not read the switch, and
their rules for the same variables are checked by the other cases.

Per client: outcome, address (the proxy's for a client that goes through it), the error
text verbatim (curl's ``after N ms`` compared as a time; Chromium's console text after
``failed: ``), the time within
0.3 s + 10 % (Chromium: its net log's connect time; through a proxy, its page's clock,
with 0.7 s more: see ``_mismatches``), and whether it went through the proxy (the proxy's log of requests
against the prediction's ``proxy``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios import chromium, peers
from tests.scenarios.netns import Namespace
from tests.support import free_port, stop_process, wsx_argv, wsx_env

__all__: list[str] = []

pytestmark = [
    pytest.mark.needs_root,
    pytest.mark.needs_netns,
    pytest.mark.needs_node,
    pytest.mark.needs_curl,
    pytest.mark.needs_chromium,
]

HOSTS = "127.0.0.1\tlocalhost\n192.0.2.10\tapp.test\n"
CLIENTS: dict[str, str] = {  # real client kind -> catalogue id
    "node16": "node-16",
    "node18": "node-17-19",
    "node20": "node-20",
    "node22": "node-20",  # ws on Node 22 and 24: the node-20 strategy, ignoring the variables
    "node24": "node-20",
    "python": "python-websockets",
    "curl": "curl",
    "chromium": "chrome",
    # The WHATWG WebSocket clients (docs/clients.md#node-websocket, #bun, #deno).
    "node22-builtin": "node-websocket",
    "node24-builtin": "node-websocket-24",
    "bun": "bun",
    "deno": "deno",
}
NODE_KINDS = ("node22", "node24", "node22-builtin", "node24-builtin")
TOLERANCE_S = 0.3
TOLERANCE_RATIO = 0.10
CHROMIUM_SLACK_S = 0.7
_CURL_AFTER = re.compile(r" after (\d+) ms: ")


@dataclass(frozen=True)
class Case:
    name: str
    proxies: dict[str, str]  # "{dead}" / "{live}": the dead and the live proxy's port
    secure: bool = False  # wss:// to a port where nothing listens (no TLS server needed)
    kinds: tuple[str, ...] | None = None  # the real clients run (None: every one)


DEAD = "http://127.0.0.1:{dead}"
LIVE = "http://127.0.0.1:{live}"
ON = {"NODE_USE_ENV_PROXY": "1"}
CASES = (
    Case("https_proxy dead", {"https_proxy": DEAD}),
    Case("http_proxy dead", {"http_proxy": DEAD}),
    Case("HTTP_PROXY dead (upper case)", {"HTTP_PROXY": DEAD}),
    Case("all_proxy dead", {"all_proxy": DEAD}),
    Case("http_proxy live", {"http_proxy": LIVE}),
    Case("https_proxy live, with a password", {"https_proxy": "http://me:s3cret@127.0.0.1:{live}"}),
    Case("no_proxy exempts", {"http_proxy": DEAD, "https_proxy": DEAD, "no_proxy": "app.test"}),
    Case("NO_PROXY .test exempts", {"HTTPS_PROXY": DEAD, "NO_PROXY": ".test"}),
    # wss://: websockets and curl never use http_proxy for it, Chromium does.
    Case("wss, https_proxy dead", {"https_proxy": DEAD}, secure=True),
    Case("wss, http_proxy dead", {"http_proxy": DEAD}, secure=True),
    # Node's built-in proxy support builds the global agent, which ws never uses; the
    # built-in WebSocket goes through undici's EnvHttpProxyAgent (docs/clients.md#proxies).
    Case("NODE_USE_ENV_PROXY=1, http_proxy dead", {"NODE_USE_ENV_PROXY": "1", "http_proxy": DEAD}),
    Case("NODE_USE_ENV_PROXY=1, HTTP_PROXY dead", {**ON, "HTTP_PROXY": DEAD}, kinds=NODE_KINDS),
    Case("NODE_USE_ENV_PROXY=1, http_proxy live", {**ON, "http_proxy": LIVE}, kinds=NODE_KINDS),
    Case(
        "NODE_USE_ENV_PROXY=1, https_proxy is not for ws://",
        {**ON, "https_proxy": DEAD, "all_proxy": DEAD},
        kinds=NODE_KINDS,
    ),
    Case(
        "NODE_USE_ENV_PROXY=1, no_proxy .test exempts",
        {**ON, "http_proxy": DEAD, "no_proxy": ".test"},
        kinds=NODE_KINDS,
    ),
    # undici 6 (Node 22) matches a plain entry exactly, undici 7 (Node 24) as a suffix too.
    Case(
        "NODE_USE_ENV_PROXY=1, NO_PROXY test",
        {**ON, "HTTP_PROXY": DEAD, "NO_PROXY": "test"},
        kinds=NODE_KINDS,
    ),
    Case(
        "NODE_USE_ENV_PROXY=1, empty http_proxy hides HTTP_PROXY",
        {**ON, "http_proxy": "", "HTTP_PROXY": DEAD},
        kinds=NODE_KINDS,
    ),
    Case("NODE_USE_ENV_PROXY=true is off", {"NODE_USE_ENV_PROXY": "true", "http_proxy": DEAD}),
    Case(
        "NODE_OPTIONS=--use-env-proxy, http_proxy dead",
        {"NODE_OPTIONS": "--use-env-proxy", "http_proxy": DEAD},
        kinds=NODE_KINDS,
    ),
    # wss:// through the live proxy: it answers CONNECT to the closed port with 502.
    Case("wss, NODE_USE_ENV_PROXY=1, https_proxy live", {**ON, "https_proxy": LIVE}, secure=True),
    Case(
        "wss, NODE_USE_ENV_PROXY=1, http_proxy live (no https_proxy)",
        {**ON, "http_proxy": LIVE},
        secure=True,
        kinds=NODE_KINDS,
    ),
)


@dataclass
class Setup:
    ns: Namespace
    port: int
    dead: int
    live: int
    log: Path
    closed: int
    server: peers.PeerServer


@pytest.fixture(scope="module")
def setup() -> Iterator[Setup]:
    """The namespace, the ws server and the live proxy (module scope: one set-up)."""
    from tests.scenarios.fixtures import require_netns

    require_netns()
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    for tool in ("curl", "chromium"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool}")
    ns = Namespace.create(hosts=HOSTS, ipv4_addr="192.0.2.10/24")
    port, dead, live = free_port(), free_port(), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "proxy.log"
        script = peers.PEERS_DIR / "connect_proxy.py"
        proxy = ns.popen(
            [sys.executable, str(script), "127.0.0.1", str(live), str(log)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert proxy.stdout is not None
            assert "listening" in proxy.stdout.readline()
            with peers.start_server(ns, "node:0.0.0.0", port) as server:
                yield Setup(ns, port, dead, live, log, free_port(), server)
        finally:
            stop_process(proxy)
            if proxy.stdout is not None:
                proxy.stdout.close()
            ns.delete()


def _within(real_s: float, predicted_s: float) -> bool:
    return abs(max(real_s, 0.0) - predicted_s) <= TOLERANCE_S + TOLERANCE_RATIO * predicted_s


def _proxied(s: Setup) -> list[dict[str, str]]:
    """The requests the live proxy got since the last call (and forget them)."""
    if not s.log.exists():
        return []
    lines = s.log.read_text(encoding="utf-8").splitlines()
    s.log.unlink()
    return [json.loads(line) for line in lines]


def _real(s: Setup, kind: str, url: str, proxies: dict[str, str]) -> dict[str, Any]:
    # The server's log names the address a WHATWG client (which exposes none) reached.
    env = {"WS_PEER_OPEN_TIMEOUT": "10"}
    real = peers.run_client(s.ns, kind, url, env=env, proxies=proxies, server=s.server)
    raw = real["raw"]
    if kind == "curl":
        after = _CURL_AFTER.search(real["error"] or "")
        seconds = int(after.group(1)) / 1000 if after else None
        error = real["error"]
    elif kind == "chromium":  # the net log's connect time (tests/scenarios/chromium.py)
        seconds = chromium.result(real)["seconds"]
        error = real["error"]
    else:
        seconds = raw["elapsed_ms"] / 1000
        error = real["error"]
    return {**real, "error": error, "seconds": seconds, "via": _proxied(s)}


def _mismatches(kind: str, real: dict[str, Any], predicted: dict[str, Any], live: int) -> list[str]:
    if real["outcome"] != predicted["outcome"]:
        return ["outcome"]
    found = []
    # Only the live proxy keeps a log; a dead one shows in the error text instead.
    proxy = predicted["proxy"]
    if bool(real["via"]) != (proxy is not None and proxy["url"].endswith(f":{live}")):
        found.append("proxy")
    # Chromium's net log names only connects to the URL's own port: none through a proxy;
    # the server's log names the proxy's connect, not the client's, for a WHATWG client.
    unnamed = (kind == "chromium" or kind in peers.WEB_CLIENTS) and real["via"]
    if real["outcome"] == "connects" and real["address"] != predicted["address"] and not unnamed:
        found.append("address")
    mask = lambda e: None if e is None else _CURL_AFTER.sub(" after N ms: ", e)  # noqa: E731
    if real["outcome"] == "fails" and mask(real["error"]) != mask(predicted["error"]):
        found.append("error")
    # Through a proxy Chromium's net log names no connect to the URL's port, so its time is
    # the page's clock, which read 0.01 to 0.63 s for outcomes predicted at once (a loaded
    # machine): it gets CHROMIUM_SLACK_S more.
    slack = CHROMIUM_SLACK_S if kind == "chromium" and predicted["proxy"] else 0.0
    if real["seconds"] is not None and (
        predicted["time_s"] is None or not _within(real["seconds"] - slack, predicted["time_s"])
    ):
        found.append("time")
    if predicted["confidence"] != "checked":
        found.append("confidence")
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_real_clients_agree_with_the_prediction(setup: Setup, case: Case) -> None:
    s = setup
    proxies = {k: v.format(dead=s.dead, live=s.live) for k, v in case.proxies.items()}
    url = f"wss://app.test:{s.closed}/" if case.secure else f"ws://app.test:{s.port}/"
    argv = peers.proxy_argv(wsx_argv("diagnose", url, "--json", "--no-dns"), proxies)
    done = s.ns.run(argv, timeout=60, env=wsx_env())
    assert done.returncode in (0, 1), done.stderr
    assert "s3cret" not in done.stdout
    document = json.loads(done.stdout)
    assert set(document["proxy_environment"]) == set(proxies)
    _proxied(s)  # the diagnosis' own CONNECT is not a client's
    predictions = {c["id"]: c for c in document["clients"]}
    rows, bad = [], []
    for kind, cid in CLIENTS.items():
        if case.kinds is not None and kind not in case.kinds:
            continue
        real = _real(s, kind, url, proxies)
        predicted = predictions[cid]
        problems = _mismatches(kind, real, predicted, s.live)
        rows.append(
            f"{kind:8} real {real['outcome']} {real['address'] or real['error']!r} "
            f"{real['seconds']} s via={bool(real['via'])} | predicted {predicted['outcome']} "
            f"{predicted['address'] or predicted['error']!r} {predicted['time_s']} s "
            f"via={predicted['proxy'] is not None} | {', '.join(problems) or 'ok'}"
        )
        bad += problems
    print(f"\n{case.name}\n" + "\n".join(rows))
    assert not bad, f"{case.name}\n" + "\n".join(rows) + f"\nproxies: {document['proxies']}"
