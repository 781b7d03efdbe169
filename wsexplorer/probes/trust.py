"""Fetch the server's certificate chain once and check it against every store we can read.

* Python's own ``ssl`` with its default context (the system store, websockets' spelling of
  the host) connects first: its error text is the exact text Python clients print. When it
  refuses, one more connect without verification fetches the chain.
* The chain is then verified by ``openssl verify -purpose sslserver`` (OpenSSL's own
  verifier, whose messages Node, curl and Python print) against: OpenSSL's default paths
  (``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` honoured), the same under ``/etc/ssl`` (Node's
  ``--use-openssl-ca``, Bun), Node's bundled roots (from
  ``node -p tls.rootCertificates``, once per Node binary in this process) plus
  ``NODE_EXTRA_CA_CERTS``, Chromium's NSS database (through ``certutil``) plus its built-in
  roots (approximated by Node's, Mozilla's list), and the ``--cacert`` file.
* The leaf's basic constraints and dates are read too (Deno checks them first).
* A store that cannot be read (no ``node``, no ``certutil``) is reported unknown.

The chain and the stores built here live in a temporary directory removed at once.
Blocking: call from a thread.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from ..model import WebSocketURL
from ..model.names import NameHandling, client_name
from ..model.trust import (
    CertNames,
    StoreCheck,
    TlsOptions,
    TrustCheck,
    TrustEnv,
    TrustStore,
)

__all__ = ["MIN_TIME", "check_trust", "client_context", "trust_env"]

MIN_TIME = 0.25
"""Below this many seconds left, the certificate is not checked (the report says so)."""

_ERROR = re.compile(r"^error \d+ at \d+ depth lookup: (.+)$", re.MULTILINE)
_NODE_ROOTS: dict[tuple[str, int, int], tuple[str, str]] = {}
_NODE_FLAGS = ("--use-openssl-ca", "--use-system-ca", "--use-bundled-ca")
_DEBIAN_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
_NODE_OPENSSLDIR = "/etc/ssl"  # OPENSSLDIR of nodejs.org's binaries (16.20.2, 20.20.2)
_PEM = 1  # _ssl.ENCODING_PEM (Certificate.public_bytes; public from Python 3.13)


def client_context(tls: TlsOptions) -> ssl.SSLContext:
    """The context wsexplorer's own handshake uses: the system store, only the
    ``--cacert`` file (as curl's ``--cacert``), or no verification (``-k``)."""
    if tls.insecure:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if tls.cacert is not None:
        return _only(tls.cacert)
    return ssl.create_default_context()


def _only(cafile: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=cafile)
    return ctx


def trust_env(environ: Mapping[str, str] | None = None) -> TrustEnv:
    """The variables that change the clients' stores, from ``environ`` (default: ours)."""
    env = os.environ if environ is None else environ
    words = env.get("NODE_OPTIONS", "").split()
    return TrustEnv(
        node_extra_ca_certs=env.get("NODE_EXTRA_CA_CERTS") or None,
        node_options=tuple(w for w in words if w in _NODE_FLAGS),
        ssl_cert_file=env.get("SSL_CERT_FILE") or None,
        ssl_cert_dir=env.get("SSL_CERT_DIR") or None,
        curl_ca_bundle=env.get("CURL_CA_BUNDLE") or None,
        node_use_system_ca=env.get("NODE_USE_SYSTEM_CA") == "1",
        deno_tls_ca_store=env.get("DENO_TLS_CA_STORE") or None,
        deno_cert=env.get("DENO_CERT") or None,
    )


def _connect(address: str, port: int, timeout: float) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect((address, port))
    except OSError:
        sock.close()
        raise
    return sock


def _chain(address: str, port: int, name: str, timeout: float) -> tuple[list[str], str | None]:
    """The PEM chain the server sends and Python's default-context error (``None``: OK)."""
    python_error: str | None = None
    for ctx in (ssl.create_default_context(), _unverified()):
        with _connect(address, port, timeout) as raw:
            try:
                with ctx.wrap_socket(raw, server_hostname=name) as tls:
                    obj = tls._sslobj  # type: ignore[attr-defined]
                    certs = obj.get_unverified_chain() or []
                    return [c.public_bytes(_PEM) for c in certs], python_error
            except ssl.SSLCertVerificationError as exc:
                python_error = str(exc)
    raise ssl.SSLError("no certificate chain")  # pragma: no cover - the second ctx verifies nothing


def _unverified() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _names(leaf: Path) -> CertNames:
    try:
        decoded = ssl._ssl._test_decode_cert(str(leaf))  # type: ignore[attr-defined]
    except (ssl.SSLError, OSError, AttributeError):
        return CertNames()
    alt = decoded.get("subjectAltName", ())
    cn = next((v for rdn in decoded.get("subject", ()) for k, v in rdn if k == "commonName"), None)
    return CertNames(
        dns=tuple(v for k, v in alt if k == "DNS"),
        ips=tuple(v.strip() for k, v in alt if k == "IP Address"),
        common_name=cn,
    )


def _leaf_facts(leaf: Path, timeout: float) -> tuple[bool, str | None]:
    """Whether the leaf says ``CA:TRUE``, and OpenSSL's message when it is outside its
    validity dates now (``None``: within them)."""
    done = subprocess.run(
        ["openssl", "x509", "-noout", "-ext", "basicConstraints", "-in", str(leaf)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    is_ca = "CA:TRUE" in done.stdout
    try:
        decoded = ssl._ssl._test_decode_cert(str(leaf))  # type: ignore[attr-defined]
        after = ssl.cert_time_to_seconds(decoded["notAfter"])
        before = ssl.cert_time_to_seconds(decoded["notBefore"])
    except (ssl.SSLError, OSError, AttributeError, KeyError, ValueError):
        return is_ca, None
    now = time.time()
    if now > after:
        return is_ca, "certificate has expired"
    return is_ca, "certificate is not yet valid" if now < before else None


def _verify(
    work: Path, cafile: Path | None, timeout: float, capath: str | None = None
) -> str | None:
    """``None`` when the chain verifies, else OpenSSL's first verify message. Without
    ``cafile`` and ``capath``: OpenSSL's default paths (``SSL_CERT_FILE`` / ``_DIR``)."""
    argv = ["openssl", "verify", "-purpose", "sslserver"]
    if cafile is not None or capath is not None:
        argv += ["-no-CAfile", "-no-CApath", "-no-CAstore"]
    if cafile is not None:
        argv += ["-CAfile", str(cafile)]
    if capath is not None:
        argv += ["-CApath", capath]
    if (work / "rest.pem").stat().st_size:
        argv += ["-untrusted", str(work / "rest.pem")]
    done = subprocess.run(
        [*argv, str(work / "leaf.pem")], capture_output=True, text=True, timeout=timeout
    )
    if done.returncode == 0:
        return None
    match = _ERROR.search(done.stdout + done.stderr)
    return match.group(1) if match else (done.stderr.strip().splitlines() or ["unknown"])[-1]


def _node_roots(timeout: float) -> tuple[str, str] | None:
    """(PEM roots, ``node --version``) of the ``node`` on PATH, cached per binary."""
    node = shutil.which("node")
    if node is None:
        return None
    real = os.path.realpath(node)
    st = os.stat(real)
    key = (real, st.st_size, int(st.st_mtime))
    if key not in _NODE_ROOTS:
        env = {k: v for k, v in os.environ.items() if k not in {"NODE_OPTIONS"}}
        script = "process.stdout.write(process.version+'\\n'+tls.rootCertificates.join('\\n'))"
        done = subprocess.run(
            [real, "-e", f"const tls=require('tls');{script}"],
            capture_output=True, text=True, timeout=timeout, env=env,
        )  # fmt: skip
        if done.returncode != 0:
            return None
        version, _, pem = done.stdout.partition("\n")
        _NODE_ROOTS[key] = (pem, version)
    return _NODE_ROOTS[key]


def _read(path: str | None) -> str:
    if not path:
        return ""
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def _nss_certs(timeout: float) -> tuple[str | None, str]:
    """PEM of the CAs trusted in ``~/.pki/nssdb`` (``""``: no database), or ``None``
    with the reason when the database exists but cannot be read."""
    db = Path.home() / ".pki" / "nssdb"
    if not db.is_dir():
        return "", "no ~/.pki/nssdb: only Chromium's built-in roots"
    certutil = shutil.which("certutil")
    if certutil is None:
        return None, "~/.pki/nssdb exists but certutil (libnss3-tools) is not installed"
    listing = subprocess.run(
        [certutil, "-L", "-d", f"sql:{db}"], capture_output=True, text=True, timeout=timeout
    )
    pems: list[str] = []
    for line in listing.stdout.splitlines()[4:]:
        parts = line.rsplit(None, 1)
        if len(parts) == 2 and "C" in parts[1].split(",")[0]:
            out = subprocess.run(
                [certutil, "-L", "-d", f"sql:{db}", "-n", parts[0].strip(), "-a"],
                capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
            pems.append(out.stdout)
    return "\n".join(pems), f"~/.pki/nssdb ({len(pems)} trusted CAs) and the built-in roots"


def _node_openssl(work: Path, env: TrustEnv, timeout: float) -> StoreCheck:
    """Node's ``--use-openssl-ca``: OpenSSL's default paths as built into Node. The
    official binaries' OPENSSLDIR is ``/etc/ssl`` (``/etc/ssl/cert.pem``, the hashed
    ``/etc/ssl/certs``), not Debian's ``/usr/lib/ssl``; ``SSL_CERT_FILE`` /
    ``SSL_CERT_DIR`` replace them (docs/clients.md#trust). Bun's BoringSSL reads the
    same paths beside its bundled roots (docs/clients.md#bun)."""
    cafile = env.ssl_cert_file or _NODE_OPENSSLDIR + "/cert.pem"
    capath = env.ssl_cert_dir or _NODE_OPENSSLDIR + "/certs"
    path = Path(cafile)
    verify = _verify(work, path if path.is_file() else None, timeout, capath=capath)
    return StoreCheck(TrustStore.NODE_OPENSSL, True, verify, f"{cafile} and {capath}")


def _system_files(work: Path, env: TrustEnv, timeout: float) -> StoreCheck:
    """What ``--use-system-ca`` / ``NODE_USE_SYSTEM_CA=1`` add (Node 22.15+ and 24, Bun):
    the system bundle and every certificate file of ``/etc/ssl/certs`` (``SSL_CERT_DIR``'s
    directories), whether or not ``update-ca-certificates`` linked it by its hash (checked
    with a CA present only as a ``.pem`` file there, docs/clients.md#trust)."""
    bundle = env.ssl_cert_file or _DEBIAN_BUNDLE
    dirs = (env.ssl_cert_dir or _NODE_OPENSSLDIR + "/certs").split(":")
    files = sorted(
        f for d in dirs if d and Path(d).is_dir() for f in Path(d).iterdir()
        if f.suffix in (".pem", ".crt", ".cer") and f.is_file()
    )  # fmt: skip
    pem = "\n".join([_read(bundle), *(_read(str(f)) for f in files)])
    detail = f"{bundle} and the certificate files of {', '.join(dirs)}"
    return _store(work, TrustStore.SYSTEM_FILES, pem, detail, timeout)


def _store(work: Path, which: TrustStore, pem: str, detail: str, timeout: float) -> StoreCheck:
    path = work / f"{which.value}.pem"
    path.write_text(pem)
    return StoreCheck(which, True, _verify(work, path, timeout), detail)


def _stores(work: Path, env: TrustEnv, tls: TlsOptions, timeout: float) -> list[StoreCheck]:
    """Every store's check; the subprocesses (``node -e``, ``certutil``, one ``openssl
    verify`` per store) run side by side in threads."""
    from concurrent.futures import Future, ThreadPoolExecutor

    paths = ssl.get_default_verify_paths()
    system = env.ssl_cert_file or paths.cafile or _DEBIAN_BUNDLE
    with ThreadPoolExecutor(max_workers=4) as pool:
        checks: list[Future[StoreCheck]] = [
            pool.submit(
                lambda: StoreCheck(TrustStore.SYSTEM, True, _verify(work, None, timeout), system)
            )
        ]
        # Node's --use-openssl-ca, and part of Bun's default store (docs/clients.md#bun).
        checks.append(pool.submit(_node_openssl, work, env, timeout))
        if env.node_use_system_ca or "--use-system-ca" in env.node_options:
            checks.append(pool.submit(_system_files, work, env, timeout))
        if tls.cacert is not None:
            cacert = tls.cacert
            checks.append(
                pool.submit(_store, work, TrustStore.CACERT, _read(cacert), cacert, timeout)
            )
        nss_task = pool.submit(_nss_certs, timeout)
        roots = _node_roots(timeout)
        if roots is None:
            node = StoreCheck(TrustStore.NODE, False, None, "node is not installed here")
            checks.append(pool.submit(lambda: node))
        else:
            pem, version = roots
            extra = _read(env.node_extra_ca_certs)
            detail = f"Node {version}'s bundled roots" + (
                f" + NODE_EXTRA_CA_CERTS={env.node_extra_ca_certs}"
                if env.node_extra_ca_certs
                else ""
            )
            checks.append(
                pool.submit(_store, work, TrustStore.NODE, f"{pem}\n{extra}", detail, timeout)
            )
        nss, why = nss_task.result()
        if nss is None or roots is None:
            reason = why if nss is None else "node is not installed here (built-in roots unknown)"
            unknown = StoreCheck(TrustStore.NSS, False, None, reason)
            checks.append(pool.submit(lambda: unknown))
        else:
            checks.append(
                pool.submit(_store, work, TrustStore.NSS, f"{roots[0]}\n{nss}", why, timeout)
            )
        done = [c.result() for c in checks]
    order = list(TrustStore)
    return sorted(done, key=lambda c: order.index(c.store))


def check_trust(
    url: WebSocketURL, address: str, tls: TlsOptions, *, timeout: float = 3.0
) -> TrustCheck:
    """The chain of the ``wss://`` server at ``address`` against every readable store,
    within ``timeout`` seconds (the rest of ``diagnose --timeout``).

    Never raises: a server that cannot be reached or spoken TLS to, or too little time
    left, gives a :class:`TrustCheck` with ``error`` set.
    """
    env = trust_env()
    failed = functools.partial(TrustCheck, address, env=env, insecure=tls.insecure,
                               cacert=tls.cacert)  # fmt: skip
    if timeout < MIN_TIME:
        return failed(error="no time left to check the certificate: raise --timeout")
    deadline = time.monotonic() + timeout

    def left() -> float:
        return max(deadline - time.monotonic(), 0.05)

    name = client_name(url.host, NameHandling.IDNA2003)
    try:
        pems, python_error = _chain(address, url.port, name, left() / 2)
    except (OSError, ValueError) as exc:
        return failed(error=str(exc))
    if not pems:
        return failed(error="the server sent no certificate")
    with tempfile.TemporaryDirectory(prefix="wsexplorer-") as tmp:
        work = Path(tmp)
        (work / "leaf.pem").write_text(pems[0])
        (work / "rest.pem").write_text("".join(pems[1:]))
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as side:
            # The leaf's facts (one more openssl run) beside the stores' checks.
            facts = side.submit(_leaf_facts, work / "leaf.pem", left())
            try:
                stores = _stores(work, env, tls, left())
            except (OSError, subprocess.SubprocessError) as exc:
                return failed(error=f"openssl verify failed: {exc}")
            names = _names(work / "leaf.pem")
            try:
                leaf_ca, leaf_dates = facts.result()
            except (OSError, subprocess.SubprocessError):
                leaf_ca, leaf_dates = False, None
    return TrustCheck(
        address,
        names=names,
        stores=tuple(stores),
        env=env,
        insecure=tls.insecure,
        cacert=tls.cacert,
        python_error=python_error,
        chain_length=len(pems),
        leaf_ca=leaf_ca,
        leaf_dates=leaf_dates,
    )
