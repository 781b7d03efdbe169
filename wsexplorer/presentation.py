"""Rows that summarise untrusted configuration, built once for every renderer.

The terminal report, the Markdown export and the TUI's Resolution pane all show the
hosts file's problem lines and the resolv.conf nameserver lines that are ignored; each
renders these ``(text, tone)`` rows in its own style. The texts are already clipped and
escaped by the parsers (:func:`wsexplorer.model.untrusted.clip`).
"""

from __future__ import annotations

from typing import Literal

from .model import DnsReport, HostsFile
from .model.untrusted import clip

__all__ = ["Row", "hosts_problem_rows", "ignored_nameserver_rows"]

#: ``(text, tone)``: tone ``warn`` for something the user should look at, ``dim`` else.
Row = tuple[str, Literal["warn", "dim"]]


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n % (1024 * 1024) == 0 else f"{n} bytes"


def hosts_problem_rows(hf: HostsFile, host: str) -> list[Row]:
    """The hosts file's problems as rows: a summary line when not every problem line is
    shown, each kept line (those that mention ``host`` with their text), and whether
    the file was cut at the size cap or the deadline."""
    rows: list[Row] = []
    path = clip(hf.path, 300)
    if hf.cut_at_bytes is not None:
        size = _size(hf.cut_at_bytes)
        rows.append((f"{path} is larger than {size}: only its first {size} were read", "warn"))
    if hf.stopped_at_line is not None:
        rows.append(
            (
                f"{path}: stopped at line {hf.stopped_at_line} (deadline); "
                "later lines were not read",
                "warn",
            )
        )
    if hf.problems_truncated:
        shown = len(hf.problems)
        rows.append(
            (
                f"{path}: {hf.problem_count} lines ignored (not host lines); "
                f"{shown} shown: the first few and any that mention {clip(host, 80)}",
                "warn",
            )
        )
    for p in hf.problems:
        if p.relevant:
            rows.append((f"{path}:{p.line} ignored, mentions {clip(host, 80)}: {p.reason}", "warn"))
            rows.append((f"    {p.text}", "dim"))
        else:
            rows.append((f"{path}:{p.line} ignored: {p.reason}", "warn"))
    return rows


def ignored_nameserver_rows(dns: DnsReport) -> list[Row]:
    """One row per resolv.conf nameserver line not used (never queried), and a count of
    the rest when there are more than were kept."""
    rows: list[Row] = [
        (f"resolv.conf:{i.line} nameserver {i.text} ignored: {i.reason}", "warn")
        for i in dns.ignored
    ]
    more = dns.ignored_count - len(dns.ignored)
    if more > 0:
        rows.append((f"and {more} more nameserver lines ignored", "warn"))
    return rows
