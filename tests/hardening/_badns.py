"""Broken nameservers on port 53 inside a network namespace, for ``/etc/resolv.conf``.

glibc's ``resolv.conf`` has no port syntax (resolv.conf(5)): a nameserver the system
resolver uses must listen on port 53. ``tests/scenarios/dnsmasq.py``'s
``silent_nameserver`` and ``garbage_nameserver`` bind a random port, so they serve the
per-nameserver DNS probe but not ``getaddrinfo``; the processes here bind port 53 of the
namespace's loopback instead and run until killed (the namespace kills them on delete).

Modes:
    ``silent``: read every UDP query, never answer (but print ``query`` for each, so a
        test knows its client is now waiting); TCP connections are accepted and never
        answered either.
    ``garbage``: answer every UDP query with its 16-bit ID followed by random bytes, and
        close TCP connections at once.
"""

from __future__ import annotations

import signal
import subprocess
import sys

from tests.scenarios.netns import Namespace
from tests.support import stop_process

__all__ = ["BAD_NAMESERVER_MODES", "start_bad_nameserver"]

BAD_NAMESERVER_MODES = ("silent", "garbage")

# Runs inside the namespace: bind UDP and TCP port 53, print "ready", then misbehave.
_SCRIPT = r"""
import os, random, select, socket, sys
mode, addr = sys.argv[1], sys.argv[2]
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((addr, 53))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((addr, 53))
tcp.listen(16)
held = []
print("ready", flush=True)
rng = random.Random(int.from_bytes(os.urandom(8), "big"))
while True:
    ready, _, _ = select.select([udp, tcp], [], [])
    if udp in ready:
        data, peer = udp.recvfrom(65535)
        if mode == "garbage":
            udp.sendto(data[:2] + rng.randbytes(rng.randint(0, 512)), peer)
        else:
            print("query", flush=True)
    if tcp in ready:
        conn, _ = tcp.accept()
        if mode == "garbage":
            conn.close()
        else:
            held.append(conn)
"""


def start_bad_nameserver(
    ns: Namespace, mode: str, address: str = "127.0.0.1"
) -> subprocess.Popen[str]:
    """Start a ``silent`` or ``garbage`` nameserver on ``address``:53 inside ``ns``.

    Returns its process once it is bound (a ``silent`` one prints ``query`` on its
    stdout for each query it swallows); it runs until the namespace is deleted.

    Raises:
        ValueError: unknown ``mode``.
        RuntimeError: it did not start (its output is in the message).
    """
    if mode not in BAD_NAMESERVER_MODES:
        raise ValueError(f"mode {mode!r}: expected one of {BAD_NAMESERVER_MODES}")
    proc = ns.popen(
        [sys.executable, "-c", _SCRIPT, mode, address],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != "ready":
        stop_process(proc, sig=signal.SIGKILL)
        rest = proc.stdout.read()
        raise RuntimeError(f"{mode} nameserver did not start in {ns.name}: {line} {rest}")
    return proc
