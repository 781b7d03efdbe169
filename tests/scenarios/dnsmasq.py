"""A real DNS server (dnsmasq) with given records, plus two broken nameservers.

:class:`DnsServer` runs ``dnsmasq`` in the foreground on one loopback address and port,
with no upstream servers, no ``/etc/hosts`` and no config file. Records are
``--host-record`` lines, which answer exactly the name (not subdomains): a name with only
an IPv4 address answers AAAA with NOERROR and no records (NODATA). Every other name
gets NXDOMAIN (``--local=/#/``), or REFUSED with ``refuse_unknown=True``.

Checked with dnsmasq 2.90: ``--address=/name/ip`` instead would also answer every
subdomain, and for a name given only an A address it answers AAAA with NXDOMAIN, not
NODATA, which is why it is not used here.

:func:`silent_nameserver` reads queries and never answers (for timeouts);
:func:`garbage_nameserver` answers every query with random bytes (for hardening).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import random
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tests.support import free_port, stop_process

from .netns import Namespace

__all__ = [
    "DnsServer",
    "DnsServerUnavailable",
    "dnsmasq_unavailable_reason",
    "garbage_nameserver",
    "silent_nameserver",
]

_READY_TIMEOUT = 15.0
_QUERY_LINE = re.compile(r"query\[(?P<type>[A-Z0-9]+)\] (?P<name>\S+) from (?P<client>\S+)")


class DnsServerUnavailable(RuntimeError):
    """dnsmasq is not installed (or could not start)."""


def dnsmasq_unavailable_reason() -> str | None:
    """Why dnsmasq cannot be used here, or ``None``."""
    if shutil.which("dnsmasq") is None:
        return "dnsmasq is not installed (Debian package `dnsmasq-base`)"
    return None


def _record_args(records: dict[str, list[str]]) -> list[str]:
    args: list[str] = []
    for name, addresses in records.items():
        for address in addresses:
            ipaddress.ip_address(address)  # ValueError for a typo, before dnsmasq sees it
            args.append(f"--host-record={name},{address}")
    return args


# Run inside a namespace to wait for the server there: exits 0 once anything answers.
_WAIT_SCRIPT = """
import sys, time, dns.message, dns.query
addr, port, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + limit
while time.monotonic() < deadline:
    try:
        dns.query.udp(dns.message.make_query("wsx-ready.invalid", "A"), addr, 0.3, port)
        sys.exit(0)
    except Exception:
        time.sleep(0.05)
sys.exit(1)
"""


class DnsServer:
    """A running dnsmasq answering ``records`` on ``address``:``port``.

    Attributes:
        address: the listening address.
        port: the listening port (UDP and TCP).
        log_path: dnsmasq's log (``--log-queries``), see :meth:`queries`.
    """

    address: str
    port: int

    def __init__(
        self,
        address: str,
        port: int,
        proc: subprocess.Popen[str],
        workdir: Path,
        log: IO[str],
    ) -> None:
        self.address = address
        self.port = port
        self._proc = proc
        self._workdir = workdir
        self._log = log
        self.log_path = workdir / "dnsmasq.log"

    @property
    def nameserver(self) -> str:
        """``addr:port`` (``[v6]:port``), as :func:`wsexplorer.probes.resolution.resolve` takes."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"

    @classmethod
    def start(
        cls,
        *,
        records: dict[str, list[str]],
        address: str = "127.0.0.1",
        port: int = 0,
        netns: Namespace | None = None,
        ttl: int = 60,
        refuse_unknown: bool = False,
    ) -> DnsServer:
        """Start dnsmasq and return once it answers queries.

        Args:
            records: name -> addresses (IPv4 gives A, IPv6 gives AAAA), e.g.
                ``{"both.wsx.test": ["127.0.0.5", "fd00::5"]}``.
            address: a loopback address to listen on (``127.0.0.1`` or ``::1``).
            port: 0 picks a free one.
            netns: run inside this namespace (``port`` 53 then works for resolv.conf).
            ttl: TTL of every record (``--local-ttl``).
            refuse_unknown: unknown names get REFUSED instead of NXDOMAIN.

        Raises:
            DnsServerUnavailable: dnsmasq is missing or did not start answering.
        """
        reason = dnsmasq_unavailable_reason()
        if reason is not None:
            raise DnsServerUnavailable(reason)
        last_error = ""
        for _attempt in range(5):
            chosen = port or free_port(address, udp=True)
            workdir = Path(tempfile.mkdtemp(prefix="wsx-dnsmasq-"))
            argv = [
                "dnsmasq",
                "--no-daemon",
                "--conf-file=/dev/null",
                "--pid-file",  # no argument: write no pid file
                "--no-resolv",
                "--no-hosts",
                "--no-poll",
                "--bind-interfaces",
                f"--listen-address={address}",
                f"--port={chosen}",
                f"--local-ttl={ttl}",
                "--log-queries",
                "--log-facility=-",  # stderr, into our log file
                *_record_args(records),
            ]
            if not refuse_unknown:
                argv.append("--local=/#/")
            log = (workdir / "dnsmasq.log").open("w", encoding="utf-8")
            popen_kw: dict[str, Any] = {"stdout": log, "stderr": subprocess.STDOUT}
            if netns is None:
                proc: subprocess.Popen[str] = subprocess.Popen(
                    argv, text=True, start_new_session=True, **popen_kw
                )
            else:
                proc = netns.popen(argv, **popen_kw)
            server = cls(address, chosen, proc, workdir, log)
            if server._wait_ready(netns):
                return server
            last_error = server.log_text().strip()
            server.stop()
            if port:
                break
        raise DnsServerUnavailable(f"dnsmasq did not start answering: {last_error}")

    def _wait_ready(self, netns: Namespace | None) -> bool:
        if netns is not None:
            try:
                result = netns.run(
                    [sys.executable, "-c", _WAIT_SCRIPT, self.address, str(self.port), "10"],
                    timeout=_READY_TIMEOUT,
                )
            except subprocess.TimeoutExpired:
                return False
            return result.returncode == 0 and self._proc.poll() is None
        import dns.message
        import dns.query

        deadline = time.monotonic() + _READY_TIMEOUT
        while time.monotonic() < deadline and self._proc.poll() is None:
            try:
                query = dns.message.make_query("wsx-ready.invalid", "A")
                dns.query.udp(query, self.address, timeout=0.3, port=self.port)
                return True
            except Exception:
                time.sleep(0.05)
        return False

    def log_text(self) -> str:
        """dnsmasq's output so far."""
        self._log.flush()
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def queries(self) -> list[tuple[str, str]]:
        """``(type, name)`` of each query dnsmasq logged, in order (readiness probes left out)."""
        found = [(m["type"], m["name"]) for m in _QUERY_LINE.finditer(self.log_text())]
        return [q for q in found if q[1] != "wsx-ready.invalid"]

    def stop(self) -> None:
        """Stop dnsmasq and remove its files. Idempotent."""
        if self._proc.poll() is None:
            stop_process(self._proc)
        if not self._log.closed:
            self._log.close()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> DnsServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _udp_responder(
    address: str, reply: Callable[[bytes], bytes | None]
) -> tuple[str, int, Callable[[], None]]:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((address, 0))
    port = int(sock.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            ready, _, _ = select.select([sock], [], [], 0.1)
            if not ready:
                continue
            try:
                data, peer = sock.recvfrom(65535)
            except OSError:
                return
            answer = reply(data)
            if answer is not None:
                with contextlib.suppress(OSError):
                    sock.sendto(answer, peer)

    thread = threading.Thread(target=serve, name=f"wsx-ns-{port}", daemon=True)
    thread.start()

    def close() -> None:
        stop.set()
        thread.join(timeout=5)
        sock.close()

    return address, port, close


# Run inside a namespace: bind, print the port, then read and drop datagrams forever.
_SILENT_SCRIPT = """
import socket, sys
addr = sys.argv[1]
sock = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((addr, 0))
print(sock.getsockname()[1], flush=True)
while True:
    sock.recvfrom(65535)
"""


def silent_nameserver(
    address: str = "127.0.0.1", *, netns: Namespace | None = None
) -> tuple[str, int, Callable[[], None]]:
    """A UDP socket on ``address`` that reads queries and never answers.

    Args:
        address: a loopback address.
        netns: run it inside this namespace (a small Python process) instead of a
            thread of this process.

    Returns:
        ``(address, port, close)``; call ``close()`` when done.
    """
    if netns is None:
        return _udp_responder(address, lambda _query: None)
    proc = netns.popen([sys.executable, "-c", _SILENT_SCRIPT, address], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.isdigit():
        stop_process(proc)
        raise RuntimeError(f"silent nameserver did not start in {netns.name}: {line!r}")

    def close() -> None:
        stop_process(proc)
        if proc.stdout is not None:
            proc.stdout.close()

    return address, int(line), close


def garbage_nameserver(
    address: str = "127.0.0.1", *, seed: int | None = None
) -> tuple[str, int, Callable[[], None]]:
    """A UDP nameserver that answers every query with junk.

    The reply starts with the query's 16-bit ID (so the client does not simply drop it
    as unrelated) followed by 0-512 random bytes.

    Returns:
        ``(address, port, close)``; call ``close()`` when done.
    """
    rng = random.Random(seed if seed is not None else int.from_bytes(os.urandom(8), "big"))
    lock = threading.Lock()

    def junk(query: bytes) -> bytes:
        with lock:
            body = rng.randbytes(rng.randint(0, 512))
        return query[:2] + body

    return _udp_responder(address, junk)
