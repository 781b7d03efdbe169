"""The TUI on the real backend: real sockets, a real demo server, the real engine.

The demo test is the issue's done-means: on this machine (whose ``localhost`` may lack
``::1``) ``wsexplorer demo`` pins a Debian order, shows ``connect ECONNREFUSED ::1:PORT``
for Node 17-19 before any fix, and every client connecting after each fix.
"""

from __future__ import annotations

import socket
from pathlib import Path

from textual.geometry import Region
from textual.widgets import Input, Select

from tests.support import free_port
from wsexplorer.diagnosis.clients import CATALOGUE
from wsexplorer.model import ObserveOptions, SessionState, parse_url
from wsexplorer.probes.server import DemoServer, ServerConfig
from wsexplorer.testing.canned import FROZEN_NOW, frozen_clock, settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.config import AppConfig, app_config, localhost_addresses
from wsexplorer.ui.screens.main import MainScreen

N_CLIENTS = len(CATALOGUE)

SIZE = (120, 40)
NO_DNS = ObserveOptions(dns=False)  # no direct nameserver queries: loopback only


def _failing(screen: MainScreen) -> dict[str, str | None]:
    assert screen.diagnosis is not None
    return {c.id: c.error for c in screen.diagnosis.clients if not c.connects}


def _plain(screen: MainScreen, selector: str) -> str:
    """The text a widget shows, as drawn (lines joined with spaces)."""
    widget = screen.query_one(selector)
    width, height = widget.size
    strips = widget.render_lines(Region(0, 0, width, height))
    return " ".join(" ".join(strip.text.split()) for strip in strips)


def _listening(port: int) -> bool:
    """Does anything accept on 127.0.0.1:port?"""
    with socket.socket() as s:
        s.settimeout(5)
        return s.connect_ex(("127.0.0.1", port)) == 0


async def test_demo_shows_econnrefused_before_and_every_client_after_each_fix() -> None:
    port = free_port("0.0.0.0")  # where `wsexplorer demo` binds
    url = parse_url(f"ws://localhost:{port}/subscribe")
    config = app_config(url, demo_server="0.0.0.0", demo=True)
    machine = localhost_addresses(port)
    if "::1" not in machine:
        # This machine: localhost is IPv4-only, so the demo pins Debian's order.
        assert [o.spec() for o in config.overrides] == [f"localhost:{port}:[::1],127.0.0.1"]
    app = WsxApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _listening(port)
        screen = app.main
        banner = " ".join(screen.banner_lines())
        assert "wildcard" in banner
        if "::1" not in machine:
            assert "what-if: localhost pinned to ::1, 127.0.0.1 as on Debian/Ubuntu" in banner
        assert screen.server is not None
        assert [lis.address for lis in screen.server.listeners] == ["0.0.0.0"]

        # Before any fix: Node 17-19 fails exactly as it prints it.
        broken = {"node-17-19": f"connect ECONNREFUSED ::1:{port}"}
        assert _failing(screen) == broken
        assert f"connect ECONNREFUSED ::1:{port}" in _plain(screen, "#diagnosis-clients")
        pane = screen.session_pane
        assert [(a.address, a.outcome.value) for a in pane.tries] == [
            ("::1", "refused"),
            ("127.0.0.1", "connected"),
        ]
        assert pane.state is SessionState.OPEN

        for key, check in (
            ("f", lambda s: s.state.family == "4"),
            ("l", lambda s: s.state.url.host == "127.0.0.1"),
            ("d", lambda s: s.state.server_host == "::"),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert check(screen), key
            assert _failing(screen) == {}, key
            assert screen.diagnosis is not None and screen.diagnosis.verdict.ok, key
            assert all(c.connects for c in screen.diagnosis.clients), key
            line = _plain(screen, "#diagnosis-before")
            assert (
                f"before: ✗ 1 of {N_CLIENTS} clients fails → now: ✓ all {N_CLIENTS} clients connect"
                in line
            ), key
            assert screen.session_pane.state is SessionState.OPEN, key
            if key == "f":
                assert [a.address for a in screen.session_pane.tries] == ["127.0.0.1"]
                assert screen.query_one("#family", Select).value == "4"
            if key == "l":
                assert screen.query_one("#url", Input).value == (f"ws://127.0.0.1:{port}/subscribe")
            if key == "d":
                assert screen.server is not None
                assert [(lis.address, lis.v6only) for lis in screen.server.listeners] == [
                    ("::", False)
                ]
                assert [a.address for a in screen.session_pane.tries] == ["::1"]
            # Undo restores the broken state, server bind included.
            await pilot.press("u")
            await settle(pilot)
            assert _failing(screen) == broken, f"undo after {key}"
            assert screen.state.family == "auto"
            assert screen.state.url.host == "localhost"
            assert screen.server is not None
            assert [lis.address for lis in screen.server.listeners] == ["0.0.0.0"]
        assert len(screen.undo) == 0
        await pilot.press("q")
    # Quitting stopped the embedded server.
    assert not _listening(port)


async def test_loopback_demo_keeps_dual_stack_fix_off_the_network() -> None:
    """``wsexplorer demo --bind 127.0.0.1``: ``d`` listens on both loopbacks, never ``::``."""
    port = free_port("0.0.0.0")  # where `wsexplorer demo` binds
    url = parse_url(f"ws://localhost:{port}/subscribe")
    app = WsxApp(app_config(url, demo_server="127.0.0.1", demo=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert _failing(screen) == {"node-17-19": f"connect ECONNREFUSED ::1:{port}"}
        await pilot.press("d")
        await settle(pilot)
        assert screen.server is not None
        assert sorted(lis.address for lis in screen.server.listeners) == ["127.0.0.1", "::1"]
        assert not screen.server.wildcard
        assert _failing(screen) == {}
        assert "wildcard" not in " ".join(screen.banner_lines())
        await pilot.press("u")
        await settle(pilot)
        assert [lis.address for lis in screen.server.listeners] == ["127.0.0.1"]
        await pilot.press("q")


async def test_connect_send_echo_ping_close(echo_server: DemoServer) -> None:
    url = f"ws://127.0.0.1:{echo_server.port}/subscribe"
    config = AppConfig(url=parse_url(url), autoconnect=False, options=NO_DNS)
    app = WsxApp(config, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.session_pane
        assert pane.state is SessionState.IDLE
        await pilot.press("c")
        await settle(pilot)
        assert pane.state is SessionState.OPEN
        assert pane.handshake is not None and pane.handshake.status == 101
        await pilot.press("m")
        await pilot.press(*"hello wsx", "enter")
        await settle(pilot)
        for _ in range(100):  # the echo comes back over the real socket
            if pane.received:
                break
            await pilot.pause(0.05)
        assert (pane.sent, pane.received) == (1, 1)
        lines = [strip.text for strip in pane.log_widget.lines]
        stamp = FROZEN_NOW.strftime("%H:%M:%S")
        assert any(line.startswith(stamp) and "→ hello wsx" in line for line in lines)
        assert any("← hello wsx" in line for line in lines)
        await pilot.press("escape", "p")
        await settle(pilot)
        for _ in range(100):
            if pane.rtt_ms is not None:
                break
            await pilot.pause(0.05)
        assert pane.rtt_ms is not None and pane.rtt_ms > 0
        await pilot.press("x")
        await settle(pilot)
        assert pane.state is SessionState.CLOSED
        assert pane.close_info is not None and pane.close_info[0] == 1000
        assert echo_server.stats.messages == 1


async def test_send_json_is_tagged(echo_server: DemoServer) -> None:
    url = f"ws://127.0.0.1:{echo_server.port}/"
    app = WsxApp(AppConfig(url=parse_url(url), options=NO_DNS), clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        assert screen.session_pane.state is SessionState.OPEN  # autoconnect
        screen.query_one("#session-send", Input).value = '{"op": "subscribe"}'
        await screen.query_one("#session-send", Input).action_submit()
        await settle(pilot)
        for _ in range(100):
            if screen.session_pane.received:
                break
            await pilot.pause(0.05)
        lines = [strip.text for strip in screen.session_pane.log_widget.lines]
        assert any('← {"op": "subscribe"} (json)' in line for line in lines)


async def test_bad_url_shows_inline_error_and_keeps_state(echo_server: DemoServer) -> None:
    url = f"ws://127.0.0.1:{echo_server.port}/subscribe"
    app = WsxApp(AppConfig(url=parse_url(url), options=NO_DNS, autoconnect=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        before = (screen.state, screen.generation, screen.diagnosis, screen.observation)
        assert before[2] is not None
        await pilot.press("slash")
        field = screen.query_one("#url", Input)
        field.value = "ws://[::1/oops"
        await pilot.press("enter")
        await settle(pilot)
        error = screen.query_one("#url-error")
        assert error.display
        assert "'[' without ']'" in _plain(screen, "#url-error")
        assert (screen.state, screen.generation, screen.diagnosis, screen.observation) == before
        # A good URL clears the error and re-runs.
        field.value = url.replace("/subscribe", "/other")
        await pilot.press("enter")
        await settle(pilot)
        assert not error.display
        assert screen.generation == before[1] + 1
        assert screen.state.url.path == "/other"


async def test_family_switch_reruns_and_reconnects(echo_server: DemoServer) -> None:
    url = f"ws://localhost:{echo_server.port}/"
    app = WsxApp(AppConfig(url=parse_url(url), options=NO_DNS))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main
        gen = screen.generation
        assert screen.session_pane.state is SessionState.OPEN
        screen.query_one("#family", Select).value = "6"
        await settle(pilot)
        assert screen.generation == gen + 1
        assert screen.observation is not None and screen.observation.family == "6"
        assert all(a.family.value == "ipv6" for a in screen.observation.attempts)
        # The server is on 127.0.0.1 only: IPv6-only cannot connect.
        assert screen.session_pane.state is SessionState.FAILED
        assert "IPv6 only" in screen.session_pane.border_subtitle
        await screen.run_action("set_family('4')")
        await settle(pilot)
        assert screen.state.family == "4"
        assert screen.session_pane.state is SessionState.OPEN
        assert screen.session_pane.tries[-1].address == "127.0.0.1"


async def test_export_writes_markdown(echo_server: DemoServer, tmp_path: Path) -> None:
    url = f"ws://127.0.0.1:{echo_server.port}/subscribe"
    config = AppConfig(url=parse_url(url), options=NO_DNS, autoconnect=False, export_dir=tmp_path)
    app = WsxApp(config, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        path = tmp_path / "wsexplorer-report-20250314-092653.md"
        assert app.main.last_export == path
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"## wsexplorer diagnose `{url}`")
        # Every client connects: grouped by address, named by id.
        assert "### Clients" in text and "node-17-19" in text
        # Same second again: a new file, the first is not overwritten.
        await pilot.press("e")
        await settle(pilot)
        assert app.main.last_export == tmp_path / "wsexplorer-report-20250314-092653-2.md"
        assert path.read_text(encoding="utf-8") == text


async def test_demo_server_bind_error_is_shown_in_listeners_pane() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        config = AppConfig(
            url=parse_url(f"ws://127.0.0.1:{port}/"),
            demo_server="127.0.0.1",
            options=NO_DNS,
            autoconnect=False,
        )
        app = WsxApp(config)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.main
            assert screen.server is None
            text = _plain(screen, "#listeners-server")
            assert f"port {port} is in use by" in text
            # The app carries on: the diagnosis of what does listen (our socket) is there.
            assert screen.diagnosis is not None


async def test_handshake_404_is_explained() -> None:
    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path="/subscribe"))
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}/nothing-here"
        app = WsxApp(AppConfig(url=parse_url(url), options=NO_DNS))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pane = app.main.session_pane
            assert pane.state is SessionState.FAILED
            assert pane.handshake is not None and pane.handshake.status == 404
            shown = _plain(app.main, "#session-handshake")
            assert "HTTP 404" in shown and "no WebSocket endpoint at /nothing-here" in shown
            assert "body: " in shown  # the server's own words (issue 12)
    finally:
        await server.stop()
