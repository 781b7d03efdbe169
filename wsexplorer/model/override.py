"""curl-style ``--resolve HOST:PORT:ADDR[,ADDR...]`` pins (what-if mode)."""

from __future__ import annotations

from collections.abc import Iterable

from .address import Address, Family, Source, family_of
from .errors import InvalidPort, InvalidResolve
from .record import record
from .url import parse_port

__all__ = ["ResolveOverride", "find_override", "parse_resolve"]

_FORM = "use HOST:PORT:ADDR[,ADDR...], e.g. localhost:8080:[::1],127.0.0.1"


@record
class ResolveOverride:
    """Pin ``host`` on ``port`` to ``addresses`` in this order (``port`` 0 or '*' host: any)."""

    host: str
    port: int
    addresses: tuple[Address, ...]

    def applies(self, host: str, port: int) -> bool:
        host_ok = self.host == "*" or self.host.lower().rstrip(".") == host.lower().rstrip(".")
        return host_ok and self.port in (0, port)

    def spec(self) -> str:
        addrs = ",".join(
            f"[{a.address}]" if a.family is Family.IPV6 else a.address for a in self.addresses
        )
        return f"{self.host}:{self.port}:{addrs}"

    def to_json(self) -> dict[str, object]:
        return {
            "host": self.host,
            "port": self.port,
            "addresses": [a.to_json() for a in self.addresses],
            "spec": self.spec(),
        }


def _split_addresses(text: str, spec: str) -> list[str]:
    out: list[str] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            raise InvalidResolve(f"--resolve {spec!r}: empty address in the list; {_FORM}")
        if item.startswith("["):
            if not item.endswith("]"):
                raise InvalidResolve(f"--resolve {spec!r}: {item!r} lacks ']'; {_FORM}")
            item = item[1:-1]
            if family_of(item) is not Family.IPV6:
                raise InvalidResolve(f"--resolve {spec!r}: [{item}] is not an IPv6 address")
        if family_of(item) is None:
            raise InvalidResolve(f"--resolve {spec!r}: {item!r} is not an IP address; {_FORM}")
        out.append(item)
    return out


def parse_resolve(spec: str) -> ResolveOverride:
    """Parse one ``--resolve`` value.

    ``HOST:PORT:ADDR[,ADDR...]``; IPv6 addresses in brackets (bare IPv6 is accepted where
    unambiguous, as curl does); HOST may be ``*``; a leading ``+`` is ignored (curl's
    "time out" marker).

    Raises:
        InvalidResolve: the message names the bad part.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidResolve(f"--resolve is empty; {_FORM}")
    text = spec.strip().lstrip("+")
    host, sep1, rest = text.partition(":")
    port_text, sep2, addrs = rest.partition(":")
    if not sep1 or not sep2:
        raise InvalidResolve(f"--resolve {spec!r} has too few ':' parts; {_FORM}")
    host = host.strip()
    if not host or host.startswith("["):
        raise InvalidResolve(f"--resolve {spec!r}: HOST must be a name or '*'; {_FORM}")
    if any(c.isspace() for c in host) or len(host) > 253:
        raise InvalidResolve(f"--resolve {spec!r}: {host[:60]!r} is not a host name")
    if port_text.strip() in ("*", "0"):
        port = 0
    else:
        try:
            port = parse_port(port_text, "--resolve port")
        except InvalidPort as exc:
            raise InvalidResolve(f"--resolve {spec!r}: {exc}") from None
    if not addrs.strip():
        raise InvalidResolve(f"--resolve {spec!r} has no address; {_FORM}")
    addresses = tuple(Address.of(a, Source.OVERRIDE) for a in _split_addresses(addrs, spec))
    return ResolveOverride(host, port, addresses)


def find_override(
    overrides: Iterable[ResolveOverride], host: str, port: int
) -> ResolveOverride | None:
    """The first ``--resolve`` pin that applies to ``host`` on ``port`` (curl's rule)."""
    return next((o for o in overrides if o.applies(host, port)), None)
