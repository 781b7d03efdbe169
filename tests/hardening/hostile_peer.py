"""A misbehaving WebSocket server, run as its own process on loopback by the hardening tests.

Usage: ``python hostile_peer.py MODE [HOST]``. It listens on ``HOST`` (default
``127.0.0.1``) port 0, prints the port on one line, then treats every connection by MODE:

``silent``
    accept TCP and never answer (the upgrade request is read and ignored).
``http:STATUS`` / ``http:STATUS:BODY``
    answer the upgrade with a plain HTTP/1.1 response of that status and close; its body
    is BODY when given (``missing subprotocol``), else a line naming the status.
``tls``
    a TLS server (the self-signed ``tests/data`` certificate) that completes the TLS
    handshake and never speaks HTTP: what a ``ws://`` URL meets on a ``wss://`` port.
``bad-opcode``
    complete the handshake, then send a frame with the reserved opcode 0x3
    (RFC 6455 section 5.2: the client must fail the connection).
``bad-utf8``
    complete the handshake, then send a text frame that is not UTF-8 (section 8.1).
``mid-message``
    complete the handshake, announce a 1,000-byte text frame, send 10 bytes of it and
    close the TCP connection.
``flood:COUNT:SIZE``
    complete the handshake, send COUNT text messages of SIZE bytes as fast as the
    socket takes them, then a close frame (1000, "flood done").
``redirect:STATUS:LOCATION``
    answer the upgrade with STATUS (a 3xx) and ``Location: LOCATION`` (sent as given:
    relative, absolute or malformed); an empty LOCATION sends no ``Location`` at all.
``dup-location``
    answer 302 with two different ``Location`` headers.
``many-headers:N`` / ``many-headers:N:hold``
    answer a valid 101 upgrade that carries N extra short headers (a plain HTTP request
    gets 426 with the same headers), then keep the connection until the client closes
    it; with ``hold``, keep it even after the client half-closes.
``long-header:N``
    answer a valid 101 upgrade with one extra header whose value is N bytes long.
``secret-headers``
    complete the handshake with credential-like response headers (``X-Amz-Security-Token``,
    ``X-Csrf-Token``, ``Set-Cookie``, a ``Location`` whose query holds ``access_token``);
    every secret value contains ``s3cr3t``.
``ping-flood:MEGABYTES``
    complete the handshake, then send Ping frames (125-byte payloads) as fast as the
    socket takes them, up to MEGABYTES, and never read anything: not the Pongs, not a
    close frame. The client's replies pile up unless it applies back-pressure.
``deflate-bomb:COUNT:MIB``
    accept permessage-deflate, then send COUNT text messages, each one frame of about
    MIB KB that inflates to MIB MiB of ``a`` (deflate's ratio is about 1,000:1).

The handshake is written here from RFC 6455 section 4.2.2 (``Sec-WebSocket-Accept`` is
base64(SHA-1(key + GUID))), not taken from a library, so the peer can break the protocol
right after it. Exits by itself after ``WS_PEER_MAX_SECONDS`` (default 120).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import ssl
import sys
import zlib
from http import HTTPStatus
from pathlib import Path

__all__ = ["accept_key", "deflate_bomb", "frame", "main"]

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a client's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + _GUID).digest()).decode()


def frame(opcode: int, payload: bytes, *, fin: bool = True, length: int | None = None) -> bytes:
    """An unmasked server frame; ``length`` may announce more bytes than ``payload`` has."""
    size = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | opcode])
    if size < 126:
        head += bytes([size])
    elif size < 1 << 16:
        head += bytes([126]) + size.to_bytes(2, "big")
    else:
        head += bytes([127]) + size.to_bytes(8, "big")
    return head + payload


async def _read_request(reader: asyncio.StreamReader) -> dict[str, str]:
    raw = await reader.readuntil(b"\r\n\r\n")
    headers: dict[str, str] = {}
    for line in raw.decode("latin-1").split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers


async def _upgrade(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    extra: list[tuple[str, str]] | None = None,
    extensions: str = "",
) -> None:
    headers = await _read_request(reader)
    more = "".join(f"{name}: {value}\r\n" for name, value in extra or ())
    if extensions:
        more += f"Sec-WebSocket-Extensions: {extensions}\r\n"
    if headers.get("upgrade", "").lower() != "websocket":
        # A plain HTTP request (curl's reachability check): 426, with the same headers.
        writer.write(
            (
                "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\nConnection: close\r\n"
                f"{more}\r\n"
            ).encode()
        )
        await writer.drain()
        raise ConnectionResetError("not a WebSocket request")
    offered = headers.get("sec-websocket-protocol", "")
    # The first subprotocol offered is accepted (secret-headers checks its masking).
    chosen = f"Sec-WebSocket-Protocol: {offered.split(',')[0].strip()}\r\n" if offered else ""
    writer.write(
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept_key(headers.get('sec-websocket-key', ''))}\r\n"
            f"{chosen}{more}\r\n"
        ).encode()
    )
    await writer.drain()


def _redirect_head(mode: str) -> bytes:
    if mode == "dup-location":
        status, locations = 302, ["/first?via=dup", "/second?via=dup"]
    else:
        _, code, location = mode.split(":", 2)
        status, locations = int(code), [location] if location else []
    phrase = HTTPStatus(status).phrase
    lines = [f"HTTP/1.1 {status} {phrase}", "Content-Length: 0", "Connection: close"]
    lines += [f"Location: {loc}" for loc in locations]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


SECRET_HEADERS = (
    ("X-Amz-Security-Token", "FwoGZXIvYXdzs3cr3tTOKEN"),
    ("X-Csrf-Token", "csrf-s3cr3t"),
    ("Set-Cookie", "sid=s3cr3t-session; HttpOnly"),
    ("Location", "wss://other.test/cb?access_token=s3cr3t-access&room=7"),
    ("X-Request-Id", "req-42"),
)


def _extra_headers(mode: str) -> list[tuple[str, str]]:
    if mode.startswith("many-headers:"):
        return [(f"X-Filler-{i:05d}", "x") for i in range(int(mode.split(":")[1]))]
    if mode.startswith("long-header:"):
        return [("X-Long", "y" * int(mode.split(":", 1)[1]))]
    if mode == "secret-headers":
        return list(SECRET_HEADERS)
    return []


async def _ping_flood(writer: asyncio.StreamWriter, megabytes: int) -> None:
    ping = frame(0x9, b"p" * 125)  # the largest control frame (RFC 6455 section 5.5)
    batch = ping * (65536 // len(ping))
    for _ in range(megabytes * (1 << 20) // len(batch)):
        writer.write(batch)
        await writer.drain()


def deflate_bomb(mib: int) -> bytes:
    """A compressed text frame (RSV1 set, RFC 7692) that inflates to ``mib`` MiB."""
    encoder = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = encoder.compress(b"a" * (mib << 20)) + encoder.flush(zlib.Z_SYNC_FLUSH)
    return bytes([0x80 | 0x40 | 0x1]) + frame(0x1, data[:-4])[1:]  # no 00 00 ff ff tail


async def _flood(writer: asyncio.StreamWriter, count: int, size: int) -> None:
    message = frame(0x1, b"x" * size)
    batch = max(1, 65536 // len(message))
    sent = 0
    while sent < count:
        n = min(batch, count - sent)
        writer.write(message * n)
        sent += n
        await writer.drain()
    writer.write(frame(0x8, (1000).to_bytes(2, "big") + b"flood done"))
    await writer.drain()


async def _serve_one(mode: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        if mode == "tls":
            await asyncio.wait_for(reader.read(), timeout=30)
            return
        if mode == "silent":
            await _read_request(reader)
            await asyncio.sleep(3600)
            return
        if mode.startswith("http:"):
            await _read_request(reader)
            _, code, *given = mode.split(":", 2)
            status = HTTPStatus(int(code))
            default = f"{status.value} {status.phrase} from a hostile peer\n"
            body = (given[0] if given else default).encode()
            extra = 'WWW-Authenticate: Bearer realm="wsx"\r\n' if status == 401 else ""
            writer.write(
                (
                    f"HTTP/1.1 {status.value} {status.phrase}\r\nContent-Type: text/plain\r\n"
                    f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n"
                ).encode()
                + body
            )
            await writer.drain()
            return
        if mode.startswith("redirect:") or mode == "dup-location":
            await _read_request(reader)
            writer.write(_redirect_head(mode))
            await writer.drain()
            return
        if mode.startswith("deflate-bomb:"):
            _, count, mib = mode.split(":")
            await _upgrade(reader, writer, extensions="permessage-deflate")
            bomb = deflate_bomb(int(mib))
            for _ in range(int(count)):
                writer.write(bomb)
                await writer.drain()
            await asyncio.wait_for(reader.read(), timeout=30)
            return
        await _upgrade(reader, writer, _extra_headers(mode))
        if mode.startswith("ping-flood:"):
            await _ping_flood(writer, int(mode.split(":")[1]))
            await asyncio.sleep(60)  # still never reading
            return
        if mode == "bad-opcode":
            writer.write(frame(0x3, b"reserved"))
        elif mode == "bad-utf8":
            writer.write(frame(0x1, b"\xff\xfe not utf-8"))
        elif mode == "mid-message":
            writer.write(frame(0x1, b"0123456789", length=1000))
        elif mode.startswith("flood:"):
            _, count, size = mode.split(":")
            await _flood(writer, int(count), int(size))
        await writer.drain()
        if mode.endswith(":hold"):
            await asyncio.sleep(3600)
        # Keep the connection until the client closes it (mid-message closes at once).
        if mode != "mid-message":
            await asyncio.wait_for(reader.read(), timeout=30)
    except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
        pass
    finally:
        writer.close()


def _tls_context() -> ssl.SSLContext:
    data = Path(__file__).resolve().parents[1] / "data"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(data / "selfsigned-cert.pem", data / "selfsigned-key.pem")
    return ctx


async def _main(mode: str, host: str) -> None:
    tls = _tls_context() if mode == "tls" else None
    server = await asyncio.start_server(lambda r, w: _serve_one(mode, r, w), host, 0, ssl=tls)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.sleep(float(os.environ.get("WS_PEER_MAX_SECONDS", "120")))


def main(argv: list[str]) -> int:
    """Run the peer; returns the exit status."""
    if not 1 <= len(argv) <= 2:
        print("usage: hostile_peer.py MODE [HOST]", file=sys.stderr)
        return 2
    asyncio.run(_main(argv[0], argv[1] if len(argv) == 2 else "127.0.0.1"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
