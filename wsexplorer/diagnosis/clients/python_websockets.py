"""Python ``websockets`` (asyncio client, 14.0+): every address, in order, one at a time.

Facts (docs/clients.md#python-websockets):
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
  (docs/clients.md#python-websockets).
- ``open_timeout`` (10 s) covers the TCP connects and the handshake; when it expires
  websockets raises ``TimeoutError("timed out during opening handshake")``
  (src/websockets/asyncio/client.py). It raises the same when ``create_connection``
  raises a ``TimeoutError``: the kernel's ``ETIMEDOUT`` for a lone silent address (an
  ``OSError`` subclass, ``[Errno 110] Connect call failed (...)``). With several
  addresses a kernel timeout is one more failed try and the next address is tried.
  Checked: tests/scenarios/test_unreachable.py (SYN timeout shorter than open_timeout).
- A non-101 answer: ``InvalidStatus``, ``server rejected WebSocket connection: HTTP 404``
  (src/websockets/exceptions.py).
- Redirects (src/websockets/asyncio/client.py ``process_redirect``): 300, 301, 302, 303,
  307 and 308 with a ``Location`` are followed, up to 10 times (``MAX_REDIRECTS``,
  ``WEBSOCKETS_MAX_REDIRECTS``); the target is ``urljoin(url, Location)`` checked by
  ``parse_uri`` (src/websockets/uri.py). See :func:`python_redirect` for what it prints.
- An answer that breaks its parser limits (129+ headers, a line over 8192 bytes;
  src/websockets/http11.py): it half-closes and waits for the server to close, then
  ``InvalidMessage("did not receive a valid HTTP response")``; a server that keeps the
  connection open makes it wait for ``open_timeout``. The probe is websockets itself and
  records which (``head.peer_closed``).
- Proxies (docs/clients.md#proxies): ``proxy=True`` by default since 15.0, so
  ``get_proxy`` (src/websockets/proxy.py) takes ``ws_proxy`` / ``wss_proxy``, then
  ``socks_proxy``, then ``https_proxy``, then (``ws://`` only) ``http_proxy`` from
  ``urllib.request.getproxies()``, unless ``urllib.request.proxy_bypass("host:port")``
  (``no_proxy``). A refused proxy: the connect error names the proxy's address; a
  ``CONNECT`` answered with a non-2xx: ``proxy rejected connection: HTTP 403``
  (src/websockets/exceptions.py ``InvalidProxyStatus``). Checked:
  tests/scenarios/test_proxies.py.
- The sync client (``websockets.sync.client.connect``) has the same outcomes on every
  cell checked here but prints only the last socket error, without an address
  (``socket.create_connection``: ``[Errno 111] Connection refused``), and gives each
  address its own ``open_timeout`` (docs/clients.md#python-websockets-sync).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

from ...model import (
    AttemptOutcome,
    ClientOutcome,
    Confidence,
    Family,
    Handshake,
    HandshakeOutcome,
    TimeBasis,
    WebSocketURL,
)
from ...model.names import NameHandling
from ...model.secrets import mask_text
from ..strategy import Answer, ClientStrategy, Failure, Fallback, Stage, TryResult
from ._python import NAME_NOT_KNOWN, gai_text, urllib_proxy

__all__ = [
    "PYTHON_PROXY",
    "PYTHON_WEBSOCKETS",
    "python_answer",
    "python_connect_error",
    "python_redirect",
    "python_wording",
]

FOLLOWED = frozenset({300, 301, 302, 303, 307, 308})
MAX_REDIRECTS = 10

_TIMEOUT = "timed out during opening handshake"


def python_connect_error(t: TryResult, port: int) -> str:
    """One failed connect as asyncio words it (``_sock_connect_cb``: the errno and the
    sockaddr; an error ``connect()`` raises at once, e.g. ``ENETUNREACH``, as it is)."""
    sockaddr = (t.address, port, 0, 0) if t.family is Family.IPV6 else (t.address, port)
    if t.outcome is AttemptOutcome.REFUSED:
        return f"[Errno 111] Connect call failed {sockaddr!r}"
    if t.outcome is AttemptOutcome.TIMEOUT:
        return f"[Errno 110] Connect call failed {sockaddr!r}"
    if t.error and t.error.startswith("[Errno"):
        return t.error
    if t.outcome is AttemptOutcome.UNREACHABLE:
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
        measured = gai_text(error)
        if measured:
            return measured
        if error and "Temporary failure" in error:
            # The probe gave up on a getaddrinfo still waiting for a silent nameserver
            # (glibc: resolv.conf timeout x attempts, 10 s by default). open_timeout (10 s)
            # covers the lookup, so it ends the connect about when glibc would give up:
            # UNVERIFIED which comes first at 10 s; checked here with open_timeout=5
            # against a silent nameserver.
            return _TIMEOUT
        return NAME_NOT_KNOWN
    if failure.stage is Stage.HANDSHAKE:
        return _handshake_error(failure)
    if failure.expired:
        return _TIMEOUT
    errors = [python_connect_error(t, failure.port) for t in failure.tries]
    if len(errors) == 1 or all(e == errors[0] for e in errors):
        # asyncio re-raises the one error; websockets turns a TimeoutError into its own.
        timeout = failure.tries[0].outcome is AttemptOutcome.TIMEOUT
        return _TIMEOUT if timeout else errors[0]
    return "Multiple exceptions: " + ", ".join(errors)


def _fails(error: str, why: str, confidence: Confidence | None = None) -> Answer:
    return Answer(ClientOutcome.FAILS, error, why, confidence)


def _target(base: str, location: str) -> tuple[str, tuple[object, ...] | None, str | None]:
    """``urljoin`` then websockets' ``parse_uri`` checks: the new URI, its identity
    ``(secure, host, port, resource)`` (``None`` if invalid) and the error text."""
    try:
        new = urljoin(base, location)
        parsed = urlparse(new)
        if parsed.scheme not in ("ws", "wss"):
            return new, None, f"{new} isn't a valid URI: scheme isn't ws or wss"
        if parsed.hostname is None:
            return new, None, f"{new} isn't a valid URI: hostname isn't provided"
        if parsed.fragment != "":
            return new, None, f"{new} isn't a valid URI: fragment identifier is meaningless"
        secure = parsed.scheme == "wss"
        port = parsed.port or (443 if secure else 80)
    except ValueError as exc:  # urllib: "Invalid IPv6 URL", "Port out of range 0-65535"
        return location, None, str(exc)
    if parsed.username is not None and parsed.password is None:
        return new, None, f"{new} isn't a valid URI: username provided without password"
    resource = (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
    return new, (secure, parsed.hostname, port, resource), None


def python_redirect(hs: Handshake, url: WebSocketURL) -> Answer:
    """What websockets does with a 3xx (the module docstring's facts).

    Predicted exactly: no or an unfollowed status (``InvalidStatus``), two ``Location``
    headers (``MultipleValuesError``, printed ``'Location'``), a target ``parse_uri`` or
    ``urljoin`` rejects, a redirect to the URL itself (a loop: ``more than 10 redirects``;
    assumes the server answers the same each time). A ``wss://`` to ``ws://`` downgrade
    is refused (documented, not checked here). Any other target: unknown, since
    wsexplorer does not follow redirects.
    """
    status = hs.status or 0
    locations = hs.locations
    if status not in FOLLOWED or not locations:
        why = "without a Location" if not locations else "(a status it does not follow)"
        return _fails(
            f"server rejected WebSocket connection: HTTP {status}",
            f"but the server answers HTTP {status} {why}",
        )
    if len(locations) > 1:
        return _fails(
            "'Location'",
            f"but the server's {status} carries {len(locations)} Location headers: "
            "websockets raises MultipleValuesError('Location')",
        )
    new, target, error = _target(url.geturl(), locations[0])
    shown = mask_text(new) if "://" in new else hs.location
    if error is not None:
        return _fails(error, f"and cannot follow the {status} redirect to {shown}")
    assert target is not None
    if url.secure and not target[0]:
        return _fails(
            f"cannot follow redirect to non-secure URI {new}",
            f"and refuses the {status} redirect from wss:// to {shown} (websockets forbids "
            "TLS downgrades)",
            Confidence.DOCUMENTED,
        )
    here = (url.secure, url.host, url.port, url.resource)
    if target == here:
        return _fails(
            f"more than {MAX_REDIRECTS} redirects",
            f"follows the {status} redirect to {shown}, which is this same URL, "
            f"{MAX_REDIRECTS} times, then gives up",
        )
    return Answer(
        ClientOutcome.UNKNOWN,
        None,
        f"follows the {status} redirect to {shown}; wsexplorer does not follow redirects, "
        "so what that URL answers is unknown",
    )


def python_answer(hs: Handshake, url: WebSocketURL) -> Answer | None:
    """An HTTP/1.0 answer, redirects (:func:`python_redirect`) and broken parser limits;
    else the default.

    websockets parses only ``HTTP/1.1`` answers (``Response.parse`` in
    src/websockets/http11.py: "unsupported protocol; expected HTTP/1.1"), so an HTTP/1.0
    one (``python -m http.server``) fails before its status counts. Checked with
    websockets 17.4 against ``python -m http.server`` (docs/clients.md#plain-http).
    """
    if hs.head is not None and hs.head.version == "HTTP/1.0":
        return _fails(
            "did not receive a valid HTTP response",
            f"but the server answers in HTTP/1.0 ({hs.head.status}), and websockets reads "
            "only HTTP/1.1 answers",
        )
    if hs.outcome is HandshakeOutcome.REDIRECT:
        return python_redirect(hs, url)
    if hs.outcome is not HandshakeOutcome.INVALID or not hs.limit or hs.head is None:
        return None
    if hs.head.peer_closed is False:
        return _fails(
            _TIMEOUT,
            f"but the answer breaks websockets' limits ({hs.limit}); it waits for the "
            "server to close, which it does not, until open_timeout (10 s)",
        )
    # A status line too long is raised as it is; header limits as InvalidMessage.
    status_line = hs.limit.startswith("status line")
    return _fails(
        (hs.error or "") if status_line else "did not receive a valid HTTP response",
        f"but the answer breaks websockets' limits ({hs.limit}) and the server then closes",
    )


PYTHON_PROXY = urllib_proxy(
    ws=(
        ("ws_proxy", "WS_PROXY"),
        ("socks_proxy", "SOCKS_PROXY"),
        ("https_proxy", "HTTPS_PROXY"),
        ("http_proxy", "HTTP_PROXY"),
    ),
    wss=(
        ("wss_proxy", "WSS_PROXY"),
        ("socks_proxy", "SOCKS_PROXY"),
        ("https_proxy", "HTTPS_PROXY"),
    ),
    rejected="proxy rejected connection: HTTP {status}",
)
"""websockets' ``get_proxy`` over urllib's environment rules (see the module docstring)."""

PYTHON_WEBSOCKETS = ClientStrategy(
    id="python-websockets",
    name="Python websockets",
    confidence=Confidence.CHECKED,
    source=(
        "websockets.connect -> loop.create_connection: getaddrinfo flags 0, every address "
        "in order (CPython asyncio base_events.py); 'Multiple exceptions' when all fail; "
        "open_timeout 10 s; checked with websockets 17.4 on Python 3.11; "
        "host lower-cased, a non-ASCII one IDNA 2003-encoded (websockets src/websockets/uri.py "
        "parse_uri); docs/clients.md#python-websockets, docs/clients.md#names; "
        "python-websockets/websockets#593"
    ),
    runtime="python",
    wording=python_wording,
    addrconfig=False,
    fallback=Fallback.SEQUENTIAL,
    connect_timeout=(10.0, TimeBasis.OPEN_TIMEOUT),
    force_ipv4="websockets.connect(url, family=socket.AF_INET)",
    on_answer=python_answer,
    version="14+",
    names=NameHandling.IDNA2003,
    tls_strips_dot=False,
    proxy=PYTHON_PROXY,
)
