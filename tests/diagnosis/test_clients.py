"""The client catalogue: ids, sources, and each client's error wording."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wsexplorer.diagnosis import (
    CATALOGUE,
    ClientStrategy,
    Failure,
    Fallback,
    Stage,
    TryResult,
    curl_strategy,
)
from wsexplorer.diagnosis.clients import CHROME, CURL, NODE_16, NODE_20, PYTHON_WEBSOCKETS
from wsexplorer.diagnosis.clients._node import (
    node_aggregate_error,
    node_connect_error,
    node_error_code,
)
from wsexplorer.diagnosis.clients.curl import curl_localhost_order
from wsexplorer.diagnosis.clients.python_websockets import python_connect_error
from wsexplorer.model import AttemptOutcome, Confidence, Family

from .builders import handshake


def t(address: str, outcome: str, error: str | None = None) -> TryResult:
    fam = Family.IPV6 if ":" in address else Family.IPV4
    return TryResult(address, fam, AttemptOutcome(outcome), error is not None, error)


def connect(*tries: TryResult, fallback: Fallback = Fallback.SEQUENTIAL) -> Failure:
    return Failure(Stage.CONNECT, "localhost", 8080, tries, len(tries), fallback)


def shake(outcome: str, status: int | None = None) -> Failure:
    hs = handshake("127.0.0.1", outcome, status)
    tries = (t("127.0.0.1", "connected"),)
    return Failure(Stage.HANDSHAKE, "localhost", 8080, tries, 1, Fallback.FIRST_ONLY, hs)


def test_catalogue_ids_and_order() -> None:
    assert [s.id for s in CATALOGUE] == [
        "node-16",
        "node-17-19",
        "node-20",
        "node-websocket",
        "node-websocket-24",
        "bun",
        "deno",
        "python-websockets",
        "python-aiohttp",
        "python-websocket-client",
        "curl",
        "chrome",
    ]
    assert len({s.id for s in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("strategy", CATALOGUE, ids=lambda s: s.id)
def test_every_client_cites_sources(strategy: ClientStrategy) -> None:
    assert strategy.source and strategy.name
    assert f"docs/clients.md#{strategy.id}" in strategy.source
    assert isinstance(strategy.confidence, Confidence)


def test_confidences_follow_knowledge() -> None:
    assert NODE_16.confidence is Confidence.CHECKED
    assert NODE_20.confidence is Confidence.CHECKED
    assert PYTHON_WEBSOCKETS.confidence is Confidence.CHECKED
    assert CURL.confidence is Confidence.CHECKED
    assert CHROME.confidence is Confidence.CHECKED  # tests/scenarios/test_chromium.py
    assert CHROME.force_ipv4 is None and CHROME.happy_eyeballs_ms == 300
    assert CURL.happy_eyeballs_ms == 200 and NODE_20.happy_eyeballs_ms == 250


def test_node_error_codes() -> None:
    assert node_error_code(t("::1", "refused")) == "ECONNREFUSED"
    assert node_error_code(t("::1", "timeout")) == "ETIMEDOUT"
    assert node_error_code(t("::1", "unreachable")) == "ENETUNREACH"
    assert node_error_code(t("::1", "error", "[Errno 113] No route to host")) == "EHOSTUNREACH"
    assert node_error_code(t("::1", "error", "[Errno 99999] ?")) == "UNKNOWN"
    assert node_error_code(t("::1", "error")) == "UNKNOWN"
    assert node_connect_error(t("::1", "refused"), 8080) == "connect ECONNREFUSED ::1:8080"


def test_node_aggregate_formatting() -> None:
    assert node_aggregate_error(["a", "b"], "ECONNREFUSED") == "AggregateError [ECONNREFUSED]:"
    failure = connect(
        t("::1", "refused"), t("127.0.0.1", "timeout"), fallback=Fallback.HAPPY_EYEBALLS
    )
    assert NODE_20.wording(failure) == "AggregateError [ECONNREFUSED]:"


@pytest.mark.parametrize(
    ("outcome", "status", "node", "python", "chrome"),
    [
        (
            "http_status",
            404,
            "Unexpected server response: 404",
            "server rejected WebSocket connection: HTTP 404",
            "Error during WebSocket handshake: Unexpected response code: 404",
        ),
        (
            "timeout",
            None,
            "no error: waits forever for the upgrade (ws sets no handshakeTimeout)",
            "timed out during opening handshake",
            "WebSocket opening handshake timed out",
        ),
        (
            "closed",
            None,
            "socket hang up",
            "did not receive a valid HTTP response",
            "Connection closed before receiving a handshake response",
        ),
        (
            "invalid",
            101,
            "Invalid WebSocket upgrade response",
            "did not receive a valid HTTP response",
            "Error during WebSocket handshake: Invalid status line",
        ),
    ],
)
def test_handshake_wording(
    outcome: str, status: int | None, node: str, python: str, chrome: str
) -> None:
    failure = shake(outcome, status)
    assert NODE_16.wording(failure) == node
    assert PYTHON_WEBSOCKETS.wording(failure) == python
    assert CHROME.wording(failure) == chrome


def test_python_connect_errors() -> None:
    assert python_connect_error(t("::1", "refused"), 8080) == (
        "[Errno 111] Connect call failed ('::1', 8080, 0, 0)"
    )
    assert python_connect_error(t("127.0.0.1", "refused"), 80) == (
        "[Errno 111] Connect call failed ('127.0.0.1', 80)"
    )
    assert python_connect_error(t("::1", "unreachable"), 8080) == (
        "[Errno 101] Network is unreachable"
    )
    measured = t("::1", "unreachable", "[Errno 99] Cannot assign requested address")
    assert python_connect_error(measured, 8080) == "[Errno 99] Cannot assign requested address"
    assert python_connect_error(t("10.0.0.1", "error", "reset"), 8080) == (
        "Connect call failed ('10.0.0.1', 8080)"
    )


def test_python_same_message_raises_the_first() -> None:
    # asyncio raises the first exception when every str() is the same.
    same = connect(t("127.0.0.1", "refused"), t("127.0.0.1", "refused"))
    assert PYTHON_WEBSOCKETS.wording(same) == "[Errno 111] Connect call failed ('127.0.0.1', 8080)"


def test_python_timeout_words() -> None:
    # open_timeout fired: websockets' own TimeoutError.
    failure = connect(t("::1", "refused"), t("127.0.0.1", "timeout"))
    assert PYTHON_WEBSOCKETS.wording(replace(failure, expired=True)) == (
        "timed out during opening handshake"
    )
    # The kernel's ETIMEDOUT first: one more failed try among different errors...
    assert PYTHON_WEBSOCKETS.wording(failure) == (
        "Multiple exceptions: [Errno 111] Connect call failed ('::1', 8080, 0, 0), "
        "[Errno 110] Connect call failed ('127.0.0.1', 8080)"
    )
    # ...and alone, a TimeoutError that websockets rewords.
    alone = connect(t("2001:db8::10", "timeout"))
    assert PYTHON_WEBSOCKETS.wording(alone) == "timed out during opening handshake"
    assert python_connect_error(alone.tries[0], 80) == (
        "[Errno 110] Connect call failed ('2001:db8::10', 80, 0, 0)"
    )


def test_curl_versions_and_wording() -> None:
    assert curl_localhost_order((7, 77, 0)) is None
    assert curl_localhost_order((7, 78, 0)) == ("127.0.0.1", "::1")
    assert curl_localhost_order((8, 2, 0)) == ("127.0.0.1", "::1")
    assert curl_localhost_order((8, 2, 1)) == ("::1", "127.0.0.1")
    assert curl_strategy((8, 5, 0)).version == "8.5.0"
    assert CURL.version == "7.88.1" and not CURL.websocket
    timeout = connect(t("127.0.0.1", "timeout"))
    assert CURL.wording(replace(timeout, time_s=3.0)) == (
        "curl: (28) Failed to connect to localhost port 8080 after 3000 ms: "
        "Couldn't connect to server"
    )
    assert CURL.wording(replace(timeout, time_s=300.0, expired=True)) == (
        "curl: (28) Failed to connect to localhost port 8080 after 300000 ms: Timeout was reached"
    )
    unreachable = connect(t("192.0.2.98", "unreachable", "[Errno 113] No route to host"))
    assert CURL.wording(replace(unreachable, time_s=3.0)) == (
        "curl: (7) Failed to connect to localhost port 8080 after 3000 ms: "
        "Couldn't connect to server"
    )
    nothing = Failure(Stage.CONNECT, "localhost", 8080)
    assert CURL.wording(nothing).startswith("curl: (7) ")


def test_chrome_connect_wording_uses_last_try() -> None:
    assert CHROME.wording(connect(t("::1", "refused"), t("127.0.0.1", "timeout"))) == (
        "Error in connection establishment: net::ERR_CONNECTION_TIMED_OUT"
    )
    assert (
        CHROME.wording(connect(t("::1", "unreachable")))
        == "Error in connection establishment: net::ERR_ADDRESS_UNREACHABLE"
    )
    no_route = t("192.0.2.98", "unreachable", "[Errno 113] Connect call failed")
    assert (
        CHROME.wording(connect(no_route))
        == "Error in connection establishment: net::ERR_ADDRESS_UNREACHABLE"
    )
    no_address = t("::1", "unreachable", "[Errno 99] Cannot assign requested address")
    assert (
        CHROME.wording(connect(no_address))
        == "Error in connection establishment: net::ERR_ADDRESS_INVALID"
    )
    down = t("10.0.0.1", "error", "[Errno 100] Network is down")
    assert (
        CHROME.wording(connect(down))
        == "Error in connection establishment: net::ERR_INTERNET_DISCONNECTED"
    )
    refused = t("10.0.0.1", "refused", "[Errno 111] Connect call failed")
    assert (
        CHROME.wording(connect(refused))
        == "Error in connection establishment: net::ERR_CONNECTION_REFUSED"
    )
    expired = replace(connect(t("10.0.0.1", "timeout")), expired=True)
    assert (
        CHROME.wording(expired)
        == "Error in connection establishment: net::ERR_CONNECTION_TIMED_OUT"
    )
