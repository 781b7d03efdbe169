"""Which name answered: the resolv.conf search list, and the other names clients resolve.

glibc's stub resolver (``resolv/res_query.c``, ``__res_context_search``; resolv.conf(5))
treats a name ending in a dot as absolute and asks for it alone. For a relative name it
appends each ``search`` domain in turn, first when the name has fewer dots than ``ndots``
(1 unless ``options ndots:N``), otherwise after the name as typed. ``search`` and
``domain`` lines replace each other, the last one counting. :func:`search_expansion`
replays that order with absolute names to tell which spelling answered. The
``LOCALDOMAIN`` and ``RES_OPTIONS`` environment variables, which override the file, are
not read.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from wsexplorer.model import GaiResult
from wsexplorer.model.names import SearchExpansion, is_absolute

from ..model.record import record
from .sysconf import read_text

__all__ = [
    "MAXDNSRCH",
    "SearchConfig",
    "parse_search_config",
    "search_expansion",
    "search_skipped",
]

#: glibc uses at most this many search domains (``MAXDNSRCH`` in resolv.h).
MAXDNSRCH = 6
_MAX_NDOTS = 15  # RES_MAXNDOTS in resolv.h


@record
class SearchConfig:
    """The search list glibc uses: domains, the line that set them (0: none), ``ndots``."""

    domains: tuple[str, ...] = ()
    line: int = 0
    ndots: int = 1


def parse_search_config(text: str) -> SearchConfig:
    """The ``search`` / ``domain`` list and ``options ndots:N`` of resolv.conf text."""
    domains: tuple[str, ...] = ()
    line = 0
    ndots = 1
    for number, raw in enumerate(text.split("\n"), start=1):
        words = raw.split()
        if not words or words[0][0] in "#;":
            continue
        if words[0] in ("search", "domain") and len(words) > 1:
            domains = tuple(w.rstrip(".") for w in words[1:] if w.rstrip("."))[:MAXDNSRCH]
            if words[0] == "domain":
                domains = domains[:1]
            line = number
        elif words[0] == "options":
            for option in words[1:]:
                key, _, value = option.partition(":")
                if key == "ndots" and value.isdigit():
                    ndots = min(int(value), _MAX_NDOTS)
    return SearchConfig(domains, line, ndots)


def _search_config(path: str) -> SearchConfig:
    """The search list of the resolv.conf at ``path`` (empty when unreadable)."""
    text, _error = read_text(path)
    return parse_search_config(text or "")


def search_expansion(
    name: str,
    answer: GaiResult,
    lookup: Callable[[str], GaiResult],
    *,
    resolv_conf_path: str = "/etc/resolv.conf",
    deadline: float | None = None,
) -> SearchExpansion | None:
    """The search domain that answered ``name``, or ``None`` (answered as typed, absolute,
    unanswered, or no search list).

    Args:
        name: the relative name that was resolved.
        answer: its getaddrinfo answer; nothing is looked up when it failed.
        lookup: resolves one absolute name (``getaddrinfo``).
        resolv_conf_path: the resolv.conf to read the search list from.
        deadline: a ``time.monotonic()`` value after which no further lookup starts.
    """
    if answer.error is not None or not answer.order or is_absolute(name):
        return None
    config = _search_config(resolv_conf_path)
    if not config.domains:
        return None
    typed: list[str | None] = [None]
    early = name.count(".") >= config.ndots
    order = [*(typed if early else []), *config.domains, *([] if early else typed)]
    for domain in order:
        if deadline is not None and time.monotonic() > deadline:
            return None
        spelled = f"{name}." if domain is None else f"{name}.{domain}."
        if lookup(spelled).error is not None:
            continue
        if domain is None:
            return None
        expanded = f"{name}.{domain}"
        return SearchExpansion(name, domain, expanded, config.line, resolv_conf_path, config.ndots)
    return None


def search_skipped(
    name: str,
    answer: GaiResult,
    lookup: Callable[[str], GaiResult],
    *,
    resolv_conf_path: str = "/etc/resolv.conf",
    deadline: float | None = None,
) -> SearchExpansion | None:
    """For an absolute ``name`` (a trailing dot) that did not resolve: the first search
    domain that answers the name without its dot, or ``None``.

    Args: as :func:`search_expansion`; ``name`` ends in a dot here.
    """
    if (answer.error is None and answer.order) or not is_absolute(name):
        return None
    config = _search_config(resolv_conf_path)
    bare = name.removesuffix(".")
    for domain in config.domains:
        if deadline is not None and time.monotonic() > deadline:
            return None
        if lookup(f"{bare}.{domain}.").error is None:
            expanded = f"{bare}.{domain}"
            return SearchExpansion(
                bare, domain, expanded, config.line, resolv_conf_path, config.ndots
            )
    return None
