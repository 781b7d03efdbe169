"""The proxy fix: clients that fail through a proxy from the environment reach the host
directly instead (the host added to ``no_proxy``, or each client's own switch), re-run
through the simulation so the fix says whether the direct path works
(docs/clients.md#proxies).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Fix, Observation
from .context import WhatIf
from .fixkit import _how, _result
from .phrases import join_names
from .simulate import Run, simulate
from .strategy import ClientStrategy

__all__ = ["PROXY_FIX_IDS", "PROXY_SWITCHES", "proxy_fixes"]

PROXY_FIX_IDS = ("proxy-bypass",)
"""Listed after the trust fixes, only when a client that goes through a proxy fails."""

PROXY_SWITCHES = {
    "python": "websockets.connect(url, proxy=None)",
    "curl": "curl --noproxy {host}",
    "browser": "chromium --proxy-bypass-list={host} (or --no-proxy-server)",
    "node": "Node without NODE_USE_ENV_PROXY=1 or --use-env-proxy",
}
"""Each runtime's own way to skip the proxy for one connection or host (websockets
``connect(proxy=None)``; curl ``--noproxy``; Chromium's command-line switches; Node's
built-in WebSocket: its proxy support off)."""


def proxy_fixes(
    obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> tuple[Fix, ...]:
    """``proxy-bypass`` when some client fails through a proxy; else nothing."""
    proxied = [r for r in before if r.prediction.proxy is not None]
    if not any(not r.prediction.connects for r in proxied):
        return ()
    ctx = WhatIf(direct=True)
    after = [simulate(obs, s, ctx) for s in clients]
    host = obs.url.host
    variables = join_names(sorted({r.prediction.proxy_variable or "" for r in proxied}))
    switches = [
        PROXY_SWITCHES[r.strategy.runtime].replace("{host}", host)
        for r in proxied
        if r.strategy.runtime in PROXY_SWITCHES
    ]
    change = (
        f"reach {host} without the proxy: add {host} to no_proxy or unset {variables} "
        f"({'; '.join(dict.fromkeys(switches))})"
    )
    python = (
        PROXY_SWITCHES["python"] if any(r.strategy.runtime == "python" for r in proxied) else ""
    )
    return (
        Fix(
            id="proxy-bypass",
            title=f"Bypass the proxy for {host}",
            works=all(r.prediction.connects for r in after),
            how=_how(ctx, after, clients),
            detail=f"{change}: {_result(before, after)}",
            python=python,
            after=tuple(r.prediction for r in after),
            reason="a change to the environment or each client's command line",
            clients=tuple(r.strategy.id for r in proxied),
        ),
    )
