"""Read the resolver's configuration files: hosts, nsswitch.conf, gai.conf, resolv.conf.

Every reader takes a path (so tests hand in their own files) and never raises for a
missing or unreadable file: the hosts reader records the error in
:attr:`HostsFile.error`, the others return an empty result. The ``parse_*`` functions
are pure and take the file's text.
"""

from __future__ import annotations

import re
from pathlib import Path

from wsexplorer.model import HostsFile, parse_hosts

__all__ = [
    "GAI_CONF_KEYWORDS",
    "RESOLV_MAXNS",
    "parse_gai_conf",
    "parse_nsswitch_hosts",
    "parse_resolv_conf_nameservers",
    "read_gai_conf",
    "read_hosts",
    "read_nsswitch_hosts",
    "read_resolv_conf_nameservers",
    "read_text",
]

#: Keywords glibc's ``getaddrinfo`` reads from gai.conf (gai.conf(5)).
GAI_CONF_KEYWORDS = ("label", "precedence", "reload", "scopev4")

#: glibc uses at most this many ``nameserver`` lines (``MAXNS`` in resolv.h, resolv.conf(5)).
RESOLV_MAXNS = 3

# A service name, or a bracketed action list such as ``[NOTFOUND=return]``
# (nsswitch.conf(5): whitespace may appear inside the brackets).
_NSS_TOKEN = re.compile(r"\[[^\]]*\]|[^\s\[]+")


def read_text(path: str) -> tuple[str | None, str | None]:
    """Return ``(text, None)`` or ``(None, error)``; bytes that are not UTF-8 are replaced."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace"), None
    except OSError as exc:
        return None, str(exc)


def read_hosts(path: str) -> HostsFile:
    """Parse the hosts file at ``path``; an unreadable file gives ``HostsFile.error``."""
    text, error = read_text(path)
    if text is None:
        return HostsFile(path, error=error)
    return parse_hosts(text, path)


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


def parse_resolv_conf_nameservers(text: str) -> tuple[str, ...]:
    """The addresses of the ``nameserver`` lines, in order (all of them, even past 3).

    ``#`` and ``;`` start comments (resolv.conf(5)). Only the first word after
    ``nameserver`` is taken. Duplicates are kept once.
    """
    out: list[str] = []
    for raw in text.splitlines():
        fields = re.split(r"[#;]", raw, maxsplit=1)[0].split()
        if len(fields) >= 2 and fields[0] == "nameserver" and fields[1] not in out:
            out.append(fields[1])
    return tuple(out)


def read_resolv_conf_nameservers(path: str) -> tuple[tuple[str, ...], str | None]:
    """``(nameservers, error)`` of the resolv.conf at ``path``; unreadable gives ``((), error)``."""
    text, error = read_text(path)
    if text is None:
        return (), error
    return parse_resolv_conf_nameservers(text), None
