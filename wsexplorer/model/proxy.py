"""Proxy variables of the environment, and what wsexplorer measured through a proxy.

The variables are facts: which of ``http_proxy``, ``https_proxy``, ``all_proxy``,
``no_proxy`` (and ``ws_proxy``, ``wss_proxy``, ``socks_proxy``), in which case, hold what;
and Node's switch for them (``NODE_USE_ENV_PROXY``, or ``--use-env-proxy`` in
``NODE_OPTIONS``), without which Node's built-in ``WebSocket`` reads none of them.
Each client reads them by its own rules (docs/clients.md#proxies); the engine decides, per
client, which one applies. A proxy URL's user information is a credential: it is masked
here, when the environment is read, so no renderer or JSON ever sees it.
"""

from __future__ import annotations

from collections.abc import Mapping

from .attempt import Attempt
from .record import record
from .secrets import MASK

__all__ = [
    "NODE_PROXY_FLAGS",
    "NODE_PROXY_SWITCH",
    "PROXY_BASES",
    "ProxyCheck",
    "ProxyEndpoint",
    "ProxyEnvironment",
    "mask_proxy_value",
    "parse_proxy_endpoint",
    "read_proxy_environment",
]

PROXY_BASES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "ws_proxy",
    "wss_proxy",
    "socks_proxy",
)
"""The variables read, each in lower and upper case."""

NODE_PROXY_SWITCH = "NODE_USE_ENV_PROXY"
"""Node's environment switch for its built-in proxy support (read as it is)."""

NODE_PROXY_FLAGS = ("--use-env-proxy", "--no-use-env-proxy")
"""Node's flags for the same, of which only the last one in ``NODE_OPTIONS`` is kept."""


def mask_proxy_value(value: str) -> str:
    """``http://user:pw@proxy:3128`` -> ``http://***:***@proxy:3128``; no user info: as is.

    A user name alone (``user@proxy``) becomes ``***@proxy``: the structure stays visible
    (a client may refuse a user without a password), the credential does not.
    """
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return value
    userinfo, _, hostport = authority.rpartition("@")
    masked = f"{MASK}:{MASK}" if ":" in userinfo else MASK
    return f"{scheme}{sep}{masked}@{hostport}{slash}{path}"


@record
class ProxyEnvironment:
    """The proxy variables set where wsexplorer ran, values masked.

    ``variables`` holds ``(name, value)`` for every variable of :data:`PROXY_BASES` that is
    set (an empty value included: it matters to some clients), names as spelled; then
    ``NODE_USE_ENV_PROXY`` as it is, and ``NODE_OPTIONS`` reduced to its last flag of
    :data:`NODE_PROXY_FLAGS` (the rest of ``NODE_OPTIONS`` is not kept).
    """

    variables: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str | None:
        """The value of the variable spelled exactly ``name``, or ``None`` if unset."""
        for key, value in self.variables:
            if key == name:
                return value
        return None

    def to_json(self) -> dict[str, str]:
        return dict(self.variables)


def read_proxy_environment(environ: Mapping[str, str]) -> ProxyEnvironment:
    """The proxy variables of ``environ`` (``os.environ``), in a stable order, masked."""
    names = [n for base in PROXY_BASES for n in (base, base.upper())]
    found = [(n, mask_proxy_value(environ[n])) for n in names if n in environ]
    if NODE_PROXY_SWITCH in environ:
        found.append((NODE_PROXY_SWITCH, environ[NODE_PROXY_SWITCH]))
    flags = [w for w in environ.get("NODE_OPTIONS", "").split() if w in NODE_PROXY_FLAGS]
    if flags:
        found.append(("NODE_OPTIONS", flags[-1]))
    return ProxyEnvironment(tuple(found))


@record
class ProxyEndpoint:
    """Where a proxy URL points: ``scheme`` (``http`` when none is written), ``host``
    (IPv6 without brackets) and ``port`` (``None``: not written, the client's default)."""

    scheme: str
    host: str
    port: int | None


def parse_proxy_endpoint(value: str) -> ProxyEndpoint | None:
    """The endpoint of a proxy variable's value, or ``None`` when it has no host or a bad
    port. ``proxy:3128`` (no scheme) is read as ``http://proxy:3128``, as curl, Chromium
    and Python's urllib do."""
    scheme, sep, rest = value.strip().partition("://")
    if not sep:
        scheme, rest = "http", value.strip()
    authority = rest.partition("/")[0].rpartition("@")[2]
    if authority.startswith("["):
        host, _, after = authority[1:].partition("]")
        port_text = after[1:] if after.startswith(":") else ""
    else:
        host, _, port_text = authority.partition(":")
    if not host:
        return None
    if not port_text:
        return ProxyEndpoint(scheme.lower(), host.lower(), None)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None
    return ProxyEndpoint(scheme.lower(), host.lower(), int(port_text))


@record
class ProxyCheck:
    """What wsexplorer measured at one proxy: a TCP connect, then ``CONNECT host:port``.

    Attributes:
        host: the proxy's host as written in the variable.
        port: the port connected to.
        target: the ``host:port`` asked for in ``CONNECT``.
        attempt: the TCP connect to the proxy (``None``: its name did not resolve).
        resolve_error: why the proxy's name did not resolve.
        status: the status of the proxy's answer to ``CONNECT`` (``None``: not asked or
            no answer).
        upgrade_status: for a ``ws://`` URL through an open tunnel, the status the server
            answered the WebSocket upgrade with (101 accepts); ``None``: not measured.
        error: what went wrong after the connect (no answer, closed), or ``None``.
    """

    host: str
    port: int
    target: str
    attempt: Attempt | None = None
    resolve_error: str | None = None
    status: int | None = None
    upgrade_status: int | None = None
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "host": self.host,
            "port": self.port,
            "target": self.target,
            "attempt": None if self.attempt is None else self.attempt.to_json(),
            "resolve_error": self.resolve_error,
            "status": self.status,
            "upgrade_status": self.upgrade_status,
            "error": self.error,
        }
