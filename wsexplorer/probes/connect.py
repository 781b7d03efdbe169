"""One TCP connect per address, timed around the ``connect`` call, every outcome a value.

Never raises for network trouble: refused, unreachable, timed out and any other error is
an :class:`Attempt` carrying the errno's text (worded as asyncio's ``sock_connect``
words it). :mod:`.tracer` runs these against one deadline.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import time
from collections.abc import Sequence

from ..model import Attempt, AttemptOutcome, Family, split_zone

__all__ = ["NEIGHBOUR_MARGIN", "connect_one", "neighbour_wait", "probe_addresses", "sockaddr"]

_REFUSED = {errno.ECONNREFUSED}
_UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}
_KERNEL_TIMEOUT = {errno.ETIMEDOUT}  # the kernel gave up after its SYN retries
# How much longer than the kernel's neighbour resolution a silent address is given, so
# that an address ARP / ND cannot resolve is reported unreachable (EHOSTUNREACH) rather
# than cut short as a timeout; the Linux default resolution takes 3 s.
NEIGHBOUR_MARGIN = 0.5
_NEIGHBOUR_DEFAULT_MS = 3000


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
