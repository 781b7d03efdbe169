"""Listening sockets and which families each one really accepts."""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from .address import Family, family_of, is_wildcard, split_zone
from .listener_json import LISTENER_KEYS, SCAN_KEYS, SCHEMA
from .record import record

__all__ = ["AcceptsSource", "Listener", "ListenerScan", "accepts_for", "listener_takes"]


class AcceptsSource(StrEnum):
    """How ``accepts`` was learnt."""

    KERNEL = "kernel"  # sock_diag INET_DIAG_SKV6ONLY, as ss -e shows it
    PROBE = "probe"  # connect attempts to 127.0.0.1 / ::1
    ASSUMED = "assumed"  # v6only unknown; net.ipv6.bindv6only default assumed


def accepts_for(family: Family, address: str, v6only: bool | None) -> tuple[Family, ...]:
    """What a socket bound to ``address`` accepts: ``0.0.0.0`` IPv4; ``::`` v6only 0 both.

    An IPv6 socket with v6only 0 takes IPv4 peers (as ``::ffff:a.b.c.d``) only when bound
    to the wildcard; with an unknown v6only the Linux default (0) is assumed.
    """
    if family is Family.IPV4:
        return (Family.IPV4,)
    if is_wildcard(address) and not v6only:
        return (Family.IPV4, Family.IPV6)
    return (Family.IPV6,)


@record
class Listener:
    """One socket in LISTEN (TCP) or bound (UDP)."""

    protocol: str
    family: Family
    address: str
    port: int
    v6only: bool | None
    accepts: tuple[Family, ...]
    pid: int | None = None
    process: str | None = None
    accepts_source: AcceptsSource = AcceptsSource.KERNEL
    inode: int | None = None
    uid: int | None = None

    @classmethod
    def make(
        cls,
        family: Family,
        address: str,
        port: int,
        v6only: bool | None,
        *,
        protocol: str = "tcp",
        pid: int | None = None,
        process: str | None = None,
        source: AcceptsSource = AcceptsSource.KERNEL,
    ) -> Listener:
        return cls(
            protocol,
            family,
            address,
            port,
            v6only,
            accepts_for(family, address, v6only),
            pid,
            process,
            source,
        )

    @property
    def dual_stack(self) -> bool:
        return len(self.accepts) == 2

    def display_address(self) -> str:
        host = f"[{self.address}]" if self.family is Family.IPV6 else self.address
        return f"{host}:{self.port}"

    def to_json(self) -> dict[str, object]:
        return {key: _json_value(getattr(self, key)) for key in LISTENER_KEYS}


def _json_value(value: object) -> object:
    """A field as JSON sees it: an enum as its value, a tuple of enums as a list."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return value


def listener_takes(listener: Listener, address: str) -> bool:
    """Would a TCP connect to ``address`` on the listener's port reach this listener?

    A wildcard listener takes any local address of a family it accepts; a specific one
    takes only its own address (an IPv4-mapped IPv6 destination counts as IPv4).
    """
    fam = family_of(address)
    if fam is None:
        return False
    addr, _ = split_zone(address)
    if fam is Family.IPV6 and addr.lower().startswith("::ffff:") and "." in addr:
        addr, fam = addr.rsplit(":", 1)[1], Family.IPV4
    if fam not in listener.accepts:
        return False
    if is_wildcard(listener.address):
        return True
    # A specific bind takes only its own address: 127.0.0.1 does not take 127.0.0.2.
    own, _ = split_zone(listener.address)
    return own == addr


@record
class ListenerScan:
    """The result of one listener scan, with how complete it is."""

    listeners: tuple[Listener, ...] = ()
    method: str = "sock_diag"
    notes: tuple[str, ...] = ()
    hidden_processes: bool = False
    error: str | None = None
    elapsed_ms: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)

    def on_port(self, port: int, protocol: str = "tcp") -> tuple[Listener, ...]:
        return tuple(lis for lis in self.listeners if lis.port == port and lis.protocol == protocol)

    def to_json(self) -> dict[str, object]:
        values: dict[str, object] = {
            "schema": SCHEMA,
            "listeners": [lis.to_json() for lis in self.listeners],
            "method": self.method,
            "notes": list(self.notes),
            "error": self.error,
        }
        return {key: values[key] for key in SCAN_KEYS}
