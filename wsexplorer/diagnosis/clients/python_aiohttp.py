"""aiohttp (``ClientSession.ws_connect``): Happy Eyeballs over the resolver's
``AI_ADDRCONFIG`` answer, every attempt kept running, 250 ms between starts.

Facts (docs/clients.md#python-aiohttp), aiohttp 3.14.5 with aiohappyeyeballs 2.7.1:
- The default resolver without ``aiodns`` is ``ThreadedResolver``: ``getaddrinfo`` with
  ``flags=AI_ADDRCONFIG`` (aiohttp/resolver.py), order kept.
- ``TCPConnector(happy_eyeballs_delay=0.25, interleave=None)`` hands the addresses to
  ``aiohappyeyeballs.start_connection`` (aiohttp/connector.py), which interleaves families
  (``interleave`` 1 by default, first family first) and runs a staggered race: the next
  attempt starts 250 ms after the previous one, or as soon as it fails, and every attempt
  keeps running until one connects (aiohappyeyeballs/impl.py, _staggered.py): the
  engine's staggered race over the interleaved addresses. Checked: two A records, the
  first silent, connect to the second after 250 ms (tests/scenarios/test_paths.py).
- Every attempt failing: one error, or several with the same text, is raised as it is;
  different texts with one errno become ``OSError(errno, "Multiple exceptions: ...")``;
  different errnos ``OSError("Multiple exceptions: ...")``, whose ``strerror`` is ``None``
  (aiohappyeyeballs/impl.py). aiohttp wraps it in ``ClientConnectorError``, printed
  ``Cannot connect to host H:P ssl:default [STRERROR]`` (aiohttp/client_exceptions.py):
  ``[Connect call failed ('::1', 8080, 0, 0)]``, ``[Multiple exceptions: ...]`` or
  ``[None]`` (the reasons only in ``__cause__``).
- After a failed race ``_create_direct_connection`` drops the first address of each family
  and races the rest again (``pop_addr_infos_interleave``): with several addresses of one
  family the error printed is the last round's. The time of such later rounds is not
  modelled (the report's time counts the first race only).
- ``ClientTimeout(sock_connect=30)`` is the session default: a race still running after
  30 s ends as ``ConnectionTimeoutError("Connection timeout to host URL")``
  (aiohttp/client.py). UNVERIFIED here (the tests lower the SYN timeout below it).
- A resolver error: ``ClientConnectorDNSError``, ``Cannot connect to host H:P ssl:default
  [Temporary failure in name resolution]``.
- A non-101 answer: ``WSServerHandshakeError``, ``404, message='Invalid response status',
  url='ws://H:P/path'``. ``ws_connect`` follows 301, 302, 303, 307 and 308 with a
  ``Location`` (``allow_redirects`` defaults to true, aiohttp/client.py ``_request``):
  what the target answers is unknown here.
- Host names through yarl: UTS-46 (IDNA 2008), lower case; TLS checks the name without
  its trailing dot (aiohttp#3636).
- ``TCPConnector(family=socket.AF_INET)`` forces IPv4.
- Proxies: ``ClientSession(trust_env=False)`` is the default, so the proxy variables are
  ignored (aiohttp/client.py); no proxy policy.
Checked with aiohttp 3.14.5 on Python 3.11: tests/scenarios/test_matrix.py,
tests/scenarios/test_unreachable.py, tests/scenarios/test_paths.py.
"""

from __future__ import annotations

from ...model import (
    Confidence,
    Handshake,
    HandshakeOutcome,
    TimeBasis,
    WebSocketURL,
)
from ..strategy import Answer, ClientStrategy, Failure, Fallback, Stage, TryResult
from ..timing import errno_of
from ._answers import FOLLOWED, followed, limits_unknown
from .python_websockets import python_connect_error

__all__ = ["PYTHON_AIOHTTP", "aiohttp_answer", "aiohttp_wording", "last_round"]

CONNECT_TIMEOUT_S = 30.0


def last_round(tries: tuple[TryResult, ...]) -> tuple[TryResult, ...]:
    """The tries of aiohttp's last race: each round drops the first address of every
    family, so the last one holds the last address of each family that has the most."""
    counts: dict[object, int] = {}
    for t in tries:
        counts[t.family] = counts.get(t.family, 0) + 1
    most = max(counts.values())
    seen: dict[object, int] = {}
    kept: list[TryResult] = []
    for t in tries:
        seen[t.family] = seen.get(t.family, 0) + 1
        if counts[t.family] == most and seen[t.family] == most:
            kept.append(t)
    return tuple(kept)


def _strerror(text: str) -> str:
    """``OSError.strerror`` of an error worded ``[Errno N] strerror``."""
    return text.split("] ", 1)[1] if text.startswith("[Errno") and "] " in text else text


def _race_error(tries: tuple[TryResult, ...], port: int) -> str:
    errors = [python_connect_error(t, port) for t in tries]
    if all(e == errors[0] for e in errors):
        return _strerror(errors[0])
    numbers = {errno_of(e) for e in errors}
    if len(numbers) == 1:
        return "Multiple exceptions: " + ", ".join(errors)
    return "None"


def _cannot_connect(failure: Failure, reason: str) -> str:
    return f"Cannot connect to host {failure.host}:{failure.port} ssl:default [{reason}]"


def _tls_error(failure: Failure, error: str) -> str:
    """A failed TLS handshake (the probe's text is Python's ``ssl`` text): a verification
    failure is ``ClientConnectorCertificateError``, which prints ``ssl:True`` and the
    ``SSLCertVerificationError`` args; any other ``ssl.SSLError`` is
    ``ClientConnectorSSLError``, worded like a connect error (aiohttp/client_exceptions.py).
    Checked for verification failures (tests/scenarios/test_trust.py: unknown issuer,
    wrong name, expired, self-signed); UNVERIFIED for other ``ssl.SSLError``."""
    if error.startswith("[SSL: CERTIFICATE_VERIFY_FAILED]"):
        return (
            f"Cannot connect to host {failure.host}:{failure.port} ssl:True "
            f"[SSLCertVerificationError: (1, {error!r})]"
        )
    return _cannot_connect(failure, error or "None")


def aiohttp_wording(failure: Failure) -> str:
    """What ``print(exc)`` shows for each failure stage (the module docstring's facts)."""
    if failure.stage is Stage.RESOLVE:
        error = failure.resolve_error or ""
        return _cannot_connect(failure, _strerror(error) or "Name or service not known")
    if failure.stage is Stage.HANDSHAKE:
        hs = failure.handshake
        assert hs is not None
        if hs.outcome in (HandshakeOutcome.HTTP_STATUS, HandshakeOutcome.REDIRECT):
            return f"{hs.status}, message='Invalid response status', url='{failure.url}'"
        return _tls_error(failure, hs.error or "")
    if failure.expired:
        return f"Connection timeout to host {failure.url}"
    return _cannot_connect(failure, _race_error(last_round(failure.tries), failure.port))


def aiohttp_answer(hs: Handshake, url: WebSocketURL) -> Answer | None:
    """A redirect it follows (301, 302, 303, 307, 308 with a ``Location``,
    aiohttp/client.py): unknown; an answer over websockets' limits: unknown."""
    if hs.outcome is HandshakeOutcome.REDIRECT and hs.status in FOLLOWED and hs.locations:
        return followed(hs)
    del url
    return limits_unknown(hs, "aiohttp")


PYTHON_AIOHTTP = ClientStrategy(
    id="python-aiohttp",
    name="Python aiohttp",
    confidence=Confidence.CHECKED,
    source=(
        "ClientSession.ws_connect: ThreadedResolver getaddrinfo AI_ADDRCONFIG "
        "(aiohttp/resolver.py); aiohappyeyeballs.start_connection, happy_eyeballs_delay "
        "0.25, interleave 1, staggered race (aiohttp/connector.py, aiohappyeyeballs "
        "impl.py); ClientConnectorError 'Cannot connect to host H:P ssl:default [...]'; "
        "checked with aiohttp 3.14.5 on Python 3.11; docs/clients.md#python-aiohttp"
    ),
    runtime="python",
    wording=aiohttp_wording,
    addrconfig=True,
    fallback=Fallback.HAPPY_EYEBALLS,
    happy_eyeballs_ms=250,
    staggered=True,
    connect_timeout=(CONNECT_TIMEOUT_S, TimeBasis.CONNECT_TIMEOUT),
    force_ipv4="aiohttp.TCPConnector(family=socket.AF_INET)",
    version="3.14",
    on_answer=aiohttp_answer,
)
