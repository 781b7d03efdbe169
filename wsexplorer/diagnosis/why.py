"""``why``: read a pasted error, name the clients that print it, and tell its story.

The texts recognised are not a second list: every client's own :data:`Wording` (the one
the engine predicts with) is rendered for each kind of failure with sentinel values for
the host, address, port, status and time, and the sentinels become capture groups. A
client added to the catalogue is recognised by ``why`` with no change here.

Pure: the caller observes the implied target and passes the :class:`Diagnosis` in.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache

from ..model import (
    AttemptOutcome,
    ClientOutcome,
    Diagnosis,
    Family,
    Handshake,
    HandshakeOutcome,
    ResponseHead,
    WebSocketURL,
    parse_url,
)
from ..model.trust import CertNames
from .clients import CATALOGUE
from .strategy import ClientStrategy, Failure, Fallback, Stage, TryResult
from .trust import MISMATCH_KEY

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

MAX_TEXT = 64 * 1024
"""Only this many characters of a pasted text are read (a whole log is not needed)."""


class ErrorKind(StrEnum):
    """What the recognised error says went wrong."""

    REFUSED = "refused"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    NOT_FOUND = "not-found"
    HTTP_STATUS = "http-status"
    TLS = "tls"
    HANDSHAKE = "handshake"
    PROXY = "proxy"
    CONNECT = "connect"  # one text for a refusal and silence alike (Bun, Deno, Node 22's)


@dataclass(frozen=True, slots=True)
class Signature:
    """One client's error text for one kind of failure, as a pattern."""

    client: str
    kind: ErrorKind
    pattern: re.Pattern[str]


# Sentinels: values no real error contains, replaced by capture groups.
_HOST = "wsxsentinel.example"
_V4 = "192.0.2.254"
_V6 = "2001:db8::5e47"
_PORT = 65021
_STATUS = 599
_TIME_S = 31.337  # curl prints it in ms: 31337
_REASON = "WSXREASON"
_PATH = "/wsxsentinelpath"  # the rest of a URL a client prints (Bun names the URL)
_SCHEME = "wsxscheme"  # its scheme: ws or wss

_URL_SENTINEL = f"ws://{_HOST}/wsxpath"

_GROUPS = (
    (re.escape(_URL_SENTINEL.replace("ws://", "https://")), r"(?P<url>\S+)"),
    (re.escape(_URL_SENTINEL), r"(?P<url>\S+)"),
    (re.escape(_HOST), r"(?P<host>[^\s'\"]+?)"),
    (re.escape(_V6), r"(?P<address>[0-9A-Fa-f]*:[0-9A-Fa-f:.]*?)"),
    (re.escape(_V4), r"(?P<address>\d{1,3}(?:\.\d{1,3}){3})"),
    (str(_PORT), r"(?P<port>\d{1,5})"),
    (str(round(_TIME_S * 1000)), r"\d+"),
    (str(_STATUS), r"(?P<status>\d{3})"),
    (_REASON, r"(?P<reason>.+)"),
    ("WSXANY", r"[A-Z0-9_]+"),  # any net error name after "net::ERR_"
    (re.escape(_PATH), r"[^\s'\"]*"),
    (_SCHEME, r"wss?"),
)
_SSL_ERROR = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
_END = r"(?=$|[\s'\",;)\]])"  # Node 24 appends "; if the root CA …" to issuer errors
_NET_ERROR = re.compile(r"net::ERR_[A-Z_]+")
_ANY_NET_ERROR = "net::ERR_WSXANY"  # becomes a pattern for any net error name
_MIN_LITERAL = 8  # a pattern must say this much besides its captures (quotes included)

# The measured error text a try of each outcome carries (Linux errno wording).
# The measured error text a try carries: the errno's words, or asyncio's with the
# sockaddr (the tracer's own connects word them so, and Python clients print them).
_ERRORS = {
    AttemptOutcome.REFUSED: ("[Errno 111] Connection refused",),
    AttemptOutcome.TIMEOUT: (
        "[Errno 110] Connection timed out",
        "[Errno 110] Connect call failed {sockaddr}",
    ),
    AttemptOutcome.UNREACHABLE: (
        "[Errno 113] No route to host",
        "[Errno 101] Network is unreachable",
        "[Errno 113] Connect call failed {sockaddr}",
        "[Errno 99] Cannot assign requested address",  # ::1 with IPv6 disabled
    ),
}
_KINDS = {
    AttemptOutcome.REFUSED: ErrorKind.REFUSED,
    AttemptOutcome.TIMEOUT: ErrorKind.TIMEOUT,
    AttemptOutcome.UNREACHABLE: ErrorKind.UNREACHABLE,
}
_RESOLVE_ERRORS = (
    None,
    "[Errno -2] Name or service not known",
    "[Errno -3] Temporary failure in name resolution",
    "[Errno -5] No address associated with hostname",
)
# OpenSSL's verify messages (X509_verify_cert_error_string), which the clients print.
_TLS_REASONS = (
    "self-signed certificate",
    "self-signed certificate in certificate chain",
    "unable to verify the first certificate",
    "unable to get local issuer certificate",
    "certificate has expired",
    "Hostname mismatch",
    _REASON,
)


def _try(address: str, family: Family, outcome: AttemptOutcome, error: str) -> TryResult:
    sockaddr = (address, _PORT, 0, 0) if family is Family.IPV6 else (address, _PORT)
    text = error.format(sockaddr=repr(sockaddr))
    return TryResult(address, family, outcome, measured=True, error=text)


def _failures() -> Iterable[tuple[ErrorKind, Failure]]:
    """One failure of each kind a client words differently."""
    base = Failure(
        Stage.CONNECT, _HOST, _PORT, time_s=_TIME_S, url=f"{_SCHEME}://{_HOST}:{_PORT}{_PATH}"
    )
    for resolve_error in _RESOLVE_ERRORS:
        yield ErrorKind.NOT_FOUND, replace(base, stage=Stage.RESOLVE, resolve_error=resolve_error)
    for outcome, errors in _ERRORS.items():
        kind = _KINDS[outcome]
        for error in errors:
            v6 = _try(_V6, Family.IPV6, outcome, error)
            v4 = _try(_V4, Family.IPV4, outcome, error)
            for fallback in Fallback:
                for tries in ((v6,), (v4,)):
                    yield kind, replace(base, tries=tries, candidates=1, fallback=fallback)
                yield kind, replace(base, tries=(v6, v4), candidates=2, fallback=fallback)
    expired = TryResult(_V4, Family.IPV4, AttemptOutcome.TIMEOUT, measured=True)
    yield ErrorKind.TIMEOUT, replace(base, tries=(expired,), candidates=1, expired=True)
    tls = [
        Handshake(_V4, HandshakeOutcome.TLS, reason=reason, error=f"{_SSL_ERROR}: {reason}")
        for reason in _TLS_REASONS
    ]
    # A name mismatch, with the certificate's names for the clients that quote them.
    mismatch = f"Hostname mismatch, certificate is not valid for '{_HOST}'."
    names: dict[str, object] = {MISMATCH_KEY: CertNames(dns=(_REASON,))}
    tls.append(Handshake(_V4, HandshakeOutcome.TLS, reason=mismatch,
                         error=f"{_SSL_ERROR}: {mismatch}", extra=names))  # fmt: skip
    answers = (
        (ErrorKind.HTTP_STATUS, Handshake(_V4, HandshakeOutcome.HTTP_STATUS, status=_STATUS)),
        *((ErrorKind.TLS, hs) for hs in tls),
        (ErrorKind.HANDSHAKE, Handshake(_V4, HandshakeOutcome.TIMEOUT)),
        (ErrorKind.HANDSHAKE, Handshake(_V4, HandshakeOutcome.CLOSED)),
    )
    connected = (TryResult(_V4, Family.IPV4, AttemptOutcome.CONNECTED, measured=True),)
    for kind, hs in answers:
        yield kind, replace(base, stage=Stage.HANDSHAKE, tries=connected, handshake=hs)


def _answers() -> Iterable[tuple[ErrorKind, Handshake, WebSocketURL]]:
    """Answers a client's own parser reads in its own words (``on_answer``): a head over
    every parser's limits, and redirects each client handles differently."""
    url = parse_url(f"ws://{_HOST}:{_PORT}/")
    huge = ResponseHead(10**5, 10**7, 10**6, 10**7, True, True, True, "HTTP/1.1", 101)
    yield ErrorKind.HANDSHAKE, Handshake(_V4, HandshakeOutcome.INVALID, 101, head=huge,
                                         limit="header line too long"), url  # fmt: skip
    https = _URL_SENTINEL.replace("ws://", "https://")
    for locations, base in (
        ((https,), url),  # not ws/wss
        (("http://[::1",), url),  # urllib's "Invalid IPv6 URL"
        (("/a", "/b"), url),  # two Location headers
        (("/",), url),  # the URL itself: a loop
        ((_URL_SENTINEL,), replace(url, scheme="wss")),  # a TLS downgrade
    ):
        headers = tuple(("Location", loc) for loc in locations)
        hs = Handshake(_V4, HandshakeOutcome.REDIRECT, 302, headers=headers)
        yield ErrorKind.HANDSHAKE, hs, base


def _pattern(text: str, kind: ErrorKind) -> re.Pattern[str] | None:
    """The text as a pattern with the sentinels captured, or ``None`` when too little of
    it is the client's own words (a text that is all measured reason says nothing), when
    it is no error text at all (the engine's "no error: waits forever"), or when a
    status is not in it (a client that does not tell HTTP statuses apart)."""
    if text.startswith("no error"):
        return None
    if kind is ErrorKind.HTTP_STATUS and str(_STATUS) not in text:
        return None
    rx = re.escape(text)
    literal = text
    named: set[str] = set()
    for sentinel, group in _GROUPS:
        literal = literal.replace(sentinel.replace("\\", ""), "")
        parts = rx.split(sentinel)
        if len(parts) == 1:
            continue
        # A second capture of one name (two addresses in one line) stays unnamed.
        unnamed = re.sub(r"\(\?P<[a-z]+>", "(?:", group)
        name = group.partition("<")[2].partition(">")[0]
        first = unnamed if name in named else group
        named.add(name)
        rx = parts[0] + first + unnamed.join(parts[1:])
    if len(literal.strip()) < _MIN_LITERAL:
        return None
    return re.compile(rx + _END)


_VAGUE = frozenset({ErrorKind.REFUSED, ErrorKind.TIMEOUT})


@cache
def _catalogue_signatures(clients: tuple[ClientStrategy, ...]) -> tuple[Signature, ...]:
    seen: set[tuple[str, str]] = set()
    out: list[Signature] = []
    for client in clients:
        texts = [(kind, client.wording(failure)) for kind, failure in _failures()]
        if client.on_answer is not None:
            for kind, hs, url in _answers():
                answer = client.on_answer(hs, url)
                if answer is not None and answer.error:
                    texts.append((kind, answer.error))
        proxy = client.proxy
        if proxy is not None:
            texts += [(ErrorKind.PROXY, t) for t in (proxy.refused, proxy.rejected) if t]
        # Chrome's net error alone, as DevTools' network panel and many pastes show it,
        # and any other net error name (ERR_CONNECTION_CLOSED...) as this client's.
        nets = [(k, m.group(0)) for k, t in texts if (m := _NET_ERROR.search(t))]
        texts += nets + [(ErrorKind.HANDSHAKE, _ANY_NET_ERROR)] * bool(nets)
        kinds: dict[str, set[ErrorKind]] = {}
        for kind, text in texts:
            pattern = _pattern(text, kind)
            if pattern is not None:
                kinds.setdefault(pattern.pattern, set()).add(kind)
        for kind, text in texts:
            pattern = _pattern(text, kind)
            if pattern is None or (client.id, pattern.pattern) in seen:
                continue
            seen.add((client.id, pattern.pattern))
            # A text the client prints both for a refusal and for silence says neither.
            vague = kinds[pattern.pattern] >= _VAGUE
            said = ErrorKind.CONNECT if vague else kind
            out.append(Signature(client.id, said, pattern))
    return tuple(out)


def signatures(clients: Sequence[ClientStrategy] = CATALOGUE) -> tuple[Signature, ...]:
    """Every client's error texts as patterns (built once per catalogue)."""
    return _catalogue_signatures(tuple(clients))


@dataclass(frozen=True, slots=True)
class Clue:
    """What a pasted text says.

    Attributes:
        line: the recognised line (untrusted: clean before showing).
        kind: what went wrong.
        clients: the ids of every client that prints exactly that line.
        host, address, port, status, reason: what the text names (``None``: not said).
        url: a WebSocket or HTTP URL anywhere in the text.
    """

    line: str
    kind: ErrorKind
    clients: tuple[str, ...]
    host: str | None = None
    address: str | None = None
    port: int | None = None
    status: int | None = None
    reason: str | None = None
    url: str | None = None


_URL = re.compile(r"\b(?:wss?|https?)://[^\s'\"<>`]+")


def _captures(match: re.Match[str]) -> dict[str, str]:
    return {k: v for k, v in match.groupdict().items() if v is not None}


def _port(value: str | None) -> int | None:
    if value is None or not value.isdigit() or not 0 < int(value) < 65536:
        return None
    return int(value)


def _address(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _reason(value: str | None) -> str | None:
    """OpenSSL's words without Python's source position (``(_ssl.c:1006)``)."""
    return None if value is None else re.sub(r"\s*\(_ssl\.c:\d+\)$", "", value.strip())


def read_error(text: str, clients: Sequence[ClientStrategy] = CATALOGUE) -> Clue | None:
    """The first recognised error in ``text`` (a line, a stack trace or a log), or ``None``.

    The first line any client's wording matches decides the kind and the clients; an
    address, port or URL it lacks is taken from the lines after it (Node's
    ``AggregateError`` names its addresses in the stack below).
    """
    text = text[:MAX_TEXT]
    sigs = signatures(clients)
    head: tuple[str, ErrorKind, list[str]] | None = None
    found: dict[str, str] = {}
    for line in text.splitlines():
        hits = [(s, m) for s in sigs if (m := s.pattern.search(line))]
        if not hits:
            continue
        if head is None:
            # The most specific wording wins: curl's TLS line holds Node's bare words.
            best = max(len(m.group(0)) for _, m in hits)
            top = [s for s, m in hits if len(m.group(0)) == best]
            head = (line.strip(), top[0].kind, list(dict.fromkeys(s.client for s in top)))
        for _, m in hits:
            for key, value in _captures(m).items():
                found.setdefault(key, value)
    if head is None:
        return None
    # A URL a client names as a redirect's target is not the URL it was given.
    redirect = found.get("url")
    url = next((m for m in _URL.finditer(text) if m.group(0) != redirect), None)
    line, kind, ids = head
    status = found.get("status")
    return Clue(
        line=line,
        kind=kind,
        clients=tuple(ids),
        host=found.get("host"),
        address=_address(found.get("address")),
        port=_port(found.get("port")),
        status=int(status) if status else None,
        reason=_reason(found.get("reason")),
        url=url.group(0).rstrip(".,;:)]}") if url else None,
    )


@dataclass(frozen=True, slots=True)
class Target:
    """The connection a clue implies.

    Attributes:
        url: the URL to diagnose, or ``None`` when the text does not say enough.
        how: how it was worked out, in words.
        names: the names on this machine that resolve to the clue's address first.
    """

    url: str | None
    how: str
    names: tuple[str, ...] = ()


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def implied_target(clue: Clue, first_names: Sequence[str] = (), url: str | None = None) -> Target:
    """The URL to diagnose: ``url`` if given, else the text's URL, its host and port, or
    its address and port tried under the first name in ``first_names`` (the names on
    this machine that resolve to that address first)."""
    if url:
        return Target(url, "the URL given with --url")
    if clue.url:
        scheme = clue.url.split(":", 1)[0]
        if scheme in ("ws", "wss"):
            return Target(clue.url, "the URL in the text")
        swapped = {"http": "ws", "https": "wss"}[scheme] + clue.url[len(scheme) :]
        return Target(swapped, "the URL in the text, as a WebSocket URL")
    port = clue.port
    if clue.host and port:
        return Target(f"ws://{_bracket(clue.host)}:{port}/", "the host and port in the text")
    if clue.address and port:
        names = tuple(first_names)
        if names:
            how = (
                f"the address {clue.address} and port {port} in the text; here "
                f"{', '.join(names)} resolve{'s' if len(names) == 1 else ''} to "
                f"{clue.address} first"
            )
            return Target(f"ws://{_bracket(names[0])}:{port}/", how, names)
        how = (
            f"the address {clue.address} and port {port} in the text; no name resolves to "
            f"it first here, so the address itself"
        )
        return Target(f"ws://{_bracket(clue.address)}:{port}/", how)
    if clue.host:
        return Target(f"ws://{_bracket(clue.host)}/", "the host in the text (no port said: 80)")
    return Target(None, "the text names no host, address or URL")


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


@dataclass(frozen=True, slots=True)
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
