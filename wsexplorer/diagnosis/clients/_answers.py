"""Answers shared by the Python clients other than websockets: a redirect they follow and
an answer that broke websockets' parser limits, both unknown to wsexplorer."""

from __future__ import annotations

from ...model import ClientOutcome, Handshake, HandshakeOutcome
from ...model.secrets import mask_text
from ..strategy import Answer

__all__ = ["FOLLOWED", "followed", "limits_unknown"]

FOLLOWED = frozenset({301, 302, 303, 307, 308})
"""The statuses aiohttp and websocket-client follow when a ``Location`` is given."""


def followed(hs: Handshake) -> Answer:
    """The unknown answer for a redirect the client follows to ``hs.location``."""
    return Answer(
        ClientOutcome.UNKNOWN,
        None,
        f"follows the {hs.status} redirect to {mask_text(hs.location or '')}; wsexplorer "
        "does not follow redirects, so what that URL answers is unknown",
    )


def limits_unknown(hs: Handshake, name: str) -> Answer | None:
    """An answer that broke websockets' header limits: ``name``'s own limits were not
    checked here, so its outcome is unknown; ``None`` for any other answer."""
    if hs.outcome is not HandshakeOutcome.INVALID or not hs.limit:
        return None
    return Answer(
        ClientOutcome.UNKNOWN,
        None,
        f"but the answer breaks websockets' limits ({hs.limit}); {name}'s own header limits "
        "were not checked here",
    )
