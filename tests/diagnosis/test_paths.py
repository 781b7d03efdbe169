"""Slow paths and the fixes that fit a path: dead records, stale hosts lines, client knobs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients import CURL, NODE_20, PYTHON_WEBSOCKETS
from wsexplorer.diagnosis.context import Knob, WhatIf
from wsexplorer.diagnosis.paths import attempt_timeout_ms
from wsexplorer.diagnosis.simulate import simulate
from wsexplorer.diagnosis.strategy import TryResult
from wsexplorer.diagnosis.timing import timeline
from wsexplorer.model import (
    Address,
    Attempt,
    AttemptOutcome,
    ClientOutcome,
    Family,
    FixHow,
    Observation,
    Source,
    TimeBasis,
    family_of,
)

from .builders import DEFAULT_SYSTEM, handshake, hosts_and_dns, seed_observation

SYSTEM = replace(DEFAULT_SYSTEM, tcp_syn_retries=1, tcp_syn_linear_timeouts=0)


def measured(address: str, outcome: str, ms: float = 0.5, error: str | None = None) -> Attempt:
    fam = family_of(address) or Family.IPV4
    return Attempt(address, fam, AttemptOutcome(outcome), error, ms, 0.0, 8080)


def remote(
    host: str,
    order: tuple[str, ...],
    attempts: tuple[Attempt, ...],
    probes: tuple[Attempt, ...] = (),
) -> Observation:
    connected = next((a.address for a in attempts if a.outcome is AttemptOutcome.CONNECTED), None)
    return seed_observation(
        host=host,
        hosts_order=order,
        local_target=False,
        listeners_known=False,
        listen=(),
        attempts=attempts,
        probes=probes,
        handshake=handshake(connected, "ok", 101) if connected else None,
        system=SYSTEM,
    )


SLOW = remote(
    "slow.test",
    ("192.0.2.201", "2001:db8:1::10"),
    (
        measured("192.0.2.201", "connected", 1020.0),
        measured("2001:db8:1::10", "unreachable", 0.1, "[Errno 101] Network is unreachable"),
    ),
)
SILENT_FIRST = remote(
    "sa.test",
    ("192.0.2.3", "192.0.2.200"),
    (
        measured("192.0.2.3", "timeout", 3073.0, "[Errno 110] Connect call failed"),
        measured("192.0.2.200", "connected"),
    ),
)
REFUSED_AAAA = remote(
    "r6.test",
    ("2001:db8::2", "192.0.2.200"),
    (measured("2001:db8::2", "refused"), measured("192.0.2.200", "connected")),
)


def test_node_20_abandons_a_slow_working_path_and_others_wait_for_it() -> None:
    d = diagnose(SLOW)
    node = d.client("node-20")
    assert (node.outcome, node.error) == (ClientOutcome.FAILS, "AggregateError [ETIMEDOUT]:")
    assert (node.time_s, node.time_basis) == (0.25, TimeBasis.HAPPY_EYEBALLS.value)
    assert "abandoned after 250 ms" in node.why and "connects after 1.0 s" in node.why
    for cid in ("node-16", "node-17-19", "python-websockets", "curl", "chrome"):
        c = d.client(cid)
        assert (c.outcome, c.address, c.time_s) == (ClientOutcome.CONNECTS, "192.0.2.201", 1.02)
        assert c.time_basis == TimeBasis.MEASURED.value


def test_a_longer_attempt_timeout_lets_node_connect() -> None:
    fix = diagnose(SLOW).fix("node-attempt-timeout")
    assert fix.works and fix.how is FixHow.MEASURED and fix.key is None and fix.change is None
    assert "autoSelectFamilyAttemptTimeout: 2000" in fix.node
    assert "cannot be tried live" in fix.reason
    assert fix.clients == ("node-17-19", "node-20", "node-websocket", "node-websocket-24")
    after = {c.id: c for c in fix.after}
    assert (after["node-20"].outcome, after["node-20"].time_s) == (ClientOutcome.CONNECTS, 1.02)
    assert attempt_timeout_ms(100) == 500 and attempt_timeout_ms(1020) == 2000


def test_an_unreachable_aaaa_gets_the_path_fix_not_listen_on_dual_stack() -> None:
    d = diagnose(SLOW)
    aaaa = d.fix("dns-remove-aaaa")
    assert aaaa.works and aaaa.how is FixHow.MEASURED
    assert aaaa.detail.startswith("2001:db8:1::10 is unreachable (measured): repair the IPv6 path")
    assert "remove the AAAA record of slow.test so clients use 192.0.2.201" in aaaa.detail
    assert "the DNS zone" in aaaa.reason
    dual = d.fix("server-dual-stack")
    assert not dual.applicable and "its bind is not what fails, the path is" in dual.detail
    assert "listen on" not in dual.detail


def test_a_refused_aaaa_asks_for_ipv6_on_the_server_or_no_record() -> None:
    d = diagnose(REFUSED_AAAA)
    assert "make the server accept IPv6 there" in d.fix("dns-remove-aaaa").detail
    assert d.fix("dns-remove-aaaa").works
    assert "listen on ::" in d.fix("server-dual-stack").detail  # reachable: the bind may be it


def test_a_dead_first_a_record_and_python_happy_eyeballs() -> None:
    d = diagnose(SILENT_FIRST)
    assert d.client("curl").time_s == pytest.approx(4.073)  # its idle poll after the timeout
    assert d.client("python-websockets").time_s == pytest.approx(3.073)
    chrome = d.client("chrome")  # its staggered race does not wait for the kernel
    assert (chrome.address, chrome.time_s, chrome.time_basis) == (
        "192.0.2.200",
        0.3,
        "happy-eyeballs",
    )
    aiohttp = d.client("python-aiohttp")  # the next A record after 250 ms, no kernel wait
    assert (aiohttp.address, aiohttp.time_s, aiohttp.time_basis) == (
        "192.0.2.200",
        0.25,
        "happy-eyeballs",
    )
    bun = d.client("bun")  # every address at once: the working one answers first
    assert (bun.outcome, bun.address) == (ClientOutcome.CONNECTS, "192.0.2.200")
    assert bun.time_s is not None and bun.time_s < 0.1
    deno = d.client("deno")  # one family: one address after the other
    assert deno.time_s == pytest.approx(3.073)
    dead = d.fix("dns-remove-dead-a")
    assert dead.works
    assert "remove the A record (192.0.2.3) of sa.test" in dead.detail
    knob = d.fix("python-happy-eyeballs")
    assert knob.python == "websockets.connect(url, happy_eyeballs_delay=0.25)"
    assert knob.clients == ("python-websockets",)
    assert not knob.works  # Node 16 and 17-19 still try only the silent address
    python = next(c for c in knob.after if c.id == "python-websockets")
    assert (python.outcome, python.address, python.time_s) == (
        ClientOutcome.CONNECTS,
        "192.0.2.200",
        0.25,
    )
    assert "node-attempt-timeout" not in {f.id for f in d.fixes}


def test_path_fixes_are_listed_only_where_they_apply() -> None:
    ids = {f.id for f in diagnose(seed_observation(measured=True)).fixes}
    assert not ids & {"dns-remove-aaaa", "dns-remove-dead-a", "hosts-line"}
    only_v6_dead = remote(
        "x.test",
        ("2001:db8::2", "2001:db8::3"),
        (measured("2001:db8::2", "refused"), measured("2001:db8::3", "connected")),
    )
    assert {f.id for f in diagnose(only_v6_dead).fixes}.isdisjoint({"dns-remove-aaaa"})


def test_a_stale_hosts_line_hiding_a_working_dns_answer() -> None:
    obs = remote(
        "stale.test",
        ("192.0.2.4",),
        (measured("192.0.2.4", "refused"),),
        (measured("192.0.2.200", "connected"),),
    )
    obs = hosts_and_dns(
        obs, ["127.0.0.1 localhost", "192.0.2.4 stale.test"], {"A": ["192.0.2.200"]}
    )
    fix = diagnose(obs).fix("hosts-line")
    assert fix.title == "Fix /etc/hosts line 2"
    assert fix.works and fix.how is FixHow.MEASURED
    assert fix.detail.startswith("fix or remove line 2 of /etc/hosts (192.0.2.4), so stale.test")
    assert "192.0.2.4 refuses connections (measured); DNS's 192.0.2.200 accepts" in fix.detail
    assert "/etc/hosts" in fix.reason


def test_a_dead_aaaa_from_the_hosts_file_names_its_line() -> None:
    obs = remote(
        "both.test",
        ("2001:db8::10", "192.0.2.2"),
        (measured("2001:db8::10", "timeout", 3000.0), measured("192.0.2.2", "connected")),
    )
    obs = hosts_and_dns(obs, ["2001:db8::10 both.test", "192.0.2.2 both.test"], {})
    fix = diagnose(obs).fix("dns-remove-aaaa")
    assert "remove line 1 of /etc/hosts of both.test" in fix.detail
    assert "the hosts file" in fix.reason


def test_a_what_if_answer_keeps_addrconfig_dropping_a_family() -> None:
    obs = seed_observation(
        host="x.test",
        hosts_order=("2001:db8::2", "192.0.2.2"),
        addrconfig_order=("192.0.2.2",),
        local_target=False,
        listeners_known=False,
        attempts=(measured("192.0.2.2", "connected"),),
    )
    ctx = WhatIf(resolved=(Address.of("2001:db8::9", Source.DNS), Address.of("192.0.2.2")))
    node = simulate(obs, NODE_20, ctx)
    assert [a.address for a in node.candidates] == ["192.0.2.2"]
    assert "AI_ADDRCONFIG drops 2001:db8::9" in node.prediction.why
    python = simulate(obs, PYTHON_WEBSOCKETS, ctx)
    assert [a.address for a in python.candidates] == ["2001:db8::9", "192.0.2.2"]


def _try(address: str, outcome: str, ms: float | None = 0.0) -> TryResult:
    return TryResult(
        address, family_of(address) or Family.IPV4, AttemptOutcome(outcome), True, None, ms
    )


STAGGERED = replace(
    PYTHON_WEBSOCKETS, fallback=NODE_20.fallback, happy_eyeballs_ms=250, staggered=True
)


def test_the_staggered_race() -> None:
    refused = _try("192.0.2.4", "refused")
    silent = _try("192.0.2.3", "timeout", None)
    ok = _try("192.0.2.2", "connected")
    assert timeline((refused, ok), STAGGERED, STAGGERED.fallback, SYSTEM).time_s == 0.0
    won = timeline((silent, ok), STAGGERED, STAGGERED.fallback, SYSTEM)
    assert (won.time_s, won.basis) == (0.25, TimeBasis.HAPPY_EYEBALLS)
    lost = timeline((silent, refused), STAGGERED, STAGGERED.fallback, SYSTEM)
    assert (lost.time_s, lost.basis) == (3.0, TimeBasis.SYN_RETRIES)
    unknown = timeline(
        (silent,), STAGGERED, STAGGERED.fallback, replace(SYSTEM, tcp_syn_retries=None)
    )
    assert unknown.time_s is None
    slow = replace(SYSTEM, tcp_syn_retries=4)  # 31 s: past open_timeout
    capped = timeline(
        (silent, _try("192.0.2.5", "timeout", None)), STAGGERED, STAGGERED.fallback, slow
    )
    assert (capped.time_s, capped.basis, capped.expired) == (10.0, TimeBasis.OPEN_TIMEOUT, 1)


def test_curl_pauses_only_between_addresses_of_one_family() -> None:
    silent = _try("192.0.2.3", "timeout", None)
    lone = timeline((silent,), CURL, CURL.fallback, SYSTEM)
    assert lone.time_s == 3.0
    unknown = replace(SYSTEM, tcp_syn_retries=None)
    assert (
        timeline((silent, _try("192.0.2.2", "connected")), CURL, CURL.fallback, unknown).time_s
        is None
    )


def test_a_knob_leaves_other_clients_alone() -> None:
    ctx = WhatIf(knob=Knob(frozenset({"python-websockets"}), 250, staggered=True))
    assert ctx.affects(PYTHON_WEBSOCKETS) and not ctx.affects(NODE_20)
    assert ctx.apply(NODE_20) is NODE_20
    assert ctx.apply(PYTHON_WEBSOCKETS).staggered


def test_the_verdict_says_the_path_is_slow_not_dead() -> None:
    summary = diagnose(SLOW).verdict.summary
    assert summary == (
        "slow.test resolves to 192.0.2.201 first, but 192.0.2.201:8080 connects only after "
        "1.0 s (measured), slower than a Happy Eyeballs attempt timeout; Node.js 20+ ws, "
        "Node.js 22 WebSocket and Node.js 24 WebSocket fail"
    )


def test_curl_moves_on_at_once_after_an_early_refusal() -> None:
    obs = remote(
        "ra.test",
        ("192.0.2.4", "192.0.2.200"),
        (measured("192.0.2.4", "refused"), measured("192.0.2.200", "connected")),
    )
    curl = diagnose(obs).client("curl")
    assert (curl.address, curl.time_s, curl.time_basis) == ("192.0.2.200", 0.0, "immediate")
    late = _try("192.0.2.3", "error", 500.0)
    line = timeline((late, _try("192.0.2.2", "connected")), CURL, CURL.fallback, SYSTEM)
    assert line.time_s == pytest.approx(1.5)  # failed after the timer: its 1 s poll


def test_a_timeout_cut_short_is_not_a_dead_address() -> None:
    short = replace(measured("192.0.2.3", "timeout", 1000.0, "timed out"), cut_short=True)
    obs = remote(
        "sa.test", ("192.0.2.3", "192.0.2.200"), (short, measured("192.0.2.200", "connected"))
    )
    assert "dns-remove-dead-a" not in {f.id for f in diagnose(obs).fixes}
