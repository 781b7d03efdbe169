"""Ctrl+C and termination signals while a lookup hangs (issue "Hostile peers and untrusted
text", findings 9 and 12), with real processes in a network namespace whose resolv.conf
points at a nameserver that never answers (glibc then waits 10 s, resolv.conf(5)).

* SIGINT to ``resolve`` and ``diagnose`` during the getaddrinfo/DNS wait: exit 130
  within a hang guard far below glibc's 10 s, one line on stderr, no traceback.
* SIGINT, SIGTERM and SIGHUP to the real TUI in tmux during the same wait: it exits
  (130, 143, 129) and tmux's own view of the pane says the alternate screen is left,
  mouse reporting is off and the cursor is shown.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hardening._badns import start_bad_nameserver
from tests.hardening._support import hostile_peer
from tests.scenarios.netns import IPV4_ONLY_HOSTS, Namespace
from tests.support import ROOT, stop_process, wsx_argv, wsx_env, wsx_shell

NAME = "app.wsx.test"
URL = f"ws://{NAME}:8080/subscribe"
GLIBC_DEFAULT = "nameserver 127.0.0.1\n"  # timeout:5 attempts:2: getaddrinfo waits 10 s
#: Hang guard for leaving after the signal: the goal is 0.5 s, glibc's wait is 10 s.
EXIT_GUARD_S = 2.0
START_GUARD_S = 30.0


def _interrupt(proc: subprocess.Popen[str]) -> float:
    """Send SIGINT; the seconds until the process exited (hang guard :data:`EXIT_GUARD_S`)."""
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=EXIT_GUARD_S)
    return time.monotonic() - start


def _await_query(server: subprocess.Popen[str]) -> None:
    """Return once the silent nameserver has swallowed a query: the client now waits."""
    assert server.stdout is not None
    ready, _, _ = select.select([server.stdout], [], [], START_GUARD_S)
    assert ready, "no query reached the silent nameserver"
    assert server.stdout.readline().strip() == "query"


@pytest.fixture
def silent(netns: Callable[..., Namespace]) -> Iterator[tuple[Namespace, subprocess.Popen[str]]]:
    ns = netns(hosts=IPV4_ONLY_HOSTS, resolv_conf=GLIBC_DEFAULT)
    yield ns, start_bad_nameserver(ns, "silent")


@pytest.mark.parametrize(
    "argv",
    [
        ("resolve", NAME, "--no-dns"),  # only getaddrinfo waits
        ("resolve", NAME, "--json", "--dns-timeout", "30"),  # getaddrinfo and DNS wait
        ("diagnose", URL, "--timeout", "30", "--no-dns"),
        ("diagnose", URL, "--timeout", "30", "--json"),
    ],
    ids=["resolve-gai", "resolve-dns", "diagnose-gai", "diagnose-dns"],
)
def test_ctrl_c_during_a_lookup_exits_at_once(
    silent: tuple[Namespace, subprocess.Popen[str]], argv: tuple[str, ...]
) -> None:
    ns, server = silent
    proc = ns.popen(
        wsx_argv(*argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=wsx_env(), cwd=ROOT
    )
    try:
        _await_query(server)
        time.sleep(0.3)  # well inside the wait: glibc retries only after 5 s
        assert proc.poll() is None, "the command ended before it was interrupted"
        elapsed = _interrupt(proc)
    finally:
        stop_process(proc, sig=signal.SIGKILL)
    stdout, stderr = proc.communicate()
    print(f"{' '.join(argv[:1])}: exit {proc.returncode} {elapsed * 1000:.0f} ms after SIGINT")
    assert proc.returncode == 130, (stdout, stderr)
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) <= 1, stderr
    assert elapsed < EXIT_GUARD_S


def _established(port: int) -> bool:
    """True once a TCP connection to 127.0.0.1:``port`` is established (proc(5))."""
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = row.split()
        if fields[3] == "01" and int(fields[2].split(":")[1], 16) == port:
            return True
    return False


def test_ctrl_c_during_the_handshake_wait_exits_at_once() -> None:
    """The other long wait of ``diagnose``: a server that accepts and never answers."""
    with hostile_peer("silent") as port:
        proc = subprocess.Popen(
            wsx_argv("diagnose", f"ws://127.0.0.1:{port}/", "--timeout", "30"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=wsx_env(),
            cwd=ROOT,
        )
        try:
            end = time.monotonic() + START_GUARD_S
            while not _established(port):
                assert time.monotonic() < end and proc.poll() is None, "never connected"
                time.sleep(0.02)
            time.sleep(0.3)
            elapsed = _interrupt(proc)
        finally:
            stop_process(proc, sig=signal.SIGKILL)
        _, stderr = proc.communicate()
    print(f"diagnose (handshake wait): exit {proc.returncode} {elapsed * 1000:.0f} ms after SIGINT")
    assert proc.returncode == 130 and "Traceback" not in stderr
    assert stderr.strip() == "wsexplorer diagnose: interrupted"


SOCKET = f"wsx-sig-{uuid.uuid4().hex[:8]}"  # a private tmux server, not the user's
TMUX_ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
TMUX_ENV.setdefault("TERM", "xterm-256color")


def _tmux(*args: str) -> str:
    done = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, env=TMUX_ENV, timeout=30
    )
    return done.stdout


def _pane(fmt: str) -> str:
    return _tmux("display", "-p", "-t", "wsx", fmt).strip()


def _child_of(pid: int) -> int:
    """The one child process of ``pid`` (the shell tmux started runs wsexplorer)."""
    end = time.monotonic() + START_GUARD_S
    while time.monotonic() < end:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError(f"process {pid} started no child")


@pytest.mark.needs_tmux
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=str)
def test_tui_leaves_the_terminal_clean_on_a_signal(
    silent: tuple[Namespace, subprocess.Popen[str]],
    signum: signal.Signals,
    tmp_path: Path,
) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    ns, server = silent
    status_file = tmp_path / "status"
    # The pane's shell records wsexplorer's exit status, then keeps the pane alive, so
    # the terminal's state is read as wsexplorer left it (a dead pane is redrawn by tmux).
    command = (
        wsx_shell(URL, prefix=("ip", "netns", "exec", ns.name))
        + f"; echo $? > {status_file}; exec sleep 120"
    )
    _tmux("new-session", "-d", "-s", "wsx", "-x", "120", "-y", "40", "-c", str(ROOT), command)
    try:
        _await_query(server)
        end = time.monotonic() + START_GUARD_S
        while "Resolution" not in _tmux("capture-pane", "-p", "-t", "wsx"):
            assert time.monotonic() < end, "the TUI never drew its panes"
            time.sleep(0.1)
        # The app is up: alternate screen on, cursor hidden.
        assert _pane("#{alternate_on} #{cursor_flag}") == "1 0"
        pid = _child_of(int(_pane("#{pane_pid}")))
        start = time.monotonic()
        os.kill(pid, signum)
        while Path(f"/proc/{pid}").exists():
            assert time.monotonic() - start < EXIT_GUARD_S, f"still running after {signum.name}"
            time.sleep(0.01)
        elapsed = time.monotonic() - start
        print(f"TUI: {signum.name} -> exit in {elapsed * 1000:.0f} ms")
        while not status_file.exists() or not status_file.read_text().strip():
            assert time.monotonic() - start < START_GUARD_S, "the pane's shell wrote no status"
            time.sleep(0.05)
        assert status_file.read_text().strip() == str(128 + signum)
        state = _pane("#{alternate_on} #{mouse_any_flag} #{cursor_flag}")
        assert state == "0 0 1", f"alternate screen, mouse, cursor: {state}"
        screen = _tmux("capture-pane", "-e", "-p", "-t", "wsx")
        assert "Resolution" not in screen and "Diagnosis" not in screen, screen
        assert "Traceback" not in screen, screen
    finally:
        _tmux("kill-server")
