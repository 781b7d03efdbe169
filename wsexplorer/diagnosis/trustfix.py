"""The certificate fixes, offered when the user told wsexplorer to accept the server's
certificate (``--cacert FILE`` or ``-k``): each client's own flag for the same, re-run
through the simulation, so the fix says which clients would still refuse.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Fix, Observation
from ..model.trust import TrustStore
from .context import WhatIf
from .fixkit import _how, _result
from .phrases import join_names
from .simulate import Run, simulate
from .strategy import ClientStrategy
from .trust import TRUST_FLAGS, trust_flags

__all__ = ["TRUST_FIX_IDS", "trust_fixes"]

TRUST_FIX_IDS = ("trust-cacert", "trust-insecure")
"""Listed after :data:`~wsexplorer.diagnosis.fixes.FIX_IDS`, only for a ``wss://`` URL
whose certificate was checked and only with ``--cacert`` / ``-k``."""


def _flags(clients: Sequence[ClientStrategy], which: int, file: str) -> list[str]:
    """``FLAG (client, client)`` per distinct flag, in catalogue order."""
    groups: dict[str, list[str]] = {}
    for s in clients:
        flags = trust_flags(s)
        text = "not modelled" if flags is None else flags[which].replace("{file}", file)
        groups.setdefault(text, []).append(s.name)
    return [f"{text} ({join_names(names)})" for text, names in groups.items()]


def _build(
    fix_id: str,
    title: str,
    obs: Observation,
    clients: Sequence[ClientStrategy],
    before: Sequence[Run],
    ctx: WhatIf,
    change: str,
    which: int,
    file: str = "",
) -> Fix:
    after = [simulate(obs, s, ctx) for s in clients]
    flags = _flags(clients, which, file)
    runtimes = {s.runtime for s in clients}
    node = TRUST_FLAGS["node"][which] if "node" in runtimes else ""
    python = TRUST_FLAGS["python"][which] if "python" in runtimes else ""
    return Fix(
        id=fix_id,
        title=title,
        works=all(r.prediction.connects for r in after),
        how=_how(ctx, after, clients),
        detail=f"{change} ({'; '.join(flags)}): {_result(before, after)}",
        node=node.replace("{file}", file),
        python=python.replace("{file}", file),
        after=tuple(r.prediction for r in after),
        reason="a change in each client's code or command line",
    )


def trust_fixes(
    obs: Observation, clients: Sequence[ClientStrategy], before: Sequence[Run]
) -> tuple[Fix, ...]:
    """The fixes of :data:`TRUST_FIX_IDS` that apply (none without ``--cacert`` / ``-k``)."""
    check = obs.trust
    if check is None or check.error is not None:
        return ()
    out: list[Fix] = []
    cacert = check.store(TrustStore.CACERT)
    if check.cacert and cacert is not None:
        out.append(
            _build(
                "trust-cacert",
                f"Trust {check.cacert} in each client",
                obs,
                clients,
                before,
                WhatIf(trust=TrustStore.CACERT),
                f"give each client {check.cacert}",
                0,
                check.cacert,
            )
        )
    if check.insecure:
        out.append(
            _build(
                "trust-insecure",
                "Skip certificate checks in each client (insecure)",
                obs,
                clients,
                before,
                WhatIf(insecure=True),
                "turn certificate checks off in each client, which lets anyone on the path "
                "read and change the traffic",
                1,
            )
        )
    return tuple(out)
