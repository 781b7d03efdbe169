"""Masking of credentials in everything wsexplorer shows or writes (reports, JSON, UI)."""

from __future__ import annotations

__all__ = ["SECRET_HEADERS", "mask_header", "mask_headers"]

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-auth-token",
        "x-access-token",
        "sec-websocket-key",
        "sec-websocket-accept",
    }
)


def mask_header(name: str, value: str) -> str:
    """The value to show for header ``name``: credentials become ``***``.

    ``Authorization: Bearer abc`` shows as ``Bearer ***`` (the scheme helps debugging and
    is not secret); cookies and API keys are masked whole.
    """
    lname = name.lower()
    if lname not in SECRET_HEADERS:
        return value
    if lname.endswith("authorization") and " " in value.strip():
        return value.strip().split(" ", 1)[0] + " ***"
    return "***"


def mask_headers(headers: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [[k, mask_header(k, v)] for k, v in headers]
