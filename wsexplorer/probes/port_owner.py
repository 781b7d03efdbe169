"""Who holds a TCP port: the words of a "port in use" error, and a free port.

``serve`` and ``demo`` bind with ``SO_REUSEADDR`` (a port whose old connections linger in
TIME_WAIT is free to listen on again); a port some socket still listens on is an error
naming the port and its owner, read from the kernel's socket table as
``wsexplorer listeners`` reads it. Process names are other users' text: shown through
:func:`~wsexplorer.model.untrusted.clean`.
"""

from __future__ import annotations

import socket

from ..model.untrusted import clean

__all__ = ["AUTO_PORT_HINT", "in_use_text", "owners_text", "pick_free_port"]

AUTO_PORT_HINT = "choose another with --port P, or --port auto for a free one"


def owners_text(port: int) -> str | None:
    """``node[1234]`` (or several, comma-separated) for the sockets listening on ``port``;
    ``None`` when no listening socket holds it or the table cannot be read."""
    from .listeners import scan_listeners

    try:
        scan = scan_listeners(port=port)
    except OSError:
        return None
    names: list[str] = []
    for lis in scan.on_port(port):
        if lis.pid is None:
            name = "a process of another user (run as root to see which)"
        else:
            name = f"{clean(lis.process or '?')}[{lis.pid}]"
        if name not in names:
            names.append(name)
    return ", ".join(names) if names else None


def in_use_text(port: int) -> str:
    """``port 8080 is in use by node[1234]; choose another with --port P, or --port auto ...``."""
    owner = owners_text(port)
    if owner is None:
        # No socket listens: connections of a server that set no SO_REUSEADDR linger in
        # TIME_WAIT (Linux keeps them 60 s) and hold the port until then.
        return (
            f"port {port} is in use (no socket listens on it: a closed server's connections "
            f"may hold it for up to 60 s); {AUTO_PORT_HINT}"
        )
    return f"port {port} is in use by {owner}; {AUTO_PORT_HINT}"


def pick_free_port(address: str) -> int:
    """A port nothing listens on at ``address`` right now (the kernel's choice)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])
