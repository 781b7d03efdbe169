"""``w``: paste an error; the app reads it as ``wsexplorer why`` does, points the URL at
the target it implies, marks the clients that print it, and tells the story once the
diagnosis of that target arrives."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType

from ...model.untrusted import clean
from ..messages import ObserveFinished
from .base import ScreenBase

if TYPE_CHECKING:
    from ...diagnosis.why import Clue, Target

__all__ = ["WhyPart"]


class WhyPart(ScreenBase):
    """The pasted error and its story (cleared by the next paste)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("w", "why", "Paste error", show=False)]

    apply_url: Callable[[str], bool]  # the main screen's
    why_clue: Clue | None = None
    why_target: Target | None = None

    def action_why(self) -> None:
        # The dialog (a TextArea) and the error reader load on first use, not at start-up.
        from .paste import PasteScreen

        self.app.push_screen(PasteScreen(), self._pasted)

    def _pasted(self, text: str | None) -> None:
        if not text or not text.strip():
            return
        from ...diagnosis.why import read_error

        clue = read_error(text)
        if clue is None:
            self.notify(
                "no client's error text recognised: paste the line that holds the error "
                "(e.g. connect ECONNREFUSED ::1:8080)",
                severity="warning",
            )
            return
        self._place(clue)

    @work(thread=True, exclusive=True, group="why", exit_on_error=False)
    def _place(self, clue: Clue) -> None:
        """Find the names for a bare address (a lookup: in a thread), then apply."""
        from ...diagnosis.why import implied_target

        names: tuple[str, ...] = ()
        if clue.address and clue.port and not (clue.url or clue.host):
            names = self.backend.names_first(clue.address, clue.port)
        self.app.call_from_thread(self._apply, clue, implied_target(clue, names))

    def _apply(self, clue: Clue, target: Target) -> None:
        if target.url is None:
            self.notify(
                clean(f"recognised a {clue.kind} error, but it names no host, address or URL: "
                      "type the URL in the URL field (/)"),
                severity="warning",
                markup=False,
            )  # fmt: skip
            self.diagnosis_pane.mark_clients(frozenset(clue.clients), None)
            return
        self.why_clue, self.why_target = clue, target
        if target.url != self.state.url.geturl():
            self.apply_url(target.url)
        else:
            self._tell()

    @on(ObserveFinished)
    def _why_follows_diagnosis(self) -> None:
        self.call_after_refresh(self._tell)

    def _tell(self) -> None:
        clue, target, d = self.why_clue, self.why_target, self.diagnosis
        if clue is None or target is None or d is None:
            return
        from ...diagnosis.why import explain

        story = explain(clue, target, d).story
        self.diagnosis_pane.mark_clients(frozenset(clue.clients), f"your error: {story}")
