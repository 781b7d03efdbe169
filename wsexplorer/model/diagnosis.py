"""Observations in, predictions, verdict and fixes out (the engine's data types)."""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from .address import FamilyChoice
from .attempt import Attempt, AttemptOutcome, Handshake
from .listener import Listener
from .proxy import ProxyCheck, ProxyEnvironment
from .record import record
from .resolution import Resolution
from .trust import TrustCheck
from .url import WebSocketURL

__all__ = [
    "LOOPBACK_BIND",
    "ClientOutcome",
    "ClientPrediction",
    "ClientTry",
    "Confidence",
    "Diagnosis",
    "Exposure",
    "Fix",
    "FixChange",
    "FixHow",
    "Observation",
    "SystemFacts",
    "TimeBasis",
    "Verdict",
]


class Confidence(StrEnum):
    CHECKED = "checked"  # run against the real client in this project's tests
    DOCUMENTED = "documented"  # from the client's docs or source, not run here
    UNVERIFIED = "unverified"  # best knowledge; show as lower confidence


class ClientOutcome(StrEnum):
    CONNECTS = "connects"
    FAILS = "fails"
    UNKNOWN = "unknown"


class TimeBasis(StrEnum):
    """What sets the moment a client's outcome happens (docs/json.md#time-basis)."""

    IMMEDIATE = "immediate"  # at once: a connect that succeeds, an error the kernel returns
    REFUSED = "refused"  # ECONNREFUSED: at once
    SYN_RETRIES = "syn-retries"  # the kernel's SYN timeout (net.ipv4.tcp_syn_retries)
    ARP = "arp"  # IPv4 neighbour resolution failing: EHOSTUNREACH (~3 s)
    ND = "nd"  # IPv6 neighbour discovery failing: EHOSTUNREACH (~3 s)
    HAPPY_EYEBALLS = "happy-eyeballs"  # the client's attempt delay before the next address
    OPEN_TIMEOUT = "open-timeout"  # Python websockets' open_timeout (10 s)
    CONNECT_TIMEOUT = "connect-timeout"  # the client's own connect timeout (curl: 300 s)
    MEASURED = "measured"  # the duration the tracer measured for that error


class FixHow(StrEnum):
    MEASURED = "measured"
    PREDICTED = "predicted"


class Exposure(StrEnum):
    """Who can reach the server after a fix, when the fix changes that."""

    NETWORK = "network"  # every interface (``::``, ``0.0.0.0``): other machines too


@record
class SystemFacts:
    """Machine facts that change what clients do.

    ``has_ipv4`` / ``has_ipv6``: a non-loopback address of that family is configured (what
    ``AI_ADDRCONFIG`` looks at). ``ipv6_enabled``: the kernel has IPv6 at all
    (``::1`` exists). ``bindv6only``: ``net.ipv6.bindv6only``. ``ipv6_routable``: a
    route to a global IPv6 address exists (a UDP connect to ``2001:4860:4860::8888``
    succeeds: Chrome's IPv6 reachability check, docs/clients.md#chrome); ``None``: not
    checked.

    The kernel settings that decide how long a silent or unreachable address takes
    (``None``: not read; docs/clients.md#kernel-timing): ``tcp_syn_retries`` and
    ``tcp_syn_linear_timeouts`` (``net.ipv4.*``, the latter absent before Linux 6.x: 0),
    and ``neighbour_ipv4_ms`` / ``neighbour_ipv6_ms``, how long ARP / neighbour discovery
    asks before the kernel gives up on an address (``(mcast_solicit + app_solicit) x
    retrans_time_ms`` of ``net.ipv{4,6}.neigh.default``).
    """

    ipv6_enabled: bool = True
    has_ipv4: bool = True
    has_ipv6: bool = False
    bindv6only: int | None = 0
    tcp_syn_retries: int | None = None
    tcp_syn_linear_timeouts: int | None = None
    neighbour_ipv4_ms: int | None = None
    neighbour_ipv6_ms: int | None = None
    ipv6_routable: bool | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "ipv6_enabled": self.ipv6_enabled,
            "has_ipv4": self.has_ipv4,
            "has_ipv6": self.has_ipv6,
            "bindv6only": self.bindv6only,
            "tcp_syn_retries": self.tcp_syn_retries,
            "tcp_syn_linear_timeouts": self.tcp_syn_linear_timeouts,
            "neighbour_ipv4_ms": self.neighbour_ipv4_ms,
            "neighbour_ipv6_ms": self.neighbour_ipv6_ms,
            "ipv6_routable": self.ipv6_routable,
        }


@record
class Observation:
    """Everything measured about one URL, the engine's only input.

    ``listeners`` are the sockets on the URL's port (meaningful when the target is this
    machine: ``local_target``). ``attempts`` are the tracer's per-address connects in
    resolution order; ``probes`` are extra measured connects (``127.0.0.1``, ``::1``, the
    name's IPv4 addresses) used to mark a fix as measured. ``proxy_env`` are the proxy
    variables wsexplorer ran with; ``proxies`` what it measured at the proxies that apply
    to some client (docs/clients.md#proxies).
    """

    url: WebSocketURL
    resolution: Resolution
    listeners: tuple[Listener, ...] = ()
    listeners_known: bool = True
    local_target: bool = True
    attempts: tuple[Attempt, ...] = ()
    handshake: Handshake | None = None
    probes: tuple[Attempt, ...] = ()
    system: SystemFacts = field(default_factory=SystemFacts)
    family: FamilyChoice = FamilyChoice.AUTO
    trust: TrustCheck | None = None  # wss:// only: the chain against each client's store
    proxy_env: ProxyEnvironment = field(default_factory=ProxyEnvironment)
    proxies: tuple[ProxyCheck, ...] = ()


@record
class ClientTry:
    """One address a client would try and how that try would end."""

    address: str
    outcome: AttemptOutcome  # UNKNOWN: nothing measured it and no listener decides it

    def to_json(self) -> dict[str, object]:
        return {"address": self.address, "outcome": self.outcome.value}


@record
class ClientPrediction:
    """What one client would do with this URL on this machine."""

    id: str
    name: str
    outcome: ClientOutcome
    tries: tuple[ClientTry, ...]
    address: str | None
    error: str | None
    confidence: Confidence
    source: str = ""
    why: str = ""
    time_s: float | None = None  # when the outcome happens, from the start; None: unknown
    time_basis: str | None = None  # what sets it (a TimeBasis value); None: unknown
    proxy: str | None = None  # the proxy URL it goes through (masked); None: direct
    proxy_variable: str | None = None  # the variable that proxy came from

    @property
    def connects(self) -> bool:
        return self.outcome is ClientOutcome.CONNECTS

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "outcome": self.outcome.value,
            "tries": [t.to_json() for t in self.tries],
            "address": self.address,
            "error": self.error,
            "confidence": self.confidence.value,
            "source": self.source,
            "why": self.why,
            "time_s": None if self.time_s is None else round(self.time_s, 3),
            "time_basis": self.time_basis,
            "proxy": None
            if self.proxy is None
            else {"url": self.proxy, "variable": self.proxy_variable},
        }


LOOPBACK_BIND = "loopback"
"""A server host meaning both loopbacks, ``127.0.0.1`` and ``::1`` (two sockets): what
``::`` dual-stack does for local clients, without being reachable from the network."""


@record
class FixChange:
    """The live change a fix makes, as a value the UI applies (``None``: unchanged).

    Attributes:
        family: the family the client is forced to (``FamilyChoice.IPV4``).
        url_host: the host to put in the URL instead of the name.
        server_bind: ``(host, mode)`` to rebind a server on this machine to: ``("::",
            "dual-stack")``, or ``(LOOPBACK_BIND, "default")`` for a server kept on loopback.
        note: one line on what the change does beyond the fix's title, or ``""``.
    """

    family: FamilyChoice | None = None
    url_host: str | None = None
    server_bind: tuple[str, str] | None = None
    note: str = ""

    def to_json(self) -> dict[str, object]:
        bind = self.server_bind
        return {
            "family": None if self.family is None else self.family.value,
            "url_host": self.url_host,
            "server_bind": None if bind is None else {"host": bind[0], "mode": bind[1]},
            "note": self.note,
        }


@record
class Fix:
    """One change the user could make, and whether every modelled client connects after it.

    ``key`` is the key that tries it live (``f``, ``l``, ``d``; ``None`` for fixes made in
    code), ``label`` the short name on its button. ``change`` is what trying it live
    changes; it is ``None`` when there is nothing to change from here, and then ``reason``
    says why (not applicable, already in effect, or a change made elsewhere: a DNS zone, a
    hosts file, client code). ``clients`` are the ids of the clients the change alters
    (each one's result is in ``after``).
    """

    id: str
    title: str
    works: bool
    how: FixHow
    detail: str
    node: str = ""
    python: str = ""
    after: tuple[ClientPrediction, ...] = ()
    applicable: bool = True
    key: str | None = None
    label: str = ""
    reason: str = ""
    change: FixChange | None = None
    clients: tuple[str, ...] = ()
    exposure: Exposure | None = None
    """``NETWORK`` when the fix makes the server listen on every interface (the words in
    ``detail`` say so too); ``None`` when it leaves who can connect unchanged."""
    in_effect: bool = False
    """The change is already in place (the family forced, an IP address in the URL, the
    server on those addresses): shown as in effect, not as "not applicable"."""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "works": self.works,
            "how": self.how.value,
            "detail": self.detail,
            "node": self.node,
            "python": self.python,
            "applicable": self.applicable,
            "after": [
                {
                    "id": c.id,
                    "outcome": c.outcome.value,
                    "address": c.address,
                    "error": c.error,
                    "time_s": None if c.time_s is None else round(c.time_s, 3),
                    "confidence": c.confidence.value,
                }
                for c in self.after
            ],
            "key": self.key,
            "reason": self.reason,
            "change": None if self.change is None else self.change.to_json(),
            "clients": list(self.clients),
            "exposure": None if self.exposure is None else self.exposure.value,
            "in_effect": self.in_effect,
        }


@record
class Verdict:
    """The overall answer: whether the connection works, in one line."""

    ok: bool
    summary: str

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "summary": self.summary}


@record
class Diagnosis:
    """The engine's result: the observation, every client's prediction, the verdict, the fixes."""

    observation: Observation
    clients: tuple[ClientPrediction, ...]
    verdict: Verdict
    fixes: tuple[Fix, ...]
    notes: tuple[str, ...] = ()

    def client(self, client_id: str) -> ClientPrediction:
        for c in self.clients:
            if c.id == client_id:
                return c
        raise KeyError(client_id)

    def fix(self, fix_id: str) -> Fix:
        for f in self.fixes:
            if f.id == fix_id:
                return f
        raise KeyError(fix_id)

    def to_json(self) -> dict[str, object]:
        obs = self.observation
        return {
            "schema": "wsexplorer.diagnosis/1",
            "url": obs.url.redacted(),
            "host": obs.url.host,
            "port": obs.url.port,
            "path": obs.url.path,
            "family": obs.family.value,
            "resolution": obs.resolution.to_json(),
            "listeners": [lis.to_json() for lis in obs.listeners],
            "listeners_known": obs.listeners_known,
            "local_target": obs.local_target,
            "system": obs.system.to_json(),
            "proxy_environment": obs.proxy_env.to_json(),
            "proxies": [p.to_json() for p in obs.proxies],
            "attempts": [a.to_json() for a in obs.attempts],
            "probes": [a.to_json() for a in obs.probes],
            "handshake": None if obs.handshake is None else obs.handshake.to_json(),
            "tls": None if obs.trust is None else obs.trust.to_json(),
            "clients": [c.to_json() for c in self.clients],
            "verdict": self.verdict.to_json(),
            "fixes": [f.to_json() for f in self.fixes],
            "notes": list(self.notes),
        }
