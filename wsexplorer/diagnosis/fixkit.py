"""The fixes' shared parts: the one table of fix ids, keys, titles and labels, and the
re-run that turns a :class:`~wsexplorer.diagnosis.context.WhatIf` into a
:class:`~wsexplorer.model.Fix` (:func:`make_fix`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import (
    ClientOutcome,
    ClientPrediction,
    Exposure,
    Fix,
    FixChange,
    FixHow,
    Observation,
)
from ..model.record import record
from .context import WhatIf
from .phrases import join_names
from .simulate import Run, simulate
from .strategy import ClientStrategy

__all__ = ["ALWAYS_LISTED", "FIXES", "FIX_IDS", "KINDS", "FixKind", "make_fix", "not_applicable"]


@record
class FixKind:
    """A fix's fixed facts: its JSON id, its title, the key that tries it live (``None``:
    a change in code only), the short label on its button, and whether a diagnosis lists
    it only where it applies (``conditional``)."""

    id: str
    title: str
    key: str | None = None
    label: str = ""
    conditional: bool = False


FIXES: tuple[FixKind, ...] = (
    FixKind("client-family-4", "Force IPv4 in the client", "f", "family 4"),
    FixKind("server-loopback-pair", "Listen on 127.0.0.1 and ::1", "d", "127.0.0.1 + ::1", True),
    FixKind("server-dual-stack", "Listen on :: (dual-stack)", "d", "listen ::"),
    FixKind("ipv4-literal", "Use an IPv4 address in the URL", "l", "IPv4 address"),
    FixKind("client-family-6", "Force IPv6 in the client", conditional=True),
    FixKind("ipv6-literal", "Use an IPv6 address in the URL", conditional=True),
    FixKind("node-ipv4first", "Node: --dns-result-order=ipv4first"),
    FixKind("upgrade-node-20", "Upgrade the client to Node.js 20+"),
    FixKind("dns-remove-aaaa", "Repair the IPv6 path or remove the AAAA record", conditional=True),
    FixKind("dns-remove-dead-a", "Remove the dead A record", conditional=True),
    FixKind("hosts-line", "Fix the hosts-file line", conditional=True),
    FixKind(
        "python-happy-eyeballs",
        "Python: websockets.connect(..., happy_eyeballs_delay=0.25)",
        conditional=True,
    ),
    FixKind(
        "node-attempt-timeout", "Node: a longer autoSelectFamilyAttemptTimeout", conditional=True
    ),
)
"""Every fix, in display order: the one table of ids, keys, titles and labels. The two
server fixes share ``d``: the engine gives it to the one it prefers (the loopback pair
for a server on loopback or none, else ``::``), lists that one first, and gives no key
to the other."""

FIX_IDS = tuple(kind.id for kind in FIXES)
ALWAYS_LISTED = tuple(kind.id for kind in FIXES if not kind.conditional)
"""The fixes a diagnosis with a failing client lists (applicable or not), in order; the
conditional ones (the IPv6 fixes, the path fixes and client knobs of
:mod:`~wsexplorer.diagnosis.paths`) only where they apply or work."""
KINDS = {kind.id: kind for kind in FIXES}


def _result(before: Sequence[Run], after: Sequence[Run]) -> str:
    was_failing = {r.prediction.id for r in before if not r.prediction.connects}
    still: list[str] = []
    now: list[str] = []
    unknown: list[str] = []
    for r in after:
        p = r.prediction
        if p.outcome is ClientOutcome.UNKNOWN:
            unknown.append(p.name)
        elif p.outcome is ClientOutcome.FAILS:
            (still if p.id in was_failing else now).append(p.name)
    if not (still or now or unknown):
        return "every modelled client connects"
    parts = []
    for names, what in ((still, "still"), (now, "now")):
        if names:
            parts.append(f"{join_names(names)} {what} {'fails' if len(names) == 1 else 'fail'}")
    if unknown:
        parts.append(f"unknown for {join_names(unknown)}")
    return ", ".join(parts)


def _how(ctx: WhatIf, after: Sequence[Run], clients: Sequence[ClientStrategy]) -> FixHow:
    if ctx.listeners is not None:
        return FixHow.PREDICTED
    tries = [t for r, s in zip(after, clients, strict=True) if ctx.affects(s) for t in r.tries]
    if tries and all(t.measured for t in tries):
        return FixHow.MEASURED
    return FixHow.PREDICTED


def make_fix(
    fix_id: str,
    title: str,
    obs: Observation,
    clients: Sequence[ClientStrategy],
    before: Sequence[Run],
    ctx: WhatIf,
    change: str,
    *,
    node: str = "",
    python: str = "",
    applicable: bool = True,
    live: FixChange | None = None,
    reason: str = "",
    label: str = "",
    exposure: Exposure | None = None,
    in_effect: bool = False,
) -> Fix:
    """``ctx`` re-run for every client: the :class:`Fix` with ``change`` (its words),
    the code to write, the live change and whether it exposes the server more."""
    after = [simulate(obs, s, ctx) for s in clients]
    predictions: tuple[ClientPrediction, ...] = tuple(r.prediction for r in after)
    kind = KINDS[fix_id]
    changed = tuple(s.id for s in clients if ctx.affects(s))
    return Fix(
        id=fix_id,
        title=title,
        works=all(p.connects for p in predictions),
        how=_how(ctx, after, clients),
        detail=f"{change}: {_result(before, after)}",
        node=node,
        python=python,
        after=predictions,
        applicable=applicable,
        key=kind.key,
        label=label or kind.label,
        reason=reason,
        change=live,
        exposure=exposure,
        in_effect=in_effect,
        clients=changed,
    )


def not_applicable(fix_id: str, why: str, *, in_effect: bool = False) -> Fix:
    kind = KINDS[fix_id]
    return Fix(
        fix_id,
        kind.title,
        False,
        FixHow.PREDICTED,
        why,
        applicable=False,
        key=kind.key,
        label=kind.label,
        reason=why,
        in_effect=in_effect,
    )
