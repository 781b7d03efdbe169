"""What is listening on this machine, and which address families each socket accepts.

On Linux the kernel answers directly (:mod:`.kernel`: one ``SOCK_DIAG_BY_FAMILY`` dump per
family, as ``ss`` does, with each IPv6 socket's own ``IPV6_V6ONLY`` flag). Elsewhere, or
where netlink is refused, psutil lists the sockets and a real connect to ``127.0.0.1``
tells whether a wildcard IPv6 socket also takes IPv4 (:mod:`.fallback`).

``wsexplorer listeners --json`` must start and finish as fast as ``ss -ltnpH``, so this
package imports only the standard library at module level; the model is imported when a
function returns model objects, psutil only by the fallback. :func:`scan_listeners_json`
goes from the kernel's answer to JSON text without building ``Listener`` objects.
``wsexplorer listeners`` (``wsexplorer/cli.py``) is the command line.
"""

from __future__ import annotations

import _socket  # not ``socket``: its enums cost ~8 ms of CPU a start
import sys
import time

from .kernel import (
    METHOD_FALLBACK,
    METHOD_SOCK_DIAG,
    kernel_scan,
    rows_json_text,
    scan_listeners_sock_diag,
)

TYPE_CHECKING = False  # typing is not imported on the lean listeners path
if TYPE_CHECKING:  # pragma: no cover
    from ...model.listener import ListenerScan

__all__ = [
    "METHOD_FALLBACK",
    "METHOD_SOCK_DIAG",
    "scan_listeners",
    "scan_listeners_json",
    "scan_listeners_psutil",
    "scan_listeners_sock_diag",
]


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
    pretty: bool = False,
) -> str:
    """The same scan as :func:`scan_listeners`, as ``wsexplorer.listeners/1`` JSON text.

    The text equals ``json.dumps(scan_listeners(...).to_json())`` for the same sockets
    (with ``pretty``: ``report.dump_json`` of it, indented as ``diagnose --json``); on the
    kernel path it is written straight from the dump, without ``Listener`` objects (and
    without the model's dataclasses), which is what makes ``listeners --json`` as fast
    as ``ss``.
    """
    start = time.perf_counter()
    reason = _kernel_unavailable()
    if reason is None:
        try:
            result = kernel_scan(port, include_udp, with_processes)
        except OSError as exc:
            reason = f"sock_diag netlink unavailable ({exc})"
        else:
            return rows_json_text(
                result.rows, result.owners, METHOD_SOCK_DIAG, result.notes, pretty=pretty
            )
    import json

    scan = scan_listeners_psutil(
        port=port,
        include_udp=include_udp,
        with_processes=with_processes,
        reason=reason,
        _start=start,
    )
    if not pretty:
        return json.dumps(scan.to_json())
    from ...model.untrusted import json_safe

    return json_safe(json.dumps(scan.to_json(), indent=2, ensure_ascii=False))


def scan_listeners_psutil(
    *,
    port: int | None = None,
    include_udp: bool = False,
    with_processes: bool = True,
    reason: str | None = None,
    _start: float | None = None,
) -> ListenerScan:
    """The portable path: psutil lists the sockets, connects learn what ``::`` accepts.

    See :func:`.fallback.scan_listeners_psutil` (loaded only when called, so that
    ``listeners --json`` on Linux does not pay for it).
    """
    from .fallback import scan_listeners_psutil as scan

    return scan(
        port=port,
        include_udp=include_udp,
        with_processes=with_processes,
        reason=reason,
        _start=_start,
    )


def _kernel_unavailable() -> str | None:
    if not sys.platform.startswith("linux"):
        return f"sock_diag needs Linux (this is {sys.platform})"
    if not hasattr(_socket, "AF_NETLINK"):
        return "sock_diag needs AF_NETLINK, which this Python lacks"
    return None
