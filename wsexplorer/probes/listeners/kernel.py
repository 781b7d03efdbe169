"""The Linux path of the listeners probe: the kernel's socket table, and its JSON.

One ``SOCK_DIAG_BY_FAMILY`` dump per family (as ``ss`` does), with each IPv6 socket's own
``IPV6_V6ONLY`` flag (``INET_DIAG_SKV6ONLY``), and the owning processes from ``/proc``.
:func:`rows_json_text` is the listeners' only JSON writer: it goes from the kernel's rows
to ``wsexplorer.listeners/1`` text without building ``Listener`` objects, following the
model's key lists (``model/listener_json.py``), so its text is ``json.dumps`` of what
``ListenerScan.to_json`` returns for the same sockets (with ``pretty``: what
``report.dump_json`` prints for it). Only the standard library and that key module load
here until :func:`scan_listeners_sock_diag` asks for model objects.
"""

from __future__ import annotations

import _socket  # not ``socket``: its enums cost ~8 ms of CPU a start
import time

from ...model.listener_json import LISTENER_KEYS, SCAN_KEYS, SCHEMA

TYPE_CHECKING = False  # typing is not imported on the lean listeners path
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping, Sequence

    from ...model.address import Family
    from ...model.listener import Listener, ListenerScan
    from .._sockdiag import SocketRow

__all__ = [
    "METHOD_FALLBACK",
    "METHOD_SOCK_DIAG",
    "KernelResult",
    "build_listeners",
    "elapsed_ms",
    "families",
    "json_string",
    "kernel_scan",
    "pretty_json_string",
    "rows_json_text",
    "scan_listeners_sock_diag",
]

METHOD_SOCK_DIAG = "sock_diag"
METHOD_FALLBACK = "psutil+probe"  # the portable path, in .fallback
AF_INET = int(_socket.AF_INET)
AF_INET6 = int(_socket.AF_INET6)

HIDDEN_NOTE = (
    "{n} socket(s) have no process: other users' processes could not be inspected "
    "(/proc/PID/fd is readable only by its owner); run as root to see them"
)

# The keys whose value changes socket by socket, in the order LISTENER_KEYS gives them;
# every other key depends only on (protocol, family, address, v6only) and is written once
# per such shape, in the chunks between these.
_ROW_KEYS = ("port", "pid", "process", "uid")


def elapsed_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000.0, 3)


def families() -> dict[int, Family]:
    from ...model.address import Family

    return {AF_INET: Family.IPV4, AF_INET6: Family.IPV6}


class KernelResult:
    """Sorted, deduplicated rows, their owners (inode -> (pid, name)) and notes."""

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


def kernel_scan(port: int | None, include_udp: bool, with_processes: bool) -> KernelResult:
    """Dump, dedupe, sort and (optionally) find owners. Raises ``OSError`` from netlink."""
    from .. import _sockdiag as sd

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
        from .._procfs import socket_owners

        walk = socket_owners([row[4] for row in rows])
        owners = walk.owners
        if not walk.complete and walk.denied:
            hidden = True
            missing = sum(1 for row in rows if row[4] not in owners)
            notes.append(HIDDEN_NOTE.format(n=missing))
    return KernelResult(rows, owners, notes, hidden)


def scan_listeners_sock_diag(
    *,
    port: int | None = None,
    include_udp: bool = False,
    with_processes: bool = True,
    _start: float | None = None,
) -> ListenerScan:
    """The Linux path of ``scan_listeners``: the kernel's own socket table.

    Raises:
        OSError: netlink is unavailable or the kernel refused the dump.
    """
    from ...model.listener import ListenerScan

    start = time.perf_counter() if _start is None else _start
    result = kernel_scan(port, include_udp, with_processes)
    return ListenerScan(
        listeners=build_listeners(result.rows, result.owners),
        method=METHOD_SOCK_DIAG,
        notes=tuple(result.notes),
        hidden_processes=result.hidden,
        elapsed_ms=elapsed_ms(start),
    )


def build_listeners(
    rows: Sequence[SocketRow], owners: Mapping[int, tuple[int, str | None]]
) -> tuple[Listener, ...]:
    """Listener objects from sorted rows. ``accepts`` comes from the model's rule."""
    from ...model.listener import AcceptsSource, Listener, accepts_for

    family_of = families()
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


class _Layout:
    """Where the writer puts line breaks: ``json.dumps``'s default separators, or
    ``indent=2`` as ``report.dump_json`` writes (``pretty``; readable Unicode kept)."""

    __slots__ = ("close", "item", "list_", "open", "pretty", "top")

    def __init__(self, pretty: bool) -> None:
        self.pretty = pretty
        # Between a listener's keys, after its opening brace and before its closing one.
        self.item = ",\n      " if pretty else ", "
        self.open = "{\n      " if pretty else "{"
        self.close = "\n    }" if pretty else "}"
        # Between the scan's keys, and between the listeners (one level in).
        self.top = ",\n  " if pretty else ", "
        self.list_ = ",\n    " if pretty else ", "

    def array(self, items: Sequence[str], depth: int) -> str:
        """A JSON array of already-written ``items`` at nesting ``depth`` (1: a scan
        key's value, 3: a listener key's value)."""
        if not items:
            return "[]"
        if not self.pretty:
            return "[" + ", ".join(items) + "]"
        inner = "\n" + "  " * (depth + 1)
        return "[" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "]"

    def owner_glue(self) -> tuple[str, str]:
        """The text between pid and process, and between process and uid."""
        return (f'{self.item}"process": ', f'{self.item}"uid": ')


def rows_json_text(
    rows: Sequence[SocketRow],
    owners: Mapping[int, tuple[int, str | None]],
    method: str,
    notes: Sequence[str],
    error: str | None = None,
    *,
    pretty: bool = False,
) -> str:
    """``json.dumps(ListenerScan(...).to_json())`` for these rows, without the objects;
    with ``pretty``, ``report.dump_json`` of it (``indent=2``, as ``diagnose --json``).

    Keys and their order come from ``LISTENER_KEYS`` and ``SCAN_KEYS``. ``accepts`` is
    the model's rule (``accepts_for``) on kernel data: IPv4 -> ipv4; ``::`` without
    v6only -> both; other IPv6 -> ipv6.
    """
    layout = _Layout(pretty)
    dumps = pretty_json_string if pretty else json_string
    # Everything but port, pid, process and uid depends on few distinct values: the text
    # around those four is built once per (protocol, family, address, v6only).
    templates: dict[tuple[str, int, str, int], tuple[str, str]] = {}
    # pid, process and the text up to uid's value, once per owner.
    pid_glue, process_glue = layout.owner_glue()
    close = layout.close
    whos: dict[tuple[int, str | None] | None, str] = {None: f"null{pid_glue}null{process_glue}"}
    get_owner = owners.get
    parts: list[str] = []
    append = parts.append
    for sport, fam, addr, protocol, inode, v6flag, uid in rows:
        shape = (protocol, fam, addr, v6flag)
        template = templates.get(shape)
        if template is None:
            template = templates[shape] = _template(protocol, fam, addr, v6flag, layout)
        owner = get_owner(inode)
        who = whos.get(owner)
        if who is None:
            who = whos[owner] = f"{owner[0]}{pid_glue}{dumps(owner[1])}{process_glue}"  # type: ignore[index]
        append(f"{template[0]}{sport}{template[1]}{who}{uid}{close}")
    # The listeners are most of the text: it is copied once, by the final join.
    if not parts:
        listeners: tuple[str, ...] = ("[]",)
    elif pretty:
        listeners = ("[\n    ", layout.list_.join(parts), "\n  ]")
    else:
        listeners = ("[", ", ".join(parts), "]")
    values = {
        "schema": (dumps(SCHEMA),),
        "listeners": listeners,
        "method": (dumps(method),),
        "notes": (layout.array([dumps(n) for n in notes], 1),),
        "error": (dumps(error),),
    }
    pieces: list[str] = []
    for key in SCAN_KEYS:
        pieces += (layout.top if pieces else "{\n  " if pretty else "{", f'"{key}": ', *values[key])
    pieces.append("\n}" if pretty else "}")
    return "".join(pieces)


def _plain_ascii(text: str) -> bool:
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def json_string(text: str | None) -> str:
    """``json.dumps(text)``; plain ASCII (the usual process name) skips importing json."""
    if text is None:
        return "null"
    if _plain_ascii(text):
        return f'"{text}"'
    import json

    return json.dumps(text)


def pretty_json_string(text: str | None) -> str:
    """A string as ``report.dump_json`` writes it: readable Unicode kept, what a terminal
    would act on escaped (``json_safe``)."""
    if text is None:
        return "null"
    if _plain_ascii(text):
        return f'"{text}"'
    import json

    from ...model.untrusted import json_safe

    return json_safe(json.dumps(text, ensure_ascii=False))


def _template(protocol: str, fam: int, addr: str, v6flag: int, layout: _Layout) -> tuple[str, str]:
    """One listener's JSON cut around its port, pid, process and uid: the text before the
    port and between port and pid, holding every other key of ``LISTENER_KEYS`` in order
    (the text between pid, process, uid and the end is ``layout.owner_glue()`` and
    ``layout.close``)."""
    dumps = pretty_json_string if layout.pretty else json_string
    if fam == AF_INET:
        family, accepts = "ipv4", ['"ipv4"']
    elif addr == "::" and v6flag != 1:
        family, accepts = "ipv6", ['"ipv4"', '"ipv6"']
    else:
        family, accepts = "ipv6", ['"ipv6"']
    shape = {
        "protocol": dumps(protocol),
        "family": f'"{family}"',
        "address": dumps(addr),
        "v6only": "null" if v6flag < 0 else ("true" if v6flag else "false"),
        "accepts": layout.array(accepts, 3),
        "accepts_source": '"kernel"',
    }
    sep = layout.item
    chunks: list[str] = []
    text = layout.open
    for key in LISTENER_KEYS:
        text += f'"{key}": '
        if key in _ROW_KEYS:
            chunks.append(text)
            text = ""
        else:  # a KeyError here: LISTENER_KEYS has a key this writer does not fill yet
            text += shape[key]
        text += sep
    chunks.append(text[: -len(sep)] + layout.close)
    slots = tuple(key for key in LISTENER_KEYS if key in _ROW_KEYS)
    if slots != _ROW_KEYS or (chunks[2], chunks[3], chunks[4]) != (
        *layout.owner_glue(),
        layout.close,
    ):
        # LISTENER_KEYS moved a row key or put another key after pid: update _ROW_KEYS,
        # _Layout.owner_glue and the loop in rows_json_text.
        raise AssertionError(f"listener keys {LISTENER_KEYS} do not fit this writer")
    return chunks[0], chunks[1]
