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
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum

from ..model.address import family_of
from ..model.proxy import ProxyEndpoint, ProxyEnvironment, parse_proxy_endpoint

__all__ = [
    "NO_PROXY",
    "NoProxyRules",
    "ProxyChoice",
    "ProxyPolicy",
    "choose_proxy",
    "ignored_clause",
    "no_proxy_matches",
]


class NoProxyRules(StrEnum):
    """How a client matches a host against ``no_proxy``."""

    URLLIB = "urllib"
    CURL = "curl"
    CHROMIUM = "chromium"


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


def no_proxy_matches(rules: NoProxyRules, host: str, port: int, value: str) -> bool:
    """Whether ``value`` (a ``no_proxy`` list) exempts ``host`` (as the client spells it,
    an IPv6 literal without brackets) on ``port``, by ``rules``."""
    host = host.lower()
    if rules is NoProxyRules.URLLIB:
        return _urllib(host, port, value)
    if rules is NoProxyRules.CURL:
        return _curl(host, value)
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
    if policy is None:
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
    endpoint = parse_proxy_endpoint(url)
    if endpoint is not None and endpoint.port is None:
        default = 443 if endpoint.scheme == "https" else policy.default_port
        endpoint = ProxyEndpoint(endpoint.scheme, endpoint.host, default)
    return ProxyChoice(variable, url, endpoint, None)


def ignored_clause(env: ProxyEnvironment) -> str:
    """The story's clause for a client that reads no proxy variable, when some are set."""
    names = [n for n, v in env.variables if v and not n.lower().startswith("no_")]
    if not names:
        return ""
    return f"it ignores {', '.join(names)} (it reads no proxy variable)"
