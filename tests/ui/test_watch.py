"""The screen watches (issue 12): listeners and the verdict follow the machine without
``r``, an unchanged machine redraws nothing, and auto-reconnect (off by default) reopens
the session with backoff. Canned machine for the bookkeeping, real sockets for the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from wsexplorer.diagnosis.examples import make_listener
from wsexplorer.model import Listener, ObserveOptions, SessionState, parse_url
from wsexplorer.probes.server import DemoServer, ServerConfig
from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock, settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.config import AppConfig

SIZE = (120, 40)
TICK = 0.1
HANG_GUARD = 30.0  # seconds; every wait returns as soon as its condition holds


async def _until(pilot: Pilot[object], done: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + HANG_GUARD
    while time.monotonic() < end:
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{what}: never happened")


class _Machine(CannedBackend):
    """The canned machine plus sockets a test adds on other ports."""

    extra: tuple[Listener, ...] = ()

    def listeners(self, port: int | None = None) -> tuple[Listener, ...]:
        return (*super().listeners(port), *self.extra)


def _watching_app(backend: CannedBackend, **changes: object) -> WsxApp:
    config = canned_config(demo_server=None, watch_seconds=TICK, **changes)
    return WsxApp(config, backend, clock=frozen_clock)


async def test_a_server_that_changes_its_bind_re_runs_the_verdict_without_r() -> None:
    backend = _Machine(listen=("0.0.0.0",))
    app = _watching_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.diagnosis is not None and not screen.diagnosis.verdict.ok
        backend.listen = ("::",)  # restarted dual-stack: every client connects now
        await _until(
            pilot,
            lambda: screen.diagnosis is not None and screen.diagnosis.verdict.ok,
            "the verdict following the new bind",
        )
        assert screen.watch_reruns == 1
        assert screen.listeners_pane.row_keys()[0] == "tcp/ipv6/::/8080/4242"


async def test_an_unchanged_machine_redraws_nothing_and_another_port_only_the_table() -> None:
    backend = _Machine()
    app = _watching_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        observed, scans = backend.observed, backend.scans
        await _until(pilot, lambda: backend.scans >= scans + 5, "five watch scans")
        assert backend.observed == observed  # no observation re-run
        assert screen.watch_reruns == 0
        assert screen.watch_table_updates == 0  # the table was not touched
        # A socket on another port: the table gets its row, the diagnosis stays.
        backend.extra = (make_listener("127.0.0.1", 6379, pid=901, process="redis-server"),)
        await _until(
            pilot,
            lambda: any("6379" in k for k in screen.listeners_pane.row_keys()),
            "the new socket in the table",
        )
        assert screen.watch_table_updates == 1
        assert backend.observed == observed
        assert screen.watch_reruns == 0


async def test_a_toggles_auto_reconnect_and_the_session_shows_it() -> None:
    app = _watching_app(CannedBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        pane = screen.session_pane
        assert screen.auto_reconnect is False and pane.reconnect is None  # off by default
        await pilot.press("a")
        assert screen.auto_reconnect is True
        assert pane.reconnect == "auto-reconnect on"
        assert "⟳ auto-reconnect on" in str(pane.query_one("#session-state").render())
        await pilot.press("a")
        assert screen.auto_reconnect is False and pane.reconnect is None


NO_DNS = ObserveOptions(dns=False)


def _real_app(port: int, **changes: object) -> WsxApp:
    url = parse_url(f"ws://127.0.0.1:{port}/subscribe")
    config = AppConfig(url=url, options=NO_DNS, watch_seconds=0.2, **changes)  # type: ignore[arg-type]
    return WsxApp(config)


async def test_a_killed_server_updates_the_verdict_and_listeners_on_their_own() -> None:
    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path=None))
    await server.start()
    port = server.port
    app = _real_app(port)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.diagnosis is not None and screen.diagnosis.verdict.ok
        assert screen.session_pane.state is SessionState.OPEN
        await server.stop()  # the server goes away; nobody presses r
        await _until(
            pilot,
            lambda: (
                screen.diagnosis is not None
                and not screen.diagnosis.verdict.ok
                and screen.diagnosis_generation == screen.generation
            ),
            "the verdict saying the server is gone",
        )
        assert not any(f":{port}" in k for k in screen.listeners_pane.row_keys())
        assert screen.session_pane.state is not SessionState.OPEN
        assert "✗" in screen.status_text().plain
        # Off by default: the session is not reopened.
        assert screen.session_pane.reconnect is None


async def test_auto_reconnect_reopens_the_session_when_the_server_returns() -> None:
    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path=None))
    await server.start()
    port = server.port
    app = _real_app(port, auto_reconnect=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        pane = screen.session_pane
        assert pane.state is SessionState.OPEN and pane.reconnect == "auto-reconnect on"
        await server.stop()
        await _until(pilot, lambda: (pane.reconnect or "").startswith("reconnecting in"), "backoff")
        assert pane.reconnect == "reconnecting in 0.5 s (try 1)"
        await _until(pilot, lambda: "(try 2)" in (pane.reconnect or ""), "a second try")
        assert pane.reconnect == "reconnecting in 1 s (try 2)"
        back = DemoServer(ServerConfig(host="127.0.0.1", port=port, path=None))
        await back.start()
        try:
            await _until(pilot, lambda: pane.state is SessionState.OPEN, "the session reopened")
            assert pane.reconnect == "auto-reconnect on"
        finally:
            await back.stop()
