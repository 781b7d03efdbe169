"""The one exception root of wsexplorer's parsers, and one error per parser."""

from __future__ import annotations

__all__ = ["InvalidPort", "InvalidResolve", "InvalidURL", "WsxError"]


class WsxError(ValueError):
    """Root of every error wsexplorer reports to the user as bad input.

    ``str(err)`` is one line that names the bad part and what would be valid.
    """


class InvalidURL(WsxError):
    """Raised by :func:`wsexplorer.model.url.parse_url` for a URL it cannot use."""


class InvalidPort(WsxError):
    """Raised by :func:`wsexplorer.model.url.parse_port` for a port outside 1-65535."""


class InvalidResolve(WsxError):
    """Raised by :func:`wsexplorer.model.override.parse_resolve` for a bad HOST:PORT:ADDR."""
