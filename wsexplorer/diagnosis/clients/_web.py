"""What the WHATWG ``WebSocket`` clients (Node's built-in, Bun, Deno) make of an answer.

Only a plain HTTP answer (any status but 101, a redirect included: the WHATWG standard
never follows one) was run against them here (docs/clients.md#node-websocket, #bun,
#deno); a certificate a client's store refuses is decided before this, by the trust check
(``trust.py``, checked in tests/scenarios/test_trust.py). Any other failed handshake (a
TLS failure wsexplorer's own handshake met, a silent or closing server, a malformed 101)
and a 101 that breaks only websockets' header limits are "unknown": not checked. (A server
that accepts TCP and never answers: all four waited 25 s without a word; whether any gives
up later, undici's 300 s headers timeout for one, was not measured.)
"""

from __future__ import annotations

from ...model import ClientOutcome, Handshake, HandshakeOutcome, WebSocketURL
from ..strategy import Answer

__all__ = ["web_answer"]

_CHECKED = (HandshakeOutcome.HTTP_STATUS, HandshakeOutcome.REDIRECT)


def web_answer(hs: Handshake, url: WebSocketURL) -> Answer | None:
    """``None`` (the default: connects, or fails with the client's wording) where this was
    checked; an unknown outcome elsewhere."""
    del url
    if hs.outcome is HandshakeOutcome.OK or hs.outcome in _CHECKED:
        return None
    return Answer(
        ClientOutcome.UNKNOWN,
        None,
        f"but what it makes of this answer ({hs.outcome.value}) was not checked here",
    )
