"""Fixes tried live, undo, and the embedded demo server they may rebind.

A fix applies the change the engine decided (``Fix.change``, via ``ui/fixes.py``) to the
live state (URL, family, demo server bind), pushes the previous state on the undo stack,
re-runs the observation and reconnects. The screen never decides whether a fix applies.
"""

from __future__ import annotations

from dataclasses import replace

from textual import work

from ...model import BindMode, ServerConfig, WsxError
from ...model.untrusted import clean
from ..fixes import NOT_CURRENT, applied, fix_for_key, refusal
from ..messages import ServerChanged
from ..state import FixRecord
from .observing import ObservingPart
from .session_control import SessionPart

__all__ = ["FixPart"]


class FixPart(ObservingPart, SessionPart):
    """Apply and undo the engine's fixes; start and rebind the demo server."""

    # ------------------------------------------------------------------ demo server
    @work(exclusive=True, group="server", exit_on_error=False)
    async def start_server(self) -> None:
        """Start the embedded demo server on the URL's port, then observe and connect."""
        bind = self.config.demo_server or "127.0.0.1"
        config = ServerConfig(host=bind, port=self.state.url.port, path=None)
        server = self.backend.server(config, lambda _line: None)
        try:
            listeners = await server.start()
        except WsxError as exc:
            self.server_error = str(exc)
            self.post_message(ServerChanged((), str(exc)))
        else:
            self.server = server
            self.state = replace(self.state, server_host=bind, server_mode=BindMode.DEFAULT)
            self.post_message(ServerChanged(listeners))
        self.refresh_all()
        if self.session_wanted:
            self.connect_session()

    @work(exclusive=True, group="server", exit_on_error=False)
    async def rebind_server(self, host: str, mode: BindMode, undoing: bool = False) -> None:
        """Rebind the demo server, then re-run and reconnect; a failure is undone and shown."""
        server = self.server
        if server is None:
            return
        try:
            listeners = await server.rebind(host=host, mode=mode)
        except WsxError as exc:
            if not undoing:
                self.undo.pop()
            self.post_message(ServerChanged(server.listeners, str(exc)))
            self.notify(clean(exc), title="rebind failed", severity="error", markup=False)
            return
        self.state = replace(self.state, server_host=host, server_mode=mode)
        self.post_message(ServerChanged(listeners))
        self._rerun()

    def on_server_changed(self, message: ServerChanged) -> None:
        self.listeners_pane.show_server(message.listeners, message.error, self.config.demo_server)
        self._show_banner()

    # ------------------------------------------------------------------ fixes
    def _rerun(self) -> None:
        """The state changed: show it in the inputs, observe it, reconnect if wanted."""
        self._sync_inputs()
        self.refresh_all()
        self.reconnect_if_wanted()

    def try_fix(self, key: str) -> None:
        """Apply the change of the diagnosis's fix on ``key``, or say why nothing changes."""
        current = self.diagnosis is not None and self.diagnosed_state == self.state
        fix = fix_for_key(self.diagnosis, key) if current else None
        why = refusal(fix, key, self.diagnosis) if current else NOT_CURRENT
        if fix is None or fix.change is None or why is not None:
            self.notify(clean(why or NOT_CURRENT), severity="warning", markup=False)
            return
        change = fix.change
        if change.server_bind is not None and self.server is None:
            self.diagnosis_pane.show_detail(fix.id)
            self.notify(
                "no embedded demo server to rebind: the change to make is shown in the "
                "Diagnosis pane",
                severity="information",
            )
            return
        self.undo.push(FixRecord(fix.id, fix.title, self.state, self.diagnosis))
        self.session_wanted = True
        if change.note:
            self.notify(clean(change.note), markup=False)
        self.state = applied(self.state, change)
        self.topbar.show_url_error(None)
        if change.server_bind is not None:
            host, mode = change.server_bind
            self._sync_inputs()
            self.rebind_server(host, BindMode(mode))
        else:
            self._rerun()

    def action_undo(self) -> None:
        """``u``: restore the state before the last fix."""
        record = self.undo.pop()
        if record is None:
            self.notify("nothing to undo", severity="warning")
            return
        before = record.before
        rebind = self.server is not None and (
            (before.server_host, before.server_mode)
            != (self.state.server_host, self.state.server_mode)
        )
        self.state = replace(
            before, server_host=self.state.server_host, server_mode=self.state.server_mode
        )
        self.notify(clean(f"undid: {record.title}"), markup=False)
        if rebind and before.server_host is not None:
            self._sync_inputs()
            self.rebind_server(
                before.server_host, before.server_mode or BindMode.DEFAULT, undoing=True
            )
        else:
            self._rerun()
