"""address_outcome() and the handshake rule: measured beats modelled."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wsexplorer.diagnosis import WhatIf, address_outcome
from wsexplorer.diagnosis.outcome import failed_handshake, listeners_on_port, same_address
from wsexplorer.model import Family, Listener, SystemFacts

from .builders import attempt, handshake, make_listener, seed_observation


def test_modelled_from_listeners() -> None:
    obs = seed_observation()  # 0.0.0.0 listener
    assert address_outcome(obs, "127.0.0.1") == "connected"
    assert address_outcome(obs, "::1") == "refused"
    assert address_outcome(obs, "::ffff:127.0.0.1") == "connected"


def test_measured_beats_modelled_attempts_before_probes() -> None:
    obs = seed_observation(
        attempts=(attempt("127.0.0.1", "timeout"),),
        probes=(attempt("127.0.0.1", "connected"), attempt("::1", "connected")),
    )
    assert address_outcome(obs, "127.0.0.1") == "timeout"
    assert address_outcome(obs, "0:0::1") == "connected"  # same address, other spelling


def test_measurement_on_another_port_is_ignored() -> None:
    obs = seed_observation(probes=(attempt("::1", "connected", port=9999),))
    assert address_outcome(obs, "::1") == "refused"
    any_port = seed_observation(probes=(attempt("::1", "connected", port=0),))
    assert address_outcome(any_port, "::1") == "connected"


def test_ipv6_disabled_is_unreachable() -> None:
    system = SystemFacts(ipv6_enabled=False, has_ipv6=False)
    assert address_outcome(seed_observation(system=system), "::1") == "unreachable"


@pytest.mark.parametrize(
    ("local", "known"), [(False, True), (True, False)], ids=["remote", "unread"]
)
def test_unknown_without_model_or_measurement(local: bool, known: bool) -> None:
    obs = seed_observation(local_target=local, listeners_known=known)
    assert address_outcome(obs, "127.0.0.1") == "unknown"


def test_what_if_listeners_replace_measurements() -> None:
    obs = seed_observation(measured=True)
    dual = WhatIf(listeners=(make_listener("::"),))
    assert address_outcome(obs, "::1") == "refused"
    assert address_outcome(obs, "::1", ctx=dual) == "connected"
    # Even with an unreadable listener table, the what-if's listeners decide.
    unread = replace(obs, listeners_known=False)
    assert address_outcome(unread, "::1", ctx=dual) == "connected"
    remote = replace(obs, local_target=False)
    assert address_outcome(remote, "::1", ctx=dual) == "unknown"


def test_listeners_on_port_keeps_tcp_on_the_port() -> None:
    udp = Listener.make(Family.IPV4, "0.0.0.0", 8080, None, protocol="udp")
    other = make_listener("0.0.0.0", 9090)
    obs = seed_observation(listen=(udp, other, "::1"))
    assert [lis.address for lis in listeners_on_port(obs)] == ["::1"]


def test_same_address() -> None:
    assert same_address("::1", "0::1")
    assert same_address("fe80::1%eth0", "fe80::1")
    assert not same_address("127.0.0.1", "::1")
    assert same_address("not-an-ip", "not-an-ip")
    assert not same_address("not-an-ip", "::1")


def test_failed_handshake_rules() -> None:
    hs404 = handshake("127.0.0.1", "http_status", 404)
    assert failed_handshake(seed_observation(), "127.0.0.1") is None  # none measured
    ok = seed_observation(handshake=handshake("127.0.0.1", "ok", 101))
    assert failed_handshake(ok, "127.0.0.1") is None
    nowhere = seed_observation(handshake=handshake(None, "not_attempted"))
    assert failed_handshake(nowhere, "127.0.0.1") is None
    no_address = seed_observation(handshake=handshake(None, "http_status", 404))
    assert failed_handshake(no_address, "127.0.0.1") is None
    same = seed_observation(handshake=hs404)
    assert failed_handshake(same, "127.0.0.1") is hs404
    # 0.0.0.0 does not take ::1: a 404 on 127.0.0.1 says nothing about ::1.
    assert failed_handshake(same, "::1") is None
    dual = seed_observation(listen="::", handshake=hs404)
    assert failed_handshake(dual, "::1") is hs404
    remote = replace(same, local_target=False)
    assert failed_handshake(remote, "::1") is hs404  # same service assumed
    moved = WhatIf(listeners=(make_listener("::"),))
    assert failed_handshake(same, "::1", moved) is hs404
