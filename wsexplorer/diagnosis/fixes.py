"""The fixes: each is one :class:`~wsexplorer.diagnosis.context.WhatIf` re-run through the
same simulation, with the concrete Node and Python change.

A fix works when every modelled client connects after it. It is ``measured`` when every
address the changed clients would try was actually connected to live (tracer attempts or
probes) and the server itself is unchanged; otherwise ``predicted``.

The list fits the case: no fix when no client fails or every failure is the server's
answer to the handshake; only the server fixes when nothing
listens (a server to start); the IPv6 fixes (``client-family-6``, ``ipv6-literal``) and
the loopback pair only where they work. The engine also decides what trying a fix live
changes (:class:`FixChange`: the family, the URL's host, the server's bind) or why
nothing can change; the UI only applies it. :data:`FIXES` (in :mod:`.fixkit`) is the one
table of fix ids, keys, titles and button labels; the server fixes are in
:mod:`.fixes_server`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..model import (
    AttemptOutcome,
    ClientOutcome,
    Family,
    FamilyChoice,
    Fix,
    FixChange,
    Observation,
    family_of,
    is_loopback,
)
from .clients.node20 import NODE_20
from .context import WhatIf
from .fixes_server import dual_stack, dual_stack_python, loopback_pair, loopback_preferred
from .fixkit import ALWAYS_LISTED, FIX_IDS, FIXES, KINDS, FixKind, make_fix, not_applicable
from .outcome import listeners_on_port, measured_attempt
from .paths import (
    Plan,
    hosts_line,
    node_attempt_timeout,
    python_happy_eyeballs,
    remove_aaaa,
    remove_dead_a,
)
from .phrases import join_names
from .shadow import dead_clause
from .simulate import Run
from .strategy import AddressOrder, ClientStrategy, Stage, is_localhost_name

__all__ = [
    "ALWAYS_LISTED",
    "FIXES",
    "FIX_IDS",
    "FixKind",
    "build_fixes",
    "dual_stack_python",
    "ipv4_target",
]


def ipv4_target(obs: Observation) -> str | None:
    """The IPv4 literal to put in the URL, or ``None`` when there is none to use.

    ``127.0.0.1`` for ``localhost`` names; for another name, its own first IPv4 address
    that is not loopback and that connected (measured), else its first one nothing measured,
    never one measured dead (refused, timed out, unreachable: a stale hosts-file line's);
    else ``127.0.0.1`` when it resolves to loopback only (it names this machine). Never
    ``127.0.0.1`` for a name that resolves to another machine: that would be a different
    server. ``None`` when the host is already a literal and when no IPv4 address is known.
    """
    return _ipv4_choice(obs)[0]


def _ipv4_choice(obs: Observation) -> tuple[str | None, str]:
    """:func:`ipv4_target` and, when it is ``None``, why (the fix's reason)."""
    host = obs.url.host
    if family_of(host) is not None:
        return None, f"the URL's host {host} is an address"
    if is_localhost_name(host):
        return "127.0.0.1", ""
    res = obs.resolution
    everything = (*res.addresses, *res.addrconfig_addresses, *res.ipv4.order)
    own = list(
        dict.fromkeys(
            a.address for a in everything if a.family is Family.IPV4 and not is_loopback(a.address)
        )
    )
    dead = [clause for a in own if (clause := dead_clause(obs, a)) is not None]
    alive = [a for a in own if dead_clause(obs, a) is None]
    connected = [a for a in alive if _connected(obs, a)]
    if connected or alive:
        return (connected or alive)[0], ""
    if dead:
        return None, f"every IPv4 address of {host} was measured dead: {join_names(dead)}"
    if any(is_loopback(a.address) for a in everything):
        return "127.0.0.1", ""
    return None, f"no IPv4 address is known for {host}"


def _connected(obs: Observation, address: str) -> bool:
    measured = measured_attempt(obs, address)
    return measured is not None and measured.outcome is AttemptOutcome.CONNECTED


def _snippet(clients: Sequence[ClientStrategy], runtime: str) -> str:
    return next((s.force_ipv4 or "" for s in clients if s.runtime == runtime), "")


def _family_4(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    snippets = list(dict.fromkeys(s.force_ipv4 for s in clients if s.force_ipv4 is not None))
    if not snippets:
        return not_applicable("client-family-4", "no modelled client can be forced")
    stuck = [s.name for s in clients if s.force_ipv4 is None]
    change = f"force IPv4 in the client ({', '.join(snippets)}"
    if stuck:
        change += f"; {join_names(stuck)} cannot be forced"
    change += ")"
    already = obs.family is FamilyChoice.IPV4
    return make_fix(
        "client-family-4",
        KINDS["client-family-4"].title,
        obs,
        clients,
        before,
        WhatIf(family=Family.IPV4),
        change,
        node=_snippet(clients, "node"),
        python=_snippet(clients, "python"),
        live=None if already else FixChange(family=FamilyChoice.IPV4),
        reason="already IPv4 only (family 4)" if already else "",
        in_effect=already,
    )


def _use_address(
    fix_id: str,
    title: str,
    label: str,
    target: str,
    obs: Observation,
    clients: Sequence[ClientStrategy],
    before: Sequence[Run],
) -> Fix:
    """The URL names ``target`` instead of its host name (the two literal fixes)."""
    url = obs.url.with_host(target).redacted()
    return make_fix(
        fix_id,
        title,
        obs,
        clients,
        before,
        WhatIf(host=target),
        f"use {url} instead of {obs.url.host}",
        node=f'new WebSocket("{url}")',
        python=f'websockets.connect("{url}")',
        live=FixChange(url_host=target),
        label=label,
    )


def _literal(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    target, why = _ipv4_choice(obs)
    if target is None:
        literal = family_of(obs.url.host) is Family.IPV4
        return not_applicable("ipv4-literal", why, in_effect=literal)
    return _use_address(
        "ipv4-literal", f"Use {target} in the URL", target, target, obs, clients, before
    )


def _node_order(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    if not any(s.runtime == "node" for s in clients):
        return not_applicable("node-ipv4first", "no Node.js client is modelled")
    return make_fix(
        "node-ipv4first",
        KINDS["node-ipv4first"].title,
        obs,
        clients,
        before,
        WhatIf(runtime_order=("node", AddressOrder.IPV4FIRST)),
        "run Node with --dns-result-order=ipv4first (Node clients try IPv4 first)",
        node='node --dns-result-order=ipv4first app.js  // or dns.setDefaultResultOrder("ipv4first")',
    )


def _upgrade(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    ctx = WhatIf(upgrade_to=NODE_20)
    if not any(ctx.affects(s) for s in clients):
        return not_applicable("upgrade-node-20", "no older Node.js client is modelled")
    return make_fix(
        "upgrade-node-20",
        KINDS["upgrade-node-20"].title,
        obs,
        clients,
        before,
        ctx,
        "run the Node clients on Node.js 20+ (Happy Eyeballs falls back to the next address)",
        node="// run on Node.js 20 or later: autoSelectFamily is on by default",
    )


def _ipv6_target(obs: Observation) -> str | None:
    """``::1`` for ``localhost`` names; else the name's first IPv6 address that is not
    loopback and not measured dead; ``None`` for a literal or without one."""
    host = obs.url.host
    if family_of(host) is not None:
        return None
    if is_localhost_name(host):
        return "::1"
    res = obs.resolution
    everything = (*res.addresses, *res.addrconfig_addresses, *res.ipv6.order)
    own = [
        a.address
        for a in everything
        if a.family is Family.IPV6
        and not is_loopback(a.address)
        and dead_clause(obs, a.address) is None
    ]
    return own[0] if own else None


def _ipv6_literal(
    obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> Fix | None:
    target = _ipv6_target(obs)
    if target is None:
        return None
    title = f"Use [{target}] in the URL"
    return _use_address("ipv6-literal", title, f"[{target}]", target, obs, clients, before)


_SIX = ((r"family: 4\b", "family: 6"), (r"AF_INET\b", "AF_INET6"), (r"(?<=\s)-4\b", "-6"))


def _as_six(snippet: str) -> str:
    """A client's force-IPv4 snippet made to force IPv6 (``{ family: 6 }``, ``AF_INET6``,
    ``curl -6``)."""
    for pattern, six in _SIX:
        snippet = re.sub(pattern, six, snippet)
    return snippet


def _family_6(
    obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> Fix | None:
    snippets = list(dict.fromkeys(_as_six(s.force_ipv4) for s in clients if s.force_ipv4))
    if not snippets or obs.family is FamilyChoice.IPV6:
        return None
    stuck = [s.name for s in clients if s.force_ipv4 is None]
    change = f"force IPv6 in the client ({', '.join(snippets)}"
    if stuck:
        change += f"; {join_names(stuck)} cannot be forced"
    change += ")"
    return make_fix(
        "client-family-6",
        KINDS["client-family-6"].title,
        obs,
        clients,
        before,
        WhatIf(family=Family.IPV6),
        change,
        node=_as_six(_snippet(clients, "node")),
        python=_as_six(_snippet(clients, "python")),
        live=FixChange(family=FamilyChoice.IPV6),
    )


def _planned(
    plan: Plan | None, obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> Fix | None:
    if plan is None:
        return None
    return make_fix(
        plan.fix_id,
        plan.title or KINDS[plan.fix_id].title,
        obs,
        clients,
        before,
        plan.ctx,
        plan.change,
        node=plan.node,
        python=plan.python,
        reason=plan.reason,
    )


def build_fixes(
    obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> tuple[Fix, ...]:
    """The fixes that fit, in :data:`FIX_IDS` order; ``before`` are the unchanged runs of
    ``clients`` (see the module docstring for which are listed)."""
    failing = [r for r in before if r.prediction.outcome is ClientOutcome.FAILS]
    if all(r.stage is Stage.HANDSHAKE for r in failing):
        # None fails, or every failure is the server's answer: no address or family
        # change helps (the handshake's own advice says what to try).
        return ()
    pair = loopback_pair(obs, clients, before)
    server = [dual_stack(obs, clients, before)]
    if pair is not None and pair.works:
        preferred = loopback_preferred(obs)
        server = (
            [pair, replace(server[0], key=None)]
            if preferred
            else [*server, replace(pair, key=None)]
        )
    if obs.local_target and obs.listeners_known and not listeners_on_port(obs):
        return tuple(server)
    fixes: list[Fix | None] = [
        _family_4(obs, clients, before),
        *server,
        _literal(obs, clients, before),
    ]
    for optional in (_family_6, _ipv6_literal):
        fix = optional(obs, clients, before)
        fixes.append(fix if fix is not None and fix.works else None)
    fixes += [_node_order(obs, clients, before), _upgrade(obs, clients, before)]
    plans = (
        remove_aaaa(obs),
        remove_dead_a(obs),
        hosts_line(obs),
        python_happy_eyeballs(obs, clients, before),
        node_attempt_timeout(obs, clients, before),
    )
    fixes += [_planned(plan, obs, clients, before) for plan in plans]
    return tuple(f for f in fixes if f is not None)
