"""``wsexplorer diagnose``: the command, and its lean start for ``diagnose URL --json``.

``diagnose URL --json`` written exactly so (the URL one word that is not an option) is
taken by :func:`lean_diagnose_args` without argparse: its parser, the option types and
the other commands' parsers cost some 4 ms of CPU a start, a few per cent of a
``diagnose`` run (issue 14). The namespace it returns is the one the full parser would
(``tests/test_cli_lean.py`` compares them); a URL :func:`parse_url` refuses, and every
other command line, goes to the full parser, so bad input keeps its one line and exit 2.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

from .model.errors import WsxError
from .model.family import FamilyChoice
from .model.untrusted import clean

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any

    from .model.options import ObserveOptions
    from .model.override import ResolveOverride
    from .model.url import WebSocketURL

__all__ = [
    "cmd_diagnose",
    "lean_diagnose_args",
    "observe_options",
    "run_guarded",
    "tolerant_streams",
]


def tolerant_streams() -> None:
    """Escape what the output's encoding cannot show (PYTHONIOENCODING=ascii, a C
    locale: ✗ or →) rather than fail with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def run_guarded(prog: str, run: Callable[[Any], int], args: object) -> int:
    """Run a parsed command (every command's, from :mod:`.cli_full` too): bad input it
    finds late is one line and exit 2, Ctrl+C exit 130, a reader gone (``| head``) 0."""
    try:
        return run(args)
    except WsxError as exc:
        sys.stderr.write(f"{prog}: {clean(exc)}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


def lean_diagnose_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """The parsed ``diagnose URL --json``, as the full parser would give it, or ``None``
    for any other command line (or a URL that does not parse)."""
    if len(argv) != 3 or argv[0] != "diagnose" or argv[2] != "--json":
        return None
    text = argv[1]
    if not text or text.startswith("-"):
        return None
    from .model.url import parse_url

    try:
        url = parse_url(text)
    except WsxError:
        return None  # the full parser words the error
    return SimpleNamespace(
        url=url,
        json=True,
        markdown=False,
        no_dns=False,
        resolve=[],
        family=FamilyChoice.AUTO.value,
        header=[],
        subprotocol=[],
        origin=None,
        insecure=False,
        cacert=None,
        clients=None,
        timeout=5.0,
    )


def observe_options(
    args: argparse.Namespace | SimpleNamespace, *, dns: bool = True
) -> ObserveOptions:
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


def cmd_diagnose(args: argparse.Namespace | SimpleNamespace) -> int:
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
