"""Garbage collection around the TUI's start-up (issue 14).

Start-up allocates hundreds of thousands of long-lived objects (Textual, its stylesheet,
the widgets, the engine's tables). Each young collection walks the new ones and a full
collection walks them all: 100-200 ms of collections before the first complete screen,
for garbage that is almost all freed by reference counting anyway. So the entry point
calls :func:`pause` before Textual is imported, and the screen calls :func:`settle` once
its first complete screen is there (or after :data:`SETTLE_DEADLINE` seconds, whichever
comes first): every object alive then is moved out of the collector's reach
(``gc.freeze()``) and collection resumes, so a later full collection (a flood of
messages, a new listener scan) walks only what came after.
"""

from __future__ import annotations

import gc

__all__ = ["SETTLE_DEADLINE", "pause", "settle", "settled"]

SETTLE_DEADLINE = 5.0
"""Seconds after the screen is mounted when collection resumes even without a complete
screen (a lookup stuck on a silent nameserver must not leave it off)."""

_paused = False
_settled = False


def pause() -> None:
    """Turn the collector off until :func:`settle` (the TUI's entry point, before imports)."""
    global _paused
    if not _settled and gc.isenabled():
        gc.disable()
        _paused = True


def settle() -> None:
    """Freeze every object alive now and turn the collector back on if :func:`pause` turned
    it off. Once per process; later calls do nothing."""
    global _settled, _paused
    if _settled:
        return
    _settled = True
    gc.freeze()
    if _paused:
        _paused = False
        gc.enable()


def settled() -> bool:
    """Whether :func:`settle` has run in this process."""
    return _settled
