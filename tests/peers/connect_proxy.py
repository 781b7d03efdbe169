"""A small real HTTP proxy for tests/scenarios: ``CONNECT`` tunnels and plain forwarding.

Usage: ``python connect_proxy.py HOST PORT LOG``. Prints one JSON line
``{"listening": [host, port]}`` once it listens, then serves until killed. Every request
it gets is appended to ``LOG`` as one JSON line ``{"method": ..., "target": ...}``.

- ``CONNECT host:port``: connects to the target, answers ``HTTP/1.1 200 Connection
  established`` and relays bytes both ways; a target it cannot connect to gets ``502``.
- Any other method with an absolute URI (``GET http://host:port/path``, what curl sends
  for ``http://`` through a proxy): connects to that host and port, forwards the request
  as it came and relays the answer.
"""

from __future__ import annotations

import asyncio
import json
import sys
from urllib.parse import urlsplit

__all__ = ["main"]


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()


def _split(authority: str, default_port: int) -> tuple[str, int]:
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    host, _, port = authority.rpartition(":")
    if not host:
        return authority, default_port
    return host, int(port)


class Proxy:
    def __init__(self, log_path: str) -> None:
        self.log_path = log_path

    def log(self, method: str, target: str) -> None:
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"method": method, "target": target}) + "\n")

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            writer.close()
            return
        method, target, _version = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        self.log(method, target)
        if method == "CONNECT":
            host, port = _split(target, 443)
        else:
            parts = urlsplit(target)
            host, port = parts.hostname or "", parts.port or 80
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            writer.close()
            return
        if method == "CONNECT":
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
        else:
            up_writer.write(head)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _serve(host: str, port: int, log_path: str) -> None:
    proxy = Proxy(log_path)
    server = await asyncio.start_server(proxy.handle, host, port)
    print(json.dumps({"listening": [host, port]}), flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str]) -> int:
    """Serve until killed; exit status 2 on bad usage."""
    if len(argv) != 3:
        print("usage: connect_proxy.py HOST PORT LOG", file=sys.stderr)
        return 2
    asyncio.run(_serve(argv[0], int(argv[1]), argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
