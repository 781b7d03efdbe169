"""Bun's and Deno's certificate stores, and what each says when it refuses a chain.

Facts (docs/clients.md#bun, docs/clients.md#deno; checked with Bun 1.4.5 and Deno 2.9.6
in tests/scenarios/test_trust.py):

- Bun verifies with BoringSSL against its bundled Mozilla roots, OpenSSL's default paths
  as BoringSSL sees them (``SSL_CERT_FILE`` else ``/etc/ssl/cert.pem``, ``SSL_CERT_DIR``
  else the hashed ``/etc/ssl/certs``: what ``update-ca-certificates`` links) and
  ``NODE_EXTRA_CA_CERTS``; ``--use-system-ca`` or ``NODE_USE_SYSTEM_CA=1`` add the whole
  system store (oven-sh/bun ``packages/bun-usockets/src/crypto/root_certs.cpp``
  ``us_get_default_ca_store``). ``NODE_OPTIONS=--use-system-ca`` is ignored (checked).
  Its errors are BoringSSL's verify messages (``self signed certificate``, without the
  hyphen OpenSSL 3 prints), ``unable to verify the first certificate`` for a lone leaf
  whose issuer is unknown, and ``Hostname/IP does not match certificate's altnames``
  with no names. ``NODE_TLS_REJECT_UNAUTHORIZED=0`` turns the check off.
- Deno verifies with rustls/webpki against Mozilla's roots (``DENO_TLS_CA_STORE``
  ``mozilla``, the default), the system store (``system``: rustls-native-certs, which
  reads the bundle file ``/etc/ssl/certs/ca-certificates.crt`` or ``SSL_CERT_FILE``) or
  both (``mozilla,system``), plus ``--cert`` / ``DENO_CERT`` and ``NODE_EXTRA_CA_CERTS``
  (denoland/deno ``cli/lib/args.rs`` ``get_root_cert_store``). A ``DENO_CERT`` file is
  checked only when it is the ``NODE_EXTRA_CA_CERTS`` file (else: unknown). webpki refuses a leaf that
  says ``CA:TRUE`` before anything else (``CaUsedAsEndEntity``, even when that very
  certificate is trusted), then checks the dates (``Expired`` before ``UnknownIssuer``),
  then the issuer, then the name. ``NODE_TLS_REJECT_UNAUTHORIZED=0`` is ignored; only
  ``--unsafely-ignore-certificate-errors`` turns the check off.
"""

from __future__ import annotations

import re

from ..model import ClientOutcome, Handshake
from ..model.trust import CertNames, StoreCheck, TrustCheck, TrustStore

__all__ = [
    "BUN_MISMATCH",
    "ISSUER_ERRORS",
    "bun_reason",
    "bun_store",
    "deno_reason",
    "deno_refusal",
    "deno_store",
    "merged",
]

BUN_MISMATCH = "Hostname/IP does not match certificate's altnames"
ISSUER_ERRORS = frozenset(
    {
        "unable to get local issuer certificate",
        "unable to verify the first certificate",
        "unable to get issuer certificate",
        "self-signed certificate",
        "self-signed certificate in certificate chain",
    }
)
"""OpenSSL's messages for a chain that ends at no trusted root."""

_WRONG_NAME = re.compile(
    r"^(?:Hostname|IP address) mismatch, certificate is not valid for '(.*)'\.$"
)
_CA_LEAF = "Other(OtherError(CaUsedAsEndEntity))"
_DENO_DATES = {"certificate has expired": "Expired", "certificate is not yet valid": "NotValidYet"}


def merged(parts: list[StoreCheck | None], detail: str) -> StoreCheck | None:
    """One store made of several: it trusts the chain when one part does; unknown when a
    part was not read and none trusts it; else the message of a part that built the chain
    (one that is not an issuer error), or the first part's."""
    if any(p is not None and p.ok for p in parts):
        return StoreCheck(TrustStore.NODE, True, None, detail)
    known = [p for p in parts if p is not None and p.known]
    if not known or len(known) < len(parts):
        return None
    built = [p.verify for p in known if p.verify not in ISSUER_ERRORS]
    return StoreCheck(TrustStore.NODE, True, (built or [known[0].verify])[0], detail)


def bun_store(check: TrustCheck) -> tuple[StoreCheck | None, str]:
    """Bun's store (see the module facts) and its label."""
    env = check.env
    parts = [check.store(TrustStore.NODE), check.store(TrustStore.NODE_OPENSSL)]
    label = "Bun's bundled roots and /etc/ssl"
    if env.node_extra_ca_certs:
        label += " plus NODE_EXTRA_CA_CERTS"
    if env.node_use_system_ca:
        parts.append(check.store(TrustStore.SYSTEM_FILES))
        label += " and the system store (NODE_USE_SYSTEM_CA=1)"
    store = merged(parts, label)
    return store, label if store is not None else f"{label}: not every part could be read"


def bun_reason(reason: str | None, mismatch: bool) -> str:
    """The reason Bun prints after ``TLS handshake failed: ``."""
    if mismatch:
        return BUN_MISMATCH
    return (reason or "unknown").replace("self-signed", "self signed")


def deno_store(check: TrustCheck) -> tuple[StoreCheck | None, str]:
    """Deno's store (see the module facts) and its label; Mozilla's roots are approximated
    by Node's bundled ones (the same list) and read with ``NODE_EXTRA_CA_CERTS``."""
    env = check.env
    if env.deno_cert and env.deno_cert != env.node_extra_ca_certs:
        return None, f"DENO_CERT={env.deno_cert}, a file not checked here"
    names = [n.strip() for n in (env.deno_tls_ca_store or "mozilla").split(",") if n.strip()]
    if not names or any(n not in ("mozilla", "system") for n in names):
        return None, f"DENO_TLS_CA_STORE={env.deno_tls_ca_store}, a store Deno does not know"
    parts: list[StoreCheck | None] = []
    if "mozilla" in names or env.node_extra_ca_certs:
        parts.append(check.store(TrustStore.NODE))
    if "system" in names:
        parts.append(check.store(TrustStore.SYSTEM))
    labels: dict[frozenset[str], str] = {
        frozenset({"mozilla"}): "Deno's Mozilla roots",
        frozenset({"system"}): "the system store (DENO_TLS_CA_STORE=system)",
    }
    label = labels.get(frozenset(names), "Deno's Mozilla roots and the system store")
    if env.node_extra_ca_certs:
        label += " plus NODE_EXTRA_CA_CERTS"
    store = merged(parts, label)
    return store, label if store is not None else f"{label}: not every part could be read"


def deno_refusal(check: TrustCheck, store: StoreCheck) -> tuple[ClientOutcome, str | None]:
    """What Deno makes of the chain before the name: ``FAILS`` with its reason,
    ``CONNECTS`` (go on to the name), or ``UNKNOWN`` for a refusal not checked here."""
    if check.leaf_ca:
        return ClientOutcome.FAILS, _CA_LEAF
    if check.leaf_dates in _DENO_DATES:
        return ClientOutcome.FAILS, _DENO_DATES[check.leaf_dates]
    if store.verify is None:
        return ClientOutcome.CONNECTS, None
    if store.verify in ISSUER_ERRORS:
        # UNVERIFIED for a self-signed leaf without CA:TRUE and a self-signed root
        # (checked: an unknown CA's leaf).
        return ClientOutcome.FAILS, "UnknownIssuer"
    if store.verify in _DENO_DATES:  # an intermediate's dates: UNVERIFIED
        return ClientOutcome.FAILS, _DENO_DATES[store.verify]
    return ClientOutcome.UNKNOWN, None


def _presented(names: CertNames) -> str:
    shown = [f'DnsName("{d}")' for d in names.dns] + [f"IpAddress({i})" for i in names.ips]
    if not shown:  # UNVERIFIED
        return "is not valid for any names (according to its subjectAltName extension)"
    if len(shown) == 1:
        return f"is only valid for {shown[0]}"
    return f"is only valid for {', '.join(shown[:-1])} or {shown[-1]}"


def deno_reason(hs: Handshake, names: CertNames | None) -> str:
    """The reason Deno prints after ``invalid peer certificate: `` (rustls's
    ``CertificateError``: its name for most, a sentence for a wrong name; checked with
    one and with three names, DNS before IP as the certificate listed them). ``names``:
    the certificate's, carried by a wrong-name handshake."""
    wrong = _WRONG_NAME.search(hs.reason or "")
    if wrong is None:
        return hs.reason or "unknown"
    # An IPv4 literal is quoted the same way (checked); an IPv6 one: UNVERIFIED.
    shown = _presented(names or CertNames())
    return f'certificate not valid for name "{wrong.group(1)}"; certificate {shown}'
