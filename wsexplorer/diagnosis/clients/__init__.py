"""The client catalogue: one module per client; add a client by adding a module and
listing its strategy in :data:`CATALOGUE` (display order)."""

from __future__ import annotations

from ..strategy import ClientStrategy
from .bun import BUN
from .chrome import CHROME
from .curl import CURL, curl_strategy
from .deno import DENO
from .node16 import NODE_16
from .node17_19 import NODE_17_19
from .node20 import NODE_20
from .node_websocket import NODE_WEBSOCKET, NODE_WEBSOCKET_24
from .python_aiohttp import PYTHON_AIOHTTP
from .python_websocket_client import PYTHON_WEBSOCKET_CLIENT
from .python_websockets import PYTHON_WEBSOCKETS

__all__ = [
    "BUN",
    "CATALOGUE",
    "CHROME",
    "CURL",
    "DENO",
    "NODE_16",
    "NODE_17_19",
    "NODE_20",
    "NODE_WEBSOCKET",
    "NODE_WEBSOCKET_24",
    "PYTHON_AIOHTTP",
    "PYTHON_WEBSOCKETS",
    "PYTHON_WEBSOCKET_CLIENT",
    "curl_strategy",
]

CATALOGUE: tuple[ClientStrategy, ...] = (
    NODE_16,
    NODE_17_19,
    NODE_20,
    NODE_WEBSOCKET,
    NODE_WEBSOCKET_24,
    BUN,
    DENO,
    PYTHON_WEBSOCKETS,
    PYTHON_AIOHTTP,
    PYTHON_WEBSOCKET_CLIENT,
    CURL,
    CHROME,
)
"""The default clients, in display order."""
