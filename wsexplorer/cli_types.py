"""The command line's argument types: each turns one option's text into a value, or raises
``argparse.ArgumentTypeError`` with a one-line message naming the bad part.

Shared by ``cli.py`` and ``cli_serve.py``; like them, it never imports Textual.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn, TypeVar

from .model.errors import WsxError
from .model.port import parse_port
from .model.untrusted import clean

if TYPE_CHECKING:
    from .diagnosis.strategy import ClientStrategy
    from .model.override import ResolveOverride
    from .model.url import WebSocketURL

__all__ = [
    "_Parser",
    "_arg",
    "_clients",
    "_header",
    "_host",
    "_origin",
    "_port",
    "_port_or_zero",
    "_subprotocol",
    "_timeout",
    "parse_resolve",
    "parse_url",
]


# The URL and --resolve parsers load on first use: ``wsexplorer listeners`` never needs
# them (nor ipaddress, urllib or dataclasses), and it must start as fast as ``ss``.
def parse_url(text: str) -> WebSocketURL:
    from .model.url import parse_url as parse

    return parse(text)


def parse_resolve(text: str) -> ResolveOverride:
    from .model.override import parse_resolve as parse

    return parse(text)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {clean(message)} (see '{self.prog} --help')\n")


T = TypeVar("T")


def _arg(fn: Callable[[str], T]) -> Callable[[str], T]:
    """Turn a WsxError-raising parser into an argparse type with a clean message."""

    def wrapper(text: str) -> T:
        try:
            return fn(text)
        except WsxError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    wrapper.__name__ = fn.__name__
    return wrapper


def _clients(text: str) -> tuple[ClientStrategy, ...]:
    """``--clients``: comma-separated client ids or runtime names (the engine's
    catalogue; loaded only when the option is given)."""
    from .diagnosis.selection import select_clients

    return select_clients(text)


def _port(text: str) -> int:
    return parse_port(text)


def _port_or_zero(text: str) -> int:
    """A port, or 0 for ``auto`` / ``0``: any free port, chosen by the kernel."""
    if text.strip().lower() in ("0", "auto"):
        return 0
    return parse_port(text, "port (or 'auto' for any free port)")


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"timeout {text!r} is not a number: use seconds, e.g. 5 or 0.5"
        ) from None
    if not math.isfinite(value) or value <= 0 or value > 600:
        raise argparse.ArgumentTypeError(f"timeout {text!r} is out of range: use 0 < S <= 600")
    return value


def _header(text: str) -> tuple[str, str]:
    from .model.request import parse_header

    return _arg(parse_header)(text)


def _subprotocol(text: str) -> str:
    from .model.request import parse_subprotocol

    return _arg(parse_subprotocol)(text)


def _origin(text: str) -> str:
    from .model.request import parse_origin

    return _arg(parse_origin)(text)


def _cacert(text: str) -> str:
    """``--cacert FILE``: a readable file of PEM certificates (what ``ssl`` can load)."""
    import ssl

    shown = repr(text[:80])
    try:
        with open(text, "rb") as handle:
            head = handle.read(1 << 20)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {shown}: {exc.strerror}") from None
    if b"-----BEGIN CERTIFICATE-----" not in head:
        raise argparse.ArgumentTypeError(f"{shown} holds no PEM certificate (BEGIN CERTIFICATE)")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=text)
    except (ssl.SSLError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"{shown} is not a usable CA file: {exc}") from None
    return text


def add_tls_options(p: argparse.ArgumentParser) -> None:
    """``-k/--insecure`` and ``--cacert FILE`` (``diagnose``, ``why`` and the TUI)."""
    p.add_argument(
        "-k",
        "--insecure",
        action="store_true",
        help="wss://: let wsexplorer's own handshake skip the certificate check (clients "
        "still check theirs: the report says which refuse and the flag each needs)",
    )
    p.add_argument(
        "--cacert",
        type=_cacert,
        metavar="FILE",
        help="wss://: verify the server with the CA certificates in FILE (PEM) only",
    )


def _host(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise argparse.ArgumentTypeError("host is empty: give a name or an IP address")
    if stripped.startswith("[") and stripped.endswith("]"):
        stripped = stripped[1:-1]
    try:
        probe = parse_url(f"ws://[{stripped}]/" if ":" in stripped else f"ws://{stripped}/")
    except WsxError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("URL", "host")) from None
    return probe.host
