"""Headless Chromium opening one WebSocket, a real peer for tests/scenarios.

Usage: ``python chromium_client.py URL``. Starts Debian's ``chromium`` headless
(``--headless=new``; ``--no-sandbox`` as root) with ``--remote-debugging-pipe`` (the
DevTools protocol over file descriptors 3 and 4, NUL-terminated JSON) and
``--log-net-log=FILE``; on an ``about:blank`` page it runs ``new WebSocket(URL)`` and
waits for ``open`` or ``close``. Prints exactly one JSON line::

    {"outcome": "connects", "address": "127.0.0.1", "tried": [...], ...}
    {"outcome": "fails", "error": "Error in connection establishment:
     net::ERR_CONNECTION_REFUSED", "net_error": "net::ERR_CONNECTION_REFUSED",
     "console": "WebSocket connection to 'ws://…' failed: …", "tried": [...], ...}

How each field is learnt:

* ``console``: the error line Chromium writes to the page's console, from the
  DevTools ``Log.entryAdded`` event (source ``network``), verbatim.
* ``tried``: ``[{"address": "::1", "net_error": "ERR_CONNECTION_REFUSED" or null,
  "start_ms", "end_ms"}, ...]``: every ``TCP_CONNECT_ATTEMPT`` to the URL's port in the
  net log (its ``address`` parameter), the ``net_error`` of the socket's ``TCP_CONNECT``
  end event (null when it connected, or when it was still pending), and when each began
  and ended, in ms after the WebSocket's URL request began.
* ``address``: the address of the connect attempt that succeeded (net log).
* ``error``: the text after ``failed: `` in the console line, as a user reads it.
  ``net_error``: the ``net::`` name of the final ``net_error`` of the WebSocket's URL
  request (``REQUEST_ALIVE`` end event; names from the log's ``constants.netError``).
* ``elapsed_ms``: ``performance.now()`` in the page from ``new WebSocket`` to ``open``
  or ``close`` (browser start-up not included). ``upgraded``: the reason or target of an
  internal redirect of the request (HSTS turns ``ws://`` into ``wss://``), or null.

Bounded: the page gives up after ``WS_PEER_CHROMIUM_TIMEOUT`` seconds (default 20) and
reports ``"outcome": "timeout"``. The profile lives in a fresh temporary directory (its
certificate trust comes from the NSS database under ``$HOME/.pki/nssdb``: set ``HOME``
to choose one);
``WS_PEER_CHROMIUM_NET_LOG=PATH`` keeps a copy of the net log.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

__all__ = ["main"]

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--remote-debugging-pipe",
)
_PAGE_SCRIPT = """
new Promise((resolve) => {
  const started = performance.now();
  const done = (event, extra) => resolve(JSON.stringify(
      Object.assign({event: event, elapsed_ms: performance.now() - started}, extra)));
  let ws;
  try { ws = new WebSocket(%s); } catch (e) { done("throw", {message: String(e)}); return; }
  ws.onopen = () => { done("open", {}); ws.close(); };
  ws.onclose = (e) => done("close", {code: e.code, reason: e.reason});
  setTimeout(() => done("timeout", {}), %d);
})
"""


class _Pipe:
    """The DevTools protocol over Chromium's pipe: write to fd 3, read from fd 4."""

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self._out = to_browser
        self._in = from_browser
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, deadline: float, session: str | None = None,
             **params: Any) -> dict[str, Any]:  # fmt: skip
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._in, 65536)
            if not chunk:
                raise EOFError("chromium closed its pipe")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\0")
        value: dict[str, Any] = json.loads(line)
        return value


def _high(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


def _browser(work: Path) -> tuple[subprocess.Popen[bytes], _Pipe]:
    binary = os.environ.get("WS_PEER_CHROMIUM", "") or shutil.which("chromium")
    if not binary:
        raise FileNotFoundError("chromium is not installed")
    to_read, to_browser = os.pipe()  # chromium reads commands on fd 3
    from_browser, to_write = os.pipe()  # and writes replies on fd 4
    # Move chromium's ends above 9, so the shell's `3<&N` never closes what it just made.
    to_read, to_write = (_high(fd) for fd in (to_read, to_write))
    argv = [binary, *FLAGS, f"--user-data-dir={work / 'profile'}",
            f"--log-net-log={work / 'net.json'}", "about:blank"]  # fmt: skip

    # bash (dash takes no fd above 9) puts the pipe ends on fds 3 and 4, where --remote-debugging-pipe wants them.
    redirect = f'exec "$@" 3<&{to_read} 4>&{to_write} {to_read}<&- {to_write}>&-'
    process = subprocess.Popen(
        ["bash", "-c", redirect, "bash", *argv], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(to_read, to_write),
    )  # fmt: skip
    os.close(to_read)
    os.close(to_write)
    return process, _Pipe(to_browser, from_browser)


def _open_websocket(pipe: _Pipe, url: str, timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s + 15
    targets = pipe.call("Target.getTargets", deadline)["targetInfos"]
    page = next(t for t in targets if t["type"] == "page")
    session = pipe.call("Target.attachToTarget", deadline, targetId=page["targetId"],
                        flatten=True)["sessionId"]  # fmt: skip
    pipe.call("Log.enable", deadline, session)
    script = _PAGE_SCRIPT % (json.dumps(url), int(timeout_s * 1000))
    answer = pipe.call("Runtime.evaluate", deadline, session, expression=script,
                       awaitPromise=True, returnByValue=True)  # fmt: skip
    page_result: dict[str, Any] = json.loads(answer["result"]["value"])
    # Console lines may trail the close event by a moment.
    pipe.call("Runtime.evaluate", deadline, session, expression="0")
    return page_result


def _console(events: list[dict[str, Any]]) -> list[str]:
    return [
        str(e["params"]["entry"].get("text", ""))
        for e in events
        if e.get("method") == "Log.entryAdded"
    ]


def _net_log(path: Path, port: int) -> dict[str, Any]:
    """Tries, the final net error and any internal redirect, from the net log.

    Only the WebSocket's own traffic counts: TCP connects to ``port`` (the browser's
    background requests go to 80 and 443) and URL requests for ``ws://`` / ``wss://``.
    """
    text = path.read_text(encoding="utf-8", errors="replace").rstrip()
    if not text.endswith("}"):  # not closed (a crash): make the JSON whole
        text = text.rstrip(",") + "]}"
    log = json.loads(text)
    constants = log["constants"]
    types = {v: k for k, v in constants["logEventTypes"].items()}
    phases = {v: k for k, v in constants["logEventPhase"].items()}
    errors = {v: k for k, v in constants["netError"].items()}
    tried: dict[int, dict[str, Any]] = {}  # socket source id -> its one attempt
    requests: set[int] = set()
    started: float | None = None
    final_error: str | None = None
    upgraded: str | None = None
    for event in log["events"]:
        kind, phase = types.get(event["type"]), phases.get(event["phase"])
        params = event.get("params") or {}
        source, when = event["source"]["id"], float(event["time"])
        if kind == "REQUEST_ALIVE" and phase == "PHASE_BEGIN":
            if str(params.get("url", "")).startswith(("ws://", "wss://")):
                requests.add(source)
                started = when if started is None else started
        elif kind == "TCP_CONNECT_ATTEMPT" and phase == "PHASE_BEGIN":
            host, _, number = str(params.get("address", "")).rpartition(":")
            if number.isdigit() and int(number) == port:
                tried[source] = {"address": host.strip("[]"), "net_error": None,
                                 "start_ms": when, "end_ms": None}  # fmt: skip
        elif kind == "TCP_CONNECT" and phase == "PHASE_END" and source in tried:
            code = params.get("net_error")
            tried[source]["net_error"] = None if code is None else errors.get(code, code)
            tried[source]["end_ms"] = when
        elif source in requests and kind == "URL_REQUEST_REDIRECT_JOB":
            upgraded = str(params.get("reason", "redirect"))
        elif source in requests and kind == "URL_REQUEST_REDIRECTED":
            upgraded = str(params.get("location"))
        elif source in requests and kind == "REQUEST_ALIVE" and phase == "PHASE_END":
            code = params.get("net_error")
            final_error = None if code is None else errors.get(code, str(code))
    attempts = list(tried.values())
    for attempt in attempts:  # times from the WebSocket request's start
        for key in ("start_ms", "end_ms"):
            if attempt[key] is not None and started is not None:
                attempt[key] -= started
    connected = [t for t in attempts if t["net_error"] is None and t["end_ms"] is not None]
    return {
        "tried": attempts,
        "address": connected[-1]["address"] if connected else None,
        "net_error": final_error,
        "upgraded": upgraded,
    }


def _report(page: dict[str, Any], console: list[str], net: dict[str, Any]) -> dict[str, Any]:
    failed = [line for line in console if line.startswith("WebSocket connection to ")]
    base = {"elapsed_ms": page.get("elapsed_ms"), "tried": net["tried"],
            "upgraded": net["upgraded"], "console_all": console}  # fmt: skip
    if page["event"] == "open":
        return {"outcome": "connects", "address": net["address"], **base}
    if page["event"] == "timeout":
        return {"outcome": "timeout", "error": None, **base}
    line = failed[-1] if failed else None
    error = line.partition("failed: ")[2] if line else None
    net_error = f"net::{net['net_error']}" if net["net_error"] else None
    return {"outcome": "fails", "error": error or net_error, "net_error": net_error,
            "console": line, "code": page.get("code"), "address": None, **base}  # fmt: skip


def _port(url: str) -> int:
    parts = urllib.parse.urlsplit(url)
    return parts.port or (443 if parts.scheme == "wss" else 80)


def run(url: str) -> dict[str, Any]:
    timeout_s = float(os.environ.get("WS_PEER_CHROMIUM_TIMEOUT", "20"))
    with tempfile.TemporaryDirectory(prefix="wsx-chromium-") as tmp:
        work = Path(tmp)
        process, pipe = _browser(work)
        try:
            page = _open_websocket(pipe, url, timeout_s)
            with contextlib.suppress(EOFError, TimeoutError):
                pipe.call("Browser.close", time.monotonic() + 10)
            process.wait(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        keep = os.environ.get("WS_PEER_CHROMIUM_NET_LOG")
        if keep:
            shutil.copyfile(work / "net.json", keep)
        net = _net_log(work / "net.json", _port(url))
        return _report(page, _console(pipe.events), net)


def main(argv: list[str]) -> int:
    """Open one WebSocket in headless Chromium; return the process exit status."""
    if len(argv) != 1:
        print("usage: chromium_client.py URL", file=sys.stderr)
        return 2
    print(json.dumps(run(argv[0])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
