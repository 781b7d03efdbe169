"""Messages workers post to the screen: every result carries the generation it belongs to.

A handler drops a message whose generation is not the current one, so a slow, stale
lookup never overwrites a newer result (exclusive workers cancel the old task; the
generation covers what was already in flight).
"""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from ..model import Diagnosis, Listener, ListenerScan, Observation, SessionEvent

__all__ = [
    "ExportDone",
    "ListenersScanned",
    "ObserveFailed",
    "ObserveFinished",
    "ServerChanged",
    "SessionEventArrived",
    "StageArrived",
]


class StageArrived(Message):
    """One part of an observation (``observe``'s ``on_stage``)."""

    def __init__(self, gen: int, name: str, value: object) -> None:
        super().__init__()
        self.gen = gen
        self.name = name
        self.value = value


class ObserveFinished(Message):
    """The whole observation, and the engine's diagnosis of it."""

    def __init__(self, gen: int, observation: Observation, diagnosis: Diagnosis) -> None:
        super().__init__()
        self.gen = gen
        self.observation = observation
        self.diagnosis = diagnosis


class ObserveFailed(Message):
    """The observation (or the engine) raised; ``error`` is one line for the panes."""

    def __init__(self, gen: int, error: str) -> None:
        super().__init__()
        self.gen = gen
        self.error = error


class ListenersScanned(Message):
    """A full listener scan (every port), from a thread worker."""

    def __init__(self, gen: int, scan: ListenerScan) -> None:
        super().__init__()
        self.gen = gen
        self.scan = scan


class SessionEventArrived(Message):
    """One live-session event; ``session_id`` tells reconnects apart."""

    def __init__(self, session_id: int, event: SessionEvent) -> None:
        super().__init__()
        self.session_id = session_id
        self.event = event


class ServerChanged(Message):
    """The demo server started, rebound, stopped or failed to bind."""

    def __init__(self, listeners: tuple[Listener, ...], error: str | None = None) -> None:
        super().__init__()
        self.listeners = listeners
        self.error = error


class ExportDone(Message):
    """The Markdown report was written (``path``) or not (``error``)."""

    def __init__(self, path: Path | None, error: str | None = None) -> None:
        super().__init__()
        self.path = path
        self.error = error
