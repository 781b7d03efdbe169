"""Bun's ``WebSocket``: its own ``localhost``, every address at once.

Facts (docs/clients.md#bun):
- ``localhost`` is ``::1`` then ``127.0.0.1`` whatever the hosts file order and
  ``/etc/gai.conf`` say, and whether or not the hosts file names both; ``::1`` only while
  IPv6 is enabled (checked, Bun 1.4.5: a hosts file with only ``::1 localhost`` still
  reaches a server on ``0.0.0.0``; with gai.conf preferring IPv4 a server on both
  families is reached over ``::1``).
- Other names: the resolver's addresses, every one connected at once; the first to open
  wins, the error comes when the last fails (packages/bun-usockets/src/context.c
  ``us_internal_socket_after_resolve``, ``us_internal_socket_after_open``). Modelled as
  a staggered race with no delay: every attempt starts at once. Checked for several
  addresses of one family: two A records, the first silent, connect to the second at
  once (tests/scenarios/test_paths.py).
- Errors name the URL, as the WHATWG URL parser writes it (host in lower case and
  punycode: ``ws://xn--strae-oqa.test:8080/``, ``ws://svc.:8080/`` for ``SVC.``):
  ``WebSocket connection to '<url>' failed: Failed to connect`` for
  a name or connect failure, ``... failed: Expected 101 status code: 404`` for an HTTP
  answer (checked), ``... failed: TLS handshake failed: <reason>`` for a refused
  certificate (checked; its store and reasons: ``trust_web.py``); other failed
  handshakes are unknown (``_web.py``). No family option: only the IPv4 literal helps.
"""

from __future__ import annotations

from ...model import Confidence, HandshakeOutcome
from ..strategy import ClientStrategy, Failure, Fallback, Stage
from ..trust import is_mismatch
from ..trust_web import bun_reason
from ._web import web_answer

__all__ = ["BUN", "bun_wording"]


def bun_wording(failure: Failure) -> str:
    """Bun's error event message (see the module facts)."""
    reason = "Failed to connect"
    hs = failure.handshake
    if failure.stage is Stage.HANDSHAKE and hs is not None and hs.outcome is HandshakeOutcome.TLS:
        # Only a certificate refusal (trust.py) reaches here: web_answer makes other TLS
        # failures unknown.
        reason = "TLS handshake failed: " + bun_reason(hs.reason, is_mismatch(hs.reason))
    elif failure.stage is Stage.HANDSHAKE and hs is not None:
        # Only HTTP answers reach here: web_answer makes the others unknown.
        reason = f"Expected 101 status code: {hs.status}"
    return f"WebSocket connection to '{failure.url}' failed: {reason}"


BUN = ClientStrategy(
    id="bun",
    name="Bun WebSocket",
    confidence=Confidence.CHECKED,
    source=(
        "localhost answered as ::1 then 127.0.0.1 (checked); every address connected at "
        "once (bun-usockets context.c); checked on Bun 1.4.5; docs/clients.md#bun"
    ),
    runtime="bun",
    wording=bun_wording,
    localhost=("::1", "127.0.0.1"),
    fallback=Fallback.HAPPY_EYEBALLS,
    happy_eyeballs_ms=0,
    staggered=True,
    force_ipv4=None,
    on_answer=web_answer,
    version="1.4",
)
