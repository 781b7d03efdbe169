"""The namespace harness on real namespaces, and what glibc resolves inside them.

Each scenario runs ``wsexplorer resolve ... --json`` (``python -m wsexplorer``) inside a
fresh network namespace with its own ``/etc`` files, and checks both the harness (files,
sysctls, addresses really applied; everything removed) and the facts in docs/clients.md
that the diagnosis relies on (``::1`` first with a Debian hosts file, ``AI_ADDRCONFIG``
dropping ``::1`` without a non-loopback IPv6 address).
"""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.dnsmasq import DnsServer
from tests.scenarios.fixtures import require_netns
from tests.scenarios.netns import (
    DEBIAN_HOSTS,
    IPV4_ONLY_HOSTS,
    NETNS_ETC,
    Namespace,
    live_namespaces,
)
from tests.support import wsx_argv, wsx_env

pytestmark = [pytest.mark.needs_root, pytest.mark.needs_netns]

NetnsFactory = Callable[..., Namespace]


@pytest.fixture(autouse=True)
def _namespaces_available(request: pytest.FixtureRequest) -> None:
    """Skip (a failure under CI=true) where namespaces cannot be created."""
    require_netns(request)


_CONNECT_SCRIPT = """
import socket, sys
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
with socket.socket(family, socket.SOCK_STREAM) as s:
    try:
        s.connect((sys.argv[1], 9))
        print(0)
    except OSError as exc:
        print(exc.errno)
"""

_V6ONLY_SCRIPT = """
import socket
with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
    print(s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
"""


def resolve_json(ns: Namespace, host: str, port: int = 8080) -> dict[str, Any]:
    """``wsexplorer resolve HOST --port P --json --no-dns`` run inside ``ns``."""
    argv = wsx_argv("resolve", host, "--port", str(port), "--json", "--no-dns")
    result = ns.run(argv, timeout=120, env=wsx_env())
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["schema"] == "wsexplorer.resolve/1"
    return data


def addresses(data: dict[str, Any], key: str = "order") -> list[str]:
    gai = data["getaddrinfo"]
    items = gai[key] if key in ("order", "addrconfig_order") else gai[key]["order"]
    return [a["address"] for a in items]


def inside(ns: Namespace, *argv: str) -> str:
    return ns.run(list(argv), check=True).stdout.strip()


def host_hosts_file() -> bytes:
    return Path("/etc/hosts").read_bytes()


def test_debian_hosts_puts_ipv6_first(netns: NetnsFactory) -> None:
    before = host_hosts_file()
    ns = netns(hosts=DEBIAN_HOSTS)
    assert inside(ns, "cat", "/etc/hosts") == DEBIAN_HOSTS.strip()
    data = resolve_json(ns, "localhost")
    assert addresses(data) == ["::1", "127.0.0.1"]
    assert [a["source"] for a in data["getaddrinfo"]["order"]] == ["hosts", "hosts"]
    entries = data["hosts_file"]["entries"]
    assert data["hosts_file"]["path"] == "/etc/hosts"
    assert [(e["line"], e["address"]) for e in entries] == [(1, "127.0.0.1"), (2, "::1")]
    assert entries[1]["names"] == ["localhost", "ip6-localhost", "ip6-loopback"]
    # Only loopback configured: glibc's AI_ADDRCONFIG then filters nothing.
    assert addresses(data, "addrconfig_order") == ["::1", "127.0.0.1"]
    assert data["dns"]["answers"] == []
    assert host_hosts_file() == before


def test_ipv4_only_hosts_gives_only_ipv4(netns: NetnsFactory) -> None:
    ns = netns(hosts=IPV4_ONLY_HOSTS)
    data = resolve_json(ns, "localhost")
    assert addresses(data) == ["127.0.0.1"]
    assert addresses(data, "ipv6") == []
    assert data["getaddrinfo"]["ipv6"]["error"]  # glibc invents no ::1
    assert [e["line"] for e in data["hosts_file"]["entries"]] == [1]


def test_ipv6_disabled(netns: NetnsFactory) -> None:
    ns = netns(hosts=DEBIAN_HOSTS, ipv6=False)
    assert inside(ns, "ip", "-6", "addr", "show") == ""
    assert inside(ns, "cat", "/proc/sys/net/ipv6/conf/lo/disable_ipv6") == "1"
    data = resolve_json(ns, "localhost")
    # The hosts file still names ::1, but glibc sorts the now unusable ::1 last
    # (RFC 3484 rule 1, "avoid unusable destinations"), and connecting to it fails.
    assert addresses(data) == ["127.0.0.1", "::1"]
    assert addresses(data, "ipv6") == ["::1"]
    assert int(inside(ns, sys.executable, "-c", _CONNECT_SCRIPT, "::1")) == errno.EADDRNOTAVAIL
    assert int(inside(ns, sys.executable, "-c", _CONNECT_SCRIPT, "127.0.0.1")) == errno.ECONNREFUSED


def test_addrconfig_drops_ipv6_without_a_global_ipv6_address(netns: NetnsFactory) -> None:
    ns = netns(hosts=DEBIAN_HOSTS, ipv4_addr="10.200.0.1/24")
    shown = inside(ns, "ip", "-o", "addr", "show")
    assert "10.200.0.1/24" in shown
    assert "fe80" not in shown  # no link-local address that would count as IPv6
    data = resolve_json(ns, "localhost")
    assert addresses(data) == ["::1", "127.0.0.1"]
    assert addresses(data, "addrconfig_order") == ["127.0.0.1"]


def test_addrconfig_keeps_ipv6_with_a_global_ipv6_address(netns: NetnsFactory) -> None:
    ns = netns(hosts=DEBIAN_HOSTS, ipv4_addr="10.200.0.1/24", ipv6_addr="fd00:200::1/64")
    assert "fd00:200::1/64" in inside(ns, "ip", "-o", "-6", "addr", "show")
    data = resolve_json(ns, "localhost")
    assert addresses(data, "addrconfig_order") == ["::1", "127.0.0.1"]


def test_bindv6only_sysctl_applies_inside_only(netns: NetnsFactory) -> None:
    host_value = Path("/proc/sys/net/ipv6/bindv6only").read_text().strip()
    ns = netns(sysctls={"net.ipv6.bindv6only": "1"})
    assert inside(ns, "sysctl", "-n", "net.ipv6.bindv6only") == "1"
    assert inside(ns, sys.executable, "-c", _V6ONLY_SCRIPT) == "1"
    assert Path("/proc/sys/net/ipv6/bindv6only").read_text().strip() == host_value


def test_gai_conf_precedence_puts_ipv4_first(netns: NetnsFactory) -> None:
    ns = netns(hosts=DEBIAN_HOSTS, gai_conf="precedence ::ffff:0:0/96 100\n")
    data = resolve_json(ns, "localhost")
    assert addresses(data) == ["127.0.0.1", "::1"]
    assert data["gai_conf"] == ["precedence ::ffff:0:0/96 100"]


def test_every_etc_file_is_bind_mounted(netns: NetnsFactory) -> None:
    files = {
        "hosts": "127.0.0.1\tlocalhost\n10.0.0.8\tweb.wsx.test\n",
        "resolv.conf": "nameserver 127.0.0.1\noptions timeout:1\n",
        "nsswitch.conf": "hosts: files\n",
        "gai.conf": "label ::1/128 0\n",
    }
    originals = {
        name: Path("/etc", name).read_bytes() for name in files if Path("/etc", name).exists()
    }
    ns = netns(
        hosts=files["hosts"],
        resolv_conf=files["resolv.conf"],
        nsswitch=files["nsswitch.conf"],
        gai_conf=files["gai.conf"],
    )
    for name, content in files.items():
        assert inside(ns, "cat", f"/etc/{name}") == content.strip(), name
    for name, original in originals.items():
        assert Path("/etc", name).read_bytes() == original, name


def test_run_keeps_the_environment(netns: NetnsFactory) -> None:
    ns = netns()
    out = ns.run(["sh", "-c", 'echo "$WSX_PROBE|$PATH"'], env={"WSX_PROBE": "yes"})
    assert out.returncode == 0
    probe, path = out.stdout.strip().split("|", 1)
    assert probe == "yes" and path
    assert ns.run(["cat"], input="piped").stdout == "piped"
    with pytest.raises(subprocess.TimeoutExpired):
        ns.run(["sleep", "30"], timeout=0.5)


def test_delete_removes_everything() -> None:
    ns = Namespace.create(hosts=IPV4_ONLY_HOSTS)
    try:
        name = ns.name
        assert name.startswith("wsx-")
        assert name in _netns_names()
        assert (NETNS_ETC / name / "hosts").exists()
        assert name in live_namespaces()
        sleeper = ns.popen(["sleep", "600"])
        assert sleeper.poll() is None
    finally:
        ns.delete()
    assert name not in _netns_names()
    assert not (NETNS_ETC / name).exists()
    assert name not in live_namespaces()
    assert sleeper.poll() is not None
    ns.delete()  # idempotent
    with pytest.raises(RuntimeError, match="deleted"):
        ns.run(["true"])


def test_context_manager_cleans_up_on_exception() -> None:
    with pytest.raises(KeyError), Namespace.create() as ns:
        name = ns.name
        raise KeyError("boom")
    assert name not in _netns_names()
    assert name not in live_namespaces()


def test_failed_configuration_leaves_nothing() -> None:
    before = set(live_namespaces())
    with pytest.raises(subprocess.CalledProcessError):
        Namespace.create(sysctls={"net.wsx.no_such_key": "1"})
    assert set(live_namespaces()) == before


def test_ipv6_addr_needs_ipv6() -> None:
    with pytest.raises(ValueError, match="ipv6"):
        Namespace.create(ipv6=False, ipv6_addr="fd00::1/64")


@pytest.mark.needs_dnsmasq
def test_dns_server_inside_a_namespace(
    netns: NetnsFactory, dns_server: Callable[..., DnsServer]
) -> None:
    ns = netns(hosts=IPV4_ONLY_HOSTS, resolv_conf="nameserver 127.0.0.1\n")
    server = dns_server(records={"app.wsx.test": ["127.0.0.9"]}, port=53, netns=ns)
    getent = ns.run(["getent", "hosts", "app.wsx.test"])
    assert getent.returncode == 0 and "127.0.0.9" in getent.stdout
    assert ("A", "app.wsx.test") in server.queries()
    server.stop()
    assert ns.run(["getent", "hosts", "app.wsx.test"], timeout=60).returncode != 0


def _netns_names() -> list[str]:
    listing = subprocess.run(["ip", "netns", "list"], text=True, capture_output=True, check=True)
    return [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]
