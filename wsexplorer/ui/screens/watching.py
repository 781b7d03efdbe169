"""The screen watches: listeners and the verdict follow the machine without ``r``, and the
live session may reconnect on its own.

Every ``AppConfig.watch_seconds`` (2 s) a thread worker scans the listening sockets (the
kernel's table, as ``wsexplorer listeners`` reads it) and posts the result. When the
sockets on the URL's port differ from those the shown diagnosis saw (a server killed,
started, rebound), the observation and the verdict are re-run; when only other ports
changed, the Listeners table is updated by row key; when nothing changed, nothing is
redrawn. The cost stays low: the scan runs off the event loop, and the watch waits at
least :data:`COST_FACTOR` times the last scan's duration between two scans (a machine
with 10,000 sockets is scanned less often, never more than 1/20 of a core).

A live session that closes without the user asking also re-runs the observation. With
auto-reconnect on (``a``, or ``--reconnect``; off by default) it is reopened after
0.5, 1, 2 ... 30 s (:data:`RECONNECT_FIRST`, doubled up to :data:`RECONNECT_MAX`), until
it opens again; the Session pane shows the state.
"""

from __future__ import annotations

import time

from textual import work
from textual.timer import Timer

from ...model import SessionEventKind, SessionState
from ..full_scan import scan_for_table
from ..messages import ListenersScanned, ListenersWatched, SessionEventArrived
from .observing import ObservingPart, sockets_key
from .session_control import SessionPart

__all__ = ["COST_FACTOR", "RECONNECT_FIRST", "RECONNECT_MAX", "WatchPart", "sockets_key"]

COST_FACTOR = 20.0
"""The watch waits at least this many times the last scan's duration between scans."""
RECONNECT_FIRST = 0.5
RECONNECT_MAX = 30.0


class WatchPart(ObservingPart, SessionPart):
    """Re-observe when the machine changes; reconnect the session when asked to."""

    _watch_timer: Timer | None = None
    _watch_done_at = 0.0
    _watch_cost = 0.0
    _watch_busy = False
    _initial_sent = False
    _shown_sockets: frozenset[str] | None = None
    watch_reruns = 0
    """Observations the watch started (the machine changed under the shown diagnosis)."""
    watch_table_updates = 0
    """Times the watch updated the Listeners table (other ports changed)."""
    auto_reconnect = False
    _reconnect_tries = 0
    _reconnect_timer: Timer | None = None

    def start_watch(self) -> None:
        """Start the interval (``AppConfig.watch_seconds``; 0 turns the watch off)."""
        self.auto_reconnect = self.config.auto_reconnect
        self._show_reconnect()
        if self.config.watch_seconds > 0 and self._watch_timer is None:
            self._watch_timer = self.set_interval(self.config.watch_seconds, self.watch_tick)

    def watch_tick(self) -> None:
        """One tick: scan unless an observation is running or the last scan was costly."""
        if self.diagnosis_generation != self.generation or self._shut_down:
            return
        if self._watch_busy:  # the last scan is still running: never two at once
            return
        if time.monotonic() - self._watch_done_at < self._watch_cost * COST_FACTOR:
            return
        self._watch_busy = True
        self.watch_scan(self.generation, self.state.url.port)

    @work(thread=True, group="watch", exit_on_error=False)
    def watch_scan(self, gen: int, port: int) -> None:
        """Every listener (blocking: a thread; posts the result and its cost, with the
        Listeners pane's rows for ports other than ``port`` picked here, off the loop)."""
        start = time.perf_counter()
        table = scan_for_table(self.backend.scan_listeners, port)
        self.post_message(ListenersWatched(gen, table, time.perf_counter() - start))

    def on_listeners_watched(self, message: ListenersWatched) -> None:
        self._watch_busy = False
        self._watch_cost = message.seconds
        self._watch_done_at = time.monotonic()
        table = message.table
        scan = table.scan
        if (
            message.gen != self.generation
            or self.diagnosis_generation != self.generation
            or scan.error
        ):
            return
        obs = self.observation
        if (
            obs is not None
            and obs.local_target
            and obs.listeners_known
            and table.on_port != sockets_key(obs.listeners, owners=False)
        ):
            self.watch_reruns += 1
            self.refresh_all()
            return
        shown = table.sockets
        if self._shown_sockets is not None and shown != self._shown_sockets:
            self._shown_sockets = shown
            self.watch_table_updates += 1
            self.listeners_pane.show_full_scan(scan, table.others)

    def on_listeners_scanned(self, message: ListenersScanned) -> None:
        # The observation's own full scan is what the table shows now (ObservingPart
        # handles the message too): the watch compares with it.
        if not message.table.scan.error:
            self._shown_sockets = message.table.sockets

    # ------------------------------------------------------------------ the session
    def on_session_event_arrived(self, message: SessionEventArrived) -> None:
        # SessionPart logs the event too (Textual calls each class's handler).
        if message.session_id != self.session_id or self._shut_down:
            return
        event = message.event
        if event.kind is SessionEventKind.STATE and event.state is SessionState.OPEN:
            self._reconnect_tries = 0
            self._show_reconnect()
            if not self._initial_sent:
                self._initial_sent = True
                for line in self.config.initial_messages:  # -x, --send-file: in order
                    self.send_line(line)
        elif event.kind is SessionEventKind.CLOSE and self.session_wanted:
            # Closed without the user asking (``x`` clears session_wanted first): the
            # server may be gone, so the verdict is re-checked now.
            if self.diagnosis_generation == self.generation:
                self.refresh_all()
            self._schedule_reconnect()
        elif event.kind is SessionEventKind.STATE and event.state is SessionState.FAILED:
            self._schedule_reconnect()

    def action_toggle_reconnect(self) -> None:
        """``a``: turn auto-reconnect on or off."""
        self.auto_reconnect = not self.auto_reconnect
        self._reconnect_tries = 0
        self._cancel_reconnect()
        if (
            self.auto_reconnect
            and self.session_wanted
            and self.session_pane.state
            in (
                SessionState.CLOSED,
                SessionState.FAILED,
            )
        ):
            self._schedule_reconnect()
        self._show_reconnect()
        self.notify(f"auto-reconnect {'on' if self.auto_reconnect else 'off'}", timeout=2)

    def _schedule_reconnect(self) -> None:
        if not (self.auto_reconnect and self.session_wanted) or self._reconnect_timer:
            return
        delay = min(RECONNECT_FIRST * 2**self._reconnect_tries, RECONNECT_MAX)
        self._reconnect_tries += 1
        self._reconnect_timer = self.set_timer(delay, self._reconnect_now)
        self._show_reconnect(f"reconnecting in {delay:g} s (try {self._reconnect_tries})")

    def _reconnect_now(self) -> None:
        self._reconnect_timer = None
        if self.auto_reconnect and self.session_wanted and not self._shut_down:
            self.connect_session()

    def _cancel_reconnect(self) -> None:
        timer, self._reconnect_timer = self._reconnect_timer, None
        if timer is not None:
            timer.stop()

    def _show_reconnect(self, detail: str | None = None) -> None:
        if not self.auto_reconnect:
            self.session_pane.show_reconnect(None)
        else:
            self.session_pane.show_reconnect(detail or "auto-reconnect on")
