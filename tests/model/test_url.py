from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsexplorer.model import Family, InvalidPort, InvalidURL, parse_port, parse_url


@pytest.mark.parametrize(
    ("text", "scheme", "host", "port", "resource"),
    [
        ("ws://localhost:8080/subscribe", "ws", "localhost", 8080, "/subscribe"),
        ("wss://example.com", "wss", "example.com", 443, "/"),
        ("ws://example.com", "ws", "example.com", 80, "/"),
        ("ws://[::1]:9000/a?b=c", "ws", "::1", 9000, "/a?b=c"),
        ("ws://[fe80::1%25eth0]:1/", "ws", "fe80::1%eth0", 1, "/"),
        ("localhost:8080/x", "ws", "localhost", 8080, "/x"),
        ("http://127.0.0.1:3000", "ws", "127.0.0.1", 3000, "/"),
        ("https://Example.COM./chat#frag", "wss", "Example.COM.", 443, "/chat"),
        ("ws://bücher.de/", "ws", "bücher.de", 80, "/"),
        ("ws://svc.:8080/", "ws", "svc.", 8080, "/"),
        ("  ws://localhost:1/  ", "ws", "localhost", 1, "/"),
    ],
)
def test_parse_url_accepts(text: str, scheme: str, host: str, port: int, resource: str) -> None:
    u = parse_url(text)
    assert (u.scheme, u.host, u.port, u.resource) == (scheme, host, port, resource)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("ftp://x/", "scheme 'ftp'"),
        ("ws://", "no host"),
        ("ws://localhost:0/", "out of range"),
        ("ws://localhost:65536/", "out of range"),
        ("ws://localhost:abc/", "not a number"),
        ("ws://localhost:/", "no port"),
        ("ws://::1:8080/", "brackets"),
        ("ws://[::1/", "without ']'"),
        ("ws://[127.0.0.1]/", "not an IPv6"),
        ("ws://-bad-.com/", "label"),
        ("ws://" + "a" * 64 + ".com/", "label"),
        ("ws://" + ("a" * 60 + ".") * 5 + "com/", "253"),
        ("ws://local host/", "spaces"),
        ("ws://999.1.1.1/", "not a valid IPv4"),
        ("ws://[::1]x/", "unexpected"),
    ],
)
def test_parse_url_rejects_with_named_part(text: str, fragment: str) -> None:
    with pytest.raises(InvalidURL) as err:
        parse_url(text)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_url_round_trip_and_redaction() -> None:
    u = parse_url("ws://alice:s3cret@[::1]:8080/p?token=abc&x=1")
    assert u.geturl() == "ws://alice:s3cret@[::1]:8080/p?token=abc&x=1"
    assert u.redacted() == "ws://alice:***@[::1]:8080/p?token=***&x=1"
    assert "s3cret" not in str(u)
    assert u.host_family is Family.IPV6
    assert u.with_host("127.0.0.1").geturl().startswith("ws://alice:s3cret@127.0.0.1:8080/")


def test_parse_port() -> None:
    assert parse_port(" 443 ") == 443
    for bad in ("0", "70000", "-1", "１２", "", "8e3"):
        with pytest.raises(InvalidPort):
            parse_port(bad)


@given(st.text(max_size=300))
def test_parse_url_accepts_or_raises_its_error(text: str) -> None:
    try:
        u = parse_url(text)
    except InvalidURL as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert 1 <= u.port <= 65535
        assert parse_url(u.geturl()) == u


@given(
    st.from_regex(
        r"(ws|wss)://[a-z0-9.\-\[\]:%@]{0,40}(:[0-9]{0,6})?(/[ -~]{0,20})?", fullmatch=True
    )
)
def test_parse_url_structured_fuzz(text: str) -> None:
    with contextlib.suppress(InvalidURL):
        parse_url(text)


def test_unredact_restores_only_what_was_masked() -> None:
    from wsexplorer.model import unredact

    old = parse_url("ws://bob:pw@h:1/p?token=abc&room=1")
    shown = parse_url(old.redacted())
    assert shown.password == "***"
    back = unredact(shown, old)
    assert back.geturl() == old.geturl()
    edited = unredact(parse_url("ws://bob:***@h:2/q?token=***&room=2"), old)
    assert edited.geturl() == "ws://bob:pw@h:2/q?token=abc&room=2"
    typed = unredact(parse_url("ws://bob:new@h:1/p?token=xyz"), old)
    assert typed.password == "new" and typed.query == "token=xyz"
    other_user = unredact(parse_url("ws://eve:***@h:1/"), old)
    assert other_user.password == "***"
