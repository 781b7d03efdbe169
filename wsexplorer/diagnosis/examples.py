"""Deterministic observations for tests, screenshots and demos (pure: model objects only).

:func:`seed_observation` builds the situation this project exists for (``localhost``
resolving to ``::1`` first, a server on ``0.0.0.0:8080``) and every variation of it;
:func:`example` returns the named scenarios in :data:`EXAMPLES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from ..model import (
    Address,
    Attempt,
    AttemptOutcome,
    DnsReport,
    Family,
    FamilyChoice,
    GaiResult,
    Handshake,
    HandshakeOutcome,
    HostsFile,
    Listener,
    Observation,
    Resolution,
    SystemFacts,
    family_of,
    parse_hosts,
    parse_resolve,
    parse_url,
)
from .outcome import address_outcome

__all__ = [
    "EXAMPLES",
    "NOT_KNOWN",
    "example",
    "gai",
    "make_listener",
    "make_resolution",
    "measured_attempts",
    "seed_observation",
]

NOT_KNOWN = "[Errno -2] Name or service not known"
DEFAULT_SYSTEM = SystemFacts(ipv6_enabled=True, has_ipv4=True, has_ipv6=True, bindv6only=0)

_ERRORS = {
    AttemptOutcome.REFUSED: "[Errno 111] Connection refused",
    AttemptOutcome.UNREACHABLE: "[Errno 101] Network is unreachable",
    AttemptOutcome.TIMEOUT: "timed out",
    AttemptOutcome.ERROR: "[Errno 104] Connection reset by peer",
}


def gai(addresses: Sequence[str], *, flags: str = "0", error: str | None = None) -> GaiResult:
    """A getaddrinfo result returning ``addresses`` in order (an error if there are none)."""
    if not addresses and error is None:
        error = NOT_KNOWN
    return GaiResult(tuple(Address.of(a) for a in addresses), error, 0.3, flags)


def _addrconfig(order: Sequence[str], system: SystemFacts) -> tuple[str, ...]:
    """What AI_ADDRCONFIG keeps: families with a non-loopback address configured."""
    has = {Family.IPV4: system.has_ipv4, Family.IPV6: system.has_ipv6 and system.ipv6_enabled}
    return tuple(a for a in order if has[family_of(a) or Family.IPV4])


def _hosts(host: str, order: Sequence[str]) -> HostsFile:
    lines = ["# /etc/hosts (example)"]
    if host == "localhost" and set(order) == {"127.0.0.1", "::1"}:
        # Debian's file; glibc sorts ::1 first anyway (RFC 3484 precedence).
        lines += ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
    else:
        lines += [f"{a}\t{host}" for a in order]
    return parse_hosts("\n".join(lines) + "\n")


def _one_family(order: Sequence[str], family: Family, literal: bool) -> list[str]:
    """The per-family getaddrinfo answer: glibc's files backend answers an ``AF_INET``
    lookup from a ``::1`` line with ``127.0.0.1`` (docs/clients.md#resolver-family)."""
    kept = [a for a in order if family_of(a) is family]
    if not kept and not literal and family is Family.IPV4 and "::1" in order:
        kept = ["127.0.0.1"]
    return kept


def make_resolution(
    host: str = "localhost",
    port: int = 8080,
    order: Sequence[str] = ("::1", "127.0.0.1"),
    *,
    addrconfig: Sequence[str] | None = None,
    system: SystemFacts = DEFAULT_SYSTEM,
    error: str | None = None,
    override: str | None = None,
) -> Resolution:
    """A resolution of ``host`` whose flags-0 getaddrinfo returns ``order``.

    ``addrconfig`` defaults to ``order`` filtered as AI_ADDRCONFIG would on ``system``;
    ``override`` is a ``--resolve`` spec (``localhost:8080:[::1],127.0.0.1``).
    """
    kept = _addrconfig(order, system) if addrconfig is None else tuple(addrconfig)
    literal = family_of(host) is not None
    local = host == "localhost" or host.endswith(".localhost")
    return Resolution(
        host=host,
        port=port,
        getaddrinfo=gai(order, error=error),
        addrconfig=gai(kept, flags="AI_ADDRCONFIG", error=error if not order else None),
        ipv4=gai(_one_family(order, Family.IPV4, literal), error=error),
        ipv6=gai(_one_family(order, Family.IPV6, literal), error=error),
        hosts_file=HostsFile("/etc/hosts") if literal else _hosts(host, order),
        nsswitch=("files", "dns"),
        dns=DnsReport(note="answered locally (RFC 6761)" if local else None),
        override=None if override is None else parse_resolve(override),
        is_literal=literal,
    )


def make_listener(
    spec: str | Listener, port: int = 8080, *, pid: int | None = 4242, process: str = "node"
) -> Listener:
    """A TCP listener from ``"0.0.0.0"``, ``"::"`` (dual-stack), ``"::/v6only"``, ``"::1"``..."""
    if isinstance(spec, Listener):
        return spec
    address, _, option = spec.partition("/")
    fam = family_of(address)
    if fam is None:
        raise ValueError(f"not a listener address: {spec!r}")
    v6only = (option == "v6only") if fam is Family.IPV6 else None
    return Listener.make(fam, address, port, v6only, pid=pid, process=process)


def measured_attempts(obs: Observation) -> tuple[tuple[Attempt, ...], tuple[Attempt, ...]]:
    """Model-derived (attempts, probes) as the tracer and probes would measure them:
    one attempt per resolved address in order, and probes of ``127.0.0.1`` and ``::1``."""

    def attempt(address: str) -> Attempt:
        outcome = address_outcome(obs, address)
        fam = family_of(address) or Family.IPV4
        return Attempt(address, fam, outcome, _ERRORS.get(outcome), 0.1, 0.0, obs.url.port)

    attempts = tuple(attempt(a.address) for a in obs.resolution.addresses)
    loopback = ("127.0.0.1", "::1") if obs.system.ipv6_enabled else ("127.0.0.1",)
    return attempts, tuple(attempt(a) for a in loopback)


def seed_observation(
    *,
    host: str = "localhost",
    port: int = 8080,
    path: str = "/subscribe",
    listen: str | Sequence[str | Listener] = "0.0.0.0",
    hosts_order: Sequence[str] = ("::1", "127.0.0.1"),
    addrconfig_order: Sequence[str] | None = None,
    system: SystemFacts = DEFAULT_SYSTEM,
    resolve_error: str | None = None,
    override: str | None = None,
    measured: bool = False,
    attempts: Sequence[Attempt] = (),
    probes: Sequence[Attempt] = (),
    handshake: Handshake | int | None = None,
    family: FamilyChoice = FamilyChoice.AUTO,
    local_target: bool = True,
    listeners_known: bool = True,
) -> Observation:
    """The seed case by default: ``ws://localhost:8080/subscribe``, ``::1`` first, a
    server on ``0.0.0.0:8080``; every argument varies one part.

    Args:
        listen: listener specs for :func:`make_listener` (a single string is one listener,
            ``()`` is nothing listening).
        measured: add tracer attempts and loopback probes derived from the model (as a
            live run against this situation would measure them) and, unless ``handshake``
            says otherwise, a 101 handshake on the first connected address.
        handshake: a :class:`~wsexplorer.model.Handshake`, or an HTTP status answered on
            the first address the model connects to (101 is a success).
    """
    url = parse_url(f"ws://{'[' + host + ']' if ':' in host else host}:{port}{path}")
    specs = (listen,) if isinstance(listen, str) else tuple(listen)
    listeners = tuple(make_listener(s, port) for s in specs)
    obs = Observation(
        url=url,
        resolution=make_resolution(
            host,
            port,
            hosts_order,
            addrconfig=addrconfig_order,
            system=system,
            error=resolve_error,
            override=override,
        ),
        listeners=listeners,
        listeners_known=listeners_known,
        local_target=local_target,
        attempts=tuple(attempts),
        probes=tuple(probes),
        system=system,
        family=family,
    )
    if measured:
        tried, probed = measured_attempts(obs)
        obs = replace(obs, attempts=(*obs.attempts, *tried), probes=(*obs.probes, *probed))
        if handshake is None:
            handshake = 101
    if isinstance(handshake, int):
        handshake = _handshake(obs, handshake)
    return replace(obs, handshake=handshake)


def _handshake(obs: Observation, status: int) -> Handshake:
    connected = next(
        (
            a.address
            for a in obs.resolution.addresses
            if address_outcome(obs, a.address) is AttemptOutcome.CONNECTED
        ),
        None,
    )
    if connected is None:
        return Handshake(None, HandshakeOutcome.NOT_ATTEMPTED)
    if status == 101:
        return Handshake(connected, HandshakeOutcome.OK, 101, "Switching Protocols")
    return Handshake(connected, HandshakeOutcome.HTTP_STATUS, status, None)


EXAMPLES: dict[str, str] = {
    "seed": "localhost -> ::1 first, server on 0.0.0.0 (the classic ECONNREFUSED ::1)",
    "dual-stack": "server on :: with IPV6_V6ONLY=0: everyone connects",
    "v6only": "server on :: with IPV6_V6ONLY=1: IPv4-first clients fail",
    "loopback-ipv4": "server on 127.0.0.1 only",
    "loopback-ipv6": "server on ::1 only",
    "ipv4-only-hosts": "hosts file has only 127.0.0.1 localhost",
    "nothing-listening": "nothing listens on the port",
    "not-resolving": "the name does not resolve",
    "handshake-404": "the server answers the upgrade with HTTP 404",
    "remote-unknown": "a remote host, nothing measured",
    "ipv6-disabled": "IPv6 disabled on the machine, --resolve pins ::1 first",
    "what-if-debian": "--resolve gives localhost a Debian order on an IPv4-only hosts file",
}
"""Named scenarios for :func:`example`, with a one-line description each."""


def _scenarios(port: int, measured: bool) -> dict[str, Callable[[], Observation]]:
    seed = partial(seed_observation, port=port, measured=measured)
    no_ipv6 = SystemFacts(ipv6_enabled=False, has_ipv4=True, has_ipv6=False)
    debian = f"localhost:{port}:[::1],127.0.0.1"
    return {
        "seed": seed,
        "dual-stack": partial(seed, listen="::"),
        "v6only": partial(seed, listen="::/v6only"),
        "loopback-ipv4": partial(seed, listen="127.0.0.1"),
        "loopback-ipv6": partial(seed, listen="::1"),
        "ipv4-only-hosts": partial(seed, hosts_order=("127.0.0.1",)),
        "nothing-listening": partial(seed, listen=()),
        "not-resolving": partial(seed, host="nosuch.invalid", hosts_order=()),
        "handshake-404": partial(seed, listen="::", handshake=404),
        "remote-unknown": partial(
            seed_observation,
            port=port,
            host="ws.example.com",
            hosts_order=("2001:db8::10", "192.0.2.10"),
            listen=(),
            local_target=False,
        ),
        "ipv6-disabled": partial(seed, system=no_ipv6, override=debian),
        "what-if-debian": partial(seed, hosts_order=("127.0.0.1",), override=debian),
    }


def example(name: str, *, port: int = 8080, measured: bool = True) -> Observation:
    """The named scenario from :data:`EXAMPLES` on ``port`` (``remote-unknown`` is never
    measured: that is its point).

    Raises:
        KeyError: for a name not in :data:`EXAMPLES`.
    """
    return _scenarios(port, measured)[name]()
