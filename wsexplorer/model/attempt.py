"""What a live connection tried: per-address TCP attempts and the WebSocket handshake."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .address import Family
from .secrets import mask_headers

__all__ = ["Attempt", "AttemptOutcome", "Handshake", "HandshakeOutcome"]


class AttemptOutcome(StrEnum):
    CONNECTED = "connected"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One TCP connect to one address."""

    address: str
    family: Family
    outcome: AttemptOutcome
    error: str | None = None
    elapsed_ms: float = 0.0
    started_ms: float = 0.0
    port: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "address": self.address,
            "family": self.family.value,
            "outcome": self.outcome.value,
            "error": self.error,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "started_ms": round(self.started_ms, 3),
        }


class HandshakeOutcome(StrEnum):
    OK = "ok"  # 101 Switching Protocols
    HTTP_STATUS = "http_status"  # an HTTP answer other than 101
    TIMEOUT = "timeout"  # TCP connected, no answer to the upgrade in time
    CLOSED = "closed"  # the peer closed before answering
    INVALID = "invalid"  # the answer was not valid HTTP / not a valid upgrade
    TLS = "tls"  # wss:// whose TLS handshake failed (``reason``: the verify message)
    ERROR = "error"
    NOT_ATTEMPTED = "not_attempted"  # no address connected


@dataclass(frozen=True, slots=True)
class Handshake:
    """The WebSocket opening handshake over the first connected address."""

    address: str | None
    outcome: HandshakeOutcome
    status: int | None = None
    reason: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    subprotocol: str | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome is HandshakeOutcome.OK

    def to_json(self) -> dict[str, object]:
        return {
            "address": self.address,
            "outcome": self.outcome.value,
            "status": self.status,
            "reason": self.reason,
            "headers": mask_headers(self.headers),
            "subprotocol": self.subprotocol,
            "error": self.error,
            "elapsed_ms": round(self.elapsed_ms, 3),
        }
