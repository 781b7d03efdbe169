"""How Node.js and the ``ws`` package word their errors (shared by the Node clients).

Sources:
- ``connect ECONNREFUSED ::1:8080``: Node's ``ExceptionWithHostPort`` message,
  ``${syscall} ${code} ${address}:${port}`` with the IPv6 address unbracketed
  (lib/internal/errors.js); checked on Node 20.20.2 (docs/clients.md#node-errors).
- Several addresses all failing under ``autoSelectFamily``: ``NodeAggregateError`` with an
  empty message and ``code = errors[0].code`` (lib/internal/errors.js); its ``.errors``
  hold one ``connect ...`` error per address (docs/clients.md#node-errors).
- ``getaddrinfo ENOTFOUND host``: ``dns.lookup`` maps ``EAI_NONAME`` / ``EAI_NODATA`` to
  ``ENOTFOUND`` (lib/internal/errors.js ``dnsException``).
- ``Unexpected server response: 404``: ws lib/websocket.js ``req.on('response')``; the
  same for every 3xx, since ``followRedirects`` is ``false`` by default (ws 8.23.0
  lib/websocket.js ``initAsClient``). Checked with Node 16.20.2, 18.20.8 and 20.20.2 for
  301/302/307/308, a relative, a malformed, two and no ``Location`` (tests/scenarios), and
  for an HTTP/1.0 answer (``python -m http.server``), a 400 and a 426
  (docs/clients.md#plain-http).
- ``socket hang up``: a ``ws://`` URL on a TLS port, which closes unanswered; checked
  with the same three versions (docs/clients.md#plain-http).
- ``Parse Error: Header overflow`` (code ``HPE_HEADER_OVERFLOW``): Node's HTTP parser
  counts the reason phrase plus every header name and value (whitespace around values
  excluded) and fails when that reaches ``--max-http-header-size``, 16384 bytes by default
  (lib/_http_common.js, src/node_http_parser.cc ``TrackHeader``). Checked on Node 16, 18
  and 20 at the exact boundary: 16383 bytes connect, 16384 fail. Node has no limit on the
  number of headers below that; ``maxHeadersCount`` (2000) drops the ones after it.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence

from ...model import (
    AttemptOutcome,
    ClientOutcome,
    Handshake,
    HandshakeOutcome,
    WebSocketURL,
    family_of,
)
from ...model.trust import CertNames
from ..strategy import Answer, Failure, Fallback, Stage, TryResult
from ..timing import errno_of
from ..trust import is_mismatch, mismatch_names

__all__ = [
    "NODE_FORCE_IPV4",
    "NODE_MAX_HEADERS_COUNT",
    "NODE_MAX_HEADER_SIZE",
    "node_aggregate_error",
    "node_altname_error",
    "node_answer",
    "node_connect_error",
    "node_error_code",
    "node_wording",
]

NODE_FORCE_IPV4 = "new WebSocket(url, { family: 4 })"
NODE_MAX_HEADER_SIZE = 16384  # --max-http-header-size default (Node 13.13+ / 12.19+)
NODE_MAX_HEADERS_COUNT = 2000  # http.ClientRequest maxHeadersCount default

_CODES = {
    AttemptOutcome.REFUSED: "ECONNREFUSED",
    # The kernel's SYN timeout: checked against real Node (docs/clients.md#kernel-timing).
    AttemptOutcome.TIMEOUT: "ETIMEDOUT",
    # UNVERIFIED: an unreachable address nothing measured (IPv6 disabled, modelled).
    AttemptOutcome.UNREACHABLE: "ENETUNREACH",
}


def node_error_code(t: TryResult) -> str:
    """The libuv error code Node prints for a failed try (``ECONNREFUSED``...).

    An ``unreachable`` or ``error`` outcome uses the errno of the measured error text
    (``[Errno 113] ...`` gives ``EHOSTUNREACH``: checked with Node 16, 18 and 20 against
    an address ARP cannot resolve, tests/scenarios/test_unreachable.py); without one, an
    unreachable address is ``ENETUNREACH`` and any other error libuv's ``UNKNOWN``.
    """
    if t.outcome in (AttemptOutcome.UNREACHABLE, AttemptOutcome.ERROR):
        number = errno_of(t.error)
        if number is not None:
            return errno.errorcode.get(number, "UNKNOWN")
    return _CODES.get(t.outcome, "UNKNOWN")


def node_connect_error(t: TryResult, port: int) -> str:
    """``connect ECONNREFUSED ::1:8080``: one failed connect as Node words it."""
    return f"connect {node_error_code(t)} {t.address}:{port}"


def node_aggregate_error(errors: Sequence[str], code: str) -> str:
    """The first line Node prints for its ``AggregateError`` (all Happy Eyeballs tries failed).

    Node's error has code ``errors[0].code`` and an EMPTY message; ``console.error(err)``
    prints ``AggregateError [ECONNREFUSED]: `` (trailing space), then the stack, then the
    per-address errors under ``[errors]``. Checked with Node 20.20.2 and ws 8.23.0 in
    tests/scenarios/test_matrix.py (no listener, ``::1`` and ``127.0.0.1`` both refused).
    The per-address ``errors`` are shown in the prediction's ``why``, not here.
    """
    del errors  # printed on later lines, not in the first
    return f"AggregateError [{code}]:"


def _handshake_error(failure: Failure) -> str:
    hs = failure.handshake
    assert hs is not None
    if hs.outcome in (HandshakeOutcome.HTTP_STATUS, HandshakeOutcome.REDIRECT):
        return f"Unexpected server response: {hs.status}"
    # ws has no handshake timeout unless ``handshakeTimeout`` is set (then "Opening
    # handshake has timed out"): checked with Node 20.20.2 + ws 8.23.0 against a server that
    # accepts TCP and never answers (tests/hardening), the client just waits. A peer that
    # closes gives Node's "socket hang up" (checked: a TLS port); anything else is reported
    # as an invalid upgrade response (UNVERIFIED).
    if hs.outcome is HandshakeOutcome.TLS:
        # Node's TLS errors carry OpenSSL's verify message ("self-signed certificate",
        # code DEPTH_ZERO_SELF_SIGNED_CERT); UNVERIFIED for other TLS failures.
        names = mismatch_names(hs)
        if names is not None and is_mismatch(hs.reason):
            return node_altname_error(failure.host.removesuffix("."), names)
        return hs.reason or "TLS handshake failed"
    if hs.outcome is HandshakeOutcome.TIMEOUT:
        return "no error: waits forever for the upgrade (ws sets no handshakeTimeout)"
    if hs.outcome is HandshakeOutcome.CLOSED:
        return "socket hang up"
    return "Invalid WebSocket upgrade response"


def node_altname_error(host: str, names: CertNames) -> str:
    """``tls.checkServerIdentity``'s error (lib/tls.js, ERR_TLS_CERT_ALTNAME_INVALID):
    ``Hostname/IP does not match certificate's altnames: Host: H. is not in the cert's
    altnames: DNS:a``; for an IP literal ``IP: X is not in the cert's list: <IPs>``."""
    if family_of(host.strip("[]")) is not None:
        reason = f"IP: {host.strip('[]')} is not in the cert's list: {', '.join(names.ips)}"
    elif names.dns:
        reason = f"Host: {host}. is not in the cert's altnames: {names.node_altnames}"
    else:
        # UNVERIFIED: no DNS name in the certificate (Node then compares the subject's CN).
        reason = f"Host: {host}. is not cert's CN: {names.common_name}"
    return f"Hostname/IP does not match certificate's altnames: {reason}"


def node_wording(failure: Failure) -> str:
    """Node ``ws`` client errors for every failure stage (see the module sources)."""
    if failure.stage is Stage.RESOLVE:
        error = failure.resolve_error or ""
        code = "EAI_AGAIN" if "Temporary failure" in error else "ENOTFOUND"
        return f"getaddrinfo {code} {failure.host}"
    if failure.stage is Stage.HANDSHAKE:
        return _handshake_error(failure)
    errors = [node_connect_error(t, failure.port) for t in failure.tries]
    if failure.fallback is Fallback.HAPPY_EYEBALLS and failure.candidates > 1:
        return node_aggregate_error(errors, node_error_code(failure.tries[0]))
    return errors[-1]


def node_answer(hs: Handshake, url: WebSocketURL) -> Answer | None:
    """Node's own header limits, which differ from websockets' (see the module sources).

    A head whose counted bytes reach 16384 fails with ``Parse Error: Header overflow``
    whatever else it says. A valid 101 that only broke websockets' limits (129+ headers,
    a line over 8 KiB) connects in Node, unless it has more than 2000 headers (then which
    ones Node keeps was not checked: unknown).
    """
    del url
    head = hs.head
    if head is None:
        return None
    if head.field_bytes >= NODE_MAX_HEADER_SIZE:
        return Answer(
            ClientOutcome.FAILS,
            "Parse Error: Header overflow",
            f"but the answer's headers count {head.field_bytes} bytes, at or over Node's "
            f"--max-http-header-size of {NODE_MAX_HEADER_SIZE}",
        )
    if hs.outcome is not HandshakeOutcome.INVALID or not hs.limit or not head.upgrade_ok:
        return None
    if head.headers > NODE_MAX_HEADERS_COUNT:
        return Answer(
            ClientOutcome.UNKNOWN,
            None,
            f"but the answer has {head.headers} headers: Node keeps the first "
            f"{NODE_MAX_HEADERS_COUNT} (maxHeadersCount); what it makes of that was not "
            "checked here",
        )
    return Answer(
        ClientOutcome.CONNECTS,
        None,
        f"and the server's valid 101 breaks only websockets' limits ({hs.limit}), "
        f"not Node's ({head.field_bytes} < {NODE_MAX_HEADER_SIZE} header bytes)",
    )
