"""What a client does with a URL: the policy a :class:`ClientStrategy` describes.

A strategy is data: where the client gets its addresses (the resolver's answer with or
without ``AI_ADDRCONFIG``, or its own answer for ``localhost``), how it orders them, how it
falls back from one address to the next, and how it words its errors. The engine
(:mod:`wsexplorer.diagnosis.simulate`) runs every strategy through the same simulation.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from ..model import (
    AttemptOutcome,
    ClientOutcome,
    Confidence,
    Family,
    Handshake,
    TimeBasis,
    WebSocketURL,
)
from ..model.names import NameHandling
from ..model.record import record
from .proxy import ProxyPolicy

__all__ = [
    "AddressOrder",
    "Answer",
    "AnswerRule",
    "ClientStrategy",
    "Failure",
    "Fallback",
    "Stage",
    "TryResult",
    "Wording",
    "is_localhost_name",
]


class AddressOrder(StrEnum):
    """How a client orders the addresses its resolver returned."""

    VERBATIM = "verbatim"  # as getaddrinfo returned them
    IPV4FIRST = "ipv4first"  # IPv4 first, then IPv6, each family keeping its order


class Fallback(StrEnum):
    """What a client does after an address fails."""

    FIRST_ONLY = "first-only"  # one connect to the first address, no fallback
    SEQUENTIAL = "sequential"  # every address in order, one after the other
    HAPPY_EYEBALLS = "happy-eyeballs"  # families interleaved, next attempt after a delay


class Stage(StrEnum):
    """Where a failing client stopped."""

    RESOLVE = "resolve"  # no address to connect to
    CONNECT = "connect"  # no TCP connect succeeded
    HANDSHAKE = "handshake"  # TCP connected, the WebSocket upgrade was not accepted


@record
class TryResult:
    """One address a client tries, how the try ends, and whether that was measured.

    ``outcome`` is an :class:`~wsexplorer.model.AttemptOutcome` (``UNKNOWN``: not measured
    and no listener table decides it);
    ``error`` is the measured error text when the outcome was measured, ``elapsed_ms``
    how long that measured connect took, and ``cut_short`` that wsexplorer stopped
    waiting before the kernel could have reported the address unreachable.
    ``abandoned``: the address was measured to connect, but more slowly than the client's
    Happy Eyeballs attempt timeout, which gives up on it first (Node 20+): the client
    sees a timeout (``outcome`` is ``TIMEOUT``).
    """

    address: str
    family: Family
    outcome: AttemptOutcome
    measured: bool = False
    error: str | None = None
    elapsed_ms: float | None = None
    cut_short: bool = False
    abandoned: bool = False


@record
class Failure:
    """Everything a client's error wording may need.

    Attributes:
        stage: where the client stopped.
        host: the name the client resolves and prints for the URL's host (its own IDNA
            encoding and case, a trailing dot kept: :mod:`wsexplorer.model.names`).
        port: the TCP port.
        tries: for ``CONNECT``, the failed tries in order; for ``HANDSHAKE``, the tries up
            to and including the connected one.
        candidates: how many addresses the client had to choose from.
        fallback: the fallback policy the client used for this connect.
        handshake: for ``HANDSHAKE``, the measured handshake the client would repeat.
        resolve_error: for ``RESOLVE``, the resolver's measured error text, if any.
        time_s: when the failure happens, from the start (``None``: unknown).
        expired: the client's own connect timeout (``ClientStrategy.connect_timeout``)
            ended the connect, during the last try.
        url: the URL as the client prints it in its errors (Bun names it), with ``host``
            for its host: lower case, IDNA-encoded as the client does.
    """

    stage: Stage
    host: str
    port: int
    tries: tuple[TryResult, ...] = ()
    candidates: int = 0
    fallback: Fallback = Fallback.FIRST_ONLY
    handshake: Handshake | None = None
    resolve_error: str | None = None
    time_s: float | None = None
    expired: bool = False
    url: str = ""


Wording = Callable[[Failure], str]
"""A client's error text for a failure, exactly as that client prints it."""


@record
class Answer:
    """What one client does with the server's measured answer to the upgrade, when that
    differs from "a failed handshake fails it with its wording" (its own parser limits, a
    redirect it follows).

    Attributes:
        outcome: connects, fails or unknown.
        error: for ``FAILS``, the text the client prints.
        why: the clause that ends the prediction's story ("it follows the redirect to ...").
        confidence: how well this is known; ``None``: the strategy's.
    """

    outcome: ClientOutcome
    error: str | None = None
    why: str = ""
    confidence: Confidence | None = None


AnswerRule = Callable[[Handshake, WebSocketURL], Answer | None]
"""A client's own reading of a measured handshake; ``None``: the default applies."""


@record
class ClientStrategy:
    """One client's policy, with where each fact comes from.

    Attributes:
        id: stable id used in JSON and tests (``node-17-19``).
        name: display name.
        confidence: how well the policy is known (:class:`~wsexplorer.model.Confidence`).
        source: the URLs, PRs and docs/clients.md facts the policy rests on.
        runtime: ``node``, ``python``, ``curl`` or ``browser``; what-if changes that target a
            runtime (``--dns-result-order``) use it.
        wording: the client's error text for a :class:`Failure`.
        order: how it orders the resolver's addresses.
        addrconfig: it resolves with ``AI_ADDRCONFIG`` (Node's ``net.connect``).
        localhost: its own answer for ``localhost`` and ``*.localhost`` (curl, Chrome), in
            order; IPv6 addresses in it are offered only when IPv6 is enabled (unless
            ``localhost_ipv6_always``). ``None``: it asks the resolver like any other name.
        localhost_ipv6_always: its own ``localhost`` answer keeps its IPv6 addresses when
            IPv6 is disabled, and the connect to them fails at once (Chrome, checked).
        ipv6_route_check: for other names it asks for IPv6 addresses only when a route to
            global IPv6 exists (``SystemFacts.ipv6_routable``; Chrome, checked).
        fallback: what it does after an address fails.
        happy_eyeballs_ms: the delay before the next attempt (Happy Eyeballs only).
        happy_eyeballs_per_family: the delay only starts the other family; addresses of
            one family are tried one after the other, each waiting for the kernel (curl).
            ``False``: every attempt is abandoned after the delay (Node), unless
            ``staggered``.
        staggered: with Happy Eyeballs, no attempt is abandoned: the next address starts
            after the delay (or when the one before fails) while the earlier ones keep
            trying, and the first to connect wins (Chrome; asyncio's
            ``happy_eyeballs_delay``, CPython Lib/asyncio/staggered.py).
        idle_poll_s: with per-family Happy Eyeballs, after a failed attempt that another
            address of the same family follows and that ends once the delay has passed,
            the next starts this much later (curl's idle poll); 0: at once.
        forced_family_fallback: the fallback used when a family is forced (Node ignores
            ``autoSelectFamily`` when ``family`` is set); ``None``: unchanged.
        connect_timeout: the client's own limit on the whole connect, in seconds, and
            what it is called (Python websockets' ``open_timeout`` of 10 s, curl's 300 s);
            ``None``: it waits for the kernel.
        websocket: it speaks WebSocket, so a rejected upgrade fails it; ``False`` for a
            TCP/HTTP reachability client (curl).
        force_ipv4: how to force this client to IPv4 (code or flag); ``None``: it cannot be.
        version: the modelled version, for display.
        on_answer: the client's own reading of the measured answer (any outcome, a 101
            included: its parser may have other limits than websockets'); ``None`` or a
            ``None`` result: a failed handshake fails it with ``wording``.
        names: how it turns the URL's host into the name it resolves (IDNA encoding,
            case; docs/clients.md#names).
        localhost_dot: its own ``localhost`` answer also covers ``localhost.`` (Chrome);
            ``False``: a trailing dot sends the name to the resolver (curl).
        tls_strips_dot: it checks the certificate against the name without its trailing
            dot (Node, curl, Chrome); ``False``: with it (Python's ``ssl``, websockets).
        proxy: how it takes a proxy from the environment (docs/clients.md#proxies);
            ``None``: it ignores the proxy variables (Node's ``ws``).
        moves_on: after a failed try, whether it tries the next address (websocket-client
            moves on only after a refused or network-unreachable connect); ``None``:
            after every failure.
    """

    id: str
    name: str
    confidence: Confidence
    source: str
    runtime: str
    wording: Wording
    order: AddressOrder = AddressOrder.VERBATIM
    addrconfig: bool = False
    localhost: tuple[str, ...] | None = None
    localhost_ipv6_always: bool = False
    ipv6_route_check: bool = False
    fallback: Fallback = Fallback.SEQUENTIAL
    happy_eyeballs_ms: int | None = None
    happy_eyeballs_per_family: bool = False
    staggered: bool = False
    idle_poll_s: float = 0.0
    forced_family_fallback: Fallback | None = None
    connect_timeout: tuple[float, TimeBasis] | None = None
    websocket: bool = True
    force_ipv4: str | None = None
    version: str = ""
    on_answer: AnswerRule | None = None
    names: NameHandling = NameHandling.WHATWG
    localhost_dot: bool = True
    tls_strips_dot: bool = True
    proxy: ProxyPolicy | None = None
    moves_on: Callable[[TryResult], bool] | None = None


def is_localhost_name(host: str) -> bool:
    """True for ``localhost`` and ``*.localhost`` (RFC 6761 section 6.3), any case."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")
