"""The rows of ``wsexplorer why``: the recognised error, who prints it, the target it
implies and the story (text report; the diagnosis below it has its own rows)."""

from __future__ import annotations

from ..diagnosis.why import Clue, Target, WhyResult
from ..model import Diagnosis
from .rows import Row, Tone, span

__all__ = ["why_rows"]


def why_rows(clue: Clue, target: Target, why: WhyResult, result: Diagnosis) -> list[Row]:
    known = {c.id: c.name for c in result.clients}
    printers = ", ".join(known.get(i, i) for i in clue.clients)
    if why.reproduced:
        state = span("✗ reproduced here" + ("" if why.exact else " (text differs)"), Tone.BAD)
    elif why.failing:
        state = span("✗ not this error, but some clients fail here", Tone.WARN)
    else:
        state = span("✓ not reproduced: every client connects here now", Tone.OK)
    return [
        Row("Error", span(clue.line, Tone.STRONG, code=True)),
        Row("Printed by", span(printers or "no modelled client")),
        Row("Target", span(result.observation.url.redacted(), code=True)),
        Row("", span(f"from {target.how}", Tone.DIM)),
        Row("Here", state),
        Row("Story", span(why.story)),
    ]
