"""The hosts-file and resolv.conf summaries, rendered the same way by the terminal report,
the Markdown export and the TUI's Resolution pane."""

from __future__ import annotations

from rich.console import Console

from wsexplorer.model import (
    DnsReport,
    GaiResult,
    HostsFile,
    IgnoredNameserver,
    Resolution,
    parse_hosts,
)
from wsexplorer.presentation import hosts_problem_rows, ignored_nameserver_rows
from wsexplorer.report import Style, resolution_lines
from wsexplorer.ui.widgets.resolution import render_resolution

NAME = "app.test"


def _resolution() -> Resolution:
    text = "".join(f"junk{i}\n" for i in range(30)) + f"127.0.0.1x {NAME}\n"
    hosts = parse_hosts(text, "/etc/hosts", name=NAME)
    dns = DnsReport(
        ("127.0.0.11",),
        ignored=(
            IgnoredNameserver(1, "127.0.0.1:5353", "not an address"),
            IgnoredNameserver(5, "127.0.0.14", "beyond the first 3 (glibc MAXNS)"),
        ),
        ignored_count=7,
    )
    return Resolution(NAME, 80, GaiResult(), GaiResult(), hosts_file=hosts, dns=dns)


EXPECTED = [
    "/etc/hosts: 31 lines ignored (not host lines); 6 shown: the first few and any that "
    f"mention {NAME}",
    "/etc/hosts:1 ignored: 'junk0' is not an IP address",
    "/etc/hosts:31 ignored, mentions app.test: '127.0.0.1x' is not an IP address",
    "resolv.conf:1 nameserver 127.0.0.1:5353 ignored: not an address",
    "resolv.conf:5 nameserver 127.0.0.14 ignored: beyond the first 3 (glibc MAXNS)",
    "and 5 more nameserver lines ignored",
]


def test_rows() -> None:
    res = _resolution()
    rows = hosts_problem_rows(res.hosts_file, NAME)
    assert len(rows) == 1 + 5 + 2  # summary, sample, the relevant line and its text
    assert rows[-1] == (f"    127.0.0.1x {NAME}", "dim")
    assert [t for t, _ in ignored_nameserver_rows(res.dns)] == EXPECTED[3:]


def test_cut_and_stopped_files_say_so() -> None:
    hf = HostsFile("/etc/hosts", cut_at_bytes=16 * 1024 * 1024, stopped_at_line=9000)
    assert [t for t, _ in hosts_problem_rows(hf, NAME)] == [
        "/etc/hosts is larger than 16 MiB: only its first 16 MiB were read",
        "/etc/hosts: stopped at line 9000 (deadline); later lines were not read",
    ]


def test_text_report_and_tui_pane_show_the_summary() -> None:
    res = _resolution()
    text = "\n".join(resolution_lines(res, Style(color=False)))
    console = Console(width=200, record=True, color_system=None)
    console.print(render_resolution(res))
    pane = console.export_text()
    for shown in (text, pane):
        for line in EXPECTED:
            assert line in shown, (line, shown)
        assert shown.count("ignored") == 10  # summary, 5 + 1 lines, 3 nameserver rows
