"""Standard modules the TUI's libraries import at their top and never use here, loaded
on first use instead (issue 14: the first complete screen).

websockets imports ``importlib.metadata`` at its top (``websockets/version.py``) but
reads it only in a development checkout (``released = False``), and ``urllib.request``
(``websockets/proxy.py``) whose ``getproxies`` it calls only for ``proxy=True``, its
default: the probes and the session always pass ``proxy=None`` (``probes/handshake.py``).
The two and what they import (``email``, ``http.client``, ``zipfile``, ``csv``…) cost
25-40 ms of CPU before the session's first handshake. :func:`defer` puts a stand-in for the module in ``sys.modules``: an
``import`` of it binds the stand-in, and the first name read from it imports the real
module, puts it in the stand-in's place and answers from it.
(``importlib.util.LazyLoader`` does not do here: the import statement itself reads the
module's ``__spec__``, which loads it.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

__all__ = ["LAZY", "defer", "defer_unused", "loaded"]

LAZY = ("importlib.metadata", "urllib.request")
"""What the TUI's start defers."""


class _OnFirstUse(ModuleType):
    """Stands in for a module until a name is read from it."""

    def __getattr__(self, attr: str) -> object:
        return getattr(_load(self), attr)


def _load(stand_in: ModuleType) -> ModuleType:
    name = stand_in.__name__
    if sys.modules.get(name) is stand_in:
        del sys.modules[name]
    module = importlib.import_module(name)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


def defer(name: str) -> None:
    """Load ``name`` on the first use of one of its names (nothing changes if it is
    already imported or does not exist)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = _OnFirstUse(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, stand_in)


def loaded(name: str) -> bool:
    """Whether the real module ``name`` has been imported (not just its stand-in)."""
    module = sys.modules.get(name)
    return module is not None and not isinstance(module, _OnFirstUse)


def defer_unused() -> None:
    """Defer every module of :data:`LAZY`."""
    for name in LAZY:
        defer(name)
