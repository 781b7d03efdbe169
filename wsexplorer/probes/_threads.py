"""Blocking calls in daemon threads, so that nothing waits for them at exit.

``getaddrinfo`` stuck on a silent nameserver cannot be cancelled. A
``ThreadPoolExecutor`` thread (``asyncio.to_thread``, the loop's default executor) is
joined when ``asyncio.run`` ends and again when the interpreter exits, so Ctrl+C during
such a wait would take as long as the wait itself (glibc: 10 s). A daemon thread is
joined by neither: the caller stops waiting for it and the process can leave at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import ParamSpec, TypeVar

__all__ = ["in_daemon_thread", "to_daemon_thread"]

P = ParamSpec("P")
T = TypeVar("T")


def in_daemon_thread(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """Start ``call(*args, **kwargs)`` in a new daemon thread; its result as a future."""
    future: Future[T] = Future()
    future.set_running_or_notify_cancel()

    def run() -> None:
        try:
            result = call(*args, **kwargs)
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)

    name = f"wsx-{getattr(call, '__name__', 'call')}"
    threading.Thread(target=run, name=name, daemon=True).start()
    return future


async def to_daemon_thread(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``asyncio.to_thread`` in a daemon thread: cancelling the await leaves the thread
    to finish on its own, and neither the loop nor the interpreter waits for it."""
    import asyncio  # lazy: the synchronous commands never load it

    return await asyncio.wrap_future(in_daemon_thread(call, *args, **kwargs))
