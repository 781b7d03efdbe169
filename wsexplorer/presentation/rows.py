"""The presentation model's values: a tone, a span of text in one tone, a labelled row.

Rows carry **raw** model text (an address, an error a client prints, a process name a
local user chose). Every renderer sanitises what it shows: the terminal report and the
TUI through :func:`wsexplorer.presentation.style.to_text` (which applies
:func:`~wsexplorer.model.untrusted.clean` to each span), the Markdown export through
``md_code`` for spans marked ``code`` and ``md_text`` for the rest. A renderer never
formats a model value itself; it only lays rows out.

These are ``NamedTuple``s, not dataclasses: they compare and unpack like tuples, and the
module stays cheap to import.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = ["Row", "Span", "Tone", "join", "plain", "span"]


class Tone(StrEnum):
    """How a piece of text should look; the words alone must still carry the meaning
    (a failing value also says ✗ or "fails"), since colour may be off."""

    OK = "ok"
    BAD = "bad"
    WARN = "warn"
    DIM = "dim"
    PLAIN = "plain"
    STRONG = "strong"
    V4 = "v4"  # an IPv4 address
    V6 = "v6"  # an IPv6 address


class Span(NamedTuple):
    """A piece of text in one tone; ``code`` marks a literal (an address, an error
    text) that Markdown shows as a code span."""

    text: str
    tone: Tone = Tone.PLAIN
    code: bool = False


class Row(NamedTuple):
    """``label``: ``spans`` -- one line of a section (the label may be empty)."""

    label: str
    spans: tuple[Span, ...]

    @property
    def value(self) -> str:
        """The row's text without tones."""
        return plain(self.spans)

    @property
    def tone(self) -> Tone:
        """The row's strongest tone (bad, then warn, then ok), for renderers that show
        a row in one style."""
        tones = {s.tone for s in self.spans}
        for t in (Tone.BAD, Tone.WARN, Tone.OK):
            if t in tones:
                return t
        return Tone.DIM if tones == {Tone.DIM} else Tone.PLAIN


def span(text: str, tone: Tone = Tone.PLAIN, *, code: bool = False) -> tuple[Span, ...]:
    """One span as a tuple, the shape rows and cells take."""
    return (Span(text, tone, code),)


def plain(spans: tuple[Span, ...]) -> str:
    return "".join(s.text for s in spans)


def join(parts: list[tuple[Span, ...]], sep: str = ", ") -> tuple[Span, ...]:
    """``parts`` separated by ``sep`` (plain)."""
    out: list[Span] = []
    for i, part in enumerate(parts):
        if i and sep:
            out.append(Span(sep))
        out += part
    return tuple(out)
