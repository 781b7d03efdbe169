"""What is listening on this machine, and which address families each socket accepts.

On Linux the kernel answers directly: one ``SOCK_DIAG_BY_FAMILY`` dump per family (as
``ss`` does), with each IPv6 socket's own ``IPV6_V6ONLY`` flag (``INET_DIAG_SKV6ONLY``).
Elsewhere, or where netlink is refused, psutil lists the sockets and a real connect to
``127.0.0.1`` tells whether a wildcard IPv6 socket also takes IPv4.

``wsexplorer listeners --json`` must start and finish as fast as ``ss -ltnpH``, so this
module imports only the standard library at module level; the model is imported when a
function returns model objects, psutil only by the fallback. :func:`scan_listeners_json`
goes from the kernel's answer to JSON text without building ``Listener`` objects.

Run as ``python -m wsexplorer.probes.listeners [--port P] [--all] [--json]``.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Mapping, Sequence

    from ..model.address import Family
    from ..model.listener import Listener, ListenerScan
    from ._sockdiag import SocketRow

__all__ = [
    "METHOD_FALLBACK",
    "METHOD_SOCK_DIAG",
    "main",
    "scan_listeners",
    "scan_listeners_json",
    "scan_listeners_psutil",
    "scan_listeners_sock_diag",
]

METHOD_SOCK_DIAG = "sock_diag"
METHOD_FALLBACK = "psutil+probe"
SCHEMA = "wsexplorer.listeners/1"

_PROBE_TIMEOUT = 1.0  # seconds; a loopback connect answers in well under a millisecond
_AF_INET = int(socket.AF_INET)
_AF_INET6 = int(socket.AF_INET6)

_HIDDEN_NOTE = (
    "{n} socket(s) have no process: other users' processes could not be inspected "
    "(/proc/PID/fd is readable only by its owner); run as root to see them"
)


def _elapsed_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000.0, 3)


def _families() -> dict[int, Family]:
    from ..model.address import Family

    return {_AF_INET: Family.IPV4, _AF_INET6: Family.IPV6}


def scan_listeners(
    *,
    port: int | None = None,
    include_udp: bool = False,
    with_processes: bool = True,
) -> ListenerScan:
    """List every TCP socket in LISTEN (and, with ``include_udp``, every bound UDP socket).

    On Linux this asks the kernel (``method="sock_diag"``, ``accepts_source=KERNEL``).
    If that is impossible (not Linux, no netlink, refused by a sandbox) it falls back to
    :func:`scan_listeners_psutil` (``method="psutil+probe"``) and says why in ``notes``.
    Never raises for an unreadable process: its ``pid``/``process`` are ``None`` and
    ``hidden_processes`` is set.

    Args:
        port: keep only sockets bound to this local port.
        include_udp: also list UDP sockets bound to a port and not connected.
        with_processes: look up the owning pid and process name (walks ``/proc``).

    Returns:
        The scan, listeners sorted by port, then family (IPv4 first), then address;
        ``elapsed_ms`` is the time the whole scan took.

    Raises:
        ValueError: ``port`` is outside 0-65535.
    """
    start = time.perf_counter()
    reason = _kernel_unavailable()
    if reason is None:
        try:
            return scan_listeners_sock_diag(
                port=port, include_udp=include_udp, with_processes=with_processes, _start=start
            )
        except OSError as exc:
            reason = f"sock_diag netlink unavailable ({exc})"
    return scan_listeners_psutil(
        port=port,
        include_udp=include_udp,
        with_processes=with_processes,
        reason=reason,
        _start=start,
    )


def scan_listeners_json(
    *,
    port: int | None = None,
    include_udp: bool = False,
    with_processes: bool = True,
) -> str:
    """The same scan as :func:`scan_listeners`, as ``wsexplorer.listeners/1`` JSON text.

    The text equals ``json.dumps(scan_listeners(...).to_json())`` for the same sockets;
    on the kernel path it is written straight from the dump, without ``Listener`` objects
    (and without importing the model), which is what makes ``listeners --json`` as fast
    as ``ss``.
    """
    return _scan_json(port, include_udp, with_processes)[0]


def _scan_json(port: int | None, include_udp: bool, with_processes: bool) -> tuple[str, bool]:
    """:func:`scan_listeners_json`, and whether the scan failed (``error`` set)."""
    start = time.perf_counter()
    reason = _kernel_unavailable()
    if reason is None:
        try:
            result = _kernel_scan(port, include_udp, with_processes)
        except OSError as exc:
            reason = f"sock_diag netlink unavailable ({exc})"
        else:
            return _json_text(result.rows, result.owners, METHOD_SOCK_DIAG, result.notes), False
    import json

    scan = scan_listeners_psutil(
        port=port,
        include_udp=include_udp,
        with_processes=with_processes,
        reason=reason,
        _start=start,
    )
    return json.dumps(scan.to_json()), scan.error is not None


def _kernel_unavailable() -> str | None:
    if not sys.platform.startswith("linux"):
        return f"sock_diag needs Linux (this is {sys.platform})"
    if not hasattr(socket, "AF_NETLINK"):
        return "sock_diag needs AF_NETLINK, which this Python lacks"
    return None


# --------------------------------------------------------------------------- sock_diag


class _KernelResult:
    __slots__ = ("hidden", "notes", "owners", "rows")

    def __init__(
        self,
        rows: list[SocketRow],
        owners: dict[int, tuple[int, str | None]],
        notes: list[str],
        hidden: bool,
    ) -> None:
        self.rows = rows
        self.owners = owners
        self.notes = notes
        self.hidden = hidden


def _kernel_scan(port: int | None, include_udp: bool, with_processes: bool) -> _KernelResult:
    """Dump, dedupe, sort and (optionally) find owners. Raises ``OSError`` from netlink."""
    from . import _sockdiag as sd

    requests = [
        (sd.AF_INET, sd.IPPROTO_TCP, 1 << sd.TCP_LISTEN),
        (sd.AF_INET6, sd.IPPROTO_TCP, 1 << sd.TCP_LISTEN),
    ]
    if include_udp:
        requests += [
            (sd.AF_INET, sd.IPPROTO_UDP, 1 << sd.TCP_CLOSE),
            (sd.AF_INET6, sd.IPPROTO_UDP, 1 << sd.TCP_CLOSE),
        ]
    rows = sd.dump(requests, port=port)
    rows.sort()  # (port, family, address, ...): IPv4 (AF_INET 2) before IPv6 (10)

    notes: list[str] = []
    owners: dict[int, tuple[int, str | None]] = {}
    hidden = False
    if with_processes and rows:
        from ._procfs import socket_owners

        walk = socket_owners([row[4] for row in rows])
        owners = walk.owners
        if not walk.complete and walk.denied:
            hidden = True
            missing = sum(1 for row in rows if row[4] not in owners)
            notes.append(_HIDDEN_NOTE.format(n=missing))
    return _KernelResult(rows, owners, notes, hidden)


def scan_listeners_sock_diag(
    *,
    port: int | None = None,
    include_udp: bool = False,
    with_processes: bool = True,
    _start: float | None = None,
) -> ListenerScan:
    """The Linux path of :func:`scan_listeners`: the kernel's own socket table.

    Raises:
        OSError: netlink is unavailable or the kernel refused the dump.
    """
    from ..model.listener import ListenerScan

    start = time.perf_counter() if _start is None else _start
    result = _kernel_scan(port, include_udp, with_processes)
    return ListenerScan(
        listeners=_build(result.rows, result.owners),
        method=METHOD_SOCK_DIAG,
        notes=tuple(result.notes),
        hidden_processes=result.hidden,
        elapsed_ms=_elapsed_ms(start),
    )


def _build(
    rows: Sequence[SocketRow], owners: Mapping[int, tuple[int, str | None]]
) -> tuple[Listener, ...]:
    """Listener objects from sorted rows. ``accepts`` comes from the model's rule."""
    from ..model.listener import AcceptsSource, Listener, accepts_for

    family_of = _families()
    accepts_cache: dict[tuple[int, str, int], tuple[Family, ...]] = {}
    kernel = AcceptsSource.KERNEL
    make = Listener
    get_owner = owners.get
    out: list[Listener] = []
    append = out.append
    for sport, fam, addr, protocol, inode, v6flag, uid in rows:
        family = family_of[fam]
        v6only = None if v6flag < 0 else v6flag == 1
        akey = (fam, addr, v6flag)
        accepts = accepts_cache.get(akey)
        if accepts is None:
            accepts = accepts_cache[akey] = accepts_for(family, addr, v6only)
        owner = get_owner(inode)
        pid, process = owner if owner is not None else (None, None)
        # Listener.make does the same with accepts_for; the constructor is called directly
        # so the (cached) accepts is reused and inode/uid are set in one go.
        append(
            make(protocol, family, addr, sport, v6only, accepts, pid, process, kernel, inode, uid)
        )
    return tuple(out)


def _json_text(
    rows: Sequence[SocketRow],
    owners: Mapping[int, tuple[int, str | None]],
    method: str,
    notes: Sequence[str],
    error: str | None = None,
) -> str:
    """``json.dumps(ListenerScan(...).to_json())`` for these rows, without the objects.

    Must follow ``Listener.to_json`` / ``ListenerScan.to_json`` key for key (a test
    compares the two on the same rows). ``accepts`` is the model's rule (``accepts_for``)
    on kernel data: IPv4 -> ipv4; ``::`` without v6only -> both; other IPv6 -> ipv6.
    """
    dumps = _json_string
    # Everything but port, pid, process and uid depends on few distinct values: cache it.
    shapes: dict[tuple[str, int, str, int], tuple[str, str]] = {}
    whos: dict[tuple[int, str | None] | None, str] = {None: 'null, "process": null'}
    get_owner = owners.get
    parts: list[str] = []
    append = parts.append
    for sport, fam, addr, protocol, inode, v6flag, uid in rows:
        shape = shapes.get((protocol, fam, addr, v6flag))
        if shape is None:
            shape = shapes[(protocol, fam, addr, v6flag)] = _json_shape(protocol, fam, addr, v6flag)
        owner = get_owner(inode)
        who = whos.get(owner)
        if who is None:
            who = whos[owner] = f'{owner[0]}, "process": {dumps(owner[1])}'  # type: ignore[index]
        append(f'{shape[0]}{sport}{shape[1]}{who}, "uid": {uid}}}')
    return (
        f'{{"schema": "{SCHEMA}", "listeners": [{", ".join(parts)}], '
        f'"method": {dumps(method)}, "notes": [{", ".join(map(dumps, notes))}], '
        f'"error": {"null" if error is None else dumps(error)}}}'
    )


def _json_string(text: str | None) -> str:
    """``json.dumps(text)``; plain ASCII (the usual process name) skips importing json."""
    if text is None:
        return "null"
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    import json

    return json.dumps(text)


def _json_shape(protocol: str, fam: int, addr: str, v6flag: int) -> tuple[str, str]:
    """The JSON of one listener before and after its port, up to ``"pid": ``."""
    if fam == _AF_INET:
        family, accepts = "ipv4", '["ipv4"]'
    elif addr == "::" and v6flag != 1:
        family, accepts = "ipv6", '["ipv4", "ipv6"]'
    else:
        family, accepts = "ipv6", '["ipv6"]'
    v6only = "null" if v6flag < 0 else ("true" if v6flag else "false")
    head = (
        f'{{"protocol": {_json_string(protocol)}, "family": "{family}", '
        f'"address": {_json_string(addr)}, "port": '
    )
    tail = f', "v6only": {v6only}, "accepts": {accepts}, "accepts_source": "kernel", "pid": '
    return head, tail


# --------------------------------------------------------------------------- fallback


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
    from ..model.address import Family
    from ..model.listener import AcceptsSource, Listener, ListenerScan, accepts_for

    start = time.perf_counter() if _start is None else _start
    families = _families()
    notes: list[str] = [reason] if reason else []
    try:
        import psutil
    except ImportError as exc:
        return ListenerScan(
            method=METHOD_FALLBACK,
            notes=tuple(notes),
            error=f"psutil is not installed ({exc}); cannot list listening sockets",
            elapsed_ms=_elapsed_ms(start),
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
            elapsed_ms=_elapsed_ms(start),
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
        elapsed_ms=_elapsed_ms(start),
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
    af6, af4 = _AF_INET6, _AF_INET
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


# --------------------------------------------------------------------------- __main__


def _write_table(scan: ListenerScan, out: Any) -> None:
    from ..model.untrusted import clean

    lines = []
    for lis in scan.listeners:
        accepts = "+".join(f.value for f in lis.accepts)
        v6 = "" if lis.v6only is None else f" v6only:{int(lis.v6only)}"
        who = f" pid={lis.pid} {lis.process}" if lis.pid is not None else ""
        lines.append(f"{lis.protocol} {lis.display_address():<47} accepts {accepts}{v6}{who}")
    for note in scan.notes:
        lines.append(f"note: {note}")
    if scan.error:
        lines.append(f"error: {scan.error}")
    out.write(clean("\n".join(lines), keep_newlines=True) + ("\n" if lines else ""))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m wsexplorer.probes.listeners [--port P] [--all] [--json] [--no-processes]``.

    Exit status 0; 1 if no scan was possible (the output says why); 2 for bad arguments
    (one line on stderr, no traceback).
    """
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            self.exit(2, f"{self.prog}: {message}\n")

    parser = Parser(
        prog="python -m wsexplorer.probes.listeners",
        description="TCP sockets in LISTEN and which address families each accepts.",
    )
    parser.add_argument("--port", type=_port_arg, help="keep one port (0-65535)")
    parser.add_argument("--all", action="store_true", help="add bound UDP sockets")
    parser.add_argument("--json", action="store_true", help="print wsexplorer.listeners/1")
    parser.add_argument("--no-processes", action="store_true", help="skip pid lookup")
    args = parser.parse_args(argv)
    with_processes = not args.no_processes
    if args.json:
        text, failed = _scan_json(args.port, args.all, with_processes)
        sys.stdout.write(text + "\n")
        return 1 if failed else 0
    scan = scan_listeners(port=args.port, include_udp=args.all, with_processes=with_processes)
    _write_table(scan, sys.stdout)
    return 1 if scan.error else 0


def _port_arg(text: str) -> int:
    import argparse

    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r} (use 0-65535)") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range: {value} (use 0-65535)")
    return value


if __name__ == "__main__":
    sys.exit(main())
