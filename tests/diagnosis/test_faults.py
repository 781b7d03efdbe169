"""diagnose() under the faults of issue 5 (hardening): a resolver that never answers, IPv6
switched off, listeners whose process is hidden from an unprivileged user.

The same situations run for real in tests/hardening; these pin the engine's side.
"""

from __future__ import annotations

from wsexplorer.diagnosis import diagnose
from wsexplorer.model import Family, Listener, SystemFacts
from wsexplorer.probes.resolution import GAI_TIMEOUT_ERROR

from .builders import seed_observation


def test_resolver_that_never_answers() -> None:
    err = GAI_TIMEOUT_ERROR.format(timeout=2)
    d = diagnose(seed_observation(host="api.example", hosts_order=(), resolve_error=err))
    # Node has no lookup timeout: it waits for glibc's EAI_AGAIN.
    assert d.client("node-20").error == "getaddrinfo EAI_AGAIN api.example"
    # websockets' open_timeout covers the lookup.
    assert d.client("python-websockets").error == "timed out during opening handshake"
    assert d.client("curl").error == "curl: (6) Could not resolve host: api.example"
    assert not d.verdict.ok
    assert d.verdict.summary.startswith("api.example does not resolve (no answer within 2 s")


def test_ipv6_disabled_note_names_the_ipv6_addresses() -> None:
    system = SystemFacts(ipv6_enabled=False, has_ipv4=False, has_ipv6=False)
    d = diagnose(seed_observation(system=system))
    assert (
        "IPv6 is disabled on this machine: localhost still resolves to ::1, but no IPv6 "
        "address exists here, so a connect to it fails at once"
    ) in d.notes


def test_no_ipv6_note_without_ipv6_addresses_or_with_ipv6_on() -> None:
    off = SystemFacts(ipv6_enabled=False, has_ipv4=True, has_ipv6=False)
    d = diagnose(seed_observation(system=off, hosts_order=("127.0.0.1",)))
    assert not any("IPv6 is disabled" in n for n in d.notes)
    assert not any("IPv6 is disabled" in n for n in diagnose(seed_observation()).notes)


def test_hidden_listener_process_gets_a_note() -> None:
    hidden = Listener.make(Family.IPV4, "0.0.0.0", 8080, None)  # pid None: not readable
    d = diagnose(seed_observation(listen=(hidden,)))
    assert (
        "the process behind 0.0.0.0:8080 is unknown: usually another user's, whose "
        "/proc/PID/fd only its owner and root can read; run as root to see it"
    ) in d.notes
    # Same prediction as with a known process: the pid changes nothing else.
    assert d.clients == diagnose(seed_observation()).clients


def test_no_hidden_note_when_processes_are_known_or_listeners_unread() -> None:
    assert not any("process behind" in n for n in diagnose(seed_observation()).notes)
    hidden = Listener.make(Family.IPV4, "0.0.0.0", 8080, None)
    remote = seed_observation(listen=(hidden,), local_target=False)
    assert not any("process behind" in n for n in diagnose(remote).notes)
