"""Pure data: addresses, hosts files, URLs, resolutions, listeners, attempts, diagnoses.

Nothing here does I/O or imports Textual or websockets.
"""

from __future__ import annotations

from .address import Address, Family, Source, family_of, is_loopback, is_wildcard, split_zone
from .attempt import Attempt, AttemptOutcome, Handshake, HandshakeOutcome
from .diagnosis import (
    ClientOutcome,
    ClientPrediction,
    ClientTry,
    Confidence,
    Diagnosis,
    Fix,
    FixHow,
    Observation,
    SystemFacts,
    Verdict,
)
from .errors import InvalidPort, InvalidResolve, InvalidURL, WsxError
from .hosts import HostsEntry, HostsFile, HostsProblem, parse_hosts
from .listener import AcceptsSource, Listener, ListenerScan, accepts_for, listener_takes
from .override import ResolveOverride, parse_resolve
from .resolution import DnsAnswer, DnsOutcome, DnsReport, GaiResult, Resolution
from .session import Direction, SessionEvent, SessionEventKind, SessionState
from .url import DEFAULT_URL, WebSocketURL, parse_port, parse_url, redact_query

__all__ = [
    "DEFAULT_URL",
    "AcceptsSource",
    "Address",
    "Attempt",
    "AttemptOutcome",
    "ClientOutcome",
    "ClientPrediction",
    "ClientTry",
    "Confidence",
    "Diagnosis",
    "Direction",
    "DnsAnswer",
    "DnsOutcome",
    "DnsReport",
    "Family",
    "Fix",
    "FixHow",
    "GaiResult",
    "Handshake",
    "HandshakeOutcome",
    "HostsEntry",
    "HostsFile",
    "HostsProblem",
    "InvalidPort",
    "InvalidResolve",
    "InvalidURL",
    "Listener",
    "ListenerScan",
    "Observation",
    "Resolution",
    "ResolveOverride",
    "SessionEvent",
    "SessionEventKind",
    "SessionState",
    "Source",
    "SystemFacts",
    "Verdict",
    "WebSocketURL",
    "WsxError",
    "accepts_for",
    "family_of",
    "is_loopback",
    "is_wildcard",
    "listener_takes",
    "parse_hosts",
    "parse_port",
    "parse_resolve",
    "parse_url",
    "redact_query",
    "split_zone",
]
