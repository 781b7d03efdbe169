"""Text from outside never reaches the terminal as control codes, nor Markdown as markup.

Findings reproduced here: escape sequences (OSC 52 clipboard, OSC 0 title, clear screen,
OSC 8 links, U+202E) in server messages, close reasons, a malformed status line, hosts
aliases and process names reached the terminal; a reason phrase with ``![x](…)`` or
``<img>`` rendered live in ``--markdown``; a process name with ``|`` broke its table.

* :mod:`wsexplorer.model.untrusted` unit contract;
* a property test: arbitrary Unicode in every field, through every renderer (text with and
  without colour, Markdown, JSON, the TUI's composed screen), leaves no control
  character; Markdown rendered by a real CommonMark parser has no live image, link or
  HTML and keeps its table shape;
* the real ``wsexplorer diagnose`` against a peer whose status line carries C1 and bidi
  bytes, and ``wsexplorer listeners`` / ``diagnose --markdown`` against a process that
  named itself with escapes and pipes (``prctl(PR_SET_NAME)``).

The real app in tmux (session messages, close reason, process names) is in
``test_untrusted_tmux.py``.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.hardening._support import hostile_peer
from tests.hardening.hostile_text import (
    EVIL,
    hostile_diagnosis,
    hostile_listeners,
    unsafe_in,
)
from tests.scenarios.netns import Namespace
from tests.support import run_wsx, stop_process, wsx_argv, wsx_env
from wsexplorer.model import ListenerScan
from wsexplorer.model.untrusted import clean, json_safe, md_code, md_fence, md_text
from wsexplorer.report import (
    Style,
    diagnosis_markdown,
    diagnosis_text,
    dump_json,
    listeners_text,
    resolution_text,
)

EVIL_PEER = Path(__file__).resolve().parent / "evil_text_peer.py"


# ------------------------------------------------------------------ the sanitiser
@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]52;c;YQ==\x07", "\\x1b]52;c;YQ==\\x07"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\u202eb", "a\\u202eb"),
        ("\x9b31m", "\\x9b31m"),
        ("del\x7f", "del\\x7f"),
        ("x\ny\r\tz", "x\\ny\\r\\tz"),
        ("\udcff", "\\udcff"),
        ("\u2028\u2066\ufeff\u200b", "\\u2028\\u2066\\ufeff\\u200b"),
        ("héllo → 日本 ✓", "héllo → 日本 ✓"),
    ],
)
def test_clean_shows_controls_as_escapes(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_clean_keeps_safe_text_and_optionally_newlines() -> None:
    text = "plain text"
    assert clean(text) is text
    assert clean(None) == ""
    assert clean(42) == "42"
    assert clean("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"


@given(st.text())
def test_clean_is_idempotent_and_leaves_nothing_unsafe(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert not unsafe_in(once.replace("\n", "\x00"))


def test_markdown_helpers() -> None:
    assert md_text("![x](u) <img> a|b") == "\\!\\[x\\](u) \\<img\\> a\\|b"
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("a|b", in_table=True) == "`a\\|b`"
    assert md_fence(["```", "x"]) == ["````", "```", "x", "````"]
    assert json.loads(json_safe(json.dumps("\u202e\x9b\udcff", ensure_ascii=False))) == (
        "\u202e\x9b\udcff"
    )


# ------------------------------------------------------------------ every renderer
def _renders(evil: str) -> dict[str, tuple[str, bool]]:
    """Renderer name -> (output, SGR allowed)."""
    d = hostile_diagnosis(evil)
    scan = ListenerScan(listeners=hostile_listeners(evil), notes=(evil,))
    res = d.observation.resolution
    out: dict[str, tuple[str, bool]] = {}
    for color in (False, True):
        st_ = Style(color=color)
        out[f"text color={color}"] = (diagnosis_text(d, st_), color)
        out[f"resolve color={color}"] = (resolution_text(res, st_), color)
        out[f"listeners color={color}"] = (listeners_text(scan, st_), color)
    out["markdown"] = (diagnosis_markdown(d), False)
    out["json"] = (dump_json(d.to_json()), False)
    return out


def _check_markdown(md: str) -> None:
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<img" not in html and "<a " not in html and "<script" not in html, html
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    for row in rows:
        # cells are split by unescaped pipes only
        cells = re.split(r"(?<!\\)\|", row)
        header = next(r for r in rows if r.count("|") - r.count("\\|") == len(cells) - 1)
        assert len(cells) == len(re.split(r"(?<!\\)\|", header)), row
    # every table in the HTML has as many cells per row as its header
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        widths = {len(re.findall(r"<t[hd]", tr)) for tr in re.findall(r"<tr>.*?</tr>", table, re.S)}
        assert len(widths) == 1, table


@pytest.mark.parametrize("evil", EVIL)
def test_every_renderer_on_known_attacks(evil: str) -> None:
    for name, (output, sgr) in _renders(evil).items():
        assert not unsafe_in(output, sgr_allowed=sgr), (name, evil, unsafe_in(output))
        output.encode("utf-8")  # no lone surrogate reaches the stream
    text, _ = _renders(evil)["text color=True"]
    if "\x1b[31m" in evil:  # a hostile SGR is shown, not obeyed
        assert "\\x1b[31mred" in text
    _check_markdown(_renders(evil)["markdown"][0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=40) | st.sampled_from(EVIL))
def test_every_renderer_on_arbitrary_unicode(evil: str) -> None:
    for name, (output, sgr) in _renders(evil).items():
        assert not unsafe_in(output, sgr_allowed=sgr), (name, ascii(evil))
        output.encode("utf-8")
    _check_markdown(_renders(evil)["markdown"][0])


def test_json_keeps_the_raw_value() -> None:
    evil = EVIL[0] + EVIL[5]
    data = json.loads(_renders(evil)["json"][0])
    assert evil in [lis["process"] for lis in data["listeners"]]
    assert data["handshake"]["reason"] == evil


def test_listener_with_pid_and_no_name_reads_the_same_everywhere() -> None:
    d = hostile_diagnosis("x")
    assert "?[4243]" in diagnosis_markdown(d)
    assert "None[" not in diagnosis_markdown(d) + diagnosis_text(d, Style(color=False))


# ------------------------------------------------------------------ the real CLI
def test_malformed_status_line_in_diagnose_text_and_markdown() -> None:
    with hostile_peer("status", EVIL_PEER) as port:
        url = f"ws://127.0.0.1:{port}/"
        runs = {
            fmt: run_wsx("diagnose", url, "--timeout", "2", *flags)[0]
            for fmt, flags in (("text", ()), ("markdown", ("--markdown",)), ("json", ("--json",)))
        }
    for fmt, done in runs.items():
        assert done.returncode == 1, (fmt, done.stderr)
        assert "Traceback" not in done.stderr
        assert not unsafe_in(done.stdout), (fmt, unsafe_in(done.stdout))
    hs = json.loads(runs["json"].stdout)["handshake"]
    assert hs["status"] == 400
    # The C1 byte the peer sent is in the JSON value, escaped as JSON does.
    assert "\x9b" in hs["reason"] and "\\u009b" in runs["json"].stdout
    assert "\\x9b2J" in runs["text"].stdout
    _check_markdown(runs["markdown"].stdout)


@pytest.mark.parametrize("name", ["\\x1b]0;pwned\\x07", "\\x1b[2J\\u202e", "a|b|c"])
def test_process_name_set_by_any_user(name: str) -> None:
    peer = subprocess.Popen(
        [sys.executable, str(EVIL_PEER), f"comm:{name}"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert peer.stdout is not None
        port = int(peer.stdout.readline())
        comm = Path(f"/proc/{peer.pid}/comm").read_bytes().rstrip(b"\n")
        expected = name.encode().decode("unicode_escape").encode("utf-8")[:15]
        assert comm == expected  # the kernel keeps the bytes as given
        listing, _ = run_wsx("listeners", "--port", str(port))
        md, _ = run_wsx("diagnose", f"ws://127.0.0.1:{port}/", "--markdown", "--timeout", "2")
        data, _ = run_wsx("listeners", "--port", str(port), "--json")
    finally:
        stop_process(peer, sig=signal.SIGKILL)
    assert listing.returncode == 0, listing.stderr
    assert f"[{peer.pid}]" in listing.stdout
    for output in (listing.stdout, md.stdout):
        assert not unsafe_in(output), unsafe_in(output)
    _check_markdown(md.stdout)
    assert "|" in name or "\\x1b" in listing.stdout
    processes = [lis["process"] for lis in json.loads(data.stdout)["listeners"]]
    assert comm.decode("utf-8", "surrogateescape") in processes


HOSTILE_HOSTS = (
    "127.0.0.1\tlocalhost \x1b]0;pwned\x07 \u202eevil\n"
    "::1\tlocalhost ip6-localhost\n"
    "not-an-address\x1b[2J\x9b5n host\n"
)


def test_hosts_file_aliases_and_bad_lines(netns: Callable[..., Namespace]) -> None:
    ns = netns(hosts=HOSTILE_HOSTS)
    runs = {
        "resolve": ns.run(wsx_argv("resolve", "localhost", "--no-dns"), env=wsx_env()),
        "diagnose": ns.run(
            wsx_argv("diagnose", "ws://localhost:9/", "--no-dns", "--timeout", "2"), env=wsx_env()
        ),
        "markdown": ns.run(
            wsx_argv("diagnose", "ws://localhost:9/", "--no-dns", "--markdown", "--timeout", "2"),
            env=wsx_env(),
        ),
    }
    for name, done in runs.items():
        assert "Traceback" not in done.stderr, (name, done.stderr)
        assert not unsafe_in(done.stdout), (name, unsafe_in(done.stdout))
    assert "\\x1b]0;pwned\\x07" in runs["resolve"].stdout
    assert "\\u202eevil" in runs["resolve"].stdout
    assert "\\x1b[2J\\x9b5n" in runs["resolve"].stdout
    _check_markdown(runs["markdown"].stdout)
