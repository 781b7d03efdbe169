"""The engine: Observation -> Diagnosis (predictions, verdict, fixes, notes)."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Diagnosis, Observation
from .clients import CATALOGUE
from .fixes import build_fixes
from .proxyfix import proxy_fixes
from .simulate import simulate
from .strategy import ClientStrategy
from .trustfix import trust_fixes
from .verdict import build_notes, build_verdict

__all__ = ["diagnose"]


def diagnose(obs: Observation, clients: Sequence[ClientStrategy] | None = None) -> Diagnosis:
    """Predict every client, decide the verdict and try every fix on paper.

    Args:
        obs: everything measured about one URL.
        clients: the strategies to model, in display order; ``None`` means
            :data:`~wsexplorer.diagnosis.clients.CATALOGUE`.

    Returns:
        A :class:`~wsexplorer.model.Diagnosis` whose ``verdict.ok`` is true iff every
        client connects. Pure: no I/O, and the order of ``obs.listeners`` does not matter.
    """
    strategies = CATALOGUE if clients is None else tuple(clients)
    runs = tuple(simulate(obs, s) for s in strategies)
    return Diagnosis(
        observation=obs,
        clients=tuple(r.prediction for r in runs),
        verdict=build_verdict(obs, runs),
        fixes=build_fixes(obs, strategies, runs)
        + trust_fixes(obs, strategies, runs)
        + proxy_fixes(obs, strategies, runs),
        notes=build_notes(obs, runs),
    )
