"""How Node.js and the ``ws`` package word their errors (shared by the Node clients).

Sources:
- ``connect ECONNREFUSED ::1:8080``: Node's ``ExceptionWithHostPort`` message,
  ``${syscall} ${code} ${address}:${port}`` with the IPv6 address unbracketed
  (lib/internal/errors.js); checked on Node 20.20.2 (KNOWLEDGE.md, "Node.js", "Errors").
- Several addresses all failing under ``autoSelectFamily``: ``NodeAggregateError`` with an
  empty message and ``code = errors[0].code`` (lib/internal/errors.js); its ``.errors``
  hold one ``connect ...`` error per address (KNOWLEDGE.md).
- ``getaddrinfo ENOTFOUND host``: ``dns.lookup`` maps ``EAI_NONAME`` / ``EAI_NODATA`` to
  ``ENOTFOUND`` (lib/internal/errors.js ``dnsException``).
- ``Unexpected server response: 404``: ws lib/websocket.js ``req.on('response')``.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Sequence

from ...model import AttemptOutcome, HandshakeOutcome
from ..strategy import Failure, Fallback, Stage, TryResult

__all__ = [
    "NODE_FORCE_IPV4",
    "node_aggregate_error",
    "node_connect_error",
    "node_error_code",
    "node_wording",
]

NODE_FORCE_IPV4 = "new WebSocket(url, { family: 4 })"

_CODES = {
    AttemptOutcome.REFUSED.value: "ECONNREFUSED",
    AttemptOutcome.TIMEOUT.value: "ETIMEDOUT",
    # UNVERIFIED: for an IPv6 address on a host where IPv6 is disabled Node prints
    # EADDRNOTAVAIL or ENETUNREACH depending on how IPv6 is off; the lead's real-client
    # matrix checks which.
    AttemptOutcome.UNREACHABLE.value: "ENETUNREACH",
}
_ERRNO = re.compile(r"\[Errno (\d+)\]")


def node_error_code(t: TryResult) -> str:
    """The libuv error code Node prints for a failed try (``ECONNREFUSED``...).

    An ``error`` outcome uses the errno of the measured error text when there is one
    (``[Errno 113] ...`` gives ``EHOSTUNREACH``), else libuv's ``UNKNOWN``.
    """
    code = _CODES.get(t.outcome)
    if code is not None:
        return code
    match = _ERRNO.search(t.error or "")
    if match is not None:
        return errno.errorcode.get(int(match.group(1)), "UNKNOWN")
    return "UNKNOWN"


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
    if hs.outcome is HandshakeOutcome.HTTP_STATUS:
        return f"Unexpected server response: {hs.status}"
    # ws has no handshake timeout unless ``handshakeTimeout`` is set (then "Opening
    # handshake has timed out"): checked with Node 20.20.2 + ws 8.23.0 against a server that
    # accepts TCP and never answers (tests/hardening), the client just waits. UNVERIFIED: a
    # peer that closes gives Node's "socket hang up"; anything else is reported as an
    # invalid upgrade response.
    if hs.outcome is HandshakeOutcome.TLS:
        # Node's TLS errors carry OpenSSL's verify message ("self-signed certificate",
        # code DEPTH_ZERO_SELF_SIGNED_CERT); UNVERIFIED for other TLS failures.
        return hs.reason or "TLS handshake failed"
    if hs.outcome is HandshakeOutcome.TIMEOUT:
        return "no error: waits forever for the upgrade (ws sets no handshakeTimeout)"
    if hs.outcome is HandshakeOutcome.CLOSED:
        return "socket hang up"
    return "Invalid WebSocket upgrade response"


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
