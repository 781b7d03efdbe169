"""Spans as ``rich`` text: the one mapping from a :class:`Tone` to a terminal style.

Used by the terminal report and by the TUI's panes. Every span's text goes through
:func:`~wsexplorer.model.untrusted.clean` here, so a renderer that builds its text with
:func:`to_text` shows no control character from outside.
"""

from __future__ import annotations

from rich.text import Text

from ..model.untrusted import clean
from .rows import Span, Tone

__all__ = ["STYLES", "to_text"]

STYLES = {
    Tone.OK: "green",
    Tone.BAD: "red",
    Tone.WARN: "yellow",
    Tone.DIM: "dim",
    Tone.PLAIN: "",
    Tone.STRONG: "bold",
    Tone.V4: "bold cyan",
    Tone.V6: "bold magenta",
}


def to_text(spans: tuple[Span, ...] | Span, style: str = "") -> Text:
    """``spans`` as one cleaned :class:`~rich.text.Text` (``style`` under them all)."""
    if isinstance(spans, Span):
        spans = (spans,)
    out = Text(style=style)
    for s in spans:
        out.append(clean(s.text), style=STYLES[s.tone] or None)
    return out
