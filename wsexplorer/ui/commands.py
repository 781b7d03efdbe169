"""Command palette entries (``ctrl+p``): every action of the main screen, by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

__all__ = ["COMMAND_LIST", "WsxCommands"]

COMMAND_LIST: tuple[tuple[str, str, str], ...] = (
    ("Connect / reconnect", "open the live WebSocket session (c)", "connect"),
    ("Close the session", "close the live session (x)", "disconnect"),
    ("Ping", "measure one round trip (p)", "ping"),
    ("Fix: force IPv4 (family 4)", "the client tries only IPv4 addresses (f)", "fix_family"),
    ("Fix: use an IPv4 address", "replace the host name by its IPv4 address (l)", "fix_literal"),
    (
        "Fix: listen on :: (dual-stack)",
        "rebind the demo server, or show the change (d)",
        "fix_dual_stack",
    ),
    ("Undo the last fix", "restore URL, family and server bind (u)", "undo"),
    ("Refresh", "observe again: resolution, listeners, trace (r)", "refresh"),
    ("Export the report as Markdown", "write wsexplorer-report-*.md here (e)", "export"),
    ("Family: auto", "try every address", "set_family('auto')"),
    ("Family: IPv4 only", "try only IPv4 addresses", "set_family('4')"),
    ("Family: IPv6 only", "try only IPv6 addresses", "set_family('6')"),
    ("Edit the URL", "focus the URL field (/)", "focus_url"),
    ("Type a message", "focus the send line (m)", "focus_send"),
    ("Help", "what each pane and key does (?)", "help"),
)
"""(name, help, main-screen action) for each palette entry."""


class WsxCommands(Provider):
    """Runs the main screen's actions from the command palette."""

    def _run(self, action: str) -> None:
        main = self.app.get_screen("main")
        self.app.call_later(main.run_action, action)

    async def discover(self) -> Hits:
        for name, help_text, action in COMMAND_LIST:
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in COMMAND_LIST:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self._run, action), help=help_text
                )
