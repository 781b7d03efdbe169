"""Real clients run with their timing, compared with ``wsexplorer diagnose --json``.

Shared by the scenarios beyond localhost (test_unreachable.py, test_paths.py). A real
client's time is measured inside it, from its connect call to the outcome (so it includes
the name lookup and, for a connect, the opening handshake); curl's is its
``time_connect`` or the ``after N ms`` of its error. It agrees with the predicted
``time_s`` within :data:`TOLERANCE_S` + :data:`TOLERANCE_RATIO` of it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from tests.scenarios import peers
from tests.scenarios.netns import Namespace
from tests.support import wsx_argv, wsx_env

__all__ = [
    "CLIENTS",
    "CURL_AFTER",
    "TOLERANCE_RATIO",
    "TOLERANCE_S",
    "diagnose_json",
    "mismatches",
    "run_curl",
    "run_timed",
    "within",
]

CLIENTS: dict[str, str] = {  # real client kind -> the catalogue id that predicts it
    "node16": "node-16",
    "node18": "node-17-19",
    "node20": "node-20",
    "python": "python-websockets",
    "curl": "curl",
}

TOLERANCE_S = 0.3
TOLERANCE_RATIO = 0.10
CURL_AFTER = re.compile(r" after (\d+) ms: ")


def within(real_s: float, predicted_s: float) -> bool:
    """The real time agrees with the predicted one (see the module docstring)."""
    return abs(real_s - predicted_s) <= TOLERANCE_S + TOLERANCE_RATIO * predicted_s


def run_curl(ns: Namespace, url: str) -> dict[str, Any]:
    """curl as users run it (no --max-time): connects or fails, and when."""
    http = url.replace("ws://", "http://", 1)
    argv = ["curl", "-sS", "-o", "/dev/null", "-w", "%{remote_ip} %{time_connect}", http]
    done = ns.run(argv, timeout=60)
    if done.returncode in {0, 52, 56}:  # an HTTP answer, or one after the connect
        address, seconds = done.stdout.split()
        return {"outcome": "connects", "address": address, "error": None,
                "seconds": float(seconds)}  # fmt: skip
    error = done.stderr.strip().splitlines()[0]
    after = CURL_AFTER.search(error)
    seconds = int(after.group(1)) / 1000 if after else None
    return {"outcome": "fails", "address": None, "error": error, "seconds": seconds}


def run_timed(
    ns: Namespace,
    kind: str,
    url: str,
    env: dict[str, str] | None = None,
    server: peers.PeerServer | None = None,
) -> dict[str, Any]:
    """One real client (a :data:`peers.CLIENT_KINDS` kind or ``curl``) with its time;
    ``env`` goes to the peer (``WS_PEER_HAPPY_EYEBALLS_DELAY``, ``WS_PEER_ATTEMPT_TIMEOUT``);
    ``server``'s log gives the address of a client that exposes none (the WHATWG ones)."""
    if kind == "curl":
        return run_curl(ns, url)
    # websockets' own open_timeout (10 s), the value the model assumes.
    extra = {"WS_PEER_OPEN_TIMEOUT": "10", **(env or {})}
    real = peers.run_client(ns, kind, url, env=extra, server=server)
    return {**real, "seconds": real["raw"]["elapsed_ms"] / 1000}


def diagnose_json(ns: Namespace, url: str, timeout: str, *, dns: bool = False) -> dict[str, Any]:
    """``wsexplorer diagnose URL --json`` in ``ns`` (``--no-dns`` unless ``dns``)."""
    argv = wsx_argv("diagnose", url, "--json", "--timeout", timeout)
    if not dns:
        argv.append("--no-dns")
    done = ns.run(argv, timeout=60, env=wsx_env())
    assert done.returncode in (0, 1), done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def mismatches(real: dict[str, Any], predicted: dict[str, Any]) -> list[str]:
    """What differs between a real run and a prediction: outcome, address, error text
    (curl's ``after N ms`` compared as a time), time, a confidence short of checked."""
    found = []
    if real["outcome"] != predicted["outcome"]:
        return ["outcome"]
    if real["outcome"] == "connects" and real["address"] != predicted["address"]:
        found.append("address")
    mask: Callable[[str | None], str | None] = lambda e: (  # noqa: E731
        None if e is None else CURL_AFTER.sub(" after N ms: ", e)
    )
    if real["outcome"] == "fails" and mask(real["error"]) != mask(predicted["error"]):
        found.append("error")
    if predicted["time_s"] is None or real["seconds"] is None:
        found.append("time unknown")
    elif not within(real["seconds"], predicted["time_s"]):
        found.append("time")
    if predicted["confidence"] != "checked":
        found.append("confidence")
    return found
