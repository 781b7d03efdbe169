"""A message that is JSON, laid out to read: pretty-printed, or one summary line (pure).

:func:`json_view` parses a message's text (only below :data:`JSON_LIMIT` characters, and
only an object or an array) and returns its indented form and a summary line (``{…} 12
keys, 3.4 KiB``). A hostile server cannot make it blow up: nesting too deep for the parser
(``RecursionError``) means "not JSON", containers deeper than :data:`MAX_DEPTH` are shown
as ``{…}`` / ``[…]``, and the indented form stops after :data:`MAX_LINES` lines. The text
returned is sanitised (``model/untrusted.py``): ``json.dumps`` leaves bidi controls and
C1 characters as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..model.untrusted import clean

__all__ = [
    "COLLAPSE_LINES",
    "INLINE_CHARS",
    "JSON_LIMIT",
    "MAX_DEPTH",
    "MAX_LINES",
    "JsonView",
    "json_view",
]

JSON_LIMIT = 64 * 1024
"""Longer texts are not parsed (the session keeps 4,096 characters of a message anyway)."""
MAX_DEPTH = 12
"""Containers nested deeper are shown as ``{…}`` / ``[…]``."""
MAX_LINES = 100
"""The indented form stops after this many lines."""
COLLAPSE_LINES = 12
"""An indented form longer than this starts collapsed to its summary line."""
INLINE_CHARS = 80
"""A message this short stays on one line as it arrived."""

_INDENT = "  "


@dataclass(frozen=True)
class JsonView:
    """One JSON message, ready to show (every text sanitised)."""

    pretty: str
    """Indented, one value a line (at most :data:`MAX_LINES` lines)."""
    summary: str
    """``{…} 12 keys, 3.4 KiB`` or ``[…] 40 items, 812 B``."""
    lines: int
    """Lines in :attr:`pretty`."""
    inline: bool
    """Short enough to show on one line as it arrived."""

    @property
    def long(self) -> bool:
        """Too long to show indented until asked: starts collapsed."""
        return self.lines > COLLAPSE_LINES


def json_view(text: str) -> JsonView | None:
    """The view of ``text`` if it is a JSON object or array below the limits, else None."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "[{" or len(stripped) > JSON_LIMIT:
        return None
    import json  # with the first JSON-looking message, not at start-up (issue 14)

    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):  # RecursionError: nesting too deep to parse
        return None
    lines: list[str] = []
    for line in _lines(value, 0):
        if len(lines) == MAX_LINES:
            lines.append(f"… (more than {MAX_LINES} lines: y copies the whole text)")
            break
        lines.append(line)
    return JsonView(
        pretty=clean("\n".join(lines), keep_newlines=True),
        summary=_summary(value, stripped),
        lines=len(lines),
        inline=len(stripped) <= INLINE_CHARS and "\n" not in stripped,
    )


def _summary(value: object, text: str) -> str:
    if isinstance(value, dict):
        head, n, word = "{…}", len(value), "key"
    else:
        head, n, word = "[…]", len(value) if isinstance(value, list) else 0, "item"
    return (
        f"{head} {n:,} {word}{'' if n == 1 else 's'}, {_size(len(text.encode(errors='replace')))}"
    )


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KiB"


def _scalar(value: object) -> str:
    import json  # imported by json_view before any value gets here

    return json.dumps(value, ensure_ascii=False)


def _lines(value: object, depth: int) -> Iterator[str]:
    """The indented lines of ``value`` (a generator: the caller stops at MAX_LINES)."""
    pad = _INDENT * depth
    yield from _member(pad, "", value, depth, last=True)


def _member(pad: str, key: str, value: object, depth: int, *, last: bool) -> Iterator[str]:
    comma = "" if last else ","
    if isinstance(value, dict | list):
        opener, closer = ("{", "}") if isinstance(value, dict) else ("[", "]")
        if not value:
            yield f"{pad}{key}{opener}{closer}{comma}"
            return
        if depth >= MAX_DEPTH:
            yield f"{pad}{key}{opener}…{closer}{comma}"
            return
        yield f"{pad}{key}{opener}"
        inner = pad + _INDENT
        items = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
        for i, (k, v) in enumerate(items):
            label = "" if k is None else f"{_scalar(k)}: "
            yield from _member(inner, label, v, depth + 1, last=i == len(items) - 1)
        yield f"{pad}{closer}{comma}"
    else:
        yield f"{pad}{key}{_scalar(value)}{comma}"
