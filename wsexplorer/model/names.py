"""Host names as each client spells them: IDNA 2003 or UTS-46, case, the trailing dot.

The URL keeps its host exactly as typed (:class:`~wsexplorer.model.url.WebSocketURL`);
each client turns it into the name it hands to the resolver in its own way
(:class:`NameHandling`, docs/clients.md#names):

* ``WHATWG``: the WHATWG URL parser (Node's ``new URL``, Chrome): UTS-46 non-transitional
  processing (IDNA 2008), lower case, a trailing dot kept: ``faß.test`` ->
  ``xn--fa-hia.test``.
* ``CURL``: curl converts a non-ASCII name with libidn2 (UTS-46 non-transitional, as
  WHATWG) and leaves an ASCII name as typed, its case included.
* ``IDNA2003``: Python ``websockets`` lower-cases the host (``urllib.parse``) and encodes
  a non-ASCII one with Python's ``idna`` codec (IDNA 2003): ``faß.test`` -> ``fass.test``.

A name ending in a dot is absolute: glibc's resolver never appends the resolv.conf
``search`` domains to it (resolv.conf(5)), so ``svc.`` and ``svc`` may resolve differently.
"""

from __future__ import annotations

from enum import StrEnum

from .address import family_of
from .record import record

__all__ = [
    "NameHandling",
    "SearchExpansion",
    "client_name",
    "encode_idna2003",
    "encode_uts46",
    "is_absolute",
    "lookup_key",
]


class NameHandling(StrEnum):
    """How a client turns the URL's host into the name it resolves."""

    WHATWG = "whatwg"  # UTS-46 non-transitional, lower case (Node, Chrome)
    CURL = "curl"  # ASCII as typed, otherwise UTS-46 non-transitional (libidn2)
    IDNA2003 = "idna2003"  # lower case, Python's idna codec (websockets)


def encode_uts46(host: str) -> str:
    """``host`` under UTS-46 non-transitional processing (IDNA 2008), lower case, a trailing
    dot kept.

    Raises:
        UnicodeError: the name is not valid under UTS-46 / IDNA 2008.
    """
    import idna  # only for non-ASCII names: most runs never load its tables

    try:
        return idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError as exc:
        raise UnicodeError(str(exc)) from None


def encode_idna2003(host: str) -> str:
    """``host`` lower-cased and encoded with Python's ``idna`` codec (IDNA 2003), as
    ``websockets`` does; a trailing dot kept.

    Raises:
        UnicodeError: the codec refuses the name.
    """
    name = host.lower()
    return name if name.isascii() else name.encode("idna").decode("ascii")


def client_name(host: str, handling: NameHandling) -> str:
    """The name a client with ``handling`` resolves and prints for the URL's ``host``.

    IP literals come back unchanged. ``host`` must have passed
    :func:`~wsexplorer.model.url.parse_url`, which checks that both encodings accept it.
    """
    if family_of(host) is not None:
        return host
    if handling is NameHandling.IDNA2003:
        return encode_idna2003(host)
    if not host.isascii():
        return encode_uts46(host)
    return host if handling is NameHandling.CURL else host.lower()


def lookup_key(name: str) -> str:
    """The spelling two names that resolve alike share (the resolver ignores case)."""
    return name.lower()


def is_absolute(name: str) -> bool:
    """True for a name ending in a dot: the resolver applies no ``search`` domain."""
    return name.endswith(".")


@record
class SearchExpansion:
    """The resolver answered a relative name through a resolv.conf search domain.

    Attributes:
        name: the name as asked (``app``).
        domain: the search domain that answered (``corp.test``).
        expanded: the name that was resolved (``app.corp.test``).
        line: the resolv.conf line (1-based) holding the ``search`` or ``domain`` keyword.
        path: the resolv.conf read.
        ndots: the ``ndots`` option in effect (1 unless ``options ndots:N`` says otherwise).
    """

    name: str
    domain: str
    expanded: str
    line: int
    path: str = "/etc/resolv.conf"
    ndots: int = 1

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "domain": self.domain,
            "expanded": self.expanded,
            "line": self.line,
            "path": self.path,
            "ndots": self.ndots,
        }
