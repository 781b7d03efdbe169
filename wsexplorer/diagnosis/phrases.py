"""Plain phrases the verdict, the notes and the fixes share: a list of names, a listener
and what it accepts."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Family, Listener, is_wildcard
from .simulate import family_label

__all__ = ["describe_listener", "join_names", "listener_phrase"]


def join_names(names: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def describe_listener(lis: Listener) -> str:
    if lis.family is Family.IPV6 and is_wildcard(lis.address) and lis.v6only:
        return f"{lis.address} with IPV6_V6ONLY=1"
    return lis.address


def _accepts(lis: Listener) -> str:
    if len(lis.accepts) == 2:
        return "both IPv4 and IPv6"
    label = family_label(lis.accepts[0])
    if is_wildcard(lis.address):
        return f"{label} only"
    return f"only {lis.address} ({label})"


def _listener_key(lis: Listener) -> tuple[str, str, str, str]:
    return (lis.family.value, lis.address, describe_listener(lis), _accepts(lis))


def listener_phrase(listeners: Sequence[Listener], port: int) -> str:
    """``the only listener on 8080 is 0.0.0.0, which accepts IPv4 only`` (order-independent).

    Several: ``the listeners on 8080 are 0.0.0.0 (accepts IPv4 only) and ::1 (accepts
    only ::1 (IPv6))``; none: ``nothing listens on port 8080``.
    """
    unique = sorted({_listener_key(lis) for lis in listeners})
    if not unique:
        return f"nothing listens on port {port}"
    if len(unique) == 1:
        _, _, desc, acc = unique[0]
        return f"the only listener on {port} is {desc}, which accepts {acc}"
    parts = [f"{desc} (accepts {acc})" for _, _, desc, acc in unique]
    return f"the listeners on {port} are {join_names(parts)}"
