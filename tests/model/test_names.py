"""Host names as each client spells them, and the URL keeping the host as typed."""

from __future__ import annotations

import pytest

from wsexplorer.model import InvalidURL, parse_url
from wsexplorer.model.names import (
    NameHandling,
    SearchExpansion,
    client_name,
    encode_uts46,
    is_absolute,
    lookup_key,
)
from wsexplorer.model.resolution import NameLookup, Resolution

from ..diagnosis.builders import gai

W, C, P = NameHandling.WHATWG, NameHandling.CURL, NameHandling.IDNA2003


@pytest.mark.parametrize(
    ("host", "whatwg", "curl", "websockets"),
    [
        ("faß.test", "xn--fa-hia.test", "xn--fa-hia.test", "fass.test"),
        ("FAß.test.", "xn--fa-hia.test.", "xn--fa-hia.test.", "fass.test."),
        ("SVC.", "svc.", "SVC.", "svc."),
        ("APP.test", "app.test", "APP.test", "app.test"),
        ("bücher.test", "xn--bcher-kva.test", "xn--bcher-kva.test", "xn--bcher-kva.test"),
        ("192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_name(host: str, whatwg: str, curl: str, websockets: str) -> None:
    assert (client_name(host, W), client_name(host, C), client_name(host, P)) == (
        whatwg,
        curl,
        websockets,
    )


def test_encode_uts46_refuses_what_idna_2008_disallows() -> None:
    with pytest.raises(UnicodeError):
        encode_uts46("☃.test")


def test_url_keeps_the_host_as_typed() -> None:
    assert parse_url("wss://APP.test./x").host == "APP.test."
    assert parse_url("ws://faß.test/").redacted() == "ws://faß.test/"


@pytest.mark.parametrize(("host", "what"), [("☃.test", "IDNA 2008"), ("a\u0600.test", "IDNA 2008")])
def test_url_refuses_a_name_one_encoding_refuses(host: str, what: str) -> None:
    with pytest.raises(InvalidURL, match=what):
        parse_url(f"ws://{host}/")


def test_absolute_and_lookup_key() -> None:
    assert is_absolute("svc.") and not is_absolute("svc")
    assert lookup_key("SVC.") == "svc."


def test_resolution_answers_for_each_name_and_every_address() -> None:
    other = NameLookup("fass.test", gai(["192.0.2.2", "192.0.2.1"]), gai(["192.0.2.2"]))
    res = Resolution("xn--fa-hia.test", 80, gai(["192.0.2.1"]), gai([]), other_names=(other,))
    assert res.answers_for("FASS.test") == (other.getaddrinfo, other.addrconfig)
    assert res.answers_for("xn--fa-hia.test") == (res.getaddrinfo, res.addrconfig)
    assert [a.address for a in res.every_address] == ["192.0.2.1", "192.0.2.2"]
    found = SearchExpansion("fass.test", "corp.test", "fass.test.corp.test", 3)
    data = Resolution(
        "app", 80, gai(["192.0.2.1"]), gai([]), other_names=(other,), search=found
    ).to_json()
    assert data["search_expansion"] == {
        "name": "fass.test",
        "domain": "corp.test",
        "expanded": "fass.test.corp.test",
        "line": 3,
        "path": "/etc/resolv.conf",
        "ndots": 1,
    }
    named = data["other_names"][0]  # type: ignore[index]
    assert named["name"] == "fass.test"
    assert named["getaddrinfo"]["addrconfig_order"][0]["address"] == "192.0.2.2"
    assert named["search_expansion"] is None
