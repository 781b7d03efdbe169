"""The certificate section: what the server's certificate names and which store trusts it.

Built once from the model's :class:`~wsexplorer.model.trust.TrustCheck`, rendered by the
text report and the Markdown export alike.
"""

from __future__ import annotations

from ..model.trust import StoreCheck, TrustCheck, TrustStore
from .rows import Row, Span, Tone, span

__all__ = ["STORE_LABELS", "trust_brief", "trust_rows"]

STORE_LABELS = {
    TrustStore.SYSTEM: "system store",
    TrustStore.NODE: "Node's roots",
    TrustStore.NODE_OPENSSL: "OpenSSL /etc/ssl",
    TrustStore.NSS: "NSS (Chrome)",
    TrustStore.SYSTEM_FILES: "system files",
    TrustStore.CACERT: "--cacert",
}
"""Each store's label, short enough for the report's label column."""


def _store_spans(s: StoreCheck) -> tuple[Span, ...]:
    detail = Span(f"  ({s.detail})", Tone.DIM) if s.detail else Span("")
    if not s.known:
        return (Span("? unknown", Tone.WARN), detail)
    if s.verify is None:
        return (Span("✓ trusts the chain", Tone.OK), detail)
    return (Span("✗ ", Tone.BAD), Span(s.verify, Tone.BAD, code=True), detail)


def trust_rows(check: TrustCheck | None) -> list[Row]:
    """Rows for a ``wss://`` diagnosis (none for ``ws://``)."""
    if check is None:
        return []
    if check.error is not None:
        return [Row("certificate", span(f"not fetched: {check.error}", Tone.WARN))]
    names = check.names.node_altnames or f"CN={check.names.common_name}"
    noun = "certificate" if check.chain_length == 1 else "certificates"
    rows = [
        Row(
            "certificate",
            (Span(names, code=True), Span(f"  {check.chain_length} {noun} sent", Tone.DIM)),
        )
    ]
    if check.insecure:
        rows.append(Row("-k", span("wsexplorer's own handshake did not verify it", Tone.WARN)))
    rows += [Row(STORE_LABELS[s.store], _store_spans(s)) for s in check.stores]
    return rows


def trust_brief(check: TrustCheck | None) -> tuple[Span, ...]:
    """One line for a narrow pane: ``certificate: system store ✓ · Node's roots ✗ ...``."""
    if check is None:
        return ()
    if check.error is not None:
        return span(f"certificate not fetched: {check.error}", Tone.WARN)
    out: list[Span] = [Span("certificate: ", Tone.STRONG)]
    for i, s in enumerate(check.stores):
        mark = ("?", Tone.WARN) if not s.known else ("✓", Tone.OK) if s.ok else ("✗", Tone.BAD)
        out += [Span(" · " if i else ""), Span(f"{STORE_LABELS[s.store]} {mark[0]}", mark[1])]
    if check.insecure:
        out.append(Span("  (-k: not verified by wsexplorer)", Tone.WARN))
    return tuple(out)
