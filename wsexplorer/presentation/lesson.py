"""``wsexplorer lesson``: the seed story as steps, worded from the live diagnosis.

Each step is one short paragraph about one pane; its facts (the failing client and its
error, the resolver's order, the listener, what each fix does) come from the current
:class:`Diagnosis`, so the lesson says what the screen shows. Fix steps compare the
diagnosis from before the key was pressed with the one after it ("before -> now").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import ClientOutcome, Diagnosis
from .facts import tally

__all__ = ["LESSON_FIXES", "STEP_COUNT", "LessonStep", "lesson_step"]


@dataclass(frozen=True, slots=True)
class LessonStep:
    """One step: its title, paragraph, the pane it is about (a widget id), and the key
    the step asks for (``None``: just read)."""

    number: int
    title: str
    text: str
    pane: str
    key: str | None = None

    @property
    def counter(self) -> str:
        return f"Step {self.number} of {STEP_COUNT}"


LESSON_FIXES = {"f": "client-family-4", "l": "ipv4-literal", "d": "server-dual-stack"}
"""The fix each fix step's key applies (the engine's ids)."""

_WAITING = "(the diagnosis is still running: its facts appear here in a moment)"


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names) or "none"
    return ", ".join(names[:-1]) + " and " + names[-1]


def _failing(d: Diagnosis) -> str:
    bad = [c for c in d.clients if c.outcome is ClientOutcome.FAILS]
    good = [c.name for c in d.clients if c.connects]
    if not bad:
        return (
            "Right now every client connects (a fix is applied: press u to undo it, and "
            "the failure comes back)."
        )
    first = bad[0]
    return (
        f"{first.name} fails with `{first.error}`, while {_names(good)} connect to the "
        "same URL and the same server. Nothing is down: the clients pick addresses "
        "differently."
    )


def _hosts_lines(d: Diagnosis) -> str:
    """``/etc/hosts:2 and :3 list localhost as 127.0.0.1 and ::1``, from the parsed file."""
    res = d.observation.resolution
    entries = res.hosts_file.lookup(d.observation.url.host)
    if not entries:
        return "The hosts file has no line for it; the answers come from DNS. "
    lines = " and ".join(f"{res.hosts_file.path}:{e.line} ({e.address})" for e in entries)
    return f"The hosts file lists it: {lines}. "


def _resolution(d: Diagnosis, pinned: bool) -> str:
    obs = d.observation
    order = [a.address for a in obs.resolution.addresses]
    where = (
        "The lesson pins the Debian/Ubuntu order (the banner says so), as this machine's "
        "hosts file lacks `::1 localhost`. "
        if pinned
        else _hosts_lines(d)
    )
    return (
        f"{obs.url.host} resolves to {', '.join(order) or 'nothing'}. {where}glibc sorts "
        "the answers by RFC 6724's policy table (/etc/gai.conf changes it): ::1 ranks "
        "above 127.0.0.1, so IPv6 comes first."
    )


def _listeners(d: Diagnosis) -> str:
    obs = d.observation
    port = obs.url.port
    if not obs.listeners:
        return f"Nothing listens on port {port} now."
    lis = obs.listeners[0]
    fams = " and ".join(f"IPv{f.value[-1]}" for f in lis.accepts) or "nothing"
    return (
        f"The server listens on {lis.display_address()}: it accepts {fams} only. "
        f"A connect to ::1 port {port} reaches no socket, so the kernel refuses it "
        "(ECONNREFUSED) at once."
    )


_WHY = (
    "Node 16 puts IPv4 first (ipv4first was the default before 17). Node 17-19 keep "
    "the resolver's order and try only the first address: ::1, refused. Node 20+ "
    "(autoSelectFamily) and Python websockets try the next address, 127.0.0.1, and "
    "connect. Chrome and curl do the same."
)

_PITFALLS = (
    'Pitfalls: Python\'s serve(handler, "::") is IPv6-only (asyncio sets IPV6_V6ONLY), '
    "so IPv4 clients fail there instead. A Node server bound to 'localhost' listens on "
    "the first address only, ::1 on Node 17+. And :: or 0.0.0.0 also open the port to "
    "the network: for local work, listen on 127.0.0.1 and ::1."
)

_FREE = (
    "That is the whole story. Press g to leave the lesson and explore (every key of the "
    "full app works); g brings the lesson back at this step. q quits."
)


def _fix(d: Diagnosis, key: str, before: Diagnosis | None) -> str:
    if before is not None and d is not before:
        # The fix applied is the one ``before`` had on the key: once every client
        # connects the engine lists no fix at all.
        done = next((f for f in before.fixes if f.key == key), None)
        fix_id = done.id if done is not None else LESSON_FIXES[key]
        return (
            f"{key} applied ({fix_id}): before {tally(before)} → now {tally(d)}. "
            "Press u to undo it before the next step."
        )
    fix = next((f for f in d.fixes if f.key == key), None)
    if fix is None:
        return f"Press {key}: the fix {LESSON_FIXES[key]} does not apply to what is on screen now."
    verdict = "works" if fix.works else "is not enough"
    return (
        f"Press {key}: {fix.title[0].lower()}{fix.title[1:]}. The engine predicts it "
        f"{verdict} ({fix.how}); the app applies it live, diagnoses again and shows "
        "before → now here."
    )


_STEPS: tuple[tuple[str, str, str | None, Callable[[Diagnosis, bool], str]], ...] = (
    ("The failing client", "diagnosis", None, lambda d, _p: _failing(d)),
    ("How localhost resolves", "resolution", None, _resolution),
    ("What listens", "listeners", None, lambda d, _p: _listeners(d)),
    ("Why the clients differ", "diagnosis", None, lambda _d, _p: _WHY),
    ("Fix in the client: IPv4", "diagnosis", "f", lambda _d, _p: ""),
    ("Fix in the URL: the literal", "diagnosis", "l", lambda _d, _p: ""),
    ("Fix in the server: dual-stack", "listeners", "d", lambda _d, _p: ""),
    ("Pitfalls", "session", None, lambda _d, _p: _PITFALLS),
    ("Your turn", "diagnosis", None, lambda _d, _p: _FREE),
)

STEP_COUNT = len(_STEPS)


def lesson_step(
    number: int, d: Diagnosis | None, *, pinned: bool = False, before: Diagnosis | None = None
) -> LessonStep:
    """Step ``number`` (1-based, clamped to the lesson) worded from ``d``; ``before`` is
    the diagnosis from when a fix step began (its "before -> now")."""
    number = min(max(number, 1), STEP_COUNT)
    title, pane, key, words = _STEPS[number - 1]
    if d is None:
        text = _WAITING
    elif key is not None:
        text = _fix(d, key, before)
    else:
        text = words(d, pinned)
    return LessonStep(number, title, text, pane, key)
