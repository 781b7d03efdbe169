"""Every client's error texts as patterns, for ``why`` to read pasted errors with.

The texts are not a second list: every client's own :data:`Wording` (the one the engine
predicts with) is rendered for each kind of failure with sentinel values for the host,
address, port, status and time, and the sentinels become capture groups. A client added
to the catalogue is recognised with no change here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from enum import StrEnum
from functools import cache

from ..model import (
    AttemptOutcome,
    Family,
    Handshake,
    HandshakeOutcome,
    ResponseHead,
    WebSocketURL,
    parse_url,
)
from ..model.record import record
from ..model.trust import CertNames
from .clients import CATALOGUE
from .strategy import ClientStrategy, Failure, Fallback, Stage, TryResult
from .trust import MISMATCH_KEY

__all__ = ["ErrorKind", "Signature", "signatures"]


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


@record
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
_SSL_LINE = " WSXSSLLINE"  # Python's " (_ssl.c:1006)" after OpenSSL's words

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
    (re.escape(_SSL_LINE), r"(?: \(_ssl\.c:\d+\))?"),
)
_SSL_ERROR = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
_END = r"(?=$|[\s'\",;)\]])"  # Node 24 appends "; if the root CA …" to issuer errors
_NET_ERROR = re.compile(r"net::ERR_[A-Z_]+")
_ANY_NET_ERROR = "net::ERR_WSXANY"  # becomes a pattern for any net error name
_MIN_LITERAL = 8  # a pattern must say this much besides its captures (quotes included)

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
    # A name mismatch, with the certificate's names for the clients that quote them, and
    # Python's source position after it (aiohttp quotes the whole text: in double quotes
    # when it holds a single one).
    mismatch = f"Hostname mismatch, certificate is not valid for '{_HOST}'."
    names: dict[str, object] = {MISMATCH_KEY: CertNames(dns=(_REASON,))}
    tls.append(Handshake(_V4, HandshakeOutcome.TLS, reason=mismatch,
                         error=f"{_SSL_ERROR}: {mismatch}{_SSL_LINE}", extra=names))  # fmt: skip
    answers = (
        (ErrorKind.HTTP_STATUS, Handshake(_V4, HandshakeOutcome.HTTP_STATUS, status=_STATUS)),
        *((ErrorKind.TLS, hs) for hs in tls),
        (ErrorKind.HANDSHAKE, Handshake(_V4, HandshakeOutcome.TIMEOUT)),
        (ErrorKind.HANDSHAKE, Handshake(_V4, HandshakeOutcome.CLOSED)),
    )
    connected = (TryResult(_V4, Family.IPV4, AttemptOutcome.CONNECTED, measured=True),)
    for kind, hs in answers:
        yield kind, replace(base, stage=Stage.HANDSHAKE, tries=connected, handshake=hs)
    # The same for an IP literal, which the certificate names or not among its addresses.
    literal = f"IP address mismatch, certificate is not valid for '{_V4}'."
    for ips in ((), (_REASON,)):
        extra: dict[str, object] = {MISMATCH_KEY: CertNames(ips=ips)}
        hs = Handshake(_V4, HandshakeOutcome.TLS, reason=literal,
                       error=f"{_SSL_ERROR}: {literal}{_SSL_LINE}", extra=extra)  # fmt: skip
        url = f"{_SCHEME}://{_V4}:{_PORT}{_PATH}"
        at = replace(base, host=_V4, url=url, stage=Stage.HANDSHAKE, tries=connected)
        yield ErrorKind.TLS, replace(at, handshake=hs)


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
            own = (proxy.refused, proxy.rejected, proxy.tunnel_rejected)
            texts += [(ErrorKind.PROXY, t.format(status=_STATUS)) for t in own if t]
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
