"""WebSocket URLs: ``parse_url`` returns a :class:`WebSocketURL` or raises :class:`InvalidURL`."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from urllib.parse import quote, unquote

from .address import Family, family_of
from .errors import InvalidPort, InvalidURL
from .names import encode_idna2003, encode_uts46
from .port import parse_port
from .record import record
from .secrets import mask_query

__all__ = [
    "DEFAULT_URL",
    "WebSocketURL",
    "parse_port",
    "parse_url",
    "redact_query",
    "unredact",
]

DEFAULT_URL = "ws://localhost:8080/"
_DEFAULT_PORTS = {"ws": 80, "wss": 443}
_SCHEME_ALIASES = {"ws": "ws", "wss": "wss", "http": "ws", "https": "wss"}
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_MAX_URL = 8192


def _normalise_host(host: str, original: str) -> str:
    """Validate a host name or IP literal; return it as typed.

    A name keeps its case and its trailing dot (``svc.`` is absolute, ``svc`` is not),
    because clients resolve it differently (:mod:`wsexplorer.model.names`). It must be
    valid under both IDNA encodings clients use (UTS-46 and IDNA 2003), so every client's
    name for it is known.
    """
    if not host:
        raise InvalidURL(f"URL {original!r} has no host: try ws://localhost:8080/")
    if family_of(host) is not None:
        if "%" in host and family_of(host) is Family.IPV4:
            raise InvalidURL(f"host {host!r}: a zone id is only valid on IPv6")
        return host
    if ":" in host:
        raise InvalidURL(f"host {host!r} looks like IPv6: put it in brackets, ws://[{host}]:8080/")
    bare = host.removesuffix(".") if host != "." else ""
    if not bare:
        raise InvalidURL(f"host {host!r} is not a host name")
    names = [bare.lower()]
    if not bare.isascii():
        names = []
        for encode, what in ((encode_uts46, "IDNA 2008"), (encode_idna2003, "IDNA 2003")):
            try:
                names.append(encode(bare))
            except UnicodeError as exc:
                raise InvalidURL(
                    f"host {host!r} is not a valid internationalised name under {what} ({exc})"
                ) from None
    for name in names:
        _check_name(name, host)
    return host


def _check_name(name: str, host: str) -> None:
    if len(name) > 253:
        raise InvalidURL(f"host name is {len(name)} characters long: at most 253 are allowed")
    for label in name.split("."):
        if not _LABEL.match(label):
            raise InvalidURL(
                f"host {host!r}: label {label[:70]!r} is not valid "
                "(letters, digits and '-', 1-63 characters, no leading or trailing '-')"
            )
    if all(label.isdigit() for label in name.split(".")):
        raise InvalidURL(f"host {host!r} is not a valid IPv4 address")


@record
class WebSocketURL:
    """A parsed ``ws://`` or ``wss://`` URL."""

    scheme: str
    host: str
    port: int
    path: str = "/"
    query: str = ""
    user: str | None = None
    password: str | None = None
    explicit_port: bool = True

    @property
    def secure(self) -> bool:
        return self.scheme == "wss"

    @property
    def resource(self) -> str:
        """Path plus query, as sent in the request line."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def host_family(self) -> Family | None:
        """The family if the host is an IP literal, else ``None``."""
        return family_of(self.host)

    @property
    def netloc(self) -> str:
        host = self.host
        if self.host_family is Family.IPV6:
            host = "[" + host.replace("%", "%25") + "]"
        if self.explicit_port or self.port != _DEFAULT_PORTS[self.scheme]:
            return f"{host}:{self.port}"
        return host

    def geturl(self) -> str:
        """The URL to connect to, with credentials if it had them."""
        auth = ""
        if self.user is not None:
            auth = quote(self.user, safe="")
            if self.password is not None:
                auth += ":" + quote(self.password, safe="")
            auth += "@"
        return f"{self.scheme}://{auth}{self.netloc}{self.resource}"

    def redacted(self) -> str:
        """The URL for reports: password and token-like query values replaced by ``***``."""
        auth = ""
        if self.user is not None:
            auth = quote(self.user, safe="") + (":***" if self.password is not None else "") + "@"
        resource = self.path + ("?" + redact_query(self.query) if self.query else "")
        return f"{self.scheme}://{auth}{self.netloc}{resource}"

    def with_host(self, host: str) -> WebSocketURL:
        """The same URL with another host (validated)."""
        return replace(self, host=_normalise_host(host, host))

    def __str__(self) -> str:
        return self.redacted()


def redact_query(query: str) -> str:
    """Mask the values of token-like parameters in a query string
    (:func:`~wsexplorer.model.secrets.mask_query`)."""
    return mask_query(query)


def unredact(new: WebSocketURL, old: WebSocketURL) -> WebSocketURL:
    """Put back the secrets a redacted URL hid, where the user left ``***`` in place.

    The UI shows :meth:`WebSocketURL.redacted` in its URL field (screenshots must not leak
    credentials); when the user edits another part and submits, the ``***`` password and
    ``***`` query values stand for the old ones.
    """
    password = new.password
    if password == "***" and new.user == old.user:
        password = old.password
    query = new.query
    if "=***" in query and old.query:
        olds: dict[str, str] = {}
        for item in old.query.split("&"):
            name, sep, value = item.partition("=")
            if sep:
                olds.setdefault(name, value)
        parts = []
        for item in query.split("&"):
            name, sep, value = item.partition("=")
            parts.append(
                f"{name}={olds[name]}" if sep and value == "***" and name in olds else item
            )
        query = "&".join(parts)
    return replace(new, password=password, query=query)


def parse_url(text: str) -> WebSocketURL:
    """Parse a WebSocket URL.

    Accepts ``ws://`` and ``wss://`` (and ``http(s)://``, mapped to them), no scheme at
    all (``localhost:8080/x`` means ``ws://``), IPv6 literals in brackets with optional
    zone ids (``[fe80::1%25eth0]``), IDNA names, path and query. Default ports are 80 and
    443.

    Raises:
        InvalidURL: for anything else; the message names the bad part.
    """
    if not isinstance(text, str):
        raise InvalidURL("URL must be text")
    original = text
    text = text.strip()
    if not text:
        raise InvalidURL("URL is empty: try ws://localhost:8080/")
    if len(text) > _MAX_URL:
        raise InvalidURL(f"URL is {len(text)} characters long: at most {_MAX_URL} are allowed")
    if any(ord(c) < 0x20 or c in " \x7f" for c in text):
        raise InvalidURL(f"URL {original[:80]!r} contains spaces or control characters")
    scheme_match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", text)
    if scheme_match:
        given = scheme_match.group(1).lower()
        if given not in _SCHEME_ALIASES:
            raise InvalidURL(f"scheme {given!r} is not a WebSocket scheme: use ws:// or wss://")
        scheme = _SCHEME_ALIASES[given]
        rest = text[scheme_match.end() :]
    else:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:/", text):
            raise InvalidURL(f"URL {text[:80]!r} is malformed: use ws://HOST:PORT/PATH")
        scheme, rest = "ws", text
    cut = len(rest)
    for sep in "/?#":
        idx = rest.find(sep)
        if idx != -1:
            cut = min(cut, idx)
    authority, tail = rest[:cut], rest[cut:]
    tail = tail.split("#", 1)[0]
    path, _, query = tail.partition("?")
    path = path or "/"
    user: str | None = None
    password: str | None = None
    if "@" in authority:
        userinfo, _, authority = authority.rpartition("@")
        u, sep, p = userinfo.partition(":")
        user = unquote(u)
        password = unquote(p) if sep else None
    port_text: str | None = None
    if authority.startswith("["):
        end = authority.find("]")
        if end == -1:
            raise InvalidURL(f"URL {text[:80]!r}: '[' without ']' around the IPv6 address")
        host = unquote(authority[1:end])
        after = authority[end + 1 :]
        if after:
            if not after.startswith(":"):
                raise InvalidURL(f"URL {text[:80]!r}: unexpected {after!r} after the IPv6 address")
            port_text = after[1:]
        if family_of(host) is not Family.IPV6:
            raise InvalidURL(f"{host!r} in brackets is not an IPv6 address")
        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:  # pragma: no cover - family_of already checked
            raise InvalidURL(f"{host!r} is not an IPv6 address") from None
    else:
        if authority.count(":") > 1:
            raise InvalidURL(
                f"host {authority!r} looks like IPv6: put it in brackets, ws://[::1]:8080/"
            )
        host, sep, port_text_raw = authority.partition(":")
        port_text = port_text_raw if sep else None
    if port_text is None or port_text == "":
        if port_text == "":
            raise InvalidURL(f"URL {text[:80]!r} has ':' but no port: use 1-65535")
        port = _DEFAULT_PORTS[scheme]
        explicit = False
    else:
        try:
            port = parse_port(port_text)
        except InvalidPort as exc:
            raise InvalidURL(f"URL {text[:80]!r}: {exc}") from None
        explicit = True
    host = _normalise_host(host, original)
    return WebSocketURL(scheme, host, port, path, query, user, password, explicit)
