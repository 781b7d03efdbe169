"""Chrome's HSTS preload list: ws:// to a preloaded name becomes wss:// (docs/clients.md#chrome-hsts)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients.chrome_hsts import FROM_SOURCE, MEASURED, hsts_entry
from wsexplorer.model import ClientOutcome, Confidence, HandshakeOutcome
from wsexplorer.model.url import parse_url

from .builders import handshake, seed_observation


@pytest.mark.parametrize(
    ("host", "entry"),
    [
        ("app.dev", "dev"),
        ("API.App.Dev.", "dev"),
        ("app", "app"),
        ("x.zip", "zip"),
        ("preview.now.sh", "now.sh"),
        ("app.test", None),
        ("dev.test", None),
        ("localhost", None),
    ],
)
def test_the_entry_that_covers_a_name(host: str, entry: str | None) -> None:
    assert hsts_entry(host) == entry


def test_the_two_sources_do_not_overlap() -> None:
    assert not FROM_SOURCE & MEASURED


def _chrome(hello: str | None, url: str = "ws://app.dev:8080/") -> tuple[str, object, str]:
    obs = seed_observation(host="app.dev", hosts_order=("192.0.2.10",), measured=True)
    hs = replace(handshake("192.0.2.10", HandshakeOutcome.OK, 101), tls_hello=hello)
    obs = replace(obs, handshake=hs, url=parse_url(url))
    chrome = diagnose(obs).client("chrome")
    return chrome.outcome.value, chrome.error, chrome.why


def test_a_plain_server_answering_http_bytes() -> None:
    outcome, error, why = _chrome("plain")
    assert (outcome, error) == (
        "fails",
        "Error in connection establishment: net::ERR_SSL_PROTOCOL_ERROR",
    )
    assert "dev is on Chrome's HSTS preload list, so it turns ws://app.dev into wss://" in why
    assert why.endswith("which this port answers by bytes that are not TLS (measured)")


def test_a_plain_server_that_closes() -> None:
    outcome, error, why = _chrome("closed")
    assert (outcome, error) == (
        "fails",
        "Error in connection establishment: net::ERR_CONNECTION_CLOSED",
    )
    assert why.endswith("which this port answers by closing (measured)")


def test_a_tls_server_or_no_answer_is_unknown() -> None:
    outcome, error, why = _chrome("tls")
    assert (outcome, error) == ("unknown", None)
    assert "this port speaks TLS, but whether Chrome trusts its certificate" in why
    outcome, error, why = _chrome(None)
    assert (outcome, error) == ("unknown", None)
    assert why.endswith("how this port answers TLS was not measured")


def test_wss_and_other_names_are_left_alone() -> None:
    assert _chrome("plain", "wss://app.dev:8080/")[0] == "connects"
    obs = seed_observation(host="app.test", hosts_order=("192.0.2.10",), measured=True)
    chrome = diagnose(obs).client("chrome")
    assert chrome.outcome is ClientOutcome.CONNECTS
    assert chrome.confidence is Confidence.CHECKED
