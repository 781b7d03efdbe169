"""Plain-text result tables the scenario and hardening tests print beside their asserts."""

from __future__ import annotations

from typing import Any

__all__ = ["describe_result", "format_table"]


def describe_result(result: dict[str, Any] | None) -> str:
    """One cell of a results table: ``connects ADDRESS``, ``fails: ERROR`` or ``(none)``."""
    if result is None:
        return "(none)"
    outcome = str(result.get("outcome"))
    if outcome == "connects":
        address = result.get("address")
        return f"connects {address}" if address else "connects"
    error = result.get("error")
    return f"{outcome}: {error}" if error else outcome


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    """Render rows as a plain, column-aligned text table with a rule under the headers."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
