from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsexplorer.model import Family, InvalidResolve, parse_resolve


def test_curl_syntax() -> None:
    o = parse_resolve("localhost:8080:[::1],127.0.0.1")
    assert o.host == "localhost" and o.port == 8080
    assert [(a.address, a.family) for a in o.addresses] == [
        ("::1", Family.IPV6),
        ("127.0.0.1", Family.IPV4),
    ]
    assert o.applies("LOCALHOST", 8080) and not o.applies("localhost", 8081)
    assert o.spec() == "localhost:8080:[::1],127.0.0.1"
    assert parse_resolve("*:*:127.0.0.1").applies("anything", 1)
    assert parse_resolve("+h:443:::1").addresses[0].address == "::1"


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("", "empty"),
        ("localhost", "too few"),
        ("localhost:8080", "too few"),
        ("localhost:8080:", "no address"),
        ("localhost:99999:127.0.0.1", "out of range"),
        ("localhost:http:127.0.0.1", "not a number"),
        ("localhost:80:example.com", "not an IP"),
        ("localhost:80:[127.0.0.1]", "not an IPv6"),
        ("localhost:80:[::1", "lacks"),
        ("localhost:80:127.0.0.1,,::1", "empty address"),
        (":80:127.0.0.1", "HOST"),
    ],
)
def test_rejects(spec: str, fragment: str) -> None:
    with pytest.raises(InvalidResolve) as err:
        parse_resolve(spec)
    assert fragment in str(err.value)


@given(st.text(max_size=120))
def test_accepts_or_raises_its_error(spec: str) -> None:
    try:
        o = parse_resolve(spec)
    except InvalidResolve:
        return
    assert o.addresses
