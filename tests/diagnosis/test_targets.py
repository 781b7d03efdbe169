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
