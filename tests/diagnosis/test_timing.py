"""When each client's outcome happens: the kernel's waits, Happy Eyeballs, own timeouts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wsexplorer.diagnosis import Fallback, TryResult, diagnose, predict
from wsexplorer.diagnosis.clients import (
    CHROME,
    CURL,
    NODE_16,
    NODE_17_19,
    NODE_20,
    PYTHON_WEBSOCKETS,
)
from wsexplorer.diagnosis.timing import (
    errno_of,
    neighbour_s,
    settle_try,
    syn_timeout_s,
    time_after_answer,
    timeline,
    try_step,
)
from wsexplorer.model import (
    Attempt,
    AttemptOutcome,
    ClientOutcome,
    Family,
    Handshake,
    HandshakeOutcome,
    Observation,
    ResponseHead,
    SystemFacts,
    TimeBasis,
    family_of,
)

from .builders import DEFAULT_SYSTEM, seed_observation

# The reference machine's kernel (Linux 6.x): 6 SYN retries, 4 linear timeouts, 3 s ARP.
KERNEL = replace(
    DEFAULT_SYSTEM,
    tcp_syn_retries=6,
    tcp_syn_linear_timeouts=4,
    neighbour_ipv4_ms=3000,
    neighbour_ipv6_ms=3000,
)
NO_ROUTE = "[Errno 113] Connect call failed ('192.0.2.98', 8080)"


def tr(address: str, outcome: str, error: str | None = None, ms: float | None = None) -> TryResult:
    fam = family_of(address) or Family.IPV4
    return TryResult(address, fam, AttemptOutcome(outcome), error is not None, error, ms)


def measured(
    address: str, outcome: str, error: str | None, ms: float, cut: bool = False
) -> Attempt:
    fam = family_of(address) or Family.IPV4
    return Attempt(address, fam, AttemptOutcome(outcome), error, ms, 0.0, 8080, cut)


@pytest.mark.parametrize(
    ("retries", "linear", "seconds"),
    [
        (1, 0, 3.0),
        (2, 0, 7.0),
        (3, 0, 15.0),
        (6, 0, 127.0),
        (1, 4, 3.0),
        (2, 4, 7.0),
        (3, 4, 19.0),  # measured 19.5 s on Linux 6.18 (the timer's slack)
        (6, 4, 131.0),
        (8, 0, 127.0 + 2 * 120),  # steps past TCP_RTO_MAX count 120 s
    ],
)
def test_syn_timeout(retries: int, linear: int, seconds: float) -> None:
    assert syn_timeout_s(retries, linear) == seconds


def test_errno_and_neighbour() -> None:
    assert errno_of(NO_ROUTE) == 113
    assert errno_of("timed out") is None and errno_of(None) is None
    assert neighbour_s(KERNEL, Family.IPV4) == 3.0
    assert neighbour_s(replace(KERNEL, neighbour_ipv6_ms=None), Family.IPV6) is None


def test_try_steps() -> None:
    def step(t: TryResult, facts: SystemFacts = KERNEL) -> tuple[float | None, str | None]:
        s = try_step(t, facts)
        return s.seconds, None if s.basis is None else s.basis.value

    assert step(tr("192.0.2.2", "connected")) == (0.0, "immediate")
    assert step(tr("192.0.2.2", "refused")) == (0.0, "refused")
    assert step(tr("192.0.2.3", "timeout")) == (131.0, "syn-retries")
    assert step(tr("192.0.2.3", "timeout"), DEFAULT_SYSTEM) == (None, "syn-retries")
    kernel = tr("192.0.2.3", "timeout", "[Errno 110] Connect call failed", 3060.0)
    assert step(kernel, DEFAULT_SYSTEM) == (3.06, "syn-retries")  # measured, settings unknown
    assert step(kernel) == (3.06, "syn-retries")  # measured beats computed
    assert step(tr("192.0.2.3", "unknown")) == (None, None)
    assert step(tr("192.0.2.98", "unreachable", NO_ROUTE, 3061.0)) == (3.0, "arp")
    v6 = tr("2001:db8::10", "unreachable", "[Errno 113] No route to host", 3050.0)
    assert step(v6) == (3.0, "nd")
    assert step(v6, replace(KERNEL, neighbour_ipv6_ms=None)) == (3.05, "nd")
    # An ICMP answer from a router: fast, as measured.
    assert step(tr("192.0.2.98", "unreachable", NO_ROUTE, 400.0)) == (0.4, "measured")
    assert step(tr("::1", "unreachable", "[Errno 101] Network is unreachable", 0.1)) == (
        0.0,
        "immediate",
    )
    assert step(tr("::1", "unreachable")) == (0.0, "immediate")


def test_timeline_policies() -> None:
    silent6, ok4 = tr("2001:db8::10", "timeout"), tr("192.0.2.2", "connected")
    # Node 20 abandons the silent attempt after 250 ms.
    node = timeline((silent6, ok4), NODE_20, Fallback.HAPPY_EYEBALLS, KERNEL)
    assert (node.time_s, node.basis, node.expired) == (0.25, TimeBasis.HAPPY_EYEBALLS, None)
    # curl starts IPv4 after 200 ms; Chrome after 300 ms.
    curl = timeline((silent6, ok4), CURL, Fallback.HAPPY_EYEBALLS, KERNEL)
    assert (curl.time_s, curl.basis) == (0.2, TimeBasis.HAPPY_EYEBALLS)
    assert timeline((silent6, ok4), CHROME, Fallback.HAPPY_EYEBALLS, KERNEL).time_s == 0.3
    # Python waits for the kernel, which outlasts open_timeout here...
    py = timeline((silent6, ok4), PYTHON_WEBSOCKETS, Fallback.SEQUENTIAL, KERNEL)
    assert (py.time_s, py.basis, py.expired) == (10.0, TimeBasis.OPEN_TIMEOUT, 0)
    # ...but not with one SYN retry (3 s).
    fast = replace(KERNEL, tcp_syn_retries=1)
    py = timeline((silent6, ok4), PYTHON_WEBSOCKETS, Fallback.SEQUENTIAL, fast)
    assert (py.time_s, py.basis, py.expired) == (3.0, TimeBasis.SYN_RETRIES, None)
    # Nothing known: no time.
    unknown = timeline((tr("::1", "unknown"),), NODE_16, Fallback.FIRST_ONLY, KERNEL)
    assert (unknown.time_s, unknown.basis) == (None, None)
    assert timeline((), NODE_16, Fallback.FIRST_ONLY, KERNEL).time_s is None
    no_kernel = timeline((silent6,), NODE_16, Fallback.FIRST_ONLY, DEFAULT_SYSTEM)
    assert (no_kernel.time_s, no_kernel.basis) == (None, None)


def test_lanes() -> None:
    silent4, ok4 = tr("192.0.2.3", "timeout"), tr("192.0.2.2", "connected")
    refused6 = tr("2001:db8::2", "refused")
    # One family: curl waits the whole SYN timeout before the next address, then its idle
    # poll (1 s).
    same = timeline((silent4, ok4), CURL, Fallback.HAPPY_EYEBALLS, KERNEL)
    assert (same.time_s, same.basis) == (132.0, TimeBasis.SYN_RETRIES)
    # A refusal starts the other family at once.
    quick = timeline((refused6, ok4), CURL, Fallback.HAPPY_EYEBALLS, KERNEL)
    assert (quick.time_s, quick.basis) == (0.0, TimeBasis.IMMEDIATE)
    # Everything fails: the last lane to end.
    both = timeline((refused6, silent4), CURL, Fallback.HAPPY_EYEBALLS, KERNEL)
    assert (both.time_s, both.basis) == (131.0, TimeBasis.SYN_RETRIES)
    # Unknown kernel: unknown time.
    assert (
        timeline((refused6, silent4), CURL, Fallback.HAPPY_EYEBALLS, DEFAULT_SYSTEM).time_s is None
    )
    # curl's own 300 s connect timeout.
    slow = replace(KERNEL, tcp_syn_retries=8)
    capped = timeline((silent4,), CURL, Fallback.HAPPY_EYEBALLS, slow)
    assert (capped.time_s, capped.basis, capped.expired) == (300.0, TimeBasis.CONNECT_TIMEOUT, 0)


def test_settle_cut_short() -> None:
    cut = replace(tr("2001:db8::10", "timeout", "timed out", 1600.0), cut_short=True)
    # Node abandons it after 250 ms anyway, unless it is the last address.
    assert settle_try(cut, NODE_20, Fallback.HAPPY_EYEBALLS, False) is cut
    assert settle_try(cut, NODE_20, Fallback.HAPPY_EYEBALLS, True).outcome == "unknown"
    assert settle_try(cut, NODE_17_19, Fallback.FIRST_ONLY, False).outcome == "unknown"
    short = replace(cut, elapsed_ms=100.0)
    assert settle_try(short, NODE_20, Fallback.HAPPY_EYEBALLS, False).outcome == "unknown"
    plain = tr("::1", "timeout")
    assert settle_try(plain, NODE_17_19, Fallback.FIRST_ONLY, True) is plain


def test_time_after_answer() -> None:
    conn = timeline((tr("::1", "connected"),), NODE_20, Fallback.HAPPY_EYEBALLS, KERNEL)
    assert time_after_answer(conn, None, NODE_20) is conn
    never = Handshake("::1", HandshakeOutcome.TIMEOUT)
    assert time_after_answer(conn, never, NODE_20).time_s is None
    assert time_after_answer(conn, never, CURL).time_s is None
    assert time_after_answer(conn, never, PYTHON_WEBSOCKETS).time_s == 10.0
    head = ResponseHead(200, 9000, 9000, 9000, True, True, False)
    held = Handshake("::1", HandshakeOutcome.INVALID, 101, head=head, limit="129 headers")
    assert time_after_answer(conn, held, PYTHON_WEBSOCKETS).time_s == 10.0


# --- end to end: the three cases of tests/scenarios/test_unreachable.py, on paper ---------


def _case(order: tuple[str, ...], attempts: tuple[Attempt, ...], facts: SystemFacts) -> Observation:
    return seed_observation(
        host="svc.test",
        hosts_order=order,
        local_target=False,
        attempts=attempts,
        system=facts,
    )


def test_arp_failure_every_client() -> None:
    obs = _case(("192.0.2.98",), (measured("192.0.2.98", "unreachable", NO_ROUTE, 3061.0),), KERNEL)
    expect = {
        "node-16": "connect EHOSTUNREACH 192.0.2.98:8080",
        "node-17-19": "connect EHOSTUNREACH 192.0.2.98:8080",
        "node-20": "connect EHOSTUNREACH 192.0.2.98:8080",
        "python-websockets": NO_ROUTE,
        "curl": "curl: (7) Failed to connect to svc.test port 8080 after 3000 ms: "
        "Couldn't connect to server",
        "chrome": "Error in connection establishment: net::ERR_ADDRESS_UNREACHABLE",
    }
    for strategy in (NODE_16, NODE_17_19, NODE_20, PYTHON_WEBSOCKETS, CURL, CHROME):
        p = predict(obs, strategy)
        assert (p.outcome, p.error) == (ClientOutcome.FAILS, expect[p.id])
        assert (p.time_s, p.time_basis) == (3.0, "arp")


def test_silent_aaaa_working_a() -> None:
    attempts = (
        measured("2001:db8::10", "timeout", "timed out", 3500.0),
        measured("192.0.2.2", "connected", None, 0.2),
    )
    obs = _case(("2001:db8::10", "192.0.2.2"), attempts, KERNEL)
    got = {s.id: predict(obs, s) for s in (NODE_16, NODE_17_19, NODE_20, PYTHON_WEBSOCKETS, CURL)}
    assert (got["node-16"].address, got["node-16"].time_s) == ("192.0.2.2", 0.0)
    assert got["node-17-19"].error == "connect ETIMEDOUT 2001:db8::10:8080"
    assert (got["node-17-19"].time_s, got["node-17-19"].time_basis) == (131.0, "syn-retries")
    assert (got["node-20"].address, got["node-20"].time_s) == ("192.0.2.2", 0.25)
    assert got["python-websockets"].error == "timed out during opening handshake"
    assert (got["python-websockets"].time_s, got["python-websockets"].time_basis) == (
        10.0,
        "open-timeout",
    )
    assert (got["curl"].address, got["curl"].time_s) == ("192.0.2.2", 0.2)
    # One SYN retry: Python's kernel timeout comes first and it moves on.
    fast = _case(("2001:db8::10", "192.0.2.2"), attempts, replace(KERNEL, tcp_syn_retries=1))
    py = predict(fast, PYTHON_WEBSOCKETS)
    assert (py.address, py.time_s, py.time_basis) == ("192.0.2.2", 3.0, "syn-retries")


def test_cut_short_is_unknown_unless_abandoned() -> None:
    attempts = (
        measured("2001:db8::10", "timeout", "timed out", 1600.0, cut=True),
        measured("192.0.2.2", "connected", None, 0.2),
    )
    obs = _case(("2001:db8::10", "192.0.2.2"), attempts, KERNEL)
    assert predict(obs, NODE_20).address == "192.0.2.2"
    p = predict(obs, NODE_17_19)
    assert p.outcome is ClientOutcome.UNKNOWN and p.time_s is None and p.time_basis is None
    assert "too short to tell a silent address" in p.why
    verdict = diagnose(obs).verdict.summary
    assert verdict.startswith("wsexplorer stopped waiting for 2001:db8::10 before ARP/ND")
    # A later failure after a cut-short try: unknown too.
    failing = (attempts[0], measured("192.0.2.2", "refused", None, 0.2))
    assert predict(_case(("2001:db8::10", "192.0.2.2"), failing, KERNEL), NODE_20).outcome is (
        ClientOutcome.UNKNOWN
    )


def test_silent_a_only() -> None:
    obs = _case(("192.0.2.3",), (measured("192.0.2.3", "timeout", "timed out", 3500.0),), KERNEL)
    fast = replace(obs, system=replace(KERNEL, tcp_syn_retries=1))
    assert predict(fast, NODE_20).error == "connect ETIMEDOUT 192.0.2.3:8080"
    assert predict(fast, PYTHON_WEBSOCKETS).error == "timed out during opening handshake"
    assert (predict(fast, PYTHON_WEBSOCKETS).time_s, predict(fast, CURL).time_s) == (3.0, 3.0)
    assert predict(fast, CURL).error == (
        "curl: (28) Failed to connect to svc.test port 8080 after 3000 ms: "
        "Couldn't connect to server"
    )
    # The JSON carries both keys.
    doc = predict(obs, NODE_16).to_json()
    assert (doc["time_s"], doc["time_basis"]) == (131.0, "syn-retries")
    # The report says the SYN timeout was computed, not waited for...
    assert (
        "192.0.2.3 did not answer while wsexplorer waited: the kernel's SYN timeout of 131 s "
        "(net.ipv4.tcp_syn_retries=6, tcp_syn_linear_timeouts=4) is computed, not waited for"
    ) in diagnose(obs).notes
    # ...not when the kernel's own ETIMEDOUT was measured, nor without the settings.
    kernel = measured("192.0.2.3", "timeout", "[Errno 110] Connect call failed", 3000.0)
    measured_obs = replace(fast, attempts=(kernel,))
    assert not any("SYN timeout" in n for n in diagnose(measured_obs).notes)
    unknown = replace(obs, system=DEFAULT_SYSTEM)
    assert not any("SYN timeout" in n for n in diagnose(unknown).notes)


def test_node_builtin_websocket_gives_up_at_undicis_10_s() -> None:
    """undici's connect timeout (10 s) ends a silent connect the kernel would wait 131 s
    for; with a 3 s SYN timeout the kernel ends it first (checked with Node 22.23.5 and
    24.22.3: 10.5 s, tests/scenarios/test_unreachable.py)."""
    from wsexplorer.diagnosis.clients import NODE_WEBSOCKET, NODE_WEBSOCKET_24

    obs = _case(("192.0.2.3",), (measured("192.0.2.3", "timeout", "timed out", 3500.0),), KERNEL)
    for client in (NODE_WEBSOCKET, NODE_WEBSOCKET_24):
        slow = predict(obs, client)
        assert (slow.outcome, slow.time_s, slow.time_basis) == (
            ClientOutcome.FAILS,
            10.0,
            TimeBasis.CONNECT_TIMEOUT,
        )
        assert "its own connect timeout (10 s) ends the attempt" in slow.why
    fast = replace(obs, system=replace(KERNEL, tcp_syn_retries=1))
    assert predict(fast, NODE_WEBSOCKET).time_s == 3.0
