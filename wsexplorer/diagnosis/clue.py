"""Reading a pasted error: the line any client's wording matches, what it names, and the
connection it implies (pure; the patterns come from :mod:`.signatures`)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from ..model.record import record
from .clients import CATALOGUE
from .signatures import ErrorKind, signatures
from .strategy import ClientStrategy

__all__ = ["MAX_TEXT", "Clue", "Target", "implied_target", "read_error"]

MAX_TEXT = 64 * 1024
"""Only this many characters of a pasted text are read (a whole log is not needed)."""


@record
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
    """OpenSSL's words without Python's source position (``(_ssl.c:1006)``) and the
    quote and brackets aiohttp closes them with."""
    if value is None:
        return None
    return re.sub(r"\s*\(_ssl\.c:\d+\)(?:['\"]\)\])?$", "", value.strip())


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


@record
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
