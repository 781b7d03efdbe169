"""Listeners, attempts, the handshake, clients, verdict, fixes and notes as rows.

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
    Handshake,
    HandshakeOutcome,
    Listener,
    TimeBasis,
    WebSocketURL,
)
from ..model.secrets import mask_subprotocol, mask_text
from .rows import Span, Tone, span

__all__ = [
    "ClientRow",
    "FixRow",
    "HandshakeView",
    "ListenerRow",
    "accepts_spans",
    "attempt_spans",
    "body_line",
    "client_mark",
    "client_rows",
    "client_time",
    "duration_words",
    "explain_status",
    "family_word",
    "fix_live_note",
    "fix_row",
    "fix_rows",
    "fix_status",
    "handshake_view",
    "listener_row",
    "listeners_more",
    "listeners_note",
    "listeners_subtitle",
    "process_spans",
    "status_advice",
    "tally",
    "tls_advice",
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


# ---------------------------------------------------------------- handshake
_STATUS_ADVICE = {
    400: "the server did not accept this upgrade request: a plain HTTP endpoint?",
    401: "the server wants credentials: try -H 'Authorization: Bearer …' "
    "or the token the API expects in the query",
    403: "forbidden: often an Origin check, try --origin with the page's origin "
    "(e.g. http://localhost:3000); or the credentials are missing",
    404: "no WebSocket endpoint at this path: check the URL's path",
    426: "the server wants another protocol version or TLS: try wss://",
    429: "rate limited: wait and reconnect",
    503: "the server is overloaded or refusing connections for now",
}


def explain_status(status: int | None) -> str | None:
    """Why a server answers the upgrade with this HTTP status, and what to try."""
    return _STATUS_ADVICE.get(status or 0)


class HandshakeView(NamedTuple):
    """``address``: ``what`` happened; ``advice`` says what to try (or ``None``);
    ``body`` is the refusing answer's body on one line (raw: masked, not cleaned)."""

    address: str | None
    what: tuple[Span, ...]
    subprotocol: str | None
    advice: str | None
    ok: bool
    body: str | None = None


REDIRECT_ADVICE = (
    "not followed: wsexplorer does not follow redirects; connect to the Location's URL"
)


def body_line(body: str | None) -> str | None:
    """A body on one line: whitespace runs (newlines too) as one space, secrets masked."""
    if body is None:
        return None
    return mask_text(" ".join(body.split())) or None


def _header(hs: Handshake, name: str) -> str | None:
    return next((v for k, v in hs.headers if k.lower() == name), None)


def status_advice(hs: Handshake, path: str = "") -> str | None:
    """What to try after a non-101 answer: the status's usual cause, made concrete with
    what the answer says (its body, the path asked for, the versions a 426 offers) and
    whether the answer came from a plain HTTP/1.0 server."""
    status = hs.status
    version = hs.head.version if hs.head is not None else None
    if version == "HTTP/1.0":
        server = _header(hs, "server")
        who = f" ({mask_text(server)})" if server else ""
        return (
            f"a plain HTTP/1.0 server{who} answers on this port, not a WebSocket server: "
            "is the WebSocket server on another port, or not started?"
        )
    if status == 400 and hs.body:
        return "the server refused this upgrade request; its body (below) says why"
    if status == 404 and path:
        return f"no WebSocket endpoint at {path}: check the URL's path"
    wanted = _header(hs, "sec-websocket-version")
    if status == 426 and wanted:
        return (
            f"the server wants WebSocket version {mask_text(wanted)} "
            "(clients send 13); or it wants TLS: try wss://"
        )
    return explain_status(status)


def tls_advice(url: str) -> str:
    """The hint for a ``ws://`` URL whose port speaks TLS."""
    secure = "wss://" + url.removeprefix("ws://")
    return f"this port speaks TLS: try {secure}"


def handshake_view(hs: Handshake | None, url: WebSocketURL | None = None) -> HandshakeView:
    """The handshake worded once: what happened, what to try and the answer's body.

    ``url`` (the URL asked for) makes the advice concrete: the path of a 404, the
    ``wss://`` URL to try when a ``ws://`` port speaks TLS."""
    if hs is None:
        return HandshakeView(None, span("not attempted", Tone.DIM), None, None, False)
    if hs.outcome is HandshakeOutcome.NOT_ATTEMPTED:
        what = span("not attempted (no address connected)", Tone.BAD)
        return HandshakeView(None, what, None, None, False)
    body = body_line(hs.body)
    if hs.outcome is HandshakeOutcome.OK:
        sub = mask_subprotocol(hs.subprotocol) if hs.subprotocol else None
        what = span(f"{hs.status or 101} {hs.reason or 'Switching Protocols'}", Tone.OK)
        return HandshakeView(hs.address, what, sub, None, True)
    if hs.outcome is HandshakeOutcome.HTTP_STATUS:
        what = span(f"HTTP {hs.status} {hs.reason or ''}".rstrip(), Tone.BAD)
        advice = status_advice(hs, url.resource if url is not None else "")
        return HandshakeView(hs.address, what, None, advice, False, body)
    if hs.outcome is HandshakeOutcome.REDIRECT:
        what = span(f"redirect: {hs.redirect_clause()}", Tone.BAD)
        return HandshakeView(hs.address, what, None, REDIRECT_ADVICE, False, body)
    if hs.outcome is HandshakeOutcome.INVALID and hs.limit:
        what = span(f"invalid answer: {hs.limit}", Tone.BAD)
        return HandshakeView(hs.address, what, None, None, False)
    what = span(f"{hs.outcome.value}: {mask_text(hs.error or '')}", Tone.BAD)
    advice = None
    if hs.speaks_tls and url is not None:
        advice = tls_advice(url.redacted())
    return HandshakeView(hs.address, what, None, advice, False)


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
