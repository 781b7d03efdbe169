"""The ``wsexplorer`` console entry point (the contract is docs/json.md, "Command line").

``wsexplorer listeners [--port P] [--all] --json``, written exactly so (each option once,
``--port`` a plain number in 1-65535), is answered here before the full command line
(:mod:`.cli_full`: argparse, the model, the option parsers) is imported: a script that
polls the listeners pays for the scan and little else (issue 14). Every other command
line, and every listeners command line this tiny parser does not take (``--help``,
``--port=80``, an abbreviation, a bad port, a repeated option), goes to
:func:`.cli_full.main`, so bad input keeps its one line and exit 2 from one place. Both
paths write the JSON with ``scan_listeners_json``. ``diagnose URL --json`` has its own
lean start the same way (:func:`.cli_diagnose.lean_diagnose_args`).

The names below ``main`` are :mod:`.cli_full`'s, loaded on first use.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing is not imported on the lean path
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import NoReturn, TypeVar

    T = TypeVar("T")

    from .cli_full import (
        COMMANDS,
        DEFAULT_URL,
        PARSERS,
        mistyped_command,
        observe_options,
        run_tui,
        tui_config,
        tui_config_from_argv,
    )

__all__ = [
    "COMMANDS",
    "DEFAULT_URL",
    "PARSERS",
    "lean_listeners_args",
    "main",
    "mistyped_command",
    "observe_options",
    "run_tui",
    "tui_config",
    "tui_config_from_argv",
]

_FULL = frozenset(__all__) - {"lean_listeners_args", "main"}


def lean_listeners_args(argv: Sequence[str]) -> tuple[int | None, bool] | None:
    """``(port, include_udp)`` for ``listeners [--port P] [--all] --json``, or ``None``
    when the full command line must handle ``argv`` (anything else, bad input included)."""
    if not argv or argv[0] != "listeners":
        return None
    port: int | None = None
    include_udp = as_json = False
    seen: set[str] = set()
    i = 1
    while i < len(argv):
        word = argv[i]
        if word in seen:
            return None
        seen.add(word)
        if word == "--all":
            include_udp = True
        elif word == "--json":
            as_json = True
        elif word == "--port" and i + 1 < len(argv):
            text = argv[i + 1]
            if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 65535):
                return None
            port = int(text)
            i += 1
        else:
            return None
        i += 1
    return (port, include_udp) if as_json else None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    lean = lean_listeners_args(args)
    if lean is not None:
        code = _without_collector(_listeners_json, lean)
    elif args[:1] == ["diagnose"]:
        code = _without_collector(_diagnose, args)
    else:
        return _full_main(args)
    if argv is None:  # the process's own command line, not a caller's argv
        _exit_now(code)
    return code


def _full_main(args: list[str]) -> int:
    from .cli_full import main as full_main

    return full_main(args)


def _diagnose(args: list[str]) -> int:
    """``diagnose``: without argparse when :mod:`.cli_diagnose` takes the command line."""
    from .cli_diagnose import cmd_diagnose, lean_diagnose_args, run_guarded, tolerant_streams

    lean = lean_diagnose_args(args)
    if lean is None:
        return _full_main(args)
    tolerant_streams()
    return run_guarded("wsexplorer diagnose", cmd_diagnose, lean)


def _listeners_json(lean: tuple[int | None, bool]) -> int:
    """The lean path: ``listeners [--port P] [--all] --json`` written straight out."""
    try:
        from .probes.listeners import scan_listeners_json

        text = scan_listeners_json(port=lean[0], include_udp=lean[1], pretty=True)
        write = sys.stdout.write
        write(text)  # two writes: no copy of a text that may be megabytes long
        write("\n")
    except KeyboardInterrupt:
        sys.stderr.write("wsexplorer listeners: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    return 0


def _without_collector(run: Callable[[T], int], arg: T) -> int:
    """``run(arg)`` with the cyclic garbage collector off (back on afterwards).

    ``diagnose`` makes some 30,000 long-lived objects (the model's and the engine's
    classes and tables, asyncio, websockets) and little cyclic garbage: with the collector
    on, some 60 collections walked them, 15-30 ms of a run of about 160 ms of CPU (issue
    14). ``listeners --json`` makes one tuple per socket and no cycle: 5-18 collections,
    1-2 ms (at 1,000 sockets a tenth of what it adds to the interpreter's start).
    Reference counting still frees everything; each run is bounded (a timeout, one scan).
    """
    import gc

    was_on = gc.isenabled()
    gc.disable()
    try:
        return run(arg)
    finally:
        if was_on:
            gc.enable()


def _exit_now(code: int) -> NoReturn:
    """End the ``diagnose`` or ``listeners --json`` process once its output is flushed,
    without the interpreter's teardown (issue 14).

    Freeing every module and object of a finished one-shot run (and the collector's last
    passes over them) cost some 15-20 ms of CPU of a ``diagnose``, a tenth of the run, and
    2-4 ms of a ``listeners --json`` (the scan's rows and text); the kernel frees the
    memory and closes the descriptors anyway. Neither leaves anything for that teardown to
    do: no ``atexit`` work, files and sockets closed, ``diagnose``'s daemon threads (a
    lookup still stuck on a silent nameserver) ended either way. A reader that closed the
    pipe early (``| head``) gets the exit code without a second error.
    """
    import os

    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 - contextlib (and functools, collections) costs ~2 ms here
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to write
            pass
    os._exit(code)


def __getattr__(name: str) -> object:
    if name in _FULL:
        from . import cli_full

        return getattr(cli_full, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
