"""Two namespaces joined by a veth pair, for scenarios beyond localhost.

Each end gets ``addrgenmode none`` (no link-local IPv6 address, which would count as
configured IPv6 for ``AI_ADDRCONFIG``), its addresses (IPv6 ones with ``nodad``, usable at
once) and is brought up.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from .netns import Namespace

__all__ = ["ip", "join"]


def ip(*args: str) -> None:
    """Run ``ip ARGS`` and raise if it fails."""
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=30)


def join(
    client: Namespace,
    server: Namespace,
    client_addresses: Sequence[str],
    server_addresses: Sequence[str],
) -> tuple[str, str]:
    """Join ``client`` and ``server`` by a veth pair holding these addresses (with their
    prefix length); return the two interface names (client's, server's)."""
    c_if, s_if = f"u{client.name[-8:]}", f"u{server.name[-8:]}"
    ip("link", "add", c_if, "netns", client.name, "type", "veth",
       "peer", "name", s_if, "netns", server.name)  # fmt: skip
    for ns, dev, addresses in ((client, c_if, client_addresses), (server, s_if, server_addresses)):
        ip("-n", ns.name, "link", "set", dev, "addrgenmode", "none")
        for address in addresses:
            extra = ("nodad",) if ":" in address else ()
            ip("-n", ns.name, "addr", "add", address, "dev", dev, *extra)
        ip("-n", ns.name, "link", "set", dev, "up")
    return c_if, s_if
