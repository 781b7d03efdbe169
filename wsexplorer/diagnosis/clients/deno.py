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
  ``Invalid status code: 404`` (an HTTP answer). Checked on Deno 2.9.6. Other failed
  handshakes are unknown (``_web.py``).
- No family option: only the IPv4 literal helps.
"""

from __future__ import annotations

from ...model import Confidence
from ..strategy import AddressOrder, ClientStrategy, Failure, Fallback, Stage
from ._web import web_answer

__all__ = ["DENO", "deno_wording"]

_PREFIX = "NetworkError: failed to connect to WebSocket: "


def deno_wording(failure: Failure) -> str:
    """Deno's error event message (see the module facts)."""
    if failure.stage is Stage.RESOLVE:
        return _PREFIX + "dns error"
    hs = failure.handshake
    if failure.stage is Stage.HANDSHAKE and hs is not None:
        # Only HTTP answers reach here: web_answer makes the others unknown.
        return _PREFIX + f"Invalid status code: {hs.status}"
    return _PREFIX + "tcp connect error"


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
)
