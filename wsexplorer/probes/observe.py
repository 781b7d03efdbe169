"""Gather one :class:`Observation` for a URL: resolution, listeners, attempts, probes.

The one I/O driver behind ``diagnose`` and the TUI; the engine that reads its result is pure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ..diagnosis.targets import is_local_target, probe_targets, proxy_targets
from ..model import ListenerScan, Observation, WebSocketURL
from ..model.options import ObserveOptions
from ._threads import to_daemon_thread
from .system import local_addresses, system_facts

T = TypeVar("T")

_PROXY_TIMEOUT = 3.0  # seconds for each proxy: connect, CONNECT and the upgrade through it

__all__ = ["ObserveOptions", "is_local_target", "observe", "observe_sync", "probe_targets"]


async def observe(
    url: WebSocketURL,
    options: ObserveOptions | None = None,
    *,
    handshake: bool = True,
    on_stage: Callable[[str, object], None] | None = None,
) -> Observation:
    """Resolve, scan listeners, trace and probe; returns within about ``options.timeout``.

    ``on_stage(name, value)`` is called in the event loop as each part arrives, so a UI can
    fill its panes progressively: ``("resolution", Resolution)``, ``("listeners",
    ListenerScan)``, ``("system", SystemFacts)``, ``("attempts", (attempts, handshake))``,
    ``("probes", probes)``. Blocking probes run in threads; the loop never blocks.
    """
    from .listeners import scan_listeners
    from .proxy import check_proxies, read_environment
    from .resolution import resolve
    from .tracer import probe_addresses, trace

    opts = options or ObserveOptions()
    start = time.perf_counter()
    override = opts.override_for(url.host, url.port)
    stage = on_stage or (lambda _name, _value: None)

    async def staged(name: str, coro: Awaitable[T]) -> T:
        value = await coro
        stage(name, value)
        return value

    # Daemon threads, not asyncio.to_thread: the default executor's threads are joined
    # when the loop closes, so Ctrl+C would wait for a getaddrinfo stuck on a silent
    # nameserver (glibc: 10 s).
    res_task = to_daemon_thread(
        resolve,
        url.host,
        url.port,
        override=override,
        dns=opts.dns,
        dns_timeout=min(opts.dns_timeout, opts.timeout),
        gai_timeout=opts.timeout,
        **opts.resolve_kwargs,  # type: ignore[arg-type]
    )
    scan_task = to_daemon_thread(scan_listeners, port=url.port)
    facts_task = to_daemon_thread(lambda: (system_facts(), local_addresses()))
    resolution, scan, (facts, local_addrs) = await asyncio.gather(
        staged("resolution", res_task), staged("listeners", scan_task), facts_task
    )
    stage("system", facts)
    scan_ok: ListenerScan = scan
    addresses = resolution.every_address
    local = is_local_target(addresses, local_addrs) if addresses else url.host == "localhost"
    remaining = max(opts.timeout - (time.perf_counter() - start), 0.2)
    proxy_env = read_environment()
    endpoints = proxy_targets(proxy_env, url)
    (attempts, hs), proxies = await asyncio.gather(
        trace(
            url,
            addresses,
            family=opts.family,
            timeout=remaining,
            headers=opts.headers,
            subprotocols=opts.subprotocols,
            origin=opts.origin,
            do_handshake=handshake,
            tls=opts.tls,
        ),
        check_proxies(endpoints, url, min(remaining, _PROXY_TIMEOUT)),
    )
    stage("attempts", (attempts, hs))
    tried = {a.address for a in attempts}
    extra = [a for a in probe_targets(resolution, url, facts, local) if a not in tried]
    if not facts.ipv6_enabled:
        extra = [a for a in extra if ":" not in a]
    probes = await probe_addresses(extra, url.port, timeout=min(1.0, remaining)) if extra else ()
    stage("probes", probes)
    trust = None
    if url.secure and handshake and hs.address is not None:
        from .trust import check_trust

        left = opts.timeout - (time.perf_counter() - start)
        trust = await to_daemon_thread(check_trust, url, hs.address, opts.tls, timeout=left)
    return Observation(
        url=url,
        resolution=resolution,
        listeners=scan_ok.on_port(url.port),
        listeners_known=scan_ok.error is None,
        local_target=local,
        attempts=attempts,
        handshake=hs,
        probes=probes,
        system=facts,
        family=opts.family,
        trust=trust,
        proxy_env=proxy_env,
        proxies=proxies,
    )


def observe_sync(url: WebSocketURL, options: ObserveOptions | None = None) -> Observation:
    """:func:`observe` for callers without an event loop (the CLI)."""
    return asyncio.run(observe(url, options))
