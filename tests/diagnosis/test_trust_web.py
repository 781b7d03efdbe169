"""Bun's and Deno's certificate stores and words (wsexplorer/diagnosis/trust_web.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients import BUN, DENO, NODE_WEBSOCKET
from wsexplorer.diagnosis.context import WhatIf
from wsexplorer.diagnosis.trust import client_store, client_trust
from wsexplorer.diagnosis.trust_web import (
    BUN_MISMATCH,
    bun_reason,
    deno_reason,
    deno_refusal,
    merged,
)
from wsexplorer.model import ClientOutcome, Handshake, HandshakeOutcome
from wsexplorer.model.trust import CertNames, StoreCheck, TrustCheck, TrustEnv, TrustStore

from .test_trust import LOCAL, NO_ISSUER, _check, _obs, _stores

EXPIRED = "certificate has expired"
SELF = "self-signed certificate"
DENO_PREFIX = "NetworkError: failed to connect to WebSocket: invalid peer certificate: "
BUN_PREFIX = "WebSocket connection to 'wss://localhost:8080/subscribe' failed: "


def _store(verify: str | None, known: bool = True) -> StoreCheck:
    return StoreCheck(TrustStore.SYSTEM, known, verify, "")


def test_merged_stores() -> None:
    assert merged([_store(NO_ISSUER), _store(None)], "x") == StoreCheck(
        TrustStore.NODE, True, None, "x"
    )
    assert merged([_store(NO_ISSUER), None], "x") is None
    assert merged([_store(NO_ISSUER), _store(None, known=False)], "x") is None
    both = merged([_store(NO_ISSUER), _store(EXPIRED)], "x")
    assert both is not None and both.verify == EXPIRED  # the store that built the chain
    issuer = merged([_store(SELF), _store(NO_ISSUER)], "x")
    assert issuer is not None and issuer.verify == SELF


def test_bun_store_and_options() -> None:
    plain = _check(stores=_stores(node=NO_ISSUER, openssl=NO_ISSUER))
    assert client_store(plain, BUN)[1] == "Bun's bundled roots and /etc/ssl"
    env = TrustEnv(node_extra_ca_certs="/ca.pem", node_use_system_ca=True)
    files = StoreCheck(TrustStore.SYSTEM_FILES, True, None, "/etc/ssl/certs")
    extra = replace(plain, env=env, stores=(*plain.stores, files))
    store, label = client_store(extra, BUN)
    assert store is not None and store.ok  # the system's certificate files trust it
    assert label == (
        "Bun's bundled roots and /etc/ssl plus NODE_EXTRA_CA_CERTS and the system store "
        "(NODE_USE_SYSTEM_CA=1)"
    )


def test_bun_words() -> None:
    assert bun_reason("x", True) == BUN_MISMATCH
    assert bun_reason(SELF, False) == "self signed certificate"
    assert bun_reason(None, False) == "unknown"
    lone = _check(stores=_stores(NO_ISSUER, NO_ISSUER, NO_ISSUER))
    errors = {c.id: c.error for c in diagnose(_obs(lone)).clients}
    assert (
        errors["bun"] == BUN_PREFIX + "TLS handshake failed: unable to verify the first certificate"
    )
    other = _check(names=CertNames(dns=("other.test",)))
    errors = {c.id: c.error for c in diagnose(_obs(other)).clients}
    assert errors["bun"] == BUN_PREFIX + "TLS handshake failed: " + BUN_MISMATCH


@pytest.mark.parametrize(
    ("env", "label"),
    [
        (TrustEnv(), "Deno's Mozilla roots"),
        (TrustEnv(deno_tls_ca_store="system"), "the system store (DENO_TLS_CA_STORE=system)"),
        (
            TrustEnv(deno_tls_ca_store="mozilla, system", node_extra_ca_certs="/ca.pem"),
            "Deno's Mozilla roots and the system store plus NODE_EXTRA_CA_CERTS",
        ),
        (
            TrustEnv(deno_tls_ca_store="system", node_extra_ca_certs="/ca.pem"),
            "the system store (DENO_TLS_CA_STORE=system) plus NODE_EXTRA_CA_CERTS",
        ),
        (
            TrustEnv(deno_cert="/ca.pem", node_extra_ca_certs="/ca.pem"),
            "Deno's Mozilla roots plus NODE_EXTRA_CA_CERTS",
        ),
    ],
)
def test_deno_stores(env: TrustEnv, label: str) -> None:
    check = _check(stores=_stores(node=NO_ISSUER), env=env)
    store, said = client_store(check, DENO)
    assert said == label and store is not None
    assert store.ok == (env.deno_tls_ca_store is not None)  # the system store trusts it


@pytest.mark.parametrize(
    ("env", "why"),
    [
        (TrustEnv(deno_cert="/ca.pem"), "DENO_CERT=/ca.pem, a file not checked here"),
        (
            TrustEnv(deno_cert="/ca.pem", node_extra_ca_certs="/other.pem"),
            "DENO_CERT=/ca.pem, a file not checked here",
        ),
        (TrustEnv(deno_tls_ca_store="nss"), "a store Deno does not know"),
        (TrustEnv(deno_tls_ca_store=" , "), "a store Deno does not know"),
    ],
)
def test_deno_stores_not_modelled(env: TrustEnv, why: str) -> None:
    store, said = client_store(_check(env=env), DENO)
    assert store is None and why in said


def test_deno_refusal_order() -> None:
    ok = _store(None)
    ca_leaf = _check(leaf_ca=True, leaf_dates=EXPIRED)
    assert deno_refusal(ca_leaf, _store(NO_ISSUER)) == (
        ClientOutcome.FAILS,
        "Other(OtherError(CaUsedAsEndEntity))",
    )
    expired = _check(leaf_dates=EXPIRED)
    assert deno_refusal(expired, _store(NO_ISSUER)) == (ClientOutcome.FAILS, "Expired")
    assert deno_refusal(_check(), ok) == (ClientOutcome.CONNECTS, None)
    assert deno_refusal(_check(), _store(SELF)) == (ClientOutcome.FAILS, "UnknownIssuer")
    early = _store("certificate is not yet valid")
    assert deno_refusal(_check(), early) == (ClientOutcome.FAILS, "NotValidYet")
    odd = _store("unsupported certificate purpose")
    assert deno_refusal(_check(), odd) == (ClientOutcome.UNKNOWN, None)


def test_deno_verdicts() -> None:
    odd = _check(stores=_stores(node="unsupported certificate purpose"))
    run = client_trust(odd, DENO, "localhost", WhatIf())
    assert run is not None and run.outcome is ClientOutcome.UNKNOWN
    assert "unsupported certificate purpose was not checked" in run.why
    ca_leaf = _check(leaf_ca=True, insecure=True)
    run = client_trust(ca_leaf, DENO, "localhost", WhatIf())
    assert run is not None and run.outcome is ClientOutcome.FAILS
    assert "marked CA:TRUE" in run.why and "--unsafely-ignore-certificate-errors" in run.why
    quiet = client_trust(replace(ca_leaf, insecure=False), DENO, "localhost", WhatIf())
    assert quiet is not None and "to skip" not in quiet.why
    # Trusted through --cert, a CA:TRUE leaf is still refused; skipping the check helps.
    cacert = StoreCheck(TrustStore.CACERT, True, None, "/ca.pem")
    trusted = replace(ca_leaf, stores=(*_stores(), cacert), cacert="/ca.pem")
    run = client_trust(trusted, DENO, "localhost", WhatIf(trust=TrustStore.CACERT))
    assert run is not None and run.outcome is ClientOutcome.FAILS
    run = client_trust(trusted, DENO, "localhost", WhatIf(insecure=True))
    assert run is not None and run.outcome is ClientOutcome.CONNECTS
    fine = _check(stores=_stores(node=None))
    run = client_trust(fine, DENO, "localhost", WhatIf())
    assert run is not None and run.outcome is ClientOutcome.CONNECTS


def test_deno_words() -> None:
    hs = Handshake("127.0.0.1", HandshakeOutcome.TLS, reason="Expired")
    assert deno_reason(hs, None) == "Expired"
    assert deno_reason(replace(hs, reason=None), None) == "unknown"
    wrong = replace(hs, reason="Hostname mismatch, certificate is not valid for 'a.test'.")
    assert deno_reason(wrong, None) == (
        'certificate not valid for name "a.test"; certificate is not valid for any names '
        "(according to its subjectAltName extension)"
    )
    three = CertNames(dns=("other.test", "*.b.test"), ips=("10.0.0.1",))
    assert deno_reason(wrong, three) == (
        'certificate not valid for name "a.test"; certificate is only valid for '
        'DnsName("other.test"), DnsName("*.b.test") or IpAddress(10.0.0.1)'
    )
    other = _check(names=CertNames(dns=("other.test",)), stores=_stores(node=None))
    errors = {c.id: c.error for c in diagnose(_obs(other)).clients}
    assert errors["deno"] == DENO_PREFIX + (
        'certificate not valid for name "localhost"; certificate is only valid for '
        'DnsName("other.test")'
    )
    assert LOCAL.dns == ("localhost",)


@pytest.mark.parametrize(
    ("env", "flag"),
    [
        (TrustEnv(node_use_system_ca=True), "NODE_USE_SYSTEM_CA=1"),
        (TrustEnv(node_options=("--use-system-ca",)), "--use-system-ca"),
    ],
)
def test_the_system_store_for_nodes_built_in_websocket(env: TrustEnv, flag: str) -> None:
    """Node 22.15+ and 24 add the system store; node-20 (Node 20 to 24) stays unknown."""
    files = StoreCheck(TrustStore.SYSTEM_FILES, True, None, "/etc/ssl/certs")
    check: TrustCheck = _check(stores=_stores(NO_ISSUER, NO_ISSUER, files=files), env=env)
    d = diagnose(_obs(check))
    outcomes = {c.id: c.outcome.value for c in d.clients}
    assert outcomes["node-20"] == "unknown"
    assert outcomes["node-websocket"] == outcomes["node-websocket-24"] == "connects"
    label = f"Node's bundled roots plus the system store ({flag})"
    assert client_store(check, NODE_WEBSOCKET)[1] == label
