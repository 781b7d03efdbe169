"""-k / --cacert in the TUI: the live session and the observation both use them, and the
Diagnosis pane shows which store trusts the certificate (real backend, real TLS server)."""

from __future__ import annotations

import ssl
from pathlib import Path

from websockets.asyncio.server import ServerConnection, serve

from tests.support import free_port
from wsexplorer.cli import tui_config_from_argv
from wsexplorer.model import SessionState
from wsexplorer.testing.canned import settle
from wsexplorer.ui.app import WsxApp

DATA = Path(__file__).resolve().parents[1] / "data"
CERT = DATA / "selfsigned-cert.pem"


async def _echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


async def _run(*flags: str) -> tuple[SessionState, str, dict[str, str | None]]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT, DATA / "selfsigned-key.pem")
    port = free_port()
    config = tui_config_from_argv([f"wss://127.0.0.1:{port}/", *flags])
    async with serve(_echo, "127.0.0.1", port, ssl=ctx):
        app = WsxApp(config)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.main
            assert screen.diagnosis is not None
            errors = {c.id: c.error for c in screen.diagnosis.clients}
            measured = str(screen.query_one("#diagnosis-measured").render())
            return screen.session_pane.state, measured, errors


async def test_cacert_opens_the_session_and_clients_still_refuse() -> None:
    state, measured, errors = await _run("--cacert", str(CERT))
    assert state is SessionState.OPEN
    assert "--cacert ✓" in measured and "system store ✗" in measured
    assert errors["node-20"] == "self-signed certificate"
    assert errors["curl"] == "curl: (60) SSL certificate problem: self-signed certificate"


async def test_without_flags_the_session_fails_on_the_certificate() -> None:
    state, measured, errors = await _run()
    assert state is SessionState.FAILED
    assert "system store ✗" in measured and "--cacert" not in measured
    assert errors["node-16"] == "self signed certificate"


async def test_insecure_opens_the_session() -> None:
    state, measured, _ = await _run("-k")
    assert state is SessionState.OPEN
    assert "-k: not verified by wsexplorer" in measured
