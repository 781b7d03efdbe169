"""Events of a live WebSocket session, as the Session pane shows them."""

from __future__ import annotations

from enum import StrEnum

from .attempt import Attempt, Handshake
from .record import record

__all__ = ["Direction", "SessionEvent", "SessionEventKind", "SessionState"]


class SessionState(StrEnum):
    IDLE = "idle"
    CONNECTING = "connecting"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"
    FAILED = "failed"


class SessionEventKind(StrEnum):
    ATTEMPT = "attempt"  # one TCP connect finished (``attempt`` set)
    HANDSHAKE = "handshake"  # the opening handshake finished (``handshake`` set)
    MESSAGE = "message"  # a data frame (``direction``, ``text``)
    PING = "ping"  # a ping round trip (``rtt_ms``)
    CLOSE = "close"  # the connection closed (``code``, ``text`` = reason)
    ERROR = "error"  # anything that went wrong (``text``)
    STATE = "state"  # the session state changed (``state``)


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


@record
class SessionEvent:
    """One thing that happened in a live session, ``at_ms`` after the session started."""

    kind: SessionEventKind
    at_ms: float
    text: str = ""
    direction: Direction | None = None
    attempt: Attempt | None = None
    handshake: Handshake | None = None
    rtt_ms: float | None = None
    code: int | None = None
    state: SessionState | None = None
    size: int = 0
    binary: bool = False
