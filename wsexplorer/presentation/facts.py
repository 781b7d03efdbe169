"""Listeners, attempts, clients, verdict and fixes as rows (the handshake: :mod:`.handshake`).

Each fact is worded here once; the terminal report, the Markdown export and the TUI's
panes lay these rows out. The values are raw model text (see :mod:`.rows`).
"""

from __future__ import annotations

from typing import NamedTuple

from ..model import (
    AcceptsSource,
    Attempt,
    AttemptOutcome,
    ClientOutcome,
    ClientPrediction,
    Confidence,
    Diagnosis,
    Exposure,
    Family,
    Fix,
    Listener,
    TimeBasis,
)
from .rows import Span, Tone, span

__all__ = [
    "ClientRow",
    "FixRow",
    "ListenerRow",
    "accepts_spans",
    "attempt_spans",
    "client_mark",
    "client_rows",
    "client_time",
    "duration_words",
    "family_word",
    "fix_live_note",
    "fix_row",
    "fix_rows",
    "fix_status",
    "listener_row",
    "listeners_more",
    "listeners_note",
    "listeners_subtitle",
    "process_spans",
    "tally",
    "verdict_spans",
]


def family_word(fam: Family) -> str:
    """``IPv4`` / ``IPv6``: the one spelling of a family on screen."""
    return "IPv4" if fam is Family.IPV4 else "IPv6"


def family_tone(fam: Family) -> Tone:
    return Tone.V4 if fam is Family.IPV4 else Tone.V6


# ---------------------------------------------------------------- listeners
def accepts_spans(lis: Listener) -> tuple[Span, ...]:
    """``IPv4 + IPv6`` (ok) or ``IPv4 only`` / ``IPv6 only`` (a warning: half the
    clients may be refused)."""
    if lis.dual_stack:
        return span("IPv4 + IPv6", Tone.OK)
    return span(f"{family_word(lis.accepts[0])} only", Tone.WARN)


def process_spans(lis: Listener) -> tuple[Span, ...]:
    """``name[pid]``; ``?[pid]`` when the name is unknown; ``unknown`` with no pid."""
    if lis.pid is None:
        return span("unknown", Tone.DIM)
    return span(f"{lis.process or '?'}[{lis.pid}]", code=True)


class ListenerRow(NamedTuple):
    """One listening socket's cells: ``address`` is the host as shown in an endpoint
    (``[::1]``), ``endpoint`` adds the port."""

    protocol: str
    port: int
    family: str
    address: str
    endpoint: str
    v6only: str
    accepts: tuple[Span, ...]
    process: tuple[Span, ...]


def listener_row(lis: Listener) -> ListenerRow:
    v6 = "-" if lis.v6only is None else str(int(lis.v6only))
    if lis.accepts_source is not AcceptsSource.KERNEL:
        v6 += f" ({lis.accepts_source.value})"
    return ListenerRow(
        lis.protocol,
        lis.port,
        family_word(lis.family),
        lis.display_address().rsplit(":", 1)[0],
        lis.display_address(),
        v6,
        accepts_spans(lis),
        process_spans(lis),
    )


def listeners_note(port: int, found: bool | None, local: bool | None) -> tuple[Span, ...]:
    """The line above the listener table: ``nothing listens on port P`` for a target on
    this machine whose scan found nothing; for a target on another machine, that its
    sockets cannot be seen from here. ``found`` / ``local`` ``None``: not known yet."""
    if local is False:
        return (
            Span("target is another machine: its sockets can't be seen here", Tone.WARN),
            Span("; measured connects say what answers", Tone.DIM),
        )
    if local and found is False:
        return span(f"nothing listens on port {port}", Tone.BAD)
    return ()


def listeners_more(hidden: int) -> tuple[Span, ...]:
    """The line under a capped listener table: how many sockets on other ports it does not
    show, and the command that lists them all (nothing when none is hidden)."""
    if hidden <= 0:
        return ()
    word = "socket" if hidden == 1 else "sockets"
    return (
        Span(f"+ {hidden:,} more {word} on other ports: ", Tone.DIM),
        Span("wsexplorer listeners --json", Tone.DIM, code=True),
    )


def listeners_subtitle(port: int, local: bool | None) -> str:
    """What the listener table lists: this machine's sockets when the target is not here."""
    return "this machine's sockets, not the target's" if local is False else f"port {port} first"


# ---------------------------------------------------------------- attempts
def attempt_spans(a: Attempt, *, brief: bool = False) -> tuple[Span, ...]:
    """``✗ ::1 refused 0.3 ms (connect ECONNREFUSED ::1:8080)``; ``brief``: without
    the time and the error."""
    ok = a.outcome is AttemptOutcome.CONNECTED
    tone = Tone.OK if ok else Tone.BAD
    out = [
        Span("✓ " if ok else "✗ ", tone),
        Span(a.address, family_tone(a.family), code=True),
        Span(f" {a.outcome.value}", tone),
    ]
    if not ok and a.outcome is not AttemptOutcome.REFUSED and a.errno_name:
        out.append(Span(f" {a.errno_name}", tone))
    if brief:
        return tuple(out)
    out.append(Span(f" {a.elapsed_ms:.1f} ms", Tone.DIM))
    if a.error and not ok:
        out += [Span(" ("), Span(a.error, Tone.DIM, code=True), Span(")")]
    if a.cut_short:
        out.append(Span(" cut short: too soon to tell silent from unreachable", Tone.WARN))
    return tuple(out)


# ---------------------------------------------------------------- clients
def client_mark(outcome: ClientOutcome) -> Span:
    if outcome is ClientOutcome.CONNECTS:
        return Span("✓", Tone.OK)
    if outcome is ClientOutcome.FAILS:
        return Span("✗", Tone.BAD)
    return Span("?", Tone.WARN)


class ClientRow(NamedTuple):
    """``✗ Node.js 17-19 ws connect ECONNREFUSED ::1:8080 (modelled)``."""

    id: str
    mark: Span
    name: str
    result: tuple[Span, ...]
    confidence: str  # "" when checked against the real client


_BASIS_WORDS = {
    TimeBasis.SYN_RETRIES.value: "the kernel's SYN retries",
    TimeBasis.ARP.value: "ARP gets no answer",
    TimeBasis.ND.value: "neighbour discovery gets no answer",
    TimeBasis.HAPPY_EYEBALLS.value: "its Happy Eyeballs delay",
    TimeBasis.OPEN_TIMEOUT.value: "websockets' open_timeout",
    TimeBasis.CONNECT_TIMEOUT.value: "its own connect timeout",
    TimeBasis.MEASURED.value: "as measured",
}
_SHOWN_FROM = 0.1  # seconds: shorter outcomes read as "at once" and show no time


def duration_words(seconds: float) -> str:
    """``250 ms``, ``3 s``, ``2 min 11 s``."""
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def client_time(c: ClientPrediction) -> str | None:
    """``fails after ~2 min 11 s (the kernel's SYN retries)``; ``None`` when the outcome
    is unknown, its time is, or it happens at once."""
    if c.time_s is None or c.time_s < _SHOWN_FROM or c.outcome is ClientOutcome.UNKNOWN:
        return None
    verb = "connects" if c.outcome is ClientOutcome.CONNECTS else "fails"
    why = _BASIS_WORDS.get(c.time_basis or "", c.time_basis or "")
    return f"{verb} after ~{duration_words(c.time_s)}" + (f" ({why})" if why else "")


def client_row(c: ClientPrediction) -> ClientRow:
    result: tuple[Span, ...]
    if c.outcome is ClientOutcome.CONNECTS:
        result = (Span("connects via ", Tone.OK), Span(c.address or "", Tone.OK, code=True))
    elif c.outcome is ClientOutcome.FAILS and c.error == "":
        # The client's own message is empty (Node 24's built-in WebSocket): say so.
        result = span("fails with an empty error message", Tone.BAD)
    elif c.outcome is ClientOutcome.FAILS:
        result = span(c.error or "fails", Tone.BAD, code=bool(c.error))
    else:
        result = span("unknown", Tone.WARN)
    when = client_time(c)
    if when is not None:
        result = (*result, Span(f" · {when}", Tone.DIM))
    if c.proxy is not None:
        result = (*result, Span(f" · through the proxy from {c.proxy_variable}", Tone.DIM))
    conf = "" if c.confidence is Confidence.CHECKED else c.confidence.value
    return ClientRow(c.id, client_mark(c.outcome), c.name, result, conf)


def client_rows(d: Diagnosis) -> list[ClientRow]:
    return [client_row(c) for c in d.clients]


# ---------------------------------------------------------------- verdict, fixes
def verdict_spans(d: Diagnosis) -> tuple[Span, ...]:
    """``✓ …`` or ``✗ …``: the engine's summary, marked."""
    tone = Tone.OK if d.verdict.ok else Tone.BAD
    return (Span("✓ " if d.verdict.ok else "✗ ", tone), Span(d.verdict.summary, tone))


def fix_status(fix: Fix) -> Span:
    if fix.in_effect:
        return Span("✓ in effect", Tone.OK)
    if not fix.applicable:
        return Span("- not applicable", Tone.DIM)
    if fix.works:
        return Span("✓ works", Tone.OK)
    return Span("✗ not enough", Tone.BAD)


def fix_live_note(fix: Fix) -> Span | None:
    """``not tried live here: …`` for an applicable fix no key can try (a DNS record, a
    hosts-file line, client code), or ``None``."""
    if fix.key is not None or not fix.applicable or not fix.reason:
        return None
    return Span(f"not tried live here: {fix.reason}", Tone.DIM)


class FixRow(NamedTuple):
    id: str
    status: Span
    how: str
    title: str
    detail: str


def fix_row(f: Fix) -> FixRow:
    """A fix as a row: ``how`` is ``now`` for a fix in effect (nothing predicted); a fix
    that widens the server's exposure says so in its title."""
    how = "now" if f.in_effect else f.how.value
    title = f.title + (", reachable from the network" if f.exposure is Exposure.NETWORK else "")
    return FixRow(f.id, fix_status(f), how, title, f.detail)


def fix_rows(d: Diagnosis) -> list[FixRow]:
    return [fix_row(f) for f in d.fixes]


def tally(d: Diagnosis) -> str:
    """A short count of the diagnosis: ``✓ all 10 clients connect`` / ``✗ 1 of 10 clients fails``."""
    total = len(d.clients)
    fails = sum(1 for c in d.clients if c.outcome is ClientOutcome.FAILS)
    unknown = sum(1 for c in d.clients if c.outcome is ClientOutcome.UNKNOWN)
    if fails:
        verb = "fails" if fails == 1 else "fail"
        return f"✗ {fails} of {total} clients {verb}"
    if unknown:
        return f"? {unknown} of {total} unknown"
    return f"✓ all {total} clients connect"
