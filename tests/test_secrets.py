"""Credentials never appear in a report: URL passwords, token-like query values, headers."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from wsexplorer.model import Handshake, HandshakeOutcome, parse_url
from wsexplorer.model.secrets import mask_header
from wsexplorer.probes.server import DemoServer, ServerConfig

SECRETS = ("hunter2", "tok3n-value", "s3ss10n", "apik3y")


def test_mask_header() -> None:
    assert mask_header("Authorization", "Bearer tok3n-value") == "Bearer ***"
    assert mask_header("cookie", "sid=s3ss10n") == "***"
    assert mask_header("X-Api-Key", "apik3y") == "***"
    assert mask_header("Content-Type", "text/plain") == "text/plain"


def test_handshake_json_masks_server_cookies() -> None:
    hs = Handshake(
        "127.0.0.1",
        HandshakeOutcome.OK,
        101,
        headers=(("Set-Cookie", "sid=s3ss10n"), ("Upgrade", "websocket")),
    )
    text = str(hs.to_json())
    assert "s3ss10n" not in text and "websocket" in text


def test_url_redaction() -> None:
    u = parse_url("wss://bob:hunter2@example.com/x?access_token=tok3n-value&room=1&api_key=apik3y")
    shown = u.redacted()
    assert all(s not in shown for s in SECRETS)
    assert "room=1" in shown and "bob" in shown


def test_diagnose_outputs_mask_everything() -> None:
    async def start() -> DemoServer:
        server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path="/x"))
        await server.start()
        return server

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(start())
    try:
        url = f"ws://bob:hunter2@127.0.0.1:{server.port}/x?token=tok3n-value&sid=s3ss10n"
        outs = []
        for fmt in ([], ["--json"], ["--markdown"]):

            def run(fmt: list[str] = fmt) -> subprocess.CompletedProcess[str]:
                return subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "wsexplorer",
                        "diagnose",
                        url,
                        *fmt,
                        "-H",
                        "Authorization: Bearer apik3y",
                        "-H",
                        "Cookie: a=s3ss10n",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=60,
                )

            proc = loop.run_until_complete(asyncio.to_thread(run))
            assert proc.returncode in (0, 1), proc.stderr
            outs.append(proc.stdout + proc.stderr)
        for out in outs:
            for secret in SECRETS:
                assert secret not in out, (secret, out[:500])
            assert "bob" in out
    finally:
        loop.run_until_complete(server.stop())
        loop.close()
