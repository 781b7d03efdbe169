"""The verdict: ok iff every client connects, and one plain sentence with the cause."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import (
    AttemptOutcome,
    ClientOutcome,
    Family,
    HandshakeOutcome,
    Observation,
    TimeBasis,
    Verdict,
    family_of,
)
from ..model.names import client_name, lookup_key
from .outcome import listeners_on_port, same_address
from .phrases import describe_listener, join_names, listener_phrase
from .shadow import hosts_dead, hosts_origin, hosts_shadow, no_a_record
from .simulate import Run, family_label, handshake_clause
from .strategy import Fallback, Stage, TryResult, is_localhost_name
from .timing import syn_timeout_s

__all__ = [
    "REDIRECT_NOTE",
    "build_notes",
    "build_verdict",
    "describe_listener",
    "join_names",
    "listener_phrase",
]


REDIRECT_NOTE = (
    "wsexplorer does not follow redirects: Node ws (followRedirects is off by default) "
    "and Chrome fail on any 3xx; Python websockets follows 300/301/302/303/307/308 with a "
    "Location, up to 10 times; curl without -L does not follow and counts any HTTP answer"
)


def _first_addresses(obs: Observation) -> tuple[str, ...]:
    res = obs.resolution
    return tuple(a[0].address for a in (res.addresses, res.addrconfig_addresses) if a)


def _tail(runs: Sequence[Run], failing: Sequence[Run]) -> str:
    if len(failing) == len(runs):
        return "every modelled client fails"
    if all(r.fallback is Fallback.FIRST_ONLY for r in failing):
        return "clients that don't fall back fail"
    names = [r.prediction.name for r in failing]
    return f"{join_names(names)} {'fails' if len(names) == 1 else 'fail'}"


def _first_failed_try(obs: Observation, failing: Sequence[Run]) -> TryResult:
    """The failed try to explain: one on the resolver's first address if any, else the
    first failed try of the first failing client."""
    failed = [t for r in failing for t in r.tries if t.outcome is not AttemptOutcome.CONNECTED]
    firsts = _first_addresses(obs)
    return next((t for t in failed if any(same_address(t.address, a) for a in firsts)), failed[0])


def _cause(obs: Observation, t: TryResult) -> str:
    port = obs.url.port
    known = obs.local_target and obs.listeners_known
    if t.outcome is AttemptOutcome.UNREACHABLE and not obs.system.ipv6_enabled:
        return "IPv6 is disabled on this machine"
    if t.outcome is AttemptOutcome.REFUSED and known:
        return listener_phrase(listeners_on_port(obs), port)
    if t.outcome is AttemptOutcome.REFUSED:
        return f"{t.address}:{port} refuses connections (measured)"
    if t.abandoned:
        took = (t.elapsed_ms or 0.0) / 1000
        return (
            f"{t.address}:{port} connects only after {took:.1f} s (measured), slower than "
            "a Happy Eyeballs attempt timeout"
        )
    if t.outcome is AttemptOutcome.TIMEOUT:
        return f"connects to {t.address}:{port} time out"
    return f"connects to {t.address}:{port} fail"


def _connect_summary(obs: Observation, runs: Sequence[Run], failing: Sequence[Run]) -> str:
    host, port = obs.url.host, obs.url.port
    connected = any(r.prediction.outcome is ClientOutcome.CONNECTS for r in runs)
    tries = [t for r in failing for t in r.tries]
    known = obs.local_target and obs.listeners_known
    if (
        known
        and not listeners_on_port(obs)
        and not connected
        and all(t.outcome is AttemptOutcome.REFUSED for t in tries)
    ):
        return f"nothing listens on port {port} on this machine, so every connect is refused"
    first = _first_failed_try(obs, failing)
    cause = _cause(obs, first)
    tail = _tail(runs, failing)
    if family_of(host) is not None:
        return f"the URL names {host}, but {cause}; {tail}"
    if any(same_address(first.address, a) for a in _first_addresses(obs)):
        six = no_a_record(obs)
        if six is not None:
            return f"{six}, but {cause}; {tail}"
        origin = hosts_origin(obs, first.address)
        return f"{host} resolves to {first.address} first{origin}, but {cause}; {tail}"
    names = [r.prediction.name for r in failing]
    if all(r.fallback is Fallback.FIRST_ONLY for r in failing):
        verbs = "tries {} first and doesn't" if len(names) == 1 else "try {} first and don't"
        return f"{cause}, but {join_names(names)} {verbs.format(first.address)} fall back"
    return f"{cause}; {tail}"


def _resolve_summary(obs: Observation, failing: Sequence[Run]) -> str:
    host = obs.url.host
    if any(r.resolved for r in failing):
        fam = obs.family.forced or Family.IPV4
        label = family_label(fam)
        return f"{host} has no {label} address, and the family is forced to {label}"
    res = obs.resolution
    error = res.getaddrinfo.error or res.addrconfig.error
    detail = f" ({error})" if error else ""
    return (
        f"{host} does not resolve{detail}; clients that use the system resolver have no "
        "address to connect to"
    )


def _spelling_summary(obs: Observation, runs: Sequence[Run], failing: Sequence[Run]) -> str | None:
    """Clients spell the host differently and the failing ones' spelling does not resolve
    while another does (docs/clients.md#names); ``None`` when every client looks up the
    same name or every client fails."""
    host = obs.url.host
    spelled = [(r, client_name(host, r.strategy.names)) for r in runs]
    if len(failing) == len(runs) or len({lookup_key(name) for _, name in spelled}) < 2:
        return None
    name = client_name(host, failing[0].strategy.names)
    who = [
        r.prediction.name
        for r in failing
        if lookup_key(client_name(host, r.strategy.names)) == lookup_key(name)
    ]
    error = obs.resolution.answers_for(name)[0].error
    detail = f" ({error})" if error else ""
    rest: list[str] = []
    for _, other in spelled:
        if lookup_key(other) != lookup_key(name) and other not in rest:
            rest.append(other)
    verb = "looks" if len(who) == 1 else "look"
    return (
        f"{join_names(who)} {verb} up {host} as {name}, which does not resolve{detail}; "
        f"the other clients look up {join_names(rest)}"
    )


def trust_summary(obs: Observation, runs: Sequence[Run]) -> str | None:
    """Who refuses the certificate and who trusts it, when the clients' stores disagree
    or wsexplorer was told to accept it (``-k``, ``--cacert``); else ``None``."""
    check = obs.trust
    hs = obs.handshake
    if check is None or check.error is not None or hs is None:
        return None
    if hs.outcome not in (HandshakeOutcome.OK, HandshakeOutcome.TLS):
        return None
    refusing = [r.prediction.name for r in runs if r.stage is Stage.HANDSHAKE]
    trusting = [r.prediction.name for r in runs if r.prediction.connects]
    if hs.outcome is HandshakeOutcome.TLS and not (trusting or check.insecure or check.cacert):
        return None
    verb = "refuses" if len(refusing) == 1 else "refuse"
    text = f"{join_names(refusing)} {verb} the certificate of {obs.url.host}:{obs.url.port}"
    if trusting:
        text += f", while {join_names(trusting)} {'trusts' if len(trusting) == 1 else 'trust'} it"
    if check.cacert or check.insecure:
        flag = f"--cacert {check.cacert}" if check.cacert else "-k"
        text += f" (wsexplorer's own check used {flag}: each client needs its own flag, see Fixes)"
    else:
        text += " (each client reads its own certificate store)"
    return text


def _handshake_summary(obs: Observation, runs: Sequence[Run]) -> str:
    hs = obs.handshake
    assert hs is not None
    where = f"{hs.address}:{obs.url.port}"
    websocket = [r for r in runs if r.strategy.websocket]
    failing = [r.prediction.name for r in websocket if r.stage is Stage.HANDSHAKE]
    if len(failing) == len(websocket):
        who = "WebSocket clients fail"
    else:
        who = f"{join_names(failing)} {'fails' if len(failing) == 1 else 'fail'}"
    return f"the server on {where} {handshake_clause(hs)}, so {who} even though TCP connects"


def _ok_summary(obs: Observation, runs: Sequence[Run]) -> str:
    port = obs.url.port
    listeners = listeners_on_port(obs)
    if obs.local_target and obs.listeners_known and listeners:
        return f"every modelled client connects: {listener_phrase(listeners, port)}"
    addresses: list[str] = []
    proxied: list[str] = []
    for r in runs:
        p = r.prediction
        if p.proxy is not None:
            proxied.append(f"{p.name} through the proxy {p.proxy}")
        elif p.address is not None and p.address not in addresses:
            addresses.append(p.address)
    where = join_names([f"{a}:{port}" for a in addresses])
    direct = f"connects to {where} succeeded (measured)" if addresses else ""
    return "every modelled client connects: " + "; ".join(x for x in (direct, *proxied) if x)


def _unknown_summary(obs: Observation) -> str:
    cut = [a.address for a in obs.attempts if a.cut_short]
    if cut:
        return (
            f"wsexplorer stopped waiting for {join_names(cut)} before ARP/ND could tell a "
            "silent address from an unreachable one, so what some clients print is unknown: "
            "run with a longer --timeout"
        )
    if not obs.local_target:
        return (
            f"{obs.url.host} is not this machine and its addresses were not measured, "
            "so whether clients connect is unknown"
        )
    return (
        "the listeners on this machine could not be read and nothing was measured, "
        "so whether clients connect is unknown"
    )


def _proxy_clause(obs: Observation, failing: Sequence[Run]) -> str | None:
    """For clients that fail through a proxy: which proxy, and that the target's own
    addresses do not matter for them (docs/clients.md#proxies); ``None``: none does."""
    groups: dict[tuple[str, str], list[Run]] = {}
    for r in failing:
        p = r.prediction
        if p.proxy is not None:
            groups.setdefault((p.proxy, p.proxy_variable or ""), []).append(r)
    parts = []
    for (url, variable), group in groups.items():
        one = len(group) == 1
        names = join_names([r.prediction.name for r in group])
        errors = {r.prediction.name: r.prediction.error for r in group}
        said = set(errors.values())
        tail = (
            f": {said.pop()}"
            if len(said) == 1
            else " (" + "; ".join(f"{n}: {e}" for n, e in errors.items()) + ")"
        )
        parts.append(
            f"{names} {'goes' if one else 'go'} through the proxy {url} from {variable}, not "
            f"straight to {obs.url.host}, so its addresses and families do not matter for "
            f"{'it' if one else 'them'}{tail}"
        )
    return "; ".join(parts) or None


def _direct_summary(obs: Observation, runs: Sequence[Run], failing: Sequence[Run]) -> str:
    if all(r.stage is Stage.RESOLVE for r in failing):
        spelling = _spelling_summary(obs, runs, failing)
        return spelling or _resolve_summary(obs, failing)
    if any(r.stage is Stage.HANDSHAKE for r in failing):
        return trust_summary(obs, runs) or _handshake_summary(obs, runs)
    connect = [r for r in failing if r.stage is Stage.CONNECT]
    summary = _connect_summary(obs, runs, connect)
    unresolved = [r for r in failing if r.stage is Stage.RESOLVE]
    if unresolved:
        summary += f", and {_unresolved_clause(obs, unresolved)}"
    return summary


def build_verdict(obs: Observation, runs: Sequence[Run]) -> Verdict:
    """``ok`` iff every client connects; the summary names the cause in one sentence."""
    if all(r.prediction.outcome is ClientOutcome.CONNECTS for r in runs):
        return Verdict(True, _ok_summary(obs, runs))
    failing = [r for r in runs if r.prediction.outcome is ClientOutcome.FAILS]
    if not failing:
        return Verdict(False, _unknown_summary(obs))
    proxied = _proxy_clause(obs, failing)
    direct = [r for r in failing if r.prediction.proxy is None]
    if not direct:
        return Verdict(False, proxied or "")
    summary = _direct_summary(obs, runs, direct)
    return Verdict(False, summary if proxied is None else f"{summary}; {proxied}")


def _unresolved_clause(obs: Observation, unresolved: Sequence[Run]) -> str:
    """``Node.js 16 ws and Python websockets find no IPv6 address for localhost`` (the
    family forced) or ``... cannot resolve localhost``: the clients that failed before
    connecting, named beside those that failed to connect, so the verdict names every
    failing client the list shows."""
    names = join_names([r.prediction.name for r in unresolved])
    fam = obs.family.forced
    if fam is not None:
        return f"{names} find no {family_label(fam)} address for {obs.url.host} (--family {obs.family})"
    return f"{names} cannot resolve {obs.url.host}"


def build_notes(obs: Observation, runs: Sequence[Run]) -> tuple[str, ...]:
    """Short notes on what the predictions assume (what-if mode, forced family...)."""
    notes: list[str] = []
    res = obs.resolution
    if res.override is not None:
        note = f"what-if: --resolve {res.override.spec()} pins what {res.host} resolves to"
        if is_localhost_name(obs.url.host):
            note += "; curl and Chrome still answer localhost themselves"
        notes.append(note)
    skipped = res.search_skipped
    if skipped is not None:
        notes.append(
            f"{obs.url.host} ends in a dot, so no client applies the resolv.conf search list; "
            f"{skipped.expanded} (search domain {skipped.domain}) resolves: write "
            f"{skipped.name} or {skipped.expanded} in the URL"
        )
    notes += [n for n in (hosts_shadow(obs), hosts_dead(obs)) if n is not None]
    six = no_a_record(obs)
    if six is not None:
        notes.append(f"{six}, so no client has an IPv4 address to fall back to")
    fam = obs.family.forced
    if fam is not None:
        free = [r.prediction.name for r in runs if r.strategy.force_ipv4 is None]
        who = "every client that can be forced" if free else "every client"
        note = f"--family {obs.family}: {who} uses {family_label(fam)} only"
        if free:
            keeps = "keeps" if len(free) == 1 else "keep"
            note += f"; {join_names(free)} cannot be forced and {keeps} both families"
        notes.append(note)
    if obs.local_target and not obs.listeners_known:
        notes.append("the listeners could not be read: only measured connects are known")
    hidden = [lis for lis in listeners_on_port(obs) if lis.pid is None]
    if obs.local_target and obs.listeners_known and hidden:
        where = join_names(sorted({lis.display_address() for lis in hidden}))
        notes.append(
            f"the process behind {where} is unknown: usually another user's, whose "
            "/proc/PID/fd only its owner and root can read; run as root to see it"
        )
    waited = [a.address for a in (*obs.attempts, *obs.probes) if a.error == "timed out"]
    syn = obs.system.tcp_syn_retries
    if (
        waited
        and syn is not None
        and any(r.prediction.time_basis == TimeBasis.SYN_RETRIES.value for r in runs)
    ):
        seconds = syn_timeout_s(syn, obs.system.tcp_syn_linear_timeouts or 0)
        notes.append(
            f"{join_names(waited)} did not answer while wsexplorer waited: the kernel's SYN "
            f"timeout of {seconds:g} s (net.ipv4.tcp_syn_retries={syn}, "
            f"tcp_syn_linear_timeouts={obs.system.tcp_syn_linear_timeouts or 0}) is computed, "
            "not waited for"
        )
    v6 = [a.address for a in res.addresses if a.family is Family.IPV6]
    if not obs.system.ipv6_enabled and v6:
        notes.append(
            f"IPv6 is disabled on this machine: {res.host} still resolves to {join_names(v6)}, "
            "but no IPv6 address exists here, so a connect to it fails at once"
        )
    hs = obs.handshake
    if hs is not None and any(r.stage is Stage.HANDSHAKE for r in runs):
        notes.append(
            f"the handshake was measured on {hs.address}; addresses served by the same "
            "listener are assumed to answer the same"
        )
    if hs is not None and hs.outcome is HandshakeOutcome.REDIRECT:
        notes.append(REDIRECT_NOTE)
    unknown = [r for r in runs if r.prediction.outcome is ClientOutcome.UNKNOWN]
    if any(r.tries and r.tries[-1].outcome is AttemptOutcome.UNKNOWN for r in unknown):
        notes.append("unknown: nothing measured those addresses and no listener table applies")
    for r in unknown:
        if r.tries and r.tries[-1].outcome is AttemptOutcome.CONNECTED:
            # Unknown after connecting: the client's reading of the answer is unknown.
            notes.append(f"{r.prediction.name}: {r.prediction.why}")
    return tuple(notes)
