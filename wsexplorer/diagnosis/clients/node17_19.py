"""Node.js 17-19 with the ``ws`` package (and Node 18/20+ with ``autoSelectFamily: false``).

Facts (docs/clients.md#node-17-19, #the-failure-this-project-exists-for):
- ``dns.lookup`` keeps the resolver's order (``verbatim``) from v17.0.0:
  https://github.com/nodejs/node/pull/39987
- ``net.connect`` passes ``hints = dns.ADDRCONFIG`` (lib/net.js ``lookupAndConnect``).
- ``autoSelectFamily`` exists from v18.13.0 / v19.3.0 (nodejs/node#44731) but is off by
  default until v20.0.0 (nodejs/node#46790); Node 18 stays off (checked 18.18, 18.20).
  Without it, one connect to the first address, no fallback.
- Checked with Node 20 and ``autoSelectFamily: false`` in a namespace whose hosts file
  lists ``::1`` first, server on ``0.0.0.0:8080``: ``connect ECONNREFUSED ::1:8080``.
Threads: nodejs/node#40537, #40702, #47785; websockets/ws#2078.
"""

from __future__ import annotations

from ...model import Confidence
from ..strategy import AddressOrder, ClientStrategy, Fallback
from ._node import NODE_FORCE_IPV4, node_answer, node_wording

__all__ = ["NODE_17_19"]

NODE_17_19 = ClientStrategy(
    id="node-17-19",
    name="Node.js 17-19 ws",
    confidence=Confidence.CHECKED,
    source=(
        "dns.lookup verbatim from v17 (nodejs/node#39987); net.connect hints "
        "dns.ADDRCONFIG (lib/net.js lookupAndConnect); autoSelectFamily off before v20 "
        "(nodejs/node#44731, #46790); checked: connect ECONNREFUSED ::1:8080 with "
        "autoSelectFamily:false; docs/clients.md#node-17-19"
    ),
    runtime="node",
    wording=node_wording,
    order=AddressOrder.VERBATIM,
    addrconfig=True,
    fallback=Fallback.FIRST_ONLY,
    force_ipv4=NODE_FORCE_IPV4,
    on_answer=node_answer,
    version="17-19",
)
