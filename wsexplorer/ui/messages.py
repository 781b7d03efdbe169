"""Messages workers post to the screen: every result carries the generation it belongs to.

A handler drops a message whose generation is not the current one, so a slow, stale
lookup never overwrites a newer result (exclusive workers cancel the old task; the
generation covers what was already in flight). Each message is a dataclass: its fields
are its constructor's arguments, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from ..model import Diagnosis, Listener, Observation, SessionEvent
from .full_scan import TableScan

__all__ = [
    "ExportDone",
    "ListenersScanned",
    "ListenersWatched",
    "ObserveFailed",
    "ObserveFinished",
    "ServerChanged",
    "SessionEventArrived",
    "StageArrived",
]


@dataclass
class StageArrived(Message):
    """One part of an observation (``observe``'s ``on_stage``)."""

    gen: int
    name: str
    value: object


@dataclass
class ObserveFinished(Message):
    """The whole observation, and the engine's diagnosis of it."""

    gen: int
    observation: Observation
    diagnosis: Diagnosis


@dataclass
class ObserveFailed(Message):
    """The observation (or the engine) raised; ``error`` is one line for the panes."""

    gen: int
    error: str


@dataclass
class ListenersScanned(Message):
    """A full listener scan (every port), from a thread worker, cut there to the rows the
    Listeners pane shows (``full_scan.scan_for_table``: off the event loop)."""

    gen: int
    table: TableScan


@dataclass
class ListenersWatched(Message):
    """The watch's scan of every listener (a thread worker), cut there like
    :class:`ListenersScanned`'s, with what it cost."""

    gen: int
    table: TableScan
    seconds: float


@dataclass
class SessionEventArrived(Message):
    """One live-session event; ``session_id`` tells reconnects apart."""

    session_id: int
    event: SessionEvent


@dataclass
class ServerChanged(Message):
    """The demo server started, rebound, stopped or failed to bind."""

    listeners: tuple[Listener, ...]
    error: str | None = None


@dataclass
class ExportDone(Message):
    """The Markdown report was written (``path``) or not (``error``)."""

    path: Path | None
    error: str | None = None
    what: str = "report"
