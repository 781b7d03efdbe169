"""Read the resolver's configuration files: hosts, nsswitch.conf, gai.conf, resolv.conf.

Every reader takes a path (so tests hand in their own files) and never raises for a
missing or unreadable file: the hosts reader records the error in
:attr:`HostsFile.error`, the others return an empty result. The ``parse_*`` functions
are pure and take the file's text.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from wsexplorer.model import HostsFile, IgnoredNameserver, parse_hosts
from wsexplorer.model.hosts import PROBLEM_TEXT_MAX
from wsexplorer.model.untrusted import clip

from ..model.record import record

__all__ = [
    "BEYOND_MAXNS",
    "GAI_CONF_KEYWORDS",
    "HOSTS_READ_LIMIT",
    "NOT_AN_ADDRESS",
    "RESOLV_MAXNS",
    "ResolvConfNameservers",
    "parse_gai_conf",
    "parse_nsswitch_hosts",
    "parse_resolv_conf_nameservers",
    "read_gai_conf",
    "read_hosts",
    "read_nsswitch_hosts",
    "read_resolv_conf",
    "read_resolv_conf_nameservers",
    "read_text",
]

#: Keywords glibc's ``getaddrinfo`` reads from gai.conf (gai.conf(5)).
GAI_CONF_KEYWORDS = ("label", "precedence", "reload", "scopev4")

#: glibc uses at most this many ``nameserver`` lines (``MAXNS`` in resolv.h, resolv.conf(5)).
RESOLV_MAXNS = 3

#: Bytes of a hosts file read at most (16 MiB); a larger file is reported as cut there.
HOSTS_READ_LIMIT = 16 * 1024 * 1024

#: Reasons a ``nameserver`` line is not used, as reports show them.
NOT_AN_ADDRESS = "not an address"
BEYOND_MAXNS = f"beyond the first {RESOLV_MAXNS} (glibc MAXNS)"
# At most this many ignored nameserver lines are kept (the count keeps the rest).
_IGNORED_KEPT = 10

# A service name, or a bracketed action list such as ``[NOTFOUND=return]``
# (nsswitch.conf(5): whitespace may appear inside the brackets).
_NSS_TOKEN = re.compile(r"\[[^\]]*\]|[^\s\[]+")


def read_text(path: str) -> tuple[str | None, str | None]:
    """Return ``(text, None)`` or ``(None, error)``; bytes that are not UTF-8 are replaced."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace"), None
    except OSError as exc:
        return None, str(exc)


def read_hosts(
    path: str,
    *,
    name: str | None = None,
    deadline: float | None = None,
    limit: int = HOSTS_READ_LIMIT,
) -> HostsFile:
    """Parse the hosts file at ``path``; an unreadable file gives ``HostsFile.error``.

    Args:
        path: the file.
        name: passed to :func:`parse_hosts`: keep only this name's entries and the
            problem lines that mention it.
        deadline: a ``time.monotonic()`` value; parsing stops there
            (:attr:`HostsFile.stopped_at_line`).
        limit: bytes read at most; a larger file is parsed up to its last complete
            line within the limit and :attr:`HostsFile.cut_at_bytes` says so.
    """
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except (OSError, ValueError) as exc:
        return HostsFile(path, error=str(exc))
    cut = len(data) > limit
    if cut:
        data = data[: data.rfind(b"\n", 0, limit) + 1]
    stop: Callable[[], bool] | None = None
    if deadline is not None:
        end = deadline
        stop = lambda: time.monotonic() >= end  # noqa: E731
    text = data.decode("utf-8", errors="replace")
    del data
    hosts = parse_hosts(text, path, name=name, stop=stop)
    return replace(hosts, cut_at_bytes=limit) if cut else hosts


def parse_nsswitch_hosts(text: str) -> tuple[str, ...]:
    """The sources on the ``hosts:`` line, in order, e.g. ``("files", "dns")``.

    Action lists are kept as their own tokens with inner whitespace removed, e.g.
    ``("files", "[NOTFOUND=return]", "dns")``, because they change what the order means.
    Comments (``#``) are ignored. The first ``hosts:`` line is used. No ``hosts:`` line
    gives ``()`` (glibc then falls back to a built-in default, which is not shown).
    """
    for raw in text.splitlines():
        body = raw.split("#", 1)[0].strip()
        database, sep, rest = body.partition(":")
        if not sep or database.strip().lower() != "hosts":
            continue
        return tuple(re.sub(r"\s+", "", tok) for tok in _NSS_TOKEN.findall(rest))
    return ()


def read_nsswitch_hosts(path: str) -> tuple[str, ...]:
    """:func:`parse_nsswitch_hosts` of the file at ``path``; unreadable gives ``()``."""
    text, _ = read_text(path)
    return () if text is None else parse_nsswitch_hosts(text)


def parse_gai_conf(text: str) -> tuple[str, ...]:
    """The effective lines of a gai.conf, whitespace collapsed, in file order.

    Only lines starting with one of :data:`GAI_CONF_KEYWORDS` are kept (comments and
    anything else glibc ignores are dropped), e.g. ``("precedence ::ffff:0:0/96 100",)``.
    """
    out: list[str] = []
    for raw in text.splitlines():
        fields = raw.split("#", 1)[0].split()
        if fields and fields[0].lower() in GAI_CONF_KEYWORDS:
            out.append(" ".join(fields))
    return tuple(out)


def read_gai_conf(path: str) -> tuple[str, ...]:
    """:func:`parse_gai_conf` of the file at ``path``; unreadable or missing gives ``()``."""
    text, _ = read_text(path)
    return () if text is None else parse_gai_conf(text)


@record
class ResolvConfNameservers:
    """The ``nameserver`` lines of a resolv.conf, split as glibc's resolver splits them.

    Attributes:
        used: the addresses glibc queries, in order, at most :data:`RESOLV_MAXNS`
            (IPv4 in dotted-quad form, IPv6 as written, ``%scope`` kept).
        ignored: lines glibc does not use, each with its reason, at most ten kept.
        ignored_count: every ignored line.
    """

    used: tuple[str, ...] = ()
    ignored: tuple[IgnoredNameserver, ...] = ()
    ignored_count: int = 0


def _glibc_nameserver(word: str) -> str | None:
    """The address glibc makes of a ``nameserver`` value, or ``None`` if it rejects it.

    glibc (``resolv/res_init.c``) takes an IPv4 address in any ``inet_aton`` form that
    spans the whole word, else an IPv6 address for ``inet_pton`` with an optional
    ``%scope`` after it; nothing else, so ``ADDR:PORT`` and ``[v6]:port`` are rejected.
    """
    if any(c.isspace() for c in word):  # glibc cuts the word at ' ' and '\t' only
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(word))
    except (OSError, ValueError):
        pass
    address = word.split("%", 1)[0]
    try:
        socket.inet_pton(socket.AF_INET6, address)
    except (OSError, ValueError):
        return None
    return word


def parse_resolv_conf(text: str) -> ResolvConfNameservers:
    """Split the ``nameserver`` lines of resolv.conf text into used and ignored ones.

    As glibc's ``res_init`` (``resolv/res_init.c``) does: a line counts when it starts
    with ``nameserver`` followed by a space or tab (``#`` or ``;`` in the first column
    makes a comment); the first word after it must be an IP literal (see
    :func:`_glibc_nameserver`), anything after that word is ignored. Only the first
    ``MAXNS`` (3, ``resolv.h``) valid lines are used, a repeated address counting
    again; later ones are ignored with the reason :data:`BEYOND_MAXNS`, and values that
    are not addresses with :data:`NOT_AN_ADDRESS`.
    """
    used: list[str] = []
    ignored: list[IgnoredNameserver] = []
    count = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.startswith(("nameserver ", "nameserver\t")):
            continue
        word = re.split(r"[ \t]", raw[len("nameserver") :].lstrip(" \t"), maxsplit=1)[0]
        address = _glibc_nameserver(word) if word else None
        if address is not None and len(used) < RESOLV_MAXNS:
            used.append(address)
            continue
        count += 1
        if len(ignored) < _IGNORED_KEPT:
            reason = NOT_AN_ADDRESS if address is None else BEYOND_MAXNS
            ignored.append(IgnoredNameserver(number, clip(word, PROBLEM_TEXT_MAX), reason))
    return ResolvConfNameservers(tuple(used), tuple(ignored), count)


def parse_resolv_conf_nameservers(text: str) -> tuple[str, ...]:
    """The nameservers glibc queries, in order: :attr:`ResolvConfNameservers.used`."""
    return parse_resolv_conf(text).used


def read_resolv_conf(path: str) -> tuple[ResolvConfNameservers, str | None]:
    """``(nameservers, error)`` of the resolv.conf at ``path``; unreadable gives an error."""
    text, error = read_text(path)
    if text is None:
        return ResolvConfNameservers(), error
    return parse_resolv_conf(text), None


def read_resolv_conf_nameservers(path: str) -> tuple[tuple[str, ...], str | None]:
    """``(nameservers, error)`` of the resolv.conf at ``path``; unreadable gives ``((), error)``."""
    config, error = read_resolv_conf(path)
    return config.used, error
