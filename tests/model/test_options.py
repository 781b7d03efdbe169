"""The option values shared by the probes, the command line and the UI."""

from __future__ import annotations

from wsexplorer.model import Address, FamilyChoice, ObserveOptions, parse_resolve, select_family


def test_select_family_keeps_one_family_in_order() -> None:
    addrs = [Address.of("::1"), Address.of("127.0.0.1"), Address.of("::2"), Address.of("10.0.0.1")]
    assert [a.address for a in select_family(addrs, FamilyChoice.IPV4)] == ["127.0.0.1", "10.0.0.1"]
    assert [a.address for a in select_family(addrs, FamilyChoice.IPV6)] == ["::1", "::2"]
    assert select_family(addrs, FamilyChoice.AUTO) == addrs


def test_observe_options_find_the_pin_for_host_and_port() -> None:
    pin = parse_resolve("localhost:8080:127.0.0.1")
    options = ObserveOptions(overrides=(pin,))
    assert options.override_for("localhost", 8080) == pin
    assert options.override_for("localhost", 9090) is None
