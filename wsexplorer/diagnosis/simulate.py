"""The one simulation: a client strategy meets an observation (optionally under a what-if).

Steps, the same for every client: get the candidate addresses (literal, the client's own
``localhost`` answer, or the resolver's with or without ``AI_ADDRCONFIG``), order them,
keep the forced family, pick the tries the fallback policy makes, end each try with
:func:`~wsexplorer.diagnosis.outcome.try_address`, then check the measured handshake.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import (
    Address,
    AttemptOutcome,
    ClientOutcome,
    ClientPrediction,
    ClientTry,
    Confidence,
    HandshakeOutcome,
    Observation,
    WebSocketURL,
)
from ..model.names import client_name
from ..model.record import record
from ..model.secrets import mask_text
from .candidates import candidates, order_addresses, tries_in_order
from .context import NO_CHANGE, WhatIf
from .outcome import (
    failed_handshake,
    measured_handshake,
    try_address,
)
from .proxied import exempt_clause, proxied
from .proxy import NO_PROXY, ProxyChoice, choose_proxy, ignored_clause
from .story import family_label, handshake_clause, prefix
from .story import story as tell
from .strategy import (
    Answer,
    ClientStrategy,
    Failure,
    Fallback,
    Stage,
    TryResult,
)
from .timing import UNKNOWN_TIME, Timeline, settle_try, time_after_answer, timeline
from .tlsname import unmeasured_name_check
from .trust import client_trust

__all__ = ["Run", "family_label", "handshake_clause", "predict", "simulate"]


@record
class Run:
    """One simulated client: its prediction plus what the engine needs beyond it.

    Attributes:
        prediction: what the report shows.
        strategy: the strategy as it behaved (after the what-if).
        stage: where it stopped if it fails, else ``None``.
        tries: the tries with whether each outcome was measured.
        candidates: the addresses it had after ordering and family filtering.
        resolved: the addresses it had before family filtering.
        fallback: the fallback policy it used.
    """

    prediction: ClientPrediction
    strategy: ClientStrategy
    stage: Stage | None
    tries: tuple[TryResult, ...]
    candidates: tuple[Address, ...]
    resolved: tuple[Address, ...]
    fallback: Fallback


def _ends_connect(t: TryResult) -> bool:
    return t.outcome in (AttemptOutcome.CONNECTED, AttemptOutcome.UNKNOWN)


# --- the simulation --------------------------------------------------------------------


def _prediction(
    s: ClientStrategy,
    outcome: ClientOutcome,
    tries: tuple[TryResult, ...],
    address: str | None,
    error: str | None,
    why: str,
    confidence: Confidence | None = None,
    time: Timeline = UNKNOWN_TIME,
    proxy: ProxyChoice | None = None,
) -> ClientPrediction:
    if confidence is None:
        confidence = Confidence.UNVERIFIED if outcome is ClientOutcome.UNKNOWN else s.confidence
    # Texts may quote URLs from the server (a Location): their secrets never leave here.
    return ClientPrediction(
        id=s.id,
        name=s.name,
        outcome=outcome,
        tries=tuple(ClientTry(t.address, t.outcome) for t in tries),
        address=address,
        error=None if error is None else mask_text(error),
        confidence=confidence,
        source=s.source,
        why=mask_text(why),
        time_s=None if outcome is ClientOutcome.UNKNOWN else time.time_s,
        time_basis=None
        if outcome is ClientOutcome.UNKNOWN or time.basis is None
        else time.basis.value,
        proxy=None if proxy is None else proxy.url,
        proxy_variable=None if proxy is None else proxy.variable,
    )


def simulate(obs: Observation, strategy: ClientStrategy, ctx: WhatIf = NO_CHANGE) -> Run:
    """Run ``strategy`` against ``obs`` under ``ctx``; see the module docstring."""
    s = ctx.apply(strategy)
    host = client_name(ctx.host or obs.url.host, s.names)
    port = obs.url.port
    forced = ctx.forced_family(s, obs.family.forced)
    cands = candidates(obs, s, host, forced, ctx)
    ordered = order_addresses(cands.addresses, s.order)
    kept = tuple(a for a in ordered if forced is None or a.family is forced)
    fallback = s.fallback
    if forced is not None and s.forced_family_fallback is not None:
        fallback = s.forced_family_fallback
    parts = prefix(s, host, cands, ordered != cands.addresses, forced)
    choice = (
        NO_PROXY if ctx.direct else choose_proxy(obs.proxy_env, s.proxy, host, port, obs.url.secure)
    )
    if s.proxy is not None and choice.url and choice.exempt is None:
        via = proxied(obs, s, s.proxy, choice, host, ctx.host is not None)
        pred = _prediction(
            s, via.outcome, via.tries, via.address, via.error, via.why, None, via.time, choice
        )
        return Run(pred, s, via.stage, via.tries, (), (), Fallback.SEQUENTIAL)
    if choice.exempt is not None:
        parts.insert(0, exempt_clause(choice, host))
    elif not ctx.direct and (ignored := ignored_clause(obs.proxy_env, s.proxy)):
        parts.insert(0, ignored)
    url = replace(obs.url, host=host).geturl()  # in the client's spelling of the name

    def run(stage: Stage | None, pred: ClientPrediction, tries: tuple[TryResult, ...]) -> Run:
        return Run(pred, s, stage, tries, kept, cands.addresses, fallback)

    def why(story: str) -> str:
        return "; ".join([*parts, story])

    if not kept:
        failure = Failure(Stage.RESOLVE, host, port, (), 0, fallback, None, cands.error, url=url)
        error = f" ({cands.error})" if cands.error and not cands.addresses else ""
        if forced is not None:
            story = f"{host} has no {family_label(forced)} address{error}"
        else:
            story = f"{host} does not resolve{error}"
        pred = _prediction(s, ClientOutcome.FAILS, (), None, s.wording(failure), why(story))
        return run(Stage.RESOLVE, pred, ())

    tries: list[TryResult] = []
    sequence = tries_in_order(kept, fallback)
    for i, addr in enumerate(sequence):
        t = settle_try(try_address(obs, addr.address, ctx), s, fallback, i == len(sequence) - 1)
        tries.append(t)
        if _ends_connect(t) or (s.moves_on is not None and not s.moves_on(t)):
            break
    clock = timeline(tuple(tries), s, fallback, obs.system)
    expired = clock.expired is not None
    done = tuple(tries[: None if clock.expired is None else clock.expired + 1])
    last = done[-1]
    story = tell(done, fallback, obs, port, s, ctx, expired)

    if last.outcome is AttemptOutcome.UNKNOWN or (
        any(t.cut_short for t in done) and (expired or last.outcome is not AttemptOutcome.CONNECTED)
    ):
        pred = _prediction(s, ClientOutcome.UNKNOWN, done, None, None, why(story))
        return run(None, pred, done)
    if expired or last.outcome is not AttemptOutcome.CONNECTED:
        failure = Failure(
            Stage.CONNECT,
            host,
            port,
            done,
            len(kept),
            fallback,
            None,
            None,
            clock.time_s,
            expired,
            url,
        )
        error = s.wording(failure)
        pred = _prediction(s, ClientOutcome.FAILS, done, None, error, why(story), None, clock)
        return run(Stage.CONNECT, pred, done)

    measured = measured_handshake(obs, last.address, ctx)
    trust = None if obs.trust is None else client_trust(obs.trust, s, ctx.host or obs.url.host, ctx)
    if trust is not None and trust.outcome is not ClientOutcome.CONNECTS:
        if trust.handshake is None:
            pred = _prediction(
                s, ClientOutcome.UNKNOWN, done, None, None, why(f"{story}; {trust.why}")
            )
            return run(None, pred, done)
        failure = Failure(
            Stage.HANDSHAKE,
            host,
            port,
            done,
            len(kept),
            fallback,
            trust.handshake,
            None,
            clock.time_s,
            url=url,
        )
        error = s.wording(failure)
        story = f"{story}, but {trust.why}"
        ended = time_after_answer(clock, trust.handshake, s)
        pred = _prediction(s, ClientOutcome.FAILS, done, None, error, why(story), None, ended)
        return run(Stage.HANDSHAKE, pred, done)
    if trust is not None and measured is not None and measured.outcome is HandshakeOutcome.TLS:
        story = (
            f"{story}; {trust.why}, but the upgrade behind it was not measured (wsexplorer's "
            f"own check failed: {measured.reason}; --cacert FILE or -k lets it through)"
        )
        pred = _prediction(s, ClientOutcome.UNKNOWN, done, None, None, why(story))
        return run(None, pred, done)
    other = (
        None
        if measured is None or trust is not None
        else unmeasured_name_check(obs, s, ctx.host or obs.url.host, measured)
    )
    if other is not None:
        story = f"{story}; whether the certificate is valid for {other} was not measured"
        pred = _prediction(s, ClientOutcome.UNKNOWN, done, None, None, why(story))
        return run(None, pred, done)
    answer = _answer(obs, s, last.address, ctx)
    if answer is not None:
        stage = Stage.HANDSHAKE if answer.outcome is ClientOutcome.FAILS else None
        address = last.address if answer.outcome is ClientOutcome.CONNECTS else None
        story = f"{story}, {answer.why}"
        seen = measured_handshake(obs, last.address, ctx) if stage else None
        pred = _prediction(
            s,
            answer.outcome,
            done,
            address,
            answer.error,
            why(story),
            answer.confidence,
            time_after_answer(clock, seen, s),
        )
        return run(stage, pred, done)
    hs = failed_handshake(obs, last.address, ctx)
    # A failed TLS handshake stops every client, curl's https check included.
    if hs is not None and (s.websocket or hs.outcome is HandshakeOutcome.TLS):
        failure = Failure(
            Stage.HANDSHAKE,
            host,
            port,
            done,
            len(kept),
            fallback,
            hs,
            None,
            clock.time_s,
            url=url,
        )
        story = f"{story}, but the server {handshake_clause(hs)}"
        error = s.wording(failure)
        ended = time_after_answer(clock, hs, s)
        pred = _prediction(s, ClientOutcome.FAILS, done, None, error, why(story), None, ended)
        return run(Stage.HANDSHAKE, pred, done)
    if hs is not None:
        story = f"{story}; it only checks that TCP connects, so the upgrade answer does not matter"
    pred = _prediction(s, ClientOutcome.CONNECTS, done, last.address, None, why(story), None, clock)
    return run(None, pred, done)


def _url(obs: Observation, ctx: WhatIf) -> WebSocketURL:
    """The URL the client is given: the observed one, with the what-if's host."""
    return obs.url if ctx.host is None else replace(obs.url, host=ctx.host)


def _answer(obs: Observation, s: ClientStrategy, address: str, ctx: WhatIf) -> Answer | None:
    """The client's own reading of the measured answer (``None``: the default applies)."""
    hs = measured_handshake(obs, address, ctx)
    if hs is None or s.on_answer is None:
        return None
    url = _url(obs, ctx)
    return s.on_answer(hs, url)


def predict(
    obs: Observation, strategy: ClientStrategy, *, ctx: WhatIf = NO_CHANGE
) -> ClientPrediction:
    """What ``strategy``'s client would do with ``obs`` (under the what-if ``ctx``).

    Pure and deterministic: the same inputs give the same prediction; the order of
    ``obs.listeners`` does not matter, the order of resolved addresses does.
    """
    return simulate(obs, strategy, ctx).prediction
