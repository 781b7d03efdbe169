"""The presentation model: one wording of each fact, laid out by the terminal report, the
Markdown export and the TUI alike.

* the hosts-file and resolv.conf summaries in the report and the Resolution pane;
* one diagnosis rendered three ways (text, Markdown, the TUI under Pilot): the same
  clients, verdict, fixes and listeners (a pid without a name is ``?[4243]``);
* the HTTP-status advice worded once; colour and wrapping rules of the text report;
* when each client's outcome happens ("fails after ~2 min 11 s"), in all three.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace

import pytest
from rich.console import Console, RenderableType
from textual.geometry import Region
from textual.widget import Widget

from tests.hardening.hostile_text import hostile_diagnosis, hostile_listeners
from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.examples import example, seed_observation
from wsexplorer.model import (
    Attempt,
    AttemptOutcome,
    ClientOutcome,
    ClientPrediction,
    Diagnosis,
    DnsReport,
    Exposure,
    Family,
    Fix,
    FixHow,
    GaiResult,
    Handshake,
    HandshakeOutcome,
    HostsFile,
    IgnoredNameserver,
    Listener,
    Observation,
    Resolution,
    ResponseHead,
    SystemFacts,
    WebSocketURL,
    parse_hosts,
)
from wsexplorer.model.options import ObserveOptions
from wsexplorer.presentation import (
    attempt_spans,
    body_line,
    client_rows,
    client_time,
    duration_words,
    explain_status,
    fix_row,
    hosts_problem_rows,
    ignored_nameserver_rows,
    listeners_note,
    listeners_subtitle,
    plain,
    process_spans,
    status_advice,
    system_row,
)
from wsexplorer.report import Style, diagnosis_markdown, diagnosis_text, resolution_text
from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock, settle
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.widgets.diagnosis import render_clients, render_fix_detail
from wsexplorer.ui.widgets.resolution import render_resolution
from wsexplorer.ui.widgets.session import render_handshake

NAME = "app.test"


def _resolution() -> Resolution:
    text = "".join(f"junk{i}\n" for i in range(30)) + f"127.0.0.1x {NAME}\n"
    hosts = parse_hosts(text, "/etc/hosts", name=NAME)
    dns = DnsReport(
        ("127.0.0.11",),
        ignored=(
            IgnoredNameserver(1, "127.0.0.1:5353", "not an address"),
            IgnoredNameserver(5, "127.0.0.14", "beyond the first 3 (glibc MAXNS)"),
        ),
        ignored_count=7,
    )
    return Resolution(NAME, 80, GaiResult(), GaiResult(), hosts_file=hosts, dns=dns)


EXPECTED = [
    "/etc/hosts: 31 lines ignored (not host lines); 6 shown: the first few and any that "
    f"mention {NAME}",
    "/etc/hosts:1 ignored: 'junk0' is not an IP address",
    "/etc/hosts:31 ignored, mentions app.test: '127.0.0.1x' is not an IP address",
    "resolv.conf:1 nameserver 127.0.0.1:5353 ignored: not an address",
    "resolv.conf:5 nameserver 127.0.0.14 ignored: beyond the first 3 (glibc MAXNS)",
    "and 5 more nameserver lines ignored",
]


def test_rows() -> None:
    res = _resolution()
    rows = hosts_problem_rows(res.hosts_file, NAME)
    assert len(rows) == 1 + 5 + 2  # summary, sample, the relevant line and its text
    assert rows[-1] == (f"    127.0.0.1x {NAME}", "dim")
    assert [t for t, _ in ignored_nameserver_rows(res.dns)] == EXPECTED[3:]


def test_cut_and_stopped_files_say_so() -> None:
    hf = HostsFile("/etc/hosts", cut_at_bytes=16 * 1024 * 1024, stopped_at_line=9000)
    assert [t for t, _ in hosts_problem_rows(hf, NAME)] == [
        "/etc/hosts is larger than 16 MiB: only its first 16 MiB were read",
        "/etc/hosts: stopped at line 9000 (deadline); later lines were not read",
    ]


def test_text_report_and_tui_pane_show_the_summary() -> None:
    res = _resolution()
    text = resolution_text(res, Style(color=False))
    console = Console(width=200, record=True, color_system=None)
    console.print(render_resolution(res))
    pane = console.export_text()
    for shown in (text, pane):
        for line in EXPECTED:
            assert line in shown, (line, shown)
        assert shown.count("ignored") == 10  # summary, 5 + 1 lines, 3 nameserver rows


# ------------------------------------------------------------------ three renderers
class _Backend(CannedBackend):
    """The canned machine with the hostile example's facts (a listener whose process
    has a pid and no name among them), in plain words."""

    def listeners(self, port: int | None = None) -> tuple[Listener, ...]:
        return hostile_listeners(WORD, port or 8080)

    async def observe(
        self, url: WebSocketURL, options: ObserveOptions, on_stage: Callable[[str, object], None]
    ) -> Observation:
        obs = replace(hostile_diagnosis(WORD).observation, url=url)
        on_stage("resolution", obs.resolution)
        return obs


WORD = "intruder"
_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]<>&|!~#])")


def _lines(widget: Widget) -> list[str]:
    width, height = widget.size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


def _rendered(renderable: RenderableType) -> str:
    console = Console(width=1000, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def _flat(lines: list[str]) -> str:
    return " ".join(" ".join(line.split()) for line in lines)


def _markdown_lines(md: str) -> list[str]:
    """Markdown as the words it shows: escapes and code-span fences dropped."""
    return [_MD_ESCAPE.sub(r"\1", line).replace("`", "") for line in md.splitlines()]


def _has_line(lines: list[str], *parts: str) -> bool:
    return any(all(p in line for p in parts) for line in lines)


def _client_fact(c: ClientPrediction) -> tuple[str, str]:
    if c.outcome is ClientOutcome.CONNECTS:
        return "✓", f"connects via {c.address}"
    if c.outcome is ClientOutcome.FAILS:
        return "✗", c.error or "fails"
    return "?", "unknown"


async def test_one_diagnosis_reads_the_same_in_text_markdown_and_the_tui() -> None:
    app = WsxApp(canned_config(demo_server=None), _Backend(), clock=frozen_clock)
    async with app.run_test(size=(220, 80)) as pilot:
        await settle(pilot)
        screen = app.main
        pane = screen.diagnosis_pane
        d = pane.diagnosis
        assert d is not None
        tui = {
            "clients": _lines(screen.query_one("#diagnosis-clients")),
            "verdict": _flat(_lines(screen.query_one("#diagnosis-verdict"))),
        }
        fixes_tui = {}
        for fix in d.fixes:
            text = _flat(_lines(screen.query_one(f"#fixtext-{fix.id}")))
            fixes_tui[fix.id] = text + " | " + _rendered(render_fix_detail(fix))
        table = screen.listeners_pane.table
        processes = [str(table.get_row_at(i)[5]) for i in range(table.row_count)]
    text = diagnosis_text(d, Style(color=False)).splitlines()
    md = _markdown_lines(diagnosis_markdown(d))
    assert len(d.clients) >= 5
    for c in d.clients:
        mark, fact = _client_fact(c)
        # The TUI folds a long error onto the next line: its rows are read flattened.
        tui_rows = [_flat(tui["clients"])]
        for name, lines in (("text", text), ("markdown", md), ("tui", tui_rows)):
            assert _has_line(lines, mark, c.name, fact), (name, c.name, fact, lines)
    assert any(c.outcome is ClientOutcome.FAILS for c in d.clients)
    summary = d.verdict.summary
    assert _has_line(text, "Verdict", "✗", summary)
    assert _has_line(md, "Verdict", "FAILS", summary)
    assert tui["verdict"] == f"✗ {summary}"
    assert d.fixes
    for fix in d.fixes:
        status = "✓ works" if fix.works else "✗ not enough"
        assert _has_line(text, fix.id, status, f"({fix.how.value})", fix.detail), fix.id
        assert _has_line(md, fix.id, status, fix.how.value, fix.detail), fix.id
        assert status in fixes_tui[fix.id] and fix.title in fixes_tui[fix.id]
        assert fix.detail in fixes_tui[fix.id]
    # Issue 12: a fix that opens the server to the network says so everywhere (JSON too).
    exposed = [f for f in d.fixes if f.exposure is Exposure.NETWORK]
    assert [f.id for f in exposed] == ["server-dual-stack"]
    for fix in exposed:
        words = "reachable from the network"
        assert _has_line(text, fix.id, words) and _has_line(md, fix.id, words)
        assert words in fixes_tui[fix.id].split(" | ")[0]  # the row, not only the detail
        assert fix.to_json()["exposure"] == "network"
    for shown in (text, md, processes):
        assert _has_line(shown, "?[4243]") and _has_line(shown, f"{WORD}[4242]"), shown
        assert not _has_line(shown, "None"), shown


def test_process_cell_is_one_function() -> None:
    named, nameless = hostile_listeners("node")
    assert plain(process_spans(named)) == "node[4242]"
    assert plain(process_spans(nameless)) == "?[4243]"
    assert plain(process_spans(replace(named, pid=None))) == "unknown"


# ------------------------------------------------------------------ the handshake
def _seed() -> Diagnosis:
    return diagnose(example("seed"))


def test_http_status_advice_is_worded_once() -> None:
    d = _seed()
    for status in (401, 403, 404):
        hs = Handshake("127.0.0.1", HandshakeOutcome.HTTP_STATUS, status, "Nope")
        advice = status_advice(hs, d.observation.url.resource)
        assert advice is not None
        obs = replace(d.observation, handshake=hs)
        dd = replace(d, observation=obs)
        line = next(x for x in diagnosis_text(dd, Style(color=False)).splitlines() if "Hands" in x)
        assert line == f"Handshake  127.0.0.1: HTTP {status} Nope ({advice})"
        md = _markdown_lines(diagnosis_markdown(dd))
        assert _has_line(md, f"Handshake: 127.0.0.1: HTTP {status} Nope — {advice}")
        assert f"→ {advice}" in _rendered(render_handshake(hs, d.observation.url))
    assert explain_status(200) is None and explain_status(None) is None


def _shown(hs: Handshake) -> tuple[str, str, str]:
    """The handshake as the text report, the Markdown export and the TUI show it."""
    d = _seed()
    dd = replace(d, observation=replace(d.observation, handshake=hs))
    return (
        diagnosis_text(dd, Style(color=False)),
        diagnosis_markdown(dd),
        _rendered(render_handshake(hs, d.observation.url)),
    )


def test_refusal_body_and_hints_everywhere() -> None:
    # Issue 12: a 400 whose body says "missing subprotocol" showed only "HTTP 400".
    body = "missing subprotocol\n\x1b[31mred\n"
    hs = Handshake("127.0.0.1", HandshakeOutcome.HTTP_STATUS, 400, "Bad Request", body=body)
    for shown in _shown(hs):
        assert "missing subprotocol \\x1b[31mred" in shown, shown
        assert "its body (below) says why" in shown
        assert "\x1b" not in shown
    assert "```text" in _shown(hs)[1]
    # 404: the path asked for; 426: the version the server wants.
    assert "no WebSocket endpoint at /subscribe" in _shown(replace(hs, status=404, body=None))[0]
    want = replace(hs, status=426, headers=(("Sec-WebSocket-Version", "8"),))
    assert "the server wants WebSocket version 8" in _shown(want)[0]
    assert status_advice(replace(hs, status=426)) == explain_status(426)
    # A plain HTTP/1.0 server (python -m http.server), named by its Server header.
    head = ResponseHead(2, 60, 30, 40, True, False, True, "HTTP/1.0", 404)
    plain_http = replace(hs, status=404, head=head, headers=(("Server", "SimpleHTTP/0.6"),))
    for shown in _shown(plain_http):
        assert "a plain HTTP/1.0 server (SimpleHTTP/0.6) answers on this port" in shown
    assert "a plain HTTP/1.0 server answers" in (
        status_advice(replace(plain_http, headers=())) or ""
    )
    assert body_line("  \n ") is None and body_line(None) is None


def test_ws_url_on_a_tls_port_hint_everywhere() -> None:
    # Issue 12: ws:// to a TLS port said "closes without answering" and nothing more.
    hs = Handshake("127.0.0.1", HandshakeOutcome.CLOSED, error="closed", speaks_tls=True)
    for shown in _shown(hs):
        assert "this port speaks TLS: try wss://localhost:8080/subscribe" in shown, shown
    assert "speaks TLS" not in _shown(replace(hs, speaks_tls=False))[0]


# ------------------------------------------------------------------ colour and width
class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "tty", "color"),
    [
        ({}, True, True),
        ({"NO_COLOR": ""}, True, True),  # empty: not set (no-color.org)
        ({"NO_COLOR": "1"}, True, False),
        ({"TERM": "dumb"}, True, False),
        ({}, False, False),
    ],
)
def test_colour_only_for_terminals_that_want_it(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], tty: bool, color: bool
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stream = _Tty() if tty else io.StringIO()
    st = Style(stream, width=100)
    assert st.color is color
    out = diagnosis_text(_seed(), st)
    assert ("\x1b[" in out) is color
    # without colour a failure still reads as one
    assert "✗  Node.js 17-19 ws" in re.sub(r"\x1b\[[0-9;]*m", "", out)


def test_terminal_output_wraps_and_a_pipe_does_not() -> None:
    d = _seed()
    summary = d.verdict.summary
    piped = diagnosis_text(d, Style(io.StringIO(), color=False))
    assert f"Verdict  ✗ {summary}" in piped.splitlines()
    narrow = diagnosis_text(d, Style(color=False, width=60))
    assert max(len(line) for line in narrow.splitlines()) <= 60
    assert summary not in narrow and summary.split()[-1] in narrow


# ------------------------------------------------------------------ when it happens
def _timed() -> Diagnosis:
    """A silent AAAA and a working A on a kernel with 6 SYN retries (131 s)."""
    facts = SystemFacts(True, True, True, 0, 6, 4, 3000, 3000)
    attempts = (
        Attempt("2001:db8::10", Family.IPV6, AttemptOutcome.TIMEOUT, "timed out", 3500.0),
        Attempt("192.0.2.2", Family.IPV4, AttemptOutcome.CONNECTED, None, 0.4, 3500.0),
    )
    obs = seed_observation(
        host="both.test",
        hosts_order=("2001:db8::10", "192.0.2.2"),
        local_target=False,
        attempts=attempts,
        system=facts,
    )
    return diagnose(obs)


def test_client_times_read_the_same_in_text_markdown_and_the_tui() -> None:
    assert [duration_words(s) for s in (0.25, 3.0, 3.07, 19.0, 131.0, 120.0)] == [
        "250 ms",
        "3 s",
        "3.1 s",
        "19 s",
        "2 min 11 s",
        "2 min",
    ]
    d = _timed()
    expected = {
        "node-16": None,  # connects at once: no time shown
        "node-17-19": "fails after ~2 min 11 s (the kernel's SYN retries)",
        "node-20": "connects after ~250 ms (its Happy Eyeballs delay)",
        "node-websocket": "connects after ~250 ms (its Happy Eyeballs delay)",
        "node-websocket-24": "connects after ~250 ms (its Happy Eyeballs delay)",
        "bun": None,  # every address at once: the working one at once
        "deno": "connects after ~300 ms (its Happy Eyeballs delay)",
        "python-websockets": "fails after ~10 s (websockets' open_timeout)",
        "python-aiohttp": "connects after ~250 ms (its Happy Eyeballs delay)",
        "python-websocket-client": "fails after ~2 min 11 s (the kernel's SYN retries)",
        "curl": "connects after ~200 ms (its Happy Eyeballs delay)",
        "chrome": "connects after ~300 ms (its Happy Eyeballs delay)",
    }
    assert {c.id: client_time(c) for c in d.clients} == expected
    # One row per client (as with --clients); grouped rows carry the same words.
    text = diagnosis_text(d, Style(color=False, width=300), group=False).splitlines()
    md = _markdown_lines(diagnosis_markdown(d, group=False))
    tui = _rendered(render_clients(d, group=False)).splitlines()
    grouped = _rendered(render_clients(d))
    assert "connect via 192.0.2.2 after ~250 ms (its Happy Eyeballs delay)" in grouped
    for c in d.clients:
        when = expected[c.id]
        for name, lines in (("text", text), ("markdown", md), ("tui", tui)):
            if when is None:
                assert not _has_line(lines, c.name, " after ~"), (name, c.name)
            else:
                assert _has_line(lines, c.name, when), (name, c.name, when, lines)
    unknown = replace(d.clients[0], outcome=ClientOutcome.UNKNOWN, time_s=5.0)
    assert client_time(unknown) is None
    odd = replace(d.clients[1], time_basis=None)
    assert client_time(odd) == "fails after ~2 min 11 s"


def test_attempts_name_their_errno_and_a_cut_short_wait() -> None:
    no_route = "[Errno 113] Connect call failed ('192.0.2.98', 8080)"
    a = Attempt("192.0.2.98", Family.IPV4, AttemptOutcome.UNREACHABLE, no_route, 3075.0)
    assert (
        plain(attempt_spans(a)) == f"✗ 192.0.2.98 unreachable EHOSTUNREACH 3075.0 ms ({no_route})"
    )
    assert plain(attempt_spans(a, brief=True)) == "✗ 192.0.2.98 unreachable EHOSTUNREACH"
    assert a.to_json()["errno"] == "EHOSTUNREACH" and a.to_json()["cut_short"] is False
    refused = replace(a, outcome=AttemptOutcome.REFUSED, error="[Errno 111] Connect call failed")
    assert "ECONNREFUSED" not in plain(attempt_spans(refused))  # "refused" says it
    assert refused.to_json()["errno"] == "ECONNREFUSED"
    cut = replace(a, outcome=AttemptOutcome.TIMEOUT, error="timed out", cut_short=True)
    assert cut.to_json()["errno"] is None and cut.to_json()["cut_short"] is True
    assert plain(attempt_spans(cut)).endswith(
        "(timed out) cut short: too soon to tell silent from unreachable"
    )


def test_listeners_note_follows_where_the_target_is() -> None:
    assert plain(listeners_note(8080, False, True)) == "nothing listens on port 8080"
    assert plain(listeners_note(8080, True, True)) == ""
    # Not known yet (the observation is still running): nothing claimed.
    assert plain(listeners_note(8080, False, None)) == ""
    remote = plain(listeners_note(8080, False, False))
    assert "nothing listens" not in remote and "another machine" in remote
    assert listeners_subtitle(8080, True) == "port 8080 first"
    assert "this machine" in listeners_subtitle(8080, False)


def test_a_path_fix_says_it_cannot_be_tried_live_and_renders_everywhere() -> None:
    from tests.diagnosis.test_paths import SLOW

    d = diagnose(SLOW)
    fix = d.fix("dns-remove-aaaa")
    detail = _rendered(render_fix_detail(fix))
    assert "not tried live here: a change to the DNS zone" in detail
    assert "not tried live" not in _rendered(render_fix_detail(d.fix("client-family-4")))
    text = diagnosis_text(d, Style(color=False))
    md = diagnosis_markdown(d)
    for fix_id in ("dns-remove-aaaa", "node-attempt-timeout"):
        assert fix_id in text and fix_id in md
    assert "autoSelectFamilyAttemptTimeout: 2000" in text  # "How to apply"


def test_proxies_read_the_same_in_text_markdown_and_the_tui() -> None:
    from wsexplorer.model.proxy import ProxyCheck, read_proxy_environment
    from wsexplorer.presentation import proxy_check_spans, proxy_rows

    obs = seed_observation(
        host="app.test", hosts_order=("192.0.2.10",), listen=(), local_target=False
    )
    dead = Attempt("127.0.0.1", Family.IPV4, AttemptOutcome.REFUSED, "[Errno 111] x", 0.3, 0.0, 9)
    obs = replace(
        obs,
        attempts=(Attempt("192.0.2.10", Family.IPV4, AttemptOutcome.CONNECTED, port=8080),),
        proxy_env=read_proxy_environment({"https_proxy": "http://me:pw@127.0.0.1:9"}),
        proxies=(ProxyCheck("127.0.0.1", 9, "app.test:8080", dead),),
    )
    d = diagnose(obs)
    rows = [(r.label, plain(r.spans)) for r in proxy_rows(obs)]
    assert rows == [
        ("proxy env", "https_proxy=http://***:***@127.0.0.1:9"),
        ("proxy", "127.0.0.1:9 ✗ refused ([Errno 111] x)"),
    ]
    text = diagnosis_text(d, Style(color=False, width=300))
    md = diagnosis_markdown(d)
    res = d.observation.resolution
    tui = _rendered(render_resolution(res, None, tuple(proxy_rows(obs))))
    clients = _rendered(render_clients(d))
    for lines in (text, md, tui):
        assert "https_proxy=http://***:***@127.0.0.1:9" in lines
        assert "pw@" not in lines
    for lines in (text, md, clients):
        assert "through the proxy from https" in lines
    ok = Attempt("127.0.0.1", Family.IPV4, AttemptOutcome.CONNECTED, None, 0.3, 0.0, 3128)
    shown = [
        plain(proxy_check_spans(c))
        for c in (
            ProxyCheck("p", 1, "t:2", resolve_error="no such name"),
            ProxyCheck("p", 1, "t:2", ok, error="no HTTP answer"),
            ProxyCheck("p", 1, "t:2", ok, status=200, upgrade_status=101),
            ProxyCheck("p", 1, "t:2", ok, status=200, error="timed out"),
            ProxyCheck("p", 1, "t:2", ok, status=403),
            ProxyCheck("p", 1, "t:2", replace(dead, error=None)),
            ProxyCheck("p", 1, "t:2", ok),
        )
    ]
    assert shown == [
        "p:1 ✗ does not resolve (no such name)",
        "p:1 ✓ connects, then no HTTP answer",
        "p:1 ✓ CONNECT t:2 → 200 · upgrade → 101",
        "p:1 ✓ CONNECT t:2 → 200 · timed out",
        "p:1 ✗ CONNECT t:2 → 403",
        "p:1 ✗ refused",
        "p:1 ✓ connects, then no answer",
    ]


def test_a_fix_in_effect_reads_so() -> None:
    # Issue 12: applied fixes read "not applicable" / "predicted" afterwards.
    fix = Fix("ipv4-literal", "Use an IPv4 address in the URL", False, FixHow.PREDICTED, "x",
              applicable=False, in_effect=True)  # fmt: skip
    row = fix_row(fix)
    assert (plain((row.status,)), row.how) == ("✓ in effect", "now")
    assert plain((fix_row(replace(fix, in_effect=False)).status,)) == "- not applicable"


def test_system_row_says_what_addrconfig_drops() -> None:
    # Issue 12: "ADDRCONFIG drops ::1" in a loopback-only namespace, where glibc keeps it
    # (checked: getaddrinfo with AI_ADDRCONFIG gives ::1, 127.0.0.1 there).
    v4 = SystemFacts(ipv6_enabled=True, has_ipv4=True, has_ipv6=False)
    lo = SystemFacts(ipv6_enabled=True, has_ipv4=False, has_ipv6=False)
    assert "ADDRCONFIG drops ::1" in system_row(v4).value
    assert "loopback only: ADDRCONFIG drops nothing" in system_row(lo).value


def test_markdown_code_blocks_hold_code_not_prose() -> None:
    # Issue 12: "use Node.js 20 or later: ..." sat in a ```js block as if it were code.
    md = diagnosis_markdown(diagnose(example("seed")))
    blocks = md.split("```js\n")[1:]
    assert blocks
    for block in blocks:
        for line in block.split("\n```")[0].splitlines():
            assert not line.startswith("use "), line


def test_an_empty_error_message_is_said_not_hidden() -> None:
    """Node 24's built-in WebSocket fails with an empty message: the row says so."""
    d = diagnose(seed_observation(listen=()))
    row = next(r for r in client_rows(d) if r.id == "node-websocket-24")
    assert "".join(s.text for s in row.result) == "fails with an empty error message"
    node22 = next(r for r in client_rows(d) if r.id == "node-websocket")
    assert "".join(s.text for s in node22.result) == (
        "Received network error or non-101 status code."
    )
