from __future__ import annotations

import socket
from pathlib import Path

import psutil

from wsexplorer.probes.system import (
    _fib_trie_local_ipv4,
    local_addresses,
    neighbour_ms,
    system_facts,
)

TRIE = """Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
        |-- 127.255.255.255
           /32 link BROADCAST
     |-- 10.1.2.3
        /32 host LOCAL
"""


def test_fib_trie_parser() -> None:
    assert _fib_trie_local_ipv4(TRIE) == {"127.0.0.1", "10.1.2.3"}


def test_local_addresses_agree_with_getifaddrs() -> None:
    ours = local_addresses()
    theirs = {
        a.address.split("%", 1)[0]
        for addrs in psutil.net_if_addrs().values()
        for a in addrs
        if a.family in (socket.AF_INET, socket.AF_INET6)
    }
    assert theirs <= ours


def test_system_facts_reads_sysctl() -> None:
    facts = system_facts()
    with open("/proc/sys/net/ipv6/bindv6only") as f:
        assert facts.bindv6only == int(f.read())


def test_system_facts_read_the_kernel_timing() -> None:
    facts = system_facts()
    with open("/proc/sys/net/ipv4/tcp_syn_retries") as f:
        assert facts.tcp_syn_retries == int(f.read())
    assert facts.tcp_syn_linear_timeouts is not None  # 0 on kernels without the sysctl
    for version, value in ((4, facts.neighbour_ipv4_ms), (6, facts.neighbour_ipv6_ms)):
        base = Path(f"/proc/sys/net/ipv{version}/neigh/default/")
        mcast, app, every = (
            int((base / name).read_text())
            for name in ("mcast_solicit", "app_solicit", "retrans_time_ms")
        )
        assert value == neighbour_ms(version) == (mcast + app) * every
