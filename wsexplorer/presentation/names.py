"""Which name answered, as rows: the resolv.conf search domain, the other names clients use.

A relative name the resolver answered through a ``search`` domain says which domain and
which resolv.conf line; a name another client spells differently (``fass.test`` under
IDNA 2003 next to ``xn--fa-hia.test`` under UTS-46) shows its own answer. The values are
raw model text; renderers sanitise them.
"""

from __future__ import annotations

from ..model import Resolution
from ..model.names import SearchExpansion
from ..model.resolution import NameLookup
from ..model.untrusted import clip
from .rows import Row, Span, Tone, span

__all__ = ["name_rows", "search_row", "skipped_row"]

_NAME_MAX = 300


def search_row(found: SearchExpansion) -> Row:
    """``app resolved as app.corp.test: search domain corp.test (/etc/resolv.conf line 2)``."""
    text = (
        f"{clip(found.name, _NAME_MAX)} resolved as {clip(found.expanded, _NAME_MAX)}: "
        f"search domain {clip(found.domain, _NAME_MAX)} ({clip(found.path, _NAME_MAX)} "
        f"line {found.line}, ndots {found.ndots}); the name as typed was not found"
    )
    return Row("search", span(text, Tone.WARN))


def skipped_row(found: SearchExpansion) -> Row:
    """``svc. ends in a dot: ...; without the dot svc.corp.test answers (...)``."""
    text = (
        f"{clip(found.name, _NAME_MAX)}. ends in a dot: an absolute name, so the search list "
        f"is not applied; without the dot {clip(found.expanded, _NAME_MAX)} answers "
        f"(search domain {clip(found.domain, _NAME_MAX)}, {clip(found.path, _NAME_MAX)} "
        f"line {found.line})"
    )
    return Row("search", span(text, Tone.WARN))


def _other_row(other: NameLookup) -> Row:
    head = (Span(clip(other.name, _NAME_MAX), Tone.STRONG, code=True), Span("  "))
    gai = other.getaddrinfo
    if gai.error:
        answer: tuple[Span, ...] = (Span("✗ ", Tone.BAD), Span(gai.error, Tone.BAD, code=True))
    elif gai.order:
        answer = (Span(", ".join(a.address for a in gai.order), code=True),)
    else:
        answer = span("(none)", Tone.DIM)
    why = Span("  (another IDNA spelling a client resolves instead)", Tone.DIM)
    return Row("other name", (*head, *answer, why))


def name_rows(res: Resolution) -> list[Row]:
    """The search domain that answered the host, then each other name with its answer
    and the search domain that answered it."""
    rows: list[Row] = []
    if res.search is not None:
        rows.append(search_row(res.search))
    if res.search_skipped is not None:
        rows.append(skipped_row(res.search_skipped))
    for other in res.other_names:
        rows.append(_other_row(other))
        if other.search is not None:
            rows.append(search_row(other.search))
    return rows
