"""The listeners probe against real sockets: what it reports must match what really connects.

Every listener is a real socket on loopback (port 0). What a socket "accepts" is checked by
connecting to ``127.0.0.1`` and ``::1`` on its port and seeing whether the connection
arrives at that very socket, not by trusting the bind address.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support import ROOT, run_wsx, wsx_env
from wsexplorer.model import AcceptsSource, Family, Listener, ListenerScan
from wsexplorer.model.untrusted import json_safe
from wsexplorer.probes import _procfs, _sockdiag
from wsexplorer.probes.listeners import (
    METHOD_FALLBACK,
    METHOD_SOCK_DIAG,
    kernel,
    scan_listeners,
    scan_listeners_json,
    scan_listeners_psutil,
)
from wsexplorer.report import dump_json

LINUX = sys.platform.startswith("linux")


def _ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
needs_linux = pytest.mark.skipif(not LINUX, reason="sock_diag is Linux only")


@dataclass
class Held:
    """One real listening socket and what we set on it."""

    name: str
    sock: socket.socket
    family: Family
    address: str

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def inode(self) -> int:
        return os.fstat(self.sock.fileno()).st_ino

    @property
    def v6only(self) -> bool | None:
        """The flag as the socket itself reports it (getsockopt), None for IPv4."""
        if self.family is Family.IPV4:
            return None
        return bool(self.sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))


def _listen(address: str, v6only: int | None = None, port: int = 0) -> socket.socket:
    fam = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(fam, socket.SOCK_STREAM)
    if v6only is not None:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    sock.bind((address, port))
    sock.listen(16)
    sock.settimeout(2.0)  # hang guard for accept()
    return sock


@pytest.fixture
def held() -> Iterator[dict[str, Held]]:
    """The five classic listeners, each on its own port."""
    if not _ipv6_loopback():
        pytest.skip("no IPv6 loopback here")
    specs = [
        ("any4", "0.0.0.0", None, Family.IPV4),
        ("dual", "::", 0, Family.IPV6),
        ("v6only", "::", 1, Family.IPV6),
        ("lo4", "127.0.0.1", None, Family.IPV4),
        ("lo6", "::1", None, Family.IPV6),
    ]
    out: dict[str, Held] = {}
    try:
        for name, address, v6only, family in specs:
            out[name] = Held(name, _listen(address, v6only), family, address)
        yield out
    finally:
        for item in out.values():
            item.sock.close()


def _reaches(listener: socket.socket, host: str, port: int) -> bool:
    """Connect to ``host:port``; True only if the connection lands on ``listener``."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as client:
        client.settimeout(2.0)
        try:
            client.connect((host, port))
        except OSError:
            return False
        peer = client.getsockname()
        try:
            conn, addr = listener.accept()
        except TimeoutError:
            return False  # connected, but to someone else's socket on that port
        with conn:
            # IPv4 peers of a dual-stack socket show as ::ffff:a.b.c.d
            return bool(addr[1] == peer[1])


def _measured_accepts(item: Held) -> set[Family]:
    got: set[Family] = set()
    if _reaches(item.sock, "127.0.0.1", item.port):
        got.add(Family.IPV4)
    if _reaches(item.sock, "::1", item.port):
        got.add(Family.IPV6)
    return got


def _ours(scan: ListenerScan, item: Held) -> Listener:
    mine = [lis for lis in scan.listeners if lis.inode == item.inode]
    assert len(mine) == 1, (item.name, scan.listeners)
    return mine[0]


def _own_comm() -> str:
    return Path("/proc/self/comm").read_text().strip()


@needs_linux
def test_each_listener_reports_what_really_connects(held: dict[str, Held]) -> None:
    for item in held.values():
        scan = scan_listeners(port=item.port)
        assert scan.method == METHOD_SOCK_DIAG
        assert scan.error is None
        lis = _ours(scan, item)
        assert lis.protocol == "tcp"
        assert lis.family is item.family
        assert lis.address == item.address
        assert lis.port == item.port
        assert lis.v6only == item.v6only, item.name
        assert lis.accepts_source is AcceptsSource.KERNEL
        assert set(lis.accepts) == _measured_accepts(item), item.name


@needs_linux
def test_the_five_classic_binds_accept_what_design_says(held: dict[str, Held]) -> None:
    scan = scan_listeners()
    got = {name: _ours(scan, item) for name, item in held.items()}
    assert got["any4"].accepts == (Family.IPV4,)
    assert (got["dual"].v6only, got["dual"].accepts) == (False, (Family.IPV4, Family.IPV6))
    assert (got["v6only"].v6only, got["v6only"].accepts) == (True, (Family.IPV6,))
    assert got["lo4"].accepts == (Family.IPV4,)
    assert got["lo6"].accepts == (Family.IPV6,)


@needs_linux
def test_own_sockets_carry_our_pid_and_process_name(held: dict[str, Held]) -> None:
    scan = scan_listeners()
    for item in held.values():
        lis = _ours(scan, item)
        assert lis.pid == os.getpid()
        assert lis.process == _own_comm()
        assert lis.uid == os.geteuid()


@needs_linux
def test_without_processes_no_pid_and_nothing_hidden(held: dict[str, Held]) -> None:
    scan = scan_listeners(with_processes=False)
    lis = _ours(scan, held["dual"])
    assert (lis.pid, lis.process) == (None, None)
    assert not scan.hidden_processes


@needs_linux
def test_sorted_by_port_family_address_and_no_duplicates(held: dict[str, Held]) -> None:
    scan = scan_listeners(include_udp=True)
    keys = [(lis.port, lis.family.value, lis.address) for lis in scan.listeners]
    assert keys == sorted(keys)
    inodes = [lis.inode for lis in scan.listeners]
    assert len(inodes) == len(set(inodes))
    assert scan.elapsed_ms > 0


@needs_linux
def test_port_filter_keeps_only_that_port(held: dict[str, Held]) -> None:
    target = held["v6only"]
    scan = scan_listeners(port=target.port)
    assert scan.listeners
    assert {lis.port for lis in scan.listeners} == {target.port}
    everything = scan_listeners()
    assert {held[n].port for n in held} <= {lis.port for lis in everything.listeners}


@needs_linux
def test_kernel_bytecode_filter_matches_port(held: dict[str, Held]) -> None:
    target = held["any4"]
    requests = [
        (_sockdiag.AF_INET, _sockdiag.IPPROTO_TCP, 1 << _sockdiag.TCP_LISTEN),
        (_sockdiag.AF_INET6, _sockdiag.IPPROTO_TCP, 1 << _sockdiag.TCP_LISTEN),
    ]
    filtered = _sockdiag.dump(requests, port=target.port)
    assert target.inode in {row[4] for row in filtered}
    assert {row[0] for row in filtered} == {target.port}
    unfiltered = _sockdiag.dump(requests)
    assert {row[4] for row in filtered} <= {row[4] for row in unfiltered}
    assert len(unfiltered) >= len(held)


@needs_linux
def test_json_fast_path_is_exactly_the_model_json_for_the_same_sockets(
    held: dict[str, Held],
) -> None:
    """``listeners --json`` text equals ``json.dumps`` of the model's scan, socket by socket."""
    for item in held.values():
        for udp in (False, True):
            text = scan_listeners_json(port=item.port, include_udp=udp)
            assert text == json.dumps(scan_listeners(port=item.port, include_udp=udp).to_json())
            rows = json.loads(text)["listeners"]
            assert {row["port"] for row in rows} == {item.port}
            assert [row["address"] for row in rows if row["pid"] == os.getpid()] == [item.address]


_ADDRESSES = {
    socket.AF_INET: st.sampled_from(["0.0.0.0", "127.0.0.1", "10.1.2.3"]),
    socket.AF_INET6: st.sampled_from(["::", "::1", "fe80::1%eth0", "::ffff:127.0.0.1"]) | st.text(),
}


@st.composite
def _kernel_rows(draw: st.DrawFn) -> list[tuple[int, int, str, str, int, int, int]]:
    rows = []
    for inode in draw(st.sets(st.integers(1, 2**40), max_size=12)):
        fam = draw(st.sampled_from([socket.AF_INET, socket.AF_INET6]))
        rows.append(
            (
                draw(st.integers(0, 65535)),
                int(fam),
                draw(_ADDRESSES[fam]),
                draw(st.sampled_from(["tcp", "udp"])),
                inode,
                -1 if fam == socket.AF_INET else draw(st.sampled_from([-1, 0, 1])),
                draw(st.integers(0, 2**32 - 1)),
            )
        )
    return sorted(rows)


@given(
    rows=_kernel_rows(),
    names=st.lists(st.text() | st.none(), min_size=1, max_size=3),
    pids=st.lists(st.integers(1, 2**22), min_size=1, max_size=3),
    notes=st.lists(st.text(), max_size=3),
    error=st.text() | st.none(),
    data=st.data(),
)
def test_json_writer_follows_the_model_on_random_rows(
    rows: list[tuple[int, int, str, str, int, int, int]],
    names: list[str | None],
    pids: list[int],
    notes: list[str],
    error: str | None,
    data: st.DataObject,
) -> None:
    """The kernel path's JSON writer and ``ListenerScan.to_json`` agree on any rows,
    owners (awkward names, shared owners, none), notes and error: same keys, same order,
    same values, the same ``accepts`` rule."""
    owners = {
        row[4]: (data.draw(st.sampled_from(pids)), data.draw(st.sampled_from(names)))
        for row in rows
        if data.draw(st.booleans())
    }
    text = kernel.rows_json_text(rows, owners, METHOD_SOCK_DIAG, notes, error)
    scan = ListenerScan(
        listeners=kernel.build_listeners(rows, owners),
        method=METHOD_SOCK_DIAG,
        notes=tuple(notes),
        error=error,
    )
    assert text == json.dumps(scan.to_json())
    assert json.loads(text) == scan.to_json()
    pretty = kernel.rows_json_text(rows, owners, METHOD_SOCK_DIAG, notes, error, pretty=True)
    assert pretty == dump_json(scan.to_json())  # as diagnose --json prints its JSON


@given(st.text() | st.none())
def test_json_string_is_json_dumps(text: str | None) -> None:
    assert kernel.json_string(text) == json.dumps(text)
    pretty = json_safe(json.dumps(text, ensure_ascii=False))
    assert kernel.pretty_json_string(text) == pretty


@needs_linux
def test_scan_listeners_json_matches_scan_listeners(held: dict[str, Held]) -> None:
    for item in held.values():
        fast = json.loads(scan_listeners_json(port=item.port))
        assert fast == scan_listeners(port=item.port).to_json()
        assert [row["port"] for row in fast["listeners"]] == [item.port]


def _attrs(*attrs: tuple[int, bytes]) -> bytes:
    """Netlink attributes as the kernel lays them out (4-byte aligned)."""
    out = b""
    for atype, payload in attrs:
        out += struct.pack("=HH", 4 + len(payload), atype) + payload
        out += b"\0" * (-len(out) % 4)
    return out


def test_v6only_attribute_found_wherever_it_sits() -> None:
    shutdown, mark, v6only = 8, 15, _sockdiag.INET_DIAG_SKV6ONLY
    cases = {
        _attrs((shutdown, b"\0"), (v6only, b"\1")): 1,
        _attrs((v6only, b"\0")): 0,
        _attrs((mark, b"\0\0\0\0"), (shutdown, b"\0"), (v6only, b"\1")): 1,
        _attrs((shutdown, b"\0")): -1,
        b"": -1,
        _attrs((v6only | 0x8000, b"\1")): 1,  # NLA_F_NESTED bit ignored
    }
    for data, want in cases.items():
        buf = bytearray(data)
        assert _sockdiag._v6only(buf, 0, len(buf)) == want, data


@given(st.binary(max_size=64))
def test_v6only_parser_never_raises_on_junk(data: bytes) -> None:
    buf = bytearray(data) + bytearray(8)  # slack as in the real receive buffer
    assert _sockdiag._v6only(buf, 0, len(data)) in (-1, 0, 1)


def test_port_bytecode_rejects_out_of_range() -> None:
    with pytest.raises(ValueError):
        _sockdiag.port_bytecode(65536)
    assert len(_sockdiag.port_bytecode(8080)) == 16


@needs_linux
def test_udp_only_with_include_udp() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        port = udp.getsockname()[1]
        inode = os.fstat(udp.fileno()).st_ino
        assert not [lis for lis in scan_listeners(port=port).listeners if lis.inode == inode]
        scan = scan_listeners(port=port, include_udp=True)
        mine = [lis for lis in scan.listeners if lis.inode == inode]
        assert len(mine) == 1
        assert (mine[0].protocol, mine[0].address, mine[0].accepts) == (
            "udp",
            "127.0.0.1",
            (Family.IPV4,),
        )
        assert mine[0].pid == os.getpid()


@needs_linux
@needs_ipv6
def test_udp_v6only_flag_comes_from_the_kernel() -> None:
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as udp:
        udp.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        udp.bind(("::", 0))
        port = udp.getsockname()[1]
        scan = scan_listeners(port=port, include_udp=True)
        mine = [lis for lis in scan.listeners if lis.inode == os.fstat(udp.fileno()).st_ino]
        assert [(lis.v6only, lis.accepts) for lis in mine] == [(True, (Family.IPV6,))]


@needs_linux
def test_netlink_refused_falls_back_and_says_why(
    held: dict[str, Held], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a sandbox refuses AF_NETLINK, the same call still answers, via psutil."""
    pytest.importorskip("psutil")

    def refused(*args: object, **kwargs: object) -> list[object]:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(_sockdiag, "dump", refused)
    item = held["v6only"]
    scan = scan_listeners(port=item.port)
    assert scan.method == METHOD_FALLBACK
    assert "sock_diag netlink unavailable" in scan.notes[0]
    mine = [lis for lis in scan.listeners if lis.pid == os.getpid()]
    assert [(lis.v6only, lis.accepts, lis.accepts_source) for lis in mine] == [
        (True, (Family.IPV6,), AcceptsSource.PROBE)
    ]
    text = json.loads(scan_listeners_json(port=item.port))
    assert text["method"] == METHOD_FALLBACK


def test_fallback_gives_the_same_accepts_by_probing(held: dict[str, Held]) -> None:
    pytest.importorskip("psutil")
    for item in held.values():
        scan = scan_listeners_psutil(port=item.port, reason="test")
        assert scan.method == METHOD_FALLBACK
        assert scan.notes[0] == "test"
        assert any("127.0.0.1" in note for note in scan.notes)
        mine = [lis for lis in scan.listeners if lis.pid == os.getpid()]
        assert len(mine) == 1, (item.name, scan.listeners)
        lis = mine[0]
        assert lis.accepts_source is AcceptsSource.PROBE
        assert (lis.family, lis.address, lis.port) == (item.family, item.address, item.port)
        # A probe's connection (if it connected) is already queued on our socket: take it
        # without waiting so the check below measures fresh connects only.
        item.sock.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            item.sock.accept()[0].close()
        item.sock.settimeout(2.0)
        assert set(lis.accepts) == _measured_accepts(item), item.name
        if item.address == "::":
            assert lis.v6only == item.v6only
        if LINUX:
            kernel = _ours(scan_listeners(port=item.port), item)
            assert lis.accepts == kernel.accepts
            assert lis.process == kernel.process


@needs_ipv6
def test_fallback_says_when_the_probe_cannot_tell() -> None:
    pytest.importorskip("psutil")
    four = _listen("0.0.0.0")
    port = four.getsockname()[1]
    try:
        six = _listen("::", v6only=1, port=port)
    except OSError:
        four.close()
        pytest.skip("cannot bind :: v6only beside 0.0.0.0 on one port here")
    with four, six:
        scan = scan_listeners_psutil(port=port)
        wild6 = [lis for lis in scan.listeners if lis.family is Family.IPV6]
        assert len(wild6) == 1
        assert wild6[0].v6only is None
        assert wild6[0].accepts_source is AcceptsSource.ASSUMED
        assert any(str(port) in note and "could not tell" in note for note in scan.notes)


@needs_linux
def test_procfs_walk_stops_and_reports_missing() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        ino = os.fstat(sock.fileno()).st_ino
        walk = _procfs.socket_owners([ino])
        assert walk.complete
        assert walk.owners[ino][0] == os.getpid()
    # An inode nobody holds: the walk ends incomplete, without raising.
    walk = _procfs.socket_owners([1])
    assert not walk.complete
    assert walk.owners == {}


@needs_linux
def test_procfs_walk_gives_each_socket_its_lowest_pid() -> None:
    """A socket two processes hold belongs to the lower pid (as ``ss -p`` lists first);
    the walk goes on past that process for a socket only the other one holds."""
    shared = socket.socket()
    shared.bind(("127.0.0.1", 0))
    shared.listen()
    ready_r, ready_w = os.pipe()
    release_r, release_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: keeps ``shared``, opens its own, waits for the release
        code = 1
        try:
            os.close(release_w)  # EOF on release_r once the parent closes its end
            os.close(ready_r)
            own = socket.socket()
            own.bind(("127.0.0.1", 0))
            own.listen()
            os.write(ready_w, str(os.fstat(own.fileno()).st_ino).encode())
            os.read(release_r, 1)
            code = 0
        finally:
            os._exit(code)
    os.close(ready_w)
    os.close(release_r)
    try:
        own_inode = int(os.read(ready_r, 64))
        shared_inode = os.fstat(shared.fileno()).st_ino
        walk = _procfs.socket_owners([own_inode, shared_inode])
        assert walk.complete
        assert walk.owners[shared_inode][0] == min(pid, os.getpid())
        assert walk.owners[own_inode][0] == pid
    finally:
        os.close(release_w)
        os.close(ready_r)
        os.waitpid(pid, 0)
        shared.close()


@needs_linux
@pytest.mark.needs_root
def test_other_users_sockets_have_no_pid_and_say_so(held: dict[str, Held]) -> None:
    """A non-root scan cannot read root's /proc/PID/fd: pid None, hidden, a note."""
    if os.geteuid() != 0:
        pytest.skip("needs root to drop to another user")
    target = held["dual"]
    inode, port = target.inode, target.port
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: become nobody, scan, report, exit without cleanup
        code = 1
        try:
            os.close(read_end)
            for item in held.values():
                item.sock.close()  # only the parent (root) holds the sockets now
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            scan = scan_listeners(port=port)
            mine = [lis.to_json() for lis in scan.listeners if lis.inode == inode]
            payload = {"hidden": scan.hidden_processes, "notes": list(scan.notes), "mine": mine}
            os.write(write_end, json.dumps(payload).encode())
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    result = json.loads(data)
    assert result["hidden"] is True
    assert any("run as root" in note for note in result["notes"])
    assert len(result["mine"]) == 1
    assert result["mine"][0]["pid"] is None
    assert result["mine"][0]["process"] is None
    assert result["mine"][0]["accepts"] == ["ipv4", "ipv6"]


@needs_linux
def test_cli_listeners_json_prints_the_schema(held: dict[str, Held]) -> None:
    target = held["dual"]
    proc, _ = run_wsx("listeners", "--port", str(target.port), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "wsexplorer.listeners/1"
    assert doc["method"] == METHOD_SOCK_DIAG
    mine = [row for row in doc["listeners"] if row["pid"] == os.getpid()]
    assert mine == [
        {
            "protocol": "tcp",
            "family": "ipv6",
            "address": "::",
            "port": target.port,
            "v6only": False,
            "accepts": ["ipv4", "ipv6"],
            "accepts_source": "kernel",
            "pid": os.getpid(),
            "process": _own_comm(),
            "uid": os.geteuid(),
        }
    ]


def test_cli_listeners_rejects_a_bad_port() -> None:
    proc, _ = run_wsx("listeners", "--port", "70000")
    assert proc.returncode == 2
    assert "70000" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_probe_package_imports_only_the_standard_library() -> None:
    """Importing the probe, and the JSON fast path, load no third-party module.

    The JSON path does not even load the model's dataclasses, nor the portable fallback.
    """
    code = (
        "import sys, wsexplorer.probes.listeners as m; "
        "m.scan_listeners_json() if sys.platform.startswith('linux') else None; "
        "names = ('psutil', 'textual', 'websockets', 'dns', 'dataclasses', "
        "'wsexplorer.model.listener', 'wsexplorer.probes.listeners.fallback'); "
        "bad = [n for n in names if n in sys.modules and sys.platform.startswith('linux')]; "
        "bad += [n for n in names[:4] if n in sys.modules]; "
        "print(','.join(bad))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=wsx_env(),
        check=True,
    )
    assert proc.stdout.strip() == ""


def test_listeners_json_command_starts_lean() -> None:
    """``wsexplorer listeners --all --json`` loads neither the URL parser, the report, the
    model's dataclasses nor anything that is not the standard library."""
    code = (
        "import contextlib, io, sys; from wsexplorer.cli import main; "
        "out = io.StringIO(); ctx = contextlib.redirect_stdout(out); ctx.__enter__(); "
        "rc = main(['listeners', '--all', '--json']); ctx.__exit__(None, None, None); "
        "names = ('psutil', 'textual', 'websockets', 'dns', 'wsexplorer.model.url', "
        "'wsexplorer.report', 'wsexplorer.diagnosis'); "
        "names += ('dataclasses',) if sys.platform.startswith('linux') else (); "
        "print(rc, ','.join(n for n in names if n in sys.modules), "
        "out.getvalue().startswith('{\\n  \"schema\": '))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=wsx_env(),
        check=True,
    )
    assert proc.stdout.split() == ["0", "True"]  # pretty, as diagnose --json


# --------------------------------------------------------------------------- netns

_NETNS_SCRIPT = r"""
import json, os, socket
from wsexplorer.probes.listeners import scan_listeners

def listen(addr, port, v6only=None, kind=socket.SOCK_STREAM):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, kind)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen()
    return s

held = [
    listen("::", 8080, 1), listen("0.0.0.0", 8080),
    listen("::", 8081, 0),
    listen("127.0.0.1", 8082), listen("::1", 8083),
    listen("127.0.0.1", 5353, kind=socket.SOCK_DGRAM),
]
scan = scan_listeners(include_udp=True)
lo6 = held[4].getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
print(json.dumps({"pid": os.getpid(), "scan": scan.to_json(),
                  "hidden": scan.hidden_processes, "lo6_v6only": bool(lo6)}))
"""


def _netns_available() -> str | None:
    if not LINUX:
        return "network namespaces are Linux only"
    if os.geteuid() != 0:
        return "ip netns needs root"
    if shutil.which("ip") is None:
        return "iproute2 (ip) is not installed"
    return None


@pytest.mark.needs_root
@pytest.mark.needs_netns
def test_fresh_namespace_lists_exactly_our_sockets() -> None:
    why = _netns_available()
    if why:
        pytest.skip(why)
    name = f"wsx-lis-{uuid.uuid4().hex[:8]}"
    add = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if add.returncode != 0:
        pytest.skip(f"ip netns add failed: {add.stderr.strip()}")
    try:
        subprocess.run(
            ["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True, timeout=30
        )
        proc = subprocess.run(
            ["ip", "netns", "exec", name, sys.executable, "-c", _NETNS_SCRIPT],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False, timeout=30)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    rows = out["scan"]["listeners"]
    got = [
        (r["protocol"], r["family"], r["address"], r["port"], r["v6only"], r["accepts"])
        for r in rows
    ]
    # ::1 keeps the namespace default (net.ipv6.bindv6only); the script read it back.
    lo6_v6only = out["lo6_v6only"]
    assert got == [
        ("udp", "ipv4", "127.0.0.1", 5353, None, ["ipv4"]),
        ("tcp", "ipv4", "0.0.0.0", 8080, None, ["ipv4"]),
        ("tcp", "ipv6", "::", 8080, True, ["ipv6"]),
        ("tcp", "ipv6", "::", 8081, False, ["ipv4", "ipv6"]),
        ("tcp", "ipv4", "127.0.0.1", 8082, None, ["ipv4"]),
        ("tcp", "ipv6", "::1", 8083, lo6_v6only, ["ipv6"]),
    ]
    assert {r["pid"] for r in rows} == {out["pid"]}
    assert out["scan"]["method"] == METHOD_SOCK_DIAG
    assert out["hidden"] is False
