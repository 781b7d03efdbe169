"""Garbage collection around the TUI's start-up (issue 14).

Start-up makes some 90,000 long-lived objects the collector tracks (Textual, its
stylesheet, the widgets, the engine's tables). Young collections keep walking the new
ones and full collections walk them all: about 230 collections, 100-200 ms, before the
first complete screen. So the entry point calls :func:`pause` before Textual is
imported, and the screen calls :func:`settle` once its first complete screen is there
(or :data:`SETTLE_DEADLINE` seconds after it mounted): every object alive then is moved
out of the collector's reach (``gc.freeze()``) and collection resumes. A later full
collection (a flood of messages, a new listener scan) walks only what came after the
freeze: at 50,000 sockets one after a new scan paused the loop 250 ms before the freeze,
30-70 ms after it.

The start-up's cyclic garbage (some 14,000 objects, a few MB) is frozen with the rest:
collecting it first took a 180-250 ms pause on the loop right after the first screen.
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
