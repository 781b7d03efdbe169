"""Real Chromium results next to the ``chrome`` prediction: one comparison for every test.

:func:`result` turns what tests/peers/chromium_client.py reported into the prediction's
terms (the net log's per-attempt net errors as attempt outcomes, its time in seconds);
:func:`mismatches` says where a prediction differs. The time compared is when the connect
decided the outcome, read from the net log (the end of the attempt that connected, or of
the last one that failed, after the first attempt began: neither the name lookup nor the
opening handshake is included), within :data:`TOLERANCE_S` + :data:`TOLERANCE_RATIO` of ``time_s``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TOLERANCE_RATIO", "TOLERANCE_S", "describe", "mismatches", "result"]

TOLERANCE_S = 0.3
TOLERANCE_RATIO = 0.10

# Chromium's net error for one connect attempt -> the attempt outcome the model uses.
_OUTCOMES = {
    None: "connected",
    "ERR_CONNECTION_REFUSED": "refused",
    "ERR_CONNECTION_TIMED_OUT": "timeout",
    "ERR_ADDRESS_UNREACHABLE": "unreachable",
    "ERR_ADDRESS_INVALID": "unreachable",
}


def result(run: dict[str, Any]) -> dict[str, Any]:
    """``peers.run_client(ns, "chromium", url)`` as ``{"outcome", "address", "error",
    "tries", "seconds", "raw"}``; ``tries`` holds ``(address, outcome)`` pairs, an attempt
    still pending when the outcome came (Happy Eyeballs) as ``"abandoned"``."""
    raw = run["raw"]
    tries = []
    for attempt in raw.get("tried", []):
        if attempt["end_ms"] is None:
            outcome = "abandoned"
        else:
            outcome = _OUTCOMES.get(attempt["net_error"], str(attempt["net_error"]))
        tries.append((attempt["address"], outcome))
    return {
        "outcome": run["outcome"],
        "address": run["address"],
        "error": run["error"],
        "tries": tries,
        "seconds": _seconds(run["outcome"], raw),
        "raw": raw,
    }


def _seconds(outcome: str, raw: dict[str, Any]) -> float | None:
    """When the connect decided the outcome, from the net log: the end of the winning
    attempt, or of the last failed one, after the first attempt began (the name lookup
    before it is not modelled); the page's own time when nothing was tried."""
    tried = raw.get("tried", [])
    ends = [t for t in tried if t["end_ms"] is not None]
    if outcome == "connects":
        ends = [t for t in ends if t["net_error"] is None]
    if ends:
        first = min(float(t["start_ms"]) for t in tried)
        return (max(float(t["end_ms"]) for t in ends) - first) / 1000
    elapsed = raw.get("elapsed_ms")
    return None if elapsed is None else float(elapsed) / 1000


def _within(real_s: float, predicted_s: float) -> bool:
    return abs(real_s - predicted_s) <= TOLERANCE_S + TOLERANCE_RATIO * predicted_s


def _same_tries(real: list[tuple[str, str]], guessed: list[tuple[str, str]]) -> bool:
    """The same addresses in the same order, each ending the same way; an attempt
    Chromium abandoned when another one won is what the model calls a silent one. A try
    repeated at once counts once: after an HSTS upgrade (docs/clients.md#chrome-hsts)
    Chromium connects for ``ws://`` and again for ``wss://``."""
    real = [t for i, t in enumerate(real) if i == 0 or real[i - 1] != t]
    if [a for a, _ in real] != [a for a, _ in guessed]:
        return False
    return all(
        r == g or (r == "abandoned" and g == "timeout")
        for (_, r), (_, g) in zip(real, guessed, strict=True)
    )


def mismatches(real: dict[str, Any], predicted: dict[str, Any]) -> list[str]:
    """What differs between a :func:`result` and a ``chrome`` entry of ``diagnose --json``."""
    if real["outcome"] != predicted["outcome"]:
        return ["outcome"]
    found = []
    if real["address"] != predicted["address"]:
        found.append("address")
    if real["error"] != predicted["error"]:
        found.append("error")
    guessed = [(t["address"], t["outcome"]) for t in predicted["tries"]]
    if not _same_tries(real["tries"], guessed):
        found.append("tries")
    if predicted.get("time_s") is None or real["seconds"] is None:
        found.append("time unknown")
    elif not _within(real["seconds"], predicted["time_s"]):
        found.append("time")
    if predicted["confidence"] != "checked":
        found.append("confidence")
    return found


def describe(entry: dict[str, Any]) -> str:
    """One table cell: outcome, address or error, the tries, the time."""
    what = entry["address"] if entry["outcome"] == "connects" else entry["error"]
    tries = entry["tries"]
    pairs = [(t["address"], t["outcome"]) if isinstance(t, dict) else t for t in tries]
    seconds = entry.get("seconds", entry.get("time_s"))
    shown = "?" if seconds is None else f"{seconds:.2f} s"
    return f"{entry['outcome']} {what} {' '.join(f'{a}:{o}' for a, o in pairs)} {shown}"
