"""TCP ports. A module of its own so the fastest commands (``listeners``) need nothing else."""

from __future__ import annotations

from .errors import InvalidPort

__all__ = ["parse_port"]


def parse_port(text: str, what: str = "port") -> int:
    """Parse a TCP port (1-65535) or raise :class:`InvalidPort` naming ``what``."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit():
        raise InvalidPort(f"{what} {text!r} is not a number: use 1-65535")
    port = int(stripped)
    if not 1 <= port <= 65535:
        raise InvalidPort(f"{what} {port} is out of range: use 1-65535")
    return port
