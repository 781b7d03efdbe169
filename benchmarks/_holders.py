"""Processes that hold many listening sockets for bench_listeners.py.

A process may hold no more descriptors than its open-file hard limit (20,000 here), so the
sockets are spread over forked holders of at most ``PER_HOLDER`` each. Socket ``i`` has a
fixed place (:func:`expected_row`): the first ``WILDCARDS`` take ports 10000+ round-robin
on ``0.0.0.0``, ``::`` dual-stack and ``::`` v6only; the rest are IPv4 on ``127.0.0.2``,
``127.0.0.3``..., ``PORTS_PER_ADDRESS`` ports from 40000 on each.
"""

from __future__ import annotations

import os
import resource
import socket
from types import TracebackType

__all__ = ["PER_HOLDER", "Holders", "descriptors_before", "expected_row"]

PER_HOLDER = 15000
WILDCARDS = 30000
FIRST_PORT = 10000
LOOPBACK_FIRST_PORT = 40000
PORTS_PER_ADDRESS = 25000

# (family, address, v6only, accepts) as wsexplorer's JSON must show them.
_WILDCARD_KINDS = (
    ("ipv4", "0.0.0.0", None, ["ipv4"]),
    ("ipv6", "::", False, ["ipv4", "ipv6"]),
    ("ipv6", "::", True, ["ipv6"]),
)


def expected_row(i: int) -> tuple[str, int, tuple[str, str, bool | None, list[str]]]:
    """Socket ``i``'s address, port and (family, address, v6only, accepts)."""
    if i < WILDCARDS:
        want = _WILDCARD_KINDS[i % 3]
        return want[1], FIRST_PORT + i, want
    j = i - WILDCARDS
    address = f"127.0.0.{2 + j // PORTS_PER_ADDRESS}"
    return address, LOOPBACK_FIRST_PORT + j % PORTS_PER_ADDRESS, ("ipv4", address, None, ["ipv4"])


def _open(i: int) -> socket.socket:
    address, port, (family, _, v6only, _) = expected_row(i)
    if family == "ipv4":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    else:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(bool(v6only)))
    sock.bind((address, port))
    sock.listen(1)
    return sock


def _hold(first: int, end: int, ready: int, release: int) -> None:
    """In the forked child: open sockets first..end-1, say so, wait for the release."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        need = end - first + 256
        if soft < need:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
        socks = [_open(i) for i in range(first, end)]
        os.write(ready, b"ok")
    except Exception as exc:  # any failure is reported to the parent, which raises
        os.write(ready, f"holder of {first}-{end - 1}: {exc}".encode())
        os._exit(1)
    os.close(ready)
    os.read(release, 1)  # EOF when the parent closes its end (or dies)
    del socks
    os._exit(0)


class Holders:
    """``count`` listening sockets held by forked processes until the ``with`` ends."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pids: list[int] = []
        self._release_w = -1

    def pid_of(self, i: int) -> int:
        return self.pids[i // PER_HOLDER]

    def __enter__(self) -> Holders:
        release_r, self._release_w = os.pipe()
        try:
            for first in range(0, self.count, PER_HOLDER):
                ready_r, ready_w = os.pipe()
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the child
                    os.close(ready_r)
                    os.close(self._release_w)
                    _hold(first, min(first + PER_HOLDER, self.count), ready_w, release_r)
                os.close(ready_w)
                self.pids.append(pid)
                answer = os.read(ready_r, 4096)
                os.close(ready_r)
                if answer != b"ok":
                    raise RuntimeError(answer.decode(errors="replace") or "holder died")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        finally:
            os.close(release_r)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._release_w >= 0:
            os.close(self._release_w)
            self._release_w = -1
        for pid in self.pids:
            os.waitpid(pid, 0)


def descriptors_before(pid: int) -> int:
    """How many descriptors the processes of a lower pid than ``pid`` hold: ``ss -p``
    reads them all, wsexplorer (which stops once every socket has its owner, the lowest
    pid holding it) too, so a neighbour's large table costs both."""
    total = 0
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) < pid:
            try:
                total += len(os.listdir(f"/proc/{name}/fd"))
            except OSError:
                continue
    return total
