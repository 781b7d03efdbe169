"""Node.js 22+ built-in ``WebSocket`` (undici): Node 20's connect, its own words.

Facts (docs/clients.md#node-websocket):
- The connection is made by undici's fetch over ``net.connect``, so the address policy is
  Node 20's: ``verbatim`` order, ``hints = dns.ADDRCONFIG``, Happy Eyeballs
  (``autoSelectFamily``, 250 ms; 500 ms from v25.2.0, nodejs/node#60334).
- undici's own connect timeout, 10 s by default (lib/core/connect.js ``buildConnector``:
  ``timeout`` 10e3 ms, one timer for the whole connect, Happy Eyeballs included), ends a
  connect the kernel would still wait for: a lone silent address fails at 10 s (checked
  by hand with Node 22.23.5 and 24.22.3 and a 31 s and 127 s SYN timeout: 10.5 s; and in
  tests/scenarios/test_unreachable.py). The same limit covers the connect to a proxy.
- The WHATWG API takes no ``family`` or ``lookup`` option: the only ways to IPv4 are
  ``node --dns-result-order=ipv4first`` (or ``NODE_OPTIONS``) and the IPv4 literal.
- Every failure before the upgrade (name, connect, non-101 answer) is one ``error``
  event: on Node 22 an ``ErrorEvent`` whose message is ``Received network error or
  non-101 status code.`` and no close event; on Node 24 an ``ErrorEvent`` with an empty
  message, then ``close`` with code 1006. No address in either. Other failed handshakes
  (TLS, a silent server) are unknown (``_web.py``).
- Proxies: only with ``NODE_USE_ENV_PROXY=1`` or ``--use-env-proxy`` (Node 22.21+ and
  24; nodejs/node#57165, lib/internal/process/pre_execution.js ``setupHttpProxy``, which
  also needs ``http_proxy``, ``https_proxy`` or their upper case set), undici's
  ``EnvHttpProxyAgent`` (lib/dispatcher/env-http-proxy-agent.js) is the global dispatcher
  the WebSocket's fetch goes through: ``ws://`` is fetched as ``http://`` and takes
  ``http_proxy`` then ``HTTP_PROXY``, ``wss://`` takes ``https_proxy`` / ``HTTPS_PROXY``
  and falls back to the http one; a set lower-case spelling, even empty, hides the
  upper-case one (``??``), ``all_proxy`` is never read, no host is bypassed on its own.
  ``ProxyAgent`` tunnels both with ``CONNECT`` (``proxyTunnel`` defaults to true).
  ``no_proxy`` (then ``NO_PROXY``): undici 6.29.1 in Node 22 matches plain entries
  exactly and ``.x`` / ``*x`` entries as suffixes; undici 7.30.2 in Node 24 strips a
  leading ``.`` or ``*.`` and matches the name or a dot-bounded suffix. Every failure on
  the way (dead proxy, refused ``CONNECT``) is the same one error event as a direct
  failure. A value without a scheme stops Node at start-up (``TypeError: Invalid URL``):
  not modelled, ``unknown``.
- Checked (Node 22.23.5 and 24.22.3, tests/scenarios/test_js_matrix.py and
  test_unreachable.py): outcomes and addresses equal Node 20 ``ws``'s in every cell; the
  proxy rules in tests/scenarios/test_proxies.py.
"""

from __future__ import annotations

from dataclasses import replace

from ...model import Confidence, TimeBasis
from ..proxy import NoProxyRules, ProxyPolicy, node_env_proxy
from ..strategy import AddressOrder, ClientStrategy, Failure, Fallback
from ._web import web_answer

__all__ = ["NODE_22_ERROR", "NODE_WEBSOCKET", "NODE_WEBSOCKET_24"]

NODE_22_ERROR = "Received network error or non-101 status code."


def node22_wording(failure: Failure) -> str:
    """Node 22's undici: one message for every failure before the upgrade."""
    del failure
    return NODE_22_ERROR


def node24_wording(failure: Failure) -> str:
    """Node 24's undici: an ``ErrorEvent`` with an empty message (then close 1006)."""
    del failure
    return ""


_SOURCE = (
    "undici WebSocket over net.connect: Node 20's verbatim order, ADDRCONFIG and Happy "
    "Eyeballs (nodejs/node#46790, #39987); no family option, fix with "
    "--dns-result-order=ipv4first; proxy variables only with NODE_USE_ENV_PROXY=1 "
    "(nodejs/node#57165); "
)

NODE_22_PROXY = ProxyPolicy(
    ws=(("http_proxy", "HTTP_PROXY"),),
    wss=(("https_proxy", "HTTPS_PROXY"), ("http_proxy", "HTTP_PROXY")),
    no_proxy=("no_proxy", "NO_PROXY"),
    rules=NoProxyRules.UNDICI_6,
    empty_hides=True,
    rejected=NODE_22_ERROR,
    switch=node_env_proxy,
    off="Node reads them only with NODE_USE_ENV_PROXY=1 or --use-env-proxy",
    schemeless=False,
)
"""Node 22's built-in proxy support (undici 6.29.1's EnvHttpProxyAgent; see above)."""

NODE_24_PROXY = replace(NODE_22_PROXY, rules=NoProxyRules.UNDICI_7, rejected="")
"""Node 24's: undici 7.30.2's ``no_proxy`` rules and its empty error message."""

NODE_WEBSOCKET = ClientStrategy(
    id="node-websocket",
    name="Node.js 22 WebSocket",
    confidence=Confidence.CHECKED,
    source=_SOURCE + "checked on Node 22.23.5; docs/clients.md#node-websocket",
    runtime="node",
    wording=node22_wording,
    order=AddressOrder.VERBATIM,
    addrconfig=True,
    fallback=Fallback.HAPPY_EYEBALLS,
    happy_eyeballs_ms=250,
    force_ipv4=None,
    on_answer=web_answer,
    version="22",
    proxy=NODE_22_PROXY,
    connect_timeout=(10.0, TimeBasis.CONNECT_TIMEOUT),
)

NODE_WEBSOCKET_24 = replace(
    NODE_WEBSOCKET,
    id="node-websocket-24",
    name="Node.js 24 WebSocket",
    source=_SOURCE + "checked on Node 24.22.3; docs/clients.md#node-websocket-24",
    wording=node24_wording,
    version="24+",
    proxy=NODE_24_PROXY,
)
