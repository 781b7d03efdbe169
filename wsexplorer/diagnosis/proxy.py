"""Which proxy, if any, a client takes from the environment for a URL (pure).

Each client reads the proxy variables by its own rules (:class:`ProxyPolicy`, one per
client module; ``None``: the client ignores them, as Node's ``ws`` does). Facts and
sources: docs/clients.md#proxies.

- Python websockets (``get_proxy`` in src/websockets/proxy.py): ``urllib.request``'s
  ``getproxies`` and ``proxy_bypass`` (CPython Lib/urllib/request.py
  ``getproxies_environment``, ``proxy_bypass_environment``): any case, the lower-case
  variable wins, an empty lower-case one hides the upper-case one; ``no_proxy`` entries
  match the host or ``host:port`` exactly or as a domain suffix, a leading dot ignored,
  ``*`` alone matches all; no addresses ranges.
- curl (lib/url.c ``detect_proxy``, lib/noproxy.c): ``http_proxy`` only in lower case,
  the others in both; empty means unset; then ``all_proxy``; ``no_proxy`` entries
  separated by commas or blanks, leading and trailing dots ignored, domain-suffix match
  for names, exact or CIDR match for address literals, no ports.
- Chromium on Linux without a desktop environment (net/proxy_resolution/
  proxy_config_service_linux.cc ``GetConfigFromEnv``): ``all_proxy`` for every URL when
  set, else ``https_proxy`` then ``http_proxy`` for ``ws://`` and ``wss://`` alike
  (net/proxy_resolution/proxy_config.cc ``GetProxyListForWebSocketScheme``), each name in
  lower then upper case; ``no_proxy`` with suffix matching (net/proxy_resolution/
  proxy_bypass_rules.cc); localhost, loopback and link-local are always bypassed.
- Node's built-in ``WebSocket`` (undici's ``EnvHttpProxyAgent``, installed as the global
  dispatcher by lib/internal/process/pre_execution.js ``setupHttpProxy`` only when
  ``NODE_USE_ENV_PROXY=1`` or ``--use-env-proxy``, :func:`node_env_proxy`): ``http_proxy``
  then ``HTTP_PROXY`` for ``ws://``; ``https_proxy`` / ``HTTPS_PROXY``, else the http one,
  for ``wss://``; a set lower-case spelling, even empty, hides the upper-case one;
  ``no_proxy`` by undici 6's rules (Node 22) or undici 7's (Node 24).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from enum import StrEnum

from ..model.address import family_of
from ..model.proxy import (
    NODE_PROXY_SWITCH,
    ProxyEndpoint,
    ProxyEnvironment,
    parse_proxy_endpoint,
)
from ..model.record import record

__all__ = [
    "NO_PROXY",
    "NoProxyRules",
    "ProxyChoice",
    "ProxyPolicy",
    "choose_proxy",
    "ignored_clause",
    "no_proxy_matches",
    "node_env_proxy",
]


class NoProxyRules(StrEnum):
    """How a client matches a host against ``no_proxy``."""

    URLLIB = "urllib"
    CURL = "curl"
    CHROMIUM = "chromium"
    UNDICI_6 = "undici-6"
    UNDICI_7 = "undici-7"


@record
class ProxyPolicy:
    """How one client takes a proxy from the environment.

    Attributes:
        ws: for ``ws://`` URLs, groups of variable names in precedence order; within a
            group, the spellings of one variable, the preferred first.
        wss: the same for ``wss://`` URLs.
        no_proxy: the spellings of ``no_proxy`` it reads, the preferred first.
        rules: how it matches ``no_proxy`` entries.
        empty_hides: an empty preferred spelling hides the others (urllib); ``False``:
            empty means unset.
        default_port: the port of an ``http://`` proxy written without one.
        tunnels_plain: it asks the proxy to ``CONNECT`` for a ``ws://`` URL too (``False``:
            curl sends its plain ``http://`` request to the proxy as it is).
        bypass_local: localhost, loopback and link-local hosts never use a proxy.
        refused: what it prints when the connect to the proxy fails (``None``: its usual
            connect error, naming the proxy's host and port).
        rejected: what it prints when the proxy answers ``CONNECT`` with a status other
            than 2xx (``{status}`` is replaced).
        tunnel_rejected: for a client that forwards ``ws://`` (``tunnels_plain`` false),
            what it prints when its ``CONNECT`` for ``wss://`` is refused, when that
            differs from ``rejected`` (its forwarded request's).
        switch: whether the environment turns its proxy support on at all (``None``:
            always on); when off it reads no proxy variable.
        off: the story's words for a switch that is off.
        schemeless: it reads a value without a scheme (``proxy:3128``) as ``http://``;
            ``False``: such a value is not a proxy URL it can read.
    """

    ws: tuple[tuple[str, ...], ...]
    wss: tuple[tuple[str, ...], ...]
    no_proxy: tuple[str, ...]
    rules: NoProxyRules
    empty_hides: bool = False
    default_port: int = 80
    tunnels_plain: bool = True
    bypass_local: bool = False
    refused: str | None = None
    rejected: str = "{status}"
    tunnel_rejected: str | None = None
    switch: Callable[[ProxyEnvironment], bool] | None = None
    off: str = ""
    schemeless: bool = True


@record
class ProxyChoice:
    """What a client does with the proxy variables for one URL.

    ``variable`` / ``url``: the variable it takes its proxy from and its (masked) value;
    ``endpoint`` where that proxy is, with the client's default port filled in (``None``:
    no proxy, or a value it cannot use); ``exempt``: the ``no_proxy`` spelling (or
    ``"built-in"``) that exempts the host, when one does.
    """

    variable: str | None = None
    url: str | None = None
    endpoint: ProxyEndpoint | None = None
    exempt: str | None = None


NO_PROXY = ProxyChoice()


def _value(env: ProxyEnvironment, names: tuple[str, ...], empty_hides: bool) -> tuple[str, str]:
    """The first spelling of ``names`` that is set, and its value ("" if none)."""
    for name in names:
        value = env.get(name)
        if value is None:
            continue
        if value or empty_hides:
            return name, value
    return "", ""


def _split_host_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    else:
        host, port = entry, ""
    return host, int(port) if port.isdigit() else None


def _in_network(host: str, entry: str) -> bool:
    """An address literal inside ``entry`` (an address or CIDR); ``False`` when either
    is not an address."""
    try:
        net = ipaddress.ip_network(entry, strict=False)
        return ipaddress.ip_address(host) in net
    except ValueError:
        return False


def _urllib(host: str, port: int, value: str) -> bool:
    if value == "*":
        return True
    whole = f"{host}:{port}"
    for raw in value.split(","):
        name = raw.strip().lstrip(".").lower()
        if not name:
            continue
        if name in (host, whole) or host.endswith("." + name) or whole.endswith("." + name):
            return True
    return False


def _curl(host: str, value: str) -> bool:
    if value == "*":
        return True
    literal = family_of(host) is not None
    name = host.rstrip(".")
    for raw in value.replace(",", " ").split():
        if literal:
            if _in_network(host, raw):
                return True
            continue
        token = raw.rstrip(".").removeprefix(".").lower()
        if token and (name == token or name.endswith("." + token)):
            return True
    return False


def _chromium_pattern(pattern: str, host: str) -> bool:
    if pattern.startswith("*"):
        return host.endswith(pattern[1:])
    return host == pattern


def _chromium(host: str, port: int, value: str) -> bool:
    for raw in value.replace(";", ",").split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if "/" in entry and _in_network(host, entry):
            return True
        entry = entry.partition("://")[2] or entry
        pattern, rule_port = _split_host_port(entry)
        if rule_port is not None and rule_port != port:
            continue
        if not pattern.startswith(("*", ".")) and family_of(pattern) is None:
            pattern = "*" + pattern  # suffix matching: "example.com" is "*example.com"
        elif pattern.startswith("."):
            pattern = "*" + pattern
        if _chromium_pattern(pattern, host):
            return True
    return False


def _undici_entry(raw: str, port: int) -> str | None:
    """An entry's name, lower-cased; ``None`` when its ``:port`` is another port."""
    entry, _, rule_port = raw.rpartition(":")
    if not (entry and rule_port.isdigit()):
        return raw.lower()
    return entry.lower() if int(rule_port) in (0, port) else None


def _undici(host: str, port: int, value: str, strip: bool) -> bool:
    """undici's ``EnvHttpProxyAgent``: ``*`` alone; entries split at commas and blanks,
    ``host:port`` for that port only; undici 7 (``strip``) drops a leading ``.`` or ``*.``
    and matches the name or a dot-bounded suffix; undici 6 matches an entry starting with
    ``.`` or ``*`` as a plain suffix (``*`` removed), any other entry exactly."""
    if value == "*":
        return True
    if ":" in host:
        host = f"[{host}]"  # undici compares the URL's host, brackets kept
    for raw in value.replace(",", " ").split():
        entry = _undici_entry(raw, port)
        if entry is None:
            continue
        if strip:
            entry = entry.removeprefix("*.") if entry.startswith("*.") else entry.removeprefix(".")
            if host == entry or host.endswith("." + entry):
                return True
        elif entry.startswith((".", "*")):
            if host.endswith(entry.removeprefix("*")):
                return True
        elif host == entry:
            return True
    return False


def no_proxy_matches(rules: NoProxyRules, host: str, port: int, value: str) -> bool:
    """Whether ``value`` (a ``no_proxy`` list) exempts ``host`` (as the client spells it,
    an IPv6 literal without brackets) on ``port``, by ``rules``."""
    host = host.lower()
    if rules is NoProxyRules.URLLIB:
        return _urllib(host, port, value)
    if rules is NoProxyRules.CURL:
        return _curl(host, value)
    if rules in (NoProxyRules.UNDICI_6, NoProxyRules.UNDICI_7):
        return _undici(host, port, value, rules is NoProxyRules.UNDICI_7)
    return _chromium(host, port, value)


def _local(host: str) -> bool:
    """Chromium's implicit bypass rules: localhost, loopback and link-local."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_link_local


def choose_proxy(
    env: ProxyEnvironment, policy: ProxyPolicy | None, host: str, port: int, secure: bool
) -> ProxyChoice:
    """The proxy ``policy``'s client takes for ``host``:``port`` (see :class:`ProxyChoice`)."""
    if policy is None or (policy.switch is not None and not policy.switch(env)):
        return NO_PROXY
    variable, url = "", ""
    for group in policy.wss if secure else policy.ws:
        variable, url = _value(env, group, policy.empty_hides)
        if url:  # an empty value (urllib: an empty lower-case one) leaves the next group
            break
    if not url:
        return NO_PROXY
    if policy.bypass_local and _local(host):
        return ProxyChoice(variable, url, None, "built-in")
    skip_name, skip = _value(env, policy.no_proxy, policy.empty_hides)
    if skip and no_proxy_matches(policy.rules, host, port, skip):
        return ProxyChoice(variable, url, None, skip_name)
    endpoint = parse_proxy_endpoint(url) if policy.schemeless or "://" in url else None
    if endpoint is not None and endpoint.port is None:
        default = 443 if endpoint.scheme == "https" else policy.default_port
        endpoint = ProxyEndpoint(endpoint.scheme, endpoint.host, default)
    return ProxyChoice(variable, url, endpoint, None)


def node_env_proxy(env: ProxyEnvironment) -> bool:
    """Node's proxy support is on: the last of ``--use-env-proxy`` /
    ``--no-use-env-proxy`` in ``NODE_OPTIONS`` decides (the flag wins over the
    variable), else ``NODE_USE_ENV_PROXY`` is exactly ``1`` (``true`` or `` 1`` are off;
    checked with Node 22.23.5 and 24.22.3). A ``--use-env-proxy`` on Node's own command
    line is not seen."""
    flag = env.get("NODE_OPTIONS")
    if flag is not None:
        return flag == "--use-env-proxy"
    return env.get(NODE_PROXY_SWITCH) == "1"


def _proxy_names(env: ProxyEnvironment) -> list[str]:
    """The proxy variables set to something, ``no_proxy`` and Node's switch left out."""
    skip = ("no_proxy", NODE_PROXY_SWITCH.lower())
    return [
        n for n, v in env.variables if v and n.lower().endswith("_proxy") and n.lower() not in skip
    ]


def ignored_clause(env: ProxyEnvironment, policy: ProxyPolicy | None = None) -> str:
    """The story's clause for a client that reads no proxy variable (``policy`` ``None``,
    or its switch off: ``policy.off`` says why), when some are set."""
    names = _proxy_names(env)
    if not names:
        return ""
    if policy is None:
        return f"it ignores {', '.join(names)} (it reads no proxy variable)"
    if policy.switch is None or policy.switch(env):
        return ""
    return f"it ignores {', '.join(names)} ({policy.off})"
