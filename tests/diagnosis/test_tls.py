"""wss:// whose TLS handshake fails: every client fails, each with its own words."""

from __future__ import annotations

import pytest

from wsexplorer.diagnosis import diagnose
from wsexplorer.model import Handshake, HandshakeOutcome

from .builders import seed_observation

PY = (
    "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate "
    "(_ssl.c:1006)"
)


def _tls(reason: str | None, error: str | None = PY) -> Handshake:
    return Handshake("127.0.0.1", HandshakeOutcome.TLS, reason=reason, error=error)


def test_self_signed_certificate() -> None:
    d = diagnose(seed_observation(listen="::", handshake=_tls("self-signed certificate")))
    errors = {c.id: c.error for c in d.clients}
    assert not any(c.connects for c in d.clients)
    assert errors == {
        "node-16": "self signed certificate",
        "node-17-19": "self-signed certificate",
        "node-20": "self-signed certificate",
        # The WHATWG clients' TLS wording was not checked: unknown, no error text.
        "node-websocket": None,
        "node-websocket-24": None,
        "bun": None,
        "deno": None,
        "python-websockets": PY,
        "python-aiohttp": (
            "Cannot connect to host localhost:8080 ssl:True [SSLCertVerificationError: (1, '"
            + PY
            + "')]"
        ),
        "python-websocket-client": PY,
        "curl": "curl: (60) SSL certificate problem: self-signed certificate",
        "chrome": "Error in connection establishment: net::ERR_CERT_AUTHORITY_INVALID",
    }
    assert "fails the TLS handshake (self-signed certificate)" in d.verdict.summary
    assert not any(f.works for f in d.fixes)


@pytest.mark.parametrize(
    ("reason", "error", "node", "python", "curl", "chrome"),
    [
        (
            "unsupported protocol",
            "[SSL: UNSUPPORTED_PROTOCOL] unsupported protocol (_ssl.c:1006)",
            "unsupported protocol",
            "[SSL: UNSUPPORTED_PROTOCOL] unsupported protocol (_ssl.c:1006)",
            "curl: (60) SSL certificate problem: unsupported protocol",
            "Error in connection establishment: net::ERR_SSL_PROTOCOL_ERROR",
        ),
        (
            None,
            None,
            "TLS handshake failed",
            "did not receive a valid HTTP response",
            "curl: (60) SSL certificate problem: unknown",
            "Error in connection establishment: net::ERR_SSL_PROTOCOL_ERROR",
        ),
    ],
)
def test_other_tls_failures(
    reason: str | None, error: str | None, node: str, python: str, curl: str, chrome: str
) -> None:
    d = diagnose(seed_observation(listen="::", handshake=_tls(reason, error)))
    errors = {c.id: c.error for c in d.clients}
    assert errors["node-20"] == node and errors["node-16"] == node
    assert errors["python-websockets"] == python
    assert errors["curl"] == curl
    assert errors["chrome"] == chrome
    assert "no reason given" in d.verdict.summary or (reason or "") in d.verdict.summary
