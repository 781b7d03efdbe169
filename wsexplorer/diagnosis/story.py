"""The plain-English "why" of a prediction: what each try did and how the connect ended.

Pure wording over the simulation's tries (:mod:`wsexplorer.diagnosis.simulate`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import AttemptOutcome, Family, Handshake, HandshakeOutcome, Observation, TimeBasis
from .context import WhatIf
from .outcome import modelled_refusal
from .strategy import ClientStrategy, Fallback, TryResult

if TYPE_CHECKING:
    from .candidates import Candidates

__all__ = ["family_label", "handshake_clause", "place", "prefix", "reason", "story"]


def family_label(family: Family) -> str:
    """``IPv4`` / ``IPv6``, as sentences spell them."""
    return "IPv4" if family is Family.IPV4 else "IPv6"


def place(address: str, port: int) -> str:
    return f"{address}:{port}"


def reason(t: TryResult, obs: Observation, port: int, ctx: WhatIf) -> str:
    """Why one try fails, as a clause ("nothing listens on ::1:8080 (IPv6)")."""
    where = place(t.address, port)
    if t.outcome is AttemptOutcome.REFUSED:
        if modelled_refusal(obs, t.address, ctx):
            return f"nothing listens on {where} ({family_label(t.family)})"
        return f"{where} refused the connection (measured)"
    if t.outcome is AttemptOutcome.TIMEOUT:
        return f"the connect to {where} times out"
    if t.outcome is AttemptOutcome.UNREACHABLE:
        if t.family is Family.IPV6 and not obs.system.ipv6_enabled:
            return f"{t.address} is unreachable because IPv6 is disabled on this machine"
        return f"{t.address} is unreachable"
    if t.outcome is AttemptOutcome.UNKNOWN and t.cut_short:
        took = (t.elapsed_ms or 0.0) / 1000
        return (
            f"{where} did not answer within the {took:.1f} s wsexplorer gave it, too short to "
            "tell a silent address from one ARP/ND cannot reach: run with a longer --timeout"
        )
    if t.outcome is AttemptOutcome.UNKNOWN:
        return f"whether anything accepts {where} is unknown (nothing measured it)"
    detail = f" ({t.error})" if t.error else ""
    return f"the connect to {where} fails{detail}"


_SHORT = {
    AttemptOutcome.REFUSED: "is refused",
    AttemptOutcome.TIMEOUT: "times out",
    AttemptOutcome.UNREACHABLE: "is unreachable",
    AttemptOutcome.ERROR: "fails",
}


def _short(t: TryResult, s: ClientStrategy) -> str:
    """What became of one failed try, in a few words ("is refused")."""
    if t.abandoned:
        took = (t.elapsed_ms or 0.0) / 1000
        return (
            f"is abandoned after {s.happy_eyeballs_ms} ms (the attempt timeout), though it "
            f"connects after {took:.1f} s (measured)"
        )
    return _SHORT[t.outcome]


def handshake_clause(hs: Handshake) -> str:
    """How the server answered the upgrade ("answers the WebSocket upgrade with HTTP 404")."""
    if hs.outcome is HandshakeOutcome.HTTP_STATUS:
        status = "?" if hs.status is None else str(hs.status)
        return f"answers the WebSocket upgrade with HTTP {status}"
    if hs.outcome is HandshakeOutcome.REDIRECT:
        return f"answers the WebSocket upgrade with a redirect ({hs.redirect_clause()})"
    if hs.outcome is HandshakeOutcome.INVALID and hs.limit:
        return f"answers the WebSocket upgrade with a response that breaks a limit: {hs.limit}"
    if hs.outcome is HandshakeOutcome.TIMEOUT:
        return "never answers the WebSocket upgrade"
    if hs.speaks_tls:
        return "speaks TLS (a wss:// server): it closes a plain ws:// upgrade unanswered"
    if hs.outcome is HandshakeOutcome.CLOSED:
        return "closes the connection without answering the WebSocket upgrade"
    if hs.outcome is HandshakeOutcome.TLS:
        return f"fails the TLS handshake ({hs.reason or 'no reason given'})"
    return "answers the WebSocket upgrade with an invalid response"


def story(
    tries: tuple[TryResult, ...],
    fallback: Fallback,
    obs: Observation,
    port: int,
    s: ClientStrategy,
    ctx: WhatIf,
    expired: bool = False,
) -> str:
    last = tries[-1]
    if fallback is Fallback.FIRST_ONLY:
        head = f"tries only the first address, {last.address}"
        if last.outcome is AttemptOutcome.CONNECTED:
            return f"{head}, which connects"
        return f"{head}, and {reason(last, obs, port, ctx)}"
    failed = [t for t in tries if t.outcome in _SHORT]
    fails = ", ".join(f"{t.address} {_short(t, s)}" for t in failed)
    if last.outcome is AttemptOutcome.CONNECTED:
        if not failed:
            return f"tries {last.address} first, which connects"
        step = "Happy Eyeballs falls back to" if fallback is Fallback.HAPPY_EYEBALLS else "it tries"
        return f"{fails}, then {step} {last.address}, which connects"
    if last.outcome is AttemptOutcome.UNKNOWN:
        if not failed:
            return f"tries {last.address} first, and {reason(last, obs, port, ctx)}"
        return f"{fails}, then {reason(last, obs, port, ctx)}"
    if expired and s.connect_timeout is not None:
        seconds, basis = s.connect_timeout
        name = "open_timeout" if basis is TimeBasis.OPEN_TIMEOUT else "own connect timeout"
        limit = f"{name} ({seconds:g} s)"
        return f"{fails or last.address + ' does not answer'}, and its {limit} ends the attempt"
    if len(tries) == 1:
        return f"tries its only address, {last.address}, and {reason(last, obs, port, ctx)}"
    return f"every address fails: {fails}"


def prefix(
    s: ClientStrategy, host: str, cands: Candidates, ordered_changed: bool, forced: Family | None
) -> list[str]:
    parts: list[str] = []
    if cands.own:
        parts.append(f"resolves {host} itself ({', '.join(a.address for a in cands.addresses)})")
    if cands.dropped:
        parts.append(f"AI_ADDRCONFIG drops {', '.join(cands.dropped)}")
    if cands.unrouted:
        parts.append(
            f"no route to global IPv6 here, so it asks for IPv4 only and skips "
            f"{', '.join(cands.unrouted)}"
        )
    if ordered_changed:
        parts.append("puts IPv4 first")
    if forced is not None:
        parts.append(f"uses {family_label(forced)} only")
    return parts
