"""Trace a connection: one TCP connect per resolved address, then the WebSocket handshake.

Everything runs against one deadline and never raises for network trouble: every outcome
is a value (:class:`Attempt`, :class:`Handshake`).
"""

from __future__ import annotations

import asyncio
import errno
import functools
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import replace

from ..diagnosis.clients.chrome_hsts import hsts_entry
from ..model import (
    Address,
    Attempt,
    AttemptOutcome,
    Family,
    FamilyChoice,
    Handshake,
    HandshakeOutcome,
    ResponseHead,
    WebSocketURL,
    split_zone,
)
from ..model.attempt import body_text
from ..model.names import NameHandling, client_name
from ..model.options import select_family
from ..model.trust import VERIFY, TlsOptions
from .trust import client_context

__all__ = [
    "MAX_MESSAGE",
    "NEIGHBOUR_MARGIN",
    "attempt_budget",
    "connect_one",
    "handshake",
    "neighbour_wait",
    "probe_addresses",
    "select_family",
    "sockaddr",
    "trace",
]

# The largest message (after permessage-deflate inflation: websockets stops inflating at
# this size) a live session accepts; bigger ones close with 1009. websockets' own default:
# the UI shows 4,096 characters of a message, and with 16 messages queued the session
# holds at most 16 MiB, where 16 MiB messages would hold 256 MiB (a 16 KB compressed frame
# can inflate to 16 MiB).
MAX_MESSAGE = 2**20
_REFUSED = {errno.ECONNREFUSED}
_UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}
_KERNEL_TIMEOUT = {errno.ETIMEDOUT}  # the kernel gave up after its SYN retries
# How much longer than the kernel's neighbour resolution a silent address is given, so
# that an address ARP / ND cannot resolve is reported unreachable (EHOSTUNREACH) rather
# than cut short as a timeout; the Linux default resolution takes 3 s.
NEIGHBOUR_MARGIN = 0.5
_NEIGHBOUR_DEFAULT_MS = 3000
_HANDSHAKE_RESERVE = 0.25
SLOW_CONNECT_S = 0.2
"""A connect slower than this is measured once more and the faster time kept: one slow
measurement on a busy machine must not make a Happy Eyeballs client look like it gives up
(Node's attempt timeout is 250 ms; docs/clients.md#kernel-timing)."""


def sockaddr(address: str, port: int) -> tuple[socket.AddressFamily, tuple[object, ...]]:
    """The socket family and sockaddr for an IP literal (zone ids resolved to scope ids)."""
    addr, zone = split_zone(address)
    if ":" in addr:
        scope = 0
        if zone:
            scope = int(zone) if zone.isdigit() else socket.if_nametoindex(zone)
        return socket.AF_INET6, (addr, port, 0, scope)
    return socket.AF_INET, (addr, port)


def neighbour_wait(family: Family) -> float:
    """Seconds the kernel spends resolving a neighbour of ``family`` before it reports
    the address unreachable (``probes.system.neighbour_ms``; 3 s when unreadable)."""
    from .system import neighbour_ms

    ms = neighbour_ms(6 if family is Family.IPV6 else 4)
    return (_NEIGHBOUR_DEFAULT_MS if ms is None else ms) / 1000


def _classify(exc: BaseException) -> tuple[AttemptOutcome, str]:
    if isinstance(exc, OSError) and exc.errno:
        # Before TimeoutError: the kernel's ETIMEDOUT is a TimeoutError too, but a
        # measured one, which keeps its errno text.
        text = f"[Errno {exc.errno}] {exc.strerror}"
        if exc.errno in _KERNEL_TIMEOUT:
            return AttemptOutcome.TIMEOUT, text
        if exc.errno in _REFUSED:
            return AttemptOutcome.REFUSED, text
        if exc.errno in _UNREACHABLE:
            return AttemptOutcome.UNREACHABLE, text
        return AttemptOutcome.ERROR, text
    if isinstance(exc, TimeoutError):
        return AttemptOutcome.TIMEOUT, "timed out"
    if isinstance(exc, OSError):
        return AttemptOutcome.ERROR, str(exc)
    return AttemptOutcome.ERROR, f"{type(exc).__name__}: {exc}"


def _timed_connect(
    af: socket.AddressFamily, sa: tuple[object, ...], timeout: float
) -> tuple[socket.socket | None, BaseException | None, float, float]:
    """Connect a new socket to ``sa`` (in a thread): the socket or the error, and
    ``perf_counter`` right before the ``connect`` and right when the kernel answered.

    It fails as ``loop.sock_connect`` does (CPython ``Lib/asyncio/selector_events.py``),
    so the error texts the engine reuses stay the same: an error the kernel reports
    later is ``OSError(errno, "Connect call failed <sockaddr>")``; one ``connect``
    returns at once is raised as it is; no answer within ``timeout`` is ``TimeoutError``.
    """
    import select

    sock = socket.socket(af, socket.SOCK_STREAM)
    sock.setblocking(False)
    start = time.perf_counter()
    error: BaseException | None = None
    try:
        sock.connect(sa)
    except (BlockingIOError, InterruptedError):
        poller = select.poll()
        poller.register(sock, select.POLLOUT)
        ready = poller.poll(max(1, int(timeout * 1000)))
        if not ready:
            error = TimeoutError()
        else:
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                error = OSError(err, f"Connect call failed {sa}")
    except OSError as exc:
        error = exc
    end = time.perf_counter()
    if error is not None:
        sock.close()
        return None, error, start, end
    return sock, None, start, end


async def connect_one(
    address: str, port: int, timeout: float, t0: float | None = None
) -> tuple[Attempt, socket.socket | None]:
    """Open one TCP connection; return the attempt and the connected socket (or ``None``).

    The connect runs in a thread and is timed around the ``connect`` call only: timed in
    the event loop, a loopback connect measured 30-480 ms in the TUI (the loop resumes
    the coroutine only after its other work) against 0.1-1.4 ms in ``diagnose``.

    A connect still unanswered after ``timeout`` is a ``TIMEOUT``, marked ``cut_short``
    when ``timeout`` was shorter than the kernel's neighbour resolution
    (:func:`neighbour_wait`), so it may yet have become ``unreachable``.
    """
    from ._threads import to_daemon_thread

    base = time.perf_counter() if t0 is None else t0
    fam_enum = Family.IPV6 if ":" in address else Family.IPV4
    try:
        af, sa = sockaddr(address, port)
    except (OSError, ValueError) as exc:
        outcome, text = _classify(exc)
        now = time.perf_counter()
        return Attempt(address, fam_enum, outcome, text, 0.0, (now - base) * 1000, port), None
    # A daemon thread: Ctrl+C never waits for a connect to a silent address.
    sock, failure, start, end = await to_daemon_thread(_timed_connect, af, sa, max(timeout, 0.001))
    elapsed, started = (end - start) * 1000, (start - base) * 1000
    if sock is None:
        outcome, text = _classify(failure or OSError("connect failed"))
        cut = text == "timed out" and timeout < neighbour_wait(fam_enum)
        return Attempt(address, fam_enum, outcome, text, elapsed, started, port, cut), None
    attempt = Attempt(address, fam_enum, AttemptOutcome.CONNECTED, None, elapsed, started, port)
    return attempt, sock


async def probe_addresses(
    addresses: Sequence[str], port: int, timeout: float = 1.0
) -> tuple[Attempt, ...]:
    """Connect to each address concurrently and close at once: a measured reachability row."""
    t0 = time.perf_counter()
    results = await asyncio.gather(*(connect_one(a, port, timeout, t0) for a in addresses))
    out = []
    for attempt, sock in results:
        if sock is not None:
            sock.close()
        out.append(attempt)
    return tuple(out)


def _older_http(
    address: str, head: ResponseHead | None, raw: bytes, error: str, elapsed_ms: float
) -> Handshake | None:
    """An ``HTTP/1.0`` answer websockets refused to parse (it wants HTTP/1.1), read as
    the HTTP/1.x answer it is: Node's parser and Chrome read its status
    (docs/clients.md#plain-http). ``None`` for anything else."""
    from ._wsprobe import answer_of

    parsed = answer_of(raw)
    if head is None or head.version != "HTTP/1.0" or head.status is None or parsed is None:
        return None
    reason, fields, body = parsed
    redirect = 300 <= head.status < 400
    return Handshake(
        address,
        HandshakeOutcome.REDIRECT if redirect else HandshakeOutcome.HTTP_STATUS,
        head.status,
        reason,
        fields,
        None,
        error,
        elapsed_ms,
        head=head,
        body=body_text(body),
    )


async def handshake(
    url: WebSocketURL,
    sock: socket.socket,
    address: str,
    *,
    timeout: float,
    headers: Sequence[tuple[str, str]] = (),
    subprotocols: Sequence[str] = (),
    origin: str | None = None,
    keep_open: bool = False,
    write_timeout: float | None = None,
    tls: TlsOptions = VERIFY,
) -> tuple[Handshake, object | None]:
    """Run the WebSocket opening handshake over a connected socket.

    Never raises for anything the server does: a 3xx is a ``REDIRECT`` (not followed), an
    answer that breaks websockets' parser limits is ``INVALID`` with ``limit`` naming the
    limit, and anything unexpected is ``ERROR``. Every answer that arrived carries its
    ``head`` (header count and sizes, for clients with other limits).

    Returns the :class:`Handshake` and, with ``keep_open``, the open websockets
    connection (else it is closed and ``None`` returned): a
    :class:`~wsexplorer.probes.flow.GuardedClientConnection` that refuses messages over
    :data:`MAX_MESSAGE` (1009), and aborts when the server leaves our writes unread for
    ``write_timeout`` seconds (default :data:`~wsexplorer.probes.flow.WRITE_TIMEOUT`) or a
    keepalive ping unanswered for 20 s.
    """
    from websockets.exceptions import InvalidHandshake, InvalidMessage, InvalidStatus

    from ._wsprobe import NoRedirectConnect, ProbeConnection, head_of, limit_text, speaks_tls
    from .flow import WRITE_TIMEOUT

    start = time.perf_counter()
    probes: list[ProbeConnection] = []

    def took() -> float:
        return (time.perf_counter() - start) * 1000

    def head() -> ResponseHead | None:
        if not probes:
            return None
        probe = probes[-1]
        key = probe.request.headers.get("Sec-WebSocket-Key") if probe.request else None
        return head_of(probe.raw, key, probe.peer_closed)

    ssl_ctx: ssl.SSLContext | None = client_context(tls) if url.secure else None
    kwargs: dict[str, object] = {
        "sock": sock,
        "open_timeout": max(timeout, 0.01),
        "additional_headers": list(headers) or None,
        "subprotocols": list(subprotocols) or None,
        "origin": origin,
        "proxy": None,
        "close_timeout": 1,
        "max_size": MAX_MESSAGE,
        "create_connection": functools.partial(
            ProbeConnection,
            settle=min(1.0, max(timeout, 0.01) / 2),
            sink=probes,
            write_timeout=WRITE_TIMEOUT if write_timeout is None else write_timeout,
        ),
    }
    if ssl_ctx is not None:
        kwargs["ssl"] = ssl_ctx
        # websockets' own spelling of the host (docs/clients.md#names): the check measured
        # is the one websockets makes.
        kwargs["server_hostname"] = client_name(url.host, NameHandling.IDNA2003)
    try:
        conn = await NoRedirectConnect(url.geturl(), **kwargs)  # type: ignore[arg-type]
    except InvalidStatus as exc:
        answer = exc.response
        status = answer.status_code
        raw = tuple((k, v) for k, v in answer.headers.raw_items())
        if 300 <= status < 400:
            count = sum(1 for k, _ in raw if k.lower() == "location")
            detail = {0: "without a Location header", 1: "redirect"}.get(
                count, f"with {count} Location headers"
            )
            outcome, error = HandshakeOutcome.REDIRECT, f"HTTP {status} {detail}"
        else:
            outcome = HandshakeOutcome.HTTP_STATUS
            error = f"server rejected WebSocket connection: HTTP {status}"
        return Handshake(
            address,
            outcome,
            status,
            answer.reason_phrase,
            raw,
            None,
            error,
            took(),
            head=head(),
            body=body_text(answer.body),
        ), None
    except TimeoutError:
        return Handshake(
            address,
            HandshakeOutcome.TIMEOUT,
            error="timed out during opening handshake",
            elapsed_ms=took(),
            head=head(),
        ), None
    except ssl.SSLError as exc:
        # Before OSError (SSLError is one). ``verify_message`` is OpenSSL's
        # X509_verify_cert_error_string, the same words Node and curl print.
        reason = getattr(exc, "verify_message", None) or exc.reason or str(exc)
        return Handshake(
            address,
            HandshakeOutcome.TLS,
            reason=reason,
            error=str(exc),
            elapsed_ms=took(),
        ), None
    except InvalidHandshake as exc:
        hs_head = head()
        limit = limit_text(exc, hs_head)
        cause = exc.__cause__
        closed = isinstance(exc, InvalidMessage) and isinstance(cause, EOFError)
        if closed:
            outcome = HandshakeOutcome.CLOSED
        elif isinstance(exc, InvalidMessage) or limit is not None:
            outcome = HandshakeOutcome.INVALID
        else:
            outcome = HandshakeOutcome.ERROR
        text = f"{exc}" + (f": {cause}" if cause and not closed else "")
        if outcome is HandshakeOutcome.ERROR:
            text = f"{type(exc).__name__}: {exc}"
        raw_answer = bytes(probes[-1].raw) if probes else b""
        if outcome is HandshakeOutcome.INVALID and limit is None:
            older = _older_http(address, hs_head, raw_answer, text, took())
            if older is not None:
                return older, None
        is_tls = None
        if not url.secure and (closed or raw_answer[:1] in (b"\x15", b"\x16")):
            is_tls = await speaks_tls(address, url.port, min(timeout, 2.0))
        return Handshake(
            address,
            outcome,
            error=text,
            elapsed_ms=took(),
            head=hs_head,
            limit=limit,
            speaks_tls=is_tls,
        ), None
    except (OSError, EOFError) as exc:
        return Handshake(
            address,
            HandshakeOutcome.ERROR,
            error=f"{type(exc).__name__}: {exc}",
            elapsed_ms=took(),
        ), None
    except Exception as exc:  # anything else a hostile answer provokes: a value, not a crash
        return Handshake(
            address,
            HandshakeOutcome.ERROR,
            error=f"{type(exc).__name__}: {exc}",
            elapsed_ms=took(),
            head=head(),
        ), None
    resp = conn.response
    hs = Handshake(
        address,
        HandshakeOutcome.OK,
        resp.status_code if resp is not None else 101,
        resp.reason_phrase if resp is not None else None,
        tuple((k, v) for k, v in resp.headers.raw_items()) if resp is not None else (),
        conn.subprotocol,
        None,
        took(),
        head=head(),
    )
    if keep_open:
        return hs, conn
    try:
        async with asyncio.timeout(1):
            await conn.close()
    except (TimeoutError, OSError):
        pass
    return hs, None


def attempt_budget(timeout: float, count: int) -> float:
    """The share of one connect of ``count`` out of ``timeout``: ``timeout / (count+1)``,
    at least 0.25 s, so one address that never answers leaves time for the others and for
    the handshake. :func:`trace` gives a connect more when the deadline allows
    (:func:`_connect_budget`)."""
    return max(0.25, timeout / (count + 1))


def _connect_budget(share: float, remaining: float, left: int, neighbour: float) -> float:
    """How long one connect may wait: its ``share``, raised to the neighbour resolution
    time plus :data:`NEIGHBOUR_MARGIN` when the ``remaining`` deadline still leaves 0.25 s
    for each of the ``left`` addresses after it and for the handshake; never past the
    deadline."""
    spare = remaining - 0.25 * left - _HANDSHAKE_RESERVE
    return min(remaining, max(share, min(neighbour + NEIGHBOUR_MARGIN, spare)))


async def _recheck(attempt: Attempt, port: int, deadline: float) -> Attempt:
    """``attempt`` (connected, slowly) with the faster of its time and a second connect's."""
    budget = min(deadline - time.perf_counter(), attempt.elapsed_ms / 1000 * 2)
    if budget <= 0:
        return attempt
    again, sock = await connect_one(attempt.address, port, budget)
    if sock is None:
        return attempt
    sock.close()
    return replace(attempt, elapsed_ms=min(attempt.elapsed_ms, again.elapsed_ms))


async def trace(
    url: WebSocketURL,
    addresses: Sequence[Address],
    *,
    family: FamilyChoice = FamilyChoice.AUTO,
    timeout: float = 5.0,
    headers: Sequence[tuple[str, str]] = (),
    subprotocols: Sequence[str] = (),
    origin: str | None = None,
    do_handshake: bool = True,
    tls: TlsOptions = VERIFY,
) -> tuple[tuple[Attempt, ...], Handshake]:
    """Try every address in order (all of them, to measure each); the WebSocket handshake
    runs on the first one that connects, as soon as it connects.

    The whole trace ends within ``timeout`` seconds. One connect gets
    ``timeout / (n + 1)`` (n addresses; at least 0.25 s), raised to the kernel's
    neighbour resolution time plus :data:`NEIGHBOUR_MARGIN` (about 3.5 s) when the
    deadline allows, so an address ARP cannot resolve is measured ``unreachable`` with its
    errno, and an address that never answers (a blackholed route, a full backlog) is a
    timeout that still leaves time for the others and for the handshake; one given less
    than that is marked ``cut_short``.
    """
    deadline = time.perf_counter() + timeout
    t0 = time.perf_counter()
    selected = select_family(addresses, family)
    per_attempt = attempt_budget(timeout, len(selected))
    attempts: list[Attempt] = []
    hs: Handshake | None = None
    for index, addr in enumerate(selected):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            attempts.append(
                Attempt(
                    addr.address,
                    addr.family,
                    AttemptOutcome.TIMEOUT,
                    "not tried: deadline reached",
                    0.0,
                    (time.perf_counter() - t0) * 1000,
                    url.port,
                    cut_short=True,
                )
            )
            continue
        left = len(selected) - index - 1
        budget = _connect_budget(per_attempt, remaining, left, neighbour_wait(addr.family))
        attempt, sock = await connect_one(addr.address, url.port, budget, t0)
        if sock is not None and attempt.elapsed_ms > SLOW_CONNECT_S * 1000:
            attempt = await _recheck(attempt, url.port, deadline)
        attempts.append(attempt)
        if sock is None:
            continue
        if hs is not None or not do_handshake:
            sock.close()
            hs = hs or Handshake(addr.address, HandshakeOutcome.NOT_ATTEMPTED)
            continue
        hs, _ = await handshake(
            url,
            sock,
            addr.address,
            timeout=max(deadline - time.perf_counter(), 0.05),
            headers=headers,
            subprotocols=subprotocols,
            origin=origin,
            tls=tls,
        )
        if not url.secure and hsts_entry(url.host) is not None:
            # Chrome sends a TLS ClientHello here instead (docs/clients.md#chrome-hsts).
            from ._wsprobe import tls_hello

            wait = min(max(deadline - time.perf_counter(), 0.05), 2.0)
            hs = replace(hs, tls_hello=await tls_hello(addr.address, url.port, wait))
    return tuple(attempts), hs or Handshake(None, HandshakeOutcome.NOT_ATTEMPTED)
