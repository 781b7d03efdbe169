"""Other Python WebSocket clients as real peers for tests/scenarios: aiohttp,
websocket-client and websockets' sync client.

Usage: ``python py_lib_client.py LIB URL`` with LIB one of ``aiohttp``
(``aiohttp.ClientSession().ws_connect(URL)``), ``websocket-client``
(``websocket.create_connection(URL)``) or ``websockets-sync``
(``websockets.sync.client.connect(URL)``), each called with no option, as a user would
(their own default timeouts). Prints exactly one JSON line::

    {"outcome": "connects", "address": "127.0.0.1", "elapsed_ms": 1.2}
    {"outcome": "fails", "error": str(exc), "type": "ClientConnectorError",
     "traceback_line": "...", "cause": "...", "elapsed_ms": 0.9}

``error`` is what ``print(exc)`` shows; ``traceback_line`` is the last line of Python's
traceback; ``cause``, when the exception was raised ``from`` another, is that one's line.

For ``wss://`` the aiohttp and websocket-client runs take each library's own certificate
options from the environment, as a user would write them: ``WS_PEER_CAFILE=FILE``
(aiohttp ``ssl=ssl.create_default_context(cafile=FILE)``, websocket-client
``sslopt={"ca_certs": FILE}``) and ``WS_PEER_INSECURE=1`` (aiohttp ``ssl=ctx`` with
``check_hostname = False`` and ``CERT_NONE``, websocket-client
``sslopt={"cert_reqs": ssl.CERT_NONE}``).
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import sys
import time
from typing import Any

__all__ = ["main"]

_MAPPED_PREFIX = "::ffff:"


def _load(lib: str) -> None:
    """Import the library before the clock starts: ``elapsed_ms`` is the connect alone."""
    module = {"aiohttp": "aiohttp", "websocket-client": "websocket"}.get(lib)
    __import__(module or "websockets.sync.client")


def _aiohttp_ssl() -> dict[str, Any]:
    if os.environ.get("WS_PEER_INSECURE") == "1":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return {"ssl": ctx}
    cafile = os.environ.get("WS_PEER_CAFILE")
    return {"ssl": ssl.create_default_context(cafile=cafile)} if cafile else {}


def _sslopt() -> dict[str, Any]:
    if os.environ.get("WS_PEER_INSECURE") == "1":
        return {"sslopt": {"cert_reqs": ssl.CERT_NONE}}
    cafile = os.environ.get("WS_PEER_CAFILE")
    return {"sslopt": {"ca_certs": cafile}} if cafile else {}


async def _aiohttp(url: str) -> str:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.ws_connect(url, **_aiohttp_ssl()) as ws:
        peer = ws.get_extra_info("peername")
        return str(peer[0])


def _websocket_client(url: str) -> str:
    import websocket

    ws = websocket.create_connection(url, **_sslopt())
    try:
        return str(ws.sock.getpeername()[0])
    finally:
        ws.close()


def _websockets_sync(url: str) -> str:
    from websockets.sync.client import connect

    with connect(url) as connection:
        return str(connection.remote_address[0])


def _connect(lib: str, url: str) -> str:
    if lib == "aiohttp":
        return asyncio.run(_aiohttp(url))
    if lib == "websocket-client":
        return _websocket_client(url)
    return _websockets_sync(url)


def _run(lib: str, url: str) -> dict[str, Any]:
    _load(lib)
    started = time.perf_counter()
    try:
        address = _connect(lib, url)
    except Exception as exc:  # every failure is a result to report, not a crash
        result: dict[str, Any] = {
            "outcome": "fails",
            "error": str(exc),
            "type": type(exc).__name__,
            "traceback_line": f"{type(exc).__name__}: {exc}",
        }
        if exc.__cause__ is not None:
            result["cause"] = f"{type(exc.__cause__).__name__}: {exc.__cause__}"
    else:
        result = {"outcome": "connects", "address": address.removeprefix(_MAPPED_PREFIX)}
    result["elapsed_ms"] = (time.perf_counter() - started) * 1000
    return result


def main(argv: list[str]) -> int:
    """Run one connection attempt; return the process exit status."""
    if len(argv) != 2 or argv[0] not in ("aiohttp", "websocket-client", "websockets-sync"):
        print("usage: py_lib_client.py aiohttp|websocket-client|websockets-sync URL",
              file=sys.stderr)  # fmt: skip
        return 2
    print(json.dumps(_run(argv[0], argv[1])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
