"""wsexplorer: see every hop of a WebSocket connection."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
