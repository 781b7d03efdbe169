"""``wsexplorer why`` fed what real clients print when they fail, in real namespaces.

Each client runs as a user's script would, with the error left unhandled, so its whole
output (Node's stack with ``[errors]``, Python's traceback, curl's line) is what ``why``
reads from stdin. The diagnosis it then runs must reproduce the failure (exit 1) where
the client failed, and say "not reproduced" (exit 0) once the server is fixed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from tests.scenarios import peers
from tests.scenarios.netns import DEBIAN_HOSTS, Namespace
from tests.support import wsx_argv, wsx_env

pytestmark = [pytest.mark.needs_root, pytest.mark.needs_netns, pytest.mark.needs_node]

PORT = 8080
WS_MODULE = str(peers.PEERS_DIR / "node_modules" / "ws")
# A user's script: the 'error' event unhandled, so Node prints the error's stack and exits.
NODE_SCRIPT = "const WebSocket = require(process.env.WS_MODULE); new WebSocket(process.argv[1]);"
PY_SCRIPT = (
    "import asyncio, sys, websockets\n"
    "async def main():\n"
    "    async with websockets.connect(sys.argv[1], open_timeout=5):\n"
    "        pass\n"
    "asyncio.run(main())\n"
)


@pytest.fixture
def debian(netns: Callable[..., Namespace]) -> Namespace:
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    return netns(hosts=DEBIAN_HOSTS)


def _fail(ns: Namespace, argv: list[str]) -> str:
    """Run a client that must fail; its stderr (and stdout) as the user sees them."""
    done = ns.run(argv, env={"WS_MODULE": WS_MODULE}, timeout=60)
    assert done.returncode != 0, done
    return done.stderr + done.stdout


def _node(ns: Namespace, major: str, url: str) -> str:
    binary = peers.node_binary(major)
    assert binary is not None
    return _fail(ns, [str(binary), "-e", NODE_SCRIPT, url])


def _why(ns: Namespace, text: str, *args: str) -> tuple[int, dict[str, Any]]:
    argv = wsx_argv("why", "--json", "--no-dns", *args)
    done = ns.run(argv, env=wsx_env(), input=text, timeout=60)
    assert done.returncode in (0, 1), done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    assert data["schema"] == "wsexplorer.why/1"
    return done.returncode, data


def test_node_18_seed_error_reproduced_then_fixed(debian: Namespace) -> None:
    url = f"ws://localhost:{PORT}/"
    with peers.start_server(debian, "node:0.0.0.0", PORT):
        text = _node(debian, "node18", url)
        assert f"Error: connect ECONNREFUSED ::1:{PORT}" in text
        rc, data = _why(debian, text)
    assert rc == 1
    assert data["error"] == f"Error: connect ECONNREFUSED ::1:{PORT}"
    assert "node-17-19" in data["matches"] and data["kind"] == "refused"
    assert data["target"]["url"] == url
    assert data["target"]["names"] == ["localhost", "ip6-localhost", "ip6-loopback"]
    assert data["reproduced"] is True and data["exact"] is True
    assert data["failing"] == ["node-17-19"]
    assert "It happens here: Node.js 17-19 ws fails" in data["story"]
    clients = {c["id"]: c for c in data["diagnosis"]["clients"]}
    assert clients["node-20"]["outcome"] == "connects"
    with peers.start_server(debian, "node:::", PORT):
        rc, data = _why(debian, text)
    assert rc == 0 and data["reproduced"] is False
    assert "Not reproduced here: every client would connect" in data["story"]


def test_node_20_aggregate_error_and_python_traceback(debian: Namespace) -> None:
    url = f"ws://localhost:{PORT}/"  # nothing listens: both addresses refused
    node = _node(debian, "node20", url)
    assert "AggregateError [ECONNREFUSED]" in node
    rc, data = _why(debian, node)
    assert rc == 1 and "node-20" in data["matches"]
    assert (data["target"]["address"], data["target"]["port"]) == ("::1", PORT)
    assert data["reproduced"] is True and data["exact"] is True
    py = _fail(debian, [sys.executable, "-c", PY_SCRIPT, f"ws://127.0.0.1:{PORT}/"])
    rc, data = _why(debian, py)
    assert rc == 1 and data["matches"] == ["python-websockets"]
    assert data["error"].endswith(f"[Errno 111] Connect call failed ('127.0.0.1', {PORT})")
    assert data["reproduced"] is True


def test_curl_line_and_a_url_given(debian: Namespace) -> None:
    curl = _fail(debian, ["curl", "-sS", f"http://localhost:{PORT}/"])
    rc, data = _why(debian, curl)
    assert rc == 1 and data["matches"] == ["curl"]
    assert data["target"]["url"] == f"ws://localhost:{PORT}/"
    rc, data = _why(debian, "net::ERR_CONNECTION_REFUSED", "--url", f"ws://[::1]:{PORT}/x")
    assert rc == 1 and data["matches"] == ["chrome"]
    assert data["target"]["url"] == f"ws://[::1]:{PORT}/x"


def test_bad_input_is_one_line_exit_2(debian: Namespace) -> None:
    for text, words in (
        ("the server said hello", "no client's error text recognised"),
        ("net::ERR_CONNECTION_REFUSED", "add --url"),
    ):
        done = debian.run(wsx_argv("why"), env=wsx_env(), input=text, timeout=60)
        assert done.returncode == 2, done
        assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    tty_less = subprocess.run(
        wsx_argv("why"), env=wsx_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert tty_less.returncode == 2
    assert "no client's error text recognised" in tty_less.stderr
