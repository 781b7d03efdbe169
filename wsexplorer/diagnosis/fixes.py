"""The fixes: each is one :class:`~wsexplorer.diagnosis.context.WhatIf` re-run through the
same simulation, with the concrete Node and Python change.

A fix works when every modelled client connects after it. It is ``measured`` when every
address the changed clients would try was actually connected to live (tracer attempts or
probes) and the server itself is unchanged; otherwise ``predicted``.

The engine also decides what trying a fix live changes (:class:`FixChange`: the family,
the URL's host, the server's bind) or why nothing can change; the UI only applies it.
:data:`FIXES` is the one table of fix ids, keys, titles and button labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import (
    LOOPBACK_BIND,
    AttemptOutcome,
    ClientOutcome,
    ClientPrediction,
    Family,
    FamilyChoice,
    Fix,
    FixChange,
    FixHow,
    Listener,
    Observation,
    family_of,
    is_loopback,
    is_wildcard,
)
from .clients.node20 import NODE_20
from .context import WhatIf
from .outcome import listeners_on_port, measured_attempt
from .paths import (
    Plan,
    hosts_line,
    node_attempt_timeout,
    python_happy_eyeballs,
    remote_bind_unrelated,
    remove_aaaa,
    remove_dead_a,
)
from .shadow import dead_clause
from .simulate import Run, simulate
from .strategy import AddressOrder, ClientStrategy, is_localhost_name
from .verdict import describe_listener, join_names

__all__ = [
    "ALWAYS_LISTED",
    "FIXES",
    "FIX_IDS",
    "FixKind",
    "build_fixes",
    "dual_stack_python",
    "ipv4_target",
]


@dataclass(frozen=True, slots=True)
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
    FixKind("server-dual-stack", "Listen on :: (dual-stack)", "d", "listen ::"),
    FixKind("ipv4-literal", "Use an IPv4 address in the URL", "l", "IPv4 address"),
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
"""Every fix, in display order: the one table of ids, keys, titles and labels. The path
fixes and client knobs after ``upgrade-node-20`` (:mod:`~wsexplorer.diagnosis.paths`)
are listed only where they apply, and none can be tried live."""

FIX_IDS = tuple(kind.id for kind in FIXES)
ALWAYS_LISTED = tuple(kind.id for kind in FIXES if not kind.conditional)
"""The fixes every diagnosis lists (applicable or not), in order."""
_KINDS = {kind.id: kind for kind in FIXES}


def dual_stack_python(port: int) -> str:
    """A Python websockets server on one dual-stack socket.

    ``websockets.serve(handler, "::", port)`` is IPv6-only (asyncio sets IPV6_V6ONLY=1 on
    the sockets it creates; docs/clients.md#server-python-asyncio, checked), so build the socket and pass
    ``sock=``.
    """
    return (
        '# serve(handler, "::", port) is IPv6-only (asyncio sets IPV6_V6ONLY=1): bring a socket\n'
        "sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)\n"
        "sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n"
        f'sock.bind(("::", {port}))\n'
        "async with websockets.serve(handler, sock=sock) as server: ..."
    )


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


def _fix(
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
) -> Fix:
    after = [simulate(obs, s, ctx) for s in clients]
    predictions: tuple[ClientPrediction, ...] = tuple(r.prediction for r in after)
    kind = _KINDS[fix_id]
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
        clients=changed,
    )


def _not_applicable(fix_id: str, why: str) -> Fix:
    kind = _KINDS[fix_id]
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
    )


def _snippet(clients: Sequence[ClientStrategy], runtime: str) -> str:
    return next((s.force_ipv4 or "" for s in clients if s.runtime == runtime), "")


def _family_4(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    snippets = list(dict.fromkeys(s.force_ipv4 for s in clients if s.force_ipv4 is not None))
    if not snippets:
        return _not_applicable("client-family-4", "no modelled client can be forced")
    stuck = [s.name for s in clients if s.force_ipv4 is None]
    change = f"force IPv4 in the client ({', '.join(snippets)}"
    if stuck:
        change += f"; {join_names(stuck)} cannot be forced"
    change += ")"
    already = obs.family is FamilyChoice.IPV4
    return _fix(
        "client-family-4",
        _KINDS["client-family-4"].title,
        obs,
        clients,
        before,
        WhatIf(family=Family.IPV4),
        change,
        node=_snippet(clients, "node"),
        python=_snippet(clients, "python"),
        live=None if already else FixChange(family=FamilyChoice.IPV4),
        reason="already IPv4 only (family 4)" if already else "",
    )


def _dual_stack(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    unrelated = remote_bind_unrelated(obs)
    if unrelated is not None:
        return _not_applicable("server-dual-stack", unrelated)
    port = obs.url.port
    now = listeners_on_port(obs)
    current = sorted({describe_listener(lis) for lis in now})
    instead = f" instead of {join_names(current)}" if current else ""
    new = Listener.make(Family.IPV6, "::", port, False)
    change = f"listen on :: with IPV6_V6ONLY=0{instead} (one socket for IPv4 and IPv6)"
    if now and all(lis.dual_stack and is_wildcard(lis.address) for lis in now):
        change = "keep listening on :: with IPV6_V6ONLY=0 (already dual-stack)"
    if not now and obs.local_target and obs.listeners_known:
        change = f"start the server (nothing listens on {port}), on :: with IPV6_V6ONLY=0"
    if not obs.system.ipv6_enabled:
        # Checked by the IPv6-disabled hardening matrix: with IPv6 turned off by sysctl, ``::``
        # still binds and takes IPv4 peers, but ::1 does not exist, so IPv6-first clients
        # that don't fall back still fail.
        change += "; IPv6 is disabled here, so :: takes IPv4 only and ::1 stays unreachable"
    elsewhere = "the server is not on this machine: change it where it runs"
    if not obs.local_target:
        change += f" ({elsewhere})"
    live, reason = _rebind(now) if obs.local_target else (None, elsewhere)
    return _fix(
        "server-dual-stack",
        _KINDS["server-dual-stack"].title,
        obs,
        clients,
        before,
        WhatIf(listeners=(new,)),
        change,
        node=f'server.listen({port}, "::")  // or new WebSocketServer({{ port: {port} }}), no host',
        python=dual_stack_python(port),
        applicable=obs.local_target,
        live=live,
        reason=reason,
    )


def _rebind(now: Sequence[Listener]) -> tuple[FixChange | None, str]:
    """The live rebind for a server on this machine, or why there is none.

    A server kept on loopback (``127.0.0.1``, ``::1``) gets both loopbacks, which is what
    ``::`` dual-stack gives local clients, without putting it on the network.
    """
    addresses = {lis.address for lis in now}
    if now and all(lis.dual_stack and is_wildcard(lis.address) for lis in now):
        return None, "the server already listens on :: dual-stack (IPv4 and IPv6)"
    if now and all(is_loopback(a) for a in addresses):
        if {"127.0.0.1", "::1"} <= addresses:
            return None, "the server already listens on 127.0.0.1 and ::1 (IPv4 and IPv6)"
        note = "listening on 127.0.0.1 and ::1: the dual-stack fix, loopback only"
        return FixChange(server_bind=(LOOPBACK_BIND, "default"), note=note), ""
    return FixChange(server_bind=("::", "dual-stack")), ""


def _literal(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    host = obs.url.host
    target, why = _ipv4_choice(obs)
    if target is None:
        return _not_applicable("ipv4-literal", why)
    url = obs.url.with_host(target).redacted()
    return _fix(
        "ipv4-literal",
        f"Use {target} in the URL",
        obs,
        clients,
        before,
        WhatIf(host=target),
        f"use {url} instead of {host}",
        node=f'new WebSocket("{url}")',
        python=f'websockets.connect("{url}")',
        live=FixChange(url_host=target),
        label=target,
    )


def _node_order(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    if not any(s.runtime == "node" for s in clients):
        return _not_applicable("node-ipv4first", "no Node.js client is modelled")
    return _fix(
        "node-ipv4first",
        _KINDS["node-ipv4first"].title,
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
        return _not_applicable("upgrade-node-20", "no older Node.js client is modelled")
    return _fix(
        "upgrade-node-20",
        _KINDS["upgrade-node-20"].title,
        obs,
        clients,
        before,
        ctx,
        "run the Node clients on Node.js 20+ (Happy Eyeballs falls back to the next address)",
        node="use Node.js 20 or later: autoSelectFamily is on by default",
    )


def _planned(
    plan: Plan | None, obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> Fix | None:
    if plan is None:
        return None
    return _fix(
        plan.fix_id,
        plan.title or _KINDS[plan.fix_id].title,
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
    """Every fix in :data:`FIX_IDS` order; ``before`` are the unchanged runs of ``clients``.
    The path fixes and client knobs are left out where they do not apply."""
    builders = (_family_4, _dual_stack, _literal, _node_order, _upgrade)
    fixes = [build(obs, clients, before) for build in builders]
    plans = (
        remove_aaaa(obs),
        remove_dead_a(obs),
        hosts_line(obs),
        python_happy_eyeballs(obs, clients, before),
        node_attempt_timeout(obs, clients, before),
    )
    planned = (_planned(plan, obs, clients, before) for plan in plans)
    return (*fixes, *(f for f in planned if f is not None))
