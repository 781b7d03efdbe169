"""The key footer: Textual's, rebuilt once however often the bindings change before it is.

Textual's ``Footer`` schedules a rebuild of its keys (a recompose: every key widget
removed, made, mounted and styled again) for each change of the screen's bindings. At
start-up they change twice before the first rebuild runs (Textual's first bindings,
then the screen's labels for the window's width: ``ScreenBase._label_fix_keys``), and
the second rebuild redid the first's work (issue 14: the first complete screen). A
rebuild reads the bindings when it runs, so one pending rebuild is enough.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["KeysFooter"]


class KeysFooter(Footer):
    """``Footer`` with at most one rebuild pending."""

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Footer.bindings_changed, with the rebuild scheduled only if none is pending.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
