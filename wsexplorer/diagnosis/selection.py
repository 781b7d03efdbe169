"""Which clients to model: ``--clients`` (comma-separated client ids or runtime names).

``node`` picks every Node.js client, ``python`` every Python one, and so on for each
``ClientStrategy.runtime`` in the catalogue; an id picks one client. The result keeps the
catalogue's display order. Pure: the CLI turns :class:`UnknownClient` into one line and
exit 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ..model.errors import WsxError
from .clients import CATALOGUE
from .strategy import ClientStrategy

__all__ = ["UnknownClient", "client_words", "select_clients"]


class UnknownClient(WsxError):
    """A ``--clients`` word that is neither a client id nor a runtime name."""


def client_words(catalogue: Sequence[ClientStrategy] = CATALOGUE) -> tuple[str, ...]:
    """Every word ``--clients`` accepts: the runtimes, then the ids, in catalogue order."""
    words = dict.fromkeys([*(s.runtime for s in catalogue), *(s.id for s in catalogue)])
    return tuple(words)


def select_clients(
    spec: str, catalogue: Sequence[ClientStrategy] = CATALOGUE
) -> tuple[ClientStrategy, ...]:
    """The clients ``spec`` names, in catalogue order.

    Raises:
        UnknownClient: an empty list, or a word that is no id or runtime (the message
            suggests the closest word and lists the valid ones).
    """
    words = [w.strip().lower() for w in spec.split(",") if w.strip()]
    known = client_words(catalogue)
    if not words:
        raise UnknownClient(f"no client named; use ids or runtimes: {', '.join(known)}")
    for word in words:
        if word not in known:
            close = difflib.get_close_matches(word, known, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise UnknownClient(f"unknown client '{word}'; {hint}known: {', '.join(known)}")
    chosen = set(words)
    return tuple(s for s in catalogue if s.id in chosen or s.runtime in chosen)
