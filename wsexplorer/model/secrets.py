"""Masking of credentials in everything wsexplorer shows or writes (reports, JSON, UI).

One module decides what is secret; JSON, text, Markdown and the TUI all call it.

What counts as secret (names are compared case-insensitively):

* A query or fragment parameter, or a header, whose name CONTAINS one of
  :data:`SECRET_TERMS` (``token``, ``secret``, ``auth``, ``key``, ``signature``,
  ``password``, ``session``, ``credential``): ``X-Amz-Signature``,
  ``X-Amz-Security-Token``, ``auth_token``, ``client_secret``, ``id_token``,
  ``refresh_token``, ``accessToken``, ``X-Csrf-Token``, ``X-Api-Key``...
  Substrings rather than a list, because credentials come under endless names.
* A name in :data:`SECRET_NAMES` (short or unusual credential names that contain no term:
  ``sid``, ``sig``, ``jwt``, ``code``, ``cookie``...).
* A subprotocol that carries a bearer token (Kubernetes'
  ``base64url.bearer.authorization.k8s.io.<token>``): the prefix stays, the token goes.
* URLs inside values (``Location``, error texts): their password and secret parameters.

What stays readable, because it helps debugging and holds no credential:

* The structure around a secret: parameter and cookie names, the ``Bearer`` / ``Basic``
  scheme of an ``Authorization``, cookie attributes (``HttpOnly``, ``Path=/``), the user
  name of a URL (not its password).
* Names that contain a term by accident, listed in :data:`READABLE_NAMES`: the server's
  challenge (``WWW-Authenticate``, ``Proxy-Authenticate``: a realm, never a credential),
  CORS headers (``Access-Control-Allow-Credentials: true`` names headers, holds none),
  ``author``, ``keyword``/``keywords``.
* Everything else: ``Sec-WebSocket-Version``, ``Sec-WebSocket-Extensions``,
  ``Content-Length``, ``Connection: keep-alive`` (``keep-alive`` is not ``key``) contain no
  term. ``Sec-WebSocket-Key`` and ``Sec-WebSocket-Accept`` do contain ``key``/are listed
  and are masked: they are random per connection and say nothing a reader needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "MASK",
    "READABLE_NAMES",
    "SECRET_HEADERS",
    "SECRET_NAMES",
    "SECRET_TERMS",
    "is_secret_name",
    "mask_header",
    "mask_headers",
    "mask_query",
    "mask_subprotocol",
    "mask_text",
    "mask_url",
]

MASK = "***"

SECRET_TERMS = ("token", "secret", "auth", "key", "signature", "password", "session", "credential")
"""A name containing one of these (any case) is a secret's name."""

SECRET_NAMES = frozenset(
    {
        "sid",
        "sig",
        "jwt",
        "code",
        "ticket",
        "bearer",
        "pass",
        "passwd",
        "pwd",
        "cookie",
        "set-cookie",
        "sec-websocket-accept",
    }
)
"""Credential names that contain no term of :data:`SECRET_TERMS`."""

READABLE_NAMES = frozenset(
    {
        "www-authenticate",
        "proxy-authenticate",
        "author",
        "authors",
        "keyword",
        "keywords",
    }
)
"""Names that contain a term but never hold a credential (see the module docstring)."""

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
"""Well-known credential headers (all of them are also caught by :func:`is_secret_name`)."""

K8S_BEARER_PREFIX = "base64url.bearer.authorization.k8s.io."
_URL = re.compile(r"(?i)\b(?:wss?|https?)://[^\s\"'<>]+")
_SUBPROTOCOL_TERMS = ("bearer", "token", "auth", "secret", "key", "password", "credential")


def is_secret_name(name: str) -> bool:
    """True if a parameter, header or cookie called ``name`` holds a credential."""
    lname = name.strip().lower()
    if lname in READABLE_NAMES or lname.startswith("access-control-"):
        return False
    if lname in SECRET_NAMES:
        return True
    return any(term in lname for term in SECRET_TERMS)


def _mask_params(text: str) -> str:
    """``a=1&token=x`` -> ``a=1&token=***``: the values of secret-named parameters."""
    from urllib.parse import unquote

    parts = []
    for item in text.split("&"):
        name, sep, _value = item.partition("=")
        parts.append(f"{name}={MASK}" if sep and is_secret_name(unquote(name)) else item)
    return "&".join(parts)


def mask_query(query: str) -> str:
    """Mask the values of secret-named parameters in a query string (names stay)."""
    return _mask_params(query)


def mask_url(url: str) -> str:
    """A URL (absolute or relative, valid or not) with its password, secret query and
    fragment parameters masked; the rest kept as it was written."""
    rest, hash_, fragment = url.partition("#")
    head, q, query = rest.partition("?")
    scheme, sep, after = head.partition("://")
    if sep:
        authority, slash, path = after.partition("/")
        if "@" in authority:
            userinfo, _, hostport = authority.rpartition("@")
            user, colon, _password = userinfo.partition(":")
            authority = f"{user}:{MASK}@{hostport}" if colon else f"{userinfo}@{hostport}"
        head = f"{scheme}://{authority}{slash}{path}"
    out = head + (q + _mask_params(query) if q else "")
    return out + (hash_ + _mask_params(fragment) if hash_ else "")


def mask_text(text: str) -> str:
    """Free text (an error message) with every URL in it masked by :func:`mask_url`."""
    return _URL.sub(lambda m: mask_url(m.group(0)), text)


def mask_subprotocol(value: str) -> str:
    """A subprotocol with the token it carries masked.

    ``base64url.bearer.authorization.k8s.io.<token>`` keeps its prefix. Otherwise, a
    dotted name with a component that names a credential (``bearer``, ``token``...) keeps
    the components up to the last such one and masks the rest: ``access_token.abc`` ->
    ``access_token.***``. Plain names (``graphql-ws``, ``mqtt``) are unchanged.
    """
    stripped = value.strip()
    if stripped.lower().startswith(K8S_BEARER_PREFIX):
        return stripped[: len(K8S_BEARER_PREFIX)] + MASK
    parts = stripped.split(".")
    named = [i for i, p in enumerate(parts) if any(t in p.lower() for t in _SUBPROTOCOL_TERMS)]
    if not named or named[-1] == len(parts) - 1:
        return value
    return ".".join(parts[: named[-1] + 1]) + "." + MASK


def _mask_cookie(value: str, set_cookie: bool) -> str:
    pairs = value.split(";")
    out = []
    for i, pair in enumerate(pairs):
        name, sep, _v = pair.partition("=")
        if set_cookie and i > 0:
            out.append(pair)  # attributes: Path, HttpOnly, Expires...
        else:
            out.append(f"{name}={MASK}" if sep else MASK)
    return ";".join(out)


def mask_header(name: str, value: str) -> str:
    """The value to show for header ``name`` (request or response): credentials ``***``.

    ``Authorization: Bearer abc`` shows as ``Bearer ***`` (the scheme helps debugging and
    is not secret); cookies keep their names and attributes; ``Sec-WebSocket-Protocol``
    masks bearer tokens (:func:`mask_subprotocol`); any other header has the URLs in its
    value masked (``Location: /cb?access_token=***``).
    """
    lname = name.strip().lower()
    if lname in ("cookie", "set-cookie"):
        return _mask_cookie(value, lname == "set-cookie")
    if lname == "sec-websocket-protocol":
        return ",".join(
            (" " if i else "") + mask_subprotocol(p.strip()) for i, p in enumerate(value.split(","))
        )
    if is_secret_name(lname):
        if lname.endswith("authorization") and " " in value.strip():
            return value.strip().split(" ", 1)[0] + " " + MASK
        return MASK
    if lname in ("location", "content-location"):
        return mask_url(value.strip())
    return mask_text(value)


def mask_headers(headers: Iterable[tuple[str, str]]) -> list[list[str]]:
    """``[[name, masked value], ...]``, in order."""
    return [[k, mask_header(k, v)] for k, v in headers]
