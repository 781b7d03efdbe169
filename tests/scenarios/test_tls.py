"""wss:// to a server whose certificate nobody trusts: every real client fails, and the
prediction names the error each prints (Node 16 says it with OpenSSL 1.1.1's words)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scenarios import peers
from tests.scenarios.host import Host
from tests.support import free_port, run_wsx, stop_process

pytestmark = [pytest.mark.needs_node, pytest.mark.needs_curl]

DATA = Path(__file__).resolve().parents[1] / "data"
SERVER = textwrap.dedent(
    """
    import asyncio, ssl, sys
    from websockets.asyncio.server import serve

    async def echo(ws):
        async for message in ws:
            await ws.send(message)

    async def main():
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        async with serve(echo, "127.0.0.1", int(sys.argv[1]), ssl=ctx):
            print("listening", flush=True)
            await asyncio.sleep(120)

    asyncio.run(main())
    """
)
CLIENT_IDS = {"node20": "node-20", "node16": "node-16", "node18": "node-17-19",
              "python": "python-websockets", "curl": "curl"}  # fmt: skip
if shutil.which("chromium"):  # required by tests/scenarios/test_chromium.py
    CLIENT_IDS["chromium"] = "chrome"


@pytest.fixture
def tls_url() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port), str(DATA / "selfsigned-cert.pem"),
         str(DATA / "selfsigned-key.pem")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "listening"
        yield f"wss://127.0.0.1:{port}/"
    finally:
        stop_process(proc)
        if proc.stdout is not None:
            proc.stdout.close()


def test_untrusted_certificate_real_vs_predicted(tls_url: str) -> None:
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    host = Host()
    diag, _ = run_wsx("diagnose", tls_url, "--json")
    assert diag.returncode == 1, diag.stderr
    d = json.loads(diag.stdout)
    assert d["handshake"]["outcome"] == "tls"
    assert d["handshake"]["reason"] == "self-signed certificate"
    predicted = {c["id"]: c for c in d["clients"]}
    rows = []
    for kind, cid in CLIENT_IDS.items():
        real = peers.run_client(host, kind, tls_url)
        p = predicted[cid]
        rows.append((kind, real["outcome"], real["error"], p["outcome"], p["error"]))
    mismatches = [r for r in rows if (r[1], r[2]) != (r[3], r[4])]
    assert not mismatches, "\n".join(" | ".join(map(str, r)) for r in rows)
