"""predict(): the one simulation, policy by policy and under what-if contexts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wsexplorer.diagnosis import AddressOrder, Fallback, WhatIf, curl_strategy, predict
from wsexplorer.diagnosis.clients import (
    CHROME,
    CURL,
    NODE_16,
    NODE_17_19,
    NODE_20,
    PYTHON_WEBSOCKETS,
)
from wsexplorer.diagnosis.simulate import simulate
from wsexplorer.diagnosis.strategy import ClientStrategy
from wsexplorer.model import (
    ClientOutcome,
    ClientPrediction,
    Family,
    FamilyChoice,
    GaiResult,
    Observation,
    SystemFacts,
)
from wsexplorer.model.resolution import NameLookup

from .builders import attempt, gai, handshake, make_listener, seed_observation


def addresses(p: ClientPrediction) -> list[str]:
    return [t.address for t in p.tries]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4", Family.IPV4),
        ("6", Family.IPV6),
        ("auto", None),
    ],
)
def test_family_choice_parses_the_command_line_spelling(
    value: str, expected: Family | None
) -> None:
    choice = FamilyChoice.parse(value)
    assert choice is not None and choice.value == value
    assert choice.forced is expected


@pytest.mark.parametrize("value", ["ipv4", " 6 ", "inet6", "", None, 4])
def test_family_choice_rejects_other_spellings(value: object) -> None:
    assert FamilyChoice.parse(value) is None


def test_happy_eyeballs_interleaves_families_from_the_first() -> None:
    obs = seed_observation(
        host="multi.test",
        hosts_order=("2001:db8::1", "2001:db8::2", "192.0.2.1", "192.0.2.2"),
        listen=(),
    )
    assert addresses(predict(obs, NODE_20)) == [
        "2001:db8::1",
        "192.0.2.1",
        "2001:db8::2",
        "192.0.2.2",
    ]
    assert addresses(predict(obs, PYTHON_WEBSOCKETS)) == [
        "2001:db8::1",
        "2001:db8::2",
        "192.0.2.1",
        "192.0.2.2",
    ]
    assert addresses(predict(obs, NODE_16)) == ["192.0.2.1"]


def test_ipv4first_is_stable_within_a_family() -> None:
    obs = seed_observation(host="multi.test", hosts_order=("2001:db8::1", "192.0.2.2", "192.0.2.1"))
    run = simulate(obs, NODE_16)
    assert [a.address for a in run.candidates] == ["192.0.2.2", "192.0.2.1", "2001:db8::1"]


def test_forced_family_turns_node_20_into_a_plain_connect() -> None:
    obs = seed_observation(listen=(), hosts_order=("::1", "127.0.0.1", "127.0.0.2"))
    run = simulate(obs, NODE_20, WhatIf(family=Family.IPV4))
    assert run.fallback is Fallback.FIRST_ONLY
    assert run.prediction.error == "connect ECONNREFUSED 127.0.0.1:8080"
    assert run.prediction.why.startswith("uses IPv4 only; tries only the first address")
    py = predict(obs, PYTHON_WEBSOCKETS, ctx=WhatIf(family=Family.IPV4))
    assert addresses(py) == ["127.0.0.1", "127.0.0.2"]


def test_chrome_cannot_be_forced_by_a_fix_nor_by_the_user() -> None:
    # Issue 12: "Chrome cannot be forced" while --family 6 showed it forced. No flag
    # reaches Chrome, so --family leaves it as it is.
    obs = seed_observation()
    assert addresses(predict(obs, CHROME, ctx=WhatIf(family=Family.IPV4))) == ["::1", "127.0.0.1"]
    forced_by_user = replace(obs, family=FamilyChoice.IPV4)
    assert addresses(predict(forced_by_user, CHROME)) == ["::1", "127.0.0.1"]
    # The fix's family wins over the user's for clients that can be forced.
    six = replace(obs, family=FamilyChoice.IPV6)
    assert addresses(predict(six, NODE_17_19, ctx=WhatIf(family=Family.IPV4))) == ["127.0.0.1"]


def test_runtime_order_and_upgrade_contexts() -> None:
    obs = seed_observation()
    ipv4first = WhatIf(runtime_order=("node", AddressOrder.IPV4FIRST))
    p = predict(obs, NODE_17_19, ctx=ipv4first)
    assert p.connects and addresses(p) == ["127.0.0.1"]
    assert predict(obs, PYTHON_WEBSOCKETS, ctx=ipv4first).tries[0].address == "::1"
    up = WhatIf(upgrade_to=NODE_20)
    p = predict(obs, NODE_17_19, ctx=up)
    assert (p.id, p.name) == ("node-17-19", "Node.js 17-19 ws")
    assert p.connects and addresses(p) == ["::1", "127.0.0.1"]
    assert not up.affects(NODE_20) and not up.affects(CURL) and up.affects(NODE_16)
    assert up.apply(PYTHON_WEBSOCKETS) is PYTHON_WEBSOCKETS


def test_host_context_uses_the_literal() -> None:
    obs = seed_observation()
    p = predict(obs, CHROME, ctx=WhatIf(host="127.0.0.1"))
    assert p.connects and addresses(p) == ["127.0.0.1"] and "itself" not in p.why


def test_listener_context_ignores_measurements() -> None:
    obs = seed_observation(measured=True)
    dual = WhatIf(listeners=(make_listener("::"),))
    p = predict(obs, NODE_17_19, ctx=dual)
    assert p.connects and p.address == "::1"


def test_sequential_single_address_failure_story() -> None:
    obs = seed_observation(hosts_order=("::1",), listen="0.0.0.0")
    p = predict(obs, PYTHON_WEBSOCKETS)
    assert p.error == "[Errno 111] Connect call failed ('::1', 8080, 0, 0)"
    assert p.why == "tries its only address, ::1, and nothing listens on ::1:8080 (IPv6)"


def test_python_timeout_ends_the_connect() -> None:
    obs = seed_observation(attempts=(attempt("::1", "timeout"),))
    p = predict(obs, PYTHON_WEBSOCKETS)
    assert addresses(p) == ["::1"]
    assert p.error == "timed out during opening handshake"
    # Kernel settings unknown: Linux's SYN timeout outlasts open_timeout.
    assert p.why == "::1 times out, and its open_timeout (10 s) ends the attempt"
    assert (p.time_s, p.time_basis) == (10.0, "open-timeout")
    # Node 20 moves on after its 250 ms attempt timeout.
    assert predict(obs, NODE_20).address == "127.0.0.1"
    assert predict(obs, NODE_17_19).why.endswith("the connect to ::1:8080 times out")


def test_unknown_after_a_measured_failure() -> None:
    obs = seed_observation(
        host="ws.example.com",
        hosts_order=("2001:db8::1", "192.0.2.1"),
        local_target=False,
        attempts=(attempt("2001:db8::1", "refused"),),
    )
    p = predict(obs, PYTHON_WEBSOCKETS)
    assert p.outcome is ClientOutcome.UNKNOWN
    assert [(t.address, t.outcome) for t in p.tries] == [
        ("2001:db8::1", "refused"),
        ("192.0.2.1", "unknown"),
    ]
    assert p.why.startswith("2001:db8::1 is refused, then whether anything accepts 192.0.2.1:8080")
    first_only = predict(obs, NODE_17_19)
    assert first_only.outcome is ClientOutcome.FAILS
    assert first_only.why.endswith("2001:db8::1:8080 refused the connection (measured)")


def test_unreachable_without_ipv6_disabled_and_error_reasons() -> None:
    obs = seed_observation(attempts=(attempt("::1", "unreachable"),), listen="0.0.0.0")
    assert predict(obs, NODE_17_19).why.endswith("and ::1 is unreachable")
    err = seed_observation(attempts=(attempt("::1", "error", error="boom"),))
    assert predict(err, NODE_17_19).why.endswith("the connect to ::1:8080 fails (boom)")
    bare = seed_observation(attempts=(attempt("::1", "error"),))
    assert predict(bare, NODE_17_19).why.endswith("the connect to ::1:8080 fails")


def test_handshake_without_status_and_other_outcomes() -> None:
    obs = seed_observation(listen="::", handshake=handshake("::1", "http_status", None))
    assert predict(obs, NODE_17_19).why.endswith("with HTTP ?")
    closed = seed_observation(listen="::", handshake=handshake("::1", "closed"))
    assert predict(closed, NODE_17_19).why.endswith("without answering the WebSocket upgrade")
    slow = seed_observation(listen="::", handshake=handshake("::1", "timeout"))
    assert predict(slow, NODE_17_19).why.endswith("never answers the WebSocket upgrade")
    bad = seed_observation(listen="::", handshake=handshake("::1", "error"))
    assert predict(bad, NODE_17_19).why.endswith("with an invalid response")


def test_newer_curl_tries_ipv6_first() -> None:
    curl8 = curl_strategy((8, 5, 0))
    p = predict(seed_observation(), curl8)
    assert p.connects and addresses(p) == ["::1", "127.0.0.1"]


def test_old_curl_uses_the_resolver() -> None:
    curl7 = curl_strategy((7, 74, 0))
    obs = seed_observation(hosts_order=("127.0.0.1",))
    p = predict(obs, curl7)
    assert addresses(p) == ["127.0.0.1"] and "itself" not in p.why


def test_override_bypasses_addrconfig() -> None:
    from wsexplorer.model import SystemFacts

    system = SystemFacts(ipv6_enabled=True, has_ipv4=True, has_ipv6=False)
    obs = seed_observation(
        system=system, hosts_order=("127.0.0.1",), override="localhost:8080:[::1],127.0.0.1"
    )
    p = predict(obs, NODE_17_19)
    assert p.error == "connect ECONNREFUSED ::1:8080"
    assert "AI_ADDRCONFIG" not in p.why


# glibc's files backend answers localhost per family: with only ``::1 localhost`` the
# AF_INET call still returns 127.0.0.1 (docs/clients.md#resolver-family).
_EAI_AGAIN = "[Errno -3] Temporary failure in name resolution"


def _v6_only_hosts(family: FamilyChoice = FamilyChoice.AUTO) -> Observation:
    obs = seed_observation(hosts_order=("::1",), listen="127.0.0.1", family=family)
    res = replace(obs.resolution, ipv4=gai(["127.0.0.1"]), ipv6=gai(["::1"]))
    return replace(obs, resolution=res)


@pytest.mark.parametrize("client", [NODE_16, NODE_17_19, NODE_20, PYTHON_WEBSOCKETS])
def test_forced_family_uses_the_measured_per_family_answer(client: ClientStrategy) -> None:
    by_fix = predict(_v6_only_hosts(), client, ctx=WhatIf(family=Family.IPV4))
    by_user = predict(_v6_only_hosts(family=FamilyChoice.IPV4), client)
    for p in (by_fix, by_user):
        assert p.connects and p.address == "127.0.0.1" and addresses(p) == ["127.0.0.1"]
    # Unforced, the both-families answer (::1 alone) is what the client tries.
    assert addresses(predict(_v6_only_hosts(), client)) == ["::1"]


@pytest.mark.parametrize(
    ("client", "error"),
    [
        (NODE_16, "getaddrinfo EAI_AGAIN ipv4.test"),
        (NODE_20, "getaddrinfo EAI_AGAIN ipv4.test"),
        (PYTHON_WEBSOCKETS, _EAI_AGAIN),
        (CURL, "curl: (6) Could not resolve host: ipv4.test"),
    ],
)
def test_forced_family_fails_with_the_per_family_error(client: ClientStrategy, error: str) -> None:
    obs = seed_observation(host="ipv4.test", hosts_order=("127.0.0.1",), family=FamilyChoice.IPV6)
    obs = replace(obs, resolution=replace(obs.resolution, ipv6=gai([], error=_EAI_AGAIN)))
    p = predict(obs, client)
    assert p.outcome is ClientOutcome.FAILS and p.error == error
    assert p.why == f"uses IPv6 only; ipv4.test has no IPv6 address ({_EAI_AGAIN})"


def test_forced_family_filters_when_the_per_family_answer_was_not_measured() -> None:
    obs = _v6_only_hosts(family=FamilyChoice.IPV4)
    unmeasured = replace(obs, resolution=replace(obs.resolution, ipv4=GaiResult()))
    pinned = seed_observation(
        hosts_order=("::1",), override="localhost:8080:[::1]", family=FamilyChoice.IPV4
    )
    pinned = replace(pinned, resolution=replace(pinned.resolution, ipv4=gai(["127.0.0.1"])))
    for o in (unmeasured, pinned):
        p = predict(o, NODE_20)
        assert p.error == "getaddrinfo ENOTFOUND localhost"
        assert p.why == "uses IPv4 only; localhost has no IPv4 address"


def test_forced_family_filters_for_a_name_looked_up_on_its_own() -> None:
    # Only the URL's host is looked up per family; another spelling's answer is filtered.
    obs = _v6_only_hosts(family=FamilyChoice.IPV4)
    other = NameLookup("LOCALHOST.", gai(["::1"]), gai(["::1"], flags="AI_ADDRCONFIG"))
    obs = replace(
        obs,
        url=replace(obs.url, host="localhost."),
        resolution=replace(obs.resolution, other_names=(other,)),
    )
    assert predict(obs, PYTHON_WEBSOCKETS).error == "[Errno -2] Name or service not known"


def test_examples_answer_an_ipv4_lookup_from_a_v6_hosts_line() -> None:
    obs = seed_observation(hosts_order=("::1",), listen="127.0.0.1", family=FamilyChoice.IPV4)
    assert [a.address for a in obs.resolution.ipv4.order] == ["127.0.0.1"]
    assert predict(obs, NODE_20).address == "127.0.0.1"
    literal = seed_observation(host="::1", hosts_order=("::1",))
    assert literal.resolution.ipv4.order == ()


def test_a_client_that_cannot_be_forced_keeps_the_both_families_answer() -> None:
    obs = seed_observation(host="v6.test", hosts_order=("::1",), family=FamilyChoice.IPV4)
    obs = replace(obs, resolution=replace(obs.resolution, ipv4=gai(["127.0.0.1"])))
    assert addresses(predict(obs, CHROME)) == ["::1"]
    assert predict(obs, PYTHON_WEBSOCKETS).address == "127.0.0.1"


def test_chrome_without_a_route_to_global_ipv6_asks_for_ipv4_only() -> None:
    # Chrome's IPv6 reachability check (docs/clients.md#chrome; checked in
    # tests/scenarios/test_chromium.py): no route, no AAAA asked for.
    both = ("2001:db8::10", "192.0.2.2")
    routed = SystemFacts(has_ipv4=True, has_ipv6=True, ipv6_routable=True)
    unrouted = replace(routed, ipv6_routable=False)
    obs = seed_observation(host="both.test", hosts_order=both, system=routed, listen="0.0.0.0")
    assert addresses(predict(obs, CHROME)) == ["2001:db8::10", "192.0.2.2"]
    chrome = predict(replace(obs, system=unrouted), CHROME)
    assert addresses(chrome) == ["192.0.2.2"]
    assert "no route to global IPv6 here, so it asks for IPv4 only and skips 2001:db8::10" in (
        chrome.why
    )
    # Other clients do not check: Node 20 still tries the AAAA first.
    assert addresses(predict(replace(obs, system=unrouted), NODE_20))[0] == "2001:db8::10"
    # A name with only an AAAA record does not resolve for Chrome then.
    only_v6 = seed_observation(host="v6.test", hosts_order=("2001:db8::10",), system=unrouted)
    assert predict(only_v6, CHROME).error == (
        "Error in connection establishment: net::ERR_NAME_NOT_RESOLVED"
    )
