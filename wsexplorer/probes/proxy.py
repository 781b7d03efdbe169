"""Read the proxy variables and measure the proxies that apply to some client.

For each proxy: one TCP connect (:func:`~wsexplorer.probes.tracer.connect_one`), then
``CONNECT host:port`` and its status line; for a ``ws://`` URL through an open tunnel, the
WebSocket upgrade and the status the server answers. Bounded by one timeout per proxy; the
proxies are measured at the same time. The proxy's own name is resolved with
``getaddrinfo`` and its first address used.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import time
from collections.abc import Mapping, Sequence

from ..model import WebSocketURL
from ..model.proxy import ProxyCheck, ProxyEnvironment, read_proxy_environment
from ._threads import to_daemon_thread
from .tracer import connect_one

__all__ = ["check_proxies", "check_proxy", "read_environment"]

_HEAD_LIMIT = 16384


def read_environment(environ: Mapping[str, str] | None = None) -> ProxyEnvironment:
    """The proxy variables of ``environ`` (default: this process's environment), masked."""
    return read_proxy_environment(os.environ if environ is None else environ)


def _authority(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def _read_head(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> bytes:
    """Bytes up to the end of an HTTP head (or EOF, or the limit)."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < _HEAD_LIMIT:
        chunk = await loop.sock_recv(sock, 4096)
        if not chunk:
            break
        data += chunk
    return data


def _status(head: bytes) -> int | None:
    parts = head.split(b"\r\n", 1)[0].split()
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None


def _upgrade(url: WebSocketURL) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {url.resource} HTTP/1.1\r\nHost: {_authority(url.host, url.port)}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


async def check_proxy(host: str, port: int, url: WebSocketURL, timeout: float) -> ProxyCheck:
    """Measure one proxy for ``url`` within about ``timeout`` seconds (never raises)."""
    target = _authority(url.host, url.port)
    start = time.perf_counter()
    try:
        infos = await asyncio.wait_for(
            to_daemon_thread(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM), timeout
        )
    except (OSError, TimeoutError) as exc:
        return ProxyCheck(host, port, target, resolve_error=str(exc) or "timed out")
    address = str(infos[0][4][0])
    left = max(timeout - (time.perf_counter() - start), 0.05)
    attempt, sock = await connect_one(address, port, left)
    check = ProxyCheck(host, port, target, attempt)
    if sock is None:
        return check
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(max(timeout - (time.perf_counter() - start), 0.05)):
            request = f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode()
            await loop.sock_sendall(sock, request)
            status = _status(await _read_head(loop, sock))
            if status is None:
                return ProxyCheck(host, port, target, attempt, error="no HTTP answer")
            check = ProxyCheck(host, port, target, attempt, status=status)
            if url.secure or not 200 <= status < 300:
                return check
            await loop.sock_sendall(sock, _upgrade(url))
            upgrade = _status(await _read_head(loop, sock))
            error = None if upgrade is not None else "no HTTP answer through the tunnel"
            return ProxyCheck(host, port, target, attempt, None, status, upgrade, error)
    except (OSError, TimeoutError) as exc:
        return ProxyCheck(
            host, port, target, attempt, None, check.status, None, str(exc) or "timed out"
        )
    finally:
        sock.close()


async def check_proxies(
    endpoints: Sequence[tuple[str, int]], url: WebSocketURL, timeout: float
) -> tuple[ProxyCheck, ...]:
    """:func:`check_proxy` for every endpoint, at the same time."""
    return tuple(await asyncio.gather(*(check_proxy(h, p, url, timeout) for h, p in endpoints)))
