"""The canned machine's live session: connects as the kernel would answer them (a
listener that takes the address, else refused), then an echo server
(:class:`~wsexplorer.testing.canned.CannedBackend` opens it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..model import (
    Address,
    Attempt,
    AttemptOutcome,
    Direction,
    Handshake,
    HandshakeOutcome,
    Listener,
    SessionEvent,
    SessionEventKind,
    SessionState,
    WebSocketURL,
    listener_takes,
)

if TYPE_CHECKING:
    from .canned import CannedBackend

__all__ = ["HANDSHAKE_HEADERS", "CannedSession", "canned_handshake", "connect_attempts"]

HANDSHAKE_HEADERS: tuple[tuple[str, str], ...] = (
    ("Upgrade", "websocket"),
    ("Connection", "Upgrade"),
    ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
    ("Server", "Python/3.11 websockets/14.2"),
)
_REFUSED = "[Errno 111] Connection refused"


def connect_attempts(
    addresses: Sequence[Address], listeners: Sequence[Listener], port: int
) -> tuple[Attempt, ...]:
    """Connects as the kernel would answer them: a listener that takes it, or refused."""
    out = []
    at = 0.0
    for a in addresses:
        ok = any(listener_takes(lis, a.address) for lis in listeners if lis.port == port)
        took = 0.2 if ok else 0.1
        out.append(
            Attempt(
                a.address,
                a.family,
                AttemptOutcome.CONNECTED if ok else AttemptOutcome.REFUSED,
                None if ok else _REFUSED,
                took,
                at,
                port,
            )
        )
        at += took
    return tuple(out)


def canned_handshake(attempts: Sequence[Attempt]) -> Handshake:
    first = next((a for a in attempts if a.outcome is AttemptOutcome.CONNECTED), None)
    if first is None:
        return Handshake(None, HandshakeOutcome.NOT_ATTEMPTED, error="no address connected")
    return Handshake(
        first.address,
        HandshakeOutcome.OK,
        101,
        "Switching Protocols",
        HANDSHAKE_HEADERS,
        None,
        None,
        1.3,
    )


class CannedSession:
    """A live session answered by the canned machine: an echo server when it connects."""

    def __init__(
        self,
        backend: CannedBackend,
        url: WebSocketURL,
        addresses: Sequence[Address],
        on_event: Callable[[SessionEvent], None],
    ) -> None:
        self._backend = backend
        self.url = url
        self.addresses = tuple(addresses)
        self._emit = on_event
        self._open = False
        self._at = 0.0

    def _event(self, kind: SessionEventKind, **kw: object) -> None:
        self._emit(SessionEvent(kind, self._at, **kw))  # type: ignore[arg-type]

    def _state(self, state: SessionState) -> None:
        self._event(SessionEventKind.STATE, state=state, text=state.value)

    async def connect(self) -> Handshake:
        self._state(SessionState.CONNECTING)
        if not self.addresses:
            self._event(SessionEventKind.ERROR, text=f"{self.url.host} has no address to try")
        tried: list[Attempt] = []
        for attempt in connect_attempts(
            self.addresses, self._backend.listeners(self.url.port), self.url.port
        ):
            tried.append(attempt)
            self._at = attempt.started_ms + attempt.elapsed_ms
            self._event(SessionEventKind.ATTEMPT, attempt=attempt, text=attempt.outcome.value)
            if attempt.outcome is AttemptOutcome.CONNECTED:
                break
        hs = canned_handshake(tried)
        self._event(SessionEventKind.HANDSHAKE, handshake=hs, text=str(hs.status or ""))
        if hs.ok:
            self._open = True
            self._state(SessionState.OPEN)
        else:
            self._state(SessionState.FAILED)
        return hs

    async def send(self, text: str) -> bool:
        if not self._open:
            self._event(SessionEventKind.ERROR, text="not connected: press c to connect")
            return False
        self._event(SessionEventKind.MESSAGE, direction=Direction.OUT, text=text, size=len(text))
        self._event(SessionEventKind.MESSAGE, direction=Direction.IN, text=text, size=len(text))
        return True

    async def send_binary(self, data: bytes) -> bool:
        if not self._open:
            self._event(SessionEventKind.ERROR, text="not connected: press c to connect")
            return False
        shown = data.hex(" ")
        for direction in (Direction.OUT, Direction.IN):  # an echo server
            self._event(
                SessionEventKind.MESSAGE,
                direction=direction,
                text=shown,
                size=len(data),
                binary=True,
            )
        return True

    async def ping(self) -> float | None:
        if not self._open:
            self._event(SessionEventKind.ERROR, text="not connected: press c to connect")
            return None
        self._event(SessionEventKind.PING, rtt_ms=0.42, text="0.42 ms")
        return 0.42

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if not self._open:
            return
        self._open = False
        self._state(SessionState.CLOSING)
        self._event(SessionEventKind.CLOSE, code=code, text=reason)
        self._state(SessionState.CLOSED)
