"""The WHATWG ``WebSocket`` client peers: Node 22/24's built-in one, Bun's and Deno's.

They all run ``tests/peers/web_client.js``; the binaries are registry packages under
``tests/peers/node_modules`` (see tests/peers/README.md). The WHATWG API exposes no
address, so :mod:`tests.scenarios.peers` tags the URL (:func:`tagged_url`) and reads the
address the client reached from the server's log of that connection (its ``path``).
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

__all__ = [
    "JS_CLIENT_KINDS",
    "WEB_CLIENTS",
    "runtime_binary",
    "tagged_url",
    "untagged",
    "url_path",
    "web_client_argv",
]

JS_CLIENT_KINDS: tuple[str, ...] = (
    "node22",
    "node24",
    "node22-builtin",
    "node24-builtin",
    "bun",
    "deno",
)
"""Node 22/24 with ``ws`` (``ws_client.js``) and the WHATWG WebSocket clients."""
WEB_CLIENTS = frozenset({"node22-builtin", "node24-builtin", "bun", "deno"})
"""Client kinds running ``web_client.js`` on the runtime's global ``WebSocket``."""

_RUNTIME_PATHS = {
    "bun": ("@oven", "bun-linux-x64", "bin", "bun"),
    "deno": ("@deno", "linux-x64-glibc", "deno"),
}
_TAG = "wsx-peer"
_TAGGED = re.compile(rf"[?&]{_TAG}=[a-z0-9-]+")


def runtime_binary(peers_dir: Path, kind: str) -> Path | None:
    """Path of the Bun or Deno binary under ``peers_dir/node_modules``, or None when it is
    not installed or the kind is neither."""
    parts = _RUNTIME_PATHS.get(kind)
    if parts is None:
        return None
    path = peers_dir.joinpath("node_modules", *parts)
    return path if path.is_file() and os.access(path, os.X_OK) else None


def web_client_argv(
    peers_dir: Path, kind: str, url: str, node: Path | None, flags: tuple[str, ...] = ()
) -> list[str] | None:
    """The argv running ``web_client.js`` for ``kind`` (``node``: the Node binary of a
    ``node*-builtin`` kind), or None when its runtime is not installed. ``flags`` go to
    the runtime, before the script (Deno's ``--cert FILE``)."""
    script = str(peers_dir / "web_client.js")
    if kind.startswith("node"):
        return None if node is None else [str(node), *flags, script, url]
    binary = runtime_binary(peers_dir, kind)
    if binary is None:
        return None
    if kind == "deno":
        return [str(binary), "run", "--allow-net", "--allow-env", *flags, script, url]
    return [str(binary), *flags, script, url]


def tagged_url(url: str, kind: str) -> str:
    """``url`` with a query naming this run (``?wsx-peer=bun-1f2e``), so the server's log
    tells which client a logged connection belongs to."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{_TAG}={kind}-{secrets.token_hex(4)}"


def untagged(text: str) -> str:
    """``text`` (an error naming the URL, as Bun's does) without the tag
    :func:`tagged_url` added: the URL as the user gave it, in the client's spelling."""
    return _TAGGED.sub("", text)


def url_path(url: str) -> str:
    """The path and query of ``url``, as the server logs them."""
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else "/"
