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

from .cli_diagnose import cmd_diagnose, observe_options, run_guarded, tolerant_streams
from .cli_parsers import COMMANDS, DEFAULT_URL, PARSER_OF, tui_parser
from .model.untrusted import clean

if TYPE_CHECKING:
    from .model.url import WebSocketURL
    from .ui.config import AppConfig


__all__ = [
    "COMMANDS",
    "DEFAULT_URL",
    "PARSERS",
    "main",
    "mistyped_command",
    "observe_options",
    "run_tui",
    "tui_config",
    "tui_config_from_argv",
]


def cmd_web(args: argparse.Namespace) -> int:
    from .cli_web import cmd_web as run

    return run(args)


# --------------------------------------------------------------------- commands
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
    return tui_config(tui_parser().parse_args(list(argv)))


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
    "diagnose": (PARSER_OF["diagnose"], cmd_diagnose),
    "resolve": (PARSER_OF["resolve"], cmd_resolve),
    "listeners": (PARSER_OF["listeners"], cmd_listeners),
    "serve": (PARSER_OF["serve"], cmd_serve),
    "demo": (PARSER_OF["demo"], cmd_demo),
    "why": (PARSER_OF["why"], cmd_why),
    "web": (PARSER_OF["web"], cmd_web),
    "lesson": (PARSER_OF["lesson"], cmd_demo),
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
    tolerant_streams()
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
        parser = tui_parser()
        args = parser.parse_args(args_list)
        run = cmd_tui
    return run_guarded(parser.prog, run, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
