"""The resolution probe: config readers, literals, overrides, real DNS, real namespaces.

``resolve()`` on a host *name* calls the real ``getaddrinfo``, which may ask the
machine's nameservers; those calls therefore run inside a network namespace (only
``lo``, its own ``/etc`` files), never on the host. IP literals and the DNS part
(``query_nameservers`` against dnsmasq on loopback) run in-process.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.dnsmasq import DnsServer, garbage_nameserver, silent_nameserver
from tests.scenarios.netns import DEBIAN_HOSTS, Namespace
from wsexplorer.model import DnsOutcome, Family, Source, parse_resolve
from wsexplorer.probes.dns import (
    LOCALHOST_NOTE,
    Nameserver,
    is_localhost_name,
    parse_nameserver,
    query_nameservers,
)
from wsexplorer.probes.resolution import resolve, resolve_async
from wsexplorer.probes.sysconf import (
    parse_gai_conf,
    parse_nsswitch_hosts,
    parse_resolv_conf,
    parse_resolv_conf_nameservers,
    read_gai_conf,
    read_hosts,
    read_nsswitch_hosts,
    read_resolv_conf_nameservers,
)

RECORDS = {
    "both.wsx.test": ["127.0.0.5", "fd00::5"],
    "v4only.wsx.test": ["127.0.0.6"],
    "v6only.wsx.test": ["fd00::7"],
}

DnsFactory = Callable[..., DnsServer]
NetnsFactory = Callable[..., Namespace]


def by_type(report: Any, nameserver: str | None = None) -> dict[str, Any]:
    return {a.type: a for a in report.answers if nameserver is None or a.nameserver == nameserver}


# --- configuration files -------------------------------------------------------------


def test_read_hosts_comments_crlf_aliases(tmp_path: Path) -> None:
    path = tmp_path / "hosts"
    path.write_bytes(
        b"# a comment line\r\n"
        b"127.0.0.1\tlocalhost\r\n"
        b"::1 localhost ip6-localhost ip6-loopback # trailing comment\r\n"
        b"\r\n"
        b"10.0.0.8   web.wsx.test  web   WEB2\r\n"
        b"not-an-ip web\r\n"
    )
    hosts = read_hosts(str(path))
    assert hosts.error is None
    web = hosts.only("web")
    assert [(e.line, e.address, e.names) for e in web.entries] == [
        (5, "10.0.0.8", ("web.wsx.test", "web", "WEB2"))
    ]
    assert [e.line for e in hosts.only("web2").entries] == [5]
    local = hosts.only("localhost")
    assert [(e.line, e.address, e.family) for e in local.entries] == [
        (2, "127.0.0.1", Family.IPV4),
        (3, "::1", Family.IPV6),
    ]
    assert [p.line for p in local.problems] == [6]
    assert local.path == str(path)


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_read_hosts_unreadable_is_a_value(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "hosts"
    if kind == "directory":
        path.mkdir()
    hosts = read_hosts(str(path))
    assert hosts.entries == ()
    assert hosts.error is not None and str(path) in hosts.error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hosts: files dns\n", ("files", "dns")),
        (
            "hosts:\tfiles\tmdns4_minimal [NOTFOUND=return] dns\n",
            ("files", "mdns4_minimal", "[NOTFOUND=return]", "dns"),
        ),
        (
            "hosts: files [NOTFOUND = return] dns # comment\n",
            ("files", "[NOTFOUND=return]", "dns"),
        ),
        (
            "hosts:files myhostname resolve [!UNAVAIL=return] dns\n",
            ("files", "myhostname", "resolve", "[!UNAVAIL=return]", "dns"),
        ),
        ("# hosts: dns files\nhosts: files\n", ("files",)),
        ("hosts: files\nhosts: dns\n", ("files",)),
        ("passwd: files\ngroup: files\n", ()),
        ("", ()),
    ],
)
def test_parse_nsswitch_hosts(text: str, expected: tuple[str, ...]) -> None:
    assert parse_nsswitch_hosts(text) == expected


def test_parse_gai_conf_keeps_effective_lines() -> None:
    text = (
        "# Configuration for getaddrinfo(3).\n"
        "#precedence ::ffff:0:0/96  100\n"
        "precedence  ::ffff:0:0/96   100   # IPv4 first\n"
        "label ::1/128       0\n"
        "reload yes\n"
        "scopev4 ::ffff:169.254.0.0/112  2\n"
        "bogus line here\n"
    )
    assert parse_gai_conf(text) == (
        "precedence ::ffff:0:0/96 100",
        "label ::1/128 0",
        "reload yes",
        "scopev4 ::ffff:169.254.0.0/112 2",
    )


def test_parse_resolv_conf_several_nameservers_and_options() -> None:
    text = (
        "# generated\n"
        "search example.com corp.example\n"
        "options ndots:2 timeout:1 attempts:2 rotate\n"
        "nameserver 10.0.0.53\n"
        "nameserver   fd00::53   # v6\n"
        "; nameserver 10.9.9.9\n"
        "nameserver 10.0.0.54 ; trailing\n"
        "nameserver 10.0.0.53\n"
        "nameserver 10.0.0.55\n"
        "nameserver\n"
    )
    # glibc's res_init: the first MAXNS (3) valid lines, the rest ignored with a reason.
    assert parse_resolv_conf_nameservers(text) == ("10.0.0.53", "fd00::53", "10.0.0.54")
    config = parse_resolv_conf(text)
    assert [(i.line, i.text, i.reason) for i in config.ignored] == [
        (8, "10.0.0.53", "beyond the first 3 (glibc MAXNS)"),
        (9, "10.0.0.55", "beyond the first 3 (glibc MAXNS)"),
    ]


@pytest.mark.parametrize(
    ("value", "used"),
    [
        ("127.0.0.1:5353", None),  # glibc has no port syntax
        ("[::1]:53", None),
        ("[::1]", None),
        ("dns.example", None),
        ("127.0.0.1#5353", None),
        ("127.1", "127.0.0.1"),  # inet_aton forms are accepted
        ("fe80::1%eth0", "fe80::1%eth0"),  # an IPv6 scope is kept
        ("::1", "::1"),
        ("10.0.0.1 trailing words", "10.0.0.1"),
    ],
)
def test_parse_resolv_conf_takes_what_glibc_takes(value: str, used: str | None) -> None:
    config = parse_resolv_conf(f"nameserver {value}\n")
    if used is None:
        assert config.used == ()
        assert [(i.line, i.reason) for i in config.ignored] == [(1, "not an address")]
    else:
        assert config.used == (used,) and config.ignored == ()


def test_parse_resolv_conf_many_nameservers_keeps_a_bounded_list() -> None:
    text = "".join(f"nameserver 10.0.{i // 256}.{i % 256}\n" for i in range(5000))
    config = parse_resolv_conf(text)
    assert config.used == ("10.0.0.0", "10.0.0.1", "10.0.0.2")
    assert config.ignored_count == 4997 and len(config.ignored) == 10


def test_readers_with_missing_files(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    assert read_nsswitch_hosts(missing) == ()
    assert read_gai_conf(missing) == ()
    servers, error = read_resolv_conf_nameservers(missing)
    assert servers == () and error is not None


def test_readers_with_files(tmp_path: Path) -> None:
    (tmp_path / "nsswitch.conf").write_text("passwd: files\nhosts: files dns\n")
    (tmp_path / "gai.conf").write_text("precedence ::ffff:0:0/96 100\n")
    (tmp_path / "resolv.conf").write_text("nameserver 127.0.0.53\noptions edns0\n")
    assert read_nsswitch_hosts(str(tmp_path / "nsswitch.conf")) == ("files", "dns")
    assert read_gai_conf(str(tmp_path / "gai.conf")) == ("precedence ::ffff:0:0/96 100",)
    assert read_resolv_conf_nameservers(str(tmp_path / "resolv.conf")) == (("127.0.0.53",), None)


@pytest.mark.parametrize(
    ("text", "address", "port", "label"),
    [
        ("127.0.0.1", "127.0.0.1", 53, "127.0.0.1"),
        ("127.0.0.1:5353", "127.0.0.1", 5353, "127.0.0.1:5353"),
        ("::1", "::1", 53, "::1"),
        ("[::1]:5353", "::1", 5353, "[::1]:5353"),
        ("[fd00::53]", "fd00::53", 53, "fd00::53"),
        (" 10.0.0.1:53 ", "10.0.0.1", 53, "10.0.0.1"),
    ],
)
def test_parse_nameserver(text: str, address: str, port: int, label: str) -> None:
    server = parse_nameserver(text)
    assert server == Nameserver(address, port)
    assert server.label == label


@pytest.mark.parametrize(
    "text", ["", "dns.example", "[::1", "[::1]5353", "127.0.0.1:0", "127.0.0.1:x", "1.2.3.4:70000"]
)
def test_parse_nameserver_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="nameserver"):
        parse_nameserver(text)


@pytest.mark.parametrize(
    ("name", "local"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("app.localhost", True),
        ("localhost.example", False),
        ("mylocalhost", False),
        ("example.com", False),
    ],
)
def test_is_localhost_name(name: str, local: bool) -> None:
    assert is_localhost_name(name) is local


# --- IP literals and overrides (in-process: getaddrinfo on a literal sends nothing) ---


@pytest.mark.parametrize(
    ("host", "address", "family"),
    [("127.0.0.1", "127.0.0.1", Family.IPV4), ("::1", "::1", Family.IPV6), ("[::1]", "::1", None)],
)
def test_literal_skips_hosts_and_dns(
    tmp_path: Path, host: str, address: str, family: Family | None
) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n::1 localhost\n")
    res = resolve(host, 8080, hosts_path=str(hosts), nameservers=["127.0.0.1:9"])
    assert res.is_literal
    assert res.host == address
    assert [(a.address, a.source) for a in res.getaddrinfo.order] == [(address, Source.LITERAL)]
    assert res.hosts_file.entries == () and res.hosts_file.path == str(hosts)
    assert res.dns.answers == () and res.dns.note
    assert res.override is None
    other = res.ipv6 if address == "127.0.0.1" else res.ipv4
    assert other.order == () and other.error  # the other family's lookup fails, as a value
    if family is not None:
        assert res.getaddrinfo.families() == (family,)


@pytest.mark.parametrize("host", ["127.1", "0x7f.0.0.1", "2130706433"])
def test_short_ipv4_forms_are_literals(host: str) -> None:
    res = resolve(host, 80, nameservers=["127.0.0.1:9"])
    assert res.is_literal
    assert [(a.address, a.source) for a in res.getaddrinfo.order] == [("127.0.0.1", Source.LITERAL)]
    assert res.dns.answers == ()


def test_override_applies_and_real_results_stay() -> None:
    pin = parse_resolve("127.0.0.1:8080:[::1],127.0.0.1")
    res = resolve("127.0.0.1", 8080, override=pin, dns=False)
    assert res.override == pin
    assert [a.address for a in res.addresses] == ["::1", "127.0.0.1"]
    assert all(a.source is Source.OVERRIDE for a in res.addresses)
    assert [a.address for a in res.getaddrinfo.order] == ["127.0.0.1"]
    assert res.to_json()["override"] == pin.to_json()


def test_override_for_another_port_is_dropped() -> None:
    res = resolve("127.0.0.1", 8080, override=parse_resolve("127.0.0.1:9090:[::1]"), dns=False)
    assert res.override is None
    assert [a.address for a in res.addresses] == ["127.0.0.1"]


async def test_resolve_async_literal() -> None:
    res = await resolve_async("::1", 80, dns=False)
    assert [a.address for a in res.getaddrinfo.order] == ["::1"]


# --- DNS against a real dnsmasq on loopback --------------------------------------------


@pytest.mark.needs_dnsmasq
def test_dns_a_and_aaaa(dns_server: DnsFactory) -> None:
    server = dns_server(records=RECORDS)
    report = query_nameservers("both.wsx.test", [server.nameserver], timeout=5)
    assert report.nameservers == (server.nameserver,)
    answers = by_type(report)
    assert [a.type for a in report.answers] == ["A", "AAAA"]
    assert answers["A"].outcome is DnsOutcome.ANSWER
    assert answers["A"].addresses == ("127.0.0.5",) and answers["A"].ttl == 60
    assert answers["AAAA"].outcome is DnsOutcome.ANSWER
    assert answers["AAAA"].addresses == ("fd00::5",) and answers["AAAA"].ttl == 60
    assert ("A", "both.wsx.test") in server.queries()
    assert ("AAAA", "both.wsx.test") in server.queries()


@pytest.mark.needs_dnsmasq
def test_dns_one_family_only_is_nodata(dns_server: DnsFactory) -> None:
    server = dns_server(records=RECORDS)
    v4 = by_type(query_nameservers("v4only.wsx.test", [server.nameserver], timeout=5))
    assert v4["A"].outcome is DnsOutcome.ANSWER and v4["A"].addresses == ("127.0.0.6",)
    assert v4["AAAA"].outcome is DnsOutcome.NO_ANSWER and v4["AAAA"].addresses == ()
    v6 = by_type(query_nameservers("v6only.wsx.test", [server.nameserver], timeout=5))
    assert v6["A"].outcome is DnsOutcome.NO_ANSWER
    assert v6["AAAA"].addresses == ("fd00::7",)


@pytest.mark.needs_dnsmasq
def test_dns_truncated_reply_is_retried_over_tcp(dns_server: DnsFactory) -> None:
    many = [f"127.0.1.{i}" for i in range(1, 61)]  # 60 A records: over 512 bytes
    server = dns_server(records={"many.wsx.test": many})
    answers = by_type(query_nameservers("many.wsx.test", [server.nameserver], timeout=5))
    assert answers["A"].outcome is DnsOutcome.ANSWER
    assert sorted(answers["A"].addresses) == sorted(many)


@pytest.mark.needs_dnsmasq
def test_dns_nxdomain_and_subdomains(dns_server: DnsFactory) -> None:
    server = dns_server(records=RECORDS)
    for name in ("nope.wsx.test", "sub.both.wsx.test"):
        report = query_nameservers(name, [server.nameserver], timeout=5)
        assert {a.outcome for a in report.answers} == {DnsOutcome.NXDOMAIN}
        assert report.answers[0].to_json()["error"] == "NXDOMAIN"


@pytest.mark.needs_dnsmasq
def test_dns_refused_is_an_error_value(dns_server: DnsFactory) -> None:
    server = dns_server(records=RECORDS, refuse_unknown=True)
    report = query_nameservers("example.invalid", [server.nameserver], timeout=5)
    assert [(a.outcome, a.error) for a in report.answers] == [(DnsOutcome.ERROR, "REFUSED")] * 2


@pytest.mark.needs_dnsmasq
def test_dns_over_ipv6_loopback(dns_server: DnsFactory) -> None:
    server = dns_server(records=RECORDS, address="::1")
    assert server.nameserver.startswith("[::1]:")
    report = query_nameservers("both.wsx.test", [server.nameserver], timeout=5)
    assert by_type(report)["AAAA"].addresses == ("fd00::5",)


@pytest.mark.needs_dnsmasq
@pytest.mark.parametrize("name", ["localhost", "LocalHost.", "app.localhost"])
def test_localhost_is_not_sent(dns_server: DnsFactory, name: str) -> None:
    server = dns_server(records=RECORDS)
    report = query_nameservers(name, [server.nameserver], timeout=5)
    assert [(a.type, a.outcome) for a in report.answers] == [
        ("A", DnsOutcome.LOCAL),
        ("AAAA", DnsOutcome.LOCAL),
    ]
    assert report.note is not None and report.note.startswith(LOCALHOST_NOTE)
    # Prove a query would have been logged, then that none was for this name.
    query_nameservers("both.wsx.test", [server.nameserver], timeout=5)
    logged = server.queries()
    assert ("A", "both.wsx.test") in logged
    assert not any(is_localhost_name(qname) for _, qname in logged)


@pytest.mark.needs_dnsmasq
def test_literal_sends_no_query(dns_server: DnsFactory) -> None:
    server = dns_server(records=RECORDS)
    res = resolve("127.0.0.5", 80, nameservers=[server.nameserver])
    assert res.dns.answers == ()
    assert server.queries() == []
    # The log does record queries: the same server, asked directly, shows them.
    query_nameservers("both.wsx.test", [server.nameserver], timeout=5)
    assert set(server.queries()) == {("A", "both.wsx.test"), ("AAAA", "both.wsx.test")}


def test_silent_nameserver_is_a_timeout() -> None:
    address, port, close = silent_nameserver()
    try:
        timeout = 0.5
        start = time.monotonic()
        report = query_nameservers("both.wsx.test", [f"{address}:{port}"], timeout=timeout)
        elapsed = time.monotonic() - start
    finally:
        close()
    assert [a.outcome for a in report.answers] == [DnsOutcome.TIMEOUT] * 2
    assert all(a.error and "0.5" in a.error for a in report.answers)
    assert elapsed < timeout * 3 + 5  # hang guard only


@pytest.mark.needs_dnsmasq
def test_silent_and_answering_nameservers(dns_server: DnsFactory) -> None:
    server = dns_server(records=RECORDS)
    address, port, close = silent_nameserver()
    silent = f"{address}:{port}"
    try:
        timeout = 1.0
        start = time.monotonic()
        report = query_nameservers("both.wsx.test", [silent, server.nameserver], timeout=timeout)
        elapsed = time.monotonic() - start
    finally:
        close()
    assert report.nameservers == (silent, server.nameserver)
    assert [a.nameserver for a in report.answers] == [silent, silent] + [server.nameserver] * 2
    assert {a.outcome for a in report.answers if a.nameserver == silent} == {DnsOutcome.TIMEOUT}
    good = by_type(report, server.nameserver)
    assert good["A"].outcome is DnsOutcome.ANSWER and good["A"].addresses == ("127.0.0.5",)
    assert good["AAAA"].addresses == ("fd00::5",)
    assert elapsed < timeout * 3 + 5  # hang guard only


@pytest.mark.parametrize("seed", range(8))
def test_garbage_nameserver_is_an_error_value(seed: int) -> None:
    address, port, close = garbage_nameserver(seed=seed)
    try:
        report = query_nameservers("both.wsx.test", [f"{address}:{port}"], timeout=1.0)
    finally:
        close()
    assert len(report.answers) == 2
    for answer in report.answers:
        # Junk is never an answer; the text says what went wrong.
        assert answer.outcome is DnsOutcome.ERROR, answer
        assert answer.addresses == () and answer.error


@pytest.mark.needs_dnsmasq
def test_bad_nameserver_spec_does_not_stop_the_others(dns_server: DnsFactory) -> None:
    server = dns_server(records=RECORDS)
    report = query_nameservers("both.wsx.test", ["dns.example", server.nameserver], timeout=5)
    bad = by_type(report, "dns.example")
    assert bad["A"].outcome is DnsOutcome.ERROR and "not an IP address" in (bad["A"].error or "")
    assert by_type(report, server.nameserver)["A"].addresses == ("127.0.0.5",)


# --- names: resolve() inside a namespace -----------------------------------------------

_RESOLVE_SCRIPT = """
import json, sys
from wsexplorer.model import parse_resolve
from wsexplorer.probes.resolution import resolve
kw = json.loads(sys.argv[1])
host, port = kw.pop("host"), kw.pop("port")
if kw.get("override"):
    kw["override"] = parse_resolve(kw["override"])
print(json.dumps(resolve(host, port, **kw).to_json()))
"""


def resolve_in(ns: Namespace, host: str, port: int = 80, **kwargs: Any) -> dict[str, Any]:
    """``resolve(host, port, **kwargs).to_json()`` computed inside ``ns``."""
    argv = [
        sys.executable,
        "-c",
        _RESOLVE_SCRIPT,
        json.dumps({"host": host, "port": port, **kwargs}),
    ]
    result = ns.run(argv, timeout=120)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def order(data: dict[str, Any], key: str = "getaddrinfo") -> list[tuple[str, str]]:
    """``(address, source)`` pairs of one getaddrinfo call in ``resolve --json`` output."""
    gai = data["getaddrinfo"]
    items = {
        "getaddrinfo": gai["order"],
        "addrconfig": gai["addrconfig_order"],
        "ipv4": gai["ipv4"]["order"],
        "ipv6": gai["ipv6"]["order"],
    }[key]
    return [(a["address"], a["source"]) for a in items]


@pytest.mark.needs_root
@pytest.mark.needs_netns
def test_hosts_file_sources_in_namespace(netns: NetnsFactory) -> None:
    hosts = (
        "# wsx test hosts\r\n"
        "127.0.0.1\tlocalhost\r\n"
        "::1 localhost ip6-localhost # loopback\r\n"
        "10.0.0.8  web.wsx.test web\r\n"
    )
    ns = netns(hosts=hosts, nsswitch="hosts: files\n")
    data = resolve_in(ns, "web", 8080, dns=False)
    assert order(data) == [("10.0.0.8", "hosts")]
    assert [(e["line"], e["names"]) for e in data["hosts_file"]["entries"]] == [
        (4, ["web.wsx.test", "web"])
    ]
    assert data["nsswitch"] == ["files"]
    assert data["dns"]["answers"] == [] and data["dns"]["note"]
    local = resolve_in(ns, "localhost", 8080, dns=False)
    assert order(local) == [("::1", "hosts"), ("127.0.0.1", "hosts")]
    assert [e["line"] for e in local["hosts_file"]["entries"]] == [2, 3]


@pytest.mark.needs_root
@pytest.mark.needs_netns
def test_ipv6_only_hosts_line_still_gives_ipv4_loopback(netns: NetnsFactory) -> None:
    # glibc nss_files answers an AF_INET query for a name listed only as ::1 with 127.0.0.1.
    ns = netns(hosts="::1\tlocalhost\n", nsswitch="hosts: files\n")
    data = resolve_in(ns, "localhost", dns=False)
    assert order(data) == [("::1", "hosts")]
    assert order(data, "ipv4") == [("127.0.0.1", "hosts")]


@pytest.mark.needs_root
@pytest.mark.needs_netns
@pytest.mark.needs_dnsmasq
def test_dns_sources_in_namespace(netns: NetnsFactory, dns_server: DnsFactory) -> None:
    ns = netns(
        hosts="127.0.0.1\tlocalhost\n",
        resolv_conf="search wsx.test\nnameserver 127.0.0.1\noptions timeout:1\n",
        nsswitch="hosts: files dns\n",
        gai_conf="# none\nprecedence ::ffff:0:0/96 100\n",
    )
    server = dns_server(records=RECORDS, port=53, netns=ns)
    data = resolve_in(ns, "both.wsx.test", dns_timeout=5)
    assert sorted(order(data)) == [("127.0.0.5", "dns"), ("fd00::5", "dns")]
    assert order(data, "ipv6") == [("fd00::5", "dns")]
    assert data["nsswitch"] == ["files", "dns"]
    assert data["gai_conf"] == ["precedence ::ffff:0:0/96 100"]
    assert data["dns"]["nameservers"] == ["127.0.0.1"]
    answers = {a["type"]: a for a in data["dns"]["answers"]}
    assert answers["A"]["addresses"] == ["127.0.0.5"] and answers["A"]["outcome"] == "answer"
    assert answers["AAAA"]["addresses"] == ["fd00::5"]
    missing = resolve_in(ns, "nope.wsx.test", dns_timeout=5)
    assert missing["getaddrinfo"]["order"] == []
    assert "Name or service not known" in missing["getaddrinfo"]["error"]
    assert {a["outcome"] for a in missing["dns"]["answers"]} == {"nxdomain"}
    assert ("A", "nope.wsx.test") in server.queries()


@pytest.mark.needs_root
@pytest.mark.needs_netns
@pytest.mark.needs_dnsmasq
def test_silent_nameserver_does_not_hide_the_other(
    netns: NetnsFactory, dns_server: DnsFactory
) -> None:
    ns = netns(hosts="127.0.0.1\tlocalhost\n", resolv_conf="nameserver 127.0.0.1\n")
    server = dns_server(records=RECORDS, port=53, netns=ns)
    address, port, close = silent_nameserver(netns=ns)
    try:
        silent = f"{address}:{port}"
        data = resolve_in(ns, "v4only.wsx.test", nameservers=[silent, "127.0.0.1"], dns_timeout=1)
    finally:
        close()
    assert order(data) == [("127.0.0.6", "dns")]
    got = {(a["nameserver"], a["type"]): a["outcome"] for a in data["dns"]["answers"]}
    assert got == {
        (silent, "A"): "timeout",
        (silent, "AAAA"): "timeout",
        ("127.0.0.1", "A"): "answer",
        ("127.0.0.1", "AAAA"): "no_answer",
    }
    assert ("A", "v4only.wsx.test") in server.queries()


@pytest.mark.needs_root
@pytest.mark.needs_netns
def test_override_in_namespace_keeps_the_real_order(netns: NetnsFactory) -> None:
    ns = netns(hosts=DEBIAN_HOSTS)
    data = resolve_in(ns, "localhost", 8080, override="localhost:8080:127.0.0.1", dns=False)
    assert order(data) == [("::1", "hosts"), ("127.0.0.1", "hosts")]
    assert data["override"]["spec"] == "localhost:8080:127.0.0.1"
    other_port = resolve_in(ns, "localhost", 9090, override="localhost:8080:127.0.0.1", dns=False)
    assert other_port["override"] is None


@pytest.mark.needs_root
@pytest.mark.needs_netns
def test_missing_resolv_conf_nameserver_falls_back_to_local(netns: NetnsFactory) -> None:
    ns = netns(hosts="127.0.0.1\tlocalhost\n", resolv_conf="search wsx.test\n")
    data = resolve_in(ns, "single", dns_timeout=0.5)
    assert data["dns"]["nameservers"] == ["127.0.0.1"]
    assert "127.0.0.1" in data["dns"]["note"] and "single-label" in data["dns"]["note"]
    # Nothing listens on 127.0.0.1:53 in the namespace: no answer, as a value.
    assert {a["outcome"] for a in data["dns"]["answers"]} <= {"timeout", "error"}


_ODD_NAMES_SCRIPT = """
import json, sys
from wsexplorer.probes.resolution import resolve
out = {}
for name in json.loads(sys.argv[1]):
    out[name] = resolve(name, 80, dns_timeout=2).to_json()
print(json.dumps(out))
"""


@pytest.mark.needs_root
@pytest.mark.needs_netns
@pytest.mark.needs_dnsmasq
def test_odd_names_are_values(netns: NetnsFactory, dns_server: DnsFactory) -> None:
    ns = netns(hosts="127.0.0.1\tlocalhost\n", resolv_conf="nameserver 127.0.0.1\n")
    dns_server(records=RECORDS, port=53, netns=ns)
    long_label = "a" * 70 + ".test"
    names = ["", " ", long_label, "bad..name", "a\x00b", "bücher.test", "localhost.", "::1%lo"]
    argv = [sys.executable, "-c", _ODD_NAMES_SCRIPT, json.dumps(names)]
    result = ns.run(argv, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data[""]["dns"]["answers"] == [] and "empty" in data[""]["dns"]["note"]
    assert data[" "]["host"] == ""
    for name in (long_label, "bad..name"):
        assert data[name]["getaddrinfo"]["error"]
        assert {a["outcome"] for a in data[name]["dns"]["answers"]} == {"error"}
    assert {a["outcome"] for a in data["bücher.test"]["dns"]["answers"]} == {"nxdomain"}
    assert {a["outcome"] for a in data["localhost."]["dns"]["answers"]} == {"local"}
    assert "single-label" not in data["localhost."]["dns"]["note"]
    assert data["::1%lo"]["is_literal"] is True
