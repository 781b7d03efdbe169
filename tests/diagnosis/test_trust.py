"""Per-client certificate trust: each client's store decides, each client words it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients import CATALOGUE, CURL
from wsexplorer.diagnosis.context import WhatIf
from wsexplorer.diagnosis.trust import client_store, client_trust, trust_flags
from wsexplorer.model import Handshake, HandshakeOutcome, Observation, parse_url
from wsexplorer.model.trust import (
    CertNames,
    StoreCheck,
    TrustCheck,
    TrustEnv,
    TrustStore,
)

from .builders import seed_observation

NO_ISSUER = "unable to get local issuer certificate"
PY_NO_ISSUER = (
    f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {NO_ISSUER} (_ssl.c:1006)"
)
LOCAL = CertNames(dns=("localhost",), ips=("127.0.0.1",))
OK = Handshake("127.0.0.1", HandshakeOutcome.OK, 101)


def _stores(system: str | None = None, node: str | None = None, nss: str | None = None,
            openssl: str | None = "system", **more: StoreCheck) -> tuple[StoreCheck, ...]:  # fmt: skip
    """The stores a probe reads; ``openssl`` (/etc/ssl, Bun's and --use-openssl-ca's)
    says what the system store says unless given."""
    etc = system if openssl == "system" else openssl
    out = [
        StoreCheck(TrustStore.SYSTEM, True, system, "/etc/ssl/certs/ca-certificates.crt"),
        StoreCheck(TrustStore.NODE, True, node, "Node v20.20.2's bundled roots"),
        StoreCheck(TrustStore.NODE_OPENSSL, True, etc, "/etc/ssl/cert.pem and /etc/ssl/certs"),
        StoreCheck(TrustStore.NSS, True, nss, "no ~/.pki/nssdb"),
    ]
    return (*out, *more.values())


def _check(**kw: object) -> TrustCheck:
    base: dict[str, object] = {"names": LOCAL, "stores": _stores(), "chain_length": 1}
    return TrustCheck("127.0.0.1", **{**base, **kw})  # type: ignore[arg-type]


def _obs(check: TrustCheck | None, hs: Handshake = OK, host: str = "localhost") -> Observation:
    obs = seed_observation(listen="::", handshake=hs)
    return replace(obs, url=parse_url(f"wss://{host}:8080/subscribe"), trust=check)


def _errors(obs: Observation) -> dict[str, tuple[str, str | None]]:
    return {c.id: (c.outcome.value, c.error) for c in diagnose(obs).clients}


def test_private_ca_in_the_system_store_only() -> None:
    check = _check(stores=_stores(node=NO_ISSUER, nss=NO_ISSUER))
    d = diagnose(_obs(check))
    errors = {c.id: (c.outcome.value, c.error) for c in d.clients}
    node = ("fails", "unable to verify the first certificate")
    assert errors == {
        "node-16": node,
        "node-17-19": node,
        "node-20": node,
        # Node's built-in WebSocket reads the same roots and says only its generic words.
        "node-websocket": ("fails", "Received network error or non-101 status code."),
        "node-websocket-24": ("fails", ""),
        # Bun also reads /etc/ssl's hashed directory; Deno only Mozilla's roots.
        "bun": ("connects", None),
        "deno": (
            "fails",
            "NetworkError: failed to connect to WebSocket: invalid peer certificate: UnknownIssuer",
        ),
        "python-websockets": ("connects", None),
        "python-aiohttp": ("connects", None),
        "python-websocket-client": ("connects", None),
        "curl": ("connects", None),
        "chrome": ("fails", "Error in connection establishment: net::ERR_CERT_AUTHORITY_INVALID"),
    }
    assert d.verdict.summary == (
        "Node.js 16 ws, Node.js 17-19 ws, Node.js 20+ ws, Node.js 22 WebSocket, Node.js 24 "
        "WebSocket, Deno WebSocket and Chrome refuse the certificate of localhost:8080, while "
        "Bun WebSocket, Python websockets, Python aiohttp, Python websocket-client and curl "
        "trust it (each client reads its own certificate store)"
    )
    assert "Node's bundled roots refuses the certificate" in d.client("node-20").why
    assert (
        "Node 24 prints 'unable to verify the first certificate; if the root CA is installed "
        "locally, try running Node.js with --use-system-ca'"
    ) in d.client("node-20").why
    assert "Node 24" not in d.client("node-17-19").why
    assert [f.id for f in d.fixes if f.id.startswith("trust-")] == []
    assert diagnose(_obs(check)).to_json()["tls"]["chain_length"] == 1


def test_an_expired_lone_leaf_from_an_unknown_issuer_says_expired_in_node_and_bun() -> None:
    check = _check(stores=_stores(node=NO_ISSUER), leaf_dates="certificate has expired")
    errors = _errors(_obs(check))
    assert errors["node-20"] == ("fails", "certificate has expired")
    assert errors["bun"] == ("connects", None)  # /etc/ssl knows the CA (and said nothing)
    unknown = _check(
        stores=_stores(NO_ISSUER, NO_ISSUER, NO_ISSUER), leaf_dates="certificate has expired"
    )
    assert _errors(_obs(unknown))["bun"][1] == (
        "WebSocket connection to 'wss://localhost:8080/subscribe' failed: TLS handshake "
        "failed: certificate has expired"
    )


def test_a_chain_with_an_intermediate_keeps_openssls_words_in_node() -> None:
    check = _check(stores=_stores(node=NO_ISSUER, nss=NO_ISSUER), chain_length=2)
    assert _errors(_obs(check))["node-20"] == ("fails", NO_ISSUER)


def test_nobody_trusts_it_python_keeps_its_measured_text() -> None:
    check = _check(stores=_stores(NO_ISSUER, NO_ISSUER, NO_ISSUER), python_error=PY_NO_ISSUER)
    hs = Handshake("127.0.0.1", HandshakeOutcome.TLS, reason=NO_ISSUER, error=PY_NO_ISSUER)
    d = diagnose(_obs(check, hs))
    errors = {c.id: c.error for c in d.clients}
    assert errors["python-websockets"] == PY_NO_ISSUER
    assert errors["curl"] == f"curl: (60) SSL certificate problem: {NO_ISSUER}"
    assert errors["node-16"] == "unable to verify the first certificate"
    # Nobody trusts it and no flag was given: the measured handshake's summary stands.
    assert "fails the TLS handshake" in d.verdict.summary


def test_name_mismatch_words() -> None:
    py = (
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, "
        "certificate is not valid for 'localhost'. (_ssl.c:1006)"
    )
    check = _check(names=CertNames(dns=("other.test", "*.corp.test")), python_error=py)
    errors = _errors(_obs(check))
    node = (
        "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the "
        "cert's altnames: DNS:other.test, DNS:*.corp.test"
    )
    assert errors["node-16"] == ("fails", node)
    assert errors["node-20"] == ("fails", node)
    assert errors["python-websockets"] == ("fails", py)
    assert errors["curl"] == (
        "fails",
        "curl: (60) SSL: no alternative certificate subject name matches target host name "
        "'localhost'",
    )
    assert errors["chrome"] == (
        "fails",
        "Error in connection establishment: net::ERR_CERT_COMMON_NAME_INVALID",
    )


def test_wildcard_names_match_one_label() -> None:
    check = _check(names=CertNames(dns=("*.corp.test",)))
    obs = _obs(check, host="app.corp.test")
    run = client_trust(check, CATALOGUE[2], "app.corp.test", WhatIf())
    assert run is not None and run.outcome.value == "connects"
    deeper = client_trust(check, CATALOGUE[2], "a.b.corp.test", WhatIf())
    assert deeper is not None and deeper.outcome.value == "fails"
    assert obs.url.host == "app.corp.test"


def test_ip_literal_mismatch() -> None:
    check = _check(names=CertNames(dns=("localhost",), ips=("127.0.0.2", "bad")))
    errors = _errors(_obs(check, host="127.0.0.1"))
    assert errors["node-20"] == (
        "fails",
        "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the "
        "cert's list: 127.0.0.2, bad",
    )
    assert errors["python-websockets"] == (
        "fails",
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, "
        "certificate is not valid for '127.0.0.1'.",
    )


def test_no_dns_names_node_quotes_the_common_name() -> None:
    check = _check(names=CertNames(common_name="app.test"))
    assert _errors(_obs(check))["node-20"] == (
        "fails",
        "Hostname/IP does not match certificate's altnames: Host: localhost. is not cert's "
        "CN: app.test",
    )


def test_expired_and_misnamed_python_names_the_name_first() -> None:
    expired = "certificate has expired"
    check = _check(
        names=CertNames(dns=("other.test",)),
        stores=_stores(expired, expired, expired),
        python_error="[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: x (_ssl.c:7)",
    )
    # Under a what-if host the measured Python text does not apply: it is worded.
    python = next(s for s in CATALOGUE if s.id == "python-websockets")
    run = client_trust(check, python, "localhost", WhatIf(host="127.0.0.1"))
    assert run is not None and run.handshake is not None
    assert run.handshake.error == (
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, "
        "certificate is not valid for 'localhost'. (_ssl.c:7)"
    )
    errors = _errors(_obs(check))
    assert errors["node-20"] == ("fails", expired)
    assert "Node 24" not in diagnose(_obs(check)).client("node-20").why
    assert errors["chrome"] == (
        "fails",
        "Error in connection establishment: net::ERR_CERT_DATE_INVALID",
    )
    assert errors["curl"] == ("fails", f"curl: (60) SSL certificate problem: {expired}")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (TrustEnv(node_options=("--use-system-ca",)), "unknown"),
        (TrustEnv(node_options=("--use-openssl-ca",)), "connects"),
        (TrustEnv(node_extra_ca_certs="/ca.pem"), "fails"),
    ],
)
def test_node_options_change_nodes_store(env: TrustEnv, expected: str) -> None:
    check = _check(stores=_stores(node=NO_ISSUER, openssl=None), env=env)
    run = client_trust(check, CATALOGUE[2], "localhost", WhatIf())
    assert run is not None and run.outcome.value == expected
    if env.node_extra_ca_certs:
        assert "plus NODE_EXTRA_CA_CERTS" in run.why


def test_stores_that_are_not_known() -> None:
    unknown_node = StoreCheck(TrustStore.NODE, False, None, "node is not installed here")
    check = _check(stores=(_stores()[0], unknown_node))
    d = diagnose(_obs(check))
    assert d.client("node-20").outcome.value == "unknown"
    assert "node is not installed here" in d.client("node-20").why
    assert d.client("chrome").outcome.value == "unknown"  # no NSS check at all
    other = _check(env=TrustEnv(curl_ca_bundle="/elsewhere.pem"))
    assert client_store(other, CURL)[0] is None
    same = _check(env=TrustEnv(curl_ca_bundle="/etc/ssl/certs/ca-certificates.crt"))
    assert client_store(same, CURL)[0] is not None
    zig = replace(CURL, id="zig", name="Zig", runtime="zig")
    store, why = client_store(check, zig)
    assert store is None and "not modelled" in why
    # Bun reads Node's (Mozilla's) roots beside /etc/ssl: unknown when they were not read.
    assert d.client("bun").outcome.value == "unknown"
    assert "not every part could be read" in d.client("bun").why


def test_a_chain_that_could_not_be_fetched_leaves_the_handshake_to_decide() -> None:
    check = TrustCheck("127.0.0.1", error="[Errno 111] Connection refused")
    assert all(c.connects for c in diagnose(_obs(check)).clients)
    assert client_trust(check, CURL, "localhost", WhatIf()) is None


def test_trusted_by_the_client_but_the_probe_refused_the_upgrade_is_unknown() -> None:
    check = _check(stores=_stores(system=NO_ISSUER), python_error=PY_NO_ISSUER)
    hs = Handshake("127.0.0.1", HandshakeOutcome.TLS, reason=NO_ISSUER, error=PY_NO_ISSUER)
    d = diagnose(_obs(check, hs))
    node = d.client("node-20")
    assert node.outcome.value == "unknown"
    assert "the upgrade behind it was not measured" in node.why
    assert d.client("python-websockets").outcome.value == "fails"
    assert "fails the TLS handshake" in d.verdict.summary


def test_cacert_fix_names_each_clients_flag() -> None:
    cacert = StoreCheck(TrustStore.CACERT, True, None, "/tmp/ca.pem")
    check = _check(
        stores=_stores(NO_ISSUER, NO_ISSUER, NO_ISSUER, cacert=cacert),
        cacert="/tmp/ca.pem",
        python_error=PY_NO_ISSUER,
    )
    # The clients whose certificate options are modelled (not Bun's or Deno's).
    modelled = tuple(s for s in CATALOGUE if trust_flags(s) is not None)
    d = diagnose(_obs(check), clients=modelled)
    assert not any(c.connects for c in d.clients)
    assert "needs NODE_EXTRA_CA_CERTS=/tmp/ca.pem" in d.client("node-20").why
    assert "--cacert /tmp/ca.pem" in d.verdict.summary
    fix = d.fix("trust-cacert")
    assert fix.works and fix.node == "NODE_EXTRA_CA_CERTS=/tmp/ca.pem"
    assert 'cafile="/tmp/ca.pem"' in fix.python
    assert "curl --cacert /tmp/ca.pem (curl)" in fix.detail
    assert "certutil" in fix.detail
    assert d.to_json()["tls"]["cacert"] == "/tmp/ca.pem"


def test_a_cacert_file_that_does_not_help_is_said() -> None:
    cacert = StoreCheck(TrustStore.CACERT, True, NO_ISSUER, "/tmp/other.pem")
    check = _check(stores=_stores(node=NO_ISSUER, cacert=cacert), cacert="/tmp/other.pem")
    d = diagnose(_obs(check))
    assert "needs" not in d.client("node-20").why
    assert not d.fix("trust-cacert").works


def test_insecure_fix_and_an_unmodelled_client() -> None:
    check = _check(stores=_stores(NO_ISSUER, NO_ISSUER, NO_ISSUER), insecure=True)
    zig = replace(CURL, id="zig", name="Zig", runtime="zig")
    d = diagnose(_obs(check), clients=(*CATALOGUE, zig))
    assert "rejectUnauthorized: false" in d.client("node-20").why
    assert d.client("zig").outcome.value == "unknown"
    assert d.client("bun").outcome.value == "fails"
    assert "NODE_TLS_REJECT_UNAUTHORIZED=0" in d.client("bun").why
    fix = d.fix("trust-insecure")
    assert "not modelled (Zig)" in fix.detail
    assert "deno run --unsafely-ignore-certificate-errors (Deno WebSocket)" in fix.detail
    assert "curl -k (curl)" in fix.detail
    # Node's built-in WebSocket takes no TLS option: only the environment reaches it.
    assert "NODE_TLS_REJECT_UNAUTHORIZED=0 (Node.js 22 WebSocket, Node.js 24" in fix.detail
    assert "(-k" not in d.verdict.summary and "used -k" in d.verdict.summary
    assert not fix.works  # Zig's trust is not modelled: unknown after the fix too
    no_python = diagnose(_obs(check), clients=(CURL,))
    assert no_python.fix("trust-insecure").node == ""


def test_verdict_keeps_the_http_answer_when_the_upgrade_is_refused() -> None:
    check = _check(stores=_stores(node=NO_ISSUER))
    d = diagnose(_obs(check, Handshake("127.0.0.1", HandshakeOutcome.HTTP_STATUS, 404)))
    assert "refuse the certificate" not in d.verdict.summary


def test_chrome_words_a_first_certificate_failure_as_authority() -> None:
    from wsexplorer.diagnosis.clients.chrome import chrome_tls_error

    assert chrome_tls_error("unable to verify the first certificate") == (
        "net::ERR_CERT_AUTHORITY_INVALID"
    )
    assert chrome_tls_error("certificate is not yet valid") == "net::ERR_CERT_DATE_INVALID"
