"""Text wsexplorer does not control, made safe to show: one sanitiser for every renderer.

Server messages, close reasons, status lines, response headers, subprotocols, hosts-file
lines, resolv.conf entries and the names other users give their processes all reach the
screen. A terminal obeys escape sequences in that text: ``ESC ] 52`` writes the
clipboard, ``ESC ] 0`` the window title, ``ESC [ 2 J`` clears the screen, ``ESC ] 8``
makes a link, and U+202E reverses what follows. Markdown renders ``![x](url)`` and
``<img>`` as live images, and ``|`` splits a table cell.

* :func:`clean` turns every C0/C1 control, DEL, bidi control, line/paragraph separator,
  zero-width space, BOM and lone surrogate into a visible escape (``\\x1b``,
  ``\\u202e``), as ``ps`` shows unprintable process names. Plain text is returned as
  it is (the same object), so the common case costs one regex scan.
* :func:`md_text`, :func:`md_code` and :func:`md_fence` make a cleaned value inert in
  Markdown prose, in an inline code span (also inside a table cell) and in a fenced block.

JSON needs none of this: ``json.dumps`` escapes control characters itself, and a JSON
consumer gets the raw value.
"""

from __future__ import annotations

import re

__all__ = [
    "clean",
    "clip",
    "dump_json",
    "has_unsafe",
    "json_safe",
    "md_code",
    "md_fence",
    "md_text",
]

# Cc: C0 (U+0000-U+001F), DEL (U+007F), C1 (U+0080-U+009F). Bidi: LRM, RLM, ALM,
# embeddings/overrides U+202A-U+202E, isolates U+2066-U+2069. U+2028/U+2029 break lines in
# some renderers; U+200B and U+FEFF hide text; U+D800-U+DFFF are lone surrogates (bytes
# that were not UTF-8, kept by surrogateescape) that would fail to encode on output.
_UNSAFE_CLASS = (
    "\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff"
)
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# With keep_newlines the class above must not match "\n": rebuild it without U+000A.
_UNSAFE_KEEP_NL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2066-\u2069\ufeff\ud800-\udfff]"
)


def has_unsafe(text: str) -> bool:
    """True when :func:`clean` would change ``text``."""
    return _UNSAFE.search(text) is not None


def clean(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` (``str()`` of it) with every unsafe character shown as an escape.

    Args:
        text: any value; ``None`` becomes ``""``.
        keep_newlines: leave ``\\n`` as a line break (multi-line messages); everything
            else, ``\\r`` included, is still escaped.

    Returns:
        A string with no control, bidi-control or surrogate character in it. Safe text
        comes back unchanged.
    """
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    pattern = _UNSAFE_KEEP_NL if keep_newlines else _UNSAFE
    if pattern.search(s) is None:
        return s
    return pattern.sub(_escape, s)


def json_safe(text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the characters it leaves
    raw but a terminal acts on (DEL, C1, bidi controls, separators, lone surrogates)
    written as ``\\uXXXX`` escapes: the same JSON value, safe to print. ``json.dumps``
    escapes C0 controls in strings itself; the only raw one left is the indentation's
    line break, which is kept."""
    if _UNSAFE_KEEP_NL.search(text) is None:
        return text
    return _UNSAFE_KEEP_NL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dump_json(data: object) -> str:
    """Pretty JSON (``indent=2``), readable Unicode kept and made safe to print by
    :func:`json_safe`: what ``--json`` writes. Here, not in ``report``, so a ``--json``
    command does not load the terminal renderer (rich) it never uses."""
    import json

    return json_safe(json.dumps(data, indent=2, ensure_ascii=False))


def clip(text: str, limit: int) -> str:
    """:func:`clean` ``text``, tabs as spaces, cut to ``limit`` characters (ending in
    ``…`` when cut): for long untrusted lines such as a hosts-file line."""
    shown = clean(text[: limit + 1].replace("\t", " "))  # escapes only lengthen it
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


# CommonMark lets a backslash escape any ASCII punctuation; these are the characters that
# start emphasis, links, images, HTML, entities, code spans, tables and strikethrough.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|!~#])")


def md_text(text: object) -> str:
    """A cleaned value for Markdown prose: emphasis, links, images, HTML and entities
    are escaped so they show as the characters they are."""
    return _MD_SPECIAL.sub(r"\\\1", clean(text))


def md_code(text: object, *, in_table: bool = False) -> str:
    """A cleaned value as an inline code span, whatever backticks it contains.

    Inside a code span nothing is interpreted (no HTML, links or emphasis); the fence is
    one backtick longer than the longest run in the value. In a GFM table cell ``|``
    is escaped as ``\\|``, which the table parser honours even inside code spans.
    """
    s = clean(text)
    if in_table:
        s = s.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def md_fence(lines: list[str], info: str = "") -> list[str]:
    """Lines in a fenced code block whose fence no line can close (each line cleaned)."""
    body = [clean(line) for line in lines]
    longest = max((len(run) for line in body for run in re.findall(r"`{3,}", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *body, fence]
