"""The app's changeable state (URL, family, demo server bind) and the stack of tried fixes.

Pure: no Textual, no I/O. A fix pushes the state it replaced; ``u`` pops it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import ClientOutcome, Diagnosis, WebSocketURL

__all__ = [
    "FIX_KEYS",
    "FixRecord",
    "LiveState",
    "UndoStack",
    "before_after",
    "tally",
]

FIX_KEYS = {"client-family-4": "f", "ipv4-literal": "l", "server-dual-stack": "d"}
"""The fixes the user can try live, and their keys."""


@dataclass(frozen=True, slots=True)
class LiveState:
    """What a fix changes.

    Attributes:
        url: the URL being explained.
        family: ``"auto"``, ``"4"`` or ``"6"`` (the live session and the trace use it).
        server_host, server_mode: the embedded demo server's bind (``None`` without one).
    """

    url: WebSocketURL
    family: str = "auto"
    server_host: str | None = None
    server_mode: str | None = None


@dataclass(frozen=True, slots=True)
class FixRecord:
    """One tried fix: which, the state before it, and the diagnosis before it."""

    fix_id: str
    title: str
    before: LiveState
    before_diagnosis: Diagnosis | None


@dataclass(slots=True)
class UndoStack:
    """Fixes tried, newest last."""

    records: list[FixRecord] = field(default_factory=list)

    def push(self, record: FixRecord) -> None:
        self.records.append(record)

    def pop(self) -> FixRecord | None:
        return self.records.pop() if self.records else None

    @property
    def last(self) -> FixRecord | None:
        return self.records[-1] if self.records else None

    def __len__(self) -> int:
        return len(self.records)


def tally(d: Diagnosis) -> str:
    """A short count of the diagnosis: ``✓ all 6 clients connect`` / ``✗ 1 of 6 clients fails``."""
    total = len(d.clients)
    fails = sum(1 for c in d.clients if c.outcome is ClientOutcome.FAILS)
    unknown = sum(1 for c in d.clients if c.outcome is ClientOutcome.UNKNOWN)
    if fails:
        verb = "fails" if fails == 1 else "fail"
        return f"✗ {fails} of {total} clients {verb}"
    if unknown:
        return f"? {unknown} of {total} unknown"
    return f"✓ all {total} clients connect"


def before_after(record: FixRecord | None, now: Diagnosis | None) -> str | None:
    """``before: ✗ 1 of 6 clients fails → now: ✓ all 6 clients connect — fix: use 127.0.0.1``."""
    if record is None or record.before_diagnosis is None or now is None:
        return None
    return f"before: {tally(record.before_diagnosis)} → now: {tally(now)} — fix: {record.title}"
