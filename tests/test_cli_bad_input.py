"""Bad input: exit 2 and ONE line on stderr that names the bad part; never a traceback.

Runs the real console entry point in subprocesses (the same code path a user hits).
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support import run_wsx

U = "ws://localhost:8080/"
LONG = "a" * 300

CASES: list[tuple[list[str], str]] = [
    # (argv, a fragment the one line must contain)
    (["diagnose", ""], "empty"),
    (["diagnose", "   "], "empty"),
    (["diagnose", "ftp://x/"], "ftp"),
    (["diagnose", "ws://"], "no host"),
    (["diagnose", "ws://localhost:0/"], "1-65535"),
    (["diagnose", "ws://localhost:99999/"], "1-65535"),
    (["diagnose", "ws://localhost:http/"], "not a number"),
    (["diagnose", "ws://localhost:/"], "no port"),
    (["diagnose", "ws://[::1/"], "']'"),
    (["diagnose", "ws://::1:8080/"], "brackets"),
    (["diagnose", "ws://localhost:1/", "--clients", "pyton"], "did you mean 'python'?"),
    (["diagnose", "ws://localhost:1/", "--clients", "node,crome"], "did you mean 'chrome'?"),
    (["diagnose", "ws://localhost:1/", "--clients", ","], "no client named"),
    (["ws://localhost:1/", "--clients", "nodejs"], "did you mean 'node'?"),
    (["diagnose", "ws://[127.0.0.1]/"], "not an IPv6"),
    (["diagnose", f"ws://{LONG}.com/"], "253"),
    (["diagnose", "ws://" + ("abcdefghij" * 6 + ".") * 5 + "com/"], "253"),
    (["diagnose", "ws://ex ample.com/"], "spaces"),
    (["diagnose", "ws://-dash-.com/"], "label"),
    (["diagnose", "ws://999.1.1.1/"], "IPv4"),
    (["diagnose", "ws://exa\tmple/"], "control"),
    (["diagnose", "ws://münchen..de/"], "label"),
    (["diagnose", U, "--timeout", "0"], "timeout"),
    (["diagnose", U, "--timeout", "-1"], "timeout"),
    (["diagnose", U, "--timeout", "soon"], "timeout"),
    (["diagnose", U, "--timeout", "nan"], "timeout"),
    (["diagnose", U, "--timeout", "inf"], "timeout"),
    (["diagnose", U, "--family", "5"], "family"),
    (["diagnose", U, "--family", "ipv4"], "family"),
    (["diagnose", U, "--resolve", "localhost"], "--resolve"),
    (["diagnose", U, "--resolve", "localhost:8080"], "--resolve"),
    (["diagnose", U, "--resolve", "localhost:8080:"], "no address"),
    (["diagnose", U, "--resolve", "localhost:8080:banana"], "not an IP"),
    (["diagnose", U, "--resolve", "localhost:8080:[127.0.0.1]"], "not an IPv6"),
    (["diagnose", U, "--resolve", "localhost:123456:127.0.0.1"], "1-65535"),
    (["diagnose", U, "--resolve", ""], "empty"),
    (["diagnose", U, "-H", "no-colon"], "header"),
    (["diagnose", U, "-H", "Bad Name: x"], "header name"),
    (["diagnose", U, "-H", ": value"], "header"),
    (["diagnose", U, "-H", "X-A: b\x1b[2J"], "value contains a control character"),
    (["diagnose", U, "--origin", "http://a.test\x1b[2J"], "origin"),
    (["diagnose", U, "--subprotocol", "a b"], "subprotocol"),
    (["diagnose", U, "--origin", "not a url"], "origin"),
    (["diagnose", U, "--cacert", "/nonexistent/ca.pem"], "--cacert"),
    (["diagnose", U, "--cacert", "/"], "cannot read '/'"),
    (["diagnose", U, "--cacert", "/etc/passwd"], "no PEM certificate"),
    (["why", "unable to verify the first certificate", "--cacert", "/nonexistent"], "--cacert"),
    (["wss://localhost:8443/", "--cacert", "/nonexistent"], "cannot read"),
    (["diagnose"], "URL"),
    (["diagnose", U, U], "unrecognized"),
    (["diagnose", U, "--bogus"], "unrecognized"),
    (["resolve", ""], "host"),
    (["resolve", "a..b"], "label"),
    (["resolve", LONG], "253"),
    (["resolve", "localhost", "--port", "0"], "1-65535"),
    (["resolve", "localhost", "--port", "eighty"], "not a number"),
    (["resolve", "localhost", "--dns-timeout", "0"], "timeout"),
    (["resolve", "[::1"], "host"),
    (["listeners", "--port", "0"], "1-65535"),
    (["listeners", "--port", "70000"], "1-65535"),
    (["listeners", "--port", "x"], "not a number"),
    # The lean --json path (wsexplorer/cli.py) hands these to the full parser.
    (["listeners", "--json", "--port", "0"], "1-65535"),
    (["listeners", "--json", "--port", " 99999"], "1-65535"),
    (["listeners", "--json", "--port"], "expected one argument"),
    (["listeners", "--json", "--bogus"], "unrecognized"),
    (["serve", "--port", "-1"], "port"),
    (["serve", "--port", "65536"], "port"),
    (["serve", "--dual-stack", "--v6only"], "not allowed"),
    (["serve", "--host", "0.0.0.0", "--dual-stack"], "--dual-stack"),
    (["serve", "--host", "127.0.0.1", "--v6only"], "--v6only"),
    (["serve", "--path", "nope"], "--path"),
    (["serve", "--max-size", "0"], "at least 1"),
    (["serve", "--idle-timeout", "0"], "timeout"),
    (["serve", "--max-connections", "0"], "--max-connections"),
    (["serve", "--max-per-peer", "0"], "--max-per-peer"),
    (["serve", "--max-per-peer", "many"], "--max-per-peer"),
    (["serve", "--loopback-reserve", "-1"], "--loopback-reserve"),
    (["serve", "--loopback-reserve", "8", "--max-connections", "8"], "--loopback-reserve"),
    (["serve", "--handshake-timeout", "0"], "--handshake-timeout"),
    (["serve", "--handshake-timeout", "soon"], "--handshake-timeout"),
    (["serve", "--origin", "evil"], "--origin"),
    (["serve", "--origin", "http://a/b"], "--origin"),
    (["serve", "--write-timeout", "-1"], "--write-timeout"),
    (["serve", "--keepalive", "inf"], "--keepalive"),
    (["ftp://x/"], "ftp"),
    (["--family", "7"], "family"),
    (["ws://localhost:8080/", "--resolve", "x:y"], "--resolve"),
    (["demo", "--port", "70000"], "port"),
    (["serve", "--host", "192.0.2.1"], "192.0.2.1 is not an address of this machine"),
    (["ws://localhost:9/", "--send-file", "/nonexistent/x"], "--send-file /nonexistent/x"),
]


def run(argv: list[str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return run_wsx(*argv, timeout=timeout)[0]


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("argv", "fragment"), CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_bad_input_is_one_line_exit_2(argv: list[str], fragment: str) -> None:
    proc = run(argv)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert fragment.lower() in lines[0].lower(), lines[0]
    assert lines[0].startswith("wsexplorer")


def test_cacert_that_openssl_cannot_load_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    proc = run(["diagnose", U, "--cacert", str(bad)])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not a usable CA file" in lines[0], proc.stderr


def _owner_of_this_process() -> str:
    with open("/proc/self/comm", encoding="utf-8") as fh:
        return f"{fh.read().strip()}[{os.getpid()}]"


def test_port_in_use_is_one_line_naming_the_owner_exit_2() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        proc, _ = run_wsx("serve", "--port", str(port))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"wsexplorer serve: cannot listen on 127.0.0.1:{port}: port {port} is in use by "
        f"{_owner_of_this_process()}; choose another with --port P, or --port auto for a "
        "free one"
    ]


def test_version_and_help() -> None:
    v = run(["--version"])
    assert v.returncode == 0 and v.stdout.startswith("wsexplorer ")
    h = run(["--help"])
    assert h.returncode == 0
    for cmd in ("demo", "diagnose", "resolve", "listeners", "serve"):
        assert f"wsexplorer {cmd}" in h.stdout
    for cmd in ("diagnose", "resolve", "listeners", "serve", "demo"):
        assert run([cmd, "--help"]).returncode == 0
    serve_help = run(["serve", "--help"]).stdout
    for option in (
        "--max-connections N",
        "--max-per-peer N",
        "--loopback-reserve N",
        "--handshake-timeout S",
        "--origin ORIGIN",
        "--write-timeout S",
        "--keepalive S",
    ):
        assert option in serve_help, option
