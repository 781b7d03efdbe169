"""Ask every nameserver, separately and at the same time, for a name's A and AAAA records.

This is not a resolver: there is no search-domain expansion, no retry on another
server, no cache. Each nameserver gets one A and one AAAA query (``dns.message`` +
``dns.query.udp``, retried over TCP when the reply is truncated), and each outcome is
reported on its own, so the user sees which server said what. dnspython is imported
lazily so that callers which skip DNS do not pay for it.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Sequence
from concurrent.futures import Future, wait

from wsexplorer.model import DnsAnswer, DnsOutcome, DnsReport

from ..model.record import record
from ._threads import in_daemon_thread

__all__ = [
    "LOCALHOST_NOTE",
    "QUERY_TYPES",
    "Nameserver",
    "is_localhost_name",
    "parse_nameserver",
    "query_nameservers",
    "query_one",
]

#: The record types asked of each nameserver, in this order.
QUERY_TYPES = ("A", "AAAA")

#: Shown instead of DNS answers for ``localhost`` and ``*.localhost``.
LOCALHOST_NOTE = (
    "localhost names are answered locally and never sent to DNS "
    "(RFC 6761 section 6.3); see the hosts file and getaddrinfo instead"
)

_DNS_PORT = 53


@record
class Nameserver:
    """A nameserver address and port, with the label used in reports."""

    address: str
    port: int = _DNS_PORT

    @property
    def label(self) -> str:
        """``addr`` on port 53, else ``addr:port`` (``[v6]:port`` for IPv6)."""
        if self.port == _DNS_PORT:
            return self.address
        if ":" in self.address:
            return f"[{self.address}]:{self.port}"
        return f"{self.address}:{self.port}"


def parse_nameserver(text: str) -> Nameserver:
    """Parse ``addr``, ``addr:port`` or ``[v6addr]:port`` (a bare IPv6 address has no port).

    Raises:
        ValueError: ``text`` is not an IP address with an optional port in 1-65535.
    """
    spec = text.strip()
    port_text: str | None = None
    if spec.startswith("["):
        addr, sep, rest = spec[1:].partition("]")
        if not sep:
            raise ValueError(f"nameserver {text!r}: missing ']'")
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"nameserver {text!r}: expected ':PORT' after ']'")
            port_text = rest[1:]
    elif spec.count(":") == 1:
        addr, _, port_text = spec.partition(":")
    else:
        addr = spec
    try:
        ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        raise ValueError(f"nameserver {text!r}: {addr!r} is not an IP address") from None
    port = _DNS_PORT
    if port_text is not None:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise ValueError(f"nameserver {text!r}: port must be 1-65535")
        port = int(port_text)
    return Nameserver(addr, port)


def is_localhost_name(host: str) -> bool:
    """True for ``localhost`` and any name under ``.localhost`` (case-insensitive)."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def _no_reply(label: str, rdtype: str, timeout: float, elapsed_ms: float) -> DnsAnswer:
    return DnsAnswer(
        label,
        rdtype,
        DnsOutcome.TIMEOUT,
        error=f"no reply within {timeout:g} s",
        elapsed_ms=elapsed_ms,
    )


def query_one(host: str, rdtype: str, server: Nameserver, timeout: float) -> DnsAnswer:
    """One query of ``rdtype`` for ``host`` to ``server``; every failure becomes a value.

    Outcomes: ``ANSWER`` (addresses of that type in the answer section, CNAME chains
    followed by the server; ``ttl`` the smallest TTL among them), ``NO_ANSWER`` (NOERROR
    without records of that type), ``NXDOMAIN``, ``TIMEOUT`` (no reply within
    ``timeout`` seconds, UDP and any TCP retry together), ``ERROR`` (other rcodes such
    as ``SERVFAIL``/``REFUSED``, malformed replies, socket errors: the text says which).
    """
    import dns.exception
    import dns.flags
    import dns.message
    import dns.query
    import dns.rcode
    import dns.rdatatype

    label = server.label
    start = time.perf_counter()
    deadline = start + timeout
    try:
        query = dns.message.make_query(host, rdtype)
        reply = dns.query.udp(query, server.address, timeout=timeout, port=server.port)
        if reply.flags & dns.flags.TC:
            remaining = max(deadline - time.perf_counter(), 0.001)
            reply = dns.query.tcp(query, server.address, timeout=remaining, port=server.port)
    except dns.exception.Timeout:
        return _no_reply(label, rdtype, timeout, _ms_since(start))
    except Exception as exc:  # malformed replies, bad names, socket errors: all values
        text = str(exc) or exc.__class__.__name__
        return DnsAnswer(
            label,
            rdtype,
            DnsOutcome.ERROR,
            error=f"{exc.__class__.__name__}: {text}",
            elapsed_ms=_ms_since(start),
        )
    elapsed = _ms_since(start)
    rcode = reply.rcode()
    if rcode == dns.rcode.NXDOMAIN:
        return DnsAnswer(label, rdtype, DnsOutcome.NXDOMAIN, elapsed_ms=elapsed)
    if rcode != dns.rcode.NOERROR:
        return DnsAnswer(
            label, rdtype, DnsOutcome.ERROR, error=dns.rcode.to_text(rcode), elapsed_ms=elapsed
        )
    wanted = dns.rdatatype.from_text(rdtype)
    addresses: list[str] = []
    ttls: list[int] = []
    for rrset in reply.answer:
        if rrset.rdtype != wanted:
            continue
        ttls.append(rrset.ttl)
        for rdata in rrset:
            text = rdata.to_text()
            if text not in addresses:
                addresses.append(text)
    if not addresses:
        return DnsAnswer(label, rdtype, DnsOutcome.NO_ANSWER, elapsed_ms=elapsed)
    return DnsAnswer(
        label,
        rdtype,
        DnsOutcome.ANSWER,
        addresses=tuple(addresses),
        ttl=min(ttls),
        elapsed_ms=elapsed,
    )


def query_nameservers(
    host: str,
    nameservers: Sequence[str],
    *,
    timeout: float = 2.0,
    note: str | None = None,
) -> DnsReport:
    """Ask each of ``nameservers`` for A and AAAA of ``host``, all queries at once.

    Args:
        host: the name as given; a name without a dot is queried as the single-label
            name itself (no search domains, unlike glibc's resolver).
        nameservers: ``addr``, ``addr:port`` or ``[v6addr]:port`` strings; one that does
            not parse gets an ``ERROR`` answer per type instead of a query.
        timeout: seconds each query may take; a silent server delays nothing else,
            and the whole call returns within about ``timeout`` seconds.
        note: carried into :attr:`DnsReport.note`.

    Returns:
        A :class:`DnsReport` with answers in nameserver order, A before AAAA.
        ``localhost`` names are never sent: their answers are ``LOCAL``.
    """
    targets: list[tuple[str, Nameserver | str]] = []  # (label, server or parse error)
    for spec in nameservers:
        try:
            server = parse_nameserver(spec)
        except ValueError as exc:
            targets.append((spec, str(exc)))
        else:
            targets.append((server.label, server))
    labels = tuple(label for label, _ in targets)
    if is_localhost_name(host):
        answers = tuple(
            DnsAnswer(label, rdtype, DnsOutcome.LOCAL) for label in labels for rdtype in QUERY_TYPES
        )
        joined = LOCALHOST_NOTE if note is None else f"{LOCALHOST_NOTE}; {note}"
        return DnsReport(labels, answers, note=joined)
    jobs = [(label, target, rdtype) for label, target in targets for rdtype in QUERY_TYPES]
    results: list[DnsAnswer | None] = [None] * len(jobs)
    futures: dict[Future[DnsAnswer], int] = {}
    # One daemon thread per query: a silent server's query is left behind at the
    # deadline and never delays the caller or the process's exit.
    for index, (label, target, rdtype) in enumerate(jobs):
        if isinstance(target, str):
            results[index] = DnsAnswer(label, rdtype, DnsOutcome.ERROR, error=target)
        else:
            futures[in_daemon_thread(query_one, host, rdtype, target, timeout)] = index
    # Hang guard only: dnspython honours ``timeout`` itself.
    done, _ = wait(futures, timeout=timeout + 1.0)
    for future, index in futures.items():
        label, _, rdtype = jobs[index]
        if future in done:
            results[index] = future.result()  # re-raises programming errors only
        else:
            results[index] = _no_reply(label, rdtype, timeout, timeout * 1000.0)
    return DnsReport(labels, tuple(a for a in results if a is not None), note=note)
