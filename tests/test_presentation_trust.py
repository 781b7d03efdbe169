"""The certificate section of the report: one row per store, worded once."""

from __future__ import annotations

from dataclasses import replace

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.examples import seed_observation
from wsexplorer.model import Handshake, HandshakeOutcome, parse_url
from wsexplorer.model.trust import CertNames, StoreCheck, TrustCheck, TrustStore
from wsexplorer.presentation.rows import Tone
from wsexplorer.presentation.trust import trust_rows
from wsexplorer.report import diagnosis_markdown, diagnosis_text

STORES = (
    StoreCheck(TrustStore.SYSTEM, True, None, "/etc/ssl/certs/ca-certificates.crt"),
    StoreCheck(TrustStore.NODE, True, "unable to get local issuer certificate", ""),
    StoreCheck(TrustStore.NSS, False, None, "certutil is not installed"),
)
CHECK = TrustCheck("127.0.0.1", CertNames(dns=("localhost",)), STORES, chain_length=2)


def test_rows_per_store() -> None:
    rows = trust_rows(CHECK)
    assert [r.label for r in rows] == [
        "certificate",
        "system store",
        "Node's roots",
        "NSS (Chrome)",
    ]
    assert rows[0].value == "DNS:localhost  2 certificates sent"
    assert rows[1].tone is Tone.OK and rows[2].tone is Tone.BAD and rows[3].tone is Tone.WARN
    assert rows[2].value == "✗ unable to get local issuer certificate"
    assert rows[3].value == "? unknown  (certutil is not installed)"


def test_error_insecure_and_common_name() -> None:
    assert trust_rows(None) == []
    failed = trust_rows(TrustCheck("127.0.0.1", error="timed out"))
    assert [(r.label, r.value) for r in failed] == [("certificate", "not fetched: timed out")]
    cn = trust_rows(
        replace(CHECK, names=CertNames(common_name="app"), insecure=True, chain_length=1)
    )
    assert cn[0].value == "CN=app  1 certificate sent"
    assert cn[1].label == "-k" and cn[1].tone is Tone.WARN


def test_text_and_markdown_show_the_section() -> None:
    obs = seed_observation(listen="::", handshake=Handshake("127.0.0.1", HandshakeOutcome.OK, 101))
    obs = replace(obs, url=parse_url("wss://localhost:8080/"), trust=CHECK)
    d = diagnose(obs)
    text = diagnosis_text(d)
    assert "Certificate" in text and "Node's roots" in text
    md = diagnosis_markdown(d)
    assert "### Certificate" in md and "- Node's roots: ✗ `unable to get local issuer" in md
    plain = diagnosis_text(diagnose(seed_observation()))
    assert "Certificate" not in plain


def test_brief_line_for_the_tui() -> None:
    from wsexplorer.presentation.rows import plain
    from wsexplorer.presentation.trust import trust_brief

    assert trust_brief(None) == ()
    assert plain(trust_brief(CHECK)) == (
        "certificate: system store ✓ · Node's roots ✗ · NSS (Chrome) ?"
    )
    assert "not fetched" in plain(trust_brief(TrustCheck(None, error="refused")))
    assert "-k" in plain(trust_brief(replace(CHECK, insecure=True)))
