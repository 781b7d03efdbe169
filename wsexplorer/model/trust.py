"""Whose certificate store trusts the server: the chain checked against each store.

A ``wss://`` server sends one certificate chain; each client checks it against its own
store (docs/clients.md#trust): OpenSSL's default paths for Python and curl, the roots
built into the Node binary for Node, those plus ``/etc/ssl`` for Bun, Mozilla's roots for
Deno, Chromium's NSS database. :class:`TrustCheck` holds
the chain's names and the verdict of every store the probe could read; the engine
(``diagnosis/trust.py``) picks the store each client reads.
"""

from __future__ import annotations

import ipaddress
from dataclasses import field
from enum import StrEnum

from .record import record

__all__ = [
    "VERIFY",
    "CertNames",
    "StoreCheck",
    "TlsOptions",
    "TrustCheck",
    "TrustEnv",
    "TrustStore",
    "name_matches",
]


class TrustStore(StrEnum):
    """A set of trusted roots a client may read."""

    SYSTEM = "system"  # OpenSSL's default paths (SSL_CERT_FILE / SSL_CERT_DIR honoured)
    NODE = "node"  # the roots built into the Node binary, plus NODE_EXTRA_CA_CERTS
    NODE_OPENSSL = "node-openssl"  # OPENSSLDIR /etc/ssl: Node's --use-openssl-ca, and Bun
    NSS = "nss"  # Chromium's NSS database (~/.pki/nssdb)
    # Every certificate file of /etc/ssl/certs beside the system bundle, hashed or not:
    # what --use-system-ca / NODE_USE_SYSTEM_CA=1 add (Node 22.15+ and 24, Bun).
    SYSTEM_FILES = "system-files"
    CACERT = "cacert"  # the file given with --cacert


@record
class StoreCheck:
    """The chain checked against one store.

    Attributes:
        store: which store.
        known: the store could be read; ``False``: nothing is known (``verify`` is None).
        verify: ``None`` when the chain verifies, else OpenSSL's verify message
            (``unable to verify the first certificate``, ``certificate has expired``).
        detail: what was read (``/etc/ssl/certs/ca-certificates.crt``, ``Node v20.20.2's
            146 roots``) or why it could not be.
    """

    store: TrustStore
    known: bool
    verify: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.known and self.verify is None

    def to_json(self) -> dict[str, object]:
        return {
            "store": self.store.value,
            "known": self.known,
            "ok": self.ok,
            "verify": self.verify,
            "detail": self.detail,
        }


@record
class CertNames:
    """The names the server's certificate is valid for.

    Attributes:
        dns: ``subjectAltName`` DNS entries, in certificate order.
        ips: ``subjectAltName`` IP address entries, in certificate order.
        common_name: the subject's CN (only Node consults it, and only without DNS names).
    """

    dns: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    common_name: str | None = None

    @property
    def node_altnames(self) -> str:
        """The ``subjectaltname`` string Node prints: ``DNS:a, IP Address:127.0.0.1``.

        UNVERIFIED when both kinds are present: Node keeps the certificate's order; this
        lists DNS names first.
        """
        parts = [f"DNS:{d}" for d in self.dns] + [f"IP Address:{i}" for i in self.ips]
        return ", ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {"dns": list(self.dns), "ips": list(self.ips), "common_name": self.common_name}


def _dns_match(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern == host:
        return True
    # RFC 6125 section 6.4.3: a wildcard only as the whole left-most label.
    if not pattern.startswith("*."):
        return False
    head, _, rest = host.partition(".")
    return bool(head) and rest == pattern[2:]


def name_matches(names: CertNames, host: str) -> bool:
    """True when the certificate names ``host`` (an IP literal against IP entries, a name
    against DNS entries with a left-most ``*`` wildcard)."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return any(_dns_match(d, host) for d in names.dns)
    return any(_same_ip(ip, i) for i in names.ips)


def _same_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, entry: str) -> bool:
    try:
        return ipaddress.ip_address(entry) == ip
    except ValueError:
        return False


@record
class TlsOptions:
    """How wsexplorer's own handshake treats the certificate (``diagnose``, the TUI and
    the live session): ``insecure`` (``-k``) verifies nothing; ``cacert`` (``--cacert
    FILE``) trusts only that file, as curl's ``--cacert`` does. Clients keep their own
    stores: the predictions say which still refuse and what each needs."""

    insecure: bool = False
    cacert: str | None = None


VERIFY = TlsOptions()
"""The default: verify with the system store."""


@record
class TrustEnv:
    """The environment that changes which roots a client trusts (read from this
    process's environment: clients started from the same shell see the same).

    Attributes:
        node_extra_ca_certs: ``NODE_EXTRA_CA_CERTS``.
        node_options: the TLS flags in ``NODE_OPTIONS`` (``--use-openssl-ca``,
            ``--use-system-ca``, ``--use-bundled-ca``).
        ssl_cert_file: ``SSL_CERT_FILE`` (OpenSSL's default file, Python and curl).
        ssl_cert_dir: ``SSL_CERT_DIR``.
        curl_ca_bundle: ``CURL_CA_BUNDLE`` (the curl tool only).
        node_use_system_ca: ``NODE_USE_SYSTEM_CA=1`` (Bun, Node 22.15+ and 24: add the
            system store).
        deno_tls_ca_store: ``DENO_TLS_CA_STORE`` (Deno: ``mozilla``, ``system`` or both).
        deno_cert: ``DENO_CERT`` (Deno: one more CA file).
    """

    node_extra_ca_certs: str | None = None
    node_options: tuple[str, ...] = ()
    ssl_cert_file: str | None = None
    ssl_cert_dir: str | None = None
    curl_ca_bundle: str | None = None
    node_use_system_ca: bool = False
    deno_tls_ca_store: str | None = None
    deno_cert: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "NODE_EXTRA_CA_CERTS": self.node_extra_ca_certs,
            "NODE_OPTIONS": list(self.node_options),
            "SSL_CERT_FILE": self.ssl_cert_file,
            "SSL_CERT_DIR": self.ssl_cert_dir,
            "CURL_CA_BUNDLE": self.curl_ca_bundle,
            "NODE_USE_SYSTEM_CA": self.node_use_system_ca,
            "DENO_TLS_CA_STORE": self.deno_tls_ca_store,
            "DENO_CERT": self.deno_cert,
        }


@record
class TrustCheck:
    """The server's certificate chain, checked once against every readable store.

    Attributes:
        address: the address the chain was fetched from.
        names: what the leaf certificate is valid for.
        stores: one :class:`StoreCheck` per store the probe tried.
        env: the environment variables that change the clients' stores.
        insecure: ``-k``: the user accepts this certificate (the probe did not verify it).
        cacert: ``--cacert FILE``: the file the probe verified with, if any.
        python_error: what Python's ``ssl`` with its default context said about this
            chain and websockets' spelling of the host (``None``: it verified); the exact
            text Python clients print.
        error: why the chain could not be fetched (then ``stores`` is empty).
        chain_length: how many certificates the server sent.
        leaf_ca: the server's own certificate says ``CA:TRUE`` (basic constraints), as
            ``openssl req -x509`` makes a self-signed one; Deno refuses such a leaf.
        leaf_dates: OpenSSL's message when the leaf is outside its validity dates now
            (``certificate has expired``, ``certificate is not yet valid``), else ``None``.
    """

    address: str | None
    names: CertNames = field(default_factory=CertNames)
    stores: tuple[StoreCheck, ...] = ()
    env: TrustEnv = field(default_factory=TrustEnv)
    insecure: bool = False
    cacert: str | None = None
    python_error: str | None = None
    error: str | None = None
    chain_length: int = 0
    leaf_ca: bool = False
    leaf_dates: str | None = None

    def store(self, which: TrustStore) -> StoreCheck | None:
        """The check of one store, or ``None`` when it was not tried."""
        return next((s for s in self.stores if s.store is which), None)

    def to_json(self) -> dict[str, object]:
        return {
            "address": self.address,
            "names": self.names.to_json(),
            "stores": [s.to_json() for s in self.stores],
            "env": self.env.to_json(),
            "insecure": self.insecure,
            "cacert": self.cacert,
            "python_error": self.python_error,
            "error": self.error,
            "chain_length": self.chain_length,
            "leaf_ca": self.leaf_ca,
            "leaf_dates": self.leaf_dates,
        }
