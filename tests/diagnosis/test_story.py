"""The story behind the resolver's answer: a hosts-file line hiding DNS's answer, a
measured-dead hosts address, a name with no A record, and the ipv4-literal fix's target."""

from __future__ import annotations

from dataclasses import replace

from wsexplorer.diagnosis import diagnose, ipv4_target
from wsexplorer.diagnosis.shadow import dead_clause, hosts_dead, hosts_shadow, no_a_record
from wsexplorer.model import DnsAnswer, DnsOutcome, Observation, Source

from .builders import attempt, hosts_and_dns, seed_observation

HOST = "ws.example.com"
HOSTS = ("127.0.0.1\tlocalhost", "::1\tlocalhost", f"192.0.2.98\t{HOST}")


def _remote(order: tuple[str, ...], *tried: tuple[str, str]) -> Observation:
    return seed_observation(
        host=HOST,
        hosts_order=order,
        listen=(),
        local_target=False,
        attempts=tuple(attempt(a, outcome) for a, outcome in tried),
    )


def _stale(outcome: str | None = "unreachable") -> tuple[Observation, Observation]:
    tried = () if outcome is None else (("192.0.2.98", outcome),)
    plain = _remote(("192.0.2.98",), *tried)
    return plain, hosts_and_dns(plain, HOSTS, {"A": ["192.0.2.10"], "AAAA": []})


def test_stale_hosts_line_is_told_in_the_notes_and_the_summary() -> None:
    plain, obs = _stale()
    d = diagnose(obs)
    assert "line 3 of /etc/hosts (192.0.2.98) hides DNS's answer 192.0.2.10 for ws.example.com" in (
        d.notes
    )
    assert (
        "192.0.2.98 is unreachable (measured); DNS's answer 192.0.2.10 was not tried: "
        "fix or remove /etc/hosts line 3"
    ) in d.notes
    assert d.verdict.summary.startswith(
        "ws.example.com resolves to 192.0.2.98 first (line 3 of /etc/hosts, which hides "
        "DNS's answer 192.0.2.10), but "
    )
    # Sentences only: every prediction is the one without the hosts/DNS facts.
    assert d.clients == diagnose(plain).clients
    assert not any("hosts" in n for n in diagnose(plain).notes)


def test_stale_hosts_address_not_measured_dead_gets_no_fix_it_sentence() -> None:
    for outcome in (None, "connected", "error"):
        _, obs = _stale(outcome)
        assert hosts_shadow(obs) is not None
        assert hosts_dead(obs) is None
    assert dead_clause(_stale("refused")[1], "192.0.2.98") == (
        "192.0.2.98 refuses connections (measured)"
    )
    assert dead_clause(_stale("timeout")[1], "192.0.2.98") == "192.0.2.98 times out (measured)"


def test_several_hosts_lines_and_dns_answers() -> None:
    lines = (*HOSTS, f"2001:db8::98 {HOST}")
    plain = _remote(("2001:db8::98", "192.0.2.98"), ("2001:db8::98", "timeout"))
    obs = hosts_and_dns(plain, lines, {"A": ["192.0.2.10"], "AAAA": ["2001:db8::10"]})
    assert hosts_shadow(obs) == (
        "lines 3 and 4 of /etc/hosts (2001:db8::98, 192.0.2.98) hide DNS's answers "
        "192.0.2.10 and 2001:db8::10 for ws.example.com"
    )
    assert hosts_dead(obs) == (
        "2001:db8::98 times out (measured); DNS's answers 192.0.2.10 and 2001:db8::10 "
        "were not tried: fix or remove /etc/hosts line 4"
    )


def test_no_shadow_without_a_different_dns_answer_or_a_hosts_line() -> None:
    plain, _ = _stale()
    same = hosts_and_dns(plain, HOSTS, {"A": ["192.0.2.98"]})
    no_line = hosts_and_dns(plain, HOSTS[:2], {"A": ["192.0.2.10"]})
    failed = hosts_and_dns(plain, HOSTS, {"A": []})
    pinned = seed_observation(host=HOST, hosts_order=(), override=f"{HOST}:8080:192.0.2.98")
    pinned = hosts_and_dns(pinned, HOSTS, {"A": ["192.0.2.10"]})
    for obs in (same, no_line, failed, pinned):
        assert hosts_shadow(obs) is None
        assert hosts_dead(obs) is None
        assert "hides" not in diagnose(obs).verdict.summary


def test_hosts_source_without_its_line_is_not_a_shadow() -> None:
    # nss_files answers 127.0.0.1 from a ::1 line: from the file, yet no line says it.
    obs = seed_observation(host="myhost", hosts_order=("127.0.0.1",))
    obs = hosts_and_dns(obs, ("::1 myhost",), {"A": ["192.0.2.10"]})
    res = obs.resolution
    order = tuple(replace(a, source=Source.HOSTS) for a in res.getaddrinfo.order)
    obs = replace(obs, resolution=replace(res, getaddrinfo=replace(res.getaddrinfo, order=order)))
    assert obs.resolution.addresses[0].source is Source.HOSTS
    assert hosts_shadow(obs) is None


def test_aaaa_only_name_says_it_has_no_a_record() -> None:
    plain = seed_observation(
        host="v6.example.com",
        hosts_order=("2001:db8::10",),
        listen=(),
        local_target=False,
        attempts=(attempt("2001:db8::10", "timeout"),),
    )
    obs = hosts_and_dns(plain, HOSTS, {"A": [], "AAAA": ["2001:db8::10"]})
    d = diagnose(obs)
    assert d.verdict.summary.startswith(
        "v6.example.com has no A record (IPv4): only IPv6 addresses (2001:db8::10), but "
    )
    assert (
        "v6.example.com has no A record (IPv4): only IPv6 addresses (2001:db8::10), so no "
        "client has an IPv4 address to fall back to"
    ) in d.notes
    assert d.clients == diagnose(plain).clients
    assert "resolves to" in diagnose(plain).verdict.summary


def test_no_a_record_needs_a_dns_answer_without_ipv4() -> None:
    plain = seed_observation(host="v6.example.com", hosts_order=("2001:db8::10",))
    answered = hosts_and_dns(plain, (), {"A": ["192.0.2.10"]})
    timed_out = hosts_and_dns(plain, (), {})
    res = timed_out.resolution
    answer = DnsAnswer("192.0.2.53", "A", DnsOutcome.TIMEOUT)
    timed_out = replace(timed_out, resolution=replace(res, dns=replace(res.dns, answers=(answer,))))
    mixed = hosts_and_dns(
        seed_observation(host="v6.example.com", hosts_order=("2001:db8::10", "192.0.2.9")),
        (),
        {"A": []},
    )
    literal = hosts_and_dns(seed_observation(host="::1", hosts_order=("::1",)), (), {"A": []})
    gone = hosts_and_dns(seed_observation(host="v6.example.com", hosts_order=()), (), {"A": []})
    for obs in (answered, timed_out, mixed, literal, gone):
        assert no_a_record(obs) is None
    assert no_a_record(hosts_and_dns(plain, (), {"A": [], "AAAA": ["2001:db8::10"]}))


def test_ipv4_literal_never_suggests_a_measured_dead_address() -> None:
    _, obs = _stale()
    fix = diagnose(obs).fix("ipv4-literal")
    assert not fix.applicable
    assert fix.reason == (
        "every IPv4 address of ws.example.com was measured dead: "
        "192.0.2.98 is unreachable (measured)"
    )
    # The first address that connected (measured) wins over a dead or an unmeasured one.
    order = ("192.0.2.98", "192.0.2.7", "192.0.2.8")
    picked = _remote(order, ("192.0.2.98", "refused"), ("192.0.2.8", "connected"))
    assert ipv4_target(picked) == "192.0.2.8"
    fix = diagnose(picked).fix("ipv4-literal")
    assert fix.applicable and fix.label == "192.0.2.8"
    # Nothing connected: the first address not measured dead.
    assert ipv4_target(_remote(order, ("192.0.2.98", "timeout"))) == "192.0.2.7"
    # A dead own address is not replaced by loopback either.
    mixed = _remote(("::1", "192.0.2.98"), ("192.0.2.98", "unreachable"))
    assert ipv4_target(mixed) is None
