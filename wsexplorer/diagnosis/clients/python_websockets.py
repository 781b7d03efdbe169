"""Python ``websockets`` (asyncio client, 14.0+): every address, in order, one at a time.

Facts (KNOWLEDGE.md, "Python"):
- ``websockets.connect`` calls ``loop.create_connection(host, port, **kwargs)``; extra
  keywords pass through, so ``family=socket.AF_INET`` forces IPv4.
- ``loop.create_connection`` resolves with ``getaddrinfo(..., flags=0)`` (no
  ``AI_ADDRCONFIG``) and, without ``happy_eyeballs_delay``, tries every address in order
  (CPython Lib/asyncio/base_events.py ``create_connection``).
- One address failing: that connect's ``OSError``,
  ``[Errno 111] Connect call failed ('127.0.0.1', 8080)`` (Lib/asyncio/selector_events.py
  ``_sock_connect_cb``); IPv6 sockaddrs are 4-tuples ``('::1', 8080, 0, 0)``. Several,
  all failing with different messages: ``OSError("Multiple exceptions: ...")`` joining
  them with ", "; all with the same message: the first one (base_events.py). Checked
  (KNOWLEDGE.md).
- ``open_timeout`` (10 s) covers the TCP connect and the handshake; when it expires
  websockets raises ``TimeoutError("timed out during opening handshake")``
  (src/websockets/asyncio/client.py). The kernel's SYN timeout is far longer, so a TCP
  connect that times out ends the whole attempt with that message (UNVERIFIED for the
  TCP case).
- A non-101 answer: ``InvalidStatus``, ``server rejected WebSocket connection: HTTP 404``
  (src/websockets/exceptions.py).
- Not modelled: ``proxy=True`` by default since 15.0 (environment proxies are used).
"""

from __future__ import annotations

from ...model import AttemptOutcome, Confidence, Family, HandshakeOutcome
from ..strategy import ClientStrategy, Failure, Fallback, Stage, TryResult

__all__ = ["PYTHON_WEBSOCKETS", "python_connect_error", "python_wording"]

_TIMEOUT = "timed out during opening handshake"


def python_connect_error(t: TryResult, port: int) -> str:
    """One failed connect as asyncio words it."""
    if t.outcome == AttemptOutcome.REFUSED.value:
        sockaddr = (t.address, port, 0, 0) if t.family is Family.IPV6 else (t.address, port)
        return f"[Errno 111] Connect call failed {sockaddr!r}"
    if t.error and t.error.startswith("[Errno"):
        return t.error
    if t.outcome == AttemptOutcome.UNREACHABLE.value:
        # UNVERIFIED: EADDRNOTAVAIL (99) is also possible for ::1 with IPv6 disabled.
        return "[Errno 101] Network is unreachable"
    return f"Connect call failed ({t.address!r}, {port})"


def _handshake_error(failure: Failure) -> str:
    hs = failure.handshake
    assert hs is not None
    if hs.outcome is HandshakeOutcome.HTTP_STATUS:
        return f"server rejected WebSocket connection: HTTP {hs.status}"
    if hs.outcome is HandshakeOutcome.TIMEOUT:
        return _TIMEOUT
    if hs.outcome is HandshakeOutcome.TLS and hs.error:
        # Measured with Python's own ssl module: the probe's text is the client's text.
        return hs.error
    # UNVERIFIED: websockets' InvalidMessage for a closed or malformed answer.
    return "did not receive a valid HTTP response"


def python_wording(failure: Failure) -> str:
    """Python websockets errors for every failure stage (see the module docstring)."""
    if failure.stage is Stage.RESOLVE:
        error = failure.resolve_error
        # The probes measure getaddrinfo with Python itself, so its text is the client's.
        if error and error.startswith("[Errno"):
            return error
        if error and "Temporary failure" in error:
            # The probe gave up on a getaddrinfo still waiting for a silent nameserver
            # (glibc: resolv.conf timeout x attempts, 10 s by default). open_timeout (10 s)
            # covers the lookup, so it ends the connect about when glibc would give up:
            # UNVERIFIED which comes first at 10 s; checked with open_timeout=5 in
            # tests/hardening/test_dns_faults.py.
            return _TIMEOUT
        return "[Errno -2] Name or service not known"
    if failure.stage is Stage.HANDSHAKE:
        return _handshake_error(failure)
    if any(t.outcome == AttemptOutcome.TIMEOUT.value for t in failure.tries):
        return _TIMEOUT
    errors = [python_connect_error(t, failure.port) for t in failure.tries]
    if len(errors) == 1 or all(e == errors[0] for e in errors):
        return errors[0]
    return "Multiple exceptions: " + ", ".join(errors)


PYTHON_WEBSOCKETS = ClientStrategy(
    id="python-websockets",
    name="Python websockets",
    confidence=Confidence.CHECKED,
    source=(
        "websockets.connect -> loop.create_connection: getaddrinfo flags 0, every address "
        "in order (CPython asyncio base_events.py); 'Multiple exceptions' when all fail; "
        "open_timeout 10 s; checked with websockets 17.4 on Python 3.11; "
        "KNOWLEDGE.md 'Python'; python-websockets/websockets#593"
    ),
    runtime="python",
    wording=python_wording,
    addrconfig=False,
    fallback=Fallback.SEQUENTIAL,
    timeout_ends=True,
    force_ipv4="websockets.connect(url, family=socket.AF_INET)",
    version="14+",
)
