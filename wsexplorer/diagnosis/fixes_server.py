"""The server fixes: listen on both loopbacks (``server-loopback-pair``) or on ``::``
dual-stack (``server-dual-stack``).

``::`` takes connections from every interface, so it says so (``Fix.exposure``, and in
its words); the loopback pair gives local clients both families without that, and is the
fix preferred (the ``d`` key) for a server on loopback or for none at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import (
    LOOPBACK_BIND,
    Exposure,
    Family,
    Fix,
    FixChange,
    Listener,
    Observation,
    is_loopback,
    is_wildcard,
)
from .context import WhatIf
from .fixkit import KINDS, make_fix, not_applicable
from .outcome import listeners_on_port
from .paths import remote_bind_unrelated
from .phrases import describe_listener, join_names
from .simulate import Run
from .strategy import ClientStrategy

__all__ = ["dual_stack", "dual_stack_python", "loopback_pair", "loopback_preferred"]

_ELSEWHERE = "the server is not on this machine: change it where it runs"


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


def loopback_preferred(obs: Observation) -> bool:
    """The loopback pair is the server fix to try first: the server listens on loopback
    only, or nothing listens (a server to start), on this machine."""
    now = listeners_on_port(obs)
    return obs.local_target and all(is_loopback(lis.address) for lis in now)


def _started(obs: Observation) -> bool:
    """Nothing listens on the port here (listeners known): the fix starts a server."""
    return obs.local_target and obs.listeners_known and not listeners_on_port(obs)


def _exposure_words(now: Sequence[Listener]) -> str:
    if now and all(is_loopback(lis.address) for lis in now):
        return "; widens exposure: from this machine only to every interface, reachable from the network"
    return "; every interface: reachable from the network"


def dual_stack(obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]) -> Fix:
    unrelated = remote_bind_unrelated(obs)
    if unrelated is not None:
        return not_applicable("server-dual-stack", unrelated)
    port = obs.url.port
    now = listeners_on_port(obs)
    current = sorted({describe_listener(lis) for lis in now})
    instead = f" instead of {join_names(current)}" if current else ""
    new = Listener.make(Family.IPV6, "::", port, False)
    change = f"listen on :: with IPV6_V6ONLY=0{instead} (one socket for IPv4 and IPv6)"
    already = bool(now) and all(lis.dual_stack and is_wildcard(lis.address) for lis in now)
    if already:
        change = "keep listening on :: with IPV6_V6ONLY=0 (already dual-stack)"
    if _started(obs):
        change = f"start the server (nothing listens on {port}), on :: with IPV6_V6ONLY=0"
    if not obs.system.ipv6_enabled:
        # Checked by the IPv6-disabled hardening matrix: with IPv6 turned off by sysctl, ``::``
        # still binds and takes IPv4 peers, but ::1 does not exist, so IPv6-first clients
        # that don't fall back still fail.
        change += "; IPv6 is disabled here, so :: takes IPv4 only and ::1 stays unreachable"
    if not already:
        change += _exposure_words(now)
    if not obs.local_target:
        change += f" ({_ELSEWHERE})"
    live: FixChange | None = FixChange(server_bind=("::", "dual-stack"))
    reason = ""
    if already:
        live, reason = None, "the server already listens on :: dual-stack (IPv4 and IPv6)"
    if not obs.local_target:
        live, reason = None, _ELSEWHERE
    return make_fix(
        "server-dual-stack",
        KINDS["server-dual-stack"].title,
        obs,
        clients,
        before,
        WhatIf(listeners=(new,)),
        change,
        node=f'server.listen({port}, "::")  // every interface: reachable from the network',
        python=dual_stack_python(port),
        applicable=obs.local_target,
        live=live,
        reason=reason,
        exposure=None if already else Exposure.NETWORK,
        in_effect=already,
    )


def loopback_pair(
    obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> Fix | None:
    """Listen on ``127.0.0.1`` and ``::1``: ``None`` for a server on another machine."""
    if not obs.local_target:
        return None
    port = obs.url.port
    now = listeners_on_port(obs)
    addresses = {lis.address for lis in now}
    pair = (
        Listener.make(Family.IPV4, "127.0.0.1", port, None),
        Listener.make(Family.IPV6, "::1", port, True),
    )
    current = sorted({describe_listener(lis) for lis in now})
    change = f"listen on 127.0.0.1 and ::1 (two sockets, this machine only) instead of {join_names(current)}"
    if _started(obs):
        change = (
            f"start the server (nothing listens on {port}) on 127.0.0.1 and ::1 (this machine only)"
        )
    elif not all(is_loopback(a) for a in addresses):
        change += "; other machines can no longer connect"
    live: FixChange | None = FixChange(
        server_bind=(LOOPBACK_BIND, "default"), note="listening on 127.0.0.1 and ::1"
    )
    reason = ""
    already = {"127.0.0.1", "::1"} <= addresses and all(is_loopback(a) for a in addresses)
    if already:
        live, reason = None, "the server already listens on 127.0.0.1 and ::1 (IPv4 and IPv6)"
    return make_fix(
        "server-loopback-pair",
        KINDS["server-loopback-pair"].title,
        obs,
        clients,
        before,
        WhatIf(listeners=pair),
        change,
        node=(
            f'for (const host of ["127.0.0.1", "::1"]) new WebSocketServer({{ host, port: {port} }})'
            '.on("connection", onConnection)  // listen("localhost") binds only one of them'
        ),
        python=f'websockets.serve(handler, ["127.0.0.1", "::1"], {port})  # one socket each',
        live=live,
        reason=reason,
        in_effect=already,
    )
