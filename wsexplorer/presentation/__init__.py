"""The presentation model: every fact the engine produces, worded once, as rows.

``model`` -> ``diagnosis`` -> **presentation** -> ``report`` (text, Markdown) and ``ui``.
The rows carry raw model text and a :class:`Tone`; each renderer sanitises what it
shows (see :mod:`.rows`) and only decides the layout. This package may import ``rich``
(:mod:`.style`), never Textual.
"""

from __future__ import annotations

from .clients import shown_client_rows
from .facts import (
    ClientRow,
    FixRow,
    ListenerRow,
    accepts_spans,
    attempt_spans,
    client_mark,
    client_rows,
    client_time,
    duration_words,
    family_word,
    fix_live_note,
    fix_row,
    fix_rows,
    fix_status,
    listener_row,
    listeners_more,
    listeners_note,
    listeners_subtitle,
    process_spans,
    verdict_spans,
)
from .handshake import (
    HandshakeView,
    body_line,
    explain_status,
    handshake_view,
    status_advice,
    tls_advice,
)
from .proxies import proxy_check_spans, proxy_rows
from .resolution import (
    SOURCE_WORDS,
    address_spans,
    hosts_problem_rows,
    ignored_nameserver_rows,
    resolution_rows,
    system_row,
)
from .rows import Row, Span, Tone, join, plain, span

__all__ = [
    "SOURCE_WORDS",
    "ClientRow",
    "FixRow",
    "HandshakeView",
    "ListenerRow",
    "Row",
    "Span",
    "Tone",
    "accepts_spans",
    "address_spans",
    "attempt_spans",
    "body_line",
    "client_mark",
    "client_rows",
    "client_time",
    "duration_words",
    "explain_status",
    "family_word",
    "fix_live_note",
    "fix_row",
    "fix_rows",
    "fix_status",
    "handshake_view",
    "hosts_problem_rows",
    "ignored_nameserver_rows",
    "join",
    "listener_row",
    "listeners_more",
    "listeners_note",
    "listeners_subtitle",
    "note_rows",
    "plain",
    "process_spans",
    "proxy_check_spans",
    "proxy_rows",
    "resolution_rows",
    "shown_client_rows",
    "span",
    "status_advice",
    "system_row",
    "tls_advice",
    "verdict_spans",
]


def note_rows(notes: tuple[str, ...]) -> list[Row]:
    """``note: …`` rows (dim)."""
    return [Row("note", span(n, Tone.DIM)) for n in notes]
