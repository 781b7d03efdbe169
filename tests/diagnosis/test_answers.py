"""Each client's own reading of the server's answer: redirects and header limits.

The texts pinned here are the ones the real clients printed (tests/scenarios/
test_redirects_real.py runs them against the same answers); Python websockets' redirect
logic is also compared with websockets' own ``process_redirect`` below.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from websockets.asyncio.client import connect
from websockets.datastructures import Headers
from websockets.exceptions import InvalidStatus
from websockets.http11 import Response

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients.python_websockets import python_redirect
from wsexplorer.diagnosis.verdict import REDIRECT_NOTE
from wsexplorer.model import (
    ClientOutcome,
    Confidence,
    Diagnosis,
    Handshake,
    HandshakeOutcome,
    Observation,
    ResponseHead,
    parse_url,
)

from .builders import seed_observation

URL = "ws://127.0.0.1:8080/"


def _redirect(status: int, *locations: str) -> Handshake:
    headers = tuple(("Location", loc) for loc in locations)
    return Handshake("127.0.0.1", HandshakeOutcome.REDIRECT, status, "Found", headers)


def _observation(hs: Handshake) -> Observation:
    return seed_observation(
        host="127.0.0.1", path="/", listen="0.0.0.0", hosts_order=("127.0.0.1",), handshake=hs
    )


def _diagnose(hs: Handshake) -> Diagnosis:
    return diagnose(_observation(hs))


def _errors(d: Diagnosis) -> dict[str, tuple[str, str | None]]:
    return {c.id: (c.outcome.value, c.error) for c in d.clients}


def test_redirect_to_another_path_node_and_chrome_fail_python_unknown_curl_connects() -> None:
    d = _diagnose(_redirect(302, "/other?access_token=s3cr3t&room=1"))
    errors = _errors(d)
    for node in ("node-16", "node-17-19", "node-20"):
        assert errors[node] == ("fails", "Unexpected server response: 302")
    assert errors["chrome"] == (
        "fails",
        "Error during WebSocket handshake: Unexpected response code: 302",
    )
    assert errors["curl"] == ("connects", None)
    chrome = d.client("chrome")
    assert chrome.confidence is Confidence.DOCUMENTED and "not checked here" in chrome.why
    py = d.client("python-websockets")
    assert (py.outcome, py.confidence) == (ClientOutcome.UNKNOWN, Confidence.UNVERIFIED)
    assert "follows the 302 redirect to ws://127.0.0.1:8080/other?access_token=***&room=1" in (
        py.why
    )
    assert "wsexplorer does not follow redirects" in py.why
    assert d.verdict.summary == (
        "the server on 127.0.0.1:8080 answers the WebSocket upgrade with a redirect "
        "(HTTP 302 to /other?access_token=***&room=1), so Node.js 16 ws, Node.js 17-19 ws, "
        "Node.js 20+ ws, Node.js 22 WebSocket, Node.js 24 WebSocket, Bun WebSocket, Deno "
        "WebSocket and Chrome fail even though TCP connects"
    )
    assert REDIRECT_NOTE in d.notes
    assert not any(n.startswith("unknown: nothing measured") for n in d.notes)
    assert f"Python websockets: {py.why}" in d.notes
    assert "s3cr3t" not in json.dumps(d.to_json())


@pytest.mark.parametrize(
    ("hs", "error"),
    [
        (_redirect(302, "/"), "more than 10 redirects"),
        (_redirect(301, "ws://127.0.0.1:8080/"), "more than 10 redirects"),
        (_redirect(302), "server rejected WebSocket connection: HTTP 302"),
        (_redirect(304, "/x"), "server rejected WebSocket connection: HTTP 304"),
        (_redirect(302, "/a", "/b"), "'Location'"),
        (_redirect(301, "http://[::1"), "Invalid IPv6 URL"),
        (
            _redirect(307, "https://login.test/a?client_secret=zz"),
            "https://login.test/a?client_secret=*** isn't a valid URI: scheme isn't ws or wss",
        ),
        (_redirect(302, "ws://:80/"), "ws://:80/ isn't a valid URI: hostname isn't provided"),
        (
            _redirect(302, "/x#frag"),
            "ws://127.0.0.1:8080/x#frag isn't a valid URI: fragment identifier is meaningless",
        ),
        (
            _redirect(302, "ws://bob@h.test/"),
            "ws://bob@h.test/ isn't a valid URI: username provided without password",
        ),
        (_redirect(302, "ws://h.test:99999/"), "Port out of range 0-65535"),
    ],
)
def test_python_websockets_redirect_errors(hs: Handshake, error: str) -> None:
    py = _diagnose(hs).client("python-websockets")
    assert (py.outcome, py.error, py.confidence) == (
        ClientOutcome.FAILS,
        error,
        Confidence.CHECKED,
    )


def test_python_refuses_a_tls_downgrade_documented() -> None:
    hs = _redirect(302, "ws://127.0.0.1:8080/")
    obs = replace(_observation(hs), url=parse_url("wss://127.0.0.1:8080/"))
    py = diagnose(obs).client("python-websockets")
    assert (py.outcome, py.error, py.confidence) == (
        ClientOutcome.FAILS,
        "cannot follow redirect to non-secure URI ws://127.0.0.1:8080/",
        Confidence.DOCUMENTED,
    )
    # websockets says the same (SecurityError, returned by process_redirect).
    said = _websockets_says("wss://127.0.0.1:8080/", ("ws://127.0.0.1:8080/",), 302)
    assert said == py.error


def _websockets_says(url: str, locations: tuple[str, ...], status: int) -> str:
    """What websockets' own ``process_redirect`` makes of the answer: the URI it would
    follow, or the text of the exception it raises or returns."""
    headers = Headers([("Location", loc) for loc in locations])
    exc = InvalidStatus(Response(status, "Found", headers))
    client = connect(url)
    try:
        result = client.process_redirect(exc)
    except Exception as raised:  # urljoin, parse_uri and Headers raise
        return str(raised)
    return str(result)


@pytest.mark.parametrize(
    "locations",
    [
        (),
        ("/",),
        ("/a", "/b"),
        ("http://[::1",),
        ("https://x.test/",),
        ("ws://:80/",),
        ("ws:///x",),
        ("/x#f",),
        ("ws://bob@h.test/",),
        ("ws://h.test:99999/",),
        ("ws://h.test:8080/next?x=1",),
        ("//other.test/p",),
        ("?q=1",),
    ],
)
def test_redirect_logic_matches_websockets_process_redirect(locations: tuple[str, ...]) -> None:
    url = parse_url("ws://127.0.0.1:8080/here")
    answer = python_redirect(_redirect(302, *locations), url)
    said = _websockets_says(url.geturl(), locations, 302)
    if answer.outcome is ClientOutcome.FAILS:
        assert answer.error == said
    else:  # followed elsewhere: websockets returns the new URI, which the story names
        assert answer.outcome is ClientOutcome.UNKNOWN
        assert f"redirect to {said};" in answer.why


def _invalid(
    head: ResponseHead, limit: str = "too many headers (1003 > websockets' limit 128)"
) -> Handshake:
    return Handshake(
        "127.0.0.1",
        HandshakeOutcome.INVALID,
        error="did not receive a valid HTTP response: expected no more than 128 headers",
        head=head,
        limit=limit,
    )


MANY = ResponseHead(1003, 19129, 52, 15100, True, upgrade_ok=True, peer_closed=True)


def test_too_many_headers_fails_only_python_node_connects() -> None:
    d = _diagnose(_invalid(MANY))
    errors = _errors(d)
    for node in ("node-16", "node-17-19", "node-20"):
        assert errors[node] == ("connects", None)
    assert "breaks only websockets' limits" in d.client("node-20").why
    assert errors["python-websockets"] == ("fails", "did not receive a valid HTTP response")
    assert errors["curl"] == ("connects", None)
    assert d.client("chrome").outcome is ClientOutcome.UNKNOWN
    assert d.verdict.summary == (
        "the server on 127.0.0.1:8080 answers the WebSocket upgrade with a response that "
        "breaks a limit: too many headers (1003 > websockets' limit 128), so Python "
        "websockets fails even though TCP connects"
    )


def test_node_header_overflow_at_16384_counted_bytes() -> None:
    below = ResponseHead(1088, 20000, 20, 16383, True, upgrade_ok=True, peer_closed=True)
    at = ResponseHead(1088, 20000, 20, 16384, True, upgrade_ok=True, peer_closed=True)
    assert _diagnose(_invalid(below)).client("node-20").outcome is ClientOutcome.CONNECTS
    d = _diagnose(_invalid(at))
    assert _errors(d)["node-16"] == ("fails", "Parse Error: Header overflow")
    # Both Node and Python fail: every WebSocket client but the unknown Chrome.
    assert "so Node.js 16 ws, Node.js 17-19 ws, Node.js 20+ ws and Python websockets fail" in (
        d.verdict.summary
    )


def test_a_valid_101_over_nodes_limit_fails_node_only() -> None:
    head = ResponseHead(40, 20500, 600, 20000, True, upgrade_ok=True)
    hs = Handshake("127.0.0.1", HandshakeOutcome.OK, 101, "Switching Protocols", head=head)
    errors = _errors(_diagnose(hs))
    assert errors["node-20"] == ("fails", "Parse Error: Header overflow")
    assert errors["python-websockets"] == ("connects", None)


def test_node_unknown_past_2000_headers_and_default_for_a_bad_upgrade() -> None:
    many = ResponseHead(2500, 15000, 8, 15000, True, upgrade_ok=True, peer_closed=True)
    assert _diagnose(_invalid(many)).client("node-20").outcome is ClientOutcome.UNKNOWN
    bad = ResponseHead(200, 3000, 20, 2000, True, upgrade_ok=False, peer_closed=True)
    assert _errors(_diagnose(_invalid(bad)))["node-20"] == (
        "fails",
        "Invalid WebSocket upgrade response",
    )
    plain = Handshake("127.0.0.1", HandshakeOutcome.INVALID, error="bad", head=bad)
    assert _errors(_diagnose(plain))["node-20"] == ("fails", "Invalid WebSocket upgrade response")


def test_python_waits_for_open_timeout_when_the_server_keeps_the_connection() -> None:
    head = ResponseHead(1003, 19129, 52, 15100, True, upgrade_ok=True, peer_closed=False)
    py = _diagnose(_invalid(head)).client("python-websockets")
    assert py.error == "timed out during opening handshake"
    assert "until open_timeout" in py.why


def test_python_status_line_too_long_prints_websockets_own_text() -> None:
    head = ResponseHead(0, 9000, 0, 0, False, peer_closed=True)
    hs = Handshake(
        "127.0.0.1",
        HandshakeOutcome.INVALID,
        error="read 9000 bytes, expected no more than 8192 bytes",
        head=head,
        limit="status line too long (more than websockets' limit of 8192 bytes)",
    )
    py = _diagnose(hs).client("python-websockets")
    assert py.error == "read 9000 bytes, expected no more than 8192 bytes"


def test_python_default_without_a_head() -> None:
    hs = Handshake("127.0.0.1", HandshakeOutcome.INVALID, error="x", limit="too many headers")
    py = _diagnose(hs).client("python-websockets")
    assert py.error == "did not receive a valid HTTP response"


def test_curl_fails_on_a_header_line_of_100_kib() -> None:
    long_line = ResponseHead(4, 110139, 110010, 110106, True, upgrade_ok=True, peer_closed=True)
    limit = "header line too long (110010 bytes > websockets' limit 8192)"
    d = _diagnose(_invalid(long_line, limit))
    assert _errors(d)["curl"] == ("fails", "curl: (27) Out of memory")
    under = ResponseHead(4, 102500, 102399, 102450, True, upgrade_ok=True, peer_closed=True)
    assert _errors(_diagnose(_invalid(under, limit)))["curl"] == ("connects", None)


@pytest.mark.parametrize("status", [300, 301, 302, 303, 304, 305, 306, 307, 308, 399])
def test_which_statuses_websockets_follows(status: int) -> None:
    url = parse_url("ws://127.0.0.1:8080/")
    answer = python_redirect(_redirect(status, "/"), url)
    said = _websockets_says(url.geturl(), ("/",), status)
    if answer.outcome is ClientOutcome.FAILS and answer.error == "more than 10 redirects":
        assert said == "ws://127.0.0.1:8080/"  # followed: websockets returns the target
    else:
        assert answer.error == said == f"server rejected WebSocket connection: HTTP {status}"
