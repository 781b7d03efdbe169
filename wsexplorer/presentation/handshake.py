"""The handshake as the person reads it: what happened, what to try, the answer's body.

Worded here once for the terminal report, the Markdown export and the TUI's Session pane
(the values are raw model text, see :mod:`.rows`).
"""

from __future__ import annotations

from typing import NamedTuple

from ..model import Handshake, HandshakeOutcome, WebSocketURL
from ..model.secrets import mask_subprotocol, mask_text
from .rows import Span, Tone, span

__all__ = [
    "REDIRECT_ADVICE",
    "HandshakeView",
    "body_line",
    "explain_status",
    "handshake_view",
    "status_advice",
    "tls_advice",
]

_STATUS_ADVICE = {
    400: "the server did not accept this upgrade request: a plain HTTP endpoint?",
    401: "the server wants credentials: try -H 'Authorization: Bearer …' "
    "or the token the API expects in the query",
    403: "forbidden: often an Origin check, try --origin with the page's origin "
    "(e.g. http://localhost:3000); or the credentials are missing",
    404: "no WebSocket endpoint at this path: check the URL's path",
    426: "the server wants another protocol version or TLS: try wss://",
    429: "rate limited: wait and reconnect",
    503: "the server is overloaded or refusing connections for now",
}


def explain_status(status: int | None) -> str | None:
    """Why a server answers the upgrade with this HTTP status, and what to try."""
    return _STATUS_ADVICE.get(status or 0)


class HandshakeView(NamedTuple):
    """``address``: ``what`` happened; ``advice`` says what to try (or ``None``);
    ``body`` is the refusing answer's body on one line (raw: masked, not cleaned)."""

    address: str | None
    what: tuple[Span, ...]
    subprotocol: str | None
    advice: str | None
    ok: bool
    body: str | None = None


REDIRECT_ADVICE = (
    "not followed: wsexplorer does not follow redirects; connect to the Location's URL"
)


def body_line(body: str | None) -> str | None:
    """A body on one line: whitespace runs (newlines too) as one space, secrets masked."""
    if body is None:
        return None
    return mask_text(" ".join(body.split())) or None


def _header(hs: Handshake, name: str) -> str | None:
    return next((v for k, v in hs.headers if k.lower() == name), None)


def status_advice(hs: Handshake, path: str = "") -> str | None:
    """What to try after a non-101 answer: the status's usual cause, made concrete with
    what the answer says (its body, the path asked for, the versions a 426 offers) and
    whether the answer came from a plain HTTP/1.0 server."""
    status = hs.status
    version = hs.head.version if hs.head is not None else None
    if version == "HTTP/1.0":
        server = _header(hs, "server")
        who = f" ({mask_text(server)})" if server else ""
        return (
            f"a plain HTTP/1.0 server{who} answers on this port, not a WebSocket server: "
            "is the WebSocket server on another port, or not started?"
        )
    if status == 400 and hs.body:
        return "the server refused this upgrade request; its body (below) says why"
    if status == 404 and path:
        return f"no WebSocket endpoint at {path}: check the URL's path"
    wanted = _header(hs, "sec-websocket-version")
    if status == 426 and wanted:
        return (
            f"the server wants WebSocket version {mask_text(wanted)} "
            "(clients send 13); or it wants TLS: try wss://"
        )
    return explain_status(status)


def tls_advice(url: str) -> str:
    """The hint for a ``ws://`` URL whose port speaks TLS."""
    secure = "wss://" + url.removeprefix("ws://")
    return f"this port speaks TLS: try {secure}"


def handshake_view(hs: Handshake | None, url: WebSocketURL | None = None) -> HandshakeView:
    """The handshake worded once: what happened, what to try and the answer's body.

    ``url`` (the URL asked for) makes the advice concrete: the path of a 404, the
    ``wss://`` URL to try when a ``ws://`` port speaks TLS."""
    if hs is None:
        return HandshakeView(None, span("not attempted", Tone.DIM), None, None, False)
    if hs.outcome is HandshakeOutcome.NOT_ATTEMPTED:
        what = span("not attempted (no address connected)", Tone.BAD)
        return HandshakeView(None, what, None, None, False)
    body = body_line(hs.body)
    if hs.outcome is HandshakeOutcome.OK:
        sub = mask_subprotocol(hs.subprotocol) if hs.subprotocol else None
        what = span(f"{hs.status or 101} {hs.reason or 'Switching Protocols'}", Tone.OK)
        return HandshakeView(hs.address, what, sub, None, True)
    if hs.outcome is HandshakeOutcome.HTTP_STATUS:
        what = span(f"HTTP {hs.status} {hs.reason or ''}".rstrip(), Tone.BAD)
        advice = status_advice(hs, url.resource if url is not None else "")
        return HandshakeView(hs.address, what, None, advice, False, body)
    if hs.outcome is HandshakeOutcome.REDIRECT:
        what = span(f"redirect: {hs.redirect_clause()}", Tone.BAD)
        return HandshakeView(hs.address, what, None, REDIRECT_ADVICE, False, body)
    if hs.outcome is HandshakeOutcome.INVALID and hs.limit:
        what = span(f"invalid answer: {hs.limit}", Tone.BAD)
        return HandshakeView(hs.address, what, None, None, False)
    what = span(f"{hs.outcome.value}: {mask_text(hs.error or '')}", Tone.BAD)
    advice = None
    if hs.speaks_tls and url is not None:
        advice = tls_advice(url.redacted())
    return HandshakeView(hs.address, what, None, advice, False)
