"""Whose certificate check the measured TLS handshake stands for.

wsexplorer's handshake probe is Python ``websockets``: it checks the certificate against
websockets' spelling of the host (IDNA 2003, lower case, a trailing dot kept). Node
(``tls.checkServerIdentity`` drops a trailing dot), curl and Chrome check another
spelling when the host ends in a dot or is written with characters IDNA 2003 and UTS-46
encode differently (docs/clients.md#names). For those clients a measured "Hostname
mismatch" says nothing: the name they check was not measured.
"""

from __future__ import annotations

from ..model import Handshake, HandshakeOutcome, Observation
from ..model.names import NameHandling, client_name, lookup_key
from .strategy import ClientStrategy

__all__ = ["checked_name", "unmeasured_name_check"]

#: What OpenSSL (through Python's ssl) says when the certificate does not name the host.
_MISMATCH = "Hostname mismatch"


def checked_name(host: str, strategy: ClientStrategy) -> str:
    """The name ``strategy``'s client checks the certificate against, for the URL's ``host``."""
    name = client_name(host, strategy.names)
    return name.removesuffix(".") if strategy.tls_strips_dot else name


def unmeasured_name_check(
    obs: Observation, strategy: ClientStrategy, host: str, hs: Handshake
) -> str | None:
    """The name the client checks when the measured handshake failed on a name mismatch
    for another spelling (then the client's own check was not measured), else ``None``.

    Args:
        obs: the observation (its URL says whether TLS is in play).
        strategy: the client.
        host: the host the client is asked for (the URL's, or a what-if's literal).
        hs: the measured handshake on the address the client reached.
    """
    if not obs.url.secure or hs.outcome is not HandshakeOutcome.TLS:
        return None
    if _MISMATCH not in (hs.reason or "") + (hs.error or ""):
        return None
    mine = checked_name(host, strategy)
    probe = client_name(host, NameHandling.IDNA2003)
    return None if lookup_key(mine) == lookup_key(probe) else mine
