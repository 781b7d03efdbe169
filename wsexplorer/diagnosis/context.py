"""What-if contexts: one change to the client or the server, applied during simulation.

Every fix is a :class:`WhatIf`; the engine re-runs the same simulation under it instead
of having one simulation per fix.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Address, Family, Listener
from ..model.record import record
from ..model.trust import TrustStore
from .strategy import AddressOrder, ClientStrategy, Fallback

__all__ = ["NO_CHANGE", "Knob", "WhatIf"]


@record
class Knob:
    """A Happy Eyeballs setting given to some clients in code.

    Attributes:
        ids: the catalogue ids of the clients that take it.
        delay_ms: the attempt delay (asyncio's ``happy_eyeballs_delay``) or attempt
            timeout (Node's ``autoSelectFamilyAttemptTimeout``), in milliseconds.
        staggered: earlier attempts keep running (asyncio); ``False``: each attempt but
            the last is abandoned after the delay (Node).
    """

    ids: frozenset[str]
    delay_ms: int
    staggered: bool


@record
class WhatIf:
    """One change to simulate.

    Attributes:
        family: clients that can be forced to a family (``force_ipv4`` set) use only it.
        runtime_order: ``(runtime, order)``: clients of that runtime order addresses so.
        upgrade_to: clients of the same runtime adopt this strategy's policy (keeping
            their own id and name).
        listeners: the server's listening sockets on the port are replaced by these;
            measured connects no longer describe the server, so they are ignored.
        host: the URL's host is replaced by this IP literal.
        resolved: the name resolves to these addresses instead (a DNS record or a
            hosts-file line changed); ``AI_ADDRCONFIG`` still drops the families it
            dropped from the measured answer.
        knob: clients with these ids use this Happy Eyeballs setting.
        trust: every client is given this store (the ``--cacert`` file) to trust.
        insecure: every client skips certificate checks.
        direct: clients that take a proxy from the environment connect directly (the
            host added to ``no_proxy``, or their own switch: docs/clients.md#proxies).
    """

    family: Family | None = None
    runtime_order: tuple[str, AddressOrder] | None = None
    upgrade_to: ClientStrategy | None = None
    listeners: tuple[Listener, ...] | None = None
    host: str | None = None
    resolved: tuple[Address, ...] | None = None
    knob: Knob | None = None
    trust: TrustStore | None = None
    insecure: bool = False
    direct: bool = False

    def affects(self, strategy: ClientStrategy) -> bool:
        """True if this change alters what ``strategy``'s client does or reaches."""
        if self.listeners is not None or self.host is not None or self.resolved is not None:
            return True
        if self.knob is not None and strategy.id in self.knob.ids:
            return True
        if self.trust is not None or self.insecure:
            return True
        if self.direct and strategy.proxy is not None:
            return True
        if self.family is not None and strategy.force_ipv4 is not None:
            return True
        if self.runtime_order is not None and self.runtime_order[0] == strategy.runtime:
            return True
        return self.upgrade_to is not None and self._upgrades(strategy)

    def _upgrades(self, strategy: ClientStrategy) -> bool:
        up = self.upgrade_to
        # Only clients of the same library upgrade: Node's ws clients share one reading of
        # the answer (node_answer); the built-in WebSocket has its own and no older major.
        return (
            up is not None
            and up.runtime == strategy.runtime
            and up.on_answer is strategy.on_answer
            and up.id != strategy.id
        )

    def apply(self, strategy: ClientStrategy) -> ClientStrategy:
        """The strategy as it behaves under this change (family forcing is not included:
        the simulation asks :meth:`forced_family`)."""
        out = strategy
        if self.upgrade_to is not None and self._upgrades(strategy):
            out = replace(self.upgrade_to, id=strategy.id, name=strategy.name)
        if self.runtime_order is not None and self.runtime_order[0] == out.runtime:
            out = replace(out, order=self.runtime_order[1])
        knob = self.knob
        if knob is not None and strategy.id in knob.ids:
            out = replace(
                out,
                fallback=Fallback.HAPPY_EYEBALLS,
                happy_eyeballs_ms=knob.delay_ms,
                happy_eyeballs_per_family=False,
                staggered=knob.staggered,
            )
        return out

    def forced_family(self, strategy: ClientStrategy, user_family: Family | None) -> Family | None:
        """The family ``strategy`` is limited to: this change's, else the one the user chose
        (``--family``), else ``None``. A client that cannot be forced (``force_ipv4`` is
        ``None``: Chrome) keeps both families whatever either says: no flag reaches it."""
        if strategy.force_ipv4 is None:
            return None
        return self.family if self.family is not None else user_family


NO_CHANGE = WhatIf()
"""The context of the real, unchanged situation."""
