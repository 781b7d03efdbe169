"""Real Linux network namespaces for tests: their own loopback, hosts file and sysctls.

``ip netns exec NAME cmd`` bind-mounts every file in ``/etc/netns/NAME/`` over the file
of the same name in ``/etc`` for ``cmd`` (ip-netns(8)), so a namespace gets its own
``hosts``, ``resolv.conf``, ``nsswitch.conf`` and ``gai.conf`` without touching the
machine's ``/etc``. Each namespace starts with only ``lo`` (brought up here).

Everything created is removed by :meth:`Namespace.delete`, by the context manager, and,
as a last resort, by an ``atexit`` sweep of the namespaces this process created.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.support import stop_process

__all__ = [
    "DEBIAN_HOSTS",
    "IPV4_ONLY_HOSTS",
    "NETNS_ETC",
    "Namespace",
    "NamespaceUnavailable",
    "live_namespaces",
    "netns_unavailable_reason",
]

#: The Debian/Ubuntu/Docker hosts file: ``::1`` is a name of ``localhost`` too.
DEBIAN_HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
#: A hosts file that gives ``localhost`` only an IPv4 address.
IPV4_ONLY_HOSTS = "127.0.0.1\tlocalhost\n"

#: Where ``ip netns exec`` looks for per-namespace ``/etc`` files.
NETNS_ETC = Path("/etc/netns")

_PREFIX = "wsx-"
_ETC_FILES = ("hosts", "resolv.conf", "nsswitch.conf", "gai.conf")
_LINK = "wsx0"  # the extra interface holding ipv4_addr / ipv6_addr
_PEER = "wsx1"  # its veth peer, when dummy interfaces are unavailable

_created: dict[str, Namespace] = {}
_created_lock = threading.Lock()


class NamespaceUnavailable(RuntimeError):
    """Network namespaces cannot be created here (not root, no ``ip``, kernel refuses)."""


def netns_unavailable_reason() -> str | None:
    """Why namespaces cannot be used here, or ``None`` if they can (cheap checks only)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "the `ip` command (iproute2) is not installed"
    return None


def live_namespaces() -> list[str]:
    """Names of the namespaces this process created and has not deleted yet."""
    with _created_lock:
        return sorted(_created)


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], text=True, capture_output=True, check=check, timeout=30)


class Namespace:
    """One network namespace named ``wsx-<random>``.

    Create with :meth:`create`; run commands inside with :meth:`run` / :meth:`popen`;
    remove with :meth:`delete` (or use it as a context manager).
    """

    name: str

    def __init__(self, name: str) -> None:
        self.name = name
        self._procs: list[subprocess.Popen[Any]] = []
        self._deleted = False

    @property
    def etc_dir(self) -> Path:
        """``/etc/netns/NAME``: files here replace ``/etc`` files inside the namespace."""
        return NETNS_ETC / self.name

    @classmethod
    def create(
        cls,
        *,
        hosts: str | None = None,
        sysctls: dict[str, str] | None = None,
        ipv6: bool = True,
        ipv4_addr: str | None = None,
        ipv6_addr: str | None = None,
        resolv_conf: str | None = None,
        nsswitch: str | None = None,
        gai_conf: str | None = None,
    ) -> Namespace:
        """Create and configure a namespace; on any failure nothing is left behind.

        Args:
            hosts, resolv_conf, nsswitch, gai_conf: contents of the namespace's
                ``/etc/hosts``, ``/etc/resolv.conf``, ``/etc/nsswitch.conf``,
                ``/etc/gai.conf``. ``None`` writes nothing, so the machine's file shows.
            sysctls: applied inside, e.g. ``{"net.ipv6.bindv6only": "1"}``.
            ipv6: ``False`` disables IPv6 (``all``, ``default`` and ``lo``), so ``::1``
                is gone; checked.
            ipv4_addr, ipv6_addr: a non-loopback address (``10.1.2.3/24``,
                ``fd00::1/64``) on an extra interface, so ``AI_ADDRCONFIG`` counts the
                family as configured. The interface gets no IPv6 link-local address
                (that would count as configured IPv6 too).

        Raises:
            NamespaceUnavailable: not root, no ``ip``, or ``ip netns add`` failed.
            ValueError: ``ipv6=False`` together with ``ipv6_addr``.
            subprocess.CalledProcessError: a configuration step failed (the namespace
                is deleted first).
        """
        if not ipv6 and ipv6_addr is not None:
            raise ValueError("ipv6_addr needs ipv6=True")
        reason = netns_unavailable_reason()
        if reason is not None:
            raise NamespaceUnavailable(reason)
        name = _PREFIX + secrets.token_hex(4)
        added = _ip("netns", "add", name, check=False)
        if added.returncode != 0:
            raise NamespaceUnavailable(f"ip netns add failed: {added.stderr.strip()}")
        ns = cls(name)
        with _created_lock:
            _created[name] = ns
        try:
            ns._configure(
                files={
                    "hosts": hosts,
                    "resolv.conf": resolv_conf,
                    "nsswitch.conf": nsswitch,
                    "gai.conf": gai_conf,
                },
                sysctls=sysctls or {},
                ipv6=ipv6,
                ipv4_addr=ipv4_addr,
                ipv6_addr=ipv6_addr,
            )
        except BaseException:
            ns.delete()
            raise
        return ns

    def _configure(
        self,
        *,
        files: dict[str, str | None],
        sysctls: dict[str, str],
        ipv6: bool,
        ipv4_addr: str | None,
        ipv6_addr: str | None,
    ) -> None:
        for filename, content in files.items():
            if content is not None:
                self.etc_dir.mkdir(parents=True, exist_ok=True)
                (self.etc_dir / filename).write_text(content, encoding="utf-8")
        _ip("-n", self.name, "link", "set", "lo", "up")
        if not ipv6:
            self._sysctl(
                {
                    "net.ipv6.conf.all.disable_ipv6": "1",
                    "net.ipv6.conf.default.disable_ipv6": "1",
                    "net.ipv6.conf.lo.disable_ipv6": "1",
                }
            )
            left = _ip("-n", self.name, "-6", "addr", "show", "dev", "lo").stdout.strip()
            if left:
                raise RuntimeError(f"IPv6 still configured on lo after disabling it: {left}")
        self._sysctl(sysctls)
        if ipv4_addr is not None or ipv6_addr is not None:
            self._add_link(ipv4_addr, ipv6_addr)

    def _sysctl(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self.run(["sysctl", "-q", "-w", f"{key}={value}"], check=True)

    def _add_link(self, ipv4_addr: str | None, ipv6_addr: str | None) -> None:
        # A dummy interface is simplest; some kernels (e.g. Firecracker guests) lack the
        # module, so fall back to a veth pair with both ends inside the namespace.
        links = [_LINK]
        if _ip("-n", self.name, "link", "add", _LINK, "type", "dummy", check=False).returncode:
            _ip("-n", self.name, "link", "add", _LINK, "type", "veth", "peer", "name", _PEER)
            links.append(_PEER)
        for link in links:
            # No automatic link-local fe80:: address: it would make AI_ADDRCONFIG see IPv6.
            _ip("-n", self.name, "link", "set", link, "addrgenmode", "none")
        if ipv4_addr is not None:
            _ip("-n", self.name, "addr", "add", ipv4_addr, "dev", _LINK)
        if ipv6_addr is not None:
            _ip("-n", self.name, "addr", "add", ipv6_addr, "dev", _LINK, "nodad")
        for link in links:
            _ip("-n", self.name, "link", "set", link, "up")

    def _argv(self, argv: list[str]) -> list[str]:
        if self._deleted:
            raise RuntimeError(f"namespace {self.name} was deleted")
        return ["ip", "netns", "exec", self.name, *argv]

    @staticmethod
    def _env(env: dict[str, str] | None) -> dict[str, str] | None:
        return None if env is None else {**os.environ, **env}

    def run(
        self,
        argv: list[str],
        *,
        timeout: float = 30,
        check: bool = False,
        env: dict[str, str] | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` inside the namespace and capture its output as text.

        ``env`` is added to this process's environment (PATH and the rest are kept).
        On ``timeout`` the command is killed and ``subprocess.TimeoutExpired`` raised.
        """
        return subprocess.run(
            self._argv(argv),
            text=True,
            capture_output=True,
            timeout=timeout,
            check=check,
            env=self._env(env),
            input=input,
        )

    def popen(self, argv: list[str], **kw: Any) -> subprocess.Popen[str]:
        """Start ``argv`` inside the namespace; it is killed by :meth:`delete`.

        Keywords go to :class:`subprocess.Popen` (``text=True`` and a new session are
        the defaults); ``env`` is added to this process's environment.
        """
        kw.setdefault("text", True)
        kw.setdefault("start_new_session", True)
        if "env" in kw:
            kw["env"] = self._env(kw["env"])
        proc: subprocess.Popen[str] = subprocess.Popen(self._argv(argv), **kw)
        self._procs.append(proc)
        return proc

    def _kill_all(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                stop_process(proc)
        self._procs.clear()
        # Anything else still running in the namespace keeps it busy: kill it too.
        pids = _ip("netns", "pids", self.name, check=False).stdout.split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid), signal.SIGKILL)

    def delete(self) -> None:
        """Kill what runs inside, ``ip netns del``, remove ``/etc/netns/NAME``. Idempotent."""
        if self._deleted:
            return
        self._deleted = True
        try:
            self._kill_all()
        finally:
            _ip("netns", "del", self.name, check=False)
            shutil.rmtree(self.etc_dir, ignore_errors=True)
            with _created_lock:
                _created.pop(self.name, None)

    def __enter__(self) -> Namespace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.delete()

    def __repr__(self) -> str:
        state = "deleted" if self._deleted else "live"
        return f"<Namespace {self.name} {state}>"


@atexit.register
def _sweep() -> None:
    """Delete namespaces this process created and never deleted."""
    with _created_lock:
        leftovers = list(_created.values())
    for ns in leftovers:
        ns.delete()
