"""The ``wsexplorer`` command line's parsers: the TUI's, each sub-command's, and the
options they share. ``cli_full`` runs the commands; the contract is docs/json.md."""

from __future__ import annotations

import argparse

from . import __version__
from .cli_types import (
    _arg,
    _clients,
    _header,
    _host,
    _origin,
    _Parser,
    _port,
    _subprotocol,
    _timeout,
    add_tls_options,
    parse_resolve,
    parse_url,
)
from .model.family import FamilyChoice

__all__ = [
    "COMMANDS",
    "DEFAULT_URL",
    "PARSER_OF",
    "connection_options",
    "resolve_option",
    "subcommand_parser",
    "tui_parser",
]

DEFAULT_URL = "ws://localhost:8080/"  # == wsexplorer.model.url.DEFAULT_URL (a test checks)

COMMANDS = ("demo", "diagnose", "lesson", "resolve", "listeners", "serve", "why")


def resolve_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--resolve",
        action="append",
        default=[],
        type=_arg(parse_resolve),
        metavar="HOST:PORT:ADDR[,ADDR]",
        help="pin what HOST resolves to (curl's syntax, IPv6 in brackets); what-if mode",
    )


def connection_options(p: argparse.ArgumentParser, timeout: bool = True) -> None:
    resolve_option(p)
    p.add_argument(
        "--family",
        choices=[choice.value for choice in FamilyChoice],
        default=FamilyChoice.AUTO.value,
        help="try only IPv4 (4) or IPv6 (6) addresses (default auto)",
    )
    p.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        type=_header,
        metavar="'NAME: VALUE'",
        help="extra handshake header (repeatable)",
    )
    p.add_argument(
        "--subprotocol",
        action="append",
        default=[],
        type=_subprotocol,
        help="offer a subprotocol (repeatable)",
    )
    p.add_argument("--origin", type=_origin, help="Origin header, e.g. http://localhost:3000")
    add_tls_options(p)
    p.add_argument(
        "--clients",
        type=_arg(_clients),
        metavar="IDS",
        help="model only these clients: ids or runtimes, comma-separated (node,python-aiohttp)",
    )
    if timeout:
        p.add_argument(
            "--timeout",
            type=_timeout,
            default=5.0,
            metavar="S",
            help="deadline for the whole diagnosis in seconds (default 5)",
        )


def tui_parser() -> _Parser:
    p = _Parser(
        prog="wsexplorer",
        description=(
            "See every hop of a WebSocket connection: how the name resolves, what listens, "
            "what a live connection tried, and which clients connect or fail (and why)."
        ),
        epilog=(
            "commands:\n"
            "  wsexplorer [URL]             the terminal UI (default " + DEFAULT_URL + ")\n"
            "  wsexplorer demo              the teaching scenario (ECONNREFUSED ::1)\n"
            "  wsexplorer lesson            the teaching scenario as guided steps\n"
            "  wsexplorer diagnose URL      the report, for people (text) or scripts (--json)\n"
            "  wsexplorer resolve HOST      how a name resolves, and why\n"
            "  wsexplorer listeners         listening sockets and the families they accept\n"
            "  wsexplorer serve             a safe echo server to test against\n"
            "  wsexplorer why 'ERROR'       which clients print an error, and its story here\n"
            "run 'wsexplorer COMMAND --help' for a command's options"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"wsexplorer {__version__}")
    p.add_argument(
        "url",
        nargs="?",
        default=DEFAULT_URL,
        type=_arg(parse_url),
        metavar="URL",
        help=f"WebSocket URL (default {DEFAULT_URL})",
    )
    connection_options(p, timeout=True)
    p.add_argument(
        "--demo-server",
        metavar="BIND",
        help="run the embedded echo server on BIND (e.g. 0.0.0.0, ::) at the URL's port",
    )
    p.add_argument(
        "--reconnect",
        action="store_true",
        help="reopen the live session with backoff (0.5 s doubling to 30 s) when it closes "
        "or fails; the 'a' key toggles it",
    )
    p.add_argument(
        "-x",
        "--execute",
        action="append",
        default=[],
        metavar="TEXT",
        help="send TEXT once the session first opens (repeatable, in order; a send-line "
        "command such as '/hex 01ff' or '/close 1000 bye' works too), as wscat -x",
    )
    p.add_argument(
        "--send-file",
        metavar="FILE",
        help="send each line of FILE ('-': stdin, then the TUI reads keys from the "
        "terminal) the same way, after any -x (at most 1,000 lines and 1 MiB)",
    )
    return p


def subcommand_parser(name: str, description: str) -> _Parser:
    return _Parser(prog=f"wsexplorer {name}", description=description)


def diagnose_parser() -> _Parser:
    p = subcommand_parser(
        "diagnose",
        "Trace a connection to URL and predict, client by client, who connects. "
        "Exit 0: every modelled client connects; 1: at least one fails; 2: bad input.",
    )
    p.add_argument("url", type=_arg(parse_url), metavar="URL")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print wsexplorer.diagnosis/1 JSON")
    form.add_argument("--markdown", action="store_true", help="print the report as Markdown")
    p.add_argument("--no-dns", action="store_true", help="skip the direct DNS queries")
    connection_options(p)
    return p


def resolve_parser() -> _Parser:
    p = subcommand_parser(
        "resolve",
        "Show how HOST resolves: getaddrinfo order, hosts file lines, "
        "nsswitch, gai.conf and DNS answers per nameserver.",
    )
    p.add_argument("host", type=_host, metavar="HOST")
    p.add_argument(
        "--port", type=_arg(_port), default=8080, help="port for getaddrinfo (default 8080)"
    )
    p.add_argument("--json", action="store_true", help="print wsexplorer.resolve/1 JSON")
    resolve_option(p)
    p.add_argument("--no-dns", action="store_true", help="skip the direct DNS queries")
    p.add_argument(
        "--dns-timeout",
        type=_timeout,
        default=2.0,
        metavar="S",
        help="per-query DNS timeout (default 2)",
    )
    return p


def listeners_parser() -> _Parser:
    p = subcommand_parser(
        "listeners", "TCP sockets in LISTEN, with the families each really accepts."
    )
    p.add_argument("--port", type=_arg(_port), help="only this port")
    p.add_argument("--all", action="store_true", help="add bound UDP sockets too")
    p.add_argument("--json", action="store_true", help="print wsexplorer.listeners/1 JSON")
    return p


def _serve_parser() -> _Parser:
    from .cli_serve import serve_parser

    return serve_parser()


def _lesson_parser() -> _Parser:
    from .cli_serve import lesson_parser

    return lesson_parser()


def _web_parser() -> _Parser:
    from .cli_web import web_parser

    return web_parser()


def _why_parser() -> _Parser:
    from .cli_why import why_parser

    return why_parser()


def _demo_parser() -> _Parser:
    from .cli_serve import demo_parser

    return demo_parser()


PARSER_OF = {
    "diagnose": diagnose_parser,
    "resolve": resolve_parser,
    "listeners": listeners_parser,
    "serve": _serve_parser,
    "demo": _demo_parser,
    "why": _why_parser,
    "web": _web_parser,
    "lesson": _lesson_parser,
}
