"""Which extra addresses an observation measures, and what counts as a local target."""

from __future__ import annotations

from wsexplorer.diagnosis.examples import seed_observation
from wsexplorer.diagnosis.targets import is_local_target, probe_targets
from wsexplorer.model import Address, SystemFacts


def test_local_target_probes_both_loopbacks_then_the_names_addresses() -> None:
    obs = seed_observation(hosts_order=("::1", "127.0.0.1", "192.0.2.7"))
    wanted = probe_targets(obs.resolution, obs.url, SystemFacts(), local=True)
    assert wanted == ["127.0.0.1", "::1", "192.0.2.7"]


def test_no_ipv6_loopback_when_the_kernel_has_no_ipv6() -> None:
    obs = seed_observation(hosts_order=("127.0.0.1",))
    facts = SystemFacts(ipv6_enabled=False)
    assert probe_targets(obs.resolution, obs.url, facts, local=True) == ["127.0.0.1"]


def test_remote_target_probes_only_the_names_addresses() -> None:
    obs = seed_observation(host="example.test", hosts_order=("2001:db8::1", "192.0.2.7"))
    wanted = probe_targets(obs.resolution, obs.url, SystemFacts(), local=False)
    assert "127.0.0.1" not in wanted
    assert wanted[:2] == ["2001:db8::1", "192.0.2.7"]


def test_local_target_is_loopback_or_this_machines_own_addresses() -> None:
    own = frozenset({"192.0.2.7", "fe80::1"})
    assert is_local_target([Address.of("::1"), Address.of("127.0.0.1")], own)
    assert is_local_target([Address.of("192.0.2.7"), Address.of("fe80::1%eth0")], own)
    assert not is_local_target([Address.of("127.0.0.1"), Address.of("198.51.100.1")], own)
    assert not is_local_target([], own)


def test_dns_answers_the_resolver_did_not_return_are_probed_too() -> None:
    from .builders import hosts_and_dns

    obs = seed_observation(host="stale.test", hosts_order=("192.0.2.4",))
    obs = hosts_and_dns(obs, ["192.0.2.4 stale.test"], {"A": ["192.0.2.200"], "AAAA": []})
    wanted = probe_targets(obs.resolution, obs.url, SystemFacts(), local=False)
    assert wanted == ["192.0.2.4", "192.0.2.200"]
    pinned = seed_observation(host="stale.test", override="stale.test:8080:192.0.2.9")
    pinned = hosts_and_dns(pinned, [], {"A": ["192.0.2.200"]})
    assert "192.0.2.200" not in probe_targets(pinned.resolution, pinned.url, SystemFacts(), False)
