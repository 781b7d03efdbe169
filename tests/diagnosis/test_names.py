"""Per-client names: each client resolves its own spelling of the URL's host.

The texts asserted here are the ones the real clients printed in
tests/scenarios/test_names.py (Node 16/18/20 with ws, Python websockets 17.4, curl 7.88.1).
"""

from __future__ import annotations

from dataclasses import replace

from wsexplorer.diagnosis import diagnose, predict
from wsexplorer.diagnosis.clients import CHROME, CURL, NODE_20, PYTHON_WEBSOCKETS
from wsexplorer.diagnosis.tlsname import checked_name, unmeasured_name_check
from wsexplorer.model import ClientOutcome, Handshake, HandshakeOutcome, Observation
from wsexplorer.model.names import SearchExpansion
from wsexplorer.model.resolution import NameLookup

from .builders import attempt, gai, seed_observation

NOT_FOUND = "[Errno -2] Name or service not known"


def _idn(*, uts46: tuple[str, ...], idna2003: tuple[str, ...]) -> Observation:
    obs = seed_observation(
        host="faß.test",
        hosts_order=uts46,
        resolve_error=None if uts46 else NOT_FOUND,
        listen="0.0.0.0",
        attempts=[attempt("192.0.2.10", "connected")],
        local_target=True,
    )
    other = NameLookup(
        "fass.test",
        gai(idna2003, error=None if idna2003 else NOT_FOUND),
        gai(idna2003, flags="AI_ADDRCONFIG", error=None if idna2003 else NOT_FOUND),
    )
    return replace(obs, resolution=replace(obs.resolution, other_names=(other,)))


def test_uts46_name_answers_websockets_idna2003_name_does_not() -> None:
    obs = _idn(uts46=("192.0.2.10",), idna2003=())
    node = predict(obs, NODE_20)
    assert (node.outcome, node.address) == (ClientOutcome.CONNECTS, "192.0.2.10")
    assert predict(obs, CURL).outcome is ClientOutcome.CONNECTS
    py = predict(obs, PYTHON_WEBSOCKETS)
    assert (py.outcome, py.error) == (ClientOutcome.FAILS, NOT_FOUND)
    assert "fass.test does not resolve" in py.why


def test_idna2003_name_answers_only_websockets() -> None:
    obs = _idn(uts46=(), idna2003=("192.0.2.10",))
    py = predict(obs, PYTHON_WEBSOCKETS)
    assert (py.outcome, py.address) == (ClientOutcome.CONNECTS, "192.0.2.10")
    node = predict(obs, NODE_20)
    assert (node.outcome, node.error) == (
        ClientOutcome.FAILS,
        "getaddrinfo ENOTFOUND xn--fa-hia.test",
    )
    curl = predict(obs, CURL)
    assert curl.error == "curl: (6) Could not resolve host: xn--fa-hia.test"


def test_trailing_dot_kept_in_each_clients_error_text() -> None:
    obs = seed_observation(host="SVC.", hosts_order=(), resolve_error=NOT_FOUND)
    assert predict(obs, NODE_20).error == "getaddrinfo ENOTFOUND svc."
    assert predict(obs, CURL).error == "curl: (6) Could not resolve host: SVC."
    assert predict(obs, PYTHON_WEBSOCKETS).error == NOT_FOUND


def test_localhost_with_a_dot_goes_to_the_resolver_for_curl_not_chrome() -> None:
    obs = seed_observation(host="localhost.", hosts_order=(), resolve_error=NOT_FOUND)
    curl = predict(obs, CURL)
    assert curl.error == "curl: (6) Could not resolve host: localhost."
    chrome = predict(obs, CHROME)
    assert chrome.why.startswith("resolves localhost. itself")


def test_override_pins_every_clients_name() -> None:
    obs = _idn(uts46=(), idna2003=())
    pinned = seed_observation(
        host="faß.test",
        hosts_order=(),
        override="faß.test:8080:192.0.2.10",
        attempts=[attempt("192.0.2.10", "connected")],
    )
    pinned = replace(
        pinned, resolution=replace(pinned.resolution, other_names=obs.resolution.other_names)
    )
    assert predict(pinned, PYTHON_WEBSOCKETS).outcome is ClientOutcome.CONNECTS


VERIFY = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {} (_ssl.c:1006)"
MISMATCH = VERIFY.format("Hostname mismatch, certificate is not valid for 'app.test.'.")


def _wss(host: str, reason: str) -> Observation:
    obs = seed_observation(host=host, hosts_order=("192.0.2.10",), listen="0.0.0.0")
    url = replace(obs.url, scheme="wss")
    error = VERIFY.format(reason)
    hs = Handshake("192.0.2.10", HandshakeOutcome.TLS, reason=reason, error=error)
    return replace(obs, url=url, attempts=(attempt("192.0.2.10", "connected"),), handshake=hs)


def test_name_mismatch_for_websockets_spelling_leaves_other_spellings_unknown() -> None:
    obs = _wss("APP.test.", "Hostname mismatch, certificate is not valid for 'app.test.'.")
    py = predict(obs, PYTHON_WEBSOCKETS)
    assert (py.outcome, py.error) == (ClientOutcome.FAILS, MISMATCH)
    for strategy in (NODE_20, CURL, CHROME):
        p = predict(obs, strategy)
        assert (p.outcome, p.error) == (ClientOutcome.UNKNOWN, None), strategy.id
    assert "certificate is valid for app.test was not measured" in predict(obs, NODE_20).why
    assert "certificate is valid for APP.test was not measured" in predict(obs, CURL).why


def test_name_mismatch_for_the_same_spelling_fails_everyone() -> None:
    obs = _wss("app.test", "Hostname mismatch, certificate is not valid for 'app.test'.")
    assert predict(obs, NODE_20).outcome is ClientOutcome.FAILS
    assert predict(obs, CURL).outcome is ClientOutcome.FAILS


def test_other_tls_failures_and_plain_ws_are_not_name_checks() -> None:
    obs = _wss("APP.test.", "self-signed certificate")
    assert predict(obs, NODE_20).outcome is ClientOutcome.FAILS
    plain = replace(obs, url=replace(obs.url, scheme="ws"))
    assert unmeasured_name_check(plain, NODE_20, "APP.test.", obs.handshake) is None  # type: ignore[arg-type]
    assert checked_name("faß.test.", NODE_20) == "xn--fa-hia.test"
    assert checked_name("faß.test.", PYTHON_WEBSOCKETS) == "fass.test."


def test_verdict_names_the_spelling_that_does_not_resolve() -> None:
    d = diagnose(_idn(uts46=("192.0.2.10",), idna2003=()))
    assert d.verdict.summary == (
        "Python websockets and Python websocket-client look up faß.test as fass.test, which does not resolve "
        f"({NOT_FOUND}); the other clients look up xn--fa-hia.test"
    )
    d = diagnose(_idn(uts46=(), idna2003=("192.0.2.10",)))
    assert d.verdict.summary.startswith(
        "Node.js 16 ws, Node.js 17-19 ws, Node.js 20+ ws, Node.js 22 WebSocket, Node.js 24 "
        "WebSocket, Bun WebSocket, Deno WebSocket, Python aiohttp, curl and Chrome look up faß.test "
        "as xn--fa-hia.test, which does not resolve"
    )
    assert d.verdict.summary.endswith("the other clients look up fass.test")


def test_verdict_for_one_spelling_is_unchanged() -> None:
    d = diagnose(seed_observation(host="SVC.", hosts_order=(), resolve_error=NOT_FOUND))
    assert d.verdict.summary.startswith(f"SVC. does not resolve ({NOT_FOUND})")


def test_verdict_when_no_spelling_resolves() -> None:
    d = diagnose(_idn(uts46=(), idna2003=()))
    assert d.verdict.summary.startswith(f"faß.test does not resolve ({NOT_FOUND})")


def test_note_when_the_trailing_dot_skips_the_search_list() -> None:
    obs = seed_observation(host="svc.", hosts_order=(), resolve_error=NOT_FOUND)
    found = SearchExpansion("svc", "corp.test", "svc.corp.test", 2)
    obs = replace(obs, resolution=replace(obs.resolution, search_skipped=found))
    assert (
        "svc. ends in a dot, so no client applies the resolv.conf search list; svc.corp.test "
        "(search domain corp.test) resolves: write svc or svc.corp.test in the URL"
    ) in diagnose(obs).notes
