"""A hosts file full of lines that are not host lines (issue "Hostile peers and untrusted
text", finding 7), as a real namespace's ``/etc/hosts``, through the real CLI and TUI.

Every problem line used to be reported whatever name was asked: 200,000 of them made
``diagnose --json`` write 31 MB. Now the report holds a count, the first few problem
lines and the ones that mention the name, so the output stays small and the run keeps
its ``--timeout``; a file over 16 MiB is read up to the cap and says so; a parse that
outlives the deadline stops and says where.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.netns import Namespace
from tests.support import ROOT, wsx_argv, wsx_env, wsx_shell

NAME = "app.wsx.test"
URL = f"ws://{NAME}:8080/subscribe"
TIMEOUT_S = 3.0
#: Python's start-up and the report's printing, on top of ``--timeout``.
MARGIN_S = 1.5
#: What a summarised report may weigh (a normal diagnosis is ~15 KB).
MAX_JSON_BYTES = 40_000
MAX_TEXT_BYTES = 12_000
MIB = 1024 * 1024


def _hosts(bad: int) -> tuple[str, list[int]]:
    """A hosts file with ``bad`` garbage lines, two problem lines that mention NAME (a
    typo in the address, and the fields swapped) and one good line for NAME.

    Returns the text and the line numbers of the two relevant problem lines.
    """
    lines = ["127.0.0.1\tlocalhost", f"127.0.0.1\t{NAME}"]
    relevant = []
    for i in range(bad):
        if i == bad // 2:
            lines.append(f"127.0.0.1x\t{NAME}  # a typo")
            relevant.append(len(lines))
        lines.append(f"garbage-{i} is not a host line")
    lines.append(f"{NAME} 127.0.0.1")
    relevant.append(len(lines))
    return "\n".join(lines) + "\n", relevant


def _run(ns: Namespace, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    done = ns.run(wsx_argv(*args), timeout=60, env=wsx_env())
    wall = time.monotonic() - start
    assert "Traceback" not in done.stderr, done.stderr
    return done, wall


def _hosts_json(document: dict[str, Any]) -> dict[str, Any]:
    resolution = document.get("resolution", document)
    hosts: dict[str, Any] = resolution["hosts_file"]
    return hosts


@pytest.mark.parametrize("bad", [20_000, 200_000])
def test_many_bad_lines_are_summarised(netns: Callable[..., Namespace], bad: int) -> None:
    text, relevant = _hosts(bad)
    ns = netns(hosts=text, resolv_conf="nameserver 127.0.0.1\n")

    done, wall = _run(ns, "diagnose", URL, "--json", "--timeout", str(TIMEOUT_S), "--no-dns")
    print(f"{bad} bad lines: diagnose --json {len(done.stdout)} bytes in {wall:.2f} s")
    assert done.returncode == 1, done.stderr  # nothing listens in the namespace
    assert wall < TIMEOUT_S + MARGIN_S
    assert len(done.stdout.encode()) < MAX_JSON_BYTES
    hosts = _hosts_json(json.loads(done.stdout))
    assert [e["line"] for e in hosts["entries"]] == [2]
    assert hosts["problem_count"] == bad + 2 and hosts["problems_truncated"] is True
    # The first five problem lines, then only those that mention the name.
    lines = [p["line"] for p in hosts["problems"]]
    assert lines == [3, 4, 5, 6, 7, *relevant]
    assert [p["relevant"] for p in hosts["problems"]] == [False] * 5 + [True, True]
    assert hosts["problems"][5]["text"] == f"127.0.0.1x {NAME}  # a typo"
    assert hosts["cut_at_bytes"] is None and hosts["stopped_at_line"] is None

    text_run, _ = _run(ns, "diagnose", URL, "--timeout", str(TIMEOUT_S), "--no-dns")
    out = text_run.stdout
    assert len(out.encode()) < MAX_TEXT_BYTES
    assert f"/etc/hosts: {bad + 2} lines ignored (not host lines); 7 shown" in out
    assert f"/etc/hosts:{relevant[0]} ignored, mentions {NAME}: '127.0.0.1x' is not" in out
    assert f"/etc/hosts:{relevant[1]} ignored, mentions {NAME}: '{NAME}' is not" in out
    assert out.count(" ignored") == 8  # the summary and seven lines

    markdown, _ = _run(ns, "diagnose", URL, "--markdown", "--no-dns")
    assert len(markdown.stdout.encode()) < MAX_TEXT_BYTES
    assert f"{bad + 2} lines ignored" in markdown.stdout

    resolved, wall = _run(ns, "resolve", NAME, "--json", "--no-dns")
    assert resolved.returncode == 0 and len(resolved.stdout.encode()) < MAX_JSON_BYTES
    assert [p["line"] for p in _hosts_json(json.loads(resolved.stdout))["problems"]] == lines
    # Another name: the sample only, none of NAME's lines.
    other, _ = _run(ns, "resolve", "localhost", "--json", "--no-dns")
    other_hosts = _hosts_json(json.loads(other.stdout))
    assert [p["line"] for p in other_hosts["problems"]] == [3, 4, 5, 6, 7]
    assert [e["line"] for e in other_hosts["entries"]] == [1]


def test_a_file_over_the_cap_is_read_up_to_16_mib(netns: Callable[..., Namespace]) -> None:
    head = f"127.0.0.1\t{NAME}\n"
    filler = "".join(f"garbage-{i} is not a host line\n" for i in range(620_000))
    assert len(head) + len(filler) > 17 * MIB
    # Past the cap: never read, so never reported.
    ns = netns(hosts=head + filler + f"127.0.0.1x {NAME}\n")

    done, wall = _run(ns, "diagnose", URL, "--json", "--timeout", str(TIMEOUT_S), "--no-dns")
    print(f"17 MiB hosts file: diagnose --json {len(done.stdout)} bytes in {wall:.2f} s")
    assert wall < TIMEOUT_S + MARGIN_S
    assert len(done.stdout.encode()) < MAX_JSON_BYTES
    hosts = _hosts_json(json.loads(done.stdout))
    assert hosts["cut_at_bytes"] == 16 * MIB
    assert not any(p["relevant"] for p in hosts["problems"])
    assert hosts["problem_count"] < 620_000
    text_run, _ = _run(ns, "resolve", NAME, "--no-dns")
    assert "/etc/hosts is larger than 16 MiB: only its first 16 MiB were read" in text_run.stdout


def test_the_deadline_bounds_a_slow_parse(netns: Callable[..., Namespace]) -> None:
    # Lines that look like IPv6 until the full parse says no (nine groups): the slowest
    # kind to reject, ~4 s for the 16 MiB read here.
    filler = "".join(f"{i:x}::1:2:3:4:5:6:7 h\n" for i in range(800_000))
    ns = netns(hosts=f"127.0.0.1\t{NAME}\n" + filler)
    deadline = 0.5
    done, wall = _run(ns, "diagnose", URL, "--json", "--timeout", str(deadline), "--no-dns")
    print(f"{len(filler) // MIB} MiB of slow lines: diagnose --timeout {deadline} in {wall:.2f} s")
    assert wall < deadline + MARGIN_S
    hosts = _hosts_json(json.loads(done.stdout))
    assert hosts["stopped_at_line"] is not None and hosts["stopped_at_line"] > 1
    assert [e["line"] for e in hosts["entries"]] == [1]
    text_run, _ = _run(ns, "diagnose", URL, "--timeout", str(deadline), "--no-dns")
    assert "(deadline); later lines were not read" in text_run.stdout


SOCKET = f"wsx-hosts-{uuid.uuid4().hex[:8]}"


def _tmux(*args: str) -> str:
    env = {"TERM": "xterm-256color", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}
    done = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, env=env)
    return done.stdout


@pytest.mark.needs_tmux
def test_the_tui_draws_and_quits_promptly(netns: Callable[..., Namespace], tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    text, relevant = _hosts(200_000)
    ns = netns(hosts=text, resolv_conf="nameserver 127.0.0.1\n")
    status = tmp_path / "status"
    command = (
        wsx_shell(URL, prefix=("ip", "netns", "exec", ns.name))
        + f"; echo $? > {status}; exec sleep 120"
    )
    start = time.monotonic()
    _tmux("new-session", "-d", "-s", "wsx", "-x", "160", "-y", "50", "-c", str(ROOT), command)
    try:
        screen = ""
        while "200002 lines ignored" not in screen:
            assert time.monotonic() - start < 20, f"no summary on screen:\n{screen}"
            time.sleep(0.1)
            screen = _tmux("capture-pane", "-p", "-t", "wsx")
        drawn = time.monotonic() - start
        assert f"/etc/hosts:{relevant[0]} ignored, mentions {NAME}" in screen
        assert screen.count(" ignored") < 10
        _tmux("send-keys", "-t", "wsx", "C-q")
        quit_start = time.monotonic()
        while not status.exists() or not status.read_text().strip():
            assert time.monotonic() - quit_start < 5, "the TUI did not quit"
            time.sleep(0.02)
        quit_s = time.monotonic() - quit_start
        print(
            f"TUI, 200,000 bad hosts lines: summary drawn in {drawn:.2f} s, quit in {quit_s:.2f} s"
        )
        assert status.read_text().strip() == "0"
        assert quit_s < 2.0
    finally:
        _tmux("kill-server")
