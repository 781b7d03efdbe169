"""The key footer: Textual's, with its keys made once for the bindings the screen starts
with, and rebuilt only when what it shows changes.

Textual's ``Footer`` composes no keys at first, then rebuilds them (a recompose: every
key widget removed, made, mounted and styled again) for each change of the screen's
bindings, even one that changes nothing it shows. At start-up the keys were built twice
before the first complete screen (issue 14). Here the first compose shows the screen's
bindings (the screen has labelled its keys for the window's width before composing the
footer: ``ScreenBase._label_fix_keys``), one rebuild at most is pending, and a rebuild
that would show the same keys is skipped.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["KeysFooter"]


class KeysFooter(Footer):
    """``Footer`` whose keys are rebuilt only when the shown ones change."""

    _rebuild_pending = False
    _shown: tuple[object, ...] | None = None

    def __init__(self, *, compact: bool = False, show_command_palette: bool = True) -> None:
        super().__init__(compact=compact, show_command_palette=show_command_palette)
        self.set_reactive(Footer._bindings_ready, True)  # compose the keys at once

    def _keys(self) -> tuple[object, ...]:
        """What the footer shows: the palette hint, and each shown binding as it is."""
        bindings = self.screen.active_bindings.values()
        return (
            self.show_command_palette,
            tuple(
                (b.key, b.description, b.action, on, tip) for _, b, on, tip in bindings if b.show
            ),
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        yield from super().compose()

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
        if self._keys() != self._shown:
            await self.recompose()
