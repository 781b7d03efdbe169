"""``wsexplorer web``: the app served to browsers (textual-serve), one app per browser tab.

Every tab runs its own ``wsexplorer demo --port auto`` (or ``lesson``) on this machine:
the probes, the demo server and the live session all run here, not in the browser, and
the page and the app's banner say so. Loopback by default; a wildcard bind warns and
prints the URL students should open.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import socket
import sys

from .cli_types import _arg, _host, _Parser, _port
from .model.errors import WsxError
from .model.options import SERVED_FROM_ENV

__all__ = ["cmd_web", "public_url", "web_parser"]


def web_parser() -> _Parser:
    p = _Parser(
        prog="wsexplorer web",
        description=(
            "Serve the app to browsers (one app per tab, each with its own demo server on "
            "this machine). Loopback by default; a wildcard --host reaches the network."
        ),
    )
    p.add_argument("--host", type=_host, default="127.0.0.1", help="bind (default 127.0.0.1)")
    p.add_argument("--port", type=_arg(_port), default=8000, help="port (default 8000)")
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use (default: this machine's address for a wildcard bind)",
    )
    p.add_argument("--lesson", action="store_true", help="serve the guided lesson")
    return p


def _own_address() -> str:
    """This machine's address another machine would reach: the one the default route
    uses (a UDP socket's connect sends nothing), else the host name."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: only the route is looked up
            address: str = s.getsockname()[0]
        except OSError:
            return socket.gethostname()
    return socket.gethostname() if address == "0.0.0.0" else address


def public_url(host: str, port: int, given: str | None = None) -> tuple[str, bool]:
    """The URL browsers open, and whether the bind is a wildcard (reachable from the
    network)."""
    try:
        wildcard = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        wildcard = False
    if given:
        return given.rstrip("/"), wildcard
    shown = _own_address() if wildcard else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}", wildcard


def cmd_web(args: argparse.Namespace) -> int:
    try:
        from textual_serve.server import Server
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise WsxError(f"textual-serve is missing ({exc}): reinstall wsexplorer") from None
    url, wildcard = public_url(args.host, args.port, args.public_url)
    if wildcard:
        sys.stderr.write(
            f"wsexplorer web: warning: {args.host} reaches the network: anyone who can reach "
            f"this machine can start apps here. Students open {url}\n"
        )
    what = "lesson" if args.lesson else "demo"
    command = shlex.join([sys.executable, "-m", "wsexplorer", what, "--port", "auto"])
    # Each app reads it (ui/config.py): the banner says where the probes run.
    os.environ[SERVED_FROM_ENV] = f"{socket.gethostname()} ({url})"
    title = f"wsexplorer on {socket.gethostname()}: every probe runs on that machine"
    server = Server(command, host=args.host, port=args.port, title=title, public_url=url)
    server.serve()
    return 0
