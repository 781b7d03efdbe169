"""When a client's outcome happens: the kernel's waits and the clients' own timers.

Facts (docs/clients.md#kernel-timing):

- A SYN nobody answers: Linux retransmits it ``net.ipv4.tcp_syn_retries`` times and gives
  up at the first retransmission timer at or after ``(2^(retries+1) - 1)`` seconds
  (``tcp_model_timeout`` in Linux ``net/ipv4/tcp_timer.c``; steps over ``TCP_RTO_MAX``,
  120 s, count 120 s). The timer starts at 1 s and doubles after each retransmission, but
  stays at 1 s for the first ``tcp_syn_linear_timeouts + 1`` (a sysctl of recent kernels,
  default 4). So 6 retries: 127 s without linear timeouts, 131 s with 4; 1 retry: 3 s;
  2: 7 s; 3: 15 s or 19 s. Derived from and checked on Linux 6.18 (1, 2 and 3 retries,
  the last with 0 and 4 linear timeouts; tests/scenarios/test_unreachable.py); how linear
  resends count against the retries differs between kernel versions.
- An address on the link that nobody owns: the SYN waits for ARP / neighbour discovery,
  which gives up after ``(mcast_solicit + app_solicit) x retrans_time_ms`` (3 s by
  default) and fails the connect with ``EHOSTUNREACH`` (when that is shorter than the
  SYN timeout; else ``ETIMEDOUT`` wins).
- Happy Eyeballs: Node 20+ abandons every attempt but the last after
  ``autoSelectFamilyAttemptTimeout`` (250 ms), even one that would have connected a little
  later (a slow path: its measured connect time decides); curl (200 ms) starts the other
  family after its delay and tries addresses of one family one after the other; Chrome
  (300 ms) and asyncio with ``happy_eyeballs_delay`` start each next address after the
  delay and keep the earlier attempts running (a staggered race).
- A connect that succeeds takes the time the tracer measured for it (a path whose first
  SYN is lost connects after the kernel's 1 s retransmission).
- Python websockets' ``open_timeout`` (10 s) and curl's connect timeout (300 s) end the
  whole connect.

Pure: the kernel settings come from :class:`~wsexplorer.model.SystemFacts`.
"""

from __future__ import annotations

import errno
import re
from dataclasses import replace

from ..model import AttemptOutcome, Family, Handshake, HandshakeOutcome, SystemFacts, TimeBasis
from ..model.record import record
from .strategy import ClientStrategy, Fallback, TryResult

__all__ = [
    "TCP_RTO_MAX",
    "UNKNOWN_TIME",
    "Step",
    "Timeline",
    "errno_of",
    "neighbour_s",
    "settle_try",
    "syn_timeout_s",
    "time_after_answer",
    "timeline",
    "try_step",
]

TCP_RTO_MAX = 120.0  # seconds (include/net/tcp.h)
_INIT_RTO = 1.0  # TCP_TIMEOUT_INIT
_BACKOFF_THRESH = 6  # ilog2(TCP_RTO_MAX / TCP_TIMEOUT_INIT)
_ERRNO = re.compile(r"\[Errno (\d+)\]")
_SLOW = 1.0  # a measured EHOSTUNREACH this slow waited for neighbour resolution
_NOTICEABLE = 0.1  # shorter measured durations count as "at once"


def errno_of(text: str | None) -> int | None:
    """The errno in a measured error text (``[Errno 113] ...``), or ``None``."""
    match = _ERRNO.search(text or "")
    return int(match.group(1)) if match else None


def syn_timeout_s(retries: int, linear: int = 0) -> float:
    """When Linux gives up on a SYN nobody answers (see the module docstring)."""
    if retries <= _BACKOFF_THRESH:
        model = float((2 << retries) - 1)
    else:
        model = float((2 << _BACKOFF_THRESH) - 1) + (retries - _BACKOFF_THRESH) * TCP_RTO_MAX
    at, interval, sent = 0.0, _INIT_RTO, 0
    while at < model:
        at += interval
        sent += 1
        if sent > linear:
            interval = min(interval * 2, TCP_RTO_MAX)
    return at


def neighbour_s(facts: SystemFacts, family: Family) -> float | None:
    """How long ARP (IPv4) or neighbour discovery (IPv6) asks before giving up."""
    ms = facts.neighbour_ipv6_ms if family is Family.IPV6 else facts.neighbour_ipv4_ms
    return None if ms is None else ms / 1000


@record
class Step:
    """How long one try takes until it ends, and what sets that (``None``: unknown)."""

    seconds: float | None
    basis: TimeBasis | None


def _kernel_syn(facts: SystemFacts) -> float | None:
    if facts.tcp_syn_retries is None:
        return None
    return syn_timeout_s(facts.tcp_syn_retries, facts.tcp_syn_linear_timeouts or 0)


def try_step(t: TryResult, facts: SystemFacts) -> Step:
    """The time one try takes: refused and connected at once, a silent address the
    kernel's SYN timeout (as measured when the kernel gave up while wsexplorer waited,
    else computed), an address neighbour resolution fails on its ARP/ND time, other
    measured errors their measured duration; a connect (or one a client abandoned) as
    long as it was measured to take, when that is noticeable."""
    took = None if t.elapsed_ms is None else t.elapsed_ms / 1000
    if t.outcome is AttemptOutcome.CONNECTED or t.abandoned:
        if took is not None and took >= _NOTICEABLE:
            return Step(took, TimeBasis.MEASURED)
        return Step(0.0, TimeBasis.IMMEDIATE)
    if t.outcome is AttemptOutcome.REFUSED:
        return Step(0.0, TimeBasis.REFUSED)
    if t.outcome is AttemptOutcome.TIMEOUT:
        if errno_of(t.error) == errno.ETIMEDOUT and took is not None:
            return Step(took, TimeBasis.SYN_RETRIES)  # the kernel's own give-up, measured
        return Step(_kernel_syn(facts), TimeBasis.SYN_RETRIES)
    if t.outcome not in (AttemptOutcome.UNREACHABLE, AttemptOutcome.ERROR):
        return Step(None, None)
    if errno_of(t.error) == errno.EHOSTUNREACH and took is not None and took >= _SLOW:
        basis = TimeBasis.ND if t.family is Family.IPV6 else TimeBasis.ARP
        wait = neighbour_s(facts, t.family)
        return Step(took if wait is None else wait, basis)
    if took is not None and took >= _NOTICEABLE:
        return Step(took, TimeBasis.MEASURED)
    return Step(0.0, TimeBasis.IMMEDIATE)


@record
class Timeline:
    """When a client's connect ends.

    Attributes:
        time_s: seconds from the start (``None``: unknown).
        basis: what sets it: the longest wait, or how the last try ended when nothing
            waited (``None``: unknown).
        expired: the index of the try during which the client's own connect timeout
            fired (the tries after it never happen), or ``None``.
    """

    time_s: float | None
    basis: TimeBasis | None
    expired: int | None = None


def _capped(
    end: float, basis: TimeBasis | None, cap: tuple[float, TimeBasis] | None, last: int
) -> Timeline:
    """A race that ends at ``end``, unless the client's own connect timeout ``cap``
    (seconds, basis) fires first: then during its ``last`` try."""
    if cap is not None and end > cap[0]:
        return Timeline(cap[0], cap[1], last)
    return Timeline(end, basis)


UNKNOWN_TIME = Timeline(None, None)


def _sequential(steps: list[Step], cap: tuple[float, TimeBasis] | None) -> Timeline:
    at = 0.0
    longest = Step(0.0, steps[-1].basis if steps else None)
    for i, step in enumerate(steps):
        if step.seconds is None:
            if cap is not None and step.basis is TimeBasis.SYN_RETRIES:
                # Kernel settings unknown: Linux's default SYN timeout (127 s or more)
                # outlasts any client's own limit.
                return Timeline(cap[0], cap[1], i)
            return Timeline(None, None)
        if cap is not None and at + step.seconds > cap[0]:
            return Timeline(cap[0], cap[1], i)
        at += step.seconds
        if step.seconds > (longest.seconds or 0.0):
            longest = step
    return Timeline(at, longest.basis)


def _abandoning(steps: list[Step], delay: float, cap: tuple[float, TimeBasis] | None) -> Timeline:
    """Node: every attempt but the last is abandoned after ``delay``."""
    waits = [
        Step(delay, TimeBasis.HAPPY_EYEBALLS)
        if i < len(steps) - 1 and (step.seconds is None or step.seconds > delay)
        else step
        for i, step in enumerate(steps)
    ]
    return _sequential(waits, cap)


def _paused(steps: list[Step], start: float, delay: float, poll: float) -> list[Step]:
    """``steps`` of one lane that starts at ``start``, each failure another try follows
    lengthened by ``poll`` (curl's idle poll) when it comes after the Happy Eyeballs timer
    (``delay``) has fired; an earlier failure moves on at once. No change when ``poll`` is 0."""
    out: list[Step] = []
    at = start
    for i, st in enumerate(steps):
        if st.seconds is None or i == len(steps) - 1:
            out.append(st)
            continue
        at += st.seconds
        wait = 0.0 if at < delay else poll
        at += wait
        out.append(Step(st.seconds + wait, st.basis))
    return out


def _lanes(
    tries: tuple[TryResult, ...],
    steps: list[Step],
    delay: float,
    cap: tuple[float, TimeBasis] | None,
    poll: float = 0.0,
) -> Timeline:
    """curl: one lane per family, the second starting after ``delay`` (or when the
    first has failed, if sooner); the first lane to connect wins, else the last to fail.
    Within a lane the next address starts ``poll`` after a failure that comes after the
    delay (curl), else at once."""
    first = tries[0].family
    ends: list[tuple[float, TimeBasis | None, bool]] = []
    start = 0.0
    start_basis: TimeBasis | None = TimeBasis.IMMEDIATE
    for own in (True, False):
        lane = [(t, st) for t, st in zip(tries, steps, strict=True) if (t.family is first) == own]
        if not lane:
            continue
        line = _sequential(_paused([st for _, st in lane], start, delay, poll), None)
        if line.time_s is None:
            return Timeline(None, None)
        basis = start_basis if start > line.time_s else line.basis
        end = start + line.time_s
        ends.append((end, basis, lane[-1][0].outcome is AttemptOutcome.CONNECTED))
        start, start_basis = (delay, TimeBasis.HAPPY_EYEBALLS) if delay < end else (end, basis)
    won = [e for e in ends if e[2]]
    end, basis, _ = won[0] if won else max(ends, key=lambda e: e[0])
    return _capped(end, basis, cap, len(tries) - 1)


def _staggered(
    tries: tuple[TryResult, ...],
    steps: list[Step],
    delay: float,
    cap: tuple[float, TimeBasis] | None,
) -> Timeline:
    """asyncio's staggered race: each address starts ``delay`` after the one before (or
    when that one fails, if sooner) and none is abandoned; the first to connect wins
    (the simulation stops at it), else the connect ends when the last attempt fails."""
    start = 0.0
    start_basis: TimeBasis | None = TimeBasis.IMMEDIATE
    ends: list[tuple[float, TimeBasis | None]] = []
    for step in steps:
        if step.seconds is None:
            return Timeline(None, None)
        end = start + step.seconds
        ends.append((end, start_basis if start > step.seconds else step.basis))
        if start + delay < end:
            start, start_basis = start + delay, TimeBasis.HAPPY_EYEBALLS
        else:
            start, start_basis = end, step.basis
    connected = tries[-1].outcome is AttemptOutcome.CONNECTED
    end, basis = ends[-1] if connected else max(ends, key=lambda e: e[0])
    return _capped(end, basis, cap, len(tries) - 1)


def timeline(
    tries: tuple[TryResult, ...], s: ClientStrategy, fallback: Fallback, facts: SystemFacts
) -> Timeline:
    """When ``s`` ends its connect over ``tries`` (in the order it makes them)."""
    if not tries or tries[-1].outcome is AttemptOutcome.UNKNOWN:
        return Timeline(None, None)
    steps = [try_step(t, facts) for t in tries]
    cap = s.connect_timeout
    if fallback is not Fallback.HAPPY_EYEBALLS or s.happy_eyeballs_ms is None:
        return _sequential(steps, cap)
    delay = s.happy_eyeballs_ms / 1000
    if s.happy_eyeballs_per_family:
        return _lanes(tries, steps, delay, cap, s.idle_poll_s)
    if s.staggered:
        return _staggered(tries, steps, delay, cap)
    return _abandoning(steps, delay, cap)


def _abandons(s: ClientStrategy, fallback: Fallback, last: bool) -> int | None:
    """The attempt timeout (ms) after which ``s`` gives up on a try that is not its last,
    or ``None`` (Node's Happy Eyeballs only)."""
    if fallback is not Fallback.HAPPY_EYEBALLS or last:
        return None
    if s.happy_eyeballs_per_family or s.staggered:
        return None
    return s.happy_eyeballs_ms


def settle_try(t: TryResult, s: ClientStrategy, fallback: Fallback, last: bool) -> TryResult:
    """The try as the client sees it.

    A connect measured slower than the attempt timeout of a client that abandons
    attempts (Node 20+) is abandoned: a timeout for that client. A timeout cut short
    (wsexplorer stopped waiting before ARP/ND could fail) is unknown, unless the client
    abandons the attempt before that moment anyway.
    """
    limit = _abandons(s, fallback, last)
    took = t.elapsed_ms or 0
    if t.outcome is AttemptOutcome.CONNECTED and t.measured and limit and took > limit:
        return replace(t, outcome=AttemptOutcome.TIMEOUT, abandoned=True)
    if not t.cut_short or t.outcome is not AttemptOutcome.TIMEOUT:
        return t
    delay = s.happy_eyeballs_ms
    if fallback is Fallback.HAPPY_EYEBALLS and delay and not last and took >= delay:
        return t
    return replace(t, outcome=AttemptOutcome.UNKNOWN)


def time_after_answer(conn: Timeline, hs: Handshake | None, s: ClientStrategy) -> Timeline:
    """When a client that connected ends: at once, unless the server never answers (then
    the client's own open timeout, if it has one, else unknown)."""
    silent = hs is not None and (
        hs.outcome is HandshakeOutcome.TIMEOUT
        or (hs.head is not None and hs.head.peer_closed is False and hs.limit is not None)
    )
    if not silent:
        return conn
    cap = s.connect_timeout
    if cap is None or cap[1] is not TimeBasis.OPEN_TIMEOUT:
        return Timeline(None, None)
    return Timeline(cap[0], cap[1])
