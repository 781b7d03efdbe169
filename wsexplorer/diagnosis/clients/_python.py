"""What the Python clients share with Python's standard library: the name-lookup error
text they print and urllib's rules for proxies in the environment.

Sources:
- The probes resolve with Python's own ``socket.getaddrinfo``, so a lookup error worded
  ``[Errno -N] ...`` (``socket.gaierror``) is the text a Python client prints as it is
  (docs/clients.md#python-websockets, docs/clients.md#python-websocket-client).
- ``urllib.request.getproxies`` reads the lower-case spelling of each variable first, and
  an empty lower-case value hides the upper-case one; ``no_proxy`` is matched by
  ``proxy_bypass`` (``*``, a name, a domain suffix); a proxy URL without a port means 80.
  websockets (``get_proxy``) and websocket-client (``get_proxy_info``) both read their
  variables so (docs/clients.md#proxies).
"""

from __future__ import annotations

from ..proxy import NoProxyRules, ProxyPolicy

__all__ = ["NAME_NOT_KNOWN", "gai_text", "urllib_proxy"]

NAME_NOT_KNOWN = "[Errno -2] Name or service not known"
"""``EAI_NONAME`` as ``socket.gaierror`` prints it: the text when no other was measured."""


def gai_text(error: str | None) -> str | None:
    """The measured lookup error when it is Python's own text (``[Errno -N] ...``), else
    ``None``."""
    return error if error and error.startswith("[Errno") else None


def urllib_proxy(
    ws: tuple[tuple[str, ...], ...], wss: tuple[tuple[str, ...], ...], rejected: str
) -> ProxyPolicy:
    """A client that takes ``ws`` / ``wss`` (variable groups in precedence order) from the
    environment by urllib's rules (see the module docstring) and prints ``rejected`` when
    the proxy refuses the ``CONNECT``."""
    return ProxyPolicy(
        ws=ws,
        wss=wss,
        no_proxy=("no_proxy", "NO_PROXY"),
        rules=NoProxyRules.URLLIB,
        empty_hides=True,
        default_port=80,
        rejected=rejected,
    )
