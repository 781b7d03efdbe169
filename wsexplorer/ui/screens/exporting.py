"""The Markdown export (``e``): the report of the shown diagnosis, written by the Backend.

The text is built here, on the screen; the file is written by ``Backend.write_report`` in
a thread worker, which only posts :class:`~wsexplorer.ui.messages.ExportDone`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual import work

from ...model.untrusted import clean
from ..messages import ExportDone
from ..session_log import session_log_name
from .base import ScreenBase

__all__ = ["ExportPart", "report_filename"]


def report_filename(now: datetime) -> str:
    """``wsexplorer-report-YYYYmmdd-HHMMSS.md``."""
    return f"wsexplorer-report-{now:%Y%m%d-%H%M%S}.md"


class ExportPart(ScreenBase):
    """Export the shown diagnosis as Markdown to ``config.export_dir``."""

    def action_export(self) -> None:
        """``e``: write the report as Markdown to ``config.export_dir``."""
        if self.diagnosis is None:
            self.notify("nothing to export yet: the diagnosis is still running", severity="warning")
            return
        from ...presentation.request import request_markdown
        from ...report import diagnosis_markdown

        text = diagnosis_markdown(self.diagnosis) + request_markdown(self.config.options)
        self.write_report(text, self.config.export_dir, report_filename(self.clock()))

    def action_save_session(self) -> None:
        """``s``: write the live session's messages as JSON Lines to ``config.export_dir``."""
        if not len(self.session_record):
            self.notify("no messages to save yet", severity="warning")
            return
        text = self.session_record.jsonl()
        name = session_log_name(self.clock())
        self.write_report(text, self.config.export_dir, name, "session log")

    def action_copy_message(self) -> None:
        """``y``: copy the message selected in the log, else the last one received, to the
        clipboard (OSC 52), as it arrived (not pretty-printed)."""
        event = self.session_pane.log_widget.selected_event()
        which = "selected"
        if event is None:
            event, which = self.session_record.last_received(), "last"
        if event is None:
            self.notify("no message received yet", severity="warning")
            return
        self.app.copy_to_clipboard(event.text)
        kind = "binary message (hex)" if event.binary else "message"
        received = " received" if which == "last" else ""
        self.notify(f"copied the {which} {kind}{received} ({len(event.text)} characters)")

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write_report(self, text: str, directory: Path, name: str, what: str = "report") -> None:
        """Write through the Backend (never overwriting); post the path or the error."""
        try:
            path = self.backend.write_report(directory, name, text)
        except OSError as exc:
            self.post_message(ExportDone(None, f"{directory}: {exc.strerror or exc}", what))
            return
        self.post_message(ExportDone(path, None, what))

    def on_export_done(self, message: ExportDone) -> None:
        if message.path is not None:
            self.last_export = message.path
            self.notify(
                clean(f"{message.what} written to {message.path}"), title="exported", markup=False
            )
        else:
            self.notify(
                clean(message.error or "export failed"),
                title="export failed",
                severity="error",
                markup=False,
            )
