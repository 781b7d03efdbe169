"""Observation builders for tests (diagnosis, probes, UI): re-exports of
:mod:`wsexplorer.diagnosis.examples` plus small helpers for measured data."""

from __future__ import annotations

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
    Family,
    Handshake,
    HandshakeOutcome,
    family_of,
)

__all__ = [
    "DEFAULT_SYSTEM",
    "EXAMPLES",
    "NOT_KNOWN",
    "attempt",
    "example",
    "gai",
    "handshake",
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
