"""``serve`` and ``demo`` on a port: TIME_WAIT does not move them, a busy port is an error
naming its owner, ``--port auto`` says which port it took, ``serve`` prints URLs a user
can type and logs each connection with its family (real sockets and subprocesses).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time

import pytest
import websockets

from tests.support import run_wsx, stop_process, wsx_argv, wsx_env
from wsexplorer.cli_serve import demo_port
from wsexplorer.model.errors import WsxError
from wsexplorer.probes.server import peer_words


def _comm() -> str:
    with open("/proc/self/comm", encoding="utf-8") as fh:
        return fh.read().strip()


def _time_wait_port() -> int:
    """A port on 127.0.0.1 whose only socket is a connection in TIME_WAIT (the server side
    closed first, as a stopped server does). The server set ``SO_REUSEADDR``, as the demo
    server, Node's and asyncio's servers do: Linux lets a new ``SO_REUSEADDR`` bind
    share the port only with TIME_WAIT connections of such a socket."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = int(listener.getsockname()[1])
        client = socket.create_connection(("127.0.0.1", port))
        conn, _ = listener.accept()
        conn.close()  # the server's end closes first: it is the one left in TIME_WAIT
        client.recv(1)
        client.close()
    return port


def test_a_port_in_time_wait_keeps_the_demo_on_it() -> None:
    port = _time_wait_port()
    # The state the demo met: a bind without SO_REUSEADDR (the old check) is refused.
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("0.0.0.0", port))
    assert demo_port(port, "0.0.0.0") == (port, None)


def test_a_busy_demo_port_is_an_error_naming_its_owner() -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = int(taken.getsockname()[1])
        with pytest.raises(WsxError) as err:
            demo_port(port, "0.0.0.0")
        assert f"port {port} is in use by {_comm()}[{os.getpid()}]" in str(err.value)
        # The command: one line, exit 2, before any terminal is needed (no TUI spins).
        proc, _ = run_wsx("demo", "--port", str(port), timeout=30)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"wsexplorer demo: cannot listen on 0.0.0.0:{port}: port {port} is in use by "
        f"{_comm()}[{os.getpid()}]; choose another with --port P, or --port auto for a free one"
    ]


def test_demo_port_auto_takes_a_free_port_and_says_which() -> None:
    port, note = demo_port(0, "127.0.0.1")
    assert port > 0
    assert note == f"--port auto: the demo server took port {port}"
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # it was free


def test_peer_words_name_the_family() -> None:
    assert peer_words("127.0.0.1") == "127.0.0.1 (IPv4)"
    assert peer_words("::1") == "::1 (IPv6)"
    assert peer_words("::ffff:127.0.0.1") == (
        "127.0.0.1 (IPv4, seen as ::ffff:127.0.0.1 on the dual-stack socket)"
    )
    assert peer_words(None) == "? (family unknown)"


def _read_until(proc: subprocess.Popen[str], needle: str, deadline: float) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} never printed; got {lines}")


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_serve_prints_usable_urls_and_logs_peers_with_their_family(host: str) -> None:
    if host == "::" and not _ipv6_loopback():
        pytest.skip("no IPv6 loopback here")
    extra = ["--dual-stack"] if host == "::" else []
    proc = subprocess.Popen(
        wsx_argv("serve", "--host", host, "--port", "auto", *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=wsx_env(),
    )
    try:
        end = time.monotonic() + 30
        head = _read_until(proc, "echo server", end)
        text = "\n".join(head)
        port = int(head[0].rsplit(" ", 1)[1])
        assert head[0] == f"--port auto: listening on port {port}"
        assert f"use ws://localhost:{port}/subscribe" in text
        assert "ws://0.0.0.0" not in text and "ws://[::]" not in text
        if host == "0.0.0.0":
            assert "IPv4 only" in text and f"ws://127.0.0.1:{port}/subscribe" in text
        else:
            assert "dual-stack: IPv4 and IPv6 clients connect" in text

        async def hello(address: str) -> None:
            async with websockets.connect(f"ws://{address}:{port}/subscribe") as ws:
                await ws.send("hi")
                await ws.recv()

        asyncio.run(hello("127.0.0.1"))
        seen = _read_until(proc, "connection from", end)[-1]
        if host == "0.0.0.0":
            assert seen.endswith("connection from 127.0.0.1 (IPv4)")
        else:
            assert seen.endswith(
                "connection from 127.0.0.1 (IPv4, seen as ::ffff:127.0.0.1 on the dual-stack "
                "socket)"
            )
            asyncio.run(hello("[::1]"))
            assert _read_until(proc, "connection from", end)[-1].endswith(
                "connection from ::1 (IPv6)"
            )
    finally:
        stop_process(proc)
        if proc.stdout is not None:
            proc.stdout.close()
