"""Which certificate store each client reads, and what it makes of the server's chain.

Facts (docs/clients.md#trust):
- Node (``ws`` and the built-in WebSocket) verifies against the roots compiled into the
  binary plus ``NODE_EXTRA_CA_CERTS``; ``--use-openssl-ca`` (in ``NODE_OPTIONS``) swaps
  them for OpenSSL's default paths; ``--use-system-ca`` exists only from Node 23.9 /
  22.15 on Linux (nodejs/node#57009), so for the modelled versions it is unknown.
  Node checks the chain in OpenSSL, then the name in JavaScript
  (``tls.checkServerIdentity``), so an expired certificate is reported before a wrong name.
- Python's ``ssl.create_default_context()`` (websockets) reads OpenSSL's default paths,
  where ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` apply; OpenSSL checks the name (``check_id``)
  after building the chain and before the validity dates.
- The curl tool reads ``CURL_CA_BUNDLE`` if set, else ``SSL_CERT_DIR`` / ``SSL_CERT_FILE``,
  else its built-in bundle (Debian: ``/etc/ssl/certs/ca-certificates.crt``, the system
  store; curl/curl#11325); it checks the name after the chain.
- Chromium reads its NSS database (``~/.pki/nssdb``) and its built-in roots, never
  ``/etc/ssl``.
- Bun and Deno: ``trust_web.py``.
"""

from __future__ import annotations

import re

from ..model import ClientOutcome, Handshake, HandshakeOutcome, family_of
from ..model.names import NameHandling, client_name
from ..model.record import record
from ..model.trust import CertNames, StoreCheck, TrustCheck, TrustStore, name_matches
from .context import WhatIf
from .strategy import ClientStrategy
from .tlsname import checked_name
from .trust_web import bun_store, deno_refusal, deno_store, merged

__all__ = [
    "MISMATCH_KEY",
    "NODE24_HINT",
    "NODE24_HINTED",
    "TRUST_FLAGS",
    "TrustVerdict",
    "client_store",
    "client_trust",
    "is_mismatch",
    "mismatch_names",
    "trust_flags",
]

MISMATCH_KEY = "cert_names"
"""The key in a synthetic :class:`Handshake`'s ``extra`` holding the certificate's
:class:`CertNames`, for the clients that quote them (Node)."""

_NO_ISSUER = "unable to get local issuer certificate"
NODE24_HINT = "; if the root CA is installed locally, try running Node.js with --use-system-ca"
NODE24_HINTED = frozenset(
    {
        "unable to verify the first certificate",
        "self-signed certificate",
        "self-signed certificate in certificate chain",  # UNVERIFIED: not run here
        _NO_ISSUER,  # UNVERIFIED: not run here
    }
)
_DATES = ("certificate has expired", "certificate is not yet valid")
_SYSTEM_CA_VERSIONS = ("22", "24+")  # the built-in WebSocket ids: Node 22.15+ and 24
_SSL_LINE = re.compile(r" \(_ssl\.c:\d+\)$")
_VERIFY = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "


TRUST_FLAGS: dict[str, tuple[str, str]] = {
    "node": ("NODE_EXTRA_CA_CERTS={file}", "new WebSocket(url, { rejectUnauthorized: false })"),
    "python": (
        'ssl=ssl.create_default_context(cafile="{file}")',
        "ssl=ctx where ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE",
    ),
    "curl": ("curl --cacert {file}", "curl -k"),
    "browser": (
        "certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n CA -i {file}",
        "chromium --ignore-certificate-errors",
    ),
    "bun": ("NODE_EXTRA_CA_CERTS={file}", "NODE_TLS_REJECT_UNAUTHORIZED=0"),
    "deno": ("deno run --cert {file}", "deno run --unsafely-ignore-certificate-errors"),
}
"""Per runtime: how to make it trust a CA file, and how to make it skip the check."""

_WHATWG_NODE = ("NODE_EXTRA_CA_CERTS={file}", "NODE_TLS_REJECT_UNAUTHORIZED=0")
_CLIENT_FLAGS: dict[str, tuple[str, str]] = {
    # Node's built-in WebSocket takes no TLS options: only the environment reaches it.
    "node-websocket": _WHATWG_NODE,
    "node-websocket-24": _WHATWG_NODE,
    "python-websocket-client": (
        'sslopt={"ca_certs": "{file}"}',
        'sslopt={"cert_reqs": ssl.CERT_NONE}',
    ),
}


def trust_flags(s: ClientStrategy) -> tuple[str, str] | None:
    """How to make ``s``'s client trust a CA file and skip the check (``None``: its
    certificate options are not modelled)."""
    return _CLIENT_FLAGS.get(s.id) or TRUST_FLAGS.get(s.runtime)


@record
class TrustVerdict:
    """One client's certificate check.

    Attributes:
        outcome: ``CONNECTS`` (its store accepts chain and name), ``FAILS`` or ``UNKNOWN``.
        handshake: for ``FAILS``, the TLS failure to word (``reason``: the verify message
            or ``Hostname mismatch``; ``error``: Python's text).
        why: the clause for the prediction's story.
    """

    outcome: ClientOutcome
    handshake: Handshake | None = None
    why: str = ""


def client_store(check: TrustCheck, s: ClientStrategy) -> tuple[StoreCheck | None, str]:
    """The store ``s``'s client reads given the environment, and a label for the story;
    ``None`` with the reason when it is not known."""
    env = check.env
    if s.runtime == "node":
        system_ca = "--use-system-ca" in env.node_options or env.node_use_system_ca
        if system_ca and s.version in _SYSTEM_CA_VERSIONS:
            # Node 22.15+ and 24 add the system store to the bundled roots
            # (nodejs/node#57009; checked with 22.23.5 and 24.22.3).
            flag = "NODE_USE_SYSTEM_CA=1" if env.node_use_system_ca else "--use-system-ca"
            label = f"Node's bundled roots plus the system store ({flag})"
            parts = [check.store(TrustStore.NODE), check.store(TrustStore.SYSTEM_FILES)]
            return merged(parts, label), label
        if "--use-system-ca" in env.node_options:
            return None, (
                "NODE_OPTIONS has --use-system-ca: Node 16 to 20 refuse to start with it, "
                "Node 22.15+ and 24 read the system store"
            )
        if env.node_use_system_ca:
            return None, "NODE_USE_SYSTEM_CA=1: Node 22.15+ and 24 read the system store"
        if "--use-openssl-ca" in env.node_options:
            return check.store(TrustStore.NODE_OPENSSL), "Node's OpenSSL store (--use-openssl-ca)"
        extra = " plus NODE_EXTRA_CA_CERTS" if env.node_extra_ca_certs else ""
        return check.store(TrustStore.NODE), f"Node's bundled roots{extra}"
    if s.runtime == "python":
        return check.store(TrustStore.SYSTEM), "the system store"
    if s.runtime == "curl":
        bundle = env.curl_ca_bundle
        if bundle and bundle != (env.ssl_cert_file or "/etc/ssl/certs/ca-certificates.crt"):
            return None, f"CURL_CA_BUNDLE={bundle}, a file not checked here"
        return check.store(TrustStore.SYSTEM), "the system store"
    if s.runtime == "browser":
        return check.store(TrustStore.NSS), "its NSS database"
    if s.runtime == "bun":
        return bun_store(check)
    if s.runtime == "deno":
        return deno_store(check)
    return None, f"which certificates {s.name} trusts is not modelled"


def is_mismatch(reason: str | None) -> bool:
    """True for a name-mismatch reason (Python's words, also used for synthetic ones)."""
    return (reason or "").startswith(("Hostname mismatch", "IP address mismatch"))


def mismatch_names(hs: Handshake) -> CertNames | None:
    """The certificate's names carried by a synthetic mismatch, if any."""
    names = hs.extra.get(MISMATCH_KEY)
    return names if isinstance(names, CertNames) else None


def _python_text(check: TrustCheck, reason: str) -> str:
    """Python's ``str(SSLCertVerificationError)`` for ``reason``, with the measured
    ``(_ssl.c:N)`` suffix of this Python build when one was seen."""
    measured = check.python_error or ""
    suffix = _SSL_LINE.search(measured)
    return f"{_VERIFY}{reason}{suffix.group(0) if suffix else ''}"


def _mismatch_reason(name: str) -> str:
    kind = "Hostname" if family_of(name.strip("[]")) is None else "IP address"
    return f"{kind} mismatch, certificate is not valid for '{name}'."


def _hint(check: TrustCheck, s: ClientStrategy) -> str:
    """What this client needs to accept what wsexplorer was told to accept."""
    flags = trust_flags(s)  # a client whose store is known is modelled here
    assert flags is not None
    cacert = check.store(TrustStore.CACERT)
    if check.cacert and cacert is not None and cacert.ok:
        flag = flags[0].replace("{file}", check.cacert)
        return f"; to trust {check.cacert} it needs {flag}"
    if check.insecure:
        return f"; to skip the check it needs {flags[1]}"
    return ""


def _node24(s: ClientStrategy, verify: str) -> str:
    """For the strategy that covers Node 24 (``20+``): the text Node 24 prints instead.

    Node 24 appends a hint to the issuer errors (nodejs/node#57362; checked with 24.22.3
    for the first two, not printed by 22.23.5), which the ``node-20`` id (Node 20 to 24)
    cannot carry in its one error text."""
    if s.runtime != "node" or s.version != "20+" or verify not in NODE24_HINTED:
        return ""
    return f"; Node 24 prints '{verify}{NODE24_HINT}'"


def _fails(check: TrustCheck, reason: str, why: str, names: bool = False) -> TrustVerdict:
    extra: dict[str, object] = {MISMATCH_KEY: check.names} if names else {}
    hs = Handshake(
        check.address,
        HandshakeOutcome.TLS,
        reason=reason,
        error=_python_text(check, reason),
        extra=extra,
    )
    return TrustVerdict(ClientOutcome.FAILS, hs, why)


def _deno(
    check: TrustCheck, store: StoreCheck, label: str, name: str, name_ok: bool, s: ClientStrategy
) -> TrustVerdict:
    """Deno's order: a CA leaf, the dates, the issuer, then the name (trust_web.py)."""
    outcome, reason = deno_refusal(check, store)
    if outcome is ClientOutcome.UNKNOWN:
        why = f"what Deno says of {store.verify} was not checked here"
        return TrustVerdict(ClientOutcome.UNKNOWN, why=why)
    if reason is not None and check.leaf_ca:
        skip = f"; to skip the check it needs {TRUST_FLAGS['deno'][1]}" if check.insecure else ""
        why = f"Deno refuses a server certificate marked CA:TRUE, even a trusted one{skip}"
        return _fails(check, reason, why)
    if reason is not None:
        return _fails(check, reason, f"{label} refuses the certificate ({reason}){_hint(check, s)}")
    if not name_ok:
        reason = _mismatch_reason(name)
        return _fails(check, reason, f"the certificate is not valid for {name}", names=True)
    return TrustVerdict(ClientOutcome.CONNECTS, why=f"{label} trusts the certificate for {name}")


def client_trust(
    check: TrustCheck, s: ClientStrategy, host: str, ctx: WhatIf
) -> TrustVerdict | None:
    """What ``s``'s client makes of the chain in ``check`` for ``host``.

    ``None`` when the chain could not be fetched (the measured handshake decides alone).
    Under a what-if that hands every client the ``--cacert`` file (``ctx.trust``) the
    file's check stands for each store; under ``ctx.insecure`` nothing is verified.
    """
    if check.error is not None:
        return None
    if (ctx.insecure or ctx.trust is not None) and trust_flags(s) is None:
        return TrustVerdict(
            ClientOutcome.UNKNOWN, why=f"{s.name}'s certificate options are not modelled"
        )
    if ctx.insecure:
        return TrustVerdict(ClientOutcome.CONNECTS, why="it skips certificate checks")
    if ctx.trust is not None:
        store, label = check.store(ctx.trust), "the --cacert file"
    else:
        store, label = client_store(check, s)
    if store is None or not store.known:
        detail = store.detail if store is not None else label
        return TrustVerdict(
            ClientOutcome.UNKNOWN, why=f"whether it trusts the certificate is unknown ({detail})"
        )
    name = checked_name(host, s)
    name_ok = name_matches(check.names, name)
    measured = ctx.trust is None and ctx.host is None and check.python_error is not None
    if s.runtime == "python" and measured and name == client_name(host, NameHandling.IDNA2003):
        # Measured with Python's own ssl and this spelling of the host: its text is the
        # client's (a client that spells the host otherwise gets the text worded).
        assert check.python_error is not None
        reason = check.python_error.removeprefix(_VERIFY)
        reason = _SSL_LINE.sub("", reason)
        hs = Handshake(check.address, HandshakeOutcome.TLS, reason=reason, error=check.python_error)
        return TrustVerdict(
            ClientOutcome.FAILS, hs, f"{label} refuses it ({reason}){_hint(check, s)}"
        )
    if s.runtime == "deno":
        return _deno(check, store, label, name, name_ok, s)
    verify = store.verify
    if s.runtime in ("node", "bun") and verify == _NO_ISSUER and check.chain_length == 1:
        # Node's verify callback lets OpenSSL go on; its last error for a lone leaf whose
        # issuer is unknown is UNABLE_TO_VERIFY_LEAF_SIGNATURE, or the leaf's dates when
        # it is outside them, checked after (docs/clients.md#trust); Bun's BoringSSL says
        # the same (checked).
        verify = check.leaf_dates or "unable to verify the first certificate"
    openssl_name_first = s.runtime == "python"
    if verify is not None and not (openssl_name_first and verify in _DATES and not name_ok):
        why = f"{label} refuses the certificate ({verify}){_hint(check, s)}{_node24(s, verify)}"
        return _fails(check, verify, why)
    if not name_ok:
        reason = _mismatch_reason(name)
        return _fails(check, reason, f"the certificate is not valid for {name}", names=True)
    return TrustVerdict(ClientOutcome.CONNECTS, why=f"{label} trusts the certificate for {name}")
