"""Credentials never appear in a report: URL passwords, token-like query values, headers."""

from __future__ import annotations

import asyncio
import subprocess

import pytest

from tests.support import run_wsx
from wsexplorer.model import Handshake, HandshakeOutcome, parse_url
from wsexplorer.model.secrets import (
    is_secret_name,
    mask_header,
    mask_query,
    mask_subprotocol,
    mask_text,
    mask_url,
)
from wsexplorer.probes.server import DemoServer, ServerConfig

SECRETS = ("hunter2", "tok3n-value", "s3ss10n", "apik3y")


def test_mask_header() -> None:
    assert mask_header("Authorization", "Bearer tok3n-value") == "Bearer ***"
    assert mask_header("Proxy-Authorization", "Basic dXNlcjpwdw==") == "Basic ***"
    assert mask_header("cookie", "sid=s3ss10n; theme=dark") == "sid=***; theme=***"
    assert mask_header("Set-Cookie", "sid=s3ss10n; HttpOnly; Path=/") == (
        "sid=***; HttpOnly; Path=/"
    )
    assert mask_header("Cookie", "s3ss10n") == "***"
    assert mask_header("X-Api-Key", "apik3y") == "***"
    assert mask_header("Content-Type", "text/plain") == "text/plain"


@pytest.mark.parametrize(
    "name",
    [
        "X-Amz-Signature",
        "X-Amz-Security-Token",
        "X-Amz-Credential",
        "auth_token",
        "client_secret",
        "id_token",
        "refresh_token",
        "accessToken",
        "X-Csrf-Token",
        "X-Session-Id",
        "Sec-WebSocket-Key",
        "Sec-WebSocket-Accept",
        "api_key",
        "password",
        "sid",
        "sig",
        "code",
        "jwt",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)
    assert is_secret_name(name.upper())
    assert mask_header(name, "v4lue") != "v4lue"
    assert mask_query(f"{name}=v4lue&room=1") == f"{name}=***&room=1"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"),
        ("Content-Length", "0"),
        ("Connection", "keep-alive"),
        ("Keep-Alive", "timeout=5"),
        ("WWW-Authenticate", 'Bearer realm="wsx"'),
        ("Access-Control-Allow-Credentials", "true"),
        ("X-Amz-Date", "20261203T000000Z"),
        ("X-Request-Id", "req-42"),
        ("author", "ada"),
    ],
)
def test_readable_names_stay_readable(name: str, value: str) -> None:
    """False positives hurt debugging: these hold no credential."""
    assert not is_secret_name(name)
    assert mask_header(name, value) == value


def test_urls_inside_values_and_texts() -> None:
    assert mask_header("Location", "/cb?access_token=t0k&room=7#id_token=t1&state=s") == (
        "/cb?access_token=***&room=7#id_token=***&state=s"
    )
    assert mask_header("Location", "wss://bob:hunter2@other.test/x?X-Amz-Signature=abc") == (
        "wss://bob:***@other.test/x?X-Amz-Signature=***"
    )
    assert mask_header("Location", "http://[::1") == "http://[::1"
    assert mask_url("ws://bob@h.test/?q=1") == "ws://bob@h.test/?q=1"
    assert mask_header("Link", "<https://h.test/?refresh_token=r>; rel=next") == (
        "<https://h.test/?refresh_token=***>; rel=next"
    )
    text = "https://login.test/a?client_secret=zz isn't a valid URI: scheme isn't ws or wss"
    assert mask_text(text) == (
        "https://login.test/a?client_secret=*** isn't a valid URI: scheme isn't ws or wss"
    )
    assert mask_text("no url here: token=abc") == "no url here: token=abc"


def test_bearer_subprotocols_keep_their_prefix() -> None:
    k8s = "base64url.bearer.authorization.k8s.io.ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRw"
    assert mask_subprotocol(k8s) == "base64url.bearer.authorization.k8s.io.***"
    assert mask_subprotocol("access_token.abc.def") == "access_token.***"
    assert mask_subprotocol("graphql-ws") == "graphql-ws"
    assert mask_subprotocol("v1.chat.example.com") == "v1.chat.example.com"
    assert mask_subprotocol("bearer") == "bearer"
    assert mask_header("Sec-WebSocket-Protocol", f"graphql-ws, {k8s}") == (
        "graphql-ws, base64url.bearer.authorization.k8s.io.***"
    )


def test_handshake_json_masks_subprotocol_location_and_error() -> None:
    hs = Handshake(
        "127.0.0.1",
        HandshakeOutcome.REDIRECT,
        302,
        headers=(("Location", "/next?accessToken=s3ss10n"), ("X-Csrf-Token", "s3ss10n")),
        subprotocol="base64url.bearer.authorization.k8s.io.s3ss10n",
        error="redirect to wss://h.test/?auth_token=s3ss10n",
    )
    data = hs.to_json()
    assert "s3ss10n" not in str(data)
    assert data["location"] == "/next?accessToken=***"
    assert data["subprotocol"] == "base64url.bearer.authorization.k8s.io.***"
    c1 = Handshake("127.0.0.1", HandshakeOutcome.REDIRECT, 302, headers=(("Location", "/\x9b2J"),))
    assert c1.location == "/\\x9b2J"  # a terminal control shown, not obeyed


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
    aws = parse_url("wss://h.test/?X-Amz-Security-Token=t0k&X-Amz-Signature=s1g&X-Amz-Date=1")
    assert aws.redacted() == (
        "wss://h.test/?X-Amz-Security-Token=***&X-Amz-Signature=***&X-Amz-Date=1"
    )


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
                args = ("-H", "Authorization: Bearer apik3y", "-H", "Cookie: a=s3ss10n")
                return run_wsx("diagnose", url, *fmt, *args)[0]

            proc = loop.run_until_complete(asyncio.to_thread(run))
            assert proc.returncode in (0, 1), proc.stderr
            outs.append(proc.stdout + proc.stderr)
        for out in outs:
            for secret in SECRETS:
                assert secret not in out, (secret, out[:500])
            assert "bob" in out
        # The Markdown report names the headers sent, masked by the same rule.
        assert "- `Authorization: Bearer ***`\n- `Cookie: a=***`" in outs[2]
    finally:
        loop.run_until_complete(server.stop())
        loop.close()
