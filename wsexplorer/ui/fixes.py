"""Trying a fix live: the engine decides, the screen applies.

The engine's :class:`~wsexplorer.model.Fix` says which key tries it, what it changes
(:class:`~wsexplorer.model.FixChange`) or why nothing can change (``reason``). This module
finds the fix behind a key and applies its change to the :class:`LiveState`; it decides
nothing about fixes itself. Pure: no Textual, no I/O.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Diagnosis, Fix, FixChange
from .state import LiveState

__all__ = [
    "KEY_WORDS",
    "NOTHING_TO_FIX",
    "NOT_CURRENT",
    "applied",
    "fix_for_id",
    "fix_for_key",
    "key_label",
    "refusal",
]

NOT_CURRENT = "the diagnosis of the current state is still running: try again when it is done"
"""Why a key does nothing while the shown diagnosis describes an earlier state."""


def fix_for_key(d: Diagnosis | None, key: str) -> Fix | None:
    """The fix the key ``key`` tries in ``d``, if any."""
    if d is None:
        return None
    return next((f for f in d.fixes if f.key == key), None)


KEY_WORDS = {"f": "family 4", "l": "127.0.0.1", "d": "listen ::"}
"""What each fix key is called before the first diagnosis names its fix."""


def key_label(d: Diagnosis | None, key: str) -> str | None:
    """``Fix: <the engine's label>`` for the fix on ``key`` in ``d`` (``Fix: 192.0.2.10``);
    ``None`` before a diagnosis has a fix on that key."""
    fix = fix_for_key(d, key)
    if fix is None or not fix.label:
        return None
    return f"Fix: {fix.label}"


def fix_for_id(d: Diagnosis | None, fix_id: str) -> Fix | None:
    """The fix with id ``fix_id`` in ``d``, if any."""
    if d is None:
        return None
    return next((f for f in d.fixes if f.id == fix_id), None)


NOTHING_TO_FIX = "no modelled client fails: nothing to fix"
"""Why a fix key does nothing when the engine lists no fix (every client connects)."""


def refusal(fix: Fix | None, key: str, d: Diagnosis | None = None) -> str | None:
    """Why trying ``fix`` live changes nothing (one line), or ``None`` when it can be tried
    (``d``: the diagnosis it came from, which may list no fix at all)."""
    if fix is None and d is not None and not d.fixes:
        return (
            NOTHING_TO_FIX
            if d.verdict.ok
            else "no fix to try here: see the verdict and the handshake"
        )
    if fix is None:
        return f"no fix on {key} in this diagnosis"
    if not fix.applicable or fix.change is None:
        return fix.reason or f"{fix.title}: nothing to change from here"
    return None


def applied(state: LiveState, change: FixChange) -> LiveState:
    """``state`` with the change's family and URL host.

    The server bind is not set here: it changes only once the demo server has rebound.
    """
    if change.family is not None:
        state = replace(state, family=change.family)
    if change.url_host is not None:
        state = replace(state, url=state.url.with_host(change.url_host))
    return state
