"""Command palette entries (``ctrl+p``): every action of the main screen, by name.

A fix's entry is named as the shown diagnosis names its fix (``Fix: 192.0.2.10``); before
the first diagnosis it keeps the words of :data:`COMMAND_LIST`.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..model import Diagnosis
from ..model.untrusted import clean
from .fixes import key_label

__all__ = ["COMMAND_LIST", "FIX_ACTIONS", "WsxCommands", "commands"]

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
    (
        "Auto-reconnect on/off",
        "reopen the session with backoff when it drops (a)",
        "toggle_reconnect",
    ),
    (
        "Save the session log (JSON Lines)",
        "URL, headers sent, messages with time and direction (s)",
        "save_session",
    ),
    ("Copy a message", "the selected one, else the last received (y)", "copy_message"),
    ("Search the session log", "plain text; n/N or Enter jump (ctrl+f)", "search_log"),
    ("Export the report as Markdown", "write wsexplorer-report-*.md here (e)", "export"),
    ("Paste an error", "which clients print it, and its story here (w)", "why"),
    ("Family: auto", "try every address", "set_family('auto')"),
    ("Family: IPv4 only", "try only IPv4 addresses", "set_family('4')"),
    ("Family: IPv6 only", "try only IPv6 addresses", "set_family('6')"),
    ("Edit the URL", "focus the URL field (/)", "focus_url"),
    (
        "Headers, subprotocols, Origin",
        "edit the handshake's request, then reconnect (h)",
        "edit_connection",
    ),
    ("Type a message", "focus the send line (m)", "focus_send"),
    ("Help", "what each pane and key does (?)", "help"),
)
"""(name, help, main-screen action) for each palette entry."""

FIX_ACTIONS = {"fix_family": "f", "fix_literal": "l", "fix_dual_stack": "d"}
"""The fix key each fix action tries."""


def commands(d: Diagnosis | None) -> list[tuple[str, str, str]]:
    """:data:`COMMAND_LIST` with each fix entry named by ``d``'s fix on its key."""
    out = []
    for name, help_text, action in COMMAND_LIST:
        key = FIX_ACTIONS.get(action)
        label = None if key is None else key_label(d, key)
        out.append((clean(label) if label else name, help_text, action))
    return out


class WsxCommands(Provider):
    """Runs the main screen's actions from the command palette."""

    def _run(self, action: str) -> None:
        main = self.app.get_screen("main")
        self.app.call_later(main.run_action, action)

    def _commands(self) -> list[tuple[str, str, str]]:
        diagnosis = getattr(self.app.get_screen("main"), "diagnosis", None)
        return commands(diagnosis if isinstance(diagnosis, Diagnosis) else None)

    async def discover(self) -> Hits:
        for name, help_text, action in self._commands():
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for (name, help_text, action), (words, _, _) in zip(
            self._commands(), COMMAND_LIST, strict=True
        ):
            # A fix's entry is also found by its usual words ("force IPv4").
            score = max(matcher.match(name), matcher.match(words))
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self._run, action), help=help_text
                )
