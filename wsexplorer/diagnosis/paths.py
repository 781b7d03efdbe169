"""Fixes that fit the path: a dead AAAA or A record, a stale hosts-file line, and the
Happy Eyeballs settings a client takes in code.

Each function decides whether its fix applies to an observation and, if so, returns a
:class:`Plan`: the :class:`~wsexplorer.diagnosis.context.WhatIf` to simulate, the words
and the concrete change. :mod:`wsexplorer.diagnosis.fixes` turns a plan into a
:class:`~wsexplorer.model.Fix` through the same simulation as every other fix. None of
these can be tried live from the UI: they change a DNS zone, a hosts file or client code.

Facts (docs/clients.md#fixes):

- Python websockets passes unknown keywords of ``connect`` to
  ``loop.create_connection`` (src/websockets/asyncio/client.py), so
  ``happy_eyeballs_delay=0.25`` turns on asyncio's staggered race (CPython
  Lib/asyncio/base_events.py, Lib/asyncio/staggered.py): the next address starts 250 ms
  after the one before, or when it fails, and earlier attempts keep running; families
  are interleaved (``interleave`` defaults to 1 then).
- Node's ``autoSelectFamilyAttemptTimeout`` (``net.connect`` option, v18.13.0+;
  ``net.setDefaultAutoSelectFamilyAttemptTimeout``, v19.8.0 / v18.18.0) is how long each
  attempt but the last may take; ``ws`` passes its options to ``http.request`` and so to
  ``net.connect``. Node 18 needs ``autoSelectFamily: true`` as well (off by default before
  v20.0.0, nodejs/node#46790).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..model import (
    Address,
    AttemptOutcome,
    ClientOutcome,
    Family,
    Observation,
    Source,
    family_of,
)
from ..model.record import record
from .context import Knob, WhatIf
from .outcome import measured_attempt, same_address
from .phrases import join_names
from .shadow import dead_clause, hosts_shadowing
from .simulate import Run, simulate
from .strategy import ClientStrategy, is_localhost_name

__all__ = [
    "NODE_KNOB_IDS",
    "PYTHON_KNOB_DELAY_MS",
    "Plan",
    "attempt_timeout_ms",
    "hosts_line",
    "node_attempt_timeout",
    "python_happy_eyeballs",
    "remote_bind_unrelated",
    "remove_aaaa",
    "remove_dead_a",
]

NOT_LIVE = "a change to {what}: make it there; it cannot be tried live from here"
PYTHON_KNOB_DELAY_MS = 250  # RFC 8305's recommended Connection Attempt Delay
PYTHON_KNOB_IDS = frozenset({"python-websockets"})
# The built-in WebSocket (undici over net.connect) takes the process-wide default
# (net.setDefaultAutoSelectFamilyAttemptTimeout): docs/clients.md#node-websocket.
NODE_KNOB_IDS = frozenset({"node-17-19", "node-20", "node-websocket", "node-websocket-24"})
_QUICKER_S = 0.5  # a knob that only saves less than this is not offered


@record
class Plan:
    """A path fix or client knob that applies: what to simulate and how to word it.

    Attributes:
        fix_id: its id in :data:`~wsexplorer.diagnosis.fixes.FIXES`.
        ctx: the change to simulate.
        change: what to do, in words (the fix's ``detail`` starts with it).
        title: the title when it names a file or a line; ``""``: the table's.
        node, python: the concrete change in code, if any.
        reason: why it cannot be tried live.
    """

    fix_id: str
    ctx: WhatIf
    change: str
    title: str = ""
    node: str = ""
    python: str = ""
    reason: str = ""


def _named(obs: Observation) -> bool:
    """A name resolved by the system (no literal, no localhost, no ``--resolve`` pin)."""
    res = obs.resolution
    host = obs.url.host
    return family_of(host) is None and not is_localhost_name(host) and res.override is None


def _connected(obs: Observation, address: str) -> bool:
    attempt = measured_attempt(obs, address)
    return attempt is not None and attempt.outcome is AttemptOutcome.CONNECTED


def _where(obs: Observation, a: Address, record: str) -> str:
    """``line 3 of /etc/hosts`` when ``a`` came from the hosts file, else ``the AAAA record``."""
    hosts = obs.resolution.hosts_file
    line = next(
        (e.line for e in hosts.lookup(obs.resolution.host) if same_address(e.address, a.address)),
        None,
    )
    if a.source is Source.HOSTS and line is not None:
        return f"line {line} of {hosts.path}"
    return f"the {record} record"


def _without(obs: Observation, dead: Sequence[Address]) -> WhatIf:
    gone = {a.address for a in dead}
    return WhatIf(resolved=tuple(a for a in obs.resolution.addresses if a.address not in gone))


def _dead(obs: Observation, family: Family) -> tuple[list[Address], list[str]]:
    """The resolved addresses of ``family`` measured dead, with their clauses."""
    found = [
        (a, clause)
        for a in obs.resolution.addresses
        if a.family is family and (clause := dead_clause(obs, a.address)) is not None
    ]
    return [a for a, _ in found], [clause for _, clause in found]


def _working_ipv4(obs: Observation) -> list[str]:
    res = obs.resolution
    return [
        a.address for a in res.addresses if a.family is Family.IPV4 and _connected(obs, a.address)
    ]


def remote_bind_unrelated(obs: Observation) -> str | None:
    """Why listening on ``::`` does not fit a server on another machine whose IPv6
    addresses were measured silent or unreachable, or ``None`` (a refused IPv6 address
    is reachable with nothing listening: the bind may be the cause)."""
    if obs.local_target:
        return None
    six = [a.address for a in obs.resolution.addresses if family_of(a.address) is Family.IPV6]
    outcomes = {a: measured_attempt(obs, a) for a in six}
    if any(m is not None and m.outcome is AttemptOutcome.REFUSED for m in outcomes.values()):
        return None
    dead = [clause for a in six if (clause := dead_clause(obs, a)) is not None]
    if not dead:
        return None
    return (
        f"the server is not on this machine, and {join_names(dead)}: "
        "its bind is not what fails, the path is"
    )


def remove_aaaa(obs: Observation) -> Plan | None:
    """Every IPv6 address of the name measured dead while an IPv4 one connects: repair the
    IPv6 path, or remove the AAAA record (or the hosts-file line) that offers it."""
    if not _named(obs):
        return None
    dead, clauses = _dead(obs, Family.IPV6)
    six = [a for a in obs.resolution.addresses if a.family is Family.IPV6]
    working = _working_ipv4(obs)
    if not dead or len(dead) != len(six) or not working:
        return None
    refused = all(
        (m := measured_attempt(obs, a.address)) is not None and m.outcome is AttemptOutcome.REFUSED
        for a in dead
    )
    repair = "make the server accept IPv6 there" if refused else "repair the IPv6 path"
    places = ", ".join(dict.fromkeys(_where(obs, a, "AAAA") for a in dead))
    change = (
        f"{'; '.join(clauses)}: {repair}, or remove {places} of {obs.resolution.host} "
        f"so clients use {', '.join(working)}"
    )
    return Plan("dns-remove-aaaa", _without(obs, dead), change, reason=_not_live(places))


def remove_dead_a(obs: Observation) -> Plan | None:
    """Some IPv4 addresses of the name measured dead beside one that connects: remove the
    dead A records (or hosts-file lines)."""
    if not _named(obs):
        return None
    dead, clauses = _dead(obs, Family.IPV4)
    working = _working_ipv4(obs)
    if not dead or not working:
        return None
    places = ", ".join(dict.fromkeys(_where(obs, a, "A") for a in dead))
    names = ", ".join(a.address for a in dead)
    change = (
        f"{'; '.join(clauses)}: remove {places} ({names}) of {obs.resolution.host}, "
        f"or bring it back; {', '.join(working)} accepts (measured)"
    )
    return Plan("dns-remove-dead-a", _without(obs, dead), change, reason=_not_live(places))


def _not_live(places: str) -> str:
    what = "the hosts file" if "hosts" in places else "the DNS zone"
    return NOT_LIVE.format(what=what)


def hosts_line(obs: Observation) -> Plan | None:
    """A hosts-file line hides DNS's answer, and its address was measured dead or DNS's
    answer measured working: fix (or remove) that line, so the name resolves through DNS."""
    if not _named(obs):
        return None
    res = obs.resolution
    lined, hidden = hosts_shadowing(res)
    dead = [clause for a, _ in lined if (clause := dead_clause(obs, a.address)) is not None]
    alive = [h for h in hidden if _connected(obs, h)]
    if not lined or not (dead or alive):
        return None
    numbers = sorted({line for _, line in lined})
    lines = ", ".join(str(n) for n in numbers)
    word = "line" if len(numbers) == 1 else "lines"
    shadowed = {a.address for a, _ in lined}
    resolved = tuple(
        dict.fromkeys(
            [
                *(Address.of(h, Source.DNS) for h in hidden),
                *(a for a in res.addresses if a.address not in shadowed),
            ]
        )
    )
    facts = [*dead, *(f"DNS's {h} accepts (measured)" for h in alive)]
    change = (
        f"fix or remove {word} {lines} of {res.hosts_file.path} "
        f"({', '.join(dict.fromkeys(a.address for a, _ in lined))}), so {res.host} resolves "
        f"to DNS's {', '.join(hidden)}; {'; '.join(facts)}"
    )
    return Plan(
        "hosts-line",
        WhatIf(resolved=resolved),
        change,
        title=f"Fix {res.hosts_file.path} {word} {lines}",
        reason=NOT_LIVE.format(what=res.hosts_file.path),
    )


def _run(runs: Sequence[Run], client_id: str) -> Run | None:
    return next((r for r in runs if r.prediction.id == client_id), None)


def _better(before: Run, after: Run) -> bool:
    """The knob makes the client connect, or connect noticeably sooner."""
    b, a = before.prediction, after.prediction
    if a.outcome is not ClientOutcome.CONNECTS:
        return False
    if b.outcome is not ClientOutcome.CONNECTS:
        return True
    return b.time_s is not None and a.time_s is not None and a.time_s + _QUICKER_S < b.time_s


def python_happy_eyeballs(
    obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> Plan | None:
    """Python websockets waits for a silent address before the next one (sequential):
    ``happy_eyeballs_delay=0.25`` starts the next after 250 ms."""
    ctx = WhatIf(knob=Knob(PYTHON_KNOB_IDS, PYTHON_KNOB_DELAY_MS, staggered=True))
    for s in clients:
        was = _run(before, s.id)
        if s.id in PYTHON_KNOB_IDS and was is not None and _better(was, simulate(obs, s, ctx)):
            delay = PYTHON_KNOB_DELAY_MS / 1000
            return Plan(
                "python-happy-eyeballs",
                ctx,
                f"pass happy_eyeballs_delay={delay:g} to websockets.connect (asyncio's Happy "
                "Eyeballs: the next address starts after 250 ms while the first keeps trying)",
                python=f"websockets.connect(url, happy_eyeballs_delay={delay:g})",
                reason=NOT_LIVE.format(what="the client's code"),
            )
    return None


def attempt_timeout_ms(slowest_ms: float) -> int:
    """A Node attempt timeout that leaves a connect measured at ``slowest_ms`` half as much
    again: rounded up to the next 500 ms."""
    return max(500, math.ceil(slowest_ms * 1.5 / 500) * 500)


def node_attempt_timeout(
    obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> Plan | None:
    """Node's Happy Eyeballs abandons a slow but working address: a longer
    ``autoSelectFamilyAttemptTimeout`` lets it connect."""
    slow = [t.elapsed_ms or 0.0 for r in before for t in r.tries if t.abandoned]
    if not slow:
        return None
    timeout = attempt_timeout_ms(max(slow))
    ids = frozenset(s.id for s in clients if s.id in NODE_KNOB_IDS)
    options = f"{{ autoSelectFamily: true, autoSelectFamilyAttemptTimeout: {timeout} }}"
    return Plan(
        "node-attempt-timeout",
        WhatIf(knob=Knob(ids, timeout, staggered=False)),
        f"give Node an attempt timeout of {timeout} ms (autoSelectFamilyAttemptTimeout; "
        f"the slowest address connects after {max(slow) / 1000:.1f} s, measured); "
        "Node 18.13+ also needs autoSelectFamily: true, Node 16 has neither",
        node=(
            f"new WebSocket(url, {options})  // or net.setDefaultAutoSelectFamilyAttemptTimeout"
            f"({timeout}), Node 18.18+, the only way for Node's built-in WebSocket"
        ),
        reason=NOT_LIVE.format(what="the client's code"),
    )
