"""aiohttp and websocket-client: who connects, which address, and the exact text.

The texts pinned here are the ones the real clients printed in namespaces
(tests/scenarios/test_matrix.py and test_unreachable.py run the same situations);
docs/clients.md#python-aiohttp, docs/clients.md#python-websocket-client.
"""

from __future__ import annotations

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients.python_aiohttp import aiohttp_wording, last_round
from wsexplorer.diagnosis.clients.python_websocket_client import (
    socket_error,
    websocket_client_wording,
)
from wsexplorer.diagnosis.strategy import Failure, Stage, TryResult
from wsexplorer.model import (
    AttemptOutcome,
    ClientOutcome,
    Family,
    Handshake,
    HandshakeOutcome,
    SystemFacts,
)

from .builders import attempt, seed_observation

AIOHTTP = "python-aiohttp"
WSCLIENT = "python-websocket-client"
REFUSED_V6 = "[Errno 111] Connect call failed ('::1', 8080, 0, 0)"
REFUSED_V4 = "[Errno 111] Connect call failed ('127.0.0.1', 8080)"


def _try(address: str, outcome: AttemptOutcome, error: str | None = None) -> TryResult:
    family = Family.IPV6 if ":" in address else Family.IPV4
    return TryResult(address, family, outcome, error is not None, error)


def _connect_failure(*tries: TryResult) -> Failure:
    return Failure(Stage.CONNECT, "localhost", 8080, tries, len(tries))


def test_seed_both_fall_back_to_ipv4() -> None:
    d = diagnose(seed_observation())
    for cid in (AIOHTTP, WSCLIENT):
        c = d.client(cid)
        assert (c.outcome, c.address) == (ClientOutcome.CONNECTS, "127.0.0.1"), cid


def test_nothing_listening_words_each_client() -> None:
    d = diagnose(seed_observation(listen=()))
    assert d.client(AIOHTTP).error == (
        "Cannot connect to host localhost:8080 ssl:default "
        f"[Multiple exceptions: {REFUSED_V6}, {REFUSED_V4}]"
    )
    assert d.client(WSCLIENT).error == "[Errno 111] Connection refused"


def test_one_address_refused_is_asyncio_strerror() -> None:
    d = diagnose(seed_observation(hosts_order=("::1",)))
    assert d.client(AIOHTTP).error == (
        "Cannot connect to host localhost:8080 ssl:default "
        "[Connect call failed ('::1', 8080, 0, 0)]"
    )


def test_different_errnos_print_none() -> None:
    # IPv6 off, 127.0.0.1 first: refused, then ::1 fails with EADDRNOTAVAIL at once.
    system = SystemFacts(ipv6_enabled=False, has_ipv4=True, has_ipv6=False)
    obs = seed_observation(
        listen=(),
        hosts_order=("127.0.0.1", "::1"),
        addrconfig_order=("127.0.0.1", "::1"),
        system=system,
        attempts=(
            attempt("127.0.0.1", "refused"),
            attempt("::1", "unreachable", error="[Errno 99] Cannot assign requested address"),
        ),
    )
    d = diagnose(obs)
    assert d.client(AIOHTTP).error == "Cannot connect to host localhost:8080 ssl:default [None]"
    assert d.client(WSCLIENT).error == "[Errno 99] Cannot assign requested address"


def test_silent_ipv6_aiohttp_falls_back_websocket_client_waits_for_the_kernel() -> None:
    system = SystemFacts(ipv6_enabled=True, has_ipv4=True, has_ipv6=True, tcp_syn_retries=1)
    obs = seed_observation(
        host="ws.example.com",
        hosts_order=("2001:db8::10", "192.0.2.10"),
        listen=(),
        local_target=False,
        system=system,
        attempts=(attempt("2001:db8::10", "timeout"), attempt("192.0.2.10", "connected")),
    )
    d = diagnose(obs)
    aio = d.client(AIOHTTP)
    assert (aio.address, aio.time_s, aio.time_basis) == ("192.0.2.10", 0.25, "happy-eyeballs")
    ws = d.client(WSCLIENT)
    assert ws.error == "[Errno 110] Connection timed out"
    assert [t.address for t in ws.tries] == ["2001:db8::10"]
    assert (ws.time_s, ws.time_basis) == (3.0, "syn-retries")


def test_aiohttp_last_round_decides_the_text() -> None:
    tries = (
        _try("::1", AttemptOutcome.REFUSED),
        _try("127.0.0.1", AttemptOutcome.REFUSED),
        _try("::2", AttemptOutcome.REFUSED),
    )
    assert last_round(tries) == (tries[2],)
    assert aiohttp_wording(_connect_failure(*tries)) == (
        "Cannot connect to host localhost:8080 ssl:default [Connect call failed ('::2', 8080, 0, 0)]"
    )


def test_aiohttp_resolve_handshake_timeout_texts() -> None:
    resolve = Failure(
        Stage.RESOLVE,
        "x.invalid",
        80,
        resolve_error="[Errno -3] Temporary failure in name resolution",
    )
    assert aiohttp_wording(resolve) == (
        "Cannot connect to host x.invalid:80 ssl:default [Temporary failure in name resolution]"
    )
    bare = Failure(Stage.RESOLVE, "x.invalid", 80)
    assert aiohttp_wording(bare).endswith("[Name or service not known]")
    tls = Handshake("::1", HandshakeOutcome.TLS, error="[SSL: UNSUPPORTED_PROTOCOL] x")
    failed = Failure(Stage.HANDSHAKE, "localhost", 443, handshake=tls)
    assert aiohttp_wording(failed) == (
        "Cannot connect to host localhost:443 ssl:default [[SSL: UNSUPPORTED_PROTOCOL] x]"
    )
    expired = Failure(
        Stage.CONNECT,
        "localhost",
        8080,
        (_try("::1", AttemptOutcome.TIMEOUT),),
        expired=True,
        url="ws://localhost:8080/subscribe",
    )
    assert aiohttp_wording(expired) == "Connection timeout to host ws://localhost:8080/subscribe"


def test_status_and_redirect_answers() -> None:
    d = diagnose(seed_observation(handshake=404))
    assert d.client(AIOHTTP).error == (
        "404, message='Invalid response status', url='ws://localhost:8080/subscribe'"
    )
    assert d.client(WSCLIENT).error == "Handshake status 404"
    moved = Handshake("127.0.0.1", HandshakeOutcome.REDIRECT, 302, "Found", (("Location", "/b"),))
    d = diagnose(seed_observation(handshake=moved))
    for cid in (AIOHTTP, WSCLIENT):
        assert d.client(cid).outcome is ClientOutcome.UNKNOWN, cid
        assert "follows the 302 redirect to /b" in d.client(cid).why
    bare = Handshake("127.0.0.1", HandshakeOutcome.REDIRECT, 302, "Found")
    d = diagnose(seed_observation(handshake=bare))
    assert d.client(WSCLIENT).error == "Redirect response without Location header, status 302"
    assert d.client(AIOHTTP).error == (
        "302, message='Invalid response status', url='ws://localhost:8080/subscribe'"
    )
    other = Handshake("127.0.0.1", HandshakeOutcome.REDIRECT, 300, "Multiple Choices")
    d = diagnose(seed_observation(handshake=other))
    assert d.client(WSCLIENT).error == "Handshake status 300 Multiple Choices"


def test_websocket_client_other_texts() -> None:
    resolve = Failure(Stage.RESOLVE, "x.invalid", 80)
    assert websocket_client_wording(resolve) == "[Errno -2] Name or service not known"
    gai = Failure(Stage.RESOLVE, "x.invalid", 80, resolve_error="[Errno -3] Temporary failure")
    assert websocket_client_wording(gai) == "[Errno -3] Temporary failure"
    tls = Handshake("::1", HandshakeOutcome.TLS, error="[SSL] bad")
    assert websocket_client_wording(Failure(Stage.HANDSHAKE, "h", 1, handshake=tls)) == "[SSL] bad"
    closed = Handshake("::1", HandshakeOutcome.CLOSED)
    assert websocket_client_wording(Failure(Stage.HANDSHAKE, "h", 1, handshake=closed)) == (
        "Connection to remote host was lost."
    )
    assert socket_error(_try("::1", AttemptOutcome.ERROR, "reset")) == "reset"
    assert socket_error(_try("::1", AttemptOutcome.ERROR)) == "Connection failed"
    unreachable = _try("192.0.2.1", AttemptOutcome.UNREACHABLE, "[Errno 113] Connect call failed")
    assert socket_error(unreachable) == "[Errno 113] No route to host"
