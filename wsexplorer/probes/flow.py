"""Flow control for websockets connections facing a peer that may be hostile.

websockets answers every Ping with a Pong written straight to the transport, with no
back-pressure, and its keepalive ping waits on a drain: a peer that pings without ever
reading grows the write buffer without bound, and the keepalive that should notice never
fires. :class:`GuardedConnection` (mixed into the client and server connections) keeps
memory bounded instead:

* Pongs are coalesced: automatic replies leave at most one pending Pong, for the most
  recent Ping (RFC 6455 section 5.5.3 allows answering only the latest), and it is written
  only while the transport's write buffer is under its high-water mark.
* Reading is paused while the write buffer is over the high-water mark (and while the
  incoming message queue is full, as websockets does), and resumed below the low-water mark.
  The kernel's send buffer is kept small (:data:`SEND_BUFFER`), so that write buffer backs
  up soon after the peer stops reading, even when all we write is coalesced Pongs.
* A watchdog that never waits on a drain: a write buffer stuck over the high-water mark for
  ``write_timeout`` seconds, or a keepalive ping unanswered for ``ping_timeout`` seconds,
  aborts the connection and records why in :attr:`GuardedConnection.abort_reason`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import socket
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.connection import Connection
from websockets.protocol import OPEN

__all__ = [
    "SEND_BUFFER",
    "WRITE_TIMEOUT",
    "GuardedClientConnection",
    "GuardedConnection",
    "guarded_client",
]

WRITE_TIMEOUT = 10.0  # seconds a peer may leave our writes unread before it is dropped
# SO_SNDBUF asked for every connection (Linux doubles it for its bookkeeping, socket(7)),
# which also stops Linux growing it up to net.ipv4.tcp_wmem's max (4 MiB by default).
# Coalesced Pongs are at most one per read (131 bytes from a client): against a peer that
# floods Pings and never reads, a 4 MiB kernel buffer took some 530 MB of Pings (20 s or
# more here) to fill before our write buffer backed up, so the keepalive often ended the
# connection first, with a reason that did not say the peer stopped reading. The cost: at
# most about 128 KiB in flight per round trip, plenty for typed messages and echoes.
SEND_BUFFER = 64 * 1024
# The first byte of every serialized Pong: FIN + opcode 0xA. Control frames are never
# fragmented and permessage-deflate leaves them alone, so no other write starts this way
# (data frames start 0x0-0x2 / 0x80-0x82 / 0xC1-0xC2, Close 0x88, handshakes "GET"/"HTTP").
_PONG_HEAD = 0x8A


class GuardedConnection(Connection):
    """A websockets connection with bounded buffers; mix in before the websockets class.

    Args:
        write_timeout: seconds the write buffer may stay over its high-water mark before
            the connection is aborted (``None``: never). Every other argument is
            websockets'.

    Attributes:
        abort_reason: why the watchdog aborted the connection, ``None`` if it did not.
        pongs_coalesced: automatic Pongs replaced by a later one or never sent.
        on_abort: called once with the reason when the watchdog aborts.
    """

    def __init__(
        self, *args: Any, write_timeout: float | None = WRITE_TIMEOUT, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.write_timeout = write_timeout
        self.abort_reason: str | None = None
        self.pongs_coalesced = 0
        self._pong_due: bytes | None = None
        self._holds: set[str] = set()
        self._stall: asyncio.TimerHandle | None = None
        self.on_abort: Callable[[str], None] | None = None

    # -- reading: paused while the queue is full or the write buffer is high
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        self.recv_messages.pause = lambda: self._hold_reading("queue", True)
        self.recv_messages.resume = lambda: self._hold_reading("queue", False)

    def _hold_reading(self, why: str, on: bool) -> None:
        was = bool(self._holds)
        if on:
            self._holds.add(why)
        else:
            self._holds.discard(why)
        if bool(self._holds) != was:
            if self._holds:
                self.transport.pause_reading()
            else:
                self.transport.resume_reading()

    def pause_writing(self) -> None:
        super().pause_writing()
        self._hold_reading("writes", True)
        if self.write_timeout is not None and self._stall is None:
            self._stall = self.loop.call_later(self.write_timeout, self._stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        self._hold_reading("writes", False)
        self._flush_pong()

    def _stalled(self) -> None:
        self._stall = None
        unsent = self.transport.get_write_buffer_size()
        self.abort(f"the peer stopped reading: {unsent} bytes unsent for {self.write_timeout:g} s")

    def abort(self, reason: str) -> None:
        """Record ``reason`` (the first one wins), then close the TCP connection at once."""
        if self.abort_reason is None:
            self.abort_reason = reason
            self.set_connection_exc(ConnectionAbortedError(reason))
            if self.on_abort is not None:
                self.on_abort(reason)
        self.transport.abort()

    # -- writing: automatic Pongs coalesced, never written over the high-water mark
    def send_data(self) -> None:
        """Write what the protocol has queued; Pongs go through :meth:`_flush_pong`."""
        for data in self.protocol.data_to_send():
            if data and data[0] == _PONG_HEAD:
                if self._pong_due is not None:
                    self.pongs_coalesced += 1
                self._pong_due = data
                continue
            self._flush_pong()
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                # An EOF that cannot be written: the close deadline ends the connection.
                with contextlib.suppress(Exception):
                    self.transport.write_eof()
            else:
                self.transport.close()
        self._flush_pong()

    def _flush_pong(self) -> None:
        pong, self._pong_due = self._pong_due, None
        if pong is None:
            return
        if self.protocol.state is not OPEN or self.transport.is_closing():
            self.pongs_coalesced += 1  # no Pong after a Close frame
        elif self.paused:
            self._pong_due = pong  # wait for resume_writing()
        else:
            self.transport.write(pong)

    # -- keepalive: a ping that never waits on a drain
    def start_keepalive(self) -> None:
        if self.ping_interval is not None:
            self.keepalive_task = self.loop.create_task(self._keepalive())

    async def _keepalive(self) -> None:
        assert self.ping_interval is not None
        while True:
            await asyncio.sleep(self.ping_interval)
            if self.protocol.state is not OPEN:
                return
            payload = os.urandom(4)
            waiter: asyncio.Future[float] = self.loop.create_future()
            self.pending_pings[payload] = (waiter, self.loop.time())
            self.protocol.send_ping(payload)
            self.send_data()  # no drain: a peer that never reads must not stall this task
            if self.ping_timeout is None:
                continue
            try:
                async with asyncio.timeout(self.ping_timeout):
                    await waiter
            except TimeoutError:
                self.abort(f"no pong to a keepalive ping within {self.ping_timeout:g} s")
                return

    def connection_lost(self, exc: Exception | None) -> None:
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        self._pong_due = None
        super().connection_lost(exc)


class GuardedClientConnection(GuardedConnection, ClientConnection):
    """websockets' client connection with :class:`GuardedConnection`'s limits."""


def guarded_client(write_timeout: float | None) -> Callable[..., GuardedClientConnection]:
    """A factory for ``connect(create_connection=...)`` (websockets calls it with the
    protocol and its keyword arguments) making :class:`GuardedClientConnection` objects."""
    return functools.partial(GuardedClientConnection, write_timeout=write_timeout)
