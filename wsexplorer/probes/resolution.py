"""How a host name resolves, every hop: getaddrinfo variants, hosts file, nsswitch, gai.conf, DNS.

:func:`resolve` runs the four ``getaddrinfo`` calls (flags 0, ``AI_ADDRCONFIG``,
``AF_INET``, ``AF_INET6``) and the per-nameserver DNS queries at the same time, reads the
configuration files it is pointed at, and returns one :class:`~wsexplorer.model.Resolution`.
Every failure is a value in that result (a ``gaierror`` text, an unreadable file, a DNS
timeout); nothing raises except programming errors.

The files read here only explain the result: ``getaddrinfo`` itself always reads the
real ``/etc`` files of the namespace it runs in. ``wsexplorer resolve`` is its command
line.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from concurrent.futures import wait

from wsexplorer.model import (
    Address,
    Family,
    GaiResult,
    HostsFile,
    Resolution,
    ResolveOverride,
    Source,
    family_of,
    split_zone,
)
from wsexplorer.model.names import NameHandling, SearchExpansion, client_name, lookup_key
from wsexplorer.model.resolution import NameLookup

from ._threads import in_daemon_thread, to_daemon_thread
from .names import search_expansion, search_skipped
from .nameservers import dns_report
from .sysconf import read_gai_conf, read_hosts, read_nsswitch_hosts

__all__ = ["GAI_TIMEOUT_ERROR", "client_names", "getaddrinfo_result", "resolve", "resolve_async"]

# What a getaddrinfo call that outlived ``gai_timeout`` reports. glibc waits
# ``timeout:`` x ``attempts:`` seconds per nameserver (5 x 2 by default, resolv.conf(5))
# before it fails with EAI_AGAIN, "Temporary failure in name resolution"; the phrase is
# kept so the client wordings can tell this from "not found".
GAI_TIMEOUT_ERROR = (
    "no answer within {timeout:g} s: a nameserver does not answer; glibc gives up after "
    "resolv.conf's timeout x attempts with 'Temporary failure in name resolution'"
)


def _canonical(address: str) -> str:
    """A comparable spelling of an IP literal (zone id dropped); non-IPs unchanged."""
    addr, _ = split_zone(address)
    try:
        return ipaddress.ip_address(addr).compressed
    except ValueError:
        return address


def _is_literal(name: str) -> bool:
    """True for IP literals, including the short IPv4 forms glibc accepts (``127.1``).

    ``AI_NUMERICHOST`` makes ``getaddrinfo`` parse only, never look anything up.
    """
    if family_of(name) is not None:
        return True
    if not name or name[0] not in "0123456789":
        return False
    try:
        socket.getaddrinfo(name, None, 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    except (OSError, ValueError):
        return False
    return True


def getaddrinfo_result(host: str, port: int, family: int = 0, flags: int = 0) -> GaiResult:
    """One ``getaddrinfo(host, port, family, SOCK_STREAM, 0, flags)`` call as a value.

    Addresses keep the returned order with duplicates dropped (glibc returns
    ``127.0.0.1`` twice for ``AF_INET`` when the hosts file has both ``127.0.0.1`` and
    ``::1`` for the name, because nss_files maps ``::1`` to ``127.0.0.1`` for IPv4
    queries). Every address gets ``Source.GETADDRINFO``; :func:`resolve` refines it.
    The error, if any, is the exception's text, e.g. ``[Errno -2] Name or service not known``.
    """
    label = "AI_ADDRCONFIG" if flags & socket.AI_ADDRCONFIG else str(flags)
    start = time.perf_counter()
    try:
        infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, 0, flags)
    except (OSError, ValueError, OverflowError) as exc:  # gaierror, IDNA, embedded NUL
        elapsed = (time.perf_counter() - start) * 1000.0
        return GaiResult(error=str(exc) or exc.__class__.__name__, elapsed_ms=elapsed, flags=label)
    elapsed = (time.perf_counter() - start) * 1000.0
    seen: set[tuple[Family, str]] = set()
    order: list[Address] = []
    for fam, _type, _proto, _canon, sockaddr in infos:
        if fam not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = str(sockaddr[0])
        fam_value = Family.IPV4 if fam == socket.AF_INET else Family.IPV6
        key = (fam_value, _canonical(address))
        if key in seen:
            continue
        seen.add(key)
        order.append(Address(address, fam_value, Source.GETADDRINFO))
    return GaiResult(tuple(order), None, elapsed, label)


def _hosts_addresses(hosts: HostsFile) -> set[str]:
    """Addresses the hosts file gives the name, as glibc's nss_files would return them.

    nss_files answers an IPv4 query from an IPv6 line by mapping ``::1`` to
    ``127.0.0.1`` and ``::ffff:a.b.c.d`` to ``a.b.c.d`` (glibc ``nss/nss_files/files-hosts.c``,
    ``LINE_PARSER``), so those count as coming from the hosts file too.
    """
    out: set[str] = set()
    for entry in hosts.entries:
        canonical = _canonical(entry.address)
        out.add(canonical)
        if entry.family is Family.IPV6:
            ip = ipaddress.IPv6Address(canonical)
            if ip.is_loopback:
                out.add("127.0.0.1")
            elif ip.ipv4_mapped is not None:
                out.add(str(ip.ipv4_mapped))
    return out


def _with_sources(result: GaiResult, literal: bool, hosts: set[str], dns: set[str]) -> GaiResult:
    def source(address: str) -> Source:
        canonical = _canonical(address)
        if literal:
            return Source.LITERAL
        if canonical in hosts:
            return Source.HOSTS
        if canonical in dns:
            return Source.DNS
        return Source.GETADDRINFO

    order = tuple(Address(a.address, a.family, source(a.address)) for a in result.order)
    return GaiResult(order, result.error, result.elapsed_ms, result.flags)


def client_names(name: str) -> tuple[str, tuple[str, ...]]:
    """The name the WHATWG URL parser resolves for ``name`` (Node, Chrome), and every other
    name a client in the catalogue resolves for it (``fass.test`` next to
    ``xn--fa-hia.test`` for ``faß.test``; docs/clients.md#names). A name no encoding
    accepts is looked up as given."""
    try:
        spelled = [client_name(name, handling) for handling in NameHandling]
    except UnicodeError:
        return name, ()
    primary = spelled[0]
    others: dict[str, str] = {}
    for other in spelled[1:]:
        if lookup_key(other) != lookup_key(primary):
            others.setdefault(lookup_key(other), lookup_key(other))
    return primary, tuple(others.values())


def _bounded(host: str, port: int, flags: int, deadline: float | None) -> GaiResult:
    """One flags-0 or ``AI_ADDRCONFIG`` call, abandoned at ``deadline`` (monotonic)."""
    future = in_daemon_thread(getaddrinfo_result, host, port, 0, flags)
    left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
    wait([future], timeout=left)
    if future.done():
        return future.result()
    label = "AI_ADDRCONFIG" if flags & socket.AI_ADDRCONFIG else str(flags)
    error = GAI_TIMEOUT_ERROR.format(timeout=left or 0.0)
    return GaiResult(error=error, elapsed_ms=(left or 0.0) * 1000.0, flags=label)


def resolve(
    host: str,
    port: int,
    *,
    override: ResolveOverride | None = None,
    hosts_path: str = "/etc/hosts",
    nsswitch_path: str = "/etc/nsswitch.conf",
    gai_conf_path: str = "/etc/gai.conf",
    resolv_conf_path: str = "/etc/resolv.conf",
    nameservers: list[str] | None = None,
    dns: bool = True,
    dns_timeout: float = 2.0,
    gai_timeout: float | None = None,
) -> Resolution:
    """Resolve ``host`` every way a client might, and read what explains the result.

    Args:
        host: a name or an IP literal (``[::1]`` brackets are removed).
        port: passed to ``getaddrinfo`` (it does not change the addresses).
        override: a ``--resolve`` pin; if it applies to ``(host, port)`` it is stored in
            :attr:`Resolution.override` (so ``Resolution.addresses`` returns it), while the
            real getaddrinfo results are still measured and shown.
        hosts_path, nsswitch_path, gai_conf_path, resolv_conf_path: files to explain the
            result with (tests hand in their own).
        nameservers: ``addr``, ``addr:port`` or ``[v6addr]:port``; ``None`` reads
            ``resolv_conf_path``.
        dns: ``False`` skips the DNS queries.
        dns_timeout: seconds per query; all queries run at once.
        gai_timeout: seconds to wait for the ``getaddrinfo`` calls (``None``: as long as
            the system resolver takes). A call still running then gets the error
            :data:`GAI_TIMEOUT_ERROR` and is left to finish in a daemon thread. Reading
            the hosts file stops at this deadline too (its size is capped anyway).

    Returns:
        The :class:`Resolution`. Each getaddrinfo address carries its source: ``HOSTS``
        if the hosts file lists it for the name, else ``DNS`` if a nameserver answered
        it, else ``GETADDRINFO`` (another NSS module); ``LITERAL`` for IP literals.
        An IP literal (also glibc's short IPv4 forms such as ``127.1``) is not looked
        up in the hosts file or DNS. ``localhost`` names are
        never sent to DNS (RFC 6761 section 6.3): their answers are ``LOCAL``.
    """
    name = host.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    literal = _is_literal(name)
    others: tuple[str, ...] = ()
    if not literal:
        name, others = client_names(name)
    calls = (
        ("getaddrinfo", 0, 0),
        ("addrconfig", 0, socket.AI_ADDRCONFIG),
        ("ipv4", socket.AF_INET, 0),
        ("ipv6", socket.AF_INET6, 0),
    )
    start = time.perf_counter()
    deadline = None if gai_timeout is None else time.monotonic() + gai_timeout
    other_futures = {
        (other, flags): in_daemon_thread(_bounded, other, port, flags, deadline)
        for other in others
        for flags in (0, socket.AI_ADDRCONFIG)
    }
    # Daemon threads: a lookup stuck on a silent nameserver delays neither the deadline
    # nor the process's exit (on Ctrl+C, say).
    gai_futures = {
        key: in_daemon_thread(getaddrinfo_result, name, port, fam, flags)
        for key, fam, flags in calls
    }
    dns_future = in_daemon_thread(
        dns_report,
        name,
        literal=literal,
        enabled=dns,
        nameservers=nameservers,
        resolv_conf_path=resolv_conf_path,
        timeout=dns_timeout,
    )
    hosts_deadline = deadline
    hosts = (
        HostsFile(hosts_path)
        if literal
        else read_hosts(hosts_path, name=name, deadline=hosts_deadline)
    )
    nsswitch = read_nsswitch_hosts(nsswitch_path)
    gai_conf = read_gai_conf(gai_conf_path)
    dns_answers = dns_future.result()
    if gai_timeout is not None:
        wait(gai_futures.values(), timeout=max(gai_timeout - (time.perf_counter() - start), 0))
    gai: dict[str, GaiResult] = {}
    for key, _family, flags in calls:
        future = gai_futures[key]
        if gai_timeout is None or future.done():
            gai[key] = future.result()
        else:
            label = "AI_ADDRCONFIG" if flags & socket.AI_ADDRCONFIG else str(flags)
            error = GAI_TIMEOUT_ERROR.format(timeout=gai_timeout)
            gai[key] = GaiResult(error=error, elapsed_ms=gai_timeout * 1000.0, flags=label)
    hosts_addrs = _hosts_addresses(hosts)
    dns_addrs = {_canonical(a) for answer in dns_answers.answers for a in answer.addresses}
    sourced = {key: _with_sources(r, literal, hosts_addrs, dns_addrs) for key, r in gai.items()}
    typed = host.strip().removeprefix("[").removesuffix("]")
    # A pin names the host as the user typed it (faß.test) or as a client spells it.
    applies = override is not None and (
        override.applies(name, port) or override.applies(typed, port)
    )

    def expansion(looked_up: str, answer: GaiResult) -> SearchExpansion | None:
        if literal or hosts.entries:  # nss_files answers the name as typed, before DNS
            return None
        return search_expansion(
            looked_up,
            answer,
            lambda absolute: _bounded(absolute, port, 0, deadline),
            resolv_conf_path=resolv_conf_path,
            deadline=deadline,
        )

    other_names = []
    for other in others:
        plain = _with_sources(other_futures[(other, 0)].result(), False, hosts_addrs, dns_addrs)
        addrconfig = other_futures[(other, socket.AI_ADDRCONFIG)].result()
        addrconfig = _with_sources(addrconfig, False, hosts_addrs, dns_addrs)
        other_names.append(NameLookup(other, plain, addrconfig, expansion(other, plain)))
    return Resolution(
        host=name,
        port=port,
        getaddrinfo=sourced["getaddrinfo"],
        addrconfig=sourced["addrconfig"],
        ipv4=sourced["ipv4"],
        ipv6=sourced["ipv6"],
        hosts_file=hosts,
        nsswitch=nsswitch,
        gai_conf=gai_conf,
        dns=dns_answers,
        override=override if applies else None,
        is_literal=literal,
        other_names=tuple(other_names),
        search=expansion(name, sourced["getaddrinfo"]),
        search_skipped=None
        if literal
        else search_skipped(
            name,
            sourced["getaddrinfo"],
            lambda absolute: _bounded(absolute, port, 0, deadline),
            resolv_conf_path=resolv_conf_path,
            deadline=deadline,
        ),
    )


async def resolve_async(host: str, port: int, **kwargs: object) -> Resolution:
    """:func:`resolve` in a daemon thread, for asyncio callers (same keyword arguments)."""
    return await to_daemon_thread(resolve, host, port, **kwargs)  # type: ignore[arg-type]
