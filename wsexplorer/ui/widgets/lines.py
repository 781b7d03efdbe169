"""Lines a pane shows now and then (an error, a banner, a fix's detail), mounted the first
time they are shown.

Most of them are hidden on most screens, but a hidden widget still costs the start its
message pump, its mount and its styling (issue 14: ~1 ms of CPU each, 11 of them). A line
is a ``Static`` with its own id, placed among its parent's children by ``order`` (the ids
of the lines and fixed widgets in screen order), so it appears where the compose would
have put it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from rich.console import RenderableType
from textual.widget import Widget
from textual.widgets import Static

__all__ = ["find_child", "find_line", "hide_line", "show_line"]

W = TypeVar("W", bound=Widget)


def find_child(parent: Widget, child_id: str, kind: type[W]) -> W | None:
    """``parent``'s child ``child_id`` of type ``kind``, if it was mounted (no query: a
    child mounted on first use may not be there)."""
    for child in parent.children:
        if child.id == child_id and isinstance(child, kind):
            return child
    return None


def find_line(parent: Widget, line_id: str) -> Static | None:
    """The line ``line_id`` among ``parent``'s children, if it was ever shown."""
    return find_child(parent, line_id, Static)


def show_line(
    parent: Widget,
    line_id: str,
    order: Sequence[str],
    content: RenderableType | None = None,
    *,
    classes: str = "",
) -> Static:
    """Show the line ``line_id`` (mounted now if it never was), with ``content`` if given."""
    widget = find_line(parent, line_id)
    if widget is None:
        # Made with its content: an update before the widget is mounted leaves Textual's
        # layout flag set, and later updates then never lay it out again (a line stayed
        # one row high for three rows of text).
        widget = Static("" if content is None else content, id=line_id, classes=classes)
        later = order[order.index(line_id) + 1 :]
        after = [c for name in later for c in parent.children if c.id == name]
        parent.mount(widget, before=after[0] if after else None)
        return widget
    if content is not None:
        widget.update(content)
    if not widget.display:
        widget.display = True
    return widget


def hide_line(parent: Widget, line_id: str) -> None:
    """Hide the line ``line_id`` if it is shown (a line never shown stays unmounted)."""
    widget = find_line(parent, line_id)
    if widget is not None and widget.display:
        widget.display = False
