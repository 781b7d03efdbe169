"""A live WebSocket session: per-address attempts as they happen, handshake, messages, ping.

Runs in the caller's event loop (the TUI's); every outcome is reported through
``on_event`` as a :class:`SessionEvent`, never raised. Message text kept per event is
capped, so a flood cannot grow memory without bound (the UI caps the number of events).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence

from ..model import (
    Address,
    Direction,
    Handshake,
    HandshakeOutcome,
    SessionEvent,
    SessionEventKind,
    SessionState,
    WebSocketURL,
)
from ..model.options import select_family
from ..model.trust import VERIFY, TlsOptions
from .tracer import attempt_budget, connect_one, handshake

__all__ = ["MAX_TEXT", "LiveSession", "select_family"]

MAX_TEXT = 4096  # characters of a message kept for display
YIELD_EVERY = 64  # messages between forced yields to the event loop
READ_CHUNK = 16 * 1024  # bytes per socket read while a session is open
# After the closing handshake starts (either side's close frame, or wsexplorer failing the
# connection for a protocol error), how long to wait for the server to close TCP. The
# handshake's close_timeout is 1 s, but websockets 17 enforces it only when its keepalive
# ping next runs, up to ping_interval (20 s) later, if the server never closes TCP
# (measured here against a peer that never closes; python-websockets/websockets#1651).
CLOSE_GRACE = 1.0


class LiveSession:
    """One connection attempt and, if it opens, the conversation over it.

    Args:
        url: where to connect (its host is only used for the Host header and TLS).
        addresses: the addresses to try, in order (already filtered by family).
        on_event: called in the event loop for every :class:`SessionEvent`.
        timeout: deadline for connect + handshake, seconds (and for a ping's pong).
        write_timeout: seconds the server may leave our writes unread (its socket full,
            e.g. while it floods pings and never reads the pongs) before the session
            aborts the connection with an error event saying so; ``None``: the default,
            :data:`~wsexplorer.probes.flow.WRITE_TIMEOUT`.

    Memory stays bounded whatever the server sends: messages over
    :data:`~wsexplorer.probes.tracer.MAX_MESSAGE` (inflated size) close with 1009, at
    most 16 are queued, Pongs are coalesced and reading pauses while our own writes back up
    (see :mod:`wsexplorer.probes.flow`).
    """

    def __init__(
        self,
        url: WebSocketURL,
        addresses: Sequence[Address],
        on_event: Callable[[SessionEvent], None],
        *,
        timeout: float = 5.0,
        headers: Sequence[tuple[str, str]] = (),
        subprotocols: Sequence[str] = (),
        origin: str | None = None,
        write_timeout: float | None = None,
        tls: TlsOptions = VERIFY,
    ) -> None:
        self.url = url
        self.write_timeout = write_timeout
        self.addresses = tuple(addresses)
        self.timeout = timeout
        self.headers = tuple(headers)
        self.subprotocols = tuple(subprotocols)
        self.origin = origin
        self.tls = tls
        self._emit = on_event
        self._t0 = time.perf_counter()
        self._conn: object | None = None
        self._reader: asyncio.Task[None] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self.state = SessionState.IDLE
        self.handshake: Handshake | None = None
        self.received = 0

    def _now(self) -> float:
        return (time.perf_counter() - self._t0) * 1000

    def _event(self, kind: SessionEventKind, **kw: object) -> None:
        self._emit(SessionEvent(kind, self._now(), **kw))  # type: ignore[arg-type]

    def _set_state(self, state: SessionState) -> None:
        self.state = state
        self._event(SessionEventKind.STATE, state=state, text=state.value)

    async def connect(self) -> Handshake:
        """Try each address in order until one connects, then handshake and start reading."""
        self._set_state(SessionState.CONNECTING)
        deadline = time.perf_counter() + self.timeout
        sock = None
        chosen: str | None = None
        if not self.addresses:
            self._event(SessionEventKind.ERROR, text=f"{self.url.host} has no address to try")
        for addr in self.addresses:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                self._event(
                    SessionEventKind.ERROR, text="deadline reached before trying " + addr.address
                )
                break
            cap = attempt_budget(self.timeout, len(self.addresses))
            attempt, sock = await connect_one(
                addr.address, self.url.port, min(remaining, cap), self._t0
            )
            self._event(
                SessionEventKind.ATTEMPT,
                attempt=attempt,
                text=f"{addr.address} {attempt.outcome.value}",
            )
            if sock is not None:
                chosen = addr.address
                break
        if sock is None or chosen is None:
            hs = Handshake(None, HandshakeOutcome.NOT_ATTEMPTED, error="no address connected")
            self.handshake = hs
            self._event(SessionEventKind.HANDSHAKE, handshake=hs, text="not attempted")
            self._set_state(SessionState.FAILED)
            return hs
        remaining = max(deadline - time.perf_counter(), 0.05)
        hs, conn = await handshake(
            self.url,
            sock,
            chosen,
            timeout=remaining,
            headers=self.headers,
            subprotocols=self.subprotocols,
            origin=self.origin,
            keep_open=True,
            write_timeout=self.write_timeout,
            tls=self.tls,
        )
        self.handshake = hs
        self._event(
            SessionEventKind.HANDSHAKE,
            handshake=hs,
            text=str(hs.status) if hs.status else hs.outcome.value,
        )
        if conn is None:
            self._set_state(SessionState.FAILED)
            return hs
        self._conn = conn
        transport = getattr(conn, "transport", None)
        if transport is not None and hasattr(transport, "max_size"):
            # asyncio reads up to 256 KiB per callback and websockets parses every frame in
            # it at once: thousands of small messages with the loop held. Smaller reads
            # keep a flood from freezing the UI (the TUI benchmark's flood measures it).
            transport.max_size = READ_CHUNK
        self._set_state(SessionState.OPEN)
        self._reader = asyncio.create_task(self._read())
        self._watchdog = asyncio.create_task(self._close_watchdog(conn))
        return hs

    @staticmethod
    async def _close_watchdog(conn: object) -> None:
        """Abort the TCP connection when the closing handshake outlives :data:`CLOSE_GRACE`."""
        from websockets.protocol import State

        while conn.state is State.OPEN:  # type: ignore[attr-defined]
            await asyncio.sleep(0.1)
        await asyncio.sleep(CLOSE_GRACE)
        if conn.state is not State.CLOSED:  # type: ignore[attr-defined]
            conn.transport.abort()  # type: ignore[attr-defined]

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        conn = self._conn
        if conn is None:
            return
        try:
            while True:
                message = await conn.recv()  # type: ignore[attr-defined]
                self.received += 1
                if self.received % YIELD_EVERY == 0:
                    # recv() returns queued messages without suspending: a flood parsed
                    # from one big read would otherwise hold the event loop (and the UI).
                    await asyncio.sleep(0)
                binary = isinstance(message, bytes)
                size = len(message)
                if binary:
                    shown = message[:64].hex(" ") + (" …" if size > 64 else "")
                else:
                    shown = message[:MAX_TEXT] + ("…" if size > MAX_TEXT else "")
                self._event(
                    SessionEventKind.MESSAGE,
                    direction=Direction.IN,
                    text=shown,
                    size=size,
                    binary=binary,
                )
        except ConnectionClosed as exc:
            rcvd, sent = exc.rcvd, exc.sent
            aborted = getattr(conn, "abort_reason", None)
            if aborted is not None:
                # The flow-control watchdog gave up on the server (it stopped reading, or
                # never answered a keepalive ping): no close frame could get through.
                code, reason = 1006, f"closed by wsexplorer: {aborted}"
                self._event(SessionEventKind.ERROR, text=reason)
            elif rcvd is not None:
                code, reason = int(rcvd.code), rcvd.reason
            elif sent is not None and sent.code != 1000 and self.state is SessionState.OPEN:
                # No close frame from the server: wsexplorer failed the connection itself,
                # e.g. 1002 "invalid opcode", 1007 for text that is not UTF-8 (RFC 6455
                # section 7.1.7) or 1011 "keepalive ping timeout", and says why.
                code = int(sent.code)
                reason = f"closed by wsexplorer: {sent.reason or sent.code}"
                self._event(SessionEventKind.ERROR, text=reason)
            else:
                code, reason = 1006, "connection lost without a close frame"
            self._event(SessionEventKind.CLOSE, code=code, text=reason or "")
        except Exception as exc:  # a protocol error from a hostile peer
            self._event(SessionEventKind.ERROR, text=f"{type(exc).__name__}: {exc}")
        finally:
            self._conn = None
            if self._watchdog is not None:
                self._watchdog.cancel()
            if self.state is not SessionState.CLOSING:
                self._set_state(SessionState.CLOSED)

    async def send(self, text: str) -> bool:
        """Send one text message; False (with an error event) if not open."""
        return await self._send(text, text[:MAX_TEXT], binary=False)

    async def send_binary(self, data: bytes) -> bool:
        """Send one binary message; False (with an error event) if not open."""
        shown = data[:64].hex(" ") + (" …" if len(data) > 64 else "")
        return await self._send(data, shown, binary=True)

    async def _send(self, payload: str | bytes, shown: str, *, binary: bool) -> bool:
        conn = self._conn
        if conn is None:
            self._event(SessionEventKind.ERROR, text="not connected: press c to connect")
            return False
        try:
            await conn.send(payload)  # type: ignore[attr-defined]
        except Exception as exc:
            self._event(SessionEventKind.ERROR, text=f"send failed: {exc}")
            return False
        self._event(
            SessionEventKind.MESSAGE,
            direction=Direction.OUT,
            text=shown,
            size=len(payload),
            binary=binary,
        )
        return True

    async def ping(self) -> float | None:
        """Measure one ping round trip in ms (None if not open or no pong in time)."""
        conn = self._conn
        if conn is None:
            self._event(SessionEventKind.ERROR, text="not connected: press c to connect")
            return None
        start = time.perf_counter()
        try:
            # One deadline for sending too: ping() waits for the write buffer to drain,
            # which a server that never reads never lets happen.
            async with asyncio.timeout(self.timeout):
                waiter = await conn.ping()  # type: ignore[attr-defined]
                await waiter
        except Exception as exc:
            self._event(SessionEventKind.ERROR, text=f"ping failed: {type(exc).__name__} {exc}")
            return None
        rtt = (time.perf_counter() - start) * 1000
        self._event(SessionEventKind.PING, rtt_ms=rtt, text=f"{rtt:.2f} ms")
        return rtt

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close politely (bounded wait), then stop reading."""
        conn = self._conn
        if conn is not None:
            self._set_state(SessionState.CLOSING)
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await conn.close(code, reason)  # type: ignore[attr-defined]
        for task in (self._reader, self._watchdog):
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        self._reader = self._watchdog = None
        self._conn = None
        if self.state not in (SessionState.CLOSED, SessionState.FAILED, SessionState.IDLE):
            self._set_state(SessionState.CLOSED)
