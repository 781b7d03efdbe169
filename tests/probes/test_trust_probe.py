"""The trust probe on real sockets: the chain fetched once, checked against each store."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wsexplorer.model import parse_url
from wsexplorer.model.trust import TlsOptions, TrustStore
from wsexplorer.probes.trust import _leaf_facts, check_trust, client_context, trust_env

DATA = Path(__file__).resolve().parents[1] / "data"
SELF = (DATA / "selfsigned-cert.pem", DATA / "selfsigned-key.pem")
APP = (DATA / "names-app-cert.pem", DATA / "names-app-key.pem")
CA = DATA / "names-ca-cert.pem"


def _serve(listener: socket.socket, ctx: ssl.SSLContext) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)
        except (OSError, ssl.SSLError):
            conn.close()


def _server(pair: tuple[Path, Path]) -> Iterator[int]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*map(str, pair))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    thread = threading.Thread(target=_serve, args=(listener, ctx), daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@pytest.fixture
def self_signed() -> Iterator[int]:
    yield from _server(SELF)


@pytest.fixture
def app_server() -> Iterator[int]:
    yield from _server(APP)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("NODE_EXTRA_CA_CERTS", "NODE_OPTIONS", "SSL_CERT_FILE", "SSL_CERT_DIR",
                 "CURL_CA_BUNDLE", "NODE_USE_SYSTEM_CA", "DENO_TLS_CA_STORE", "DENO_CERT"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_self_signed_chain_against_every_store(self_signed: int, clean_env: Path) -> None:
    url = parse_url(f"wss://localhost:{self_signed}/")
    check = check_trust(url, "127.0.0.1", TlsOptions())
    assert check.error is None and check.chain_length == 1
    assert check.names.dns == ("localhost",) and check.names.ips == ("127.0.0.1",)
    assert check.python_error is not None and "self-signed certificate" in check.python_error
    system = check.store(TrustStore.SYSTEM)
    assert system is not None and system.verify == "self-signed certificate"
    node = check.store(TrustStore.NODE)
    nss = check.store(TrustStore.NSS)
    assert node is not None and nss is not None
    if shutil.which("node"):
        assert node.known and node.verify == "self-signed certificate"
        assert "bundled roots" in node.detail
        assert nss.known and "no ~/.pki/nssdb" in nss.detail
    else:
        assert not node.known and not nss.known
    assert check.store(TrustStore.CACERT) is None
    # /etc/ssl (Bun's, and Node's with --use-openssl-ca) is read whatever NODE_OPTIONS says.
    etc = check.store(TrustStore.NODE_OPENSSL)
    assert etc is not None and etc.verify == "self-signed certificate"
    # `openssl req -x509` marks its certificate CA:TRUE (Deno refuses it as a leaf).
    assert check.leaf_ca and check.leaf_dates is None


def test_cacert_and_node_extra_ca_certs(
    app_server: int, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODE_EXTRA_CA_CERTS", str(CA))
    monkeypatch.setenv("NODE_OPTIONS", "--max-old-space-size=64 --use-openssl-ca")
    monkeypatch.setenv("NODE_USE_SYSTEM_CA", "1")
    url = parse_url(f"wss://app.test:{app_server}/")
    check = check_trust(url, "127.0.0.1", TlsOptions(cacert=str(CA)))
    assert check.env.node_extra_ca_certs == str(CA)
    assert check.env.node_options == ("--use-openssl-ca",)
    cacert = check.store(TrustStore.CACERT)
    assert cacert is not None and cacert.ok
    system = check.store(TrustStore.SYSTEM)
    assert system is not None and system.verify == "unable to get local issuer certificate"
    openssl = check.store(TrustStore.NODE_OPENSSL)
    assert openssl is not None and openssl.verify == "unable to get local issuer certificate"
    assert openssl.detail == "/etc/ssl/cert.pem and /etc/ssl/certs"
    node = check.store(TrustStore.NODE)
    if shutil.which("node"):
        assert node is not None and node.ok and "NODE_EXTRA_CA_CERTS" in node.detail
    assert not check.leaf_ca and check.leaf_dates is None
    files = check.store(TrustStore.SYSTEM_FILES)  # read only under NODE_USE_SYSTEM_CA=1
    assert files is not None and files.verify == "unable to get local issuer certificate"
    assert files.detail.endswith("the certificate files of /etc/ssl/certs")


@pytest.mark.skipif(shutil.which("certutil") is None, reason="certutil (libnss3-tools)")
def test_nss_database_is_read(app_server: int, clean_env: Path) -> None:
    db = clean_env / ".pki" / "nssdb"
    db.mkdir(parents=True)
    for argv in (["-N", "--empty-password"], ["-A", "-t", "C,,", "-n", "ca", "-i", str(CA)]):
        subprocess.run(["certutil", *argv, "-d", f"sql:{db}"], check=True, capture_output=True)
    check = check_trust(parse_url(f"wss://app.test:{app_server}/"), "127.0.0.1", TlsOptions())
    nss = check.store(TrustStore.NSS)
    assert nss is not None
    if shutil.which("node"):
        assert nss.ok and "1 trusted CAs" in nss.detail


def test_nss_database_without_certutil_is_unknown(
    self_signed: int, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_env / ".pki" / "nssdb").mkdir(parents=True)
    bin_dir = clean_env / "bin"
    bin_dir.mkdir()
    for tool in ("openssl", "node"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    monkeypatch.setenv("PATH", str(bin_dir))
    check = check_trust(parse_url(f"wss://localhost:{self_signed}/"), "127.0.0.1", TlsOptions())
    nss = check.store(TrustStore.NSS)
    assert check.error is None and nss is not None and not nss.known
    assert nss.detail == "~/.pki/nssdb exists but certutil (libnss3-tools) is not installed"


def test_nothing_listening_is_an_error_value(clean_env: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    check = check_trust(parse_url(f"wss://localhost:{port}/"), "127.0.0.1", TlsOptions())
    assert check.error is not None and check.stores == ()


def test_client_context_and_env() -> None:
    assert client_context(TlsOptions(insecure=True)).verify_mode is ssl.CERT_NONE
    only = client_context(TlsOptions(cacert=str(CA)))
    assert only.verify_mode is ssl.CERT_REQUIRED and only.cert_store_stats()["x509_ca"] == 1
    assert client_context(TlsOptions()).check_hostname
    env = trust_env({"NODE_OPTIONS": "--use-system-ca --inspect", "SSL_CERT_DIR": "/d"})
    assert env.node_options == ("--use-system-ca",) and env.ssl_cert_dir == "/d"
    assert env.ssl_cert_file is None
    env = trust_env({"NODE_USE_SYSTEM_CA": "1", "DENO_TLS_CA_STORE": "system", "DENO_CERT": "/c"})
    assert env.node_use_system_ca and env.deno_tls_ca_store == "system" and env.deno_cert == "/c"
    assert not trust_env({"NODE_USE_SYSTEM_CA": "0"}).node_use_system_ca


def test_leaf_dates_are_read(tmp_path: Path) -> None:
    """A leaf past its notAfter: OpenSSL's words, which Deno says as ``Expired``."""
    for argv in (
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-out", "c.csr",
         "-subj", "/CN=old"],
        ["x509", "-req", "-in", "c.csr", "-signkey", "k.pem", "-days", "-1", "-out", "c.pem"],
    ):  # fmt: skip
        subprocess.run(["openssl", *argv], cwd=tmp_path, check=True, capture_output=True)
    assert _leaf_facts(tmp_path / "c.pem", 10) == (False, "certificate has expired")
    assert _leaf_facts(tmp_path / "missing.pem", 10) == (False, None)


def test_no_time_left_is_said_not_waited_for(self_signed: int, clean_env: Path) -> None:
    url = parse_url(f"wss://localhost:{self_signed}/")
    check = check_trust(url, "127.0.0.1", TlsOptions(insecure=True), timeout=0.1)
    assert check.error == "no time left to check the certificate: raise --timeout"
    assert check.insecure and check.stores == ()
