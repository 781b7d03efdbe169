"""The keys of ``wsexplorer.listeners/1`` (docs/json.md#schema-listeners), in one place.

``Listener.to_json`` / ``ListenerScan.to_json`` and the listeners probe's fast JSON writer
(which writes the same text straight from the kernel's answer, without ``Listener``
objects) both follow these lists, so the two cannot drift apart. Standard library only,
and not even ``dataclasses``: the fast writer imports this module on a hot start.
"""

from __future__ import annotations

__all__ = ["LISTENER_KEYS", "SCAN_KEYS", "SCHEMA"]

SCHEMA = "wsexplorer.listeners/1"

# One listener, in output order. Each key is also the name of the ``Listener`` field
# holding its value.
LISTENER_KEYS: tuple[str, ...] = (
    "protocol",
    "family",
    "address",
    "port",
    "v6only",
    "accepts",
    "accepts_source",
    "pid",
    "process",
    "uid",
)

# The whole scan, in output order (``schema`` is always ``SCHEMA``).
SCAN_KEYS: tuple[str, ...] = ("schema", "listeners", "method", "notes", "error")
