"""The proxy variables and what wsexplorer measured at each proxy, as rows.

Values were masked when the environment was read (``model/proxy.py``); renderers clean
them like any other text from outside.
"""

from __future__ import annotations

from ..model import AttemptOutcome, Observation
from ..model.proxy import ProxyCheck
from .rows import Row, Span, Tone, span

__all__ = ["proxy_check_spans", "proxy_rows"]


def proxy_check_spans(check: ProxyCheck) -> tuple[Span, ...]:
    """``127.0.0.1:9 ✗ refused ([Errno 111] …)`` or ``127.0.0.1:3128 ✓ CONNECT
    app.test:8080 → 200 · upgrade → 101``."""
    where = (Span(f"{check.host}:{check.port}", Tone.PLAIN, code=True),)
    a = check.attempt
    if a is None:
        return (*where, Span(f" ✗ does not resolve ({check.resolve_error})", Tone.BAD))
    if a.outcome is not AttemptOutcome.CONNECTED:
        detail = f" ({a.error})" if a.error else ""
        return (*where, Span(f" ✗ {a.outcome.value}{detail}", Tone.BAD))
    if check.status is None:
        return (*where, Span(f" ✓ connects, then {check.error or 'no answer'}", Tone.WARN))
    good = 200 <= check.status < 300
    spans = [*where, Span(f" {'✓' if good else '✗'} CONNECT ", Tone.OK if good else Tone.BAD)]
    spans += [Span(check.target, Tone.PLAIN, code=True), Span(f" → {check.status}", Tone.PLAIN)]
    if check.upgrade_status is not None:
        tone = Tone.OK if check.upgrade_status == 101 else Tone.BAD
        spans.append(Span(f" · upgrade → {check.upgrade_status}", tone))
    elif good and check.error:
        spans.append(Span(f" · {check.error}", Tone.WARN))
    return tuple(spans)


def proxy_rows(obs: Observation) -> list[Row]:
    """One ``proxy env`` row per proxy variable set, one ``proxy`` row per proxy measured;
    nothing when no proxy variable is set."""
    rows = [
        Row("proxy env", span(f"{name}={value}", Tone.WARN, code=True))
        for name, value in obs.proxy_env.variables
    ]
    rows += [Row("proxy", proxy_check_spans(c)) for c in obs.proxies]
    return rows
