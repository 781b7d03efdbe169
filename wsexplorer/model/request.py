"""The handshake request options a user types: extra headers, subprotocols and ``Origin``.

One parser for each, shared by the command line (``-H``, ``--subprotocol``, ``--origin``)
and the TUI's connection screen (``h``), so both refuse the same input with the same
words. Each raises :class:`InvalidRequestOption`, one line naming the bad part; the text
in it is shown with :func:`~wsexplorer.model.untrusted.clean` escapes, never raw.
"""

from __future__ import annotations

import re

from .errors import WsxError
from .untrusted import clean

__all__ = [
    "MAX_HEADERS",
    "InvalidRequestOption",
    "parse_header",
    "parse_header_lines",
    "parse_origin",
    "parse_subprotocol",
    "parse_subprotocols",
]

MAX_HEADERS = 64
"""Extra headers one request may carry (a paste of a whole log is refused, not sent)."""

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
"""RFC 9110's token: a header name, a subprotocol."""
_ORIGIN = re.compile(r"^https?://[^\s/\x00-\x1f\x7f]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""Controls a header value may not hold (a tab may: RFC 9110 field-value)."""


class InvalidRequestOption(WsxError):
    """A header, subprotocol or origin that cannot be sent."""


def _shown(text: str) -> str:
    """At most 60 characters, quoted, controls escaped (``'X-a\\x1b'``)."""
    return f"'{clean(text[:60])}'"


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` -> ``(name, value)``, both stripped."""
    name, sep, value = text.partition(":")
    name, value = name.strip(), value.strip()
    if not sep or not name:
        raise InvalidRequestOption(f"header {_shown(text)} is not 'Name: value'")
    if not _TOKEN.match(name):
        raise InvalidRequestOption(f"header name {_shown(name)} has characters HTTP forbids")
    if "\r" in value or "\n" in value or "\x00" in value:
        raise InvalidRequestOption(f"header {_shown(name)} value contains a line break")
    if _CONTROL.search(value):
        raise InvalidRequestOption(f"header {_shown(name)} value contains a control character")
    return name, value


def parse_header_lines(text: str) -> tuple[tuple[str, str], ...]:
    """One ``Name: value`` per line (blank lines skipped); the first bad line is named by
    its number. A lone CR inside a line is a line break too (never sent as one value)."""
    lines = text.split("\n")
    headers: list[tuple[str, str]] = []
    for number, line in enumerate(lines, 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            headers.append(parse_header(line))
        except InvalidRequestOption as exc:
            raise InvalidRequestOption(f"line {number}: {exc}") from None
    if len(headers) > MAX_HEADERS:
        raise InvalidRequestOption(f"{len(headers)} headers, at most {MAX_HEADERS}")
    return tuple(headers)


def parse_subprotocol(text: str) -> str:
    if not text or not _TOKEN.match(text):
        raise InvalidRequestOption(
            f"subprotocol {_shown(text)} is not a token (letters, digits, '.', '-', '_' ...)"
        )
    return text


def parse_subprotocols(text: str) -> tuple[str, ...]:
    """Subprotocols separated by commas or spaces, in order, each once."""
    out: list[str] = []
    for word in re.split(r"[,\s]+", text.strip()):
        if word and parse_subprotocol(word) not in out:
            out.append(word)
    return tuple(out)


def parse_origin(text: str) -> str:
    if text == "null" or _ORIGIN.match(text):
        return text
    raise InvalidRequestOption(
        f"origin {_shown(text)} is not scheme://host[:port], e.g. http://localhost:3000"
    )
