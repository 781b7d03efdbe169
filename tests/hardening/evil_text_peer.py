"""Processes that put hostile text where wsexplorer shows it; run by the untrusted-text tests.

Usage: ``python evil_text_peer.py MODE``. Prints one line (the port, or ``ready``), then:

``status``
    a WebSocket "server" on 127.0.0.1 port 0 answering every upgrade with
    ``HTTP/1.1 400`` and a reason phrase and ``Server`` header made of bytes a terminal
    would act on (C1 CSI, U+202E in UTF-8) and Markdown that would render live.
``messages``
    completes the handshake (RFC 6455 section 4.2.2), sends one text message per
    hostile string (OSC 52, OSC 0, clear screen, OSC 8, U+202E, …), then a close frame
    whose reason sets the window title, and keeps the connection open.
``comm:NAME``
    sets its own process name (``prctl(PR_SET_NAME)``, what any local user can do) to
    NAME (Python escapes allowed, e.g. ``\\x1b]0;t\\x07``) and listens on 127.0.0.1 port 0.

Exits by itself after ``WS_PEER_MAX_SECONDS`` (default 120).
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import sys

from hostile_peer import accept_key, frame

MESSAGES = (
    "\x1b]52;c;cHduZWQ=\x07clipboard",
    "\x1b]0;pwned-title\x07title",
    "\x1b[2J\x1b[Hcleared",
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "\u202etxt.exe",
)
CLOSE_REASON = "\x1b]2;pwned-close\x07bye"
STATUS_LINE = (
    b"HTTP/1.1 400 Bad \x9b2J \xe2\x80\xae ![x](https://evil.example/p.png) <img src=x> a|b\r\n"
)
SERVER_HEADER = b"Server: evil \x9b31m \xe2\x80\xae <img src=x> a|b\r\n"


async def _request(reader: asyncio.StreamReader) -> str:
    raw = await reader.readuntil(b"\r\n\r\n")
    for line in raw.decode("latin-1").split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == "sec-websocket-key":
            return value.strip()
    return ""


async def _serve(mode: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        key = await _request(reader)
        if mode == "status":
            body = b"no\n"
            writer.write(
                STATUS_LINE
                + SERVER_HEADER
                + b"Content-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\n"
                + body
            )
            await writer.drain()
            return
        writer.write(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
            ).encode()
        )
        for text in MESSAGES:
            writer.write(frame(0x1, text.encode()))
        writer.write(frame(0x8, (4000).to_bytes(2, "big") + CLOSE_REASON.encode()))
        await writer.drain()
        await asyncio.wait_for(reader.read(), timeout=60)
    except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
        pass
    finally:
        writer.close()


def _set_comm(name: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_name = 15  # linux/prctl.h
    raw = name.encode("utf-8", "surrogateescape")[:15]
    if libc.prctl(pr_set_name, ctypes.c_char_p(raw), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NAME) failed")


async def _main(mode: str) -> None:
    if mode.startswith("comm:"):
        _set_comm(mode[5:].encode().decode("unicode_escape"))

        async def idle(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            w.close()

        server = await asyncio.start_server(idle, "127.0.0.1", 0)
    else:
        server = await asyncio.start_server(lambda r, w: _serve(mode, r, w), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.sleep(float(os.environ.get("WS_PEER_MAX_SECONDS", "120")))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: evil_text_peer.py status|messages|comm:NAME", file=sys.stderr)
        sys.exit(2)
    asyncio.run(_main(sys.argv[1]))
