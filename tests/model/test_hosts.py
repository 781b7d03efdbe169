from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wsexplorer.model import Family, parse_hosts

DEBIAN = "127.0.0.1\tlocalhost\n127.0.1.1\tbox\n\n# The following lines are desirable for IPv6\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\n"


def test_debian_hosts_lines_and_numbers() -> None:
    hf = parse_hosts(DEBIAN)
    hits = hf.lookup("LOCALHOST.")
    assert [(e.line, e.address, e.family) for e in hits] == [
        (1, "127.0.0.1", Family.IPV4),
        (5, "::1", Family.IPV6),
    ]
    assert hits[1].names == ("localhost", "ip6-localhost", "ip6-loopback")
    assert hf.problems == ()


def test_crlf_tabs_comments_zone_and_problems() -> None:
    text = "127.0.0.1\tlocalhost # trailing\r\nfe80::1%eth0 router\r\nnot-an-ip foo\r\n10.0.0.1\r\n1.2.3.4%eth0 x\r\n   # only a comment\r\n"
    hf = parse_hosts(text, path="/tmp/h")
    assert [e.line for e in hf.entries] == [1, 2]
    assert hf.entries[1].zone == "eth0" and hf.entries[1].address == "fe80::1"
    assert [(p.line, p.reason.split()[0]) for p in hf.problems] == [
        (3, "'not-an-ip'"),
        (4, "address"),
        (5, "a"),
    ]
    assert hf.only("router").entries == (hf.entries[1],)
    assert hf.to_json()["path"] == "/tmp/h"


@given(st.text(max_size=500))
def test_parse_hosts_never_raises(text: str) -> None:
    hf = parse_hosts(text)
    lines = len(text.splitlines())
    for e in hf.entries:
        assert 1 <= e.line <= lines and e.names
    for p in hf.problems:
        assert 1 <= p.line <= lines
