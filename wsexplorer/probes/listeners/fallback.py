"""The portable path of the listeners probe: psutil, and a connect to learn what ``::`` takes.

Used where the kernel cannot be asked (not Linux, no netlink, refused by a sandbox).
psutil, like ``/proc/net/tcp6``, cannot see ``IPV6_V6ONLY``, so a real connect to
``127.0.0.1`` tells whether a wildcard IPv6 socket also takes IPv4.
"""

from __future__ import annotations

import os
import socket
import time
from typing import TYPE_CHECKING, Any

from .kernel import AF_INET, AF_INET6, METHOD_FALLBACK, elapsed_ms
from .kernel import families as kernel_families

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from ...model.listener import Listener, ListenerScan

__all__ = ["METHOD_FALLBACK", "scan_listeners_psutil"]

_PROBE_TIMEOUT = 1.0  # seconds; a loopback connect answers in well under a millisecond


def scan_listeners_psutil(
    *,
    port: int | None = None,
    include_udp: bool = False,
    with_processes: bool = True,
    reason: str | None = None,
    _start: float | None = None,
) -> ListenerScan:
    """The portable path: psutil lists the sockets, connects learn what ``::`` accepts.

    psutil (like ``/proc/net/tcp6``) cannot see ``IPV6_V6ONLY``, so for each TCP socket
    bound to ``::`` this connects to ``127.0.0.1`` on its port: connected means the
    socket is dual-stack (v6only 0), refused means IPv6 only. That is a real connection
    the server sees and closes. When an IPv4 socket on ``0.0.0.0``/``127.0.0.1`` shares
    the port the connect cannot tell, and v6only stays ``None`` (``ASSUMED``). Wildcard
    IPv6 UDP sockets are not probed (``ASSUMED``). Everything else is ``PROBE``: its
    accepts follows from its bind address.

    Args:
        port, include_udp, with_processes: as for :func:`scan_listeners`.
        reason: why the kernel path was not used; becomes the first note.

    Returns:
        ``method="psutil+probe"``; ``error`` set (and no listeners) if psutil is
        missing or fails.
    """
    from ...model.address import Family
    from ...model.listener import AcceptsSource, Listener, ListenerScan, accepts_for

    start = time.perf_counter() if _start is None else _start
    families = kernel_families()
    notes: list[str] = [reason] if reason else []
    try:
        import psutil
    except ImportError as exc:
        return ListenerScan(
            method=METHOD_FALLBACK,
            notes=tuple(notes),
            error=f"psutil is not installed ({exc}); cannot list listening sockets",
            elapsed_ms=elapsed_ms(start),
        )

    hidden = False
    try:
        conns = _all_connections(psutil, include_udp)
    except psutil.AccessDenied:
        # macOS without root: only our own user's processes can be asked one by one.
        conns, hidden = _per_process_connections(psutil, include_udp)
    except (OSError, psutil.Error) as exc:
        return ListenerScan(
            method=METHOD_FALLBACK,
            notes=tuple(notes),
            error=f"psutil.net_connections failed: {exc}",
            elapsed_ms=elapsed_ms(start),
        )

    # (port, family, address, protocol, pid); a set drops repeats of one socket.
    found: set[_Conn] = set()
    for fam, stype, laddr, raddr, status, pid in conns:
        if not laddr:
            continue
        ip, lport = laddr[0], laddr[1]
        if port is not None and lport != port:
            continue
        if stype == socket.SOCK_STREAM:
            if status != psutil.CONN_LISTEN:
                continue
            protocol = "tcp"
        else:
            if raddr or not lport:
                continue  # connected or unbound: not a server socket
            protocol = "udp"
        if fam not in families:
            continue
        found.add((lport, fam, ip, protocol, pid if with_processes else None))

    if with_processes and any(row[4] is None for row in found):
        hidden = hidden or _is_unprivileged()
    v6only_by_port, inconclusive = _probe_wildcard_v6(found)

    names: dict[int, str | None] = {}
    listeners: list[Listener] = []
    for lport, fam, ip, protocol, pid in sorted(found, key=_fallback_key):
        family = families[fam]
        source = AcceptsSource.PROBE
        v6only: bool | None = None
        if family is Family.IPV6 and ip == "::":
            if protocol == "tcp" and lport in v6only_by_port:
                v6only = v6only_by_port[lport]
            else:
                source = AcceptsSource.ASSUMED
        process = _process_name(psutil, pid, names) if pid is not None else None
        listeners.append(
            Listener(
                protocol,
                family,
                ip,
                lport,
                v6only,
                accepts_for(family, ip, v6only),
                pid,
                process,
                source,
            )
        )

    notes.append(
        "listeners from psutil; whether a wildcard IPv6 TCP socket also accepts IPv4 was "
        "learnt by connecting to 127.0.0.1 on its port (the server saw a connection)"
    )
    if inconclusive:
        ports = ", ".join(str(p) for p in sorted(inconclusive))
        notes.append(
            f"port(s) {ports}: an IPv4 socket shares the port, so the connect could not tell "
            "whether the IPv6 socket is dual-stack; the Linux default (dual-stack) is assumed "
            "(IPv4 peers reach the IPv4 socket either way)"
        )
    if hidden:
        notes.append(
            "some sockets have no process: other users' processes could not be inspected; "
            "run as root to see them"
        )
    return ListenerScan(
        listeners=tuple(listeners),
        method=METHOD_FALLBACK,
        notes=tuple(notes),
        hidden_processes=hidden,
        elapsed_ms=elapsed_ms(start),
    )


# (port, family, address, protocol, pid)
_Conn = tuple[int, int, str, str, int | None]
# (family, type, laddr, raddr, status, pid), whichever psutil call gave it.
_PsConn = tuple[int, int, Any, Any, str, int | None]


def _fallback_key(row: _Conn) -> tuple[int, int, str, str, int]:
    lport, fam, ip, protocol, pid = row
    return (lport, fam, ip, protocol, -1 if pid is None else pid)


def _is_unprivileged() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is None or geteuid() != 0


def _all_connections(psutil: Any, include_udp: bool) -> list[_PsConn]:
    kinds = ("tcp", "udp") if include_udp else ("tcp",)
    return [
        (int(c.family), int(c.type), c.laddr, c.raddr, c.status, c.pid)
        for kind in kinds
        for c in psutil.net_connections(kind=kind)
    ]


def _per_process_connections(psutil: Any, include_udp: bool) -> tuple[list[_PsConn], bool]:
    kind = "inet" if include_udp else "tcp"
    conns: list[_PsConn] = []
    hidden = False
    for proc in psutil.process_iter():
        try:
            items = proc.net_connections(kind=kind)
        except (psutil.AccessDenied, psutil.ZombieProcess):
            hidden = True
            continue
        except psutil.NoSuchProcess:
            continue
        conns.extend(
            (int(c.family), int(c.type), c.laddr, c.raddr, c.status, proc.pid) for c in items
        )
    return conns, hidden


def _process_name(psutil: Any, pid: int, cache: dict[int, str | None]) -> str | None:
    if pid not in cache:
        try:
            cache[pid] = psutil.Process(pid).name() or None
        except psutil.Error:
            cache[pid] = None
    return cache[pid]


def _probe_wildcard_v6(found: Iterable[_Conn]) -> tuple[dict[int, bool], set[int]]:
    """Connect to ``127.0.0.1:P`` for each TCP port with a ``::`` listener.

    Returns ``(v6only by port, ports where the probe cannot tell)``.
    """
    af6, af4 = AF_INET6, AF_INET
    wildcard_ports: set[int] = set()
    ipv4_ports: set[int] = set()
    for lport, fam, ip, protocol, _pid in found:
        if protocol != "tcp":
            continue
        if fam == af6 and ip == "::":
            wildcard_ports.add(lport)
        elif fam == af4 and ip in ("0.0.0.0", "127.0.0.1"):
            ipv4_ports.add(lport)
    result: dict[int, bool] = {}
    inconclusive = wildcard_ports & ipv4_ports
    for lport in sorted(wildcard_ports - ipv4_ports):
        outcome = _connects("127.0.0.1", lport)
        if outcome is None:
            inconclusive.add(lport)
        else:
            result[lport] = not outcome
    return result, inconclusive


def _connects(host: str, port: int) -> bool | None:
    """True if a TCP connect to ``host:port`` succeeds, False if refused, None otherwise."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as sock:
        sock.settimeout(_PROBE_TIMEOUT)
        try:
            sock.connect((host, port))
        except ConnectionRefusedError:
            return False
        except OSError:
            return None
        return True
