"""Deno's ``WebSocket``: hyper-util's connector, Happy Eyeballs with a 300 ms head start.

Facts (docs/clients.md#deno):
- The TCP connect is hyper-util's ``HttpConnector`` (its errors are Deno's words:
  ``tcp connect error``, ``dns error``): getaddrinfo without ``AI_ADDRCONFIG`` (Rust's
  ``ToSocketAddrs``), the addresses of the first one's family tried one after the other,
  the other family started after ``happy_eyeballs_timeout``, 300 ms by default, or as
  soon as the first family has failed (hyper-util ``src/client/legacy/connect/http.rs``).
  Checked here: a silent IPv6 address beside a working IPv4 one costs ~300 ms, not the
  kernel's SYN timeout.
- Errors are ``NetworkError: failed to connect to WebSocket: `` and a short reason:
  ``tcp connect error`` (refused, unreachable, timed out), ``dns error`` (no address),
  ``Invalid status code: 404`` (an HTTP answer), ``invalid peer certificate: <reason>``
  for a refused certificate (its store and reasons: ``trust_web.py``). Checked on Deno
  2.9.6. Other failed handshakes are unknown (``_web.py``).
- No family option: only the IPv4 literal helps.
- Proxies (checked for ``ws://``, Deno 2.9.6): ``ALL_PROXY`` / ``all_proxy`` first, then
  ``HTTP_PROXY`` / ``http_proxy``, the upper case first; ``https_proxy`` is not read for
  ``ws://``. ``no_proxy`` / ``NO_PROXY`` match as domain suffixes (``test``, ``.test``
  and ``app.test`` exempt ``app.test``); no built-in exemption for ``localhost``. The
  upgrade goes to the proxy as a plain ``GET http://host:port/`` (no ``CONNECT``), so the
  proxy's answer is the client's: a dead proxy is ``tcp connect error``, a proxy that
  cannot reach the server ``Invalid status code: 502``. ``wss://`` takes ``HTTPS_PROXY``
  / ``https_proxy`` and tunnels with ``CONNECT``; a proxy that refuses it (502) gives
  ``unsuccessful tunnel`` (deno ext/fetch/proxy.rs ``tunnel``; checked with a live proxy
  in tests/scenarios/test_proxies.py; a 407, ``proxy authentication required`` in the
  source, is not run here). The order of ``ALL_PROXY`` against ``all_proxy``: unverified.
"""

from __future__ import annotations

from ...model import Confidence, HandshakeOutcome
from ..proxy import NoProxyRules, ProxyPolicy
from ..strategy import AddressOrder, ClientStrategy, Failure, Fallback, Stage
from ..trust import mismatch_names
from ..trust_web import deno_reason
from ._web import web_answer

__all__ = ["DENO", "DENO_PROXY", "deno_wording"]

_PREFIX = "NetworkError: failed to connect to WebSocket: "


def deno_wording(failure: Failure) -> str:
    """Deno's error event message (see the module facts)."""
    if failure.stage is Stage.RESOLVE:
        return _PREFIX + "dns error"
    hs = failure.handshake
    if failure.stage is Stage.HANDSHAKE and hs is not None and hs.outcome is HandshakeOutcome.TLS:
        # Only a certificate refusal (trust.py) reaches here: web_answer makes other TLS
        # failures unknown.
        return _PREFIX + "invalid peer certificate: " + deno_reason(hs, mismatch_names(hs))
    if failure.stage is Stage.HANDSHAKE and hs is not None:
        # Only HTTP answers reach here: web_answer makes the others unknown.
        return _PREFIX + f"Invalid status code: {hs.status}"
    return _PREFIX + "tcp connect error"


DENO_PROXY = ProxyPolicy(
    ws=(("ALL_PROXY", "all_proxy"), ("HTTP_PROXY", "http_proxy")),
    wss=(("ALL_PROXY", "all_proxy"), ("HTTPS_PROXY", "https_proxy")),
    no_proxy=("NO_PROXY", "no_proxy"),
    rules=NoProxyRules.CURL,
    tunnels_plain=False,
    rejected=_PREFIX + "Invalid status code: {status}",
    tunnel_rejected=_PREFIX + "unsuccessful tunnel",
)
"""Deno's environment proxies (see the module facts)."""

DENO = ClientStrategy(
    id="deno",
    name="Deno WebSocket",
    confidence=Confidence.CHECKED,
    source=(
        "hyper-util HttpConnector: getaddrinfo order, Happy Eyeballs with a 300 ms "
        "happy_eyeballs_timeout per family (src/client/legacy/connect/http.rs); checked on "
        "Deno 2.9.6; docs/clients.md#deno"
    ),
    runtime="deno",
    wording=deno_wording,
    order=AddressOrder.VERBATIM,
    fallback=Fallback.HAPPY_EYEBALLS,
    happy_eyeballs_ms=300,
    happy_eyeballs_per_family=True,
    force_ipv4=None,
    on_answer=web_answer,
    version="2.9",
    proxy=DENO_PROXY,
)
