"""The Resolution pane: how the name resolves, and what explains the order.

getaddrinfo's order with the source of each address, the ``AI_ADDRCONFIG`` order (what
Node asks for), the hosts-file lines that matched with their line numbers, nsswitch,
gai.conf, and the DNS answers per nameserver, each outcome in its own style.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...model import Address, DnsOutcome, Resolution, Source, SystemFacts
from ...model.untrusted import clean
from ...presentation import hosts_problem_rows, ignored_nameserver_rows
from .pane import Pane

__all__ = ["ResolutionPane", "render_resolution"]

SOURCE_WORDS = {
    Source.HOSTS: "hosts file",
    Source.DNS: "DNS",
    Source.GETADDRINFO: "other NSS",
    Source.OVERRIDE: "--resolve",
    Source.LITERAL: "literal",
    Source.BUILTIN: "built in",
}


def _order(addresses: tuple[Address, ...], sources: bool = True) -> Text:
    if not addresses:
        return Text("(none)", style="dim")
    out = Text()
    for i, a in enumerate(addresses, start=1):
        if i > 1:
            out.append("\n" if sources else "  ")
        style = "bold magenta" if a.family.value == "ipv6" else "bold cyan"
        out.append(f"{i}. ", style="dim")
        out.append(clean(a.address), style=style)
        if sources:
            out.append(f" ({SOURCE_WORDS.get(a.source, a.source.value)})", style="dim")
    return out


def _dns_row(
    outcome: DnsOutcome, addresses: tuple[str, ...], ttl: int | None, error: str | None
) -> Text:
    if outcome is DnsOutcome.ANSWER:
        return Text.assemble((clean(", ".join(addresses)), "green"), (f"  ttl {ttl}", "dim"))
    if outcome is DnsOutcome.NXDOMAIN:
        return Text("NXDOMAIN (no such name)", style="yellow")
    if outcome is DnsOutcome.NO_ANSWER:
        return Text("no answer (name exists, no record of this type)", style="dim")
    if outcome is DnsOutcome.TIMEOUT:
        return Text("timeout", style="red")
    if outcome is DnsOutcome.LOCAL:
        return Text("answered locally", style="dim")
    return Text(f"error: {clean(error)}", style="red")


def render_resolution(res: Resolution, facts: SystemFacts | None = None) -> RenderableType:
    """The pane's body for one :class:`Resolution` (and the machine facts, once known)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    head: list[RenderableType] = []
    if res.override is not None:
        head.append(
            Text(
                f"what-if: --resolve {res.override.spec()} pins the answer",
                style="bold yellow",
            )
        )
        grid.add_row("pinned", _order(res.override.addresses, sources=False))
    gai = res.getaddrinfo
    label = "machine" if res.override is not None else "getaddrinfo"
    if gai.error:
        grid.add_row(label, Text(clean(gai.error), style="red"))
    else:
        grid.add_row(
            label, Text.assemble(_order(gai.order), (f"   {gai.elapsed_ms:.1f} ms", "dim"))
        )
    ac = res.addrconfig
    grid.add_row(
        "ADDRCONFIG",
        Text(clean(ac.error), style="red")
        if ac.error
        else Text.assemble(_order(ac.order, sources=False), ("  (Node's net.connect)", "dim")),
    )
    if res.is_literal:
        grid.add_row("hosts file", Text("not consulted: the host is an IP literal", style="dim"))
    else:
        hf = res.hosts_file
        path = clean(hf.path)
        if hf.error:
            grid.add_row("hosts file", Text(f"{path}: {clean(hf.error)}", style="red"))
        elif not hf.entries:
            grid.add_row("hosts file", Text(f"{path}: no line for {clean(res.host)}", style="dim"))
        for n, e in enumerate(hf.entries):
            grid.add_row(
                "hosts file" if n == 0 else "",
                Text.assemble(
                    (f"{path}:{e.line}", "dim"),
                    "  ",
                    (clean(e.address), "bold"),
                    "  ",
                    clean(" ".join(e.names)),
                ),
            )
        for text, tone in hosts_problem_rows(hf, res.host):
            grid.add_row("", Text(clean(text), style="yellow" if tone == "warn" else "dim"))
        grid.add_row(
            "nsswitch",
            Text("hosts: " + clean(" ".join(res.nsswitch)))
            if res.nsswitch
            else Text("(unknown)", "dim"),
        )
        grid.add_row(
            "gai.conf",
            Text(clean("; ".join(res.gai_conf)))
            if res.gai_conf
            else Text("default order (RFC 3484: ::1 before 127.0.0.1)", style="dim"),
        )
        dns = res.dns
        if dns.note:
            grid.add_row("DNS", Text(clean(dns.note), style="dim"))
        if dns.error:
            grid.add_row("DNS", Text(clean(dns.error), style="red"))
        for text, _tone in ignored_nameserver_rows(dns):
            grid.add_row("DNS", Text(clean(text), style="yellow"))
        shown = [a for a in dns.answers if a.outcome is not DnsOutcome.LOCAL]
        for a in shown:
            grid.add_row(
                Text(f"DNS {clean(a.type)}"),
                Text.assemble(
                    (f"@{clean(a.nameserver)}  ", "dim"),
                    _dns_row(a.outcome, a.addresses, a.ttl, a.error),
                    (f"  {a.elapsed_ms:.1f} ms", "dim"),
                ),
            )
        if not shown and not dns.note and not dns.error:
            grid.add_row("DNS", Text("not queried", style="dim"))
    if facts is not None:
        v6 = "IPv6 on (::1)" if facts.ipv6_enabled else "IPv6 OFF (no ::1)"
        glob = "has global IPv6" if facts.has_ipv6 else "no global IPv6: ADDRCONFIG drops ::1"
        b6 = "?" if facts.bindv6only is None else str(facts.bindv6only)
        grid.add_row("system", Text(f"{v6} · {glob} · bindv6only {b6}", style="dim"))
    return Group(*head, grid)


class ResolutionPane(Pane):
    """Resolution facts for the current URL's host."""

    BORDER_TITLE = "Resolution"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.resolution: Resolution | None = None
        self.facts: SystemFacts | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-error")
        with VerticalScroll(classes="pane-body"):
            yield Static("waiting…", id="resolution-body")

    def on_mount(self) -> None:
        self.error_widget().display = False

    def start(self, host: str, port: int) -> None:
        """A new lookup began: loading state until :meth:`show` is called."""
        self.resolution = None
        self.border_subtitle = Text(f"{clean(host)} port {port}")
        self.fail("resolution", None)
        self.query_one("#resolution-body", Static).update(
            Text(f"resolving {clean(host)}…", style="dim")
        )
        self.busy(True)

    def show(self, res: Resolution) -> None:
        self.resolution = res
        self.busy(False)
        self._refresh_body()

    def show_system(self, facts: SystemFacts) -> None:
        self.facts = facts
        if self.resolution is not None:
            self._refresh_body()

    def _refresh_body(self) -> None:
        if self.resolution is not None:
            self.query_one("#resolution-body", Static).update(
                render_resolution(self.resolution, self.facts)
            )
