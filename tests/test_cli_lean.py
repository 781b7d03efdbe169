"""The lean ``listeners --json`` entry (wsexplorer/cli.py) against the full command line.

Same sockets, same bytes: the lean path and ``cli_full.main`` print identical JSON for a
port this test holds on every address family and protocol (so no other process can add a
row meanwhile); the real console entry point loads neither argparse nor threading.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.support import ROOT, run_wsx, wsx_argv, wsx_env
from wsexplorer import cli, cli_full
from wsexplorer.cli_diagnose import lean_diagnose_args
from wsexplorer.cli_parsers import PARSER_OF
from wsexplorer.report import dump_json


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["listeners", "--json"], (None, False)),
        (["listeners", "--all", "--json"], (None, True)),
        (["listeners", "--json", "--port", "8080", "--all"], (8080, True)),
        (["listeners", "--port", "08080", "--json"], (8080, False)),
        (["listeners", "--port", "65535", "--json"], (65535, False)),
        # Everything else is the full parser's: text output, help, other spellings, bad input.
        (["listeners"], None),
        (["listeners", "--all"], None),
        (["listeners", "--json", "--help"], None),
        (["listeners", "--port=80", "--json"], None),
        (["listeners", "--js"], None),
        (["listeners", "--json", "--json"], None),
        (["listeners", "--json", "--port", "1", "--port", "2"], None),
        (["listeners", "--json", "--port", "0"], None),
        (["listeners", "--json", "--port", "65536"], None),
        (["listeners", "--json", "--port", " 80"], None),
        (["listeners", "--json", "--port", "٨٠"], None),
        (["listeners", "--json", "--port"], None),
        (["listener", "--json"], None),
        (["diagnose", "ws://localhost/"], None),
        ([], None),
    ],
)
def test_lean_parser_takes_only_the_plain_forms(
    argv: list[str], expected: tuple[int | None, bool] | None
) -> None:
    assert cli.lean_listeners_args(argv) == expected


@pytest.fixture
def port_held() -> Iterator[int]:
    """A port held by this process on 0.0.0.0 and :: (v6only), TCP listening and UDP."""
    held: list[socket.socket] = []
    try:
        tcp4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        held.append(tcp4)
        tcp4.bind(("0.0.0.0", 0))
        tcp4.listen()
        port = tcp4.getsockname()[1]
        for family, kind in (
            (socket.AF_INET6, socket.SOCK_STREAM),
            (socket.AF_INET, socket.SOCK_DGRAM),
            (socket.AF_INET6, socket.SOCK_DGRAM),
        ):
            sock = socket.socket(family, kind)
            held.append(sock)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", port))
            if kind == socket.SOCK_STREAM:
                sock.listen()
        yield port
    finally:
        for sock in held:
            sock.close()


def _full_path_output(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_full.main(argv) == 0
    return out.getvalue()


@pytest.mark.parametrize("udp", [False, True])
def test_lean_json_is_byte_identical_to_the_full_path(port_held: int, udp: bool) -> None:
    argv = ["listeners", "--port", str(port_held), "--json"] + (["--all"] if udp else [])
    full = _full_path_output(argv)
    lean, _ = run_wsx(*argv)  # the real entry point, in another process
    assert lean.returncode == 0, lean.stderr
    assert lean.stdout == full
    rows = full.count('"protocol": ')
    assert rows == (4 if udp else 2), full  # the test sees the sockets it holds
    # Pretty-printed exactly as diagnose and resolve print theirs (issue 12).
    assert full == dump_json(json.loads(full)) + "\n"


def test_lean_listeners_end_without_teardown_but_with_their_output(port_held: int) -> None:
    """The process's own ``listeners --json`` skips the interpreter's teardown
    (cli._exit_now, as ``diagnose``): the JSON arrives whole, exit 0, and a reader that
    closed the pipe at once gets neither an error nor another code."""
    argv = ["listeners", "--port", str(port_held), "--all", "--json"]
    skipped = subprocess.run(
        [
            sys.executable,
            "-c",
            "import atexit, sys; atexit.register(print, 'teardown', file=sys.stderr); "
            f"sys.argv = ['wsexplorer', *{argv!r}]; from wsexplorer.cli import main; "
            "sys.exit(main())",
        ],
        capture_output=True,
        text=True,
        env=wsx_env(),
        timeout=60,
        check=False,
    )
    assert skipped.returncode == 0 and skipped.stderr == ""  # no teardown ran
    assert skipped.stdout == _full_path_output(argv)
    proc = subprocess.Popen(
        wsx_argv(*argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=wsx_env()
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the JSON is written
    err = proc.stderr.read()
    assert proc.wait(60) == 0, err
    assert err == b""


def _python_words(code: str, *flags: str) -> list[str]:
    """The words ``python FLAGS -c CODE`` prints, run from this checkout."""
    run = subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=wsx_env(),
        check=True,
    )
    return run.stdout.split()


def test_lean_entry_loads_no_argparse_nor_threading() -> None:
    """The lean path (issue 14): none of the full command line's modules, no automatic
    garbage collection during the scan, and the collector on again afterwards."""
    code = (
        # Only what the command adds counts: a site hook may have loaded some already.
        "import contextlib, gc, io, sys; before = set(sys.modules); "
        "runs = []; gc.callbacks.append(lambda phase, info: runs.append(phase)); "
        "from wsexplorer.cli import main; import wsexplorer.probes.listeners as L; "
        # The scan, wrapped: were the collector on, a threshold of 1 would run it there.
        "scan = L.scan_listeners_json; seen = []; L.scan_listeners_json = lambda **kw: "
        "(runs.clear(), seen.append(gc.isenabled()), scan(**kw), seen.append(len(runs)))[2]; "
        "gc.set_threshold(1); "
        "out = io.StringIO(); ctx = contextlib.redirect_stdout(out); ctx.__enter__(); "
        "rc = main(['listeners', '--all', '--json']); during = ':'.join(map(str, seen)); "
        "ctx.__exit__(None, None, None); "
        "names = ('argparse', 'gettext', 'threading', 'importlib', 'wsexplorer.cli_full', "
        "'wsexplorer.cli_types', 'wsexplorer.model.untrusted'); "
        "added = set(sys.modules) - before; "
        "print(rc, ','.join(n for n in names if n in added) or '-', during, gc.isenabled(), "
        "out.getvalue().startswith('{\\n  \"schema\": '))"
    )
    # Pretty, as diagnose --json. ``-S``: no site hook has loaded anything (importlib, as a
    # ``.pth`` file may) before the command; the lean path needs only the standard library.
    assert _python_words(code, "-S") == ["0", "-", "False:0", "True", "True"]


def test_diagnose_json_loads_no_renderer_and_runs_without_the_collector() -> None:
    """``diagnose --json`` (issue 14): no rich, no report, no difflib, and for ``diagnose URL
    --json`` written so no argparse (:func:`lean_diagnose_args`); no automatic garbage
    collection during the run, and the collector is on again afterwards."""
    with socket.socket() as s:  # a port nothing listens on: refused at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = (
        "import contextlib, gc, io, sys; before = set(sys.modules); "
        "runs = []; gc.callbacks.append(lambda phase, info: runs.append(phase)); "
        "from wsexplorer.cli import main; runs.clear(); "
        "out = io.StringIO(); ctx = contextlib.redirect_stdout(out); ctx.__enter__(); "
        f"rc = main(['diagnose', 'ws://127.0.0.1:{port}/', '--json']); during = len(runs); "
        "ctx.__exit__(None, None, None); "
        "names = ('rich', 'wsexplorer.report', 'wsexplorer.presentation', 'difflib', "
        "'argparse', 'wsexplorer.cli_full', 'wsexplorer.cli_parsers'); "
        "added = set(sys.modules) - before; "
        "print(rc, ','.join(n for n in names if n in added) or '-', during, gc.isenabled(), "
        'out.getvalue().startswith(\'{\\n  "schema": "wsexplorer.diagnosis/1"\'))'
    )
    assert _python_words(code) == ["1", "-", "0", "True", "True"]


@pytest.mark.parametrize(
    "url",
    [
        "ws://localhost:8080/",
        "wss://user:secret@Example.COM:8443/p?token=abc#frag",
        "ws://[::1]:9/",
        "localhost:8080",
        "ws://bücher.example/",
    ],
)
def test_lean_diagnose_args_are_the_full_parsers(url: str) -> None:
    """The lean ``diagnose URL --json`` namespace is what the full parser gives: a new
    option or default there must be added to :func:`lean_diagnose_args` too."""
    lean = lean_diagnose_args(["diagnose", url, "--json"])
    assert lean is not None
    assert vars(lean) == vars(PARSER_OF["diagnose"]().parse_args([url, "--json"]))


@pytest.mark.parametrize(
    "argv",
    [
        ["diagnose", "ws://localhost:8080/"],  # text, not JSON
        ["diagnose", "--json", "ws://localhost:8080/"],
        ["diagnose", "ws://localhost:8080/", "--json", "--no-dns"],
        ["diagnose", "ws://localhost:8080/", "--markdown"],
        ["diagnose", "-h", "--json"],
        ["diagnose", "", "--json"],
        ["diagnose", "ws://[::1/", "--json"],  # bad: the full parser words the error
        ["resolve", "localhost", "--json"],
    ],
)
def test_lean_diagnose_leaves_everything_else_to_the_full_parser(argv: list[str]) -> None:
    assert lean_diagnose_args(argv) is None
