"""``wsexplorer lesson``: the guided steps over the live screen (``n``/space, ``b``, ``g``).

The lesson is a panel on the full app: every key keeps working, so a fix step's key
(``f``, ``l``, ``d``) applies the fix live, and ``g`` hides the panel for the full app
and brings it back at the same step. The pane a step is about gets the
``lesson-focus`` class (a highlighted border).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType

from ...model import Diagnosis
from ..messages import ObserveFinished
from ..widgets.lesson import LessonPanel
from .fixing import FixPart

if TYPE_CHECKING:
    from ...presentation.lesson import LessonStep

__all__ = ["LessonPart"]

PANES = ("resolution", "listeners", "session", "diagnosis")


class LessonPart(FixPart):
    """The lesson's state and keys (inactive unless ``config.lesson``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "lesson_next", "Next step"),
        Binding("space", "lesson_next", "Next step", show=False),
        Binding("b", "lesson_back", "Back", show=False),
        Binding("g", "lesson_toggle", "Lesson"),
    ]

    lesson_number = 1
    lesson_shown = True
    lesson_before: Diagnosis | None = None
    lesson_pressed: int | None = None  # the generation when the step's fix key was pressed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not action.startswith("lesson_"):
            return True
        if not self.config.lesson:
            return False
        return action == "lesson_toggle" or self.lesson_shown

    @property
    def lesson_panel(self) -> LessonPanel:
        return self.query_one("#lesson", LessonPanel)

    def current_step(self) -> LessonStep:
        """The step, with "before -> now" once the diagnosis after its fix key arrived."""
        from ...presentation.lesson import lesson_step  # the lesson's words: only if it runs

        pinned = self.config.pin_note is not None
        pressed = self.lesson_pressed
        applied = pressed is not None and self.diagnosis_generation > pressed
        before = self.lesson_before if applied else None
        return lesson_step(self.lesson_number, self.diagnosis, pinned=pinned, before=before)

    def try_fix(self, key: str) -> None:
        """A fix key: when it applies its step's fix, remember what was shown before it
        (a refused key, e.g. while the diagnosis is stale, leaves the step as it was)."""
        depth, before, generation = len(self.undo), self.diagnosis, self.generation
        super().try_fix(key)
        on_step = self.config.lesson and self.lesson_shown and self.current_step().key == key
        if on_step and len(self.undo) > depth:
            self.lesson_before, self.lesson_pressed = before, generation
            self.show_lesson()

    def show_lesson(self) -> None:
        """Word the current step from the shown diagnosis and highlight its pane."""
        if not self.config.lesson:
            return
        step = self.current_step()
        panel = self.lesson_panel
        panel.display = self.lesson_shown
        panel.show_step(step)
        for pane in PANES:
            focus = self.lesson_shown and pane == step.pane
            widget = self.query_one(f"#{pane}")
            widget.set_class(focus, "lesson-focus")
            if focus:
                widget.scroll_visible(animate=False, top=True)

    def _go(self, number: int) -> None:
        from ...presentation.lesson import STEP_COUNT

        self.lesson_number = min(max(number, 1), STEP_COUNT)
        self.lesson_before = self.lesson_pressed = None
        self.show_lesson()

    def action_undo(self) -> None:
        """``u`` also takes the step back to before its fix."""
        super().action_undo()
        self.lesson_before = self.lesson_pressed = None
        self.show_lesson()

    def action_lesson_next(self) -> None:
        self._go(self.lesson_number + 1)

    def action_lesson_back(self) -> None:
        self._go(self.lesson_number - 1)

    def action_lesson_toggle(self) -> None:
        self.lesson_shown = not self.lesson_shown
        self.show_lesson()
        self.refresh_bindings()

    @on(ObserveFinished)
    def _lesson_follows_diagnosis(self) -> None:
        # After the observing part has stored the new diagnosis.
        self.call_after_refresh(self.show_lesson)
