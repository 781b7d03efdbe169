"""Node.js 22+ built-in ``WebSocket`` (undici): Node 20's connect, its own words.

Facts (docs/clients.md#node-websocket):
- The connection is made by undici's fetch over ``net.connect``, so the address policy is
  Node 20's: ``verbatim`` order, ``hints = dns.ADDRCONFIG``, Happy Eyeballs
  (``autoSelectFamily``, 250 ms; 500 ms from v25.2.0, nodejs/node#60334).
- The WHATWG API takes no ``family`` or ``lookup`` option: the only ways to IPv4 are
  ``node --dns-result-order=ipv4first`` (or ``NODE_OPTIONS``) and the IPv4 literal.
- Every failure before the upgrade (name, connect, non-101 answer) is one ``error``
  event: on Node 22 an ``ErrorEvent`` whose message is ``Received network error or
  non-101 status code.`` and no close event; on Node 24 an ``ErrorEvent`` with an empty
  message, then ``close`` with code 1006. No address in either. Other failed handshakes
  (TLS, a silent server) are unknown (``_web.py``).
- Checked (Node 22.23.5 and 24.22.3, tests/scenarios/test_js_matrix.py and
  test_unreachable.py): outcomes and addresses equal Node 20 ``ws``'s in every cell.
"""

from __future__ import annotations

from dataclasses import replace

from ...model import Confidence
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
    "--dns-result-order=ipv4first; "
)

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
)

# Node 24's differs only in its words (and id, name, source, version).
NODE_WEBSOCKET_24 = replace(
    NODE_WEBSOCKET,
    id="node-websocket-24",
    name="Node.js 24 WebSocket",
    source=_SOURCE + "checked on Node 24.22.3; docs/clients.md#node-websocket-24",
    wording=node24_wording,
    version="24+",
)
