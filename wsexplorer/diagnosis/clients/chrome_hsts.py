"""Chrome's HSTS preload list, as far as it covers whole top-level domains.

Chromium ships a list of names it only ever contacts over HTTPS
(``net/http/transport_security_state_static.json``); a ``ws://`` URL to such a name is
turned into ``wss://`` before any socket opens (an internal redirect; checked with real
Chromium 156 in tests/scenarios/test_chromium.py). Entries with ``include_subdomains``
cover every name under them, and a single-label name equal to the entry (``ws://app/``)
too.

Only the entries for whole top-level domains and other public suffixes are kept here,
from two sources (docs/clients.md#chrome-hsts):

- the ``public-suffix`` block of Chromium's ``transport_security_state_static.json``
  (chromium/chromium commit 007cea8164de): :data:`FROM_SOURCE`;
- top-level domains seen upgraded by Debian's Chromium 156 in a test here and not in that
  block: :data:`MEASURED`.

The list's ~150,000 individual domains are not modelled: for a name under one of them
Chrome's prediction does not know the upgrade.
"""

from __future__ import annotations

__all__ = ["FROM_SOURCE", "MEASURED", "PRELOADED", "hsts_entry"]

FROM_SOURCE = frozenset(
    {
        "android", "app", "bank", "chrome", "dev", "foo", "gle", "gmail", "google",
        "hangout", "insurance", "meet", "new", "page", "play", "search", "youtube",
        "bmoattachments.org", "now.sh", "cnpy.gdn", "gentapps.com",
    }
)  # fmt: skip
MEASURED = frozenset(
    {
        "boo", "channel", "dad", "day", "eat", "esq", "fly", "ing", "meme", "mov", "nexus",
        "phd", "prof", "rsvp", "zip",
    }
)  # fmt: skip
PRELOADED = FROM_SOURCE | MEASURED


def hsts_entry(host: str) -> str | None:
    """The preloaded entry that covers ``host`` (any case, a trailing dot ignored), or
    ``None``: ``hsts_entry("api.App.dev.")`` is ``"dev"``, ``hsts_entry("app")`` is
    ``"app"``."""
    labels = host.rstrip(".").lower().split(".")
    for i in range(len(labels)):
        suffix = ".".join(labels[i:])
        if suffix in PRELOADED:
            return suffix
    return None
