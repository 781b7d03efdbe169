"""diagnose(): one test per situation, predictions and verdict together."""

from __future__ import annotations

from wsexplorer.diagnosis import CATALOGUE, diagnose
from wsexplorer.diagnosis.clients.node20 import NODE_20
from wsexplorer.model import (
    ClientOutcome,
    ClientPrediction,
    ClientTry,
    Confidence,
    FamilyChoice,
    Handshake,
    HandshakeOutcome,
    ResponseHead,
    SystemFacts,
)

from .builders import attempt, handshake, seed_observation


def tries(prediction: ClientPrediction) -> list[tuple[str, str]]:
    return [(t.address, t.outcome) for t in prediction.tries]


def test_seed_case_predictions_and_verdict() -> None:
    d = diagnose(seed_observation())
    assert [c.id for c in d.clients] == [s.id for s in CATALOGUE]
    n17 = d.client("node-17-19")
    assert n17.outcome is ClientOutcome.FAILS
    assert n17.error == "connect ECONNREFUSED ::1:8080"
    assert n17.tries == (ClientTry("::1", "refused"),)
    assert n17.address is None
    assert n17.why == "tries only the first address, ::1, and nothing listens on ::1:8080 (IPv6)"
    assert n17.confidence is Confidence.CHECKED

    n16 = d.client("node-16")
    assert (n16.outcome, n16.address, n16.error) == (ClientOutcome.CONNECTS, "127.0.0.1", None)
    assert tries(n16) == [("127.0.0.1", "connected")]
    assert n16.why.startswith("puts IPv4 first; ")

    n20 = d.client("node-20")
    assert n20.connects and n20.address == "127.0.0.1"
    assert tries(n20) == [("::1", "refused"), ("127.0.0.1", "connected")]
    assert "Happy Eyeballs falls back to 127.0.0.1" in n20.why

    py = d.client("python-websockets")
    assert py.connects and py.address == "127.0.0.1"
    assert tries(py) == [("::1", "refused"), ("127.0.0.1", "connected")]

    curl = d.client("curl")  # 7.88.1 answers localhost itself, 127.0.0.1 first
    assert curl.connects and tries(curl) == [("127.0.0.1", "connected")]
    chrome = d.client("chrome")  # ::1 first, Happy Eyeballs
    assert chrome.connects and tries(chrome) == [("::1", "refused"), ("127.0.0.1", "connected")]

    assert not d.verdict.ok
    assert d.verdict.summary == (
        "localhost resolves to ::1 first, but the only listener on 8080 is 0.0.0.0, which "
        "accepts IPv4 only; clients that don't fall back fail"
    )
    for fix_id in ("client-family-4", "server-dual-stack", "ipv4-literal"):
        assert d.fix(fix_id).works, fix_id
    assert d.fix("node-ipv4first").works
    assert d.fix("upgrade-node-20").works


def test_dual_stack_server_everyone_connects() -> None:
    d = diagnose(seed_observation(listen="::"))
    assert all(c.connects for c in d.clients)
    assert d.verdict.ok
    assert d.verdict.summary == (
        "every modelled client connects: the only listener on 8080 is ::, which accepts "
        "both IPv4 and IPv6"
    )
    assert d.client("node-17-19").address == "::1"
    assert d.client("node-16").address == "127.0.0.1"
    assert d.fixes == ()  # issue 12: no fix is listed when every client connects


def test_v6only_server_ipv4_first_clients_fail() -> None:
    d = diagnose(seed_observation(listen="::/v6only"))
    n16 = d.client("node-16")
    assert n16.error == "connect ECONNREFUSED 127.0.0.1:8080"
    assert d.client("node-17-19").connects
    curl = d.client("curl")
    assert curl.connects and tries(curl) == [("127.0.0.1", "refused"), ("::1", "connected")]
    assert d.verdict.summary == (
        "the only listener on 8080 is :: with IPV6_V6ONLY=1, which accepts IPv6 only, but "
        "Node.js 16 ws tries 127.0.0.1 first and doesn't fall back"
    )
    assert not d.fix("client-family-4").works
    assert d.fix("server-dual-stack").works
    assert "instead of :: with IPV6_V6ONLY=1" in d.fix("server-dual-stack").detail
    assert not d.fix("ipv4-literal").works
    assert d.fix("upgrade-node-20").works


def test_ipv4_loopback_listener() -> None:
    d = diagnose(seed_observation(listen="127.0.0.1"))
    assert d.client("node-17-19").error == "connect ECONNREFUSED ::1:8080"
    assert d.client("node-16").connects
    assert "which accepts only 127.0.0.1 (IPv4)" in d.verdict.summary
    assert d.fix("ipv4-literal").works


def test_ipv6_loopback_listener() -> None:
    d = diagnose(seed_observation(listen="::1"))
    assert d.client("node-16").error == "connect ECONNREFUSED 127.0.0.1:8080"
    assert d.client("node-17-19").connects
    assert d.client("python-websockets").address == "::1"
    assert d.verdict.summary.startswith("the only listener on 8080 is ::1, which accepts only ::1")
    assert not d.fix("client-family-4").works
    assert d.fix("server-dual-stack").works


def test_ipv4_only_hosts_file() -> None:
    d = diagnose(seed_observation(hosts_order=("127.0.0.1",)))
    assert d.verdict.ok
    assert d.client("node-17-19").tries == (ClientTry("127.0.0.1", "connected"),)
    # Chrome ignores the hosts file for localhost and still tries ::1 first.
    assert tries(d.client("chrome")) == [("::1", "refused"), ("127.0.0.1", "connected")]


def test_nothing_listening() -> None:
    d = diagnose(seed_observation(listen=()))
    assert not any(c.connects for c in d.clients)
    assert d.client("node-20").error == "AggregateError [ECONNREFUSED]:"
    assert d.fix("server-dual-stack").detail.startswith(
        "start the server (nothing listens on 8080)"
    )
    assert "::1" in d.client("node-20").why and "127.0.0.1" in d.client("node-20").why
    assert d.client("python-websockets").error == (
        "Multiple exceptions: [Errno 111] Connect call failed ('::1', 8080, 0, 0), "
        "[Errno 111] Connect call failed ('127.0.0.1', 8080)"
    )
    assert d.client("node-16").error == "connect ECONNREFUSED 127.0.0.1:8080"
    assert d.client("curl").error == (
        "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server"
    )
    assert (
        d.client("chrome").error == "Error in connection establishment: net::ERR_CONNECTION_REFUSED"
    )
    assert d.verdict.summary == (
        "nothing listens on port 8080 on this machine, so every connect is refused"
    )
    # Issue 12: a server to start, not family fixes; the loopback pair first (key d).
    assert [(f.id, f.key, f.works) for f in d.fixes] == [
        ("server-loopback-pair", "d", True),
        ("server-dual-stack", None, True),
    ]
    assert d.fix("server-loopback-pair").detail.startswith(
        "start the server (nothing listens on 8080) on 127.0.0.1 and ::1 (this machine only)"
    )
    assert "every interface: reachable from the network" in d.fix("server-dual-stack").detail


def test_nothing_listening_single_address_is_plain_node_error() -> None:
    # AI_ADDRCONFIG leaves one address: Node 20 makes a plain connect, no AggregateError.
    d = diagnose(seed_observation(listen=(), addrconfig_order=("127.0.0.1",)))
    assert d.client("node-20").error == "connect ECONNREFUSED 127.0.0.1:8080"
    assert d.client("node-17-19").error == "connect ECONNREFUSED 127.0.0.1:8080"


def test_name_does_not_resolve() -> None:
    d = diagnose(seed_observation(host="nosuch.invalid", hosts_order=()))
    assert d.client("node-17-19").error == "getaddrinfo ENOTFOUND nosuch.invalid"
    assert d.client("python-websockets").error == "[Errno -2] Name or service not known"
    assert d.client("curl").error == "curl: (6) Could not resolve host: nosuch.invalid"
    assert (
        d.client("chrome").error == "Error in connection establishment: net::ERR_NAME_NOT_RESOLVED"
    )
    assert all(c.tries == () for c in d.clients)
    assert d.verdict.summary == (
        "nosuch.invalid does not resolve ([Errno -2] Name or service not known); clients "
        "that use the system resolver have no address to connect to"
    )
    assert not d.fix("ipv4-literal").applicable


def test_temporary_resolver_failure_wording() -> None:
    err = "[Errno -3] Temporary failure in name resolution"
    d = diagnose(seed_observation(host="api.example", hosts_order=(), resolve_error=err))
    assert d.client("node-20").error == "getaddrinfo EAI_AGAIN api.example"
    assert d.client("python-websockets").error == err


def test_resolve_failure_without_error_text() -> None:
    obs = seed_observation(host="api.example", hosts_order=(), resolve_error="")
    d = diagnose(obs)
    assert d.client("python-websockets").error == "[Errno -2] Name or service not known"
    assert d.verdict.summary.startswith("api.example does not resolve; ")


def test_handshake_404() -> None:
    obs = seed_observation(listen="::", handshake=404)
    d = diagnose(obs)
    assert d.client("node-17-19").error == "Unexpected server response: 404"
    assert d.client("node-16").error == "Unexpected server response: 404"  # same listener
    assert d.client("python-websockets").error == ("server rejected WebSocket connection: HTTP 404")
    assert d.client("chrome").error == (
        "Error during WebSocket handshake: Unexpected response code: 404"
    )
    curl = d.client("curl")
    assert curl.connects and "only checks that TCP connects" in curl.why
    assert d.verdict.summary == (
        "the server on ::1:8080 answers the WebSocket upgrade with HTTP 404, so WebSocket "
        "clients fail even though TCP connects"
    )
    assert not any(f.works for f in d.fixes if f.applicable)
    assert any("handshake was measured on ::1" in n for n in d.notes)


def test_handshake_on_other_listener_does_not_apply() -> None:
    # ::1 served by one process (404), 0.0.0.0 by another: 127.0.0.1 is not affected.
    obs = seed_observation(
        listen=("::1", "0.0.0.0"), handshake=handshake("::1", "http_status", 404)
    )
    d = diagnose(obs)
    assert d.client("node-16").connects
    assert d.client("node-17-19").error == "Unexpected server response: 404"


# Clients with no family option: the WHATWG WebSocket ones (docs/clients.md#bun, ...).
UNFORCED = frozenset(
    {"chrome", "node-websocket", "node-websocket-24", "bun", "deno", "python-websocket-client"}
)


def test_forced_family_4() -> None:
    d = diagnose(seed_observation(family=FamilyChoice.IPV4))
    assert d.verdict.ok
    for c in d.clients:
        if c.id not in UNFORCED:
            assert [t.address for t in c.tries] == ["127.0.0.1"], c.id
    for cid in UNFORCED:
        assert [t.address for t in d.client(cid).tries] == ["::1", "127.0.0.1"], cid
    assert (
        "--family 4: every client that can be forced uses IPv4 only; Node.js 22 WebSocket, "
        "Node.js 24 WebSocket, Bun WebSocket, Deno WebSocket, Python websocket-client and Chrome cannot be "
        "forced and keep both families"
    ) in d.notes


def test_forced_family_6_with_ipv4_listener() -> None:
    d = diagnose(seed_observation(family=FamilyChoice.IPV6))
    for c in d.clients:
        if c.id not in UNFORCED:
            assert [t.address for t in c.tries] == ["::1"], c.id
    # Node ignores autoSelectFamily when a family is forced: plain error.
    assert d.client("node-20").error == "connect ECONNREFUSED ::1:8080"
    assert d.client("chrome").connects  # no flag reaches Chrome
    assert d.verdict.summary.endswith(
        "Node.js 16 ws, Node.js 17-19 ws, Node.js 20+ ws, Python websockets, Python aiohttp "
        "and curl fail"
    )


def test_forced_family_without_addresses_of_that_family() -> None:
    d = diagnose(seed_observation(family=FamilyChoice.IPV6, hosts_order=("127.0.0.1",)))
    n17 = d.client("node-17-19")
    assert n17.error == "getaddrinfo ENOTFOUND localhost"
    assert n17.why.endswith("localhost has no IPv6 address ([Errno -2] Name or service not known)")
    assert not d.client("curl").connects  # curl -6 still gets ::1 from its own answer
    assert d.client("chrome").outcome is ClientOutcome.CONNECTS


def test_non_local_target_unknown() -> None:
    obs = seed_observation(
        host="ws.example.com",
        hosts_order=("2001:db8::10", "192.0.2.10"),
        listen=(),
        local_target=False,
    )
    d = diagnose(obs)
    assert all(c.outcome is ClientOutcome.UNKNOWN for c in d.clients)
    assert all(c.confidence is Confidence.UNVERIFIED for c in d.clients)
    assert all(c.error is None and c.address is None for c in d.clients)
    assert not d.verdict.ok
    assert d.verdict.summary == (
        "ws.example.com is not this machine and its addresses were not measured, so whether "
        "clients connect is unknown"
    )
    assert d.fixes == ()  # nothing is known to fail


def test_non_local_target_measured() -> None:
    obs = seed_observation(
        host="ws.example.com",
        hosts_order=("2001:db8::10", "192.0.2.10"),
        listen=(),
        local_target=False,
        attempts=(attempt("2001:db8::10", "timeout"), attempt("192.0.2.10", "connected")),
    )
    d = diagnose(obs)
    assert d.client("node-20").connects
    assert d.client("node-17-19").error == "connect ETIMEDOUT 2001:db8::10:8080"
    assert d.client("python-websockets").error == "timed out during opening handshake"
    assert d.verdict.summary == (
        "ws.example.com resolves to 2001:db8::10 first, but connects to 2001:db8::10:8080 "
        "time out; Node.js 17-19 ws, Python websockets and Python websocket-client fail"
    )
    # websocket-client moves on only after a refused connect: the kernel's ETIMEDOUT ends it.
    assert d.client("python-websocket-client").error == "[Errno 110] Connection timed out"
    assert d.client("python-aiohttp").address == "192.0.2.10"
    fix = d.fix("client-family-4")
    # websocket-client takes no family: forcing IPv4 elsewhere leaves it failing.
    assert not fix.works and "Python websocket-client" in fix.detail


def test_non_local_all_connect_measured() -> None:
    obs = seed_observation(
        host="ws.example.com",
        hosts_order=("192.0.2.10",),
        listen=(),
        local_target=False,
        attempts=(attempt("192.0.2.10", "connected"),),
    )
    d = diagnose(obs)
    assert d.verdict.ok
    assert d.verdict.summary == (
        "every modelled client connects: connects to 192.0.2.10:8080 succeeded (measured)"
    )


def test_ipv6_disabled_everyone_falls_back_or_skips() -> None:
    system = SystemFacts(ipv6_enabled=False, has_ipv4=True, has_ipv6=False)
    d = diagnose(seed_observation(system=system))
    # websocket-client stops at ::1: connect() fails with EADDRNOTAVAIL, not a refusal.
    assert [c.id for c in d.clients if not c.connects] == ["python-websocket-client"]
    assert d.client("python-websocket-client").error == "[Errno 99] Cannot assign requested address"
    # AI_ADDRCONFIG drops ::1 for Node; Python tries it, gets unreachable, moves on.
    assert d.client("node-17-19").tries == (ClientTry("127.0.0.1", "connected"),)
    assert "AI_ADDRCONFIG drops ::1" in d.client("node-17-19").why
    assert tries(d.client("python-websockets")) == [
        ("::1", "unreachable"),
        ("127.0.0.1", "connected"),
    ]
    # Chrome keeps ::1 in its own localhost answer; the connect fails at once (checked).
    assert tries(d.client("chrome")) == [("::1", "unreachable"), ("127.0.0.1", "connected")]


def test_ipv6_disabled_with_pinned_order() -> None:
    system = SystemFacts(ipv6_enabled=False, has_ipv4=True, has_ipv6=False)
    obs = seed_observation(system=system, override="localhost:8080:[::1],127.0.0.1")
    d = diagnose(obs)
    n17 = d.client("node-17-19")
    assert n17.error == "connect ENETUNREACH ::1:8080"
    assert "IPv6 is disabled on this machine" in n17.why
    assert d.verdict.summary == (
        "localhost resolves to ::1 first, but IPv6 is disabled on this machine; Node.js "
        "17-19 ws and Python websocket-client fail"
    )
    assert d.notes[0].startswith("what-if: --resolve localhost:8080:[::1],127.0.0.1")
    dual = d.fix("server-dual-stack")
    assert not dual.works and "::1 stays unreachable" in dual.detail


def test_addrconfig_drops_ipv6_loopback() -> None:
    # A host with only loopback IPv6 (has_ipv6 False): glibc AI_ADDRCONFIG drops ::1.
    system = SystemFacts(ipv6_enabled=True, has_ipv4=True, has_ipv6=False)
    d = diagnose(seed_observation(system=system))
    for cid in ("node-16", "node-17-19", "node-20"):
        c = d.client(cid)
        assert c.tries == (ClientTry("127.0.0.1", "connected"),), cid
        assert "AI_ADDRCONFIG drops ::1" in c.why
    # Python uses flags 0 and still tries ::1 first.
    assert tries(d.client("python-websockets"))[0] == ("::1", "refused")
    assert d.verdict.ok


def test_ipv6_literal_url() -> None:
    d = diagnose(seed_observation(host="::1", hosts_order=("::1",)))
    assert all(not c.connects for c in d.clients)
    assert d.verdict.summary.startswith("the URL names ::1, but the only listener on 8080")
    literal = d.fix("ipv4-literal")
    assert not literal.applicable and literal.after == ()


def test_listeners_unknown_on_local_machine() -> None:
    d = diagnose(seed_observation(listeners_known=False))
    assert all(c.outcome is ClientOutcome.UNKNOWN for c in d.clients)
    assert d.verdict.summary.startswith("the listeners on this machine could not be read")
    assert "the listeners could not be read: only measured connects are known" in d.notes


def test_specific_address_mismatch_with_fallback_clients() -> None:
    # The server listens on 127.0.0.2 only: every client tries 127.0.0.1 and ::1, all refused.
    d = diagnose(seed_observation(listen="127.0.0.2"))
    assert not any(c.connects for c in d.clients)
    assert d.verdict.summary == (
        "localhost resolves to ::1 first, but the only listener on 8080 is 127.0.0.2, which "
        "accepts only 127.0.0.2 (IPv4); every modelled client fails"
    )


def test_several_listeners_summary() -> None:
    d = diagnose(seed_observation(listen=("127.0.0.2", "10.0.0.5")))
    assert "the listeners on 8080 are 10.0.0.5 (accepts only 10.0.0.5 (IPv4)) and " in (
        d.verdict.summary
    )


def test_mixed_failures_name_the_clients() -> None:
    # ::1 refused (measured) although the listener table says :: takes it; ipv4 connects.
    obs = seed_observation(
        listen="::",
        attempts=(attempt("::1", "refused"), attempt("127.0.0.1", "connected")),
    )
    d = diagnose(obs)
    n17 = d.client("node-17-19")
    assert n17.why.endswith("::1:8080 refused the connection (measured)")
    assert d.verdict.summary.startswith("localhost resolves to ::1 first, but the only listener")


def test_failing_client_trying_a_later_address_with_fallback() -> None:
    # Only node-16 and curl try 127.0.0.1 first, and 127.0.0.1 is measured to time out:
    # curl's Happy Eyeballs moves on to ::1, node-16 has no fallback.
    obs = seed_observation(
        listen="::1",
        attempts=(attempt("127.0.0.1", "timeout"),),
    )
    d = diagnose(obs)
    assert d.client("node-16").error == "connect ETIMEDOUT 127.0.0.1:8080"
    assert d.client("curl").connects
    assert d.verdict.summary == (
        "connects to 127.0.0.1:8080 time out, but Node.js 16 ws tries 127.0.0.1 first and "
        "doesn't fall back"
    )


def test_error_outcome_summary_and_generic_tail() -> None:
    obs = seed_observation(
        host="ws.example.com",
        hosts_order=("192.0.2.10", "192.0.2.11"),
        local_target=False,
        attempts=(
            attempt("192.0.2.10", "error", error="[Errno 113] No route to host"),
            attempt("192.0.2.11", "error", error="[Errno 113] No route to host"),
        ),
    )
    d = diagnose(obs)
    assert d.client("node-17-19").error == "connect EHOSTUNREACH 192.0.2.10:8080"
    assert d.client("python-websockets").error == "[Errno 113] No route to host"
    # Chromium's MapSystemError: EHOSTUNREACH is ERR_ADDRESS_UNREACHABLE.
    assert (
        d.client("chrome").error
        == "Error in connection establishment: net::ERR_ADDRESS_UNREACHABLE"
    )
    assert d.verdict.summary == (
        "ws.example.com resolves to 192.0.2.10 first, but connects to 192.0.2.10:8080 fail; "
        "every modelled client fails"
    )


def test_refusal_measured_remote() -> None:
    obs = seed_observation(
        host="ws.example.com",
        hosts_order=("192.0.2.10",),
        local_target=False,
        attempts=(attempt("192.0.2.10", "refused"),),
    )
    d = diagnose(obs)
    assert d.verdict.summary.startswith(
        "ws.example.com resolves to 192.0.2.10 first, but 192.0.2.10:8080 refuses connections"
    )


def test_custom_client_list() -> None:
    from wsexplorer.diagnosis.clients import PYTHON_WEBSOCKETS

    d = diagnose(seed_observation(), [PYTHON_WEBSOCKETS])
    assert [c.id for c in d.clients] == ["python-websockets"]
    assert d.verdict.ok
    assert d.fixes == ()


def test_json_round_trip_shape() -> None:
    j = diagnose(seed_observation(measured=True)).to_json()
    assert j["schema"] == "wsexplorer.diagnosis/1"
    clients = j["clients"]
    assert isinstance(clients, list) and clients[1]["error"] == "connect ECONNREFUSED ::1:8080"


def test_no_listener_but_a_measured_connect() -> None:
    # The listener table is empty (say the socket lives in another namespace) but a
    # connect to 127.0.0.1 was measured to succeed.
    obs = seed_observation(listen=(), probes=(attempt("127.0.0.1", "connected"),))
    d = diagnose(obs)
    assert d.client("node-16").connects
    assert d.verdict.summary == (
        "localhost resolves to ::1 first, but nothing listens on port 8080; clients that "
        "don't fall back fail"
    )


def test_override_note_for_another_name() -> None:
    obs = seed_observation(host="app.test", hosts_order=(), override="app.test:8080:127.0.0.1")
    d = diagnose(obs)
    assert d.notes[0] == "what-if: --resolve app.test:8080:127.0.0.1 pins what app.test resolves to"
    assert d.verdict.ok


def test_forced_family_leaves_no_address_for_anyone() -> None:
    system = SystemFacts(ipv6_enabled=False, has_ipv4=True, has_ipv6=False)
    d = diagnose(
        seed_observation(family=FamilyChoice.IPV6, hosts_order=("127.0.0.1",), system=system)
    )
    forced = [c for c in d.clients if c.id not in UNFORCED]
    assert all(c.tries == () and not c.connects for c in forced)
    assert d.client("curl").error == "curl: (6) Could not resolve host: localhost"
    assert d.verdict.summary == ("localhost has no IPv6 address, and the family is forced to IPv6")


def test_forced_family_verdict_names_every_failing_client() -> None:
    # Issue 12: with --family 6 the verdict said "curl and Chrome fail" while the list
    # showed all six failing. Clients that found no address are named too.
    d = diagnose(
        seed_observation(family=FamilyChoice.IPV6, hosts_order=("127.0.0.1",), listen="127.0.0.1")
    )
    failing = [c.name for c in d.clients if not c.connects]
    assert set(failing) == {c.name for c in d.clients if c.id not in UNFORCED}
    for name in failing:
        assert name in d.verdict.summary, name
    assert "Chrome" not in d.verdict.summary
    assert d.verdict.summary.endswith(
        "and Node.js 16 ws, Node.js 17-19 ws, Node.js 20+ ws, Python websockets and Python "
        "aiohttp find no IPv6 address for localhost (--family 6)"
    )
    # Without a forced family: the system resolver fails, curl and Chrome are refused.
    mixed = diagnose(seed_observation(hosts_order=(), listen=()))
    assert mixed.verdict.summary == (
        "nothing listens on port 8080 on this machine, so every connect is refused, and "
        "Node.js 16 ws, Node.js 17-19 ws, Node.js 20+ ws, Node.js 22 WebSocket, Node.js 24 "
        "WebSocket, Deno WebSocket, Python websockets, Python aiohttp and Python websocket-client "
        "cannot resolve localhost"
    )


def test_forced_family_note_when_every_client_can_be_forced() -> None:
    d = diagnose(seed_observation(family=FamilyChoice.IPV6), [NODE_20])
    assert "--family 6: every client uses IPv6 only" in d.notes


def test_plain_http_1_0_answer() -> None:
    # Issue 12: python -m http.server answers HTTP/1.0 404. Node ws and Chrome read its
    # status; websockets rejects the protocol (checked: tests/scenarios/test_refusals_real.py).
    head = ResponseHead(5, 185, 39, 148, True, False, True, "HTTP/1.0", 404)
    hs = Handshake("::1", HandshakeOutcome.HTTP_STATUS, 404, "File not found", head=head)
    d = diagnose(seed_observation(listen="::", handshake=hs))
    assert d.client("node-20").error == "Unexpected server response: 404"
    assert (
        d.client("chrome").error
        == "Error during WebSocket handshake: Unexpected response code: 404"
    )
    py = d.client("python-websockets")
    assert py.error == "did not receive a valid HTTP response"
    assert "HTTP/1.0" in py.why
    assert d.client("curl").connects


def test_ws_url_on_a_tls_port() -> None:
    hs = Handshake("::1", HandshakeOutcome.CLOSED, speaks_tls=True)
    d = diagnose(seed_observation(listen="::", handshake=hs))
    assert "speaks TLS (a wss:// server)" in d.verdict.summary
    assert d.client("node-20").error == "socket hang up"
