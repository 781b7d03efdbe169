"""Observation builders for tests (diagnosis, probes, UI): re-exports of
:mod:`wsexplorer.diagnosis.examples` plus small helpers for measured data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from wsexplorer.diagnosis.examples import (
    DEFAULT_SYSTEM,
    EXAMPLES,
    NOT_KNOWN,
    example,
    gai,
    make_listener,
    make_resolution,
    measured_attempts,
    seed_observation,
)
from wsexplorer.model import (
    Attempt,
    AttemptOutcome,
    DnsAnswer,
    DnsOutcome,
    DnsReport,
    Family,
    GaiResult,
    Handshake,
    HandshakeOutcome,
    Observation,
    Source,
    family_of,
    parse_hosts,
)

__all__ = [
    "DEFAULT_SYSTEM",
    "EXAMPLES",
    "NOT_KNOWN",
    "attempt",
    "example",
    "gai",
    "handshake",
    "hosts_and_dns",
    "make_listener",
    "make_resolution",
    "measured_attempts",
    "seed_observation",
]


def attempt(
    address: str,
    outcome: str | AttemptOutcome,
    *,
    port: int = 8080,
    error: str | None = None,
) -> Attempt:
    """One measured connect to ``address`` (``outcome`` as a string or enum)."""
    fam = family_of(address) or Family.IPV4
    return Attempt(address, fam, AttemptOutcome(outcome), error, 0.1, 0.0, port)


def handshake(
    address: str | None, outcome: str | HandshakeOutcome, status: int | None = None
) -> Handshake:
    """A measured handshake on ``address``."""
    return Handshake(address, HandshakeOutcome(outcome), status)


def hosts_and_dns(
    obs: Observation,
    hosts: Sequence[str],
    dns: Mapping[str, Sequence[str]],
    *,
    nameserver: str = "192.0.2.53",
) -> Observation:
    """``obs`` with ``hosts`` as the hosts file's lines (line 1 first) and ``dns`` as one
    nameserver's answers per type (``{"A": ["192.0.2.10"], "AAAA": []}``; no address is a
    NODATA answer). getaddrinfo's addresses keep their order; each gets the source glibc
    would give it: ``hosts`` when a line of the file names the host, else ``dns``."""
    res = obs.resolution
    file = parse_hosts("\n".join(hosts) + "\n").only(res.host)
    listed = {e.address for e in file.entries}

    def sourced(result: GaiResult) -> GaiResult:
        order = tuple(
            replace(a, source=Source.HOSTS if a.address in listed else Source.DNS)
            for a in result.order
        )
        return replace(result, order=order)

    answers = tuple(
        DnsAnswer(
            nameserver, kind, DnsOutcome.ANSWER if found else DnsOutcome.NO_ANSWER, tuple(found)
        )
        for kind, found in dns.items()
    )
    res = replace(
        res,
        getaddrinfo=sourced(res.getaddrinfo),
        addrconfig=sourced(res.addrconfig),
        hosts_file=file,
        dns=DnsReport(nameservers=(nameserver,), answers=answers),
    )
    return replace(obs, resolution=res)
