"""Which clients a person sees first: the failing ones in full, the rest grouped.

With a dozen clients in the catalogue, one row each buries the few that fail. So the
text report, the Markdown export and the TUI show every client that fails (then every
unknown one) on its own row, and the clients that connect grouped by where they connect
and when: ``✓ 7 others  connect via 127.0.0.1: node-16, node-20, …``. JSON always lists
every modelled client. One wording here for all three renderers.
"""

from __future__ import annotations

from ..model import ClientOutcome, ClientPrediction, Confidence, Diagnosis
from .facts import ClientRow, client_mark, client_row, client_time
from .rows import Span, Tone

__all__ = ["shown_client_rows"]

_ORDER = {ClientOutcome.FAILS: 0, ClientOutcome.UNKNOWN: 1, ClientOutcome.CONNECTS: 2}


def _named(c: ClientPrediction) -> str:
    """A client's id, with its confidence when that is not ``checked``."""
    return c.id if c.confidence is Confidence.CHECKED else f"{c.id} ({c.confidence.value})"


def _group_row(members: list[ClientPrediction], others: bool) -> ClientRow:
    first = members[0]
    when = client_time(first)
    result: tuple[Span, ...] = (
        Span("connect via ", Tone.OK),
        Span(first.address or "", Tone.OK, code=True),
    )
    if when is not None:
        result += (Span(" " + when.removeprefix("connects "), Tone.DIM),)
    result += (Span(": " + ", ".join(_named(c) for c in members), Tone.PLAIN),)
    label = f"{len(members)} others" if others else f"{len(members)} clients"
    return ClientRow("", client_mark(ClientOutcome.CONNECTS), label, result, "")


def shown_client_rows(
    d: Diagnosis, *, group: bool = True, single: frozenset[str] = frozenset()
) -> list[ClientRow]:
    """The client rows in the order a person reads them: failing, unknown, connecting.

    With ``group``, clients that connect to the same address at the same time (two or
    more) share one row whose name says how many; ``group=False`` (clients the user
    picked with ``--clients``) keeps one row per client, failing ones first. Clients in
    ``single`` (those a pasted error names) always keep a row of their own.
    """
    ordered = sorted(d.clients, key=lambda c: _ORDER[c.outcome])
    if not group:
        return [client_row(c) for c in ordered]
    rows = [
        client_row(c) for c in ordered if c.outcome is not ClientOutcome.CONNECTS or c.id in single
    ]
    groups: dict[tuple[str | None, str | None], list[ClientPrediction]] = {}
    for c in ordered:
        if c.outcome is ClientOutcome.CONNECTS and c.id not in single:
            groups.setdefault((c.address, client_time(c)), []).append(c)
    others = bool(rows)
    for members in groups.values():
        rows.append(client_row(members[0]) if len(members) == 1 else _group_row(members, others))
    return rows
