"""The ``?`` help screen: what each pane shows and what each key does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

__all__ = ["HELP_TEXT", "HelpScreen"]

HELP_TEXT = """\
# wsexplorer

Why does `connect ECONNREFUSED ::1:8080` happen while the server "is running"?
`localhost` resolved to `::1` first, the server listens on `0.0.0.0` (IPv4 only),
and the client tried only the first address.

## Panes

- **Resolution**: getaddrinfo's order and where each address came from (hosts file
  line, DNS, `--resolve`), the `AI_ADDRCONFIG` order Node asks for, nsswitch, gai.conf
  and the DNS answers per nameserver. A *what-if* banner means `--resolve` pins the answer.
- **Listeners**: every listening TCP socket, the URL's port first: its address, the
  kernel's `v6only` flag, which families it really accepts, and the process. For a
  target on another machine the table is this machine's: the target's sockets can't be
  seen from here, and the measured connects (Session, Diagnosis) say what answers.
- **Session**: a live WebSocket connection. Each address tried (start offset, how it
  ended, how long), the handshake (401/403 explained), the messages with timestamps
  (→ sent, ← received), ping round trips and the close code. Type in the bottom line
  and press Enter to send text or JSON; `/close 4000 bye` closes with that code and
  reason, `/hex 01 ff` and `/b64 AAEC` send binary, `//x` sends `/x`; ↑/↓ walk the
  lines sent before. JSON messages are pretty-printed; a long one is folded to one line
  (`▸ {…} 12 keys, 3.4 KiB`). A click on a message, or ↑/↓ in the log, selects it;
  Enter or space fold or unfold it, `y` copies it as it arrived.
- **Diagnosis**: who connects and who fails, client by client, with the exact error
  each prints; the fixes, each with a key and a button. After a fix the previous
  result stays visible (before → now).

## Keys

| key | action |
|---|---|
| `c` | connect (or reconnect) the live session |
| `x` | close the live session |
| `p` | ping: measure a round trip |
| `f` | fix: force IPv4 in the client (`family: 4`), then re-run and reconnect |
| `l` | fix: use the name's IPv4 address (`127.0.0.1` for `localhost`) instead of the name |
| `d` | fix: listen on `::` dual-stack (rebinds the embedded demo server; otherwise shows the change to make) |
| `u` | undo the last fix |
| `r` | refresh now (the screen also watches: a socket change on the URL's port, or a session the server closed, re-runs the diagnosis) |
| `a` | auto-reconnect on/off: backoff 0.5 s doubling to 30 s (off by default; `--reconnect`) |
| `h` | headers, subprotocols and Origin of the handshake (as `-H`, `--subprotocol`, `--origin`): edit, then apply to re-run and reconnect; the Session pane shows what was sent, secrets masked |
| `s` | save the session's messages as JSON Lines (`wsexplorer-session-*.jsonl`: each session's URL and headers sent, secrets masked, then time, direction, text or binary; the newest 10,000) |
| `y` | copy the message selected in the log (else the last one received) to the clipboard, as it arrived |
| `ctrl+f` | search the message log (plain text, any case; `/` too when the log has the focus): Enter or ↓ next match, shift+Enter or ↑ previous, escape closes; in the log `n` / `N` |
| `e` | export the report as Markdown to the current directory |
| `w` | paste an error (a line, a stack trace, a log): the URL follows it, the clients that print it are marked, the Diagnosis tells its story (as `wsexplorer why`) |
| `n` `b` `g` | in `wsexplorer lesson`: next step (or space), back, leave the lesson and come back |
| `/` | edit the URL (Enter applies; a bad URL changes nothing) |
| `m` | type a message |
| `escape` | leave a text field |
| `ctrl+p` | command palette: every action by name |
| `?` | this help |
| `q` | quit |
"""


class HelpScreen(ModalScreen[None]):
    """A modal with :data:`HELP_TEXT`; escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_help", "Close"),
        Binding("q", "dismiss_help", "Close", show=False),
        Binding("question_mark", "dismiss_help", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(HELP_TEXT, id="help-text")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
