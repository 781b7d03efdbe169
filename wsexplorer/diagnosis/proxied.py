"""A client that goes through a proxy: its outcome comes from the proxy path (pure).

With a proxy that applies, the client connects to the proxy's address, not the target's:
the target's name, addresses and families no longer matter for it. What the outcome,
address, error and time are then comes from what wsexplorer measured at that proxy
(:class:`~wsexplorer.model.proxy.ProxyCheck`): the TCP connect to it, its answer to
``CONNECT``, and for ``ws://`` the server's answer to the upgrade through the tunnel.
Anything not measured is ``unknown``, never guessed (docs/clients.md#proxies).
"""

from __future__ import annotations

from ..model import (
    AttemptOutcome,
    ClientOutcome,
    Handshake,
    HandshakeOutcome,
    Observation,
)
from ..model.proxy import ProxyCheck
from ..model.record import record
from .proxy import ProxyChoice, ProxyPolicy
from .story import place
from .strategy import ClientStrategy, Failure, Fallback, Stage, TryResult
from .timing import UNKNOWN_TIME, Timeline, settle_try, timeline

__all__ = ["Proxied", "exempt_clause", "find_check", "proxied"]


_FAILED = {
    AttemptOutcome.REFUSED: "refuses the connection",
    AttemptOutcome.TIMEOUT: "does not answer",
    AttemptOutcome.UNREACHABLE: "is unreachable",
}


@record
class Proxied:
    """The prediction's parts for a client that goes through a proxy."""

    outcome: ClientOutcome
    tries: tuple[TryResult, ...]
    address: str | None
    error: str | None
    why: str
    time: Timeline = UNKNOWN_TIME
    stage: Stage | None = None


def find_check(obs: Observation, host: str, port: int) -> ProxyCheck | None:
    """The measurement at the proxy ``host``:``port``, if wsexplorer made one."""
    for check in obs.proxies:
        if check.host == host and check.port == port:
            return check
    return None


def exempt_clause(choice: ProxyChoice, host: str) -> str:
    """The story's clause for a host a ``no_proxy`` rule exempts (``""``: none does)."""
    if choice.exempt is None:
        return ""
    if choice.exempt == "built-in":
        return f"it never proxies {host} (a local host), so {choice.variable} does not apply"
    return f"{choice.exempt} exempts {host} from {choice.variable}, so it connects directly"


def proxied(
    obs: Observation,
    s: ClientStrategy,
    policy: ProxyPolicy,
    choice: ProxyChoice,
    host: str,
    retargeted: bool = False,
) -> Proxied:
    """What ``s`` does through the proxy of ``choice`` (which has a URL, no exemption).

    ``retargeted``: a what-if changed the host, so what the proxy answered for the URL's
    own host says nothing about this one past the connect to the proxy.
    """
    ep = choice.endpoint
    source = f"{choice.url} (from {choice.variable})"
    if ep is None or ep.port is None:
        why = f"it would use the proxy {source}, which is not a proxy URL it can read"
        return Proxied(ClientOutcome.UNKNOWN, (), None, None, f"{why}; not modelled")
    if ep.scheme != "http" or (choice.variable or "").lower().startswith("socks"):
        why = f"it uses the {ep.scheme} proxy {source}; only http:// proxies are modelled"
        return Proxied(ClientOutcome.UNKNOWN, (), None, None, why)
    lead = (
        f"it goes through the proxy {source}: it connects to the proxy at "
        f"{place(ep.host, ep.port)}, not to {host}, so {host}'s addresses and families "
        "do not matter for it"
    )
    check = find_check(obs, ep.host, ep.port)
    if check is None or check.attempt is None:
        missing = (
            "was not measured" if check is None else f"did not resolve ({check.resolve_error})"
        )
        return Proxied(ClientOutcome.UNKNOWN, (), None, None, f"{lead}; the proxy {missing}")
    a = check.attempt
    t = TryResult(a.address, a.family, a.outcome, True, a.error, a.elapsed_ms, a.cut_short)
    t = settle_try(t, s, Fallback.SEQUENTIAL, True)
    if t.outcome is AttemptOutcome.UNKNOWN:
        why = f"{lead}; whether the proxy answers was not measured in time"
        return Proxied(ClientOutcome.UNKNOWN, (t,), None, None, why)
    clock = timeline((t,), s, Fallback.SEQUENTIAL, obs.system)
    if t.outcome is not AttemptOutcome.CONNECTED:
        failure = Failure(
            Stage.CONNECT, ep.host, ep.port, (t,), 1, Fallback.SEQUENTIAL, None, None,
            clock.time_s, clock.expired is not None,
        )  # fmt: skip
        error = policy.refused or s.wording(failure)
        why = f"{lead}; the proxy {_FAILED.get(t.outcome, 'fails')} (measured)"
        return Proxied(ClientOutcome.FAILS, (t,), None, error, why, clock, Stage.CONNECT)
    if retargeted:
        why = f"{lead}; the proxy accepts the connect, what it answers for {host} was not measured"
        return Proxied(ClientOutcome.UNKNOWN, (t,), None, None, why)
    return _through(obs, s, policy, check, t, clock, lead, host)


def _through(
    obs: Observation,
    s: ClientStrategy,
    policy: ProxyPolicy,
    check: ProxyCheck,
    t: TryResult,
    clock: Timeline,
    lead: str,
    host: str,
) -> Proxied:
    """The proxy accepted the TCP connect: its answer decides."""
    secure = obs.url.secure
    if check.status is None:
        why = f"{lead}; the proxy did not answer CONNECT ({check.error or 'no answer'})"
        return Proxied(ClientOutcome.UNKNOWN, (t,), None, None, why)
    forwarded = not secure and not policy.tunnels_plain
    if forwarded and not s.websocket:
        why = f"{lead}; it sends its request to the proxy, which answers HTTP"
        return Proxied(ClientOutcome.CONNECTS, (t,), t.address, None, why, clock)
    if not 200 <= check.status < 300:
        # A client that forwards its upgrade (Deno) gets the answer CONNECT got: the
        # proxy cannot reach the server either way (checked with a 502).
        tunnel = policy.tunnel_rejected if secure else None
        error = (tunnel or policy.rejected).format(status=check.status)
        asked = "its forwarded upgrade" if forwarded else "CONNECT"
        how = "measured for CONNECT" if forwarded else "measured"
        why = f"{lead}; the proxy answers {asked} with {check.status} ({how})"
        return Proxied(ClientOutcome.FAILS, (t,), None, error, why, clock, Stage.CONNECT)
    if secure:
        why = f"{lead}; the proxy opens the tunnel, but TLS with {host} through it was not measured"
        return Proxied(ClientOutcome.UNKNOWN, (t,), None, None, why)
    if not s.websocket:
        why = f"{lead}; the proxy opens the tunnel (measured)"
        return Proxied(ClientOutcome.CONNECTS, (t,), t.address, None, why, clock)
    if check.upgrade_status is None:
        why = f"{lead}; the proxy opens the tunnel, the upgrade through it was not measured"
        return Proxied(ClientOutcome.UNKNOWN, (t,), None, None, why)
    if check.upgrade_status == 101:
        why = f"{lead}; the proxy opens the tunnel and the server accepts the upgrade (measured)"
        return Proxied(ClientOutcome.CONNECTS, (t,), t.address, None, why, clock)
    hs = Handshake(None, HandshakeOutcome.HTTP_STATUS, status=check.upgrade_status)
    failure = Failure(
        Stage.HANDSHAKE, host, obs.url.port, (t,), 1, Fallback.SEQUENTIAL, hs, None, clock.time_s
    )
    why = f"{lead}; through the tunnel the server answers HTTP {check.upgrade_status} (measured)"
    return Proxied(ClientOutcome.FAILS, (t,), None, s.wording(failure), why, clock, Stage.HANDSHAKE)
