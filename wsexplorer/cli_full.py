"""The ``wsexplorer`` command line (the contract is docs/json.md, "Command line").

Bad input never prints a traceback: one line on stderr naming the bad part and what would
be valid, exit 2. Commands that do not draw the TUI never import Textual.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

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
from .model.errors import WsxError
from .model.family import FamilyChoice
from .model.untrusted import clean

if TYPE_CHECKING:
    from .model.options import ObserveOptions
    from .model.override import ResolveOverride
    from .model.url import WebSocketURL
    from .ui.config import AppConfig

DEFAULT_URL = "ws://localhost:8080/"  # == wsexplorer.model.url.DEFAULT_URL (a test checks)


__all__ = [
    "main",
    "mistyped_command",
    "observe_options",
    "run_tui",
    "tui_config",
    "tui_config_from_argv",
]

COMMANDS = ("demo", "diagnose", "lesson", "resolve", "listeners", "serve", "why")


def _resolve_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--resolve",
        action="append",
        default=[],
        type=_arg(parse_resolve),
        metavar="HOST:PORT:ADDR[,ADDR]",
        help="pin what HOST resolves to (curl's syntax, IPv6 in brackets); what-if mode",
    )


def _connection_options(p: argparse.ArgumentParser, timeout: bool = True) -> None:
    _resolve_option(p)
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


def _tui_parser() -> _Parser:
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
    _connection_options(p, timeout=True)
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


def _sub(name: str, description: str) -> _Parser:
    return _Parser(prog=f"wsexplorer {name}", description=description)


def _diagnose_parser() -> _Parser:
    p = _sub(
        "diagnose",
        "Trace a connection to URL and predict, client by client, who connects. "
        "Exit 0: every modelled client connects; 1: at least one fails; 2: bad input.",
    )
    p.add_argument("url", type=_arg(parse_url), metavar="URL")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print wsexplorer.diagnosis/1 JSON")
    form.add_argument("--markdown", action="store_true", help="print the report as Markdown")
    p.add_argument("--no-dns", action="store_true", help="skip the direct DNS queries")
    _connection_options(p)
    return p


def _resolve_parser() -> _Parser:
    p = _sub(
        "resolve",
        "Show how HOST resolves: getaddrinfo order, hosts file lines, "
        "nsswitch, gai.conf and DNS answers per nameserver.",
    )
    p.add_argument("host", type=_host, metavar="HOST")
    p.add_argument(
        "--port", type=_arg(_port), default=8080, help="port for getaddrinfo (default 8080)"
    )
    p.add_argument("--json", action="store_true", help="print wsexplorer.resolve/1 JSON")
    _resolve_option(p)
    p.add_argument("--no-dns", action="store_true", help="skip the direct DNS queries")
    p.add_argument(
        "--dns-timeout",
        type=_timeout,
        default=2.0,
        metavar="S",
        help="per-query DNS timeout (default 2)",
    )
    return p


def _listeners_parser() -> _Parser:
    p = _sub("listeners", "TCP sockets in LISTEN, with the families each really accepts.")
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


def cmd_web(args: argparse.Namespace) -> int:
    from .cli_web import cmd_web as run

    return run(args)


def _why_parser() -> _Parser:
    from .cli_why import why_parser

    return why_parser()


def _demo_parser() -> _Parser:
    from .cli_serve import demo_parser

    return demo_parser()


# --------------------------------------------------------------------- commands
def observe_options(args: argparse.Namespace, *, dns: bool = True) -> ObserveOptions:
    """The :class:`ObserveOptions` of a parsed command line with the connection options
    (``diagnose`` and the TUI): the one place they are built."""
    from .model.options import ObserveOptions
    from .model.trust import TlsOptions

    return ObserveOptions(
        overrides=tuple(args.resolve),
        family=FamilyChoice.parse(args.family) or FamilyChoice.AUTO,
        timeout=getattr(args, "timeout", 5.0),
        headers=tuple(args.header),
        subprotocols=tuple(args.subprotocol),
        origin=args.origin,
        dns=dns,
        tls=TlsOptions(insecure=args.insecure, cacert=args.cacert),
    )


def cmd_diagnose(args: argparse.Namespace) -> int:
    from .diagnosis import diagnose
    from .probes.observe import observe_sync

    url: WebSocketURL = args.url
    _note_unused_pins(args.resolve, url.host, url.port)
    options = observe_options(args, dns=not args.no_dns)
    obs = observe_sync(url, options)
    result = diagnose(obs, args.clients)
    if args.json:  # without report: the JSON needs no terminal renderer (rich)
        from .model.untrusted import dump_json

        print(dump_json(result.to_json()))
    elif args.markdown:
        from .presentation.request import request_markdown
        from .report import diagnosis_markdown

        markdown = diagnosis_markdown(result, group=args.clients is None)
        print(markdown + request_markdown(options), end="")
    else:
        from .report import Style, diagnosis_text

        print(diagnosis_text(result, Style(sys.stdout), group=args.clients is None), end="")
    return 0 if result.verdict.ok else 1


def _note_unused_pins(pins: Sequence[ResolveOverride], host: str, port: int) -> None:
    """One line on stderr for each ``--resolve`` pin that names the host on another port:
    curl ignores it, and so does wsexplorer, but silently it looks like a wrong answer."""
    from .model.names import lookup_key

    for pin in pins:
        named = pin.host != "*" and lookup_key(pin.host) == lookup_key(host)
        if named and not pin.applies(host, port):
            sys.stderr.write(
                f"wsexplorer: --resolve {clean(pin.spec())} is for port {pin.port}, "
                f"not {port}: ignored\n"
            )


def cmd_resolve(args: argparse.Namespace) -> int:
    from .model.override import find_override
    from .probes.resolution import resolve

    override = find_override(args.resolve, args.host, args.port)
    res = resolve(
        args.host, args.port, override=override, dns=not args.no_dns, dns_timeout=args.dns_timeout
    )
    if args.json:  # without report, as diagnose --json
        from .model.untrusted import dump_json

        print(dump_json(res.to_json()))
    else:
        from .report import Style, resolution_text

        print(resolution_text(res, Style(sys.stdout)), end="")
    # A name that does not resolve is not a success (DESIGN: 0 success, 2 bad input).
    return 0 if res.addresses or res.addrconfig_addresses else 1


def cmd_listeners(args: argparse.Namespace) -> int:
    if args.json:
        # The fast path: JSON straight from the kernel rows, no model objects (one per
        # socket otherwise, which a machine with many sockets would feel).
        from .probes.listeners import scan_listeners_json

        text = scan_listeners_json(port=args.port, include_udp=args.all, pretty=True)
        sys.stdout.write(text + "\n")
        return 0
    from .probes.listeners import scan_listeners
    from .report import Style, listeners_text

    scan = scan_listeners(port=args.port, include_udp=args.all)
    sys.stdout.write(listeners_text(scan, Style(sys.stdout)))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .cli_serve import cmd_serve as run

    return run(args)


def tui_config(args: argparse.Namespace) -> AppConfig:
    """The TUI's typed config for a parsed ``wsexplorer [URL]`` command line."""
    from dataclasses import replace

    from .ui.config import app_config

    url: WebSocketURL = args.url
    config = app_config(
        url, observe_options(args), demo_server=args.demo_server, clients=args.clients
    )
    from .cli_send import send_file_lines

    lines = tuple(args.execute) + send_file_lines(args.send_file)
    return replace(config, auto_reconnect=args.reconnect, initial_messages=lines)


def tui_config_from_argv(argv: Sequence[str]) -> AppConfig:
    """The TUI's config for ``wsexplorer ARGV...`` (bad input exits 2, as ``main`` does)."""
    return tui_config(_tui_parser().parse_args(list(argv)))


def run_tui(config: AppConfig) -> int:
    """Run the TUI; without a terminal (a script, a pipe, CI) refuse at once, exit 2."""
    # A driver named in the environment (textual-serve's web driver) needs no terminal.
    if not os.environ.get("TEXTUAL_DRIVER") and not (sys.stdin.isatty() and sys.stdout.isatty()):
        which = "stdin" if not sys.stdin.isatty() else "stdout"
        sys.stderr.write(
            f"wsexplorer: the terminal UI needs a terminal ({which} is not one); "
            f"for a report in a script run 'wsexplorer diagnose {config.url.redacted()}'\n"
        )
        return 2
    from .ui import collector

    collector.pause()  # until the first complete screen (ui/collector.py)
    from .ui.app import run_app

    return run_app(config)


def cmd_tui(args: argparse.Namespace) -> int:
    config = tui_config(args)
    if args.send_file == "-" and not os.environ.get("TEXTUAL_DRIVER"):
        from .cli_send import attach_terminal

        attach_terminal()  # stdin was the messages' pipe: keys come from /dev/tty
    return run_tui(config)


def cmd_why(args: argparse.Namespace) -> int:
    from .cli_why import cmd_why as run

    return run(args)


def cmd_demo(args: argparse.Namespace) -> int:
    from .cli_serve import cmd_demo as run

    return run(args)


PARSERS = {
    "diagnose": (_diagnose_parser, cmd_diagnose),
    "resolve": (_resolve_parser, cmd_resolve),
    "listeners": (_listeners_parser, cmd_listeners),
    "serve": (_serve_parser, cmd_serve),
    "demo": (_demo_parser, cmd_demo),
    "why": (_why_parser, cmd_why),
    "web": (_web_parser, cmd_web),
    "lesson": (_lesson_parser, cmd_demo),
}


def mistyped_command(word: str) -> str | None:
    """The command a mistyped first word was meant to be, or ``None``.

    The rule (README, "Commands"): a bare word, with no dot, colon, slash, ``@`` or ``[``
    (so not a URL, an address, ``host:port`` or ``name.tld``), close to a command's name
    is a typo of it, never a host to look up. A single-label host name close to a
    command is still reachable with an explicit scheme: ``wsexplorer ws://listener/``.
    """
    import difflib

    if not word or word.startswith("-") or any(c in word for c in ".:/@["):
        return None
    close = difflib.get_close_matches(word.lower(), list(PARSERS), n=1, cutoff=0.75)
    return close[0] if close else None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        # An encoding that cannot show ✗ or → (PYTHONIOENCODING=ascii, a C locale):
        # escape those characters rather than fail with a traceback.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    known = bool(args_list) and args_list[0] in PARSERS
    meant = mistyped_command(args_list[0]) if args_list and not known else None
    if meant is not None:
        sys.stderr.write(
            f"wsexplorer: unknown command {clean(args_list[0])!r} — did you mean {meant!r}? "
            f"(for a host of that name: wsexplorer ws://{clean(args_list[0])}/)\n"
        )
        return 2
    if known:
        make, run = PARSERS[args_list[0]]
        parser = make()
        args = parser.parse_args(args_list[1:])
    else:
        parser = _tui_parser()
        args = parser.parse_args(args_list)
        run = cmd_tui
    try:
        return run(args)
    except WsxError as exc:
        sys.stderr.write(f"{parser.prog}: {clean(exc)}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(f"{parser.prog}: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
