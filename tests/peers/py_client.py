"""WebSocket client on Python ``websockets``, a real peer for tests/scenarios.

Usage: ``python py_client.py URL [--family 4|6]``. Calls
``websockets.asyncio.client.connect(URL, open_timeout=5)`` with no other option, as a user
would (``WS_PEER_OPEN_TIMEOUT=10`` sets websockets' own default instead; ``--family`` adds
``family=socket.AF_INET`` or ``AF_INET6``; ``WS_PEER_HAPPY_EYEBALLS_DELAY=0.25`` adds
``happy_eyeballs_delay=0.25``, which websockets passes to ``loop.create_connection``), and
prints exactly one JSON line::

    {"outcome": "connects", "address": "127.0.0.1"}
    {"outcome": "fails", "error": str(exc), "type": "OSError",
     "traceback_line": "OSError: ...", "cause": "ValueError: ..."}

``traceback_line`` is the last line Python prints for an uncaught exception; ``cause``,
present when the exception was raised ``from`` another, is that one's line. Exits by
itself: ``open_timeout`` bounds the connect and the handshake. Every line also carries
``elapsed_ms``, the time ``connect`` took (without the interpreter's start-up).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from typing import Any

from websockets.asyncio.client import connect

__all__ = ["main"]

_MAPPED_PREFIX = "::ffff:"


_FAMILIES = {"4": socket.AF_INET, "6": socket.AF_INET6}


async def _run(url: str, family: str | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    timeout = float(os.environ.get("WS_PEER_OPEN_TIMEOUT", "5"))
    result = await _connect(url, timeout, None if family is None else _FAMILIES[family])
    result["elapsed_ms"] = (time.perf_counter() - started) * 1000
    return result


async def _connect(url: str, open_timeout: float, family: int | None) -> dict[str, Any]:
    options: dict[str, Any] = {} if family is None else {"family": family}
    delay = os.environ.get("WS_PEER_HAPPY_EYEBALLS_DELAY")
    if delay:
        options["happy_eyeballs_delay"] = float(delay)
    try:
        async with connect(url, open_timeout=open_timeout, **options) as connection:
            address = str(connection.remote_address[0])
    except Exception as exc:  # every failure is a result to report, not a crash
        result: dict[str, Any] = {
            "outcome": "fails",
            "error": str(exc),
            "type": type(exc).__name__,
            "traceback_line": f"{type(exc).__name__}: {exc}",
        }
        if exc.__cause__ is not None:
            # Printed above the traceback line as "The above exception was the direct cause".
            result["cause"] = f"{type(exc.__cause__).__name__}: {exc.__cause__}"
        return result
    address = address.removeprefix(_MAPPED_PREFIX)
    return {"outcome": "connects", "address": address}


def main(argv: list[str]) -> int:
    """Run one connection attempt; return the process exit status."""
    if len(argv) == 3 and argv[1] == "--family" and argv[2] in _FAMILIES:
        family: str | None = argv[2]
    elif len(argv) == 1:
        family = None
    else:
        print("usage: py_client.py URL [--family 4|6]", file=sys.stderr)
        return 2
    print(json.dumps(asyncio.run(_run(argv[0], family))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
