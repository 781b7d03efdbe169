"""Servers that refuse the upgrade: every prediction against the real clients.

Issue 12: against ``python -m http.server`` (HTTP/1.0, 404) wsexplorer predicted Node's
``Invalid WebSocket upgrade response`` where real Node ws prints ``Unexpected server
response: 404``. Here the real Node 16 / 18 / 20 ``ws`` clients, Python websockets and curl
(an HTTP reachability check, as the engine models it) meet a plain HTTP/1.0 and an HTTP/1.1
file server, a 400 whose body says why, a 426, and a TLS server asked for ``ws://``; each
prediction of ``wsexplorer diagnose --json`` must equal what the real client did (outcome
and error text). The answer's body and the TLS hint are checked in the same JSON.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.hardening._support import hostile_peer
from tests.scenarios import peers
from tests.scenarios.host import Host
from tests.support import free_port, run_wsx

pytestmark = [pytest.mark.needs_node, pytest.mark.needs_curl]

CLIENT_IDS = {"node16": "node-16", "node18": "node-17-19", "node20": "node-20",
              "python": "python-websockets", "curl": "curl"}  # fmt: skip
if shutil.which("chromium"):  # required by tests/scenarios/test_chromium.py
    CLIENT_IDS["chromium"] = "chrome"


@contextmanager
def _server(kind: str) -> Iterator[int]:
    if kind.startswith("hostile "):
        with hostile_peer(kind.removeprefix("hostile ")) as port:
            yield port
        return
    port = free_port()
    with peers.start_server(Host(), kind, port):
        yield port


def _compare(kind: str) -> dict[str, Any]:
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    missing = [k for k in CLIENT_IDS if k not in {*peers.available_clients(), "chromium"}]
    if missing:
        pytest.skip(f"clients not installed: {missing}")
    host = Host()
    with _server(kind) as port:
        url = f"ws://127.0.0.1:{port}/subscribe"
        diag, _ = run_wsx("diagnose", url, "--json", "--timeout", "3")
        assert diag.returncode == 1, diag.stderr
        report = json.loads(diag.stdout)
        real = {k: peers.run_client(host, k, url) for k in CLIENT_IDS}
    predicted = {c["id"]: c for c in report["clients"]}
    rows, mismatches = [], []
    for k, cid in CLIENT_IDS.items():
        p, r = predicted[cid], real[k]
        rows.append(f"{k}: real {r['outcome']} {r['error']!r} | predicted {p['outcome']} "
                    f"{p['error']!r} ({p['confidence']})")  # fmt: skip
        if (r["outcome"], r["error"]) != (p["outcome"], p["error"]):
            mismatches.append(rows[-1])
    assert not mismatches, "\n".join(rows)
    return report


def test_plain_http_1_0_server() -> None:
    report = _compare("http:127.0.0.1")
    hs = report["handshake"]
    assert (hs["outcome"], hs["status"], hs["head"]["version"]) == ("http_status", 404, "HTTP/1.0")
    assert "404" in hs["body"]
    assert report["clients"][0]["error"] == "Unexpected server response: 404"


def test_plain_http_1_1_server() -> None:
    report = _compare("http11:127.0.0.1")
    assert report["handshake"]["head"]["version"] == "HTTP/1.1"


def test_400_with_a_body() -> None:
    report = _compare("hostile http:400:missing subprotocol")
    assert report["handshake"]["body"] == "missing subprotocol"
    text, _ = run_wsx_text("http:400:missing subprotocol")
    assert "body: missing subprotocol" in text


def test_426() -> None:
    report = _compare("hostile http:426")
    assert report["handshake"]["status"] == 426


def test_ws_to_a_tls_port() -> None:
    report = _compare("hostile tls")
    assert report["handshake"]["speaks_tls"] is True
    assert "speaks TLS" in report["verdict"]["summary"]


def run_wsx_text(mode: str) -> tuple[str, str]:
    """The text report of ``diagnose`` against a hostile peer in ``mode``."""
    with hostile_peer(mode) as port:
        done, _ = run_wsx("diagnose", f"ws://127.0.0.1:{port}/subscribe", "--timeout", "3")
    return done.stdout, done.stderr
