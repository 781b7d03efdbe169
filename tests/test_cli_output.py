"""Small command-line contracts from issue 12, each run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import run_wsx, wsx_argv, wsx_env


def test_json_and_markdown_together_are_refused_in_one_line() -> None:
    done, _ = run_wsx("diagnose", "ws://127.0.0.1:1/", "--json", "--markdown")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "not allowed with argument --json" in lines[0]
    assert done.stdout == ""


def test_resolve_of_a_name_that_does_not_resolve_is_not_a_success() -> None:
    done, _ = run_wsx("resolve", "nonexistent.invalid", "--no-dns", "--json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["getaddrinfo"]["order"] == []
    assert run_wsx("resolve", "127.0.0.1", "--no-dns")[0].returncode == 0


def test_an_ascii_terminal_gets_escapes_not_a_traceback() -> None:
    done, _ = run_wsx(
        "diagnose", "ws://127.0.0.1:1/", "--timeout", "2", env={"PYTHONIOENCODING": "ascii"}
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "\\u2717" in done.stdout  # ✗, escaped


def test_a_resolve_pin_for_another_port_says_it_is_ignored() -> None:
    done, _ = run_wsx(
        "diagnose", "ws://localhost:1/", "--resolve", "localhost:2:127.0.0.1", "--timeout", "2"
    )
    assert "--resolve localhost:2:127.0.0.1 is for port 2, not 1: ignored" in done.stderr
    assert "Traceback" not in done.stderr


def test_diagnose_ends_without_teardown_but_with_its_output_and_code() -> None:
    """The process's own ``diagnose`` skips the interpreter's teardown (cli._exit_now): its
    JSON still arrives whole, its exit code is the verdict's, and a reader that closed the
    pipe at once costs neither a second error nor a different code."""
    done, _ = run_wsx("diagnose", "ws://127.0.0.1:1/", "--json", "--timeout", "2")
    assert done.returncode == 1, done.stderr  # nothing listens on port 1: a failure
    assert json.loads(done.stdout)["verdict"]["ok"] is False
    assert done.stderr == ""
    skipped = subprocess.run(
        [
            sys.executable,
            "-c",
            "import atexit, sys; atexit.register(print, 'teardown', file=sys.stderr); "
            "sys.argv = ['wsexplorer', 'diagnose', 'ws://127.0.0.1:1/', '--json', "
            "'--timeout', '2']; from wsexplorer.cli import main; sys.exit(main())",
        ],
        capture_output=True,
        text=True,
        env=wsx_env(),
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert skipped.returncode == 1 and skipped.stderr == ""  # no teardown ran
    assert json.loads(skipped.stdout)["verdict"]["ok"] is False
    proc = subprocess.Popen(
        wsx_argv("diagnose", "ws://127.0.0.1:1/", "--json", "--timeout", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=wsx_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the JSON is written
    err = proc.stderr.read()
    assert proc.wait(60) == 0, err  # as before: a closed pipe is not an error
    assert err == b""
