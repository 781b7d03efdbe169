"""The fixes: each is one :class:`~wsexplorer.diagnosis.context.WhatIf` re-run through the
same simulation, with the concrete Node and Python change.

A fix works when every modelled client connects after it. It is ``measured`` when every
address the changed clients would try was actually connected to live (tracer attempts or
probes) and the server itself is unchanged; otherwise ``predicted``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import (
    ClientOutcome,
    ClientPrediction,
    Family,
    Fix,
    FixHow,
    Listener,
    Observation,
    family_of,
    is_loopback,
    is_wildcard,
)
from .clients.node20 import NODE_20
from .context import WhatIf
from .outcome import listeners_on_port
from .simulate import Run, simulate
from .strategy import AddressOrder, ClientStrategy, is_localhost_name
from .verdict import describe_listener, join_names

__all__ = ["FIX_IDS", "build_fixes", "dual_stack_python", "ipv4_target"]

FIX_IDS = (
    "client-family-4",
    "server-dual-stack",
    "ipv4-literal",
    "node-ipv4first",
    "upgrade-node-20",
)


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
    """The IPv4 literal to put in the URL: ``127.0.0.1`` when the name is loopback, else
    the name's first IPv4 address; ``None`` when the host is already a literal or no
    IPv4 address is known."""
    host = obs.url.host
    if family_of(host) is not None:
        return None
    res = obs.resolution
    everything = (*res.addresses, *res.addrconfig_addresses, *res.ipv4.order)
    if is_localhost_name(host) or any(is_loopback(a.address) for a in everything):
        return "127.0.0.1"
    return next((a.address for a in everything if a.family is Family.IPV4), None)


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
) -> Fix:
    after = [simulate(obs, s, ctx) for s in clients]
    predictions: tuple[ClientPrediction, ...] = tuple(r.prediction for r in after)
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
    )


def _not_applicable(fix_id: str, title: str, why: str) -> Fix:
    return Fix(fix_id, title, False, FixHow.PREDICTED, why, applicable=False)


def _snippet(clients: Sequence[ClientStrategy], runtime: str) -> str:
    return next((s.force_ipv4 or "" for s in clients if s.runtime == runtime), "")


def _family_4(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    title = "Force IPv4 in the client"
    snippets = list(dict.fromkeys(s.force_ipv4 for s in clients if s.force_ipv4 is not None))
    if not snippets:
        return _not_applicable("client-family-4", title, "no modelled client can be forced")
    stuck = [s.name for s in clients if s.force_ipv4 is None]
    change = f"force IPv4 in the client ({', '.join(snippets)}"
    if stuck:
        change += f"; {join_names(stuck)} cannot be forced"
    change += ")"
    return _fix(
        "client-family-4",
        title,
        obs,
        clients,
        before,
        WhatIf(family=Family.IPV4),
        change,
        node=_snippet(clients, "node"),
        python=_snippet(clients, "python"),
    )


def _dual_stack(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
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
        # Checked (tests/hardening/test_families.py): with IPv6 turned off by sysctl, ``::``
        # still binds and takes IPv4 peers, but ::1 does not exist, so IPv6-first clients
        # that don't fall back still fail.
        change += "; IPv6 is disabled here, so :: takes IPv4 only and ::1 stays unreachable"
    if not obs.local_target:
        change += " (the server is not on this machine: change it where it runs)"
    return _fix(
        "server-dual-stack",
        "Listen on :: (dual-stack)",
        obs,
        clients,
        before,
        WhatIf(listeners=(new,)),
        change,
        node=f'server.listen({port}, "::")  // or new WebSocketServer({{ port: {port} }}), no host',
        python=dual_stack_python(port),
        applicable=obs.local_target,
    )


def _literal(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    host = obs.url.host
    target = ipv4_target(obs)
    if target is None:
        title = "Use an IPv4 address in the URL"
        if family_of(host) is not None:
            return _not_applicable("ipv4-literal", title, f"the URL's host {host} is an address")
        return _not_applicable("ipv4-literal", title, f"no IPv4 address is known for {host}")
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
    )


def _node_order(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    title = "Node: --dns-result-order=ipv4first"
    if not any(s.runtime == "node" for s in clients):
        return _not_applicable("node-ipv4first", title, "no Node.js client is modelled")
    return _fix(
        "node-ipv4first",
        title,
        obs,
        clients,
        before,
        WhatIf(runtime_order=("node", AddressOrder.IPV4FIRST)),
        "run Node with --dns-result-order=ipv4first (Node clients try IPv4 first)",
        node='node --dns-result-order=ipv4first app.js  // or dns.setDefaultResultOrder("ipv4first")',
    )


def _upgrade(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    title = "Upgrade the client to Node.js 20+"
    ctx = WhatIf(upgrade_to=NODE_20)
    if not any(ctx.affects(s) for s in clients):
        return _not_applicable("upgrade-node-20", title, "no older Node.js client is modelled")
    return _fix(
        "upgrade-node-20",
        title,
        obs,
        clients,
        before,
        ctx,
        "run the Node clients on Node.js 20+ (Happy Eyeballs falls back to the next address)",
        node="use Node.js 20 or later: autoSelectFamily is on by default",
    )


def build_fixes(
    obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> tuple[Fix, ...]:
    """Every fix in :data:`FIX_IDS` order; ``before`` are the unchanged runs of ``clients``."""
    builders = (_family_4, _dual_stack, _literal, _node_order, _upgrade)
    return tuple(build(obs, clients, before) for build in builders)
