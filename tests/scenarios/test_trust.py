"""Whose certificate store trusts a wss:// server, against the real clients.

One namespace whose ``/etc/ssl`` is its own (``ip netns exec`` bind-mounts
``/etc/netns/NAME/ssl`` over ``/etc/ssl``): the machine's store with a private CA added
to ``certs/ca-certificates.crt`` and linked by its hash in ``certs/``, as
``update-ca-certificates`` does. The test
environment's CA variables (``NODE_EXTRA_CA_CERTS``, ``SSL_CERT_FILE``...) are removed,
and ``HOME`` is an empty directory (no NSS database). A Python websockets TLS server on
``127.0.0.1:8443`` serves, per cell, a certificate signed by that CA for ``localhost``,
one for another name, an expired one, or a self-signed one (not in the store).

For every cell each real client runs once (Node 16, 18, 20, 22 and 24 with ``ws``, Node
22 and 24's built-in WebSocket, Bun, Deno, Python websockets, aiohttp and
websocket-client, curl; headless Chromium in its own cells, with and without the CA in
its NSS database) and must agree with
``wsexplorer diagnose --json`` run in the same namespace and environment: outcome and
error text verbatim. The ``--cacert`` and ``-k`` tests then run each client with its own
option for the same (the trust fixes' flags) and compare with the fixes' predictions.
A second namespace holds the CA only as a loose file in ``/etc/ssl/certs`` (no hash link,
not in the bundle: copied there without ``update-ca-certificates``), for the clients that
read every file there (``--use-system-ca``, ``NODE_USE_SYSTEM_CA=1``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios import peers
from tests.scenarios.fixtures import require_netns
from tests.scenarios.netns import IPV4_ONLY_HOSTS, Namespace
from tests.support import stop_process, wsx_argv, wsx_env

pytestmark = [
    pytest.mark.needs_root,
    pytest.mark.needs_netns,
    pytest.mark.needs_node,
    pytest.mark.needs_curl,
]

DATA = Path(__file__).resolve().parents[1] / "data"
URL = "wss://localhost:8443/"
CA_VARIABLES = (
    "NODE_EXTRA_CA_CERTS",
    "NODE_OPTIONS",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "CURL_CA_BUNDLE",
    "REQUESTS_CA_BUNDLE",
    "NODE_USE_SYSTEM_CA",
    "NODE_TLS_REJECT_UNAUTHORIZED",
    "DENO_CERT",
    "DENO_TLS_CA_STORE",
)
CLIENT_IDS = {"node16": "node-16", "node18": "node-17-19", "node20": "node-20",
              "node22": "node-20", "node24": "node-20",  # node-20 covers Node 20 to 24
              "node22-builtin": "node-websocket", "node24-builtin": "node-websocket-24",
              "bun": "bun", "deno": "deno", "python": "python-websockets",
              "python-aiohttp": "python-aiohttp",
              "python-websocket-client": "python-websocket-client",
              "curl": "curl", "chromium": "chrome"}  # fmt: skip
SERVER = textwrap.dedent(
    """
    import asyncio, ssl, sys
    from websockets.asyncio.server import serve

    async def main():
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[1], sys.argv[2])
        async with serve(lambda ws: ws.wait_closed(), "127.0.0.1", 8443, ssl=ctx):
            print("listening", flush=True)
            await asyncio.sleep(300)

    asyncio.run(main())
    """
)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@dataclass(frozen=True)
class Certs:
    """The private CA and the server certificates of the cells (``name``: cert, key)."""

    ca: Path
    pairs: dict[str, tuple[Path, Path]]


def _make_certs(work: Path) -> Certs:
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout",
             "ca.key", "-out", "ca.pem", "-subj", "/CN=wsexplorer trust test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign", cwd=work)  # fmt: skip
    pairs: dict[str, tuple[Path, Path]] = {}
    for name, san, days in (
        ("good", "DNS:localhost,IP:127.0.0.1", "2"),
        ("other", "DNS:other.test", "2"),
        ("expired", "DNS:localhost,IP:127.0.0.1", "-1"),
    ):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                 "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=work)  # fmt: skip
        (work / f"{name}.ext").write_text(f"subjectAltName={san}\n")
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", days,
                 "-extfile", f"{name}.ext", cwd=work)  # fmt: skip
        pairs[name] = (work / f"{name}.pem", work / f"{name}.key")
    pairs["selfsigned"] = (DATA / "selfsigned-cert.pem", DATA / "selfsigned-key.pem")
    return Certs(work / "ca.pem", pairs)


class CleanEnv:
    """A :class:`~tests.scenarios.netns.Namespace` whose commands run without the
    test environment's CA variables and with ``HOME`` set to an empty directory."""

    def __init__(self, ns: Namespace, home: Path) -> None:
        self.ns = ns
        self.home = home

    def _argv(self, argv: list[str], env: dict[str, str] | None) -> list[str]:
        unset = [a for v in CA_VARIABLES if v not in (env or {}) for a in ("-u", v)]
        return ["env", *unset, f"HOME={self.home}", *argv]

    def run(self, argv: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        return self.ns.run(self._argv(argv, kw.get("env")), **kw)

    def popen(self, argv: list[str], **kw: Any) -> subprocess.Popen[str]:
        return self.ns.popen(self._argv(argv, kw.get("env")), **kw)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return _make_certs(tmp_path_factory.mktemp("trust"))


def _nss_home(home: Path, ca: Path) -> None:
    """``HOME/.pki/nssdb`` trusting ``ca`` for TLS servers, as a user's ``certutil -A``."""
    certutil = shutil.which("certutil")
    if certutil is None:
        pytest.skip("certutil is missing (Debian libnss3-tools; scripts/test.sh installs it)")
    db = home / ".pki" / "nssdb"
    db.mkdir(parents=True)
    for argv in (["-N", "--empty-password"], ["-A", "-t", "C,,", "-n", "test CA", "-i", str(ca)]):
        subprocess.run([certutil, *argv, "-d", f"sql:{db}"], check=True, capture_output=True)


@pytest.fixture(scope="module")
def trust_ns(certs: Certs, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Namespace]:
    require_netns()
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    ns = Namespace.create(hosts=IPV4_ONLY_HOSTS)
    try:
        ssl_dir = ns.etc_dir / "ssl"
        shutil.copytree("/etc/ssl", ssl_dir, symlinks=True)
        bundle = ssl_dir / "certs" / "ca-certificates.crt"
        system = Path("/etc/ssl/certs/ca-certificates.crt").read_text()
        bundle.unlink()
        bundle.write_text(system + certs.ca.read_text())
        # update-ca-certificates also links the CA by its subject hash in certs/: what
        # readers of the directory (Node's --use-openssl-ca) find.
        (ssl_dir / "certs" / "wsx-test-ca.pem").write_text(certs.ca.read_text())
        digest = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", str(certs.ca)],
                                capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        (ssl_dir / "certs" / f"{digest}.0").symlink_to("wsx-test-ca.pem")
        yield ns
    finally:
        ns.delete()


@pytest.fixture(scope="module")
def plain(trust_ns: Namespace, tmp_path_factory: pytest.TempPathFactory) -> CleanEnv:
    """The namespace with an empty ``HOME``: no NSS database."""
    return CleanEnv(trust_ns, tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def nss(trust_ns: Namespace, certs: Certs, tmp_path_factory: pytest.TempPathFactory) -> CleanEnv:
    """The namespace with a ``HOME`` whose NSS database trusts the private CA."""
    home = tmp_path_factory.mktemp("nsshome")
    _nss_home(home, certs.ca)
    return CleanEnv(trust_ns, home)


def _serve(env: CleanEnv, cert: tuple[Path, Path]) -> subprocess.Popen[str]:
    proc = env.popen([sys.executable, "-c", SERVER, str(cert[0]), str(cert[1])],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "listening"
    return proc


KINDS = ["node16", "node18", "node20", "node22", "node24", "node22-builtin", "node24-builtin",
         "bun", "deno", "python", "python-aiohttp", "python-websocket-client", "curl"]  # fmt: skip


def _diagnose(env: CleanEnv, extra: dict[str, str], *args: str, url: str = URL) -> dict[str, Any]:
    mine = {k: v for k, v in wsx_env().items() if k in ("PYTHONPATH", "NO_COLOR")}
    done = env.run(wsx_argv("diagnose", url, "--json", *args),
                   env={**mine, **extra}, timeout=90)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    value: dict[str, Any] = json.loads(done.stdout)
    return value


def _compare(env: CleanEnv, cert: str, certs: Certs, extra: dict[str, str], *args: str,
             kinds: list[str] = KINDS, url: str = URL,
             ) -> tuple[dict[str, Any], list[tuple[str, ...]]]:  # fmt: skip
    server = _serve(env, certs.pairs[cert])
    try:
        d = _diagnose(env, extra, *args, url=url)
        predicted = {c["id"]: c for c in d["clients"]}
        rows = []
        for kind in kinds:
            real = peers.run_client(env, kind, url, env=dict(extra))
            p = predicted[CLIENT_IDS[kind]]
            rows.append((kind, real["outcome"], real["error"], p["outcome"], p["error"]))
        rows = _node24(d, rows)
    finally:
        stop_process(server)
        if server.stdout is not None:
            server.stdout.close()
    return d, rows


def _node24(d: dict[str, Any], rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Node 24 appends a hint to the issuer errors; the node-20 prediction (Node 20 to 24)
    says in its ``why`` what Node 24 prints then: compare Node 24 with that text."""
    why = next(c["why"] for c in d["clients"] if c["id"] == "node-20")
    out = []
    for kind, outcome, error, p_outcome, p_error in rows:
        if kind == "node24" and error and error != p_error:
            said = f"Node 24 prints '{error}'" in why
            p_error = error if said else p_error
        out.append((kind, outcome, error, p_outcome, p_error))
    return out


def _agree(rows: list[tuple[str, ...]]) -> None:
    for r in rows:  # shown with -s: the cells, real | predicted
        print(" | ".join(map(str, r)))
    bad = [r for r in rows if (r[1], r[2]) != (r[3], r[4])]
    assert not bad, "\n".join(" | ".join(map(str, r)) for r in rows)


CELLS = {
    # cell: (certificate, environment for clients and diagnose, diagnose flags)
    "system-store-only": ("good", {}, ()),
    "node-extra-ca-certs": ("good", {"NODE_EXTRA_CA_CERTS": "CA"}, ()),
    "name-mismatch": ("other", {"NODE_EXTRA_CA_CERTS": "CA"}, ()),
    "expired": ("expired", {"NODE_EXTRA_CA_CERTS": "CA"}, ()),
    "self-signed": ("selfsigned", {}, ()),
    "node-use-openssl-ca": ("good", {"NODE_OPTIONS": "--use-openssl-ca"}, ()),
    "deno-system-store": ("good", {"DENO_TLS_CA_STORE": "system"}, ()),
    "ssl-cert-file": ("selfsigned", {"SSL_CERT_FILE": "SELF"}, ()),
    "expired-system-store-only": ("expired", {}, ()),
}
# Node 16 to 20 refuse to start with --use-system-ca, and node-20 (Node 20 to 24 with ws)
# stays unknown under it: these cells run the clients that read it or ignore it.
SYSTEM_CA_KINDS = ["node22-builtin", "node24-builtin", "bun", "deno", "python", "curl"]
SYSTEM_CA_CELLS = {
    "node-use-system-ca": {"NODE_OPTIONS": "--use-system-ca"},
    "node-use-system-ca-variable": {"NODE_USE_SYSTEM_CA": "1"},
}


@pytest.mark.parametrize("cell", list(CELLS))
def test_trust_cell_real_vs_predicted(cell: str, plain: CleanEnv, certs: Certs) -> None:
    cert, extra, args = CELLS[cell]
    files = {"CA": str(certs.ca), "SELF": str(certs.pairs["selfsigned"][0])}
    extra = {k: files.get(v, v) for k, v in extra.items()}
    d, rows = _compare(plain, cert, certs, extra, *args)
    _agree(rows)
    assert d["tls"] is not None and d["tls"]["error"] is None
    outcomes = {r[0]: r[1] for r in rows}
    if cell == "system-store-only":
        assert outcomes["python"] == outcomes["curl"] == outcomes["bun"] == "connects"
        assert {outcomes[k] for k in ("node16", "node18", "node20", "deno")} == {"fails"}
    if cell == "deno-system-store":
        assert outcomes["deno"] == "connects"


@pytest.mark.parametrize("cell", list(SYSTEM_CA_CELLS))
def test_trust_system_ca_real_vs_predicted(cell: str, plain: CleanEnv, certs: Certs) -> None:
    """Node 22.15+ and 24 add the system store with --use-system-ca or
    NODE_USE_SYSTEM_CA=1: their built-in WebSocket connects, as predicted."""
    _, rows = _compare(plain, "good", certs, SYSTEM_CA_CELLS[cell], kinds=SYSTEM_CA_KINDS)
    _agree(rows)
    outcomes = {r[0]: r[1] for r in rows}
    assert outcomes["node22-builtin"] == outcomes["node24-builtin"] == "connects"


def test_trust_ip_literal_mismatch(plain: CleanEnv, certs: Certs) -> None:
    """An IP literal the certificate does not name: each client's words for an address."""
    extra = {"NODE_EXTRA_CA_CERTS": str(certs.ca)}
    _, rows = _compare(plain, "other", certs, extra, url="wss://127.0.0.1:8443/")
    _agree(rows)
    assert {r[1] for r in rows} == {"fails"}


@pytest.fixture(scope="module")
def loose(certs: Certs, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CleanEnv]:
    """A namespace whose ``/etc/ssl/certs`` holds the CA as a file only: not in the bundle,
    not linked by its hash (copied there without ``update-ca-certificates``)."""
    require_netns()
    if not peers.node_peers_installed():
        pytest.skip(peers.NODE_PEERS_MISSING)
    ns = Namespace.create(hosts=IPV4_ONLY_HOSTS)
    try:
        ssl_dir = ns.etc_dir / "ssl"
        shutil.copytree("/etc/ssl", ssl_dir, symlinks=True)
        (ssl_dir / "certs" / "wsx-test-ca.pem").write_text(certs.ca.read_text())
        yield CleanEnv(ns, tmp_path_factory.mktemp("loosehome"))
    finally:
        ns.delete()


LOOSE_CELLS = {"loose-file": {}, **SYSTEM_CA_CELLS}


@pytest.mark.parametrize("cell", list(LOOSE_CELLS))
def test_trust_loose_ca_file(cell: str, loose: CleanEnv, certs: Certs) -> None:
    """OpenSSL's lookups (Python, curl, Bun's default) miss a CA that is only a loose file
    in /etc/ssl/certs; --use-system-ca and NODE_USE_SYSTEM_CA=1 read every file there
    (Node 22 and 24; Bun with the variable)."""
    # --cacert: wsexplorer's own handshake (the system store misses the CA too) measures
    # the upgrade behind the certificate; the clients keep their stores.
    _, rows = _compare(loose, "good", certs, LOOSE_CELLS[cell], "--cacert", str(certs.ca),
                       kinds=SYSTEM_CA_KINDS)  # fmt: skip
    _agree(rows)
    outcomes = {r[0]: r[1] for r in rows}
    expected = "fails" if cell == "loose-file" else "connects"
    assert outcomes["node22-builtin"] == outcomes["node24-builtin"] == expected
    assert outcomes["python"] == "fails"
    bun = "connects" if cell == "node-use-system-ca-variable" else "fails"
    assert outcomes["bun"] == bun


@pytest.mark.needs_chromium
@pytest.mark.parametrize("store", ["no-nssdb", "nssdb"])
@pytest.mark.parametrize("cert", ["good", "other", "expired", "selfsigned"])
def test_trust_chromium(
    store: str, cert: str, request: pytest.FixtureRequest, certs: Certs
) -> None:
    """Chromium reads its NSS database, not /etc/ssl: without one every private
    certificate is ERR_CERT_AUTHORITY_INVALID; with the CA in it, the name and the date
    are checked (ERR_CERT_COMMON_NAME_INVALID, ERR_CERT_DATE_INVALID)."""
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (scripts/test.sh installs it)")
    env: CleanEnv = request.getfixturevalue("plain" if store == "no-nssdb" else "nss")
    _, rows = _compare(env, cert, certs, {}, kinds=["chromium"])
    _agree(rows)


PY_ADVICE = textwrap.dedent(
    """
    import asyncio, ssl, sys
    from websockets.asyncio.client import connect

    async def main():
        CONTEXT
        async with connect(sys.argv[1], open_timeout=5, ssl=context):
            print("connects")

    asyncio.run(main())
    """
)


def _python_advice(env: CleanEnv, fix: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """Python websockets run with the context the fix's ``python`` line names."""
    advice: str = fix["python"]
    if advice.startswith("ssl=ctx"):  # check_hostname = False; verify_mode = CERT_NONE
        context = ("context = ssl.create_default_context(); context.check_hostname = False; "
                   "context.verify_mode = ssl.CERT_NONE")  # fmt: skip
    else:  # ssl=ssl.create_default_context(cafile="FILE")
        context = "context = " + advice.removeprefix("ssl=")
    return env.run([sys.executable, "-c", PY_ADVICE.replace("CONTEXT", context), URL],
                   timeout=30)  # fmt: skip


# How each client kind is given a CA file (0) or told to skip the check (1), as the
# trust fixes word it for its id: (environment, runtime flags, the fix's words).
OWN_OPTIONS: dict[str, tuple[tuple[dict[str, str], tuple[str, ...], str], ...]] = {
    **{kind: (({"NODE_EXTRA_CA_CERTS": "{file}"}, (), "NODE_EXTRA_CA_CERTS={file}"),
              ({"NODE_TLS_REJECT_UNAUTHORIZED": "0"}, (), "NODE_TLS_REJECT_UNAUTHORIZED=0"))
       for kind in ("node22-builtin", "node24-builtin", "bun")},
    "deno": (({}, ("--cert", "{file}"), "deno run --cert {file}"),
             ({}, ("--unsafely-ignore-certificate-errors",),
              "deno run --unsafely-ignore-certificate-errors")),
    "python-aiohttp": (({"WS_PEER_CAFILE": "{file}"}, (),
                        'ssl=ssl.create_default_context(cafile="{file}")'),
                       ({"WS_PEER_INSECURE": "1"}, (), "ssl=ctx where ctx.check_hostname")),
    "python-websocket-client": (({"WS_PEER_CAFILE": "{file}"}, (), 'sslopt={"ca_certs": "{file}"}'),
                                ({"WS_PEER_INSECURE": "1"}, (),
                                 'sslopt={"cert_reqs": ssl.CERT_NONE}')),
}  # fmt: skip


def _own_options(env: CleanEnv, fix: dict[str, Any], which: int, file: str = "") -> list[str]:
    """Run each kind of :data:`OWN_OPTIONS` with its own option (the server is up); the
    cells where the real client and the fix's prediction for it disagree."""
    after = {c["id"]: c for c in fix["after"]}
    bad = []
    for kind, options in OWN_OPTIONS.items():
        extra, flags, words = options[which]
        assert words.replace("{file}", file) in fix["detail"], (kind, fix["detail"])
        real = peers.run_client(env, kind, URL, env={k: v.replace("{file}", file)
                                                     for k, v in extra.items()},
                                flags=tuple(f.replace("{file}", file) for f in flags))  # fmt: skip
        p = after[CLIENT_IDS[kind]]
        row = (kind, real["outcome"], real["error"], p["outcome"], p["error"])
        print(" | ".join(map(str, row)))
        if row[1:3] != row[3:5]:
            bad.append(" | ".join(map(str, row)))
    return bad


def test_cacert_predicts_who_still_refuses(plain: CleanEnv, certs: Certs) -> None:
    """The CA only in a file (not in the namespace's store: the self-signed leaf is its
    own CA): with --cacert FILE wsexplorer's handshake goes through, every client still
    refuses, and the trust-cacert fix's per-client flags make Node, Python and curl
    connect; each other client given its own option agrees with the fix's prediction
    (Deno still refuses a leaf marked CA:TRUE)."""
    cert = certs.pairs["selfsigned"][0]
    d, rows = _compare(plain, "selfsigned", certs, {}, "--cacert", str(cert))
    _agree(rows)
    assert d["handshake"]["outcome"] == "ok"
    fix = next(f for f in d["fixes"] if f["id"] == "trust-cacert")
    after = {c["id"]: c["outcome"] for c in fix["after"]}
    server = _serve(plain, certs.pairs["selfsigned"])
    try:
        node = peers.run_client(plain, "node20", URL, env={"NODE_EXTRA_CA_CERTS": str(cert)})
        curl = plain.run(["curl", "-sS", "-o", "/dev/null", "--cacert", str(cert),
                             "https://localhost:8443/"], timeout=30)  # fmt: skip
        python = _python_advice(plain, fix)
        own = _own_options(plain, fix, 0, str(cert))
    finally:
        stop_process(server)
        if server.stdout is not None:
            server.stdout.close()
    assert (node["outcome"], node["error"]) == (after["node-20"], None)
    assert (curl.returncode == 0) == (after["curl"] == "connects"), curl.stderr
    assert (python.stdout.strip() == "connects") == (after["python-websockets"] == "connects")
    assert after["python-websockets"] == "connects", python.stderr
    assert fix["node"] == f"NODE_EXTRA_CA_CERTS={cert}"
    assert not own, "\n".join(own)
    assert after["deno"] == "fails" and after["bun"] == "connects"


def test_insecure_predicts_who_still_refuses(plain: CleanEnv, certs: Certs) -> None:
    """-k: wsexplorer's handshake skips the check, every client still refuses; curl -k, the
    fix's Python context and every other client's own option connect, as trust-insecure
    predicts."""
    d, rows = _compare(plain, "other", certs, {}, "-k")
    _agree(rows)
    assert d["handshake"]["outcome"] == "ok" and d["tls"]["insecure"]
    fix = next(f for f in d["fixes"] if f["id"] == "trust-insecure")
    after = {c["id"]: c["outcome"] for c in fix["after"]}
    assert "curl -k (curl)" in fix["detail"]
    server = _serve(plain, certs.pairs["other"])
    try:
        curl = plain.run(["curl", "-sS", "-o", "/dev/null", "-k", "https://localhost:8443/"],
                         timeout=30)  # fmt: skip
        python = _python_advice(plain, fix)
        own = _own_options(plain, fix, 1)
    finally:
        stop_process(server)
        if server.stdout is not None:
            server.stdout.close()
    assert (curl.returncode == 0) == (after["curl"] == "connects"), curl.stderr
    assert (python.stdout.strip() == "connects") == (after["python-websockets"] == "connects"), (
        python.stderr
    )
    assert not own, "\n".join(own)
    assert fix["works"], fix["detail"]
