"""The Backend's shared session opening and report writing, on the canned machine."""

from __future__ import annotations

from pathlib import Path

from wsexplorer.model import FamilyChoice, ObserveOptions, SessionEvent, SessionEventKind, parse_url
from wsexplorer.testing.canned import CannedBackend, CannedSession


async def test_open_session_reports_a_family_without_addresses_as_an_error_event() -> None:
    events: list[SessionEvent] = []
    options = ObserveOptions(family=FamilyChoice.IPV6)
    session = await CannedBackend().open_session(
        parse_url("ws://127.0.0.1:8080/"), options, events.append
    )
    assert isinstance(session, CannedSession)
    assert [(e.kind, e.text) for e in events] == [
        (SessionEventKind.ERROR, "127.0.0.1 has no IPv6 address (it resolves to 127.0.0.1)")
    ]


async def test_open_session_reports_a_failed_lookup_and_keeps_the_pinned_family() -> None:
    events: list[SessionEvent] = []
    backend = CannedBackend()
    await backend.open_session(parse_url("ws://nowhere.test/"), ObserveOptions(), events.append)
    assert [e.text for e in events] == ["nowhere.test: [Errno -2] Name or service not known"]
    events.clear()
    await backend.open_session(
        parse_url("ws://localhost:8080/"), ObserveOptions(family=FamilyChoice.IPV4), events.append
    )
    assert events == []


def test_write_report_never_overwrites(tmp_path: Path) -> None:
    backend = CannedBackend()
    first = backend.write_report(tmp_path, "r.md", "one")
    second = backend.write_report(tmp_path, "r.md", "two")
    assert (first.name, second.name) == ("r.md", "r-2.md")
    assert (first.read_text(), second.read_text()) == ("one", "two")
