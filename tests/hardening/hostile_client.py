"""Misbehaving WebSocket clients written byte by byte, for the server-side hardening tests.

Importable (the async functions) or run as a process, e.g. inside a network namespace:
``python hostile_client.py MODE HOST PORT [N] [--bind ADDR] [--origin O]``. Modes:

``hold N``
    open N WebSocket connections (one after the other), print one JSON line
    ``{"opened": k, "refused": [...]}`` (each refusal as its HTTP status line and body, or
    ``"closed"``), then hold them until stdin closes or 120 s pass.
``half-open N``
    open N TCP connections that never send the upgrade request; print
    ``{"connected": k, "failed": m}`` and hold them the same way.

The upgrade request follows RFC 6455 section 4.1; frames are masked client frames
(section 5.3), so the server sees well-formed bytes until the client chooses otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import sys

__all__ = [
    "client_frame",
    "half_open",
    "hold",
    "ping_flood",
    "unread_echo",
    "upgrade",
    "upgrade_request",
]


def upgrade_request(path: str = "/subscribe", origin: str | None = None) -> bytes:
    """An HTTP/1.1 upgrade request with a fresh key."""
    key = base64.b64encode(os.urandom(16)).decode()
    extra = f"Origin: {origin}\r\n" if origin else ""
    return (
        f"GET {path} HTTP/1.1\r\nHost: wsx\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    ).encode()


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked, final client frame."""
    size = len(payload)
    head = bytes([0x80 | opcode])
    if size < 126:
        head += bytes([0x80 | size])
    elif size < 1 << 16:
        head += bytes([0x80 | 126]) + size.to_bytes(2, "big")
    else:
        head += bytes([0x80 | 127]) + size.to_bytes(8, "big")
    key = os.urandom(4)
    n = len(payload)
    mask = (key * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(mask, "big")).to_bytes(n, "big")
    return head + key + masked


async def upgrade(
    host: str,
    port: int,
    *,
    bind: str | None = None,
    origin: str | None = None,
    path: str = "/subscribe",
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]:
    """Connect and send the upgrade; returns the streams and the response head (the
    status line and headers, plus the body when it is not 101)."""
    local = (bind, 0) if bind else None
    reader, writer = await asyncio.open_connection(host, port, local_addr=local)
    writer.write(upgrade_request(path, origin))
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            head += await reader.read(4096)
    except (asyncio.IncompleteReadError, ConnectionError) as exc:
        head = getattr(exc, "partial", b"")
    return reader, writer, head


async def ping_flood(host: str, port: int, megabytes: int) -> str:
    """Upgrade, then send masked Pings (125-byte payloads) without ever reading, up to
    ``megabytes``. Returns how it ended: ``"sent"`` or the error that stopped it."""
    _, writer, head = await upgrade(host, port)
    assert head.startswith(b"HTTP/1.1 101"), head
    batch = client_frame(0x9, b"p" * 125) * 512
    try:
        for _ in range(megabytes * (1 << 20) // len(batch)):
            writer.write(batch)
            await writer.drain()
    except ConnectionError as exc:
        return type(exc).__name__
    finally:
        writer.transport.abort()
    return "sent"


async def unread_echo(host: str, port: int, count: int, size: int = 1 << 20) -> str:
    """Upgrade, send ``count`` binary messages of ``size`` bytes, never read the echoes;
    then wait (at most 60 s) for the server to close. Returns how it ended."""
    _, writer, head = await upgrade(host, port)
    assert head.startswith(b"HTTP/1.1 101"), head
    message = client_frame(0x2, os.urandom(size))
    try:
        for _ in range(count):
            writer.write(message)
            await writer.drain()
        for _ in range(600):  # still not reading; the server must drop us
            await asyncio.sleep(0.1)
            if writer.transport.is_closing():
                break
            writer.write(client_frame(0x9, b"?"))  # raises once the server is gone
            await writer.drain()
    except ConnectionError as exc:
        return type(exc).__name__
    finally:
        writer.transport.abort()
    return "still open"


async def hold(
    host: str, port: int, count: int, *, bind: str | None = None, origin: str | None = None
) -> tuple[list[asyncio.StreamWriter], list[str]]:
    """Open ``count`` WebSocket connections; returns the open ones' writers and, for each
    refused one, its response (first line and body) or ``"closed"``."""
    opened: list[asyncio.StreamWriter] = []
    refused: list[str] = []
    for _ in range(count):
        try:
            _, writer, head = await upgrade(host, port, bind=bind, origin=origin)
        except OSError as exc:
            refused.append(f"connect: {exc}")
            continue
        if head.startswith(b"HTTP/1.1 101"):
            opened.append(writer)
            continue
        writer.transport.abort()
        if not head:
            refused.append("closed")
        else:
            status_and_headers, _, body = head.decode("latin-1").partition("\r\n\r\n")
            refused.append(f"{status_and_headers.splitlines()[0]} | {body.strip()}")
    return opened, refused


async def half_open(
    host: str, port: int, count: int, *, bind: str | None = None
) -> tuple[list[asyncio.StreamWriter], int]:
    """Open ``count`` TCP connections (64 at a time) that never send a request; returns
    the connected writers and how many connects failed."""
    gate = asyncio.Semaphore(64)
    local = (bind, 0) if bind else None

    async def one() -> asyncio.StreamWriter | None:
        async with gate:
            try:
                async with asyncio.timeout(30):
                    _, writer = await asyncio.open_connection(host, port, local_addr=local)
            except (OSError, TimeoutError):
                return None
            return writer

    got = await asyncio.gather(*(one() for _ in range(count)))
    writers = [w for w in got if w is not None]
    return writers, count - len(writers)


async def _main(args: argparse.Namespace) -> None:
    if args.mode == "hold":
        writers, refused = await hold(
            args.host, args.port, args.n, bind=args.bind, origin=args.origin
        )
        print(json.dumps({"opened": len(writers), "refused": refused}), flush=True)
    else:
        writers, failed = await half_open(args.host, args.port, args.n, bind=args.bind)
        print(json.dumps({"connected": len(writers), "failed": failed}), flush=True)
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: done.done() or done.set_result(None))
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(120):
            await done
    for writer in writers:
        writer.transport.abort()


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("hold", "half-open"))
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("n", type=int)
    ap.add_argument("--bind")
    ap.add_argument("--origin")
    asyncio.run(_main(ap.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
