"""curl, as a TCP/HTTP reachability check (``curl http://localhost:8080/``).

curl is here because users say "curl works": it connects as long as TCP connects, since
an HTTP answer of any status (404, 426) is still an answer. (Debian 12's curl 7.88.1 is
built without ``ws://`` support, so users test the port over HTTP.)

Facts (docs/clients.md#curl):
- Since 7.78.0 curl answers ``localhost`` (and ``*.localhost``) itself, ignoring the hosts
  file: ``127.0.0.1`` then ``::1`` up to 8.2.0, ``::1`` first from 8.2.1
  (https://github.com/curl/curl/issues/11465). ``::1`` is offered only when IPv6 works on
  the host.
- Other names: ``getaddrinfo`` (AF_UNSPEC, no ``AI_ADDRCONFIG``) in its order.
- Happy Eyeballs, 200 ms (``--happy-eyeballs-timeout-ms``); ``-4`` forces IPv4.
- Error wording ``curl: (7) Failed to connect to HOST port P after N ms: Couldn't connect
  to server`` for a refused or unreachable address (EHOSTUNREACH after ARP's 3 s), and
  ``curl: (28)`` with the same words when the kernel's SYN timeout ends the connect;
  N is the predicted time in milliseconds (0 when immediate). Checked with curl 7.88.1:
  tests/scenarios/test_unreachable.py (the text with N compared within the stated
  tolerance); outcomes in tests/scenarios/test_matrix.py.
- Happy Eyeballs per family: the second family starts after 200 ms; addresses of one
  family are tried one after the other, each waiting for the kernel (lib/connect.c).
  Its own connect timeout is 300 s (``DEFAULT_CONNECT_TIMEOUT``, lib/connect.h). After a
  failed attempt that ends once the 200 ms timer has fired, the next address of that
  family starts about 1 s later (a SYN timeout at 3.08 s: ``Trying`` the next at
  4.08 s), which fits the curl tool's idle poll (``curl_multi_poll(..., 1000)``,
  src/tool_operate.c). An earlier failure (a refused first A) moves on at once or at the
  timer (measured 0.01 s and 0.20 s in two runs; predicted at once). Measured with curl
  7.88.1 (tests/scenarios/test_paths.py cases a1, a2); other orders UNVERIFIED.
- Without ``-L`` curl does not follow redirects: a 3xx is an answer like any other (exit 0).
  Checked with curl 7.88.1 against 301/302/307/308 (tests/scenarios).
- Response header limits (curl 7.88.1, lib/http.c): one header line of 102400 bytes or
  more (CRLF included; ``CURL_MAX_HTTP_HEADER``) ends the transfer with exit 27
  ``curl: (27) Out of memory``; more than 300 KiB of headers in all gives exit 56 (after
  the connect: still "connects" for a reachability check). Checked at the exact boundary
  (102399 bytes pass, 102400 fail) against a server that answers curl's plain GET with the
  headers it puts on its 101.
- Proxies (docs/clients.md#proxies; lib/url.c ``detect_proxy``, lib/noproxy.c): for
  ``http://`` only ``http_proxy`` in lower case (``HTTP_PROXY`` is ignored), for
  ``https://`` ``https_proxy`` or ``HTTPS_PROXY``, then ``all_proxy`` / ``ALL_PROXY``; an
  empty value counts as unset; a proxy without a port is on 1080. A plain ``http://``
  request goes to the proxy as it is (no ``CONNECT``), so any answer of the proxy is an
  answer; ``https://`` is tunnelled with ``CONNECT``. A refused proxy: ``curl: (7) Failed
  to connect to PROXY port P after N ms: Couldn't connect to server``. Checked with curl
  7.88.1: tests/scenarios/test_proxies.py.
"""

from __future__ import annotations

from ...model import (
    AttemptOutcome,
    ClientOutcome,
    Confidence,
    Handshake,
    TimeBasis,
    WebSocketURL,
)
from ...model.names import NameHandling
from ..proxy import NoProxyRules, ProxyPolicy
from ..strategy import Answer, ClientStrategy, Failure, Fallback, Stage
from ..trust import is_mismatch

__all__ = [
    "CURL",
    "CURL_PROXY",
    "curl_answer",
    "curl_localhost_order",
    "curl_strategy",
    "curl_wording",
]

DEFAULT_VERSION = (7, 88, 1)  # Debian 12
CURL_MAX_HTTP_HEADER = 102400  # one header line, CRLF included (lib/urldata.h)


def curl_answer(hs: Handshake, url: WebSocketURL) -> Answer | None:
    """A header line of 100 KiB or more stops curl (exit 27); nothing else in the answer
    matters to a reachability check. Assumes curl's plain GET gets the same headers as
    the upgrade did."""
    del url
    if hs.head is None or hs.head.longest_line < CURL_MAX_HTTP_HEADER:
        return None
    return Answer(
        ClientOutcome.FAILS,
        "curl: (27) Out of memory",
        f"but a header line of the answer is {hs.head.longest_line} bytes long, at or over "
        f"curl's limit of {CURL_MAX_HTTP_HEADER}",
    )


def curl_localhost_order(version: tuple[int, int, int]) -> tuple[str, ...] | None:
    """curl's own answer for ``localhost`` in ``version``, or ``None`` before 7.78.0."""
    if version >= (8, 2, 1):
        return ("::1", "127.0.0.1")
    if version >= (7, 78, 0):
        return ("127.0.0.1", "::1")
    return None


def curl_wording(failure: Failure) -> str:
    """curl's error line for a failure (resolve: exit 6, connect: 7, timeout: 28)."""
    if failure.stage is Stage.RESOLVE:
        return f"curl: (6) Could not resolve host: {failure.host}"
    hs = failure.handshake
    if failure.stage is Stage.HANDSHAKE and hs is not None:
        # Only a TLS failure stops curl's check (simulate.py); curl verifies like the
        # others: exit 60 for a certificate problem (curl's libcurl-errors.3).
        if is_mismatch(hs.reason):
            # curl's own name check after the handshake (lib/vtls/openssl.c verifyhost).
            name = failure.host.removesuffix(".")
            return (
                "curl: (60) SSL: no alternative certificate subject name matches "
                f"target host name '{name}'"
            )
        return f"curl: (60) SSL certificate problem: {hs.reason or 'unknown'}"
    ms = 0 if failure.time_s is None else round(failure.time_s * 1000)
    where = f"Failed to connect to {failure.host} port {failure.port} after {ms} ms"
    if failure.expired:
        # UNVERIFIED: curl's own connect timeout (300 s) firing.
        return f"curl: (28) {where}: Timeout was reached"
    if failure.tries and failure.tries[-1].outcome is AttemptOutcome.TIMEOUT:
        # The kernel's ETIMEDOUT: exit 28, curl_easy_strerror of the connect failure.
        return f"curl: (28) {where}: Couldn't connect to server"
    return f"curl: (7) {where}: Couldn't connect to server"


CURL_PROXY = ProxyPolicy(
    ws=(("http_proxy",), ("all_proxy", "ALL_PROXY")),
    wss=(("https_proxy", "HTTPS_PROXY"), ("all_proxy", "ALL_PROXY")),
    no_proxy=("no_proxy", "NO_PROXY"),
    rules=NoProxyRules.CURL,
    default_port=1080,
    tunnels_plain=False,
    # UNVERIFIED: the wording of a rejected CONNECT (lib/http_proxy.c) is not run here.
    rejected="curl: (56) CONNECT tunnel failed, response {status}",
)
"""curl's proxy variables for the ``http://`` / ``https://`` request it makes."""


def curl_strategy(version: tuple[int, int, int] = DEFAULT_VERSION) -> ClientStrategy:
    """The curl strategy for ``version`` (the catalogue models 7.88.1, Debian 12)."""
    return ClientStrategy(
        id="curl",
        name="curl",
        confidence=Confidence.CHECKED,
        source=(
            "curl resolves localhost itself since 7.78.0, ::1 first from 8.2.1 "
            "(curl/curl#11465); Happy Eyeballs 200 ms (--happy-eyeballs-timeout-ms); "
            "modelled as an HTTP reachability check; an ASCII name resolved as typed, "
            "a non-ASCII one through libidn2 (UTS-46); docs/clients.md#curl, "
            "docs/clients.md#names"
        ),
        runtime="curl",
        wording=curl_wording,
        addrconfig=False,
        localhost=curl_localhost_order(version),
        fallback=Fallback.HAPPY_EYEBALLS,
        happy_eyeballs_ms=200,
        happy_eyeballs_per_family=True,
        idle_poll_s=1.0,
        connect_timeout=(300.0, TimeBasis.CONNECT_TIMEOUT),
        websocket=False,
        force_ipv4="curl -4",
        on_answer=curl_answer,
        version=".".join(str(p) for p in version),
        names=NameHandling.CURL,
        localhost_dot=False,
        proxy=CURL_PROXY,
    )


CURL = curl_strategy()
