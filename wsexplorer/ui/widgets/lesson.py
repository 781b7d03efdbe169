"""The lesson panel: the step counter, the step's title and paragraph, and its keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from ...model.untrusted import clean

if TYPE_CHECKING:
    from ...presentation.lesson import LessonStep

__all__ = ["LessonPanel"]

KEYS = "n / space next · b back · g leave the lesson (g again comes back) · q quit"


class LessonPanel(Static):
    """Docked under the panes while the lesson runs."""

    def show_step(self, step: LessonStep) -> None:
        self.border_title = f"Lesson · {step.counter}: {step.title}"
        self.border_subtitle = KEYS
        body = Text(clean(step.text))
        if step.key is not None:
            body.append(f"\n→ press {step.key}", style="bold")
        self.update(body)
