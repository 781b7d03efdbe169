"""What the handshake request carries besides the upgrade headers, worded once.

The extra headers (``-H``, or the TUI's ``h`` screen), the offered subprotocols and the
``Origin``, each as ``Name: value`` with credentials masked by the one rule of
:mod:`wsexplorer.model.secrets` (``Authorization: Bearer ***``, ``Cookie: sid=***``).
The lines are raw otherwise: each renderer sanitises what it shows.
"""

from __future__ import annotations

from ..model.options import ObserveOptions
from ..model.secrets import mask_header, mask_subprotocol
from ..model.untrusted import md_code

__all__ = ["request_lines", "request_markdown", "request_summary"]


def request_lines(options: ObserveOptions) -> list[str]:
    """``Name: value`` for each header the user added, masked, in the order sent."""
    lines = [f"{name}: {mask_header(name, value)}" for name, value in options.headers]
    if options.subprotocols:
        offered = ", ".join(mask_subprotocol(s) for s in options.subprotocols)
        lines.append(f"Sec-WebSocket-Protocol: {offered}")
    if options.origin is not None:
        lines.append(f"Origin: {options.origin}")
    return lines


def request_summary(options: ObserveOptions) -> str | None:
    """One line, ``sent: X-Room: 7 · Authorization: Bearer ***``; ``None`` when the
    request carries nothing besides the upgrade's own headers."""
    lines = request_lines(options)
    return "sent: " + " · ".join(lines) if lines else None


def request_markdown(options: ObserveOptions) -> str:
    """A ``## Request`` section for the Markdown report; empty when nothing was added."""
    lines = request_lines(options)
    if not lines:
        return ""
    items = "".join(f"- {md_code(line)}\n" for line in lines)
    return f"\n## Request\n\nHeaders sent besides the upgrade's own (secrets masked):\n\n{items}"
