"""The TUI's pure parts: configuration from the command line, the demo pin, fix history,
the handshake explanations."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

from rich.console import Console

from wsexplorer.cli import tui_config_from_argv
from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients import CATALOGUE
from wsexplorer.diagnosis.examples import example
from wsexplorer.model import FamilyChoice, Handshake, HandshakeOutcome, parse_resolve, parse_url
from wsexplorer.presentation import explain_status
from wsexplorer.ui.config import app_config, demo_pin
from wsexplorer.ui.screens.main import report_filename
from wsexplorer.ui.state import FixRecord, LiveState, UndoStack, before_after, tally
from wsexplorer.ui.widgets.session import render_handshake

N_CLIENTS = len(CATALOGUE)


def _text(renderable: object) -> str:
    console = Console(width=200, record=True)
    console.print(renderable)
    return console.export_text()


def test_demo_pin_added_only_when_localhost_lacks_ipv6() -> None:
    override, note = demo_pin(8080, ["127.0.0.1"])
    assert override is not None and override.spec() == "localhost:8080:[::1],127.0.0.1"
    assert note == (
        "what-if: localhost pinned to ::1, 127.0.0.1 as on Debian/Ubuntu; "
        "this machine's hosts file has only 127.0.0.1"
    )
    assert demo_pin(8080, ["::1", "127.0.0.1"]) == (None, None)
    _, other = demo_pin(8080, ["10.0.0.5"])
    assert other is not None and "resolves only to 10.0.0.5" in other


def test_app_config_demo_uses_the_resolver() -> None:
    url = parse_url("ws://localhost:9001/subscribe")
    pinned = app_config(url, demo_server="0.0.0.0", demo=True, resolver=lambda port: ["127.0.0.1"])
    assert [o.spec() for o in pinned.overrides] == ["localhost:9001:[::1],127.0.0.1"]
    assert pinned.pin_note is not None and pinned.demo
    debian = app_config(url, demo=True, resolver=lambda port: ["::1", "127.0.0.1"])
    assert debian.overrides == () and debian.pin_note is None
    # A user's own --resolve wins; no pin is added on top.
    own = tui_config_from_argv([str(url), "--resolve", "localhost:9001:127.0.0.1"])
    assert own.overrides == (parse_resolve("localhost:9001:127.0.0.1"),)
    mine = app_config(url, own.options, demo=True, resolver=lambda port: [])
    assert mine.overrides == own.overrides and mine.pin_note is None
    # Outside the demo nothing is pinned.
    plain = app_config(parse_url("ws://localhost:9001/"), resolver=lambda port: [])
    assert plain.overrides == () and plain.demo_server is None


def test_command_line_config_keeps_handshake_options() -> None:
    c = tui_config_from_argv(
        [
            "ws://example.test:81/x",
            "-H",
            "Authorization: Bearer t",
            "--subprotocol",
            "chat",
            "--origin",
            "http://localhost:3000",
            "--family",
            "6",
            "--timeout",
            "2.5",
            "--demo-server",
            "::",
        ]
    )
    assert c.headers == (("Authorization", "Bearer t"),)
    assert c.subprotocols == ("chat",) and c.origin == "http://localhost:3000"
    assert (c.family, c.timeout, c.url.port) == (FamilyChoice.IPV6, 2.5, 81)
    assert c.demo_server == "::" and not c.demo and c.dns
    assert c.observe_options(FamilyChoice.IPV4) == replace(c.options, family=FamilyChoice.IPV4)


def test_tally_and_before_after() -> None:
    broken = diagnose(example("seed"))
    fixed = diagnose(example("dual-stack"))
    assert tally(broken) == f"✗ 1 of {N_CLIENTS} clients fails"
    assert tally(fixed) == f"✓ all {N_CLIENTS} clients connect"
    record = FixRecord("server-dual-stack", "listen on ::", LiveState(parse_url("ws://x/")), broken)
    assert before_after(record, fixed) == (
        f"before: ✗ 1 of {N_CLIENTS} clients fails → now: ✓ all {N_CLIENTS} clients connect — fix: listen on ::"
    )
    assert before_after(None, fixed) is None
    stack = UndoStack()
    assert stack.pop() is None and stack.last is None
    stack.push(record)
    assert len(stack) == 1 and stack.last is record and stack.pop() is record


def test_handshake_statuses_are_explained() -> None:
    for status, words in ((401, "credentials"), (403, "Origin"), (404, "path")):
        hs = Handshake("127.0.0.1", HandshakeOutcome.HTTP_STATUS, status, "Nope")
        shown = _text(render_handshake(hs))
        assert f"HTTP {status} Nope" in shown and words in shown
        assert explain_status(status) is not None
    assert explain_status(200) is None
    ok = Handshake(
        "::1",
        HandshakeOutcome.OK,
        101,
        "Switching Protocols",
        (("Server", "x"), ("Sec-WebSocket-Accept", "abc")),
        "chat",
    )
    shown = _text(render_handshake(ok))
    assert "101 Switching Protocols via ::1" in shown and "subprotocol chat" in shown
    assert "Server: x" in shown and "abc" not in shown


def test_report_filename() -> None:
    from datetime import datetime

    assert report_filename(datetime(2025, 1, 2, 3, 4, 5)) == "wsexplorer-report-20250102-030405.md"


def test_cli_still_does_not_import_textual() -> None:
    code = "import sys, wsexplorer.cli; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_resolution_pane_shows_each_dns_outcome_and_hosts_lines() -> None:
    from dataclasses import replace

    from wsexplorer.diagnosis.examples import make_resolution
    from wsexplorer.model import DnsAnswer, DnsOutcome, DnsReport
    from wsexplorer.ui.widgets.resolution import render_resolution

    dns = DnsReport(
        nameservers=("192.0.2.53", "192.0.2.54"),
        answers=(
            DnsAnswer("192.0.2.53", "A", DnsOutcome.ANSWER, ("198.51.100.7",), 300),
            DnsAnswer("192.0.2.53", "AAAA", DnsOutcome.NO_ANSWER),
            DnsAnswer("192.0.2.54", "A", DnsOutcome.NXDOMAIN),
            DnsAnswer("192.0.2.54", "AAAA", DnsOutcome.TIMEOUT),
            DnsAnswer("192.0.2.55", "A", DnsOutcome.ERROR, error="SERVFAIL"),
        ),
    )
    res = replace(make_resolution("app.test", 8080, ("198.51.100.7",)), dns=dns)
    shown = _text(render_resolution(res))
    for expected in (
        "DNS A",
        "@192.0.2.53",
        "198.51.100.7  ttl 300",
        "no answer",
        "NXDOMAIN",
        "timeout",
        "error: SERVFAIL",
        "/etc/hosts:2",
        "hosts: files dns",
    ):
        assert expected in shown, expected
    pinned = make_resolution(override="localhost:8080:[::1],127.0.0.1")
    shown = _text(render_resolution(pinned))
    assert "--resolve localhost:8080:[::1],127.0.0.1 pins the answer" in shown
    assert shown.startswith("what-if ")
    assert "pinned" in shown and "machine" in shown
