"""Certificate names and the trust values' JSON."""

from __future__ import annotations

import pytest

from wsexplorer.model.trust import CertNames, StoreCheck, TrustCheck, TrustStore, name_matches

NAMES = CertNames(dns=("app.test", "*.corp.test"), ips=("127.0.0.1", "::1"), common_name="x")


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("app.test", True),
        ("APP.test.", True),
        ("a.corp.test", True),
        ("corp.test", False),
        ("a.b.corp.test", False),
        ("127.0.0.1", True),
        ("[::1]", True),
        ("::1", True),
        ("127.0.0.2", False),
        ("other.test", False),
    ],
)
def test_name_matches(host: str, ok: bool) -> None:
    assert name_matches(NAMES, host) is ok


def test_bad_ip_entries_and_partial_wildcards_never_match() -> None:
    assert not name_matches(CertNames(ips=("not-an-ip",)), "127.0.0.1")
    assert not name_matches(CertNames(dns=("a*.test",)), "ab.test")
    assert not name_matches(CertNames(dns=("*.test",)), ".test")


def test_node_altnames_and_json() -> None:
    assert NAMES.node_altnames == (
        "DNS:app.test, DNS:*.corp.test, IP Address:127.0.0.1, IP Address:::1"
    )
    store = StoreCheck(TrustStore.NODE, False, None, "node is not installed here")
    check = TrustCheck("127.0.0.1", NAMES, (store,))
    data = check.to_json()
    assert data["stores"] == [
        {"store": "node", "known": False, "ok": False, "verify": None,
         "detail": "node is not installed here"}
    ]  # fmt: skip
    assert data["names"] == {"dns": ["app.test", "*.corp.test"], "ips": ["127.0.0.1", "::1"],
                             "common_name": "x"}  # fmt: skip
    assert check.store(TrustStore.SYSTEM) is None
    assert set(data) >= {"env", "insecure", "cacert", "python_error", "error", "chain_length"}
