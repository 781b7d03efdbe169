"""Real WebSocket peers (servers and clients) run inside a network namespace.

The peers live in ``tests/peers`` (see its README): Node ``ws`` scripts run by the system
``node`` (Node 20) and by the Node 16 / 18 binaries that ``npm ci --prefix tests/peers``
installs, Python ``websockets`` scripts run by this interpreter, and curl. Every peer prints
one JSON line; the helpers here parse it into plain dicts so the scenario tests can compare
what really happened with what ``wsexplorer diagnose`` predicts.

Contract:
    * :func:`start_server` returns once the server printed that it is listening, or raises
      :class:`PeerError` (with the server's output) when it could not listen.
    * :func:`run_client` never raises for a connection failure: it returns a dict with
      ``outcome`` (``"connects"``, ``"fails"`` or ``"timeout"``), ``address`` (the peer
      address, ``::ffff:`` stripped, or ``None``), ``error`` (the text the client shows its
      user, or ``None``) and ``raw`` (everything the peer reported).
    * The WHATWG ``WebSocket`` clients (``node22-builtin``, ``node24-builtin``, ``bun``,
      ``deno``: ``tests/peers/web_client.js``) expose no peer address: given the server,
      :func:`run_client` learns it from the server's log of the connection that used the URL it
      tagged (``raw["address_from"] == "server log"``).
    * Clients run with proxy variables removed from the environment (the scenarios are
      about address families), unless :func:`run_client` is given ``proxies``: then
      exactly those (tests/scenarios/test_proxies.py). :func:`proxy_argv` does the same
      for any command (``wsexplorer diagnose``).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from tests.scenarios import web_peers
from tests.scenarios.web_peers import JS_CLIENT_KINDS, WEB_CLIENTS
from tests.support import stop_process

__all__ = [
    "CLIENT_KINDS",
    "JS_CLIENT_KINDS",
    "NODE_PEERS_MISSING",
    "PEERS_DIR",
    "SERVER_KINDS",
    "WEB_CLIENTS",
    "PeerError",
    "PeerServer",
    "Runner",
    "available_clients",
    "client_command",
    "node_binary",
    "node_peers_installed",
    "proxy_argv",
    "run_client",
    "runtime_binary",
    "start_server",
    "watch_peer_log",
]

PEERS_DIR = Path(__file__).resolve().parents[1] / "peers"
"""Directory holding the peer scripts, ``package.json`` and ``node_modules``."""

SERVER_KINDS: tuple[str, ...] = (
    "node:0.0.0.0",
    "node:::",
    "node:-",
    "node:127.0.0.1",
    "node:::1",
    "py:::",
    "py:none",
    "py:0.0.0.0",
)
"""Server kinds ``RUNTIME:HOST``; ``node:-`` passes no host, ``py:none`` passes ``None``.
Also accepted: ``http:HOST`` (``python -m http.server``, HTTP/1.0, answers 404) and
``http11:HOST`` (the same speaking HTTP/1.1)."""

CLIENT_KINDS: tuple[str, ...] = (
    "node20",
    "node20-noauto",
    "node20-family4",
    "node16",
    "node18",
    "python",
    "python-aiohttp",
    "python-websocket-client",
    "python-sync",
    "curl",
    *JS_CLIENT_KINDS,
)
"""Every client kind :func:`run_client` knows; :func:`available_clients` filters them.
Also accepted: ``chromium`` (Debian's, headless: tests/peers/chromium_client.py)."""

_PEER_LOG_WAIT = 3.0

# Python client kind -> the library argument of tests/peers/py_lib_client.py.
_PY_LIB_CLIENTS = {
    "python-aiohttp": "aiohttp",
    "python-websocket-client": "websocket-client",
    "python-sync": "websockets-sync",
}

NODE_PEERS_MISSING = "tests/peers/node_modules is missing: run `npm ci --prefix tests/peers`"

_PROXY_VARIABLES = frozenset(
    {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "ws_proxy", "wss_proxy", "socks_proxy"}
    | {"node_use_env_proxy"}  # Node's switch for them (docs/clients.md#proxies)
)
_MAPPED_PREFIX = "::ffff:"
_CLIENT_GUARD_SECONDS = 15
_CLIENT_TIMEOUT = 30.0
_SERVER_START_TIMEOUT = 20.0


class Runner(Protocol):
    """What the helpers need from ``tests.scenarios.netns.Namespace``."""

    def run(
        self,
        argv: list[str],
        *,
        timeout: float = ...,
        check: bool = ...,
        env: dict[str, str] | None = ...,
        input: str | None = ...,
    ) -> subprocess.CompletedProcess[str]: ...

    def popen(self, argv: list[str], **kw: Any) -> subprocess.Popen[str]: ...


class PeerError(RuntimeError):
    """A peer could not start or printed something that is not its one JSON line."""


@dataclass
class PeerServer:
    """A running server peer.

    Attributes:
        kind: the server kind it was started as, e.g. ``"node:0.0.0.0"``.
        port: the TCP port it listens on.
        listening: what it reported: for Node ``[address, port, family]``, for Python a
            list of ``[address, port, family, v6only]``, for ``http`` the banner line.
    """

    kind: str
    port: int
    listening: Any
    process: subprocess.Popen[str] = field(repr=False)
    stderr: IO[str] = field(repr=False)
    peer_log: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue, repr=False)
    _seen: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def peer_address(self, path: str, wait: float = _PEER_LOG_WAIT) -> str | None:
        """The address a client reached, as the server logged the WebSocket on ``path``
        (its local address, ``::ffff:`` stripped), waiting up to ``wait`` seconds for the
        line; None when none came."""
        deadline = time.monotonic() + wait
        while True:
            for line in self._seen:
                if line.get("path") == path:
                    return _strip_mapped(line["local"][0])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                self._seen.append(self.peer_log.get(timeout=remaining))
            except queue.Empty:
                return None

    def stop(self) -> None:
        """Stop the server and wait for it (idempotent)."""
        try:
            stop_process(self.process)
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.stderr.close()

    def error_output(self) -> str:
        """What the server wrote on stderr so far."""
        if self.stderr.closed:
            return ""
        self.stderr.seek(0)
        return self.stderr.read()

    def __enter__(self) -> PeerServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def node_binary(kind: str) -> Path | None:
    """Path of the Node binary behind a client kind, or None when it is not installed.

    Every major comes from a registry package installed under ``tests/peers/node_modules``
    by an npm alias (see package.json): ``node20*`` -> Node 20.20.2, ``node16``, ``node18``,
    ``node22*`` -> 22.23.5, ``node24*`` -> 24.22.3.
    The matrix therefore never depends on which ``node`` a machine has on PATH (Debian's
    own package is Node 18, whose ``autoSelectFamily`` is off).
    """
    name = kind.split("-")[0]
    if name in {"node16", "node18", "node20", "node22", "node24"}:
        path = PEERS_DIR / "node_modules" / name / "bin" / "node"
        return path if path.is_file() and os.access(path, os.X_OK) else None
    return None


def runtime_binary(kind: str) -> Path | None:
    """Path of the Bun or Deno binary (registry packages under tests/peers/node_modules),
    or None when it is not installed or the kind is neither."""
    return web_peers.runtime_binary(PEERS_DIR, kind)


def node_peers_installed() -> bool:
    """True when the pinned ``ws`` package is installed under tests/peers."""
    return (PEERS_DIR / "node_modules" / "ws" / "package.json").is_file()


def available_clients() -> list[str]:
    """The client kinds whose runtime is present on this machine, in CLIENT_KINDS order."""
    present: list[str] = []
    for kind in CLIENT_KINDS:
        if kind.startswith("node"):
            if node_peers_installed() and node_binary(kind) is not None:
                present.append(kind)
        elif kind in {"bun", "deno"}:
            if runtime_binary(kind) is not None:
                present.append(kind)
        elif kind == "curl":
            if shutil.which("curl"):
                present.append(kind)
        else:
            present.append(kind)
    return present


def proxy_argv(argv: list[str], proxies: dict[str, str] | None = None) -> list[str]:
    """Prefix ``argv`` with ``env -u VAR`` for each proxy variable set here, then
    ``NAME=VALUE`` for each of ``proxies``: the command sees exactly ``proxies``.

    ``Namespace.run`` adds its ``env`` to this process's environment, so variables can only
    be removed by the command itself.
    """
    keep = proxies or {}
    unset = [n for n in os.environ if n.lower() in _PROXY_VARIABLES and n not in keep]
    if not unset and not keep:
        return argv
    removed = (arg for name in unset for arg in ("-u", name))
    return ["env", *removed, *(f"{n}={v}" for n, v in keep.items()), *argv]


def _http_url(url: str) -> str:
    for ws_scheme, http_scheme in (("ws://", "http://"), ("wss://", "https://")):
        if url.startswith(ws_scheme):
            return http_scheme + url[len(ws_scheme) :]
    return url


def client_command(
    kind: str, url: str, family: int | None = None, flags: tuple[str, ...] = ()
) -> list[str]:
    """The argv that runs one client kind against ``url``.

    ``family`` (4 or 6) is passed to a Node client as ws's ``family`` option, to the
    Python client as ``family=socket.AF_INET`` / ``AF_INET6``. ``flags`` go to the
    runtime of a WHATWG client (Deno's ``--cert FILE``); other kinds take none.

    Raises:
        PeerError: the kind is unknown or its runtime is not installed.
    """
    if kind in WEB_CLIENTS:
        return _web_client_command(kind, url, family, flags)
    if flags:
        raise PeerError(f"client {kind} takes no runtime flags")
    if kind.startswith("node"):
        binary = node_binary(kind)
        if binary is None or not node_peers_installed():
            raise PeerError(f"client {kind} is not installed ({NODE_PEERS_MISSING})")
        argv = [str(binary), str(PEERS_DIR / "ws_client.js"), url]
        if kind == "node20-noauto":
            argv += ["--auto-select-family", "false"]
        elif kind == "node20-family4":
            argv += ["--family", "4"]
        elif kind not in {"node20", "node16", "node18", "node22", "node24"}:
            raise PeerError(f"unknown client kind {kind!r}; known: {', '.join(CLIENT_KINDS)}")
        if family is not None:
            argv += ["--family", str(family)]
        return argv
    if kind == "python":
        argv = [sys.executable, str(PEERS_DIR / "py_client.py"), url]
        return argv if family is None else [*argv, "--family", str(family)]
    if kind in _PY_LIB_CLIENTS and family is None:
        return [sys.executable, str(PEERS_DIR / "py_lib_client.py"), _PY_LIB_CLIENTS[kind], url]
    if family is not None:
        raise PeerError(f"client {kind} takes no family")
    if kind == "chromium":  # headless, addresses from its net log (chromium_client.py)
        return [sys.executable, str(PEERS_DIR / "chromium_client.py"), url]
    if kind == "curl":
        curl = shutil.which("curl")
        if curl is None:
            raise PeerError("curl is not installed")
        return [curl, "-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{remote_ip}",
                _http_url(url)]  # fmt: skip
    raise PeerError(f"unknown client kind {kind!r}; known: {', '.join(CLIENT_KINDS)}")


def _web_client_command(
    kind: str, url: str, family: int | None, flags: tuple[str, ...]
) -> list[str]:
    if family is not None:
        raise PeerError(f"client {kind} takes no family (the WHATWG WebSocket has none)")
    argv = web_peers.web_client_argv(PEERS_DIR, kind, url, node_binary(kind), flags)
    if argv is None:
        raise PeerError(f"client {kind} is not installed ({NODE_PEERS_MISSING})")
    return argv


def _strip_mapped(address: str | None) -> str | None:
    if not address:
        return None
    return address.removeprefix(_MAPPED_PREFIX)


def _parse_json_line(stdout: str, what: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.strip()]
    if len(lines) != 1:
        raise PeerError(f"{what} printed {len(lines)} lines instead of one: {stdout!r}")
    value = json.loads(lines[0])
    if not isinstance(value, dict):
        raise PeerError(f"{what} printed {lines[0]!r}, not a JSON object")
    return value


def _curl_result(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    # Exit 0 means curl got an HTTP response (any status: no --fail), so TCP connected.
    # 52 (empty reply) and 56 (receive failure) also happen only after a connect.
    # Source: curl(1) "EXIT CODES".
    raw: dict[str, Any] = {
        "returncode": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
    }
    # But 56 is also a CONNECT the proxy refused (lib/http_proxy.c): nothing connected.
    tunnel_refused = done.returncode == 56 and "CONNECT tunnel failed" in done.stderr
    if done.returncode in {0, 52, 56} and not tunnel_refused:
        return {"outcome": "connects", "address": _strip_mapped(done.stdout.strip()),
                "error": None, "raw": raw}  # fmt: skip
    lines = done.stderr.strip().splitlines()
    error = lines[0] if lines else f"curl exited with {done.returncode}"
    return {"outcome": "fails", "address": None, "error": error, "raw": raw}


def run_client(
    ns: Runner,
    kind: str,
    url: str,
    *,
    env: dict[str, str] | None = None,
    family: int | None = None,
    server: PeerServer | None = None,
    proxies: dict[str, str] | None = None,
    flags: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Run one real client once inside ``ns`` and report what happened.

    Args:
        ns: the namespace to run in (anything with ``Namespace.run``).
        kind: one of :data:`CLIENT_KINDS`.
        url: a ``ws://`` URL; curl gets the same URL with the ``http://`` scheme.
        env: more environment for the client (``WS_PEER_OPEN_TIMEOUT`` for Python).
        family: 4 or 6: the Node or Python client's ``family`` (curl takes none).
        server: the server it connects to; a client that exposes no address (the WHATWG
            ``WebSocket`` ones) gets the address from this server's log of the connection.
        proxies: the proxy variables the client runs with (``{"http_proxy": ...}``);
            every other proxy variable is removed (:func:`proxy_argv`).
        flags: runtime flags of a WHATWG client (:func:`client_command`).

    Returns:
        ``{"outcome", "address", "error", "raw"}`` as described in the module docstring.

    Raises:
        PeerError: the kind is unknown or not installed, or the peer printed garbage.
    """
    if kind in WEB_CLIENTS and server is not None:
        url = web_peers.tagged_url(url, kind)
    argv = client_command(kind, url, family, flags)
    env = {"WS_PEER_MAX_SECONDS": str(_CLIENT_GUARD_SECONDS), **(env or {})}
    try:
        done = ns.run(proxy_argv(argv, proxies), timeout=_CLIENT_TIMEOUT, check=False, env=env)
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "address": None,
                "error": f"no answer in {_CLIENT_TIMEOUT} s", "raw": {"argv": argv}}  # fmt: skip
    if kind == "curl":
        return _curl_result(done)
    if done.returncode != 0:
        raise PeerError(f"{kind} exited {done.returncode}: {done.stdout!r} {done.stderr!r}")
    raw = _parse_json_line(done.stdout, kind)
    if raw.get("outcome") not in {"connects", "fails", "timeout"}:
        raise PeerError(f"{kind} reported an unknown outcome: {raw!r}")
    address = _strip_mapped(raw.get("address"))
    if address is None and raw["outcome"] == "connects" and server is not None:
        address = server.peer_address(web_peers.url_path(url))
        raw["address_from"] = "server log"
    error = raw.get("error")
    if isinstance(error, str):
        error = web_peers.untagged(error)  # Bun names the URL: the one the user gave
    return {
        "outcome": raw["outcome"],
        "address": address,
        "error": error,
        "raw": raw,
    }


def _server_command(kind: str, port: int) -> list[str]:
    runtime, sep, host = kind.partition(":")
    if not sep or not host:
        raise PeerError(f"bad server kind {kind!r}; expected RUNTIME:HOST, e.g. node:0.0.0.0")
    if runtime == "node":
        node = node_binary("node20")
        if node is None or not node_peers_installed():
            raise PeerError(f"node server unavailable ({NODE_PEERS_MISSING})")
        return [str(node), str(PEERS_DIR / "ws_server.js"), host, str(port)]
    if runtime == "py":
        return [sys.executable, str(PEERS_DIR / "py_server.py"), host, str(port)]
    if runtime in {"http", "http11"}:
        # `python -m http.server` answers HTTP/1.0 by default; http11 adds `-p HTTP/1.1`.
        # It serves tests/peers, where no "subscribe" exists: every WebSocket path is a 404.
        argv = [sys.executable, "-u", "-m", "http.server", "--bind", host,
                "--directory", str(PEERS_DIR)]  # fmt: skip
        if runtime == "http11":
            argv += ["--protocol", "HTTP/1.1"]
        return [*argv, str(port)]
    raise PeerError(
        f"unknown server runtime {runtime!r} in {kind!r}; known: node, py, http, http11"
    )


def _first_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    """The first stdout line of ``process``, or None if none came within ``timeout``."""
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None
    reader = threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True)
    reader.start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


def start_server(ns: Runner, kind: str, port: int) -> PeerServer:
    """Start one server peer in ``ns`` and wait until it listens on ``port``.

    Args:
        ns: the namespace to run in (anything with ``Namespace.popen``).
        kind: one of :data:`SERVER_KINDS`, or ``http:HOST`` for a plain HTTP server.
        port: the TCP port to listen on.

    Returns:
        A handle; call ``stop()`` (or use it as a context manager) when done.

    Raises:
        PeerError: the server failed to listen or said nothing within the start timeout.
    """
    argv = _server_command(kind, port)
    # stderr goes to a file: nobody reads it while the server runs (Python servers log a
    # traceback for every non-WebSocket request, e.g. curl's), so a pipe could fill up.
    stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed by stop)
    process = ns.popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env={"WS_PEER_MAX_SECONDS": "900"},
    )
    handle = PeerServer(kind=kind, port=port, listening=None, process=process, stderr=stderr)
    line = _first_line(process, _SERVER_START_TIMEOUT)
    if not line:
        stop_process(process, sig=signal.SIGKILL)
        output = handle.error_output()
        handle.stop()
        raise PeerError(f"server {kind} did not report listening: {output!r}")
    if kind.startswith("http"):
        handle.listening = line.strip()
        return handle
    report = json.loads(line)
    if "listening" not in report:
        handle.stop()
        raise PeerError(f"server {kind} could not listen on port {port}: {report!r}")
    handle.listening = report["listening"]
    watch_peer_log(handle)
    return handle


def watch_peer_log(server: PeerServer) -> None:
    """Queue, from now on, every ``{"peer": ...}`` line ``server`` prints (for
    :meth:`PeerServer.peer_address`); :func:`start_server` does this itself."""
    threading.Thread(target=_read_peer_log, args=(server,), daemon=True).start()


def _read_peer_log(server: PeerServer) -> None:
    """Queue every ``{"peer": ...}`` line the server prints after it listens."""
    stdout = server.process.stdout
    assert stdout is not None
    try:
        for line in stdout:
            if line.startswith('{"peer"'):
                server.peer_log.put(json.loads(line))
    except (ValueError, OSError):  # closed by stop()
        return
