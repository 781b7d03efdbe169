"""websocket-client (``websocket.create_connection``): every address in order, but only
after a refused or network-unreachable connect; the last error is the one it prints.

Facts (docs/clients.md#python-websocket-client), websocket-client 1.9.2,
``websocket/_http.py``:
- ``_get_addrinfo_list`` resolves with ``socket.getaddrinfo(host, port, 0, SOCK_STREAM,
  SOL_TCP)``: flags 0 (no ``AI_ADDRCONFIG``), the resolver's order kept.
- ``_open_socket`` connects to each address with a blocking socket (no timeout unless the
  caller sets one: ``websocket.getdefaulttimeout()`` is ``None``), moves to the next one
  only on ``ECONNREFUSED`` or ``ENETUNREACH`` and raises any other error at once: a
  silent address ends the connect after the kernel's SYN timeout with
  ``[Errno 110] Connection timed out``, never reaching the next address; ``::1`` with IPv6
  off ends it with ``[Errno 99] Cannot assign requested address``.
- When every address is refused it raises the last error: Python's socket wording,
  ``[Errno 111] Connection refused`` (no address in the text).
- A resolver error is raised as ``WebSocketAddressException(gaierror)``, printed as the
  ``gaierror``: ``[Errno -3] Temporary failure in name resolution``.
- A non-101 answer: ``WebSocketBadStatusException``, ``Handshake status 404 File not found
  -+-+- {headers} -+-+- body`` (``websocket/_handshake.py``); the headers (a ``Date``) and
  body change with every answer, so only the part up to the first `` -+-+- `` is predicted.
  301, 302, 303, 307 and 308 are followed (``redirect_limit`` 3, ``websocket/_core.py``):
  without a ``Location``, ``Redirect response without Location header, status 302``.
- The host goes through ``urllib.parse`` (lower case) and Python's ``idna`` codec
  (IDNA 2003), like Python websockets; TLS checks the name with its trailing dot.
- Proxies (``websocket/_url.py`` ``get_proxy_info``): ``http_proxy`` for ``ws://`` and
  ``https_proxy`` for ``wss://`` (lower case first; an empty lower-case value hides the
  upper-case one), always tunnelled with ``CONNECT`` (``websocket/_http.py`` ``_tunnel``),
  port 80 when the value names none, ``no_proxy`` matched like urllib's (``*``, a name, a
  domain suffix); its subnet entries (``10.0.0.0/8``) and a ``.suffix`` matched without
  a dot boundary are not modelled. No bypass for ``localhost``. A non-2xx answer to
  ``CONNECT``: ``failed CONNECT via proxy status: 403``. From the source, not run here.
- No option forces a family (``create_connection`` takes no ``family``; a socket passed
  with ``socket=`` is the way).
Checked with websocket-client 1.9.2 on Python 3.11: tests/scenarios/test_matrix.py,
tests/scenarios/test_unreachable.py.
"""

from __future__ import annotations

import errno
import os

from ...model import (
    AttemptOutcome,
    ClientOutcome,
    Confidence,
    Handshake,
    HandshakeOutcome,
    WebSocketURL,
)
from ...model.names import NameHandling
from ..strategy import Answer, ClientStrategy, Failure, Fallback, Stage, TryResult
from ..timing import errno_of
from ._answers import FOLLOWED, followed, limits_unknown
from ._python import NAME_NOT_KNOWN, gai_text, urllib_proxy

__all__ = [
    "PYTHON_WEBSOCKET_CLIENT",
    "socket_error",
    "websocket_client_answer",
    "websocket_client_wording",
]

_MOVES_ON = frozenset({errno.ECONNREFUSED, errno.ENETUNREACH})


def _errno(t: TryResult) -> int | None:
    """The errno of a failed try; an unmeasured unreachable one is ``::1`` with IPv6
    disabled, where ``connect`` fails with ``EADDRNOTAVAIL`` (measured in
    tests/scenarios/test_matrix.py's IPv6-off cells)."""
    if t.outcome is AttemptOutcome.REFUSED:
        return errno.ECONNREFUSED
    if t.outcome is AttemptOutcome.TIMEOUT:
        return errno.ETIMEDOUT
    measured = errno_of(t.error)
    if measured is None and t.outcome is AttemptOutcome.UNREACHABLE and t.error is None:
        return errno.EADDRNOTAVAIL
    return measured


def socket_error(t: TryResult) -> str:
    """One failed connect as Python's ``socket`` module words it: ``[Errno N] strerror``,
    without the address asyncio adds (``None`` errno: the measured text as it is)."""
    number = _errno(t)
    if number is None:
        return t.error or "Connection failed"  # UNVERIFIED: no errno measured
    return f"[Errno {number}] {os.strerror(number)}"


def moves_on(t: TryResult) -> bool:
    """websocket-client tries the next address only after these errors."""
    return _errno(t) in _MOVES_ON


def websocket_client_answer(hs: Handshake, url: WebSocketURL) -> Answer | None:
    """301, 302, 303, 307 and 308 are followed (``redirect_limit`` 3, websocket/_core.py):
    unknown with a ``Location``, an error without one."""
    del url
    if hs.outcome is not HandshakeOutcome.REDIRECT or hs.status not in FOLLOWED:
        return limits_unknown(hs, "websocket-client")
    if hs.locations:
        return followed(hs)
    return Answer(
        ClientOutcome.FAILS,
        f"Redirect response without Location header, status {hs.status}",
        f"but the server answers HTTP {hs.status} without a Location",
    )


def websocket_client_wording(failure: Failure) -> str:
    """What ``print(exc)`` shows for each failure stage (the module docstring's facts)."""
    if failure.stage is Stage.RESOLVE:
        return gai_text(failure.resolve_error) or NAME_NOT_KNOWN
    if failure.stage is Stage.HANDSHAKE:
        hs = failure.handshake
        assert hs is not None
        if hs.outcome in (HandshakeOutcome.HTTP_STATUS, HandshakeOutcome.REDIRECT):
            return f"Handshake status {hs.status} {hs.reason or ''}".rstrip()
        # A certificate refusal is Python's ssl text (the probe's; checked in
        # tests/scenarios/test_trust.py); other failures: UNVERIFIED guesses.
        return hs.error or "Connection to remote host was lost."
    return socket_error(failure.tries[-1])


WEBSOCKET_CLIENT_PROXY = urllib_proxy(
    ws=(("http_proxy", "HTTP_PROXY"),),
    wss=(("https_proxy", "HTTPS_PROXY"),),
    rejected="failed CONNECT via proxy status: {status}",
)
"""websocket-client's ``get_proxy_info`` (see the module docstring)."""

PYTHON_WEBSOCKET_CLIENT = ClientStrategy(
    id="python-websocket-client",
    name="Python websocket-client",
    confidence=Confidence.CHECKED,
    source=(
        "websocket.create_connection: getaddrinfo flags 0, addresses in order, the next "
        "only after ECONNREFUSED or ENETUNREACH, the last error raised "
        "(websocket-client websocket/_http.py _get_addrinfo_list, _open_socket); no "
        "timeout by default; checked with websocket-client 1.9.2 on Python 3.11; "
        "docs/clients.md#python-websocket-client"
    ),
    runtime="python",
    wording=websocket_client_wording,
    addrconfig=False,
    fallback=Fallback.SEQUENTIAL,
    force_ipv4=None,
    version="1.9",
    names=NameHandling.IDNA2003,
    tls_strips_dot=False,
    moves_on=moves_on,
    on_answer=websocket_client_answer,
    proxy=WEBSOCKET_CLIENT_PROXY,
)
