"""Node.js 20+ with the ``ws`` package: Happy Eyeballs (``autoSelectFamily``) by default.

Facts (docs/clients.md#node-20):
- ``verbatim`` order (nodejs/node#39987) and ``hints = dns.ADDRCONFIG`` (lib/net.js).
- ``autoSelectFamily`` default ``true`` from v20.0.0 (nodejs/node#46790; added in
  nodejs/node#44731): one attempt at a time, families alternating, starting with the
  first address's family; a refused attempt moves on at once, otherwise the next starts
  after ``autoSelectFamilyAttemptTimeout``, 250 ms (500 ms from v25.2.0, #60334).
- Ignored when ``family`` is set: then a plain connect to the one address looked up.
- A lookup that returns one address is a plain connect (``connect ECONNREFUSED ...``);
  several all failing give an ``AggregateError`` (code of the first error, empty message).
- Checked (Node 20.20.2, ws 8.23): with ``::1`` first and a server on ``0.0.0.0``, the
  default client connects via ``127.0.0.1``.
"""

from __future__ import annotations

from ...model import Confidence
from ..strategy import AddressOrder, ClientStrategy, Fallback
from ._node import NODE_FORCE_IPV4, node_answer, node_wording

__all__ = ["NODE_20"]

NODE_20 = ClientStrategy(
    id="node-20",
    name="Node.js 20+ ws",
    confidence=Confidence.CHECKED,
    source=(
        "autoSelectFamily default true from v20.0.0 (nodejs/node#46790, #44731), "
        "250 ms attempt timeout; verbatim order (nodejs/node#39987); hints dns.ADDRCONFIG "
        "(lib/net.js); checked on Node 20.20.2; docs/clients.md#node-20"
    ),
    runtime="node",
    wording=node_wording,
    order=AddressOrder.VERBATIM,
    addrconfig=True,
    fallback=Fallback.HAPPY_EYEBALLS,
    happy_eyeballs_ms=250,
    forced_family_fallback=Fallback.FIRST_ONLY,
    force_ipv4=NODE_FORCE_IPV4,
    on_answer=node_answer,
    version="20+",
)
