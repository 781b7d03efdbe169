"""The DNS part of a resolution: which nameservers to ask, then one A and one AAAA each.

The nameservers come from resolv.conf read as glibc reads it
(:func:`~wsexplorer.probes.sysconf.parse_resolv_conf`): only the ones the system
resolver would use are queried; the others are listed as ignored, with the reason, and
never sent anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from wsexplorer.model import DnsReport

from .sysconf import read_resolv_conf

__all__ = ["FALLBACK_NAMESERVER", "dns_report"]

#: glibc's resolver asks the local machine when resolv.conf names no usable server
#: (resolv.conf(5)).
FALLBACK_NAMESERVER = "127.0.0.1"


def dns_report(
    name: str,
    *,
    literal: bool,
    enabled: bool,
    nameservers: Sequence[str] | None,
    resolv_conf_path: str,
    timeout: float,
) -> DnsReport:
    """Query the nameservers for ``name`` (see :func:`~wsexplorer.probes.dns.query_nameservers`).

    Args:
        name: the host name.
        literal: the name is an IP literal: nothing is looked up.
        enabled: ``False``: nothing is queried (``--no-dns``).
        nameservers: ``addr``, ``addr:port`` or ``[v6addr]:port`` given by the caller;
            ``None`` reads ``resolv_conf_path``.
        resolv_conf_path: the resolv.conf to read.
        timeout: seconds per query; all queries run at once.
    """
    if literal:
        return DnsReport(note="an IP address: nothing to look up")
    if not enabled:
        return DnsReport(note="DNS not queried (turned off)")
    notes: list[str] = []
    error: str | None = None
    ignored = DnsReport()
    if nameservers is not None:
        servers = tuple(nameservers)
    else:
        config, read_error = read_resolv_conf(resolv_conf_path)
        if read_error is not None:
            error = f"cannot read {resolv_conf_path}: {read_error}"
        servers = tuple(dict.fromkeys(config.used))  # a repeated line is asked once
        ignored = DnsReport(ignored=config.ignored, ignored_count=config.ignored_count)
        if not servers:
            servers = (FALLBACK_NAMESERVER,)
            notes.append(
                f"no usable nameserver in {resolv_conf_path}: glibc asks "
                f"{FALLBACK_NAMESERVER}, so it is queried here"
            )
    if not name:
        return replace(ignored, note="empty host name: nothing to look up", error=error)
    if "." not in name.rstrip(".") and name.rstrip(".").lower() != "localhost":
        notes.append("single-label name queried as given, without resolv.conf search domains")
    from .dns import query_nameservers

    report = query_nameservers(
        name, servers, timeout=timeout, note="; ".join(notes) if notes else None
    )
    return replace(
        report, error=error, ignored=ignored.ignored, ignored_count=ignored.ignored_count
    )
