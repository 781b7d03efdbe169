"""``wsexplorer serve`` and ``wsexplorer demo``: the echo server's options and commands.

Bad values are one line on stderr naming the option, exit 2 (argparse types, or
:class:`~wsexplorer.model.errors.WsxError` from :func:`server_config`), as in
:mod:`wsexplorer.cli`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from .cli_full import run_tui
from .cli_parsers import subcommand_parser
from .cli_types import _arg, _origin, _Parser, _port_or_zero, _timeout, parse_url
from .model.errors import WsxError

if TYPE_CHECKING:
    from .model.listener import Listener
    from .probes.server import ServerConfig

__all__ = [
    "cmd_demo",
    "cmd_serve",
    "demo_parser",
    "demo_port",
    "serve_parser",
    "server_config",
    "use_text",
]


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def serve_parser() -> _Parser:
    """The ``serve`` options; every limit's default is :class:`ServerConfig`'s."""
    p = subcommand_parser(
        "serve",
        "A WebSocket echo server that prints each listening socket and which "
        "families it accepts. Loopback only unless --host says otherwise.",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="bind address or name (default 127.0.0.1; 'loopback': 127.0.0.1 and ::1; "
        "'::' or 0.0.0.0 expose it to the network)",
    )
    p.add_argument(
        "--port",
        type=_arg(_port_or_zero),
        default=8080,
        help="port (default 8080; 'auto': a free one; a port in use is an error naming its owner)",
    )
    p.add_argument(
        "--path",
        default="/subscribe",
        help="the WebSocket endpoint (default /subscribe; '*' serves any path)",
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument("--dual-stack", action="store_true", help="with --host ::, accept IPv4 too")
    g.add_argument("--v6only", action="store_true", help="with an IPv6 host, IPv6 only")
    from .probes.server import ServerConfig

    d = ServerConfig()
    lim = p.add_argument_group("limits (one peer on the network must not exhaust the server)")
    add = lim.add_argument
    add(
        "--max-size",
        type=_count,
        default=d.max_size,
        metavar="BYTES",
        help=f"max message bytes, after decompression ({d.max_size}); larger: close 1009",
    )
    add(
        "--max-connections",
        type=_count,
        default=d.max_connections,
        metavar="N",
        help=f"connections in all, counted from TCP accept, half-open ones too "
        f"({d.max_connections})",
    )
    add(
        "--max-per-peer",
        type=_count,
        default=d.max_per_peer,
        metavar="N",
        help=f"connections one remote address may hold ({d.max_per_peer}; loopback: no cap)",
    )
    add(
        "--loopback-reserve",
        type=_count,
        default=None,
        metavar="N",
        help=f"of --max-connections, slots only loopback clients may take "
        f"({d.loopback_reserve}, fewer if --max-connections is smaller)",
    )
    add(
        "--handshake-timeout",
        type=_timeout,
        default=d.handshake_timeout,
        metavar="S",
        help=f"seconds from TCP accept to a finished upgrade, else closed "
        f"({d.handshake_timeout:g})",
    )
    add(
        "--origin",
        action="append",
        default=[],
        type=_origin,
        dest="origins",
        help="allowed Origin (repeatable): other origins get HTTP 403, clients that send "
        "none (not browsers) are allowed; absent: any origin",
    )
    add(
        "--idle-timeout",
        type=_timeout,
        default=d.idle_timeout,
        metavar="S",
        help=f"seconds without a message before closing with 1001 ({d.idle_timeout:g})",
    )
    add(
        "--write-timeout",
        type=_timeout,
        default=d.write_timeout,
        metavar="S",
        help=f"seconds a peer may leave the echo unread before it is dropped ({d.write_timeout:g})",
    )
    add(
        "--keepalive",
        type=_timeout,
        default=d.keepalive,
        metavar="S",
        help=f"seconds between pings, and to wait for a pong before dropping a peer "
        f"({d.keepalive:g})",
    )
    return p


def demo_parser() -> _Parser:
    p = subcommand_parser(
        "demo",
        "The teaching scenario: an echo server on 0.0.0.0 and the URL "
        "ws://localhost:PORT/subscribe, where IPv6-first clients fail. The server has "
        "serve's default limits.",
    )
    p.add_argument(
        "--port",
        type=_arg(_port_or_zero),
        default=8080,
        help="port (default 8080; 'auto': a free one, shown on screen; a port in use is an "
        "error naming its owner)",
    )
    p.add_argument("--bind", default="0.0.0.0", help="demo server bind (default 0.0.0.0)")
    return p


def lesson_parser() -> _Parser:
    """``lesson``: the demo with the guided steps (the demo's options)."""
    p = demo_parser()
    p.prog = "wsexplorer lesson"
    p.description = (
        "The demo as a guided lesson: the failing client, how localhost resolves, what "
        "listens, why clients differ, each fix tried live, the pitfalls. n/space next, "
        "b back, g leaves the lesson for the full app and comes back, q quits."
    )
    p.set_defaults(lesson=True)
    return p


def server_config(args: argparse.Namespace) -> ServerConfig:
    """The :class:`ServerConfig` for parsed ``serve`` options.

    Raises:
        WsxError: a value out of range, naming the option.
    """
    from .probes.server import BindMode, ServerConfig

    reserve = args.loopback_reserve
    for option, value, least in (
        ("--max-size", args.max_size, 1),
        ("--max-connections", args.max_connections, 1),
        ("--max-per-peer", args.max_per_peer, 1),
        ("--loopback-reserve", reserve, 0),
    ):
        if value is not None and value < least:
            raise WsxError(f"{option} {value}: use at least {least}")
    if reserve is None:
        reserve = min(ServerConfig().loopback_reserve, args.max_connections - 1)
    elif reserve >= args.max_connections:
        raise WsxError(
            f"--loopback-reserve {reserve}: must be below --max-connections "
            f"({args.max_connections}), or no remote client could connect"
        )
    mode = (
        BindMode.DUAL_STACK
        if args.dual_stack
        else (BindMode.V6ONLY if args.v6only else BindMode.DEFAULT)
    )
    path = None if args.path == "*" else args.path
    if path is not None and not path.startswith("/"):
        raise WsxError(f"--path {args.path!r} must start with '/' (or be '*')")
    return ServerConfig(
        host=args.host,
        port=args.port,
        path=path,
        mode=mode,
        max_size=args.max_size,
        max_connections=args.max_connections,
        max_per_peer=args.max_per_peer,
        loopback_reserve=reserve,
        handshake_timeout=args.handshake_timeout,
        origins=tuple(dict.fromkeys(args.origins)),
        idle_timeout=args.idle_timeout,
        write_timeout=args.write_timeout,
        keepalive=args.keepalive,
    )


def limits_text(config: ServerConfig) -> str:
    """The banner's summary of the limits (one line)."""
    origins = ", ".join(config.origins) if config.origins else "any origin"
    return (
        f"max message {config.max_size} bytes, {config.max_connections} connections, "
        f"idle timeout {config.idle_timeout:g} s; {config.max_per_peer} per remote address, "
        f"{config.loopback_reserve} kept for loopback, handshake {config.handshake_timeout:g} s,"
        f" write {config.write_timeout:g} s, keepalive {config.keepalive:g} s, {origins}"
    )


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the echo server until Ctrl-C; one line per refusal burst or dropped peer."""
    import asyncio

    from .probes.server import DemoServer
    from .report import Style, accepts_text

    config = server_config(args)
    path = config.path
    st = Style(sys.stdout)
    err = Style(sys.stderr)

    def say(line: str) -> None:
        print(st.dim(line), flush=True)

    async def run() -> None:
        server = DemoServer(config, say)
        listeners = await server.start()
        if config.port == 0:
            print(f"--port auto: listening on port {server.port}", flush=True)
        for lis in listeners:
            v6 = "" if lis.v6only is None else f", v6only={int(lis.v6only)}"
            print(
                f"listening on {lis.display_address()}  accepts {st.bold(accepts_text(lis))}{v6}",
                flush=True,
            )
            print(f"  {use_text(lis, path or '/')}", flush=True)
        if server.wildcard:
            print(
                err.warn(
                    "warning: bound to a wildcard address: reachable from the network, "
                    "not only from this machine"
                ),
                file=sys.stderr,
                flush=True,
            )
        print(st.dim(f"echo server; {limits_text(config)}; Ctrl-C stops"), flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


def use_text(lis: Listener, path: str) -> str:
    """What URL a user can type for one listening socket, and which clients it takes.

    A wildcard is no address to connect to: from this machine it is reached through
    ``localhost`` or a loopback address, and which of them works depends on the families
    the socket accepts.
    """
    port = lis.port
    if lis.address == "0.0.0.0":
        return (
            f"use ws://localhost:{port}{path} or ws://127.0.0.1:{port}{path} (IPv4 only: a "
            f"client that tries ::1 for localhost and does not fall back is refused); "
            f"from other machines, this machine's IPv4 address"
        )
    if lis.address == "::" and lis.dual_stack:
        return (
            f"use ws://localhost:{port}{path} (dual-stack: IPv4 and IPv6 clients connect, "
            f"whichever address localhost gives first); from other machines, any of this "
            f"machine's addresses"
        )
    if lis.address == "::":
        return (
            f"use ws://[::1]:{port}{path} (IPv6 only: ws://localhost:{port}{path} fails for a "
            f"client that picks 127.0.0.1); from other machines, this machine's IPv6 address"
        )
    host = f"[{lis.address}]" if ":" in lis.address else lis.address
    return f"use ws://{host}:{port}{path}"


def demo_port(port: int, bind: str) -> tuple[int, str | None]:
    """The demo server's port: ``port`` if the demo server can listen there (a port in
    TIME_WAIT can: the server sets ``SO_REUSEADDR``), the kernel's choice for 0 (``--port
    auto``) with a sentence to show on screen.

    Raises:
        WsxError: the port is in use (naming its owner) or ``bind`` is not usable.
    """
    from .probes.server import ServerConfig, probe_bind

    chosen = probe_bind(ServerConfig(host=bind, port=port))
    if port == 0:
        return chosen, f"--port auto: the demo server took port {chosen}"
    return chosen, None


def cmd_demo(args: argparse.Namespace) -> int:
    """The TUI with the embedded demo server (``ServerConfig``'s default limits)."""
    from .ui.config import app_config

    port, note = demo_port(args.port, args.bind)
    url = parse_url(f"ws://localhost:{port}/subscribe")
    config = app_config(
        url, demo_server=args.bind, demo=True, lesson=bool(getattr(args, "lesson", False))
    )
    if note is not None:
        config = replace(config, notes=(*config.notes, note))
    return run_tui(config)
