"""What a live connection tried: per-address TCP attempts and the WebSocket handshake."""

from __future__ import annotations

import errno
import re
from dataclasses import field
from enum import StrEnum

from .address import Family
from .record import record
from .secrets import mask_header, mask_headers, mask_subprotocol, mask_text

__all__ = [
    "BODY_CAP",
    "Attempt",
    "AttemptOutcome",
    "Handshake",
    "HandshakeOutcome",
    "ResponseHead",
    "body_text",
]

_ERRNO = re.compile(r"\[Errno (\d+)\]")

BODY_CAP = 1024
"""Bytes of a refusing answer's body kept (:attr:`Handshake.body`)."""


def body_text(data: bytes | bytearray) -> str | None:
    """The first :data:`BODY_CAP` bytes of a body as text (UTF-8, bad bytes replaced),
    ``None`` when empty."""
    return bytes(data[:BODY_CAP]).decode("utf-8", "replace") or None


class AttemptOutcome(StrEnum):
    CONNECTED = "connected"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    ERROR = "error"
    UNKNOWN = "unknown"
    """Only in predictions (:class:`~wsexplorer.model.ClientTry`): nothing measured the
    address and no listener table decides it. A measured :class:`Attempt` never has it."""


@record
class Attempt:
    """One TCP connect to one address.

    ``cut_short``: a ``TIMEOUT`` that wsexplorer's own budget ended before the kernel's
    neighbour resolution (ARP / ND, about 3 s) could have reported the address
    unreachable: whether it is silent or unreachable is not known.
    """

    address: str
    family: Family
    outcome: AttemptOutcome
    error: str | None = None
    elapsed_ms: float = 0.0
    started_ms: float = 0.0
    port: int = 0
    cut_short: bool = False

    @property
    def errno_name(self) -> str | None:
        """The symbolic errno of the measured error (``EHOSTUNREACH``), or ``None``."""
        match = _ERRNO.search(self.error or "")
        return errno.errorcode.get(int(match.group(1))) if match else None

    def to_json(self) -> dict[str, object]:
        return {
            "address": self.address,
            "family": self.family.value,
            "outcome": self.outcome.value,
            "error": self.error,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "started_ms": round(self.started_ms, 3),
            "cut_short": self.cut_short,
            "errno": self.errno_name,
        }


class HandshakeOutcome(StrEnum):
    OK = "ok"  # 101 Switching Protocols
    HTTP_STATUS = "http_status"  # an HTTP answer other than 101
    TIMEOUT = "timeout"  # TCP connected, no answer to the upgrade in time
    CLOSED = "closed"  # the peer closed before answering
    INVALID = "invalid"  # the answer was not valid HTTP / not a valid upgrade
    TLS = "tls"  # wss:// whose TLS handshake failed (``reason``: the verify message)
    REDIRECT = "redirect"  # a 3xx answer; wsexplorer does not follow it (``location``)
    ERROR = "error"
    UNKNOWN = "unknown"
    """Only in predictions (:class:`~wsexplorer.model.ClientTry`): nothing measured the
    address and no listener table decides it. A measured :class:`Attempt` never has it."""
    NOT_ATTEMPTED = "not_attempted"  # no address connected


def _shown_location(value: str) -> str:
    """A ``Location`` for display: masked, and characters a terminal would act on (C1
    controls that websockets lets through as ISO-8859-1) shown as ``\\x9b`` escapes."""
    masked = mask_header("Location", value)
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in masked)


@record
class ResponseHead:
    """Sizes of the raw response head (status line and headers), counted from the bytes
    received, so clients whose parsers have other limits than websockets' can be judged.

    Attributes:
        headers: header lines seen (at least this many when ``complete`` is false).
        size: bytes from the status line to the blank line, both included.
        longest_line: the longest header line, CRLF included.
        field_bytes: the reason phrase plus every header name and value (surrounding
            whitespace excluded): what Node's HTTP parser counts against its limit.
        complete: the blank line ending the head arrived.
        upgrade_ok: the head is a valid 101 answer to this upgrade (``Upgrade: websocket``,
            ``Connection: upgrade`` and the right ``Sec-WebSocket-Accept``); ``None`` when
            not judged (incomplete).
        peer_closed: after the client gave up on the answer and half-closed, the server
            closed the connection too (``None``: not observed).
        version: the status line's protocol (``HTTP/1.0``, ``HTTP/1.1``), ``None`` when
            the status line is not ``HTTP/1.x NNN ...``.
        status: the status line's code, read from the bytes (also when websockets
            rejected the answer, e.g. an HTTP/1.0 one); ``None`` as for ``version``.
    """

    headers: int
    size: int
    longest_line: int
    field_bytes: int
    complete: bool
    upgrade_ok: bool | None = None
    peer_closed: bool | None = None
    version: str | None = None
    status: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "headers": self.headers,
            "size": self.size,
            "longest_line": self.longest_line,
            "field_bytes": self.field_bytes,
            "complete": self.complete,
            "upgrade_ok": self.upgrade_ok,
            "peer_closed": self.peer_closed,
            "version": self.version,
            "status": self.status,
        }


@record
class Handshake:
    """The WebSocket opening handshake over the first connected address."""

    address: str | None
    outcome: HandshakeOutcome
    status: int | None = None
    reason: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    subprotocol: str | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)
    head: ResponseHead | None = None
    limit: str | None = None  # the parser limit the answer broke, in words
    body: str | None = None
    """The first KiB (:data:`BODY_CAP` bytes) of a refusing answer's body, decoded as
    UTF-8 (undecodable bytes replaced); raw: sanitise before showing. ``None``: none came."""
    speaks_tls: bool | None = None
    """A ``ws://`` URL whose port answered a TLS ClientHello: it wants ``wss://``.
    ``None`` when not checked (only a ``ws://`` answer that closed or began with a TLS
    record is)."""
    tls_hello: str | None = None
    """How the port of a ``ws://`` URL answers a TLS ClientHello, checked only where
    Chrome turns the URL into ``wss://`` (its HSTS preload list): ``"tls"`` (a TLS
    handshake completes), ``"plain"`` (bytes that are not TLS), ``"closed"`` (closed
    without a word); ``None``: not checked, or no answer in time."""

    @property
    def ok(self) -> bool:
        return self.outcome is HandshakeOutcome.OK

    @property
    def locations(self) -> tuple[str, ...]:
        """Every ``Location`` header value, raw (untrusted: mask before showing)."""
        return tuple(v for k, v in self.headers if k.lower() == "location")

    @property
    def location(self) -> str | None:
        """The ``Location`` of a 3xx, masked for display; ``None`` when there is none."""
        locs = self.locations
        return _shown_location(locs[0]) if locs else None

    def redirect_clause(self) -> str:
        """``HTTP 302 to /login?token=***`` (masked), or what is wrong with its Location."""
        count = len(self.locations)
        if count == 0:
            return f"HTTP {self.status} without a Location header"
        if count > 1:
            return f"HTTP {self.status} with {count} Location headers"
        return f"HTTP {self.status} to {self.location}"

    def to_json(self) -> dict[str, object]:
        return {
            "address": self.address,
            "outcome": self.outcome.value,
            "status": self.status,
            "reason": self.reason,
            "headers": mask_headers(self.headers),
            "subprotocol": None if self.subprotocol is None else mask_subprotocol(self.subprotocol),
            "error": None if self.error is None else mask_text(self.error),
            "elapsed_ms": round(self.elapsed_ms, 3),
            "location": self.location,
            "locations": [_shown_location(v) for v in self.locations],
            "limit": self.limit,
            "head": None if self.head is None else self.head.to_json(),
            "body": None if self.body is None else mask_text(self.body),
            "speaks_tls": self.speaks_tls,
            "tls_hello": self.tls_hello,
        }
