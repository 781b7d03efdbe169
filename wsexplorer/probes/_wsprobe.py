"""websockets' client, made to report what it sees instead of following or waiting.

Two changes to the stock ``websockets.asyncio.client.connect``, both for measuring:

* :class:`NoRedirectConnect` never follows a 3xx: the answer comes back as
  ``InvalidStatus``, so the tracer reports the redirect itself (the stock client, given a
  ``sock=``, raises ``ValueError`` for every redirect instead).
* :class:`ProbeConnection` keeps the raw bytes of the response head (up to
  :data:`HEAD_CAP`), so :func:`head_of` can count headers and bytes as other clients'
  parsers do, and it stops waiting as soon as websockets rejects the head. The stock
  client waits for the server to close after rejecting it (too many headers, a line too
  long): against a server that keeps the connection open, that looks like a server that
  never answers. The probe instead waits at most ``settle`` seconds for the rest of the head
  and for the server to close, and records whether it did (``peer_closed``).

Imported only when a handshake runs (websockets is slow to import).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import (
    HeaderLineTooLong,
    InvalidStatus,
    StatusLineTooLong,
    TooManyHeaders,
)

from ..model import ResponseHead
from .flow import GuardedClientConnection

__all__ = [
    "HEAD_CAP",
    "NoRedirectConnect",
    "ProbeConnection",
    "answer_of",
    "head_of",
    "limit_text",
    "speaks_tls",
    "tls_hello",
]

HEAD_CAP = 128 * 1024
"""Bytes of the response head kept: past Node's 16 KiB and curl's 100 KiB line limit."""

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3


class NoRedirectConnect(connect):
    """``connect`` that hands every 3xx back as ``InvalidStatus`` (never follows it)."""

    def process_redirect(self, exc: Exception) -> Exception | str:
        return exc


class ProbeConnection(GuardedClientConnection):
    """A guarded client connection (:mod:`.flow`) that also records the raw response head
    (see the module docstring).

    Args:
        settle: the most to wait, after websockets rejected the head, for the rest of it
            and for the server to close.
        sink: the new connection appends itself here, so the caller can read
            :attr:`raw` and :attr:`peer_closed` after ``connect`` raised.
    """

    def __init__(
        self, *args: Any, settle: float = 1.0, sink: list[ProbeConnection] | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.raw = bytearray()
        self.settle = settle
        self.peer_closed: bool | None = None
        self._more = asyncio.Event()
        if sink is not None:
            sink.append(self)

    def data_received(self, data: bytes) -> None:
        if self.response is None and len(self.raw) < HEAD_CAP:
            self.raw += data[: HEAD_CAP - len(self.raw)]
            self._more.set()
        super().data_received(data)
        if (
            self.response is None
            and self.protocol.handshake_exc is not None
            and not self.response_rcvd.done()
        ):
            # websockets rejected the head: wake handshake() now, not when the server closes.
            self.response_rcvd.set_result(None)

    def _head_ended(self) -> bool:
        return b"\r\n\r\n" in self.raw or len(self.raw) >= HEAD_CAP

    async def _settle(self) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + self.settle
        while not self._head_ended() and not self.connection_lost_waiter.done():
            self._more.clear()
            remaining = end - loop.time()
            if remaining <= 0:
                break
            more = asyncio.ensure_future(self._more.wait())
            waiters: list[asyncio.Future[Any]] = [more, self.connection_lost_waiter]
            done, _ = await asyncio.wait(
                waiters, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
            more.cancel()
            if not done:
                break
        remaining = max(end - loop.time(), 0.0)
        if not self.connection_lost_waiter.done():
            await asyncio.wait([self.connection_lost_waiter], timeout=remaining)
        self.peer_closed = self.connection_lost_waiter.done()

    async def handshake(self, *args: Any, **kwargs: Any) -> None:
        try:
            await super().handshake(*args, **kwargs)
        except InvalidStatus:
            raise
        except Exception:
            if self.response is None and self.protocol.handshake_exc is not None:
                await self._settle()
            raise


def accept_for(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a ``Sec-WebSocket-Key`` (RFC 6455 section 4.2.2)."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + _GUID).digest()).decode()


def head_of(
    raw: bytes | bytearray, key: str | None, peer_closed: bool | None = None
) -> ResponseHead | None:
    """Count the raw response head: header lines, bytes, the longest line, Node's count.

    Returns ``None`` when nothing was received.
    """
    if not raw:
        return None
    data = bytes(raw)
    end = data.find(b"\r\n\r\n")
    complete = end != -1
    head = data[:end] if complete else data
    lines = head.split(b"\r\n")
    status_line, fields = lines[0], lines[1:]
    parts = status_line.split(b" ", 2)
    field_bytes = len(parts[2]) if len(parts) == 3 else 0
    headers: dict[str, list[str]] = {}
    longest = 0
    count = 0
    for i, line in enumerate(fields):
        last_partial = not complete and i == len(fields) - 1
        longest = max(longest, len(line) + (0 if last_partial else 2))
        if last_partial:
            continue
        count += 1
        name, _, value = line.partition(b":")
        field_bytes += len(name.strip()) + len(value.strip(b" \t"))
        headers.setdefault(name.strip().decode("latin-1").lower(), []).append(
            value.strip(b" \t").decode("latin-1")
        )
    upgrade_ok: bool | None = None
    if complete:
        connection = ",".join(headers.get("connection", [])).lower()
        upgrade_ok = (
            len(parts) >= 2
            and parts[1] == b"101"
            and [v.lower() for v in headers.get("upgrade", [])] == ["websocket"]
            and "upgrade" in [t.strip() for t in connection.split(",")]
            and key is not None
            and headers.get("sec-websocket-accept") == [accept_for(key)]
        )
    version, status = _status_of(parts)
    return ResponseHead(
        headers=count,
        size=end + 4 if complete else len(data),
        longest_line=longest,
        field_bytes=field_bytes,
        complete=complete,
        upgrade_ok=upgrade_ok,
        peer_closed=peer_closed,
        version=version,
        status=status,
    )


def _status_of(parts: list[bytes]) -> tuple[str | None, int | None]:
    """``("HTTP/1.0", 404)`` from a status line split in three, else ``(None, None)``."""
    if len(parts) < 2 or parts[0] not in (b"HTTP/1.0", b"HTTP/1.1"):
        return None, None
    code = parts[1]
    if len(code) != 3 or not code.isdigit() or not 100 <= int(code) < 600:
        return None, None
    return parts[0].decode("ascii"), int(code)


def answer_of(raw: bytes | bytearray) -> tuple[str, tuple[tuple[str, str], ...], bytes] | None:
    """The reason phrase, the header fields and the body bytes received of a complete
    ``HTTP/1.x`` answer, read as a lenient HTTP/1.x parser (Node's) would: for answers
    websockets refuses to parse (HTTP/1.0). ``None`` when the head is incomplete."""
    data = bytes(raw)
    end = data.find(b"\r\n\r\n")
    if end == -1:
        return None
    lines = data[:end].split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    reason = parts[2].decode("latin-1") if len(parts) == 3 else ""
    fields = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        fields.append((name.strip().decode("latin-1"), value.strip(b" \t").decode("latin-1")))
    return reason, tuple(fields), data[end + 4 :]


def limit_text(exc: BaseException, head: ResponseHead | None) -> str | None:
    """The websockets limit an answer broke, in words, or ``None`` if none was.

    ``too many headers (1000 > websockets' limit 128)``, ``header line too long (20010
    bytes > websockets' limit 8192)``, ``status line too long (...)``.
    """
    from websockets import http11

    cause = exc if isinstance(exc, StatusLineTooLong) else exc.__cause__
    if isinstance(cause, TooManyHeaders):
        count = http11.MAX_NUM_HEADERS
        if head is not None and head.complete:
            return f"too many headers ({head.headers} > websockets' limit {count})"
        return f"too many headers (more than websockets' limit {count})"
    limit = http11.MAX_LINE_LENGTH
    if isinstance(cause, StatusLineTooLong):
        return f"status line too long (more than websockets' limit of {limit} bytes)"
    if isinstance(cause, HeaderLineTooLong):
        if head is not None and head.longest_line > limit:
            return f"header line too long ({head.longest_line} bytes > websockets' limit {limit})"
        return f"header line too long (more than websockets' limit of {limit} bytes)"
    return None


async def speaks_tls(address: str, port: int, timeout: float) -> bool:
    """Whether ``address:port`` completes a TLS handshake (no certificate check): a
    ``ws://`` URL pointed at a ``wss://`` server. False for anything else (a plain server,
    a refusal, no answer within ``timeout``)."""
    return await tls_hello(address, port, timeout) == "tls"


async def tls_hello(address: str, port: int, timeout: float) -> str | None:
    """How ``address:port`` answers a TLS ClientHello (no certificate check): ``"tls"``
    when a handshake completes, ``"closed"`` when the peer closes without a word,
    ``"plain"`` when it answers bytes that are not TLS; ``None`` when nothing decided
    within ``timeout`` (or the connect failed)."""
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        async with asyncio.timeout(max(timeout, 0.05)):
            _, writer = await asyncio.open_connection(address, port, ssl=ctx)
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionResetError, EOFError):
        return "closed"
    except ssl.SSLError:
        return "plain"
    except (OSError, TimeoutError):
        return None
    writer.close()
    try:
        async with asyncio.timeout(0.2):
            await writer.wait_closed()
    except (OSError, TimeoutError):
        pass
    return "tls"
