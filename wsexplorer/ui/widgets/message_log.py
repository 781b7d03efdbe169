"""The session's message log: bounded, searchable, and JSON that folds.

A scrolling view of entries (one written line or message each), re-wrapped to the
width. Every entry's text arrives sanitised (``model/untrusted.py``) as a Rich ``Text``
and is never read as markup. A JSON message has two forms: indented (``full``) and one
line (``short``: as it arrived when short, else the summary ``{…} 12 keys, 3.4 KiB``);
enter or space on the selected message switches between them. The log keeps at most
``max_lines`` lines: the oldest entries scroll away for good.

Search (``set_query``) is plain text and case-insensitive over what is shown; a folded
JSON summary is searched in its indented form (its ``▸`` is marked), and jumping to a
match there unfolds it. Marks change styles, never the layout: an entry whose marks
changed is drawn again only when one of its lines is next shown, so a query that matches
every entry costs one scan of the text, not a render of the whole log. Unfolding can
grow the log past ``max_lines`` until the next message (at most twice as many lines).
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...model import SessionEvent
from ..log_entry import LogEntry
from ..log_search import count_label, find_all

__all__ = ["LogEntry", "MessageLog"]

MIN_WIDTH = 20
_HIT = Style(bgcolor="yellow", color="black")
_CURRENT = Style(bgcolor="magenta", color="white", bold=True)
_SELECTED = Style(reverse=True)


class MessageLog(ScrollView, can_focus=True):
    """Entries in a bounded, searchable scrolling view (see the module's docstring)."""

    DEFAULT_CSS = """
    MessageLog {
        background: $surface;
        color: $foreground;
        overflow-y: scroll;
        &:focus { background-tint: $foreground 5%; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "select(-1)", "Previous message", show=False),
        Binding("down", "select(1)", "Next message", show=False),
        Binding("enter,space", "fold", "Fold/unfold JSON", show=False),
        Binding("n", "step(1)", "Next match", show=False),
        Binding("N", "step(-1)", "Previous match", show=False),
        Binding("slash", "search", "Search", show=False),
        Binding("escape", "leave", "Leave the log", show=False),
    ]

    class SearchAsked(Message):
        """``/`` in the log: the pane opens its search field."""

    class SearchDone(Message):
        """Escape in the log while searching: the pane closes its search field."""

    class MatchesChanged(Message):
        """The matches or the current one changed: the pane updates its count."""

    def __init__(self, *, max_lines: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.max_lines = max_lines
        self.entries: deque[LogEntry] = deque()
        self._lines: list[Strip] = []
        self._owners: list[LogEntry] = []
        """The entry of each line."""
        self._base = 0
        """Absolute index of the first kept line (entries' starts are absolute)."""
        self._width = 0
        self.needle = ""
        self.matches: list[tuple[LogEntry, int]] = []
        self.current: int | None = None
        self.selected: LogEntry | None = None

    # ------------------------------------------------------------------ lines
    @property
    def lines(self) -> list[Strip]:
        """Every kept line, oldest first (with their current marks)."""
        for entry in self.entries:
            if entry.stale:
                self._restyle(entry)
        return self._lines

    def add(self, entry: LogEntry | Text) -> LogEntry:
        """Append an entry (a ``Text`` is one that does not fold)."""
        if isinstance(entry, Text):
            entry = LogEntry(entry)
        self.entries.append(entry)
        if self.needle:
            entry.hits = find_all(entry.searched()[1], self.needle)
            self.matches.extend((entry, at) for at in entry.hits)
        if self._width:
            entry.start = self._base + len(self._lines)
            strips = self._render_entry(entry)
            entry.height = len(strips)
            self._lines.extend(strips)
            self._owners.extend([entry] * len(strips))
        self._trim(self.max_lines)
        if entry.hits:
            self.post_message(self.MatchesChanged())
        if self._width:
            self._resized()
            if not self.needle and self.selected is None:
                self.scroll_end(animate=False, immediate=False, x_axis=False)
        return entry

    def clear(self) -> None:
        self.entries.clear()
        self._lines.clear()
        self._owners.clear()
        self._base = 0
        self.matches, self.current, self.selected = [], None, None
        self._resized()

    def _trim(self, most: int) -> None:
        """Drop the oldest entries while the lines (or, before layout, entries) overflow."""
        dropped = 0
        while len(self.entries) > 1 and (
            len(self._lines) > most or len(self.entries) > self.max_lines
        ):
            old = self.entries.popleft()
            del self._lines[: old.height]
            del self._owners[: old.height]
            self._base += old.height
            dropped += len(old.hits)
            if old is self.selected:
                self.selected = None
        if dropped:
            del self.matches[:dropped]
            if self.current is not None:
                self.current = self.current - dropped if self.current >= dropped else None

    def _view(self, entry: LogEntry) -> Text:
        """The entry as shown now: its form, its matches marked, the selection marked."""
        one_line = entry.short is not None and not entry.expanded
        text = (entry.short if one_line and entry.short is not None else entry.full).copy()
        if entry.hits and one_line and not entry.inline:
            text.stylize(_HIT, entry.head + 3, entry.head + 4)  # the ▸ after "HH:MM:SS ← "
        elif entry.hits:
            size = len(self.needle)
            current = self.matches[self.current] if self.current is not None else None
            for at in entry.hits:
                here = current is not None and current[0] is entry and current[1] == at
                text.stylize(_CURRENT if here else _HIT, at, at + size)
        if entry is self.selected:
            text.stylize(_SELECTED, 0, max(entry.head, 1))
        return text

    def _render_entry(self, entry: LogEntry) -> list[Strip]:
        console = self.app.console
        options = console.options.update_width(self._width)
        rendered = console.render_lines(self._view(entry), options, pad=False)
        return [Strip(line) for line in rendered[: self.max_lines]] or [Strip.blank(0)]

    def _touch(self, entry: LogEntry) -> None:
        """Its marks changed: draw it again when it is next shown (the caller refreshes)."""
        entry.stale = True

    def _restyle(self, entry: LogEntry) -> None:
        entry.stale = False
        if self._width and entry.start >= self._base:
            at = entry.start - self._base
            strips = self._render_entry(entry)
            if len(strips) == entry.height:
                self._lines[at : at + entry.height] = strips
            else:  # not expected (marks keep the layout): lay it out again
                self._redraw(entry)

    def _redraw(self, entry: LogEntry) -> None:
        """Render one entry again in place (its height may change)."""
        entry.stale = False
        if not self._width or entry.start < self._base:
            return
        at = entry.start - self._base
        strips = self._render_entry(entry)
        self._lines[at : at + entry.height] = strips
        self._owners[at : at + entry.height] = [entry] * len(strips)
        delta = len(strips) - entry.height
        entry.height = len(strips)
        if delta:
            for later in reversed(self.entries):
                if later is entry:
                    break
                later.start += delta
        self._trim(2 * self.max_lines)
        self._resized()

    def _rebuild(self) -> None:
        """Render every entry at the current width."""
        self._lines, self._owners, self._base = [], [], 0
        for entry in self.entries:
            entry.start = len(self._lines)
            entry.stale = False
            strips = self._render_entry(entry)
            entry.height = len(strips)
            self._lines.extend(strips)
            self._owners.extend([entry] * len(strips))
        self._trim(self.max_lines)
        self._resized()

    def _resized(self) -> None:
        self.virtual_size = Size(self._width, len(self._lines))
        self.refresh()

    def on_resize(self, event: Resize) -> None:
        width = max(self.scrollable_content_region.width, MIN_WIDTH)
        if event.size.width and width != self._width:
            self._width = width
            self._rebuild()
            if not self.needle and self.selected is None:
                self.scroll_end(animate=False, immediate=False, x_axis=False)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        owner = self._owners[index]
        if owner.stale:
            self._restyle(owner)
        line = self._lines[index].crop_extend(scroll_x, scroll_x + width, self.rich_style)
        return line.apply_style(self.rich_style)

    def _show(self, entry: LogEntry, offset: int = 0) -> None:
        """Scroll so that ``offset`` (a character of the entry's text) is in view."""
        if entry.start < self._base:
            return
        line = entry.start - self._base
        if entry.expanded:
            line += entry.full.plain.count("\n", 0, offset)
        self.scroll_to(y=max(0, line - self.size.height // 2), animate=False, immediate=True)

    # ------------------------------------------------------------------ search
    def set_query(self, query: str) -> None:
        """Search for ``query`` (plain text, any case); the newest match becomes current."""
        self.needle = query
        self.matches, self.current = [], None
        changed = []
        for entry in self.entries:
            hits = find_all(entry.searched()[1], query) if query else []
            if hits or entry.hits:
                changed.append(entry)
            entry.hits = hits
            self.matches.extend((entry, at) for at in hits)
        for entry in changed:
            self._touch(entry)
        self.refresh()
        if self.matches:
            self._move_to(len(self.matches) - 1)
        self.post_message(self.MatchesChanged())

    def count_label(self) -> str:
        """``3 of 17``, or ``no match``."""
        return count_label(self.current, len(self.matches))

    def step(self, step: int) -> None:
        """Make the next (``1``) or previous (``-1``) match current, wrapping around."""
        if not self.matches:
            return
        start = self.current if self.current is not None else len(self.matches) - 1
        self._move_to((start + step) % len(self.matches))
        self.post_message(self.MatchesChanged())

    def _move_to(self, index: int) -> None:
        old = self.matches[self.current][0] if self.current is not None else None
        self.current = index
        entry, at = self.matches[index]
        if old is not None and old is not entry:
            self._touch(old)
        if entry.event is not None and entry is not self.selected:  # y copies it, enter folds it
            previous, self.selected = self.selected, entry
            if previous is not None:
                self._touch(previous)
        if entry.folds and not entry.expanded and not entry.inline:
            self._set_expanded(entry, True)
        else:
            self._touch(entry)
        self.refresh()
        self._show(entry, at)

    def _set_expanded(self, entry: LogEntry, expanded: bool) -> None:
        """Fold or unfold one JSON message; its matches follow its shown text."""
        entry.expanded = expanded
        if self.needle and entry.inline:
            current = self.matches[self.current] if self.current is not None else None
            entry.hits = find_all(entry.searched()[1], self.needle)
            self.matches = [(e, at) for e in self.entries for at in e.hits]
            self.current = None
            if current is not None and current in self.matches:
                self.current = self.matches.index(current)
            self.post_message(self.MatchesChanged())
        self._redraw(entry)

    # ------------------------------------------------------------------ selection
    def select(self, entry: LogEntry | None, *, scroll: bool = True) -> None:
        """Select ``entry`` (``None``: nothing), scrolled into view unless told not to."""
        old, self.selected = self.selected, entry
        for one in (old, entry):
            if one is not None:
                self._touch(one)
        self.refresh()
        if entry is not None and scroll:
            self._show(entry)

    def selected_event(self) -> SessionEvent | None:
        """The selected message (``y`` copies its text), if any."""
        return self.selected.event if self.selected is not None else None

    def action_select(self, step: int) -> None:
        messages = [e for e in self.entries if e.event is not None]
        if not messages:
            return
        if self.selected is None or self.selected not in messages:
            self.select(messages[-1])
            return
        at = messages.index(self.selected) + step
        self.select(messages[max(0, min(at, len(messages) - 1))])

    def action_fold(self) -> None:
        """Fold or unfold the selected JSON message (none selected: the newest one)."""
        entry = self.selected
        if entry is None or not entry.folds:
            entry = next((e for e in reversed(self.entries) if e.folds), None)
        if entry is not None:
            self._set_expanded(entry, not entry.expanded)
            self._show(entry)

    def action_step(self, step: int) -> None:
        self.step(step)

    def action_search(self) -> None:
        self.post_message(self.SearchAsked())

    def action_leave(self) -> None:
        """Escape: close the search if one is shown, else drop the selection and the focus."""
        if self.needle:
            self.post_message(self.SearchDone())
            return
        self.select(None)
        self.screen.set_focus(None)

    def on_click(self, event: Click) -> None:
        """A click selects the message under the pointer."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < len(self._owners) and self._owners[index].event is not None:
            self.select(self._owners[index], scroll=False)
