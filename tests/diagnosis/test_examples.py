"""The deterministic example observations (used by the TUI screenshots and other tests)."""

from __future__ import annotations

import pytest

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients import CATALOGUE
from wsexplorer.diagnosis.examples import EXAMPLES, example, make_listener, seed_observation
from wsexplorer.model import AttemptOutcome, Family, HandshakeOutcome, Listener

from .builders import handshake


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_diagnoses(name: str) -> None:
    obs = example(name, port=9001)
    assert obs.url.port == 9001
    d = diagnose(obs)
    assert d.verdict.summary
    assert len(d.clients) == len(CATALOGUE)


def test_example_verdicts() -> None:
    assert diagnose(example("dual-stack")).verdict.ok
    assert not diagnose(example("seed")).verdict.ok
    assert diagnose(example("seed")).client("node-17-19").error == "connect ECONNREFUSED ::1:8080"
    assert not diagnose(example("what-if-debian")).verdict.ok
    assert not example("remote-unknown").attempts


def test_unknown_example_name() -> None:
    with pytest.raises(KeyError):
        example("nope")


def test_seed_observation_defaults() -> None:
    obs = seed_observation()
    assert obs.url.geturl() == "ws://localhost:8080/subscribe"
    assert [a.address for a in obs.resolution.addresses] == ["::1", "127.0.0.1"]
    assert [lis.address for lis in obs.listeners] == ["0.0.0.0"]
    assert obs.attempts == () and obs.handshake is None
    lines = [(e.line, e.address) for e in obs.resolution.hosts_file.entries]
    assert lines == [(2, "127.0.0.1"), (3, "::1")]


def test_measured_seed() -> None:
    obs = seed_observation(measured=True)
    assert [(a.address, a.outcome) for a in obs.attempts] == [
        ("::1", AttemptOutcome.REFUSED),
        ("127.0.0.1", AttemptOutcome.CONNECTED),
    ]
    assert [a.address for a in obs.probes] == ["127.0.0.1", "::1"]
    assert obs.handshake is not None
    assert (obs.handshake.address, obs.handshake.outcome) == ("127.0.0.1", HandshakeOutcome.OK)


def test_handshake_options() -> None:
    nothing = seed_observation(listen=(), measured=True)
    assert nothing.handshake is not None
    assert nothing.handshake.outcome is HandshakeOutcome.NOT_ATTEMPTED
    given = handshake("::1", "timeout")
    assert seed_observation(handshake=given).handshake is given


def test_literal_and_other_hosts() -> None:
    lit = seed_observation(host="::1", hosts_order=("::1",))
    assert lit.url.host == "::1" and lit.resolution.is_literal
    other = seed_observation(host="app.test", hosts_order=("192.0.2.5",))
    assert [e.names for e in other.resolution.hosts_file.entries] == [("app.test",)]


def test_make_listener() -> None:
    dual = make_listener("::")
    assert dual.accepts == (Family.IPV4, Family.IPV6) and dual.v6only is False
    assert make_listener("::/v6only").accepts == (Family.IPV6,)
    v4 = make_listener("0.0.0.0", 9000)
    assert (v4.port, v4.v6only, v4.accepts) == (9000, None, (Family.IPV4,))
    given = Listener.make(Family.IPV4, "127.0.0.1", 1, None)
    assert make_listener(given) is given
    with pytest.raises(ValueError, match="not a listener address"):
        make_listener("localhost")
