"""Pure data: addresses, hosts files, URLs, resolutions, listeners, attempts, diagnoses.

Nothing here does I/O or imports Textual or websockets.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported on the lean listeners path
if TYPE_CHECKING:
    from typing import Any

    from .address import (
        Address,
        Family,
        FamilyChoice,
        Source,
        family_of,
        is_loopback,
        is_wildcard,
        split_zone,
    )
    from .attempt import Attempt, AttemptOutcome, Handshake, HandshakeOutcome, ResponseHead
    from .diagnosis import (
        LOOPBACK_BIND,
        ClientOutcome,
        ClientPrediction,
        ClientTry,
        Confidence,
        Diagnosis,
        Exposure,
        Fix,
        FixChange,
        FixHow,
        Observation,
        SystemFacts,
        TimeBasis,
        Verdict,
    )
    from .errors import InvalidPort, InvalidResolve, InvalidURL, WsxError
    from .hosts import HostsEntry, HostsFile, HostsProblem, parse_hosts
    from .listener import AcceptsSource, Listener, ListenerScan, accepts_for, listener_takes
    from .options import LOOPBACK, BindMode, ObserveOptions, ServerConfig, select_family
    from .override import ResolveOverride, find_override, parse_resolve
    from .port import parse_port
    from .resolution import (
        DnsAnswer,
        DnsOutcome,
        DnsReport,
        GaiResult,
        IgnoredNameserver,
        Resolution,
    )
    from .session import Direction, SessionEvent, SessionEventKind, SessionState
    from .url import DEFAULT_URL, WebSocketURL, parse_url, redact_query, unredact

# Names load on first use (PEP 562), so ``from wsexplorer.model.url import parse_port`` in a
# fast command pays only for the modules it needs, not for every dataclass here.
_EXPORTS: dict[str, str] = {
    "AcceptsSource": ".listener",
    "BindMode": ".options",
    "LOOPBACK": ".options",
    "ObserveOptions": ".options",
    "ServerConfig": ".options",
    "select_family": ".options",
    "Address": ".address",
    "Attempt": ".attempt",
    "AttemptOutcome": ".attempt",
    "ClientOutcome": ".diagnosis",
    "ClientPrediction": ".diagnosis",
    "ClientTry": ".diagnosis",
    "Confidence": ".diagnosis",
    "DEFAULT_URL": ".url",
    "Diagnosis": ".diagnosis",
    "Direction": ".session",
    "DnsAnswer": ".resolution",
    "DnsOutcome": ".resolution",
    "DnsReport": ".resolution",
    "Family": ".family",
    "FamilyChoice": ".family",
    "Fix": ".diagnosis",
    "FixChange": ".diagnosis",
    "Exposure": ".diagnosis",
    "FixHow": ".diagnosis",
    "GaiResult": ".resolution",
    "Handshake": ".attempt",
    "HandshakeOutcome": ".attempt",
    "HostsEntry": ".hosts",
    "HostsFile": ".hosts",
    "HostsProblem": ".hosts",
    "IgnoredNameserver": ".resolution",
    "InvalidPort": ".errors",
    "InvalidResolve": ".errors",
    "InvalidURL": ".errors",
    "LOOPBACK_BIND": ".diagnosis",
    "Listener": ".listener",
    "ListenerScan": ".listener",
    "Observation": ".diagnosis",
    "Resolution": ".resolution",
    "ResponseHead": ".attempt",
    "ResolveOverride": ".override",
    "SessionEvent": ".session",
    "SessionEventKind": ".session",
    "SessionState": ".session",
    "Source": ".address",
    "SystemFacts": ".diagnosis",
    "TimeBasis": ".diagnosis",
    "Verdict": ".diagnosis",
    "WebSocketURL": ".url",
    "WsxError": ".errors",
    "accepts_for": ".listener",
    "family_of": ".address",
    "is_loopback": ".address",
    "is_wildcard": ".address",
    "listener_takes": ".listener",
    "parse_hosts": ".hosts",
    "parse_port": ".port",
    "find_override": ".override",
    "parse_resolve": ".override",
    "parse_url": ".url",
    "redact_query": ".url",
    "unredact": ".url",
    "split_zone": ".address",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module  # here: the package imports warnings (~0.5 ms)

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_URL",
    "LOOPBACK",
    "LOOPBACK_BIND",
    "AcceptsSource",
    "Address",
    "Attempt",
    "AttemptOutcome",
    "BindMode",
    "ClientOutcome",
    "ClientPrediction",
    "ClientTry",
    "Confidence",
    "Diagnosis",
    "Direction",
    "DnsAnswer",
    "DnsOutcome",
    "DnsReport",
    "Exposure",
    "Family",
    "FamilyChoice",
    "Fix",
    "FixChange",
    "FixHow",
    "GaiResult",
    "Handshake",
    "HandshakeOutcome",
    "HostsEntry",
    "HostsFile",
    "HostsProblem",
    "IgnoredNameserver",
    "InvalidPort",
    "InvalidResolve",
    "InvalidURL",
    "Listener",
    "ListenerScan",
    "Observation",
    "ObserveOptions",
    "Resolution",
    "ResolveOverride",
    "ResponseHead",
    "ServerConfig",
    "SessionEvent",
    "SessionEventKind",
    "SessionState",
    "Source",
    "SystemFacts",
    "TimeBasis",
    "Verdict",
    "WebSocketURL",
    "WsxError",
    "accepts_for",
    "family_of",
    "find_override",
    "is_loopback",
    "is_wildcard",
    "listener_takes",
    "parse_hosts",
    "parse_port",
    "parse_resolve",
    "parse_url",
    "redact_query",
    "select_family",
    "split_zone",
    "unredact",
]
