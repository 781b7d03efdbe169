"""The WebSocket opening handshake over a connected socket, every outcome a value.

websockets runs the handshake (with the probe connection of :mod:`._wsprobe`, which
keeps the raw answer); a 3xx, an answer over websockets' parser limits, a TLS failure, a
timeout and anything a hostile server provokes come back as a :class:`Handshake`.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
import time
from collections.abc import Sequence

from ..model import Handshake, HandshakeOutcome, ResponseHead, WebSocketURL
from ..model.attempt import body_text
from ..model.names import NameHandling, client_name
from ..model.trust import VERIFY, TlsOptions
from .trust import client_context

__all__ = ["MAX_MESSAGE", "handshake"]


# The largest message (after permessage-deflate inflation: websockets stops inflating at
# this size) a live session accepts; bigger ones close with 1009. websockets' own default:
# the UI shows 4,096 characters of a message, and with 16 messages queued the session
# holds at most 16 MiB, where 16 MiB messages would hold 256 MiB (a 16 KB compressed frame
# can inflate to 16 MiB).
MAX_MESSAGE = 2**20


def _older_http(
    address: str, head: ResponseHead | None, raw: bytes, error: str, elapsed_ms: float
) -> Handshake | None:
    """An ``HTTP/1.0`` answer websockets refused to parse (it wants HTTP/1.1), read as
    the HTTP/1.x answer it is: Node's parser and Chrome read its status
    (docs/clients.md#plain-http). ``None`` for anything else."""
    from ._wsprobe import answer_of

    parsed = answer_of(raw)
    if head is None or head.version != "HTTP/1.0" or head.status is None or parsed is None:
        return None
    reason, fields, body = parsed
    redirect = 300 <= head.status < 400
    return Handshake(
        address,
        HandshakeOutcome.REDIRECT if redirect else HandshakeOutcome.HTTP_STATUS,
        head.status,
        reason,
        fields,
        None,
        error,
        elapsed_ms,
        head=head,
        body=body_text(body),
    )


async def handshake(
    url: WebSocketURL,
    sock: socket.socket,
    address: str,
    *,
    timeout: float,
    headers: Sequence[tuple[str, str]] = (),
    subprotocols: Sequence[str] = (),
    origin: str | None = None,
    keep_open: bool = False,
    write_timeout: float | None = None,
    tls: TlsOptions = VERIFY,
) -> tuple[Handshake, object | None]:
    """Run the WebSocket opening handshake over a connected socket.

    Never raises for anything the server does: a 3xx is a ``REDIRECT`` (not followed), an
    answer that breaks websockets' parser limits is ``INVALID`` with ``limit`` naming the
    limit, and anything unexpected is ``ERROR``. Every answer that arrived carries its
    ``head`` (header count and sizes, for clients with other limits).

    Returns the :class:`Handshake` and, with ``keep_open``, the open websockets
    connection (else it is closed and ``None`` returned): a
    :class:`~wsexplorer.probes.flow.GuardedClientConnection` that refuses messages over
    :data:`MAX_MESSAGE` (1009), and aborts when the server leaves our writes unread for
    ``write_timeout`` seconds (default :data:`~wsexplorer.probes.flow.WRITE_TIMEOUT`) or a
    keepalive ping unanswered for 20 s.
    """
    from websockets.exceptions import InvalidHandshake, InvalidMessage, InvalidStatus

    from ._wsprobe import NoRedirectConnect, ProbeConnection, head_of, limit_text, speaks_tls
    from .flow import WRITE_TIMEOUT

    start = time.perf_counter()
    probes: list[ProbeConnection] = []

    def took() -> float:
        return (time.perf_counter() - start) * 1000

    def head() -> ResponseHead | None:
        if not probes:
            return None
        probe = probes[-1]
        key = probe.request.headers.get("Sec-WebSocket-Key") if probe.request else None
        return head_of(probe.raw, key, probe.peer_closed)

    ssl_ctx: ssl.SSLContext | None = client_context(tls) if url.secure else None
    kwargs: dict[str, object] = {
        "sock": sock,
        "open_timeout": max(timeout, 0.01),
        "additional_headers": list(headers) or None,
        "subprotocols": list(subprotocols) or None,
        "origin": origin,
        "proxy": None,
        "close_timeout": 1,
        "max_size": MAX_MESSAGE,
        "create_connection": functools.partial(
            ProbeConnection,
            settle=min(1.0, max(timeout, 0.01) / 2),
            sink=probes,
            write_timeout=WRITE_TIMEOUT if write_timeout is None else write_timeout,
        ),
    }
    if ssl_ctx is not None:
        kwargs["ssl"] = ssl_ctx
        # websockets' own spelling of the host (docs/clients.md#names): the check measured
        # is the one websockets makes.
        kwargs["server_hostname"] = client_name(url.host, NameHandling.IDNA2003)
    try:
        conn = await NoRedirectConnect(url.geturl(), **kwargs)  # type: ignore[arg-type]
    except InvalidStatus as exc:
        answer = exc.response
        status = answer.status_code
        raw = tuple((k, v) for k, v in answer.headers.raw_items())
        if 300 <= status < 400:
            count = sum(1 for k, _ in raw if k.lower() == "location")
            detail = {0: "without a Location header", 1: "redirect"}.get(
                count, f"with {count} Location headers"
            )
            outcome, error = HandshakeOutcome.REDIRECT, f"HTTP {status} {detail}"
        else:
            outcome = HandshakeOutcome.HTTP_STATUS
            error = f"server rejected WebSocket connection: HTTP {status}"
        return Handshake(
            address,
            outcome,
            status,
            answer.reason_phrase,
            raw,
            None,
            error,
            took(),
            head=head(),
            body=body_text(answer.body),
        ), None
    except TimeoutError:
        return Handshake(
            address,
            HandshakeOutcome.TIMEOUT,
            error="timed out during opening handshake",
            elapsed_ms=took(),
            head=head(),
        ), None
    except ssl.SSLError as exc:
        # Before OSError (SSLError is one). ``verify_message`` is OpenSSL's
        # X509_verify_cert_error_string, the same words Node and curl print.
        reason = getattr(exc, "verify_message", None) or exc.reason or str(exc)
        return Handshake(
            address,
            HandshakeOutcome.TLS,
            reason=reason,
            error=str(exc),
            elapsed_ms=took(),
        ), None
    except InvalidHandshake as exc:
        hs_head = head()
        limit = limit_text(exc, hs_head)
        cause = exc.__cause__
        closed = isinstance(exc, InvalidMessage) and isinstance(cause, EOFError)
        if closed:
            outcome = HandshakeOutcome.CLOSED
        elif isinstance(exc, InvalidMessage) or limit is not None:
            outcome = HandshakeOutcome.INVALID
        else:
            outcome = HandshakeOutcome.ERROR
        text = f"{exc}" + (f": {cause}" if cause and not closed else "")
        if outcome is HandshakeOutcome.ERROR:
            text = f"{type(exc).__name__}: {exc}"
        raw_answer = bytes(probes[-1].raw) if probes else b""
        if outcome is HandshakeOutcome.INVALID and limit is None:
            older = _older_http(address, hs_head, raw_answer, text, took())
            if older is not None:
                return older, None
        is_tls = None
        if not url.secure and (closed or raw_answer[:1] in (b"\x15", b"\x16")):
            is_tls = await speaks_tls(address, url.port, min(timeout, 2.0))
        return Handshake(
            address,
            outcome,
            error=text,
            elapsed_ms=took(),
            head=hs_head,
            limit=limit,
            speaks_tls=is_tls,
        ), None
    except (OSError, EOFError) as exc:
        return Handshake(
            address,
            HandshakeOutcome.ERROR,
            error=f"{type(exc).__name__}: {exc}",
            elapsed_ms=took(),
        ), None
    except Exception as exc:  # anything else a hostile answer provokes: a value, not a crash
        return Handshake(
            address,
            HandshakeOutcome.ERROR,
            error=f"{type(exc).__name__}: {exc}",
            elapsed_ms=took(),
            head=head(),
        ), None
    resp = conn.response
    hs = Handshake(
        address,
        HandshakeOutcome.OK,
        resp.status_code if resp is not None else 101,
        resp.reason_phrase if resp is not None else None,
        tuple((k, v) for k, v in resp.headers.raw_items()) if resp is not None else (),
        conn.subprotocol,
        None,
        took(),
        head=head(),
    )
    if keep_open:
        return hs, conn
    try:
        async with asyncio.timeout(1):
            await conn.close()
    except (TimeoutError, OSError):
        pass
    return hs, None
