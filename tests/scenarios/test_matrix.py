"""Real clients against real servers, compared with ``wsexplorer diagnose`` predictions.

For each hosts file (Debian order with a ``::1 localhost`` line, and IPv4 only) one network
namespace is created; in it every server kind runs in turn on port 8080 and every client
kind connects to ``ws://localhost:8080/subscribe``. While the server runs,
``wsexplorer diagnose --json`` runs in the same namespace, and its per-client predictions
are compared with what the real clients did.

``test_real_outcomes_table`` needs no ``wsexplorer`` at all: it checks the measured facts
of docs/clients.md ("checked") directly. ``test_predictions_match_real_clients`` fails with
the whole matrix printed as a table when any prediction differs from reality.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from tests.scenarios import peers, tables
from tests.scenarios.netns import (
    DEBIAN_HOSTS,
    IPV4_ONLY_HOSTS,
    Namespace,
    NamespaceUnavailable,
    netns_unavailable_reason,
)
from tests.support import wsx_argv, wsx_env

__all__: list[str] = []

pytestmark = [
    pytest.mark.needs_root,
    pytest.mark.needs_netns,
    pytest.mark.needs_node,
    pytest.mark.needs_curl,
]

PORT = 8080
URL = f"ws://localhost:{PORT}/subscribe"
HOSTS_FILES: dict[str, str] = {"debian": DEBIAN_HOSTS, "ipv4-only": IPV4_ONLY_HOSTS}

# Real client kind -> the client catalogue id whose prediction describes it (docs/json.md
# "client ids"). Node 18 keeps autoSelectFamily false, like 17 and 19 (docs/clients.md#node-17-19).
CATALOGUE_IDS: dict[str, str] = {
    "node20": "node-20",
    "node20-noauto": "node-17-19",
    "node16": "node-16",
    "node18": "node-17-19",
    "python": "python-websockets",
    "python-aiohttp": "python-aiohttp",
    "python-websocket-client": "python-websocket-client",
    # websockets' sync client: the asyncio client's outcomes, its own wording
    # (docs/clients.md#python-websockets-sync; test_setups_python.py checks the text).
    "python-sync": "python-websockets",
    "curl": "curl",
    # Node 22/24 ws are node-20 clients; the WHATWG WebSocket clients have their own ids.
    "node22": "node-20",
    "node24": "node-20",
    "node22-builtin": "node-websocket",
    "node24-builtin": "node-websocket-24",
    "bun": "bun",
    "deno": "deno",
}
# node20 with { family: 4 } is what the "client-family-4" fix predicts for node-20.
FAMILY4_CLIENT = "node20-family4"
FAMILY4_FIX = "client-family-4"
NODE_CLIENTS = frozenset({"node20", "node20-noauto", "node20-family4", "node16", "node18"})
# Clients whose error text is compared verbatim when they fail.
ERROR_CLIENTS = (
    NODE_CLIENTS
    | {"node22", "node24", *peers.WEB_CLIENTS}
    | {
        "python-aiohttp",
        "python-websocket-client",
    }
)
PARALLEL_CLIENTS = 4
TABLE_HEADERS = ["server", "hosts", "client", "real", "predicted", "match"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _diagnose_available() -> bool:
    """True when ``wsexplorer diagnose --help`` exits 0."""
    try:
        done = subprocess.run(
            wsx_argv("diagnose", "--help"),
            capture_output=True,
            text=True,
            timeout=60,
            env=wsx_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@dataclass
class Cell:
    """One (server, hosts file, client) measurement and its prediction."""

    server: str
    hosts: str
    client: str
    real: dict[str, Any]
    predicted: dict[str, Any] | None = None
    prediction_problem: str | None = None

    def mismatches(self) -> list[str]:
        """What differs between prediction and reality; empty when they agree."""
        if self.predicted is None:
            return [self.prediction_problem or "no prediction"]
        found: list[str] = []
        if self.predicted.get("outcome") != self.real["outcome"]:
            found.append("outcome")
        elif self.real["outcome"] == "fails" and self.client in ERROR_CLIENTS:
            # The fix's `after` entries may carry only an outcome: compare what is given.
            if "error" in self.predicted and _text(self.predicted["error"]) != _text(
                self.real["error"]
            ):
                found.append("error")
        elif self.real["outcome"] == "connects" and self.client != "curl":
            predicted_address = self.predicted.get("address")
            if predicted_address and predicted_address != self.real["address"]:
                found.append("address")
        return found

    def row(self) -> list[str]:
        """The table row for this cell (a diagnose failure is listed under the table)."""
        problems = self.mismatches()
        predicted = tables.describe_result(self.predicted)
        if self.predicted is None and self.prediction_problem:
            predicted, problems = "(diagnose failed)", ["no prediction"]
        match = "yes" if not problems else "NO (" + ", ".join(problems) + ")"
        return [
            self.server,
            self.hosts,
            self.client,
            tables.describe_result(self.real),
            predicted,
            match,
        ]


@dataclass
class Matrix:
    """Everything one run measured."""

    cells: list[Cell]
    orders: dict[str, list[str]]  # hosts name -> getaddrinfo("localhost", flags=0) order
    predicted: bool  # whether `wsexplorer diagnose` ran for every server

    def cell(self, server: str, hosts: str, client: str) -> Cell:
        """The cell for one combination (KeyError-like AssertionError when it is absent)."""
        for cell in self.cells:
            if (cell.server, cell.hosts, cell.client) == (server, hosts, client):
                return cell
        raise AssertionError(f"no measurement for {server} / {hosts} / {client}")

    def table(self) -> str:
        """The whole matrix as an aligned text table, then each diagnose failure once."""
        table = tables.format_table(TABLE_HEADERS, [c.row() for c in self.cells])
        failures = dict.fromkeys(
            f"diagnose failed for {c.server} / {c.hosts}: {c.prediction_problem}"
            for c in self.cells
            if c.predicted is None and c.prediction_problem
        )
        return "\n".join([table, *failures])


def _text(value: Any) -> str | None:
    return None if value is None else str(value).rstrip()


def _entry(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: raw[k] for k in ("outcome", "address", "error") if k in raw}


def _predictions(diagnosis: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Prediction per real client kind, from one ``diagnose --json`` document."""
    by_id = {c.get("id"): c for c in diagnosis.get("clients", [])}
    result: dict[str, dict[str, Any] | None] = {}
    for kind, catalogue_id in CATALOGUE_IDS.items():
        entry = by_id.get(catalogue_id)
        result[kind] = _entry(entry) if entry else None
    fix = next((f for f in diagnosis.get("fixes", []) if f.get("id") == FAMILY4_FIX), None)
    after = next((a for a in (fix or {}).get("after", []) if a.get("id") == "node-20"), None)
    result[FAMILY4_CLIENT] = _entry(after) if after else None
    return result


def _run_diagnose(ns: Namespace, *extra: str) -> tuple[dict[str, Any] | None, str | None]:
    """``wsexplorer diagnose URL --json EXTRA`` in ``ns``: (the document, problem)."""
    argv = wsx_argv("diagnose", URL, "--json", *extra)
    try:
        done = ns.run(argv, timeout=60, check=False, env=wsx_env())
    except subprocess.TimeoutExpired:
        return None, "diagnose timed out"
    stderr = done.stderr.strip().splitlines()
    last_words = stderr[-1] if stderr else "(nothing on stderr)"
    if done.returncode not in (0, 1):
        return None, f"exit status {done.returncode}, stderr: {last_words}"
    try:
        return json.loads(done.stdout), None
    except json.JSONDecodeError as exc:
        return None, f"exit status {done.returncode}, no JSON ({exc}), stderr: {last_words}"


def _diagnose(ns: Namespace) -> tuple[dict[str, dict[str, Any] | None] | None, str | None]:
    """Run ``wsexplorer diagnose URL --json`` in ``ns``: (predictions, problem).

    Node 20 with ``{family: 4}`` is predicted by the ``client-family-4`` fix's ``after``;
    where the engine lists no fix (every client connects, or nothing listens) by the same
    engine with the family forced (``--family 4``)."""
    document, problem = _run_diagnose(ns)
    if document is None:
        return None, problem
    predictions = _predictions(document)
    if predictions[FAMILY4_CLIENT] is None:
        forced, problem = _run_diagnose(ns, "--family", "4")
        if forced is None:
            return None, problem
        node20 = next(c for c in forced["clients"] if c.get("id") == "node-20")
        predictions[FAMILY4_CLIENT] = _entry(node20)
    return predictions, None


def _localhost_order(ns: Namespace) -> list[str]:
    probe = (
        "import socket\n"
        "print(' '.join(a[4][0] for a in socket.getaddrinfo("
        "'localhost', 8080, type=socket.SOCK_STREAM)))"
    )
    done = ns.run([sys.executable, "-c", probe], timeout=30, check=True)
    return done.stdout.split()


def _require_tools() -> None:
    reason = netns_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    if shutil.which("node") is None:
        pytest.skip("needs node on PATH")
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    if shutil.which("curl") is None:
        pytest.skip("needs curl")


def _measure(with_predictions: bool) -> Matrix:
    clients = peers.available_clients()
    cells: list[Cell] = []
    orders: dict[str, list[str]] = {}
    for hosts_name, hosts in HOSTS_FILES.items():
        with Namespace.create(hosts=hosts, ipv6=True) as ns:
            orders[hosts_name] = _localhost_order(ns)
            for server in peers.SERVER_KINDS:
                with peers.start_server(ns, server, PORT) as handle:
                    # Loopback refusals are immediate and no time is compared: the
                    # clients of one cell run a few at a time.
                    with ThreadPoolExecutor(PARALLEL_CLIENTS) as pool:
                        reals = pool.map(
                            lambda c, h=handle: peers.run_client(ns, c, URL, server=h), clients
                        )
                        row = [
                            Cell(server, hosts_name, client, real)
                            for client, real in zip(clients, reals, strict=True)
                        ]
                    if with_predictions:
                        predictions, problem = _diagnose(ns)
                        for cell in row:
                            if predictions is None:
                                cell.prediction_problem = problem
                            else:
                                cell.predicted = predictions.get(cell.client)
                cells.extend(row)
    return Matrix(cells=cells, orders=orders, predicted=with_predictions)


@pytest.fixture(scope="module")
def matrix() -> Iterator[Matrix]:
    """Measure every (hosts, server, client) cell once per module, with predictions when
    ``wsexplorer diagnose`` is available."""
    _require_tools()
    try:
        measured = _measure(with_predictions=_diagnose_available())
    except NamespaceUnavailable as exc:
        pytest.skip(str(exc))
    yield measured


def test_real_outcomes_table(matrix: Matrix) -> None:
    """The measured facts behind the catalogue (docs/clients.md, "checked") hold here."""
    print(matrix.table())
    # The premise: the Debian hosts file puts ::1 first (glibc RFC 3484 sorting,
    # docs/clients.md#resolver-sorting), the IPv4-only one yields 127.0.0.1 alone.
    assert matrix.orders["debian"][:1] == ["::1"], matrix.orders
    assert "127.0.0.1" in matrix.orders["debian"], matrix.orders
    assert matrix.orders["ipv4-only"] == ["127.0.0.1"], matrix.orders

    # Loopback refusals are immediate: nothing may hang until a guard fires.
    hung = [c.row() for c in matrix.cells if c.real["outcome"] not in ("connects", "fails")]
    assert not hung, tables.format_table(TABLE_HEADERS, hung)

    def real(client: str) -> dict[str, Any]:
        return matrix.cell("node:0.0.0.0", "debian", client).real

    # Node 20 default: Happy Eyeballs tries ::1, is refused, falls back (PR #46790).
    assert (real("node20")["outcome"], real("node20")["address"]) == ("connects", "127.0.0.1")
    assert real("node20")["raw"].get("tried") == ["::1:8080", "127.0.0.1:8080"]
    # autoSelectFamily: false tries only the first (verbatim) address (PR #39987).
    assert real("node20-noauto")["outcome"] == "fails"
    assert real("node20-noauto")["error"] == "connect ECONNREFUSED ::1:8080"
    # { family: 4 } asks for IPv4 only.
    assert (real("node20-family4")["outcome"], real("node20-family4")["address"]) == (
        "connects",
        "127.0.0.1",
    )
    # asyncio tries every address in order, sequentially.
    assert (real("python")["outcome"], real("python")["address"]) == ("connects", "127.0.0.1")
    # curl resolves localhost itself and uses Happy Eyeballs.
    assert real("curl")["outcome"] == "connects"
    if "node16" in peers.available_clients():
        # Node 16 sorts IPv4 first (dns `ipv4first` until v17, PR #39987).
        assert (real("node16")["outcome"], real("node16")["address"]) == (
            "connects",
            "127.0.0.1",
        )
    if "node18" in peers.available_clients():
        # Node 18 keeps autoSelectFamily false: same failure as 17-19.
        assert real("node18")["outcome"] == "fails"
        assert real("node18")["error"] == "connect ECONNREFUSED ::1:8080"

    # With only 127.0.0.1 for localhost, every client reaches an IPv4 listener.
    for client in peers.available_clients():
        cell = matrix.cell("node:0.0.0.0", "ipv4-only", client)
        assert cell.real["outcome"] == "connects", cell.row()


def test_predictions_match_real_clients(matrix: Matrix) -> None:
    """Every prediction of ``wsexplorer diagnose`` matches what the real client did."""
    if not matrix.predicted:
        if not _in_ci():
            pytest.skip("`wsexplorer diagnose --help` fails: no predictions to compare")
        pytest.fail("CI=true but `wsexplorer diagnose --help` fails")
    problems = [c for c in matrix.cells if c.mismatches()]
    if problems:
        pytest.fail(
            f"{len(problems)} of {len(matrix.cells)} predictions differ from the real "
            f"clients:\n{matrix.table()}",
            pytrace=False,
        )
