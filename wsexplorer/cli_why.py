"""``wsexplorer why "ERROR TEXT"``: which clients print it, the target it implies, the
diagnosis of that target here, and the story (exit codes as ``diagnose``)."""

from __future__ import annotations

import argparse
import sys

from .cli_types import _arg, _Parser, _timeout, add_tls_options, parse_url
from .model.errors import WsxError

__all__ = ["cmd_why", "why_parser"]


def why_parser() -> _Parser:
    p = _Parser(
        prog="wsexplorer why",
        description=(
            "Paste a client's error (a line, a stack trace or a log; '-' or nothing reads "
            "stdin): which clients print it, what it implies, and whether it happens here. "
            "Exit 0: every modelled client connects here; 1: some client fails; 2: bad input."
        ),
    )
    p.add_argument("text", nargs="?", default="-", metavar="ERROR_TEXT")
    p.add_argument(
        "--url", type=_arg(parse_url), metavar="URL", help="the URL the client used, if known"
    )
    p.add_argument("--json", action="store_true", help="print wsexplorer.why/1 JSON")
    p.add_argument("--no-dns", action="store_true", help="skip the direct DNS queries")
    p.add_argument(
        "--timeout",
        type=_timeout,
        default=5.0,
        metavar="S",
        help="deadline for the diagnosis in seconds (default 5)",
    )
    add_tls_options(p)
    return p


def _read_text(arg: str) -> str:
    from .diagnosis.why import MAX_TEXT

    if arg != "-":
        return arg
    if sys.stdin is None or sys.stdin.isatty():
        raise WsxError("give the error text as an argument, or pipe it on stdin")
    return sys.stdin.read(MAX_TEXT)


def cmd_why(args: argparse.Namespace) -> int:
    from .diagnosis import diagnose
    from .diagnosis.why import explain, implied_target, read_error, why_json
    from .model.options import ObserveOptions
    from .model.trust import TlsOptions
    from .probes.observe import observe_sync
    from .probes.reverse import names_first

    text = _read_text(args.text)
    clue = read_error(text)
    if clue is None:
        raise WsxError(
            "no client's error text recognised; paste the line that holds the error "
            "(e.g. 'connect ECONNREFUSED ::1:8080' or 'net::ERR_CONNECTION_REFUSED')"
        )
    names: tuple[str, ...] = ()
    if clue.address and clue.port and not clue.url and not clue.host and args.url is None:
        names = names_first(clue.address, clue.port)
    given = args.url.geturl() if args.url is not None else None
    target = implied_target(clue, names, given)
    if target.url is None:
        raise WsxError(
            f"recognised {clue.kind} error, but the text names no host, address or URL: "
            "add --url ws://HOST:PORT/PATH"
        )
    url = parse_url(target.url)
    tls = TlsOptions(insecure=args.insecure, cacert=args.cacert)
    options = ObserveOptions(timeout=args.timeout, dns=not args.no_dns, tls=tls)
    result = diagnose(observe_sync(url, options))
    why = explain(clue, target, result)
    if args.json:  # without report: the JSON needs no terminal renderer (rich)
        from .model.untrusted import dump_json

        print(dump_json(why_json(clue, target, why, result)))
    else:
        from .report import Style, why_text

        print(why_text(clue, target, why, result, Style(sys.stdout)), end="")
    return 0 if result.verdict.ok else 1
