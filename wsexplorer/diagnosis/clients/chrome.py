"""Chrome (and Chromium-based browsers): its own localhost answer and Happy Eyeballs.

Facts (docs/clients.md#chrome):
- ``localhost`` and ``*.localhost`` are answered inside Chrome, ``::1`` then
  ``127.0.0.1`` (net/dns/host_resolver_manager.cc ``ResolveLocalHostname``), ``::1``
  even with IPv6 disabled (its connect fails at once, EADDRNOTAVAIL; checked).
- Other names: the system resolver with ``AI_ADDRCONFIG`` (net/dns/
  host_resolver_system_task.cc), AAAA records only when a route to global IPv6 exists
  (its IPv6 reachability check, net/dns/host_resolver_manager.cc; checked).
- A ``ws://`` name on its HSTS preload list becomes ``wss://`` (chrome_hsts.py; checked).
- Happy Eyeballs: the next address starts after 300 ms (``kIPv6FallbackTime``,
  net/socket/transport_connect_job.cc), or at once when the one before fails; earlier
  attempts keep running. Measured with Chromium 156 (net log, tests/scenarios/
  test_paths.py case a2): with two A records, the first silent, the second starts at
  306 ms while the first is still pending, so the next address of the same family does
  not wait for the kernel (a staggered race over every address, as asyncio's).
- It cannot be told to use one family from the page, so the "force IPv4" fix leaves it.
- Errors (the text after ``failed:`` of its console line; checked with Chromium 156):
  ``Error in connection establishment: `` and then ``net::ERR_CONNECTION_REFUSED``,
  ``net::ERR_NAME_NOT_RESOLVED``; an
  unreachable address by its errno (net/base/net_errors_posix.cc ``MapSystemError``):
  ``EHOSTUNREACH`` / ``ENETUNREACH`` give ``net::ERR_ADDRESS_UNREACHABLE``; a non-101
  answer of any HTTP version but 0.9 (HTTP/1.0 included):
  ``Error during WebSocket handshake: Unexpected response code: 404``
  (net/websockets/websocket_basic_handshake_stream.cc ``ValidateResponse``). A 3xx is
  not followed (the WHATWG WebSocket standard fails the connection on any status but
  101), so it reads the same.
- Header limits differ from websockets' (net/http/http_stream_parser.cc); an answer that
  breaks only websockets' limits is "unknown" for Chrome: not checked here.
- Proxies (docs/clients.md#proxies): on Linux without a desktop environment Chromium
  reads the environment (net/proxy_resolution/proxy_config_service_linux.cc
  ``GetConfigFromEnv``): ``all_proxy`` for every URL, else, for ``ws://`` and ``wss://``
  alike, ``https_proxy`` then ``http_proxy`` (net/proxy_resolution/proxy_config.cc
  ``GetProxyListForWebSocketScheme``, after RFC 6455 section 4.1), each name in lower or
  upper case; ``no_proxy`` with
  suffix matching (net/proxy_resolution/proxy_bypass_rules.cc); localhost, loopback and
  link-local hosts never use a proxy. WebSockets always tunnel through an HTTP proxy with
  ``CONNECT``. A dead proxy: ``Error in connection establishment:
  net::ERR_PROXY_CONNECTION_FAILED`` (checked: tests/scenarios/test_proxies.py); a
  ``CONNECT`` the proxy refuses is ``ERR_TUNNEL_CONNECTION_FAILED``, which the console
  words ``Establishing a tunnel via proxy server failed.`` (net/websockets/
  websocket_stream.cc; checked with a 502 in tests/scenarios/test_proxies.py; a 407 not).
Checked against Debian's headless Chromium 156 (tests/scenarios/test_chromium.py and the
scenarios docs/clients.md#chrome names); what did not run is marked UNVERIFIED here.
"""

from __future__ import annotations

import errno

from ...model import (
    AttemptOutcome,
    ClientOutcome,
    Confidence,
    Handshake,
    HandshakeOutcome,
    WebSocketURL,
)
from ..proxy import NoProxyRules, ProxyPolicy
from ..strategy import Answer, ClientStrategy, Failure, Fallback, Stage
from ..timing import errno_of
from ..trust import is_mismatch
from .chrome_hsts import hsts_entry

__all__ = ["CHROME", "CHROME_PROXY", "chrome_answer", "chrome_wording"]

_NET_ERRORS = {
    AttemptOutcome.REFUSED: "net::ERR_CONNECTION_REFUSED",
    AttemptOutcome.TIMEOUT: "net::ERR_CONNECTION_TIMED_OUT",
    # net/base/net_errors_posix.cc MapSystemError: EHOSTUNREACH, EHOSTDOWN, ENETUNREACH
    # and EAFNOSUPPORT are ERR_ADDRESS_UNREACHABLE (also for an unreachable address
    # nothing measured: UNVERIFIED, EADDRNOTAVAIL would be ERR_ADDRESS_INVALID).
    AttemptOutcome.UNREACHABLE: "net::ERR_ADDRESS_UNREACHABLE",
}
# The measured errno decides (MapSystemError, as above).
_ERRNO_ERRORS = {
    errno.EHOSTUNREACH: "net::ERR_ADDRESS_UNREACHABLE",
    errno.EHOSTDOWN: "net::ERR_ADDRESS_UNREACHABLE",
    errno.ENETUNREACH: "net::ERR_ADDRESS_UNREACHABLE",
    errno.EAFNOSUPPORT: "net::ERR_ADDRESS_UNREACHABLE",
    errno.EADDRNOTAVAIL: "net::ERR_ADDRESS_INVALID",
    errno.ENETDOWN: "net::ERR_INTERNET_DISCONNECTED",
}


# The console line is "WebSocket connection to 'URL' failed: " and then this; a net error
# before the upgrade's answer comes with this prefix (Chromium
# net/websockets/websocket_stream.cc, ReportFailure; checked with real Chromium).
_ESTABLISHMENT = "Error in connection establishment: "


def chrome_tls_error(reason: str | None) -> str:
    """Chrome's net error for a certificate problem (//net/base/net_error_list.h): a wrong
    name ERR_CERT_COMMON_NAME_INVALID, a date ERR_CERT_DATE_INVALID, an untrusted issuer
    ERR_CERT_AUTHORITY_INVALID; other TLS failures ERR_SSL_PROTOCOL_ERROR."""
    text = (reason or "").lower()
    if is_mismatch(reason):
        return "net::ERR_CERT_COMMON_NAME_INVALID"
    if "expired" in text or "not yet valid" in text:
        return "net::ERR_CERT_DATE_INVALID"
    if any(word in text for word in ("self-signed", "issuer", "first certificate")):
        return "net::ERR_CERT_AUTHORITY_INVALID"
    return "net::ERR_SSL_PROTOCOL_ERROR"


def chrome_wording(failure: Failure) -> str:
    """The text after ``failed: `` in Chrome's console line for the failed WebSocket: a net
    error (the last attempt's when every attempt failed) after "Error in connection
    establishment: ", or the handshake's own words."""
    text = _chrome_error(failure)
    return _ESTABLISHMENT + text if text.startswith("net::") else text


def _chrome_error(failure: Failure) -> str:
    if failure.stage is Stage.RESOLVE:
        return "net::ERR_NAME_NOT_RESOLVED"
    if failure.stage is Stage.HANDSHAKE:
        hs = failure.handshake
        assert hs is not None
        if hs.outcome is HandshakeOutcome.HTTP_STATUS:
            return f"Error during WebSocket handshake: Unexpected response code: {hs.status}"
        # UNVERIFIED: a handshake timeout and an invalid answer (a close is checked).
        if hs.outcome is HandshakeOutcome.TIMEOUT:
            return "WebSocket opening handshake timed out"
        if hs.outcome is HandshakeOutcome.TLS:
            # //net/base/net_error_list.h: an untrusted issuer (self-signed) is
            # ERR_CERT_AUTHORITY_INVALID; other TLS failures ERR_SSL_PROTOCOL_ERROR.
            return chrome_tls_error(hs.reason)
        if hs.outcome is HandshakeOutcome.CLOSED:
            return "Connection closed before receiving a handshake response"
        return "Error during WebSocket handshake: Invalid status line"
    last = failure.tries[-1]
    if failure.expired:
        return _NET_ERRORS[AttemptOutcome.TIMEOUT]
    measured = _ERRNO_ERRORS.get(errno_of(last.error) or 0)
    if measured is not None and last.outcome is not AttemptOutcome.REFUSED:
        return measured
    return _NET_ERRORS.get(last.outcome, "net::ERR_CONNECTION_FAILED")


# How Chrome fails when it sends a TLS ClientHello to a plain server (checked).
_HELLO_ERRORS = {
    "plain": "net::ERR_SSL_PROTOCOL_ERROR",  # the server answers with HTTP bytes (Node)
    "closed": "net::ERR_CONNECTION_CLOSED",  # it closes without a word (Python websockets)
}


def _hsts_answer(hs: Handshake, host: str, entry: str) -> Answer:
    """Chrome turned ``ws://`` into ``wss://`` (docs/clients.md#chrome-hsts)."""
    why = (
        f"but {entry} is on Chrome's HSTS preload list, so it turns ws://{host} into "
        "wss:// and opens TLS"
    )
    error = _HELLO_ERRORS.get(hs.tls_hello or "")
    if error is not None:
        kind = "bytes that are not TLS" if hs.tls_hello == "plain" else "closing"
        return Answer(
            ClientOutcome.FAILS,
            _ESTABLISHMENT + error,
            f"{why}, which this port answers by {kind} (measured)",
        )
    if hs.tls_hello == "tls":
        return Answer(
            ClientOutcome.UNKNOWN,
            None,
            f"{why}; this port speaks TLS, but whether Chrome trusts its certificate for "
            f"{host} was not measured",
        )
    return Answer(ClientOutcome.UNKNOWN, None, f"{why}; how this port answers TLS was not measured")


def chrome_answer(hs: Handshake, url: WebSocketURL) -> Answer | None:
    """A ``ws://`` name on Chrome's HSTS preload list becomes ``wss://`` (checked); a
    redirect fails Chrome (documented, not checked here); an answer that broke only
    websockets' header limits is unknown for Chrome."""
    entry = None if url.secure else hsts_entry(url.host)
    if entry is not None:
        return _hsts_answer(hs, url.host, entry)
    if hs.outcome is HandshakeOutcome.REDIRECT:
        return Answer(
            ClientOutcome.FAILS,
            f"Error during WebSocket handshake: Unexpected response code: {hs.status}",
            f"but the server answers the WebSocket upgrade with a redirect "
            f"({hs.redirect_clause()}), which a browser's WebSocket does not follow "
            "(WHATWG WebSocket standard; not checked here)",
            Confidence.DOCUMENTED,
        )
    if hs.outcome is HandshakeOutcome.INVALID and hs.limit:
        return Answer(
            ClientOutcome.UNKNOWN,
            None,
            f"but the answer breaks websockets' limits ({hs.limit}); Chrome's own header "
            "limits were not checked here",
        )
    return None


# GetConfigFromEnv: all_proxy alone, else per scheme; ProxyRules::
# GetProxyListForWebSocketScheme: ws:// and wss:// take the https proxy, else the http one.
_WEBSOCKET_PROXIES = (
    ("all_proxy", "ALL_PROXY"),
    ("https_proxy", "HTTPS_PROXY"),
    ("http_proxy", "HTTP_PROXY"),
)
CHROME_PROXY = ProxyPolicy(
    ws=_WEBSOCKET_PROXIES,
    wss=_WEBSOCKET_PROXIES,
    no_proxy=("no_proxy", "NO_PROXY"),
    rules=NoProxyRules.CHROMIUM,
    bypass_local=True,
    refused=_ESTABLISHMENT + "net::ERR_PROXY_CONNECTION_FAILED",
    # ERR_TUNNEL_CONNECTION_FAILED, special-cased by websocket_stream.cc (checked: 502).
    rejected="Establishing a tunnel via proxy server failed.",
)
"""Chromium's environment proxy rules on Linux (see the module docstring)."""

CHROME = ClientStrategy(
    id="chrome",
    name="Chrome",
    confidence=Confidence.CHECKED,
    source=(
        "localhost answered internally, ::1 then 127.0.0.1 (Chromium "
        "net/dns/host_resolver_manager.cc ResolveLocalHostname); Happy Eyeballs 300 ms "
        "(kIPv6FallbackTime, net/socket/transport_connect_job.cc); host names through the "
        "WHATWG URL host parser (UTS-46 non-transitional), not checked here; "
        "docs/clients.md#chrome, docs/clients.md#names"
    ),
    runtime="browser",
    wording=chrome_wording,
    addrconfig=True,
    localhost=("::1", "127.0.0.1"),
    localhost_ipv6_always=True,
    ipv6_route_check=True,
    fallback=Fallback.HAPPY_EYEBALLS,
    happy_eyeballs_ms=300,
    staggered=True,
    force_ipv4=None,
    version="",
    on_answer=chrome_answer,
    proxy=CHROME_PROXY,
)
