"""The observation: one generation per refresh, its stages and result fed to the panes.

The observation runs in an exclusive async worker (``observe`` runs its blocking parts in
threads and reports each stage); the full listener scan runs in a thread worker that only
posts a message. Every message carries its generation; a handler drops a message of an
older generation, so a stale lookup never overwrites a newer result.
"""

from __future__ import annotations

from textual import work

from ...model import ListenerScan, Resolution, SystemFacts
from .. import collector
from ..full_scan import scan_for_table, sockets_key
from ..messages import ListenersScanned, ObserveFailed, ObserveFinished, StageArrived
from ..state import LiveState, before_after
from .base import ScreenBase

__all__ = ["ObservingPart", "sockets_key"]


class ObservingPart(ScreenBase):
    """Observe the live state and show each stage as it arrives."""

    def refresh_all(self) -> None:
        """Start a new generation: observe the current URL and scan every listener."""
        self.generation += 1
        gen = self.generation
        url = self.state.url
        self.resolution_pane.start(url.host, url.port)
        self.listeners_pane.start(url.port)
        self.diagnosis_pane.start()
        self._show_banner()
        self._show_status()
        self._observing = self.state
        self.run_observe(gen, self.state)
        # The full socket table (every port) in a thread beside the observation, which
        # spends most of its time waiting on the network: the first complete screen no
        # longer waits for a scan started after the observation (issue 14).
        self.scan_all(gen, url.port)

    @work(exclusive=True, group="observe", exit_on_error=False)
    async def run_observe(self, gen: int, state: LiveState) -> None:
        """Observe ``state.url``; each stage and the result are posted with ``gen``."""
        from ...diagnosis import diagnose

        def on_stage(name: str, value: object) -> None:
            self.post_message(StageArrived(gen, name, value))

        try:
            obs = await self.backend.observe(
                state.url, self.config.observe_options(state.family), on_stage
            )
            result = diagnose(obs, self.config.clients)
        except Exception as exc:  # a probe or engine bug: shown in the panes, not a crash
            self.post_message(ObserveFailed(gen, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(ObserveFinished(gen, obs, result))

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def scan_all(self, gen: int, port: int) -> None:
        """Every listener on the machine (blocking: a thread; posts the result, with the
        Listeners pane's rows for other ports than ``port`` picked here, off the loop)."""
        self.post_message(ListenersScanned(gen, scan_for_table(self.backend.scan_listeners, port)))

    def on_stage_arrived(self, message: StageArrived) -> None:
        if message.gen != self.generation:
            return
        value = message.value
        if message.name == "resolution" and isinstance(value, Resolution):
            self.resolution_pane.show(value)
        elif message.name == "listeners" and isinstance(value, ListenerScan):
            self.listeners_pane.show_port_scan(value)
        elif message.name == "system" and isinstance(value, SystemFacts):
            self.resolution_pane.show_system(value)

    def on_listeners_scanned(self, message: ListenersScanned) -> None:
        if message.gen == self.generation:
            self.listeners_pane.show_full_scan(message.table.scan, message.table.others)
            self._settle_when_complete()

    async def on_observe_finished(self, message: ObserveFinished) -> None:
        if message.gen != self.generation:
            return
        self.observation = message.observation
        self.diagnosis = message.diagnosis
        self.diagnosis_generation = message.gen
        self.diagnosed_state = self._observing
        obs = message.observation
        res = self.resolution_pane
        if res.resolution is None:
            res.show(obs.resolution)
        res.show_system(obs.system)
        res.show_proxies(obs)
        self.listeners_pane.busy(False)
        self.listeners_pane.show_target(obs.local_target)
        last = self.undo.last
        before = last.before_diagnosis if last is not None else None
        await self.diagnosis_pane.show(
            message.diagnosis, before, before_after(last, message.diagnosis)
        )
        self._show_status()
        self._label_fix_keys()
        self._settle_when_complete()

    def on_observe_failed(self, message: ObserveFailed) -> None:
        if message.gen != self.generation:
            return
        self.diagnosis_generation = message.gen
        if self.resolution_pane.resolution is None:
            self.resolution_pane.fail("observation failed", message.error)
        if self.listeners_pane.is_busy:
            self.listeners_pane.fail("observation failed", message.error)
        self.diagnosis_pane.fail("observation failed", message.error)
        self._show_status()
        self._settle_when_complete()

    def _settle_when_complete(self) -> None:
        """Once the observation and the scan of every port are both shown (the first
        complete screen), resume garbage collection (``ui/collector.py``)."""
        if self.diagnosis_generation == self.generation and self.listeners_pane.full_scan_shown:
            collector.settle()
