"""``why``: read a pasted error, name the clients that print it, and tell its story.

The reading is in :mod:`.clue` (with the clients' wordings as patterns from
:mod:`.signatures`); this module tells the story of a clue against a diagnosis and keeps
the names of all three importable from here.

Pure: the caller observes the implied target and passes the :class:`Diagnosis` in.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ..model import ClientOutcome, Diagnosis
from ..model.record import record
from .clue import MAX_TEXT, Clue, Target, implied_target, read_error
from .signatures import ErrorKind, Signature, signatures

__all__ = [
    "MAX_TEXT",
    "Clue",
    "ErrorKind",
    "Signature",
    "Target",
    "WhyResult",
    "explain",
    "implied_target",
    "read_error",
    "signatures",
    "why_json",
]

_KIND_WORDS = {
    ErrorKind.REFUSED: "a connection to {where} is refused (nothing listens there for that "
    "address family)",
    ErrorKind.TIMEOUT: "a connection to {where} gets no answer (packets dropped or a slow "
    "path) until the client gives up",
    ErrorKind.UNREACHABLE: "{where} cannot be reached (no route, or no neighbour answers)",
    ErrorKind.NOT_FOUND: "the name {host} does not resolve",
    ErrorKind.HTTP_STATUS: "the server answers the WebSocket upgrade with HTTP {status}",
    ErrorKind.TLS: "the TLS certificate check fails{reason}",
    ErrorKind.HANDSHAKE: "the server does not complete the WebSocket upgrade",
    ErrorKind.PROXY: "the proxy from the environment (https_proxy, http_proxy, all_proxy) "
    "cannot be reached or refuses the tunnel",
    ErrorKind.CONNECT: "the connection to {where} fails before the WebSocket opens; the "
    "text does not say why (the same words stand for a name, connect or upgrade failure)",
}


def _when(clue: Clue) -> str:
    where = clue.address or clue.host or "the server"
    if clue.port:
        where = f"{where} port {clue.port}"
    reason = f" ({clue.reason})" if clue.reason else ""
    return _KIND_WORDS[clue.kind].format(
        where=where, host=clue.host or "in the URL", status=clue.status or "", reason=reason
    )


@record
class WhyResult:
    """The pasted error read against the diagnosis of its target on this machine.

    Attributes:
        reproduced: a client that prints the text fails here too.
        exact: ... with the very same text.
        story: the explanation in plain words.
        failing, connecting: the ids of the clients that fail / connect here.
    """

    reproduced: bool
    exact: bool
    story: str
    failing: tuple[str, ...]
    connecting: tuple[str, ...]


def _names(result: Diagnosis, ids: Iterable[str]) -> str:
    names = [result.client(i).name for i in ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _unnamed_loopback(clue: Clue, target: Target) -> str:
    """Where a name would have led to the loopback address of the text (the seed case)."""
    if target.names or not clue.address or not ipaddress.ip_address(clue.address).is_loopback:
        return ""
    if ipaddress.ip_address(clue.address).version == 6:
        return (
            "No name resolves to ::1 first on this machine; where the hosts file lists "
            "'::1 localhost' (Debian, Ubuntu, most container images) localhost does, and "
            "a client that tries only the first address fails like this."
        )
    return "No name resolves to it first on this machine."


def explain(clue: Clue, target: Target, result: Diagnosis) -> WhyResult:
    """Whether the diagnosis here reproduces ``clue``, and the story of both."""
    known = {c.id for c in result.clients}
    printers = [i for i in clue.clients if i in known]
    failing = tuple(c.id for c in result.clients if c.outcome is ClientOutcome.FAILS)
    connecting = tuple(c.id for c in result.clients if c.connects)
    same = [i for i in printers if i in failing]
    exact = any((result.client(i).error or "\0") in clue.line for i in same)
    url = result.observation.url.redacted()
    who = _names(result, printers) or "A client wsexplorer does not model"
    parts = [f"{who} print{'s' if len(printers) <= 1 else ''} this when {_when(clue)}."]
    parts.append(_unnamed_loopback(clue, target))
    if same:
        verb = "fails" if len(same) == 1 else "fail"
        text = "with the same text" if exact else "(the text differs in detail)"
        parts.append(f"It happens here: {_names(result, same)} {verb} on {url} {text}.")
        if connecting:
            parts.append(f"{_names(result, connecting)} would connect.")
        parts.append(_sentence(result.verdict.summary))
        working = [f.title for f in result.fixes if f.works and f.applicable]
        if working:
            count = "One fix works" if len(working) == 1 else f"{len(working)} fixes work"
            parts.append(f"{count}: " + "; ".join(working) + ".")
    elif failing:
        parts.append(
            f"Not reproduced here for {who}, but {_names(result, failing)} "
            f"fail{'s' if len(failing) == 1 else ''} on {url}: " + _sentence(result.verdict.summary)
        )
    else:
        parts.append(f"Not reproduced here: every client would connect to {url} now.")
    return WhyResult(bool(same), exact, " ".join(p for p in parts if p), failing, connecting)


def why_json(clue: Clue, target: Target, why: WhyResult, result: Diagnosis) -> dict[str, object]:
    """``wsexplorer.why/1`` (docs/json.md): the pasted text is untrusted, so the caller
    dumps it through :func:`~wsexplorer.model.untrusted.json_safe`."""
    return {
        "schema": "wsexplorer.why/1",
        "error": clue.line,
        "kind": clue.kind.value,
        "matches": list(clue.clients),
        "target": {
            "url": result.observation.url.redacted(),
            "host": clue.host,
            "port": clue.port,
            "address": clue.address,
            "status": clue.status,
            "how": target.how,
            "names": list(target.names),
        },
        "reproduced": why.reproduced,
        "exact": why.exact,
        "failing": list(why.failing),
        "story": why.story,
        "diagnosis": result.to_json(),
    }
