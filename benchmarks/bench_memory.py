#!/usr/bin/env python3
"""Memory under hostile peers (issue "Hostile peers and untrusted text", findings 2, 5, 6).

Each load runs against a real process, whose memory growth is its peak resident set
(``VmHWM``) minus its ``VmRSS`` just before the load, from ``/proc/PID/status``. Each is
printed next to its goal (under 50 MB) and next to a reference: the same load against
plain websockets with default settings (for the session, the settings it had before:
``max_size=2**24``), run the same way on the same machine.

(1) ping flood, session: a server sends MB of Pings (125-byte payloads) and never reads.
(2) ping flood, server: a client does the same to ``wsexplorer serve``.
(3) unread echoes, server: 20 clients each send 16 messages of 1 MiB, never reading.
(4) deflate bomb, session: 20 frames of 16 KB, each inflating to 16 MiB.
(5) 1,000 half-open connections, server (also: the server's descriptors).

    python benchmarks/bench_memory.py [--only 1,2,...] [--flood-mb 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from _env import child_env  # benchmarks/_env.py (this folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / "tests" / "hardening" / "hostile_peer.py"
GOAL_MB = 50.0

# A client process: wsexplorer's LiveSession ("wsx") or a plain websockets client
# ("plain"), connected to PORT until the connection ends or WINDOW seconds pass. Prints
# JSON: its RSS before connecting, its peak, and how the connection ended.
SESSION = textwrap.dedent(
    """
    import asyncio, json, sys, time
    from pathlib import Path

    def status(field):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])

    async def main(kind, port, window):
        url = f"ws://127.0.0.1:{port}/"
        from websockets.asyncio.client import connect
        from wsexplorer.model import Address, SessionState, Source, parse_url
        from wsexplorer.probes.session import LiveSession
        before = status("VmRSS")
        ended = "still open"
        if kind == "wsx":
            events = []
            s = LiveSession(parse_url(url), [Address.of("127.0.0.1", Source.LITERAL)],
                            events.append)
            await s.connect()
            deadline = time.monotonic() + window
            while s.state is SessionState.OPEN and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            ended = next((e.text for e in events if e.kind.value == "close"), ended)
            await s.close()
        else:
            ws = await connect(url, proxy=None, max_size=2**24)
            try:
                async with asyncio.timeout(window):
                    async for _ in ws:
                        pass
                ended = f"closed {ws.close_code}"
            except TimeoutError:
                pass
            except Exception as exc:
                ended = f"{type(exc).__name__}: {exc}"
            ws.transport.abort()
        print(json.dumps({"before": before, "peak": status("VmHWM"), "ended": ended}))

    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
    """
)

# The reference server: websockets' echo with default settings.
PLAIN_SERVER = textwrap.dedent(
    """
    import asyncio
    from websockets.asyncio.server import serve

    async def echo(ws):
        async for message in ws:
            await ws.send(message)

    async def main():
        async with serve(echo, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            print(f"listening on 127.0.0.1:{port}", flush=True)
            print("echo server;", flush=True)
            await asyncio.Future()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    """
)


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _row(name: str, ours: float, ref: float | None, note: str = "", ref_note: str = "") -> None:
    verdict = "met" if ours < GOAL_MB else "NOT met"
    ref_text = f"reference {ref:7.1f} MB" if ref is not None else "reference      n/a"
    print(
        f"{name:34} wsexplorer {ours:6.1f} MB  {ref_text}  goal < {GOAL_MB:.0f} MB: {verdict}"
        + (f"\n{'':34} wsexplorer: {note}" if note else "")
        + (f"\n{'':34} reference:  {ref_note}" if ref_note else ""),
        flush=True,
    )


# ----------------------------------------------------------------- session side
def _session_run(kind: str, mode: str, window: float) -> tuple[float, str]:
    peer = subprocess.Popen(
        [sys.executable, str(PEER), mode],
        stdout=subprocess.PIPE,
        text=True,
        env={**child_env(), "WS_PEER_MAX_SECONDS": str(window + 60)},
    )
    try:
        assert peer.stdout is not None
        port = peer.stdout.readline().strip()
        done = subprocess.run(
            [sys.executable, "-c", SESSION, kind, port, str(window)],
            capture_output=True,
            text=True,
            timeout=window + 120,
            env={**child_env(), "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )
        if done.returncode != 0:
            raise SystemExit(f"session {kind} {mode} failed: {done.stderr[-800:]}")
        out = json.loads(done.stdout)
        return (out["peak"] - out["before"]) / 1024, str(out["ended"])[:90]
    finally:
        peer.kill()
        peer.wait(10)


def bench_session(name: str, mode: str, window: float) -> None:
    ours, ended = _session_run("wsx", mode, window)
    ref, ref_ended = _session_run("plain", mode, window)
    _row(name, ours, ref, ended, ref_ended)


# ------------------------------------------------------------------ server side
class _Server:
    """This checkout's ``wsexplorer serve --port 0`` (``plain=False``; not the console
    script, which may belong to another checkout: nothing here is timed) or the reference
    echo server."""

    def __init__(self, plain: bool, *args: str) -> None:
        argv = (
            [sys.executable, "-c", PLAIN_SERVER]
            if plain
            else [sys.executable, "-m", "wsexplorer", "serve", "--port", "0", *args]
        )
        self.proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**child_env(), "NO_COLOR": "1", "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        self.port = 0
        for line in self.proc.stdout:
            if line.startswith("listening on") and not self.port:
                self.port = int(line.split()[2].rsplit(":", 1)[1])
            if line.startswith("echo server;"):
                break
        time.sleep(0.3)
        self.before = _status(self.proc.pid, "VmRSS")

    def growth_mb(self) -> float:
        return (_status(self.proc.pid, "VmHWM") - self.before) / 1024

    def stop(self) -> None:
        self.proc.send_signal(2)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


async def _server_load(which: str, port: int, pid: int, flood_mb: int) -> str:
    from tests.hardening.hostile_client import half_open, ping_flood, unread_echo

    if which == "ping":
        ended = await ping_flood("127.0.0.1", port, flood_mb)
        if ended == "sent":
            return f"the flooding client sent all {flood_mb} MB"
        return f"the flooding client was cut off: {ended}"
    if which == "echo":
        ends = await asyncio.gather(*(unread_echo("127.0.0.1", port, 16) for _ in range(20)))
        return "the clients: " + ", ".join(sorted(set(ends))).replace(
            "still open", "still open after 60 s"
        )
    writers, failed = await half_open("127.0.0.1", port, 1000)
    fds = []
    for _ in range(20):
        fds.append(len(list(Path(f"/proc/{pid}/fd").iterdir())))
        await asyncio.sleep(0.1)
    for writer in writers:
        writer.transport.abort()
    return f"{len(writers)} connected, {failed} failed; server fds up to {max(fds)}"


def bench_server(name: str, which: str, flood_mb: int) -> None:
    results = []
    for plain in (False, True):
        server = _Server(plain)
        try:
            ended = asyncio.run(
                asyncio.wait_for(_server_load(which, server.port, server.proc.pid, flood_mb), 300)
            )
            results.append((server.growth_mb(), ended))
        finally:
            server.stop()
    (ours, note), (ref, ref_note) = results
    _row(name, ours, ref, note, ref_note)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="1,2,3,4,5", help="comma-separated loads to run")
    ap.add_argument("--flood-mb", type=int, default=300, help="MB of Pings per flood (300)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(4096, hard)), hard))
    only = set(args.only.split(","))
    mb = args.flood_mb
    print(f"RSS growth to peak (VmHWM - VmRSS before the load); goal < {GOAL_MB:.0f} MB each")
    if "1" in only:
        bench_session("(1) ping flood, session", f"ping-flood:{mb}", window=60)
    if "2" in only:
        bench_server("(2) ping flood, server", "ping", mb)
    if "3" in only:
        bench_server("(3) unread echoes 20 x 1 MiB", "echo", mb)
    if "4" in only:
        bench_session("(4) deflate bomb, session", "deflate-bomb:20:16", window=40)
    if "5" in only:
        bench_server("(5) 1,000 half-open, server", "half", mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
