"""Properties: listener order never matters; the package stays pure."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from wsexplorer.diagnosis import diagnose
from wsexplorer.model import Diagnosis, FamilyChoice

from .builders import attempt, seed_observation

LISTENERS = ["0.0.0.0", "::", "::/v6only", "127.0.0.1", "::1", "127.0.0.2"]
ADDRESSES = ["::1", "127.0.0.1", "127.0.0.2"]
OUTCOMES = ["connected", "refused", "timeout"]


def _result(d: Diagnosis) -> dict[str, object]:
    j = d.to_json()
    return {"clients": j["clients"], "verdict": j["verdict"], "fixes": j["fixes"]}


@settings(max_examples=60, deadline=None)
@given(
    listen=st.lists(st.sampled_from(LISTENERS), max_size=4),
    order=st.permutations(ADDRESSES).flatmap(lambda p: st.integers(1, 3).map(lambda n: p[:n])),
    measured=st.lists(st.tuples(st.sampled_from(ADDRESSES), st.sampled_from(OUTCOMES)), max_size=2),
    handshake=st.sampled_from([None, 101, 404]),
    family=st.sampled_from(list(FamilyChoice)),
    data=st.data(),
)
def test_listener_order_does_not_matter(
    listen: list[str],
    order: tuple[str, ...],
    measured: list[tuple[str, str]],
    handshake: int | None,
    family: FamilyChoice,
    data: st.DataObject,
) -> None:
    shuffled = data.draw(st.permutations(listen))
    attempts = tuple(attempt(a, o) for a, o in measured)

    def run(listeners: list[str]) -> Diagnosis:
        obs = seed_observation(
            listen=tuple(listeners),
            hosts_order=order,
            attempts=attempts,
            handshake=handshake,
            family=family,
        )
        return diagnose(obs)

    a, b = run(listen), run(shuffled)
    assert _result(a) == _result(b)
    assert a.verdict.ok == all(c.connects for c in a.clients)
    for fix in a.fixes:
        assert fix.works == (fix.applicable and all(p.connects for p in fix.after))


def test_resolution_order_does_matter() -> None:
    v4_first = diagnose(seed_observation(hosts_order=("127.0.0.1", "::1")))
    v6_first = diagnose(seed_observation(hosts_order=("::1", "127.0.0.1")))
    assert v4_first.client("node-17-19").connects
    assert not v6_first.client("node-17-19").connects


def test_headless_imports_in_a_fresh_interpreter() -> None:
    code = (
        "import sys, wsexplorer.diagnosis, wsexplorer.diagnosis.examples\n"
        "bad = [m for m in ('textual', 'websockets', 'dns', 'psutil', 'socket', 'asyncio')\n"
        "       if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""


@settings(max_examples=60, deadline=None)
@given(
    listen=st.lists(st.sampled_from(LISTENERS), max_size=3),
    outcomes=st.fixed_dictionaries({a: st.sampled_from(OUTCOMES) for a in ADDRESSES}),
    split=st.integers(0, 3),
    data=st.data(),
)
def test_measurement_enumeration_order_does_not_matter(
    listen: list[str], outcomes: dict[str, str], split: int, data: st.DataObject
) -> None:
    """Attempts and probes are per-address facts: listing them in another order (as a
    concurrent probe may finish in any order) changes no prediction, verdict or fix."""
    measured = [attempt(a, o) for a, o in outcomes.items()]
    attempts, probes = tuple(measured[:split]), tuple(measured[split:])

    def run(att: tuple[object, ...], pro: tuple[object, ...]) -> Diagnosis:
        obs = seed_observation(listen=tuple(listen), attempts=att)
        return diagnose(replace(obs, probes=pro))  # type: ignore[arg-type]

    shuffled_a = tuple(data.draw(st.permutations(attempts)))
    shuffled_p = tuple(data.draw(st.permutations(probes)))
    assert _result(run(attempts, probes)) == _result(run(shuffled_a, shuffled_p))
