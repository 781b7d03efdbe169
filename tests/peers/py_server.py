"""Echo server on Python ``websockets``, a real peer for tests/scenarios.

Usage: ``python py_server.py HOST PORT``; HOST ``none`` passes ``None``, which makes
asyncio create one socket per family (the IPv6 one with ``IPV6_V6ONLY=1``).

Prints exactly one JSON line on stdout once listening::

    {"listening": [[address, port, "IPv4" | "IPv6", v6only | null], ...]}

or ``{"error": "...", "type": "..."}`` and exit status 1 when it cannot listen. Then one
line per accepted WebSocket, ``{"peer": [address, port], "local": [address, port], "path":
"/subscribe?..."}``: ``local`` is the address the client reached, ``peer`` its source (a
client whose API hides the address it connected to is learnt from ``local``). Runs until
killed, or until the hang guard fires (``WS_PEER_MAX_SECONDS``, default 600 s).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys

from websockets.asyncio.server import ServerConnection, serve

__all__ = ["main"]


async def _echo(connection: ServerConnection) -> None:
    peer = list(connection.remote_address[:2])
    local = list(connection.local_address[:2])
    path = connection.request.path if connection.request else None
    print(json.dumps({"peer": peer, "local": local, "path": path}), flush=True)
    async for message in connection:
        await connection.send(message)


def _describe(sock: socket.socket) -> list[object]:
    address, port = sock.getsockname()[:2]
    if sock.family == socket.AF_INET6:
        v6only = bool(sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
        return [address, port, "IPv6", v6only]
    return [address, port, "IPv4", None]


async def _serve(host: str | None, port: int) -> int:
    try:
        server = await serve(_echo, host, port)
    except OSError as exc:
        print(json.dumps({"error": str(exc), "type": type(exc).__name__}), flush=True)
        return 1
    print(json.dumps({"listening": [_describe(s) for s in server.sockets]}), flush=True)
    guard = float(os.environ.get("WS_PEER_MAX_SECONDS", "600"))
    async with server:
        await asyncio.sleep(guard)
    return 0


def main(argv: list[str]) -> int:
    """Run the server; return the process exit status."""
    if len(argv) != 2:
        print("usage: py_server.py HOST|none PORT", file=sys.stderr)
        return 2
    host = None if argv[0] == "none" else argv[0]
    return asyncio.run(_serve(host, int(argv[1])))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
