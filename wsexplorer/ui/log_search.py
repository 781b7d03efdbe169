"""Plain-text, case-insensitive search in the session log's lines (pure: no Textual).

The log searches the text it shows, already sanitised (``model/untrusted.py``): a
query is never a pattern and server text is never markup. :func:`fold` lowers a text
without changing its length (``"İ".lower()`` is two characters), so an offset in the
folded text is an offset in the shown one.
"""

from __future__ import annotations

__all__ = ["count_label", "find_all", "fold"]


def fold(text: str) -> str:
    """``text`` lowered, character for character (same length, same offsets)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def find_all(folded: str, query: str) -> list[int]:
    """Where the folded ``query`` starts in ``folded`` (non-overlapping, left to right)."""
    needle = fold(query)
    if not needle:
        return []
    found: list[int] = []
    at = folded.find(needle)
    while at != -1:
        found.append(at)
        at = folded.find(needle, at + len(needle))
    return found


def count_label(current: int | None, total: int) -> str:
    """``3 of 17`` (``current`` counts from 0), ``17 matches``, or ``no match``."""
    if total == 0:
        return "no match"
    if current is None:
        return f"{total:,} match{'' if total == 1 else 'es'}"
    return f"{current + 1:,} of {total:,}"
