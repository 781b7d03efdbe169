"""Pytest fixtures for the scenario harness: ``netns`` and ``dns_server`` factories.

Both skip, with the reason, where the machine cannot provide the real thing (not root,
no ``ip``, no dnsmasq), and add the matching ``needs_*`` markers to the test so that
``tests/conftest.py`` turns those skips into failures under ``CI=true``.
Everything a factory created is removed at teardown, even when the test failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .dnsmasq import DnsServer, DnsServerUnavailable, dnsmasq_unavailable_reason
from .netns import Namespace, NamespaceUnavailable, netns_unavailable_reason

__all__ = ["dns_server", "netns", "require_dnsmasq", "require_netns"]


def require_netns(request: pytest.FixtureRequest | None = None) -> None:
    """Mark the test ``needs_root``/``needs_netns`` and skip if namespaces are unavailable."""
    if request is not None:
        request.node.add_marker(pytest.mark.needs_root)
        request.node.add_marker(pytest.mark.needs_netns)
    reason = netns_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)


def require_dnsmasq(request: pytest.FixtureRequest | None = None) -> None:
    """Mark the test ``needs_dnsmasq`` and skip if dnsmasq is not installed."""
    if request is not None:
        request.node.add_marker(pytest.mark.needs_dnsmasq)
    reason = dnsmasq_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)


@pytest.fixture
def netns(request: pytest.FixtureRequest) -> Iterator[Callable[..., Namespace]]:
    """Factory: ``netns(hosts=..., sysctls=..., ipv6=..., ...)`` -> a new :class:`Namespace`.

    Takes the keyword arguments of :meth:`Namespace.create`. All namespaces are deleted
    at teardown.
    """
    require_netns(request)
    created: list[Namespace] = []

    def make(**kwargs: Any) -> Namespace:
        try:
            ns = Namespace.create(**kwargs)
        except NamespaceUnavailable as exc:
            pytest.skip(str(exc))
        created.append(ns)
        return ns

    try:
        yield make
    finally:
        for ns in reversed(created):
            ns.delete()


@pytest.fixture
def dns_server(request: pytest.FixtureRequest) -> Iterator[Callable[..., DnsServer]]:
    """Factory: ``dns_server(records={...}, address=..., port=..., netns=...)`` -> a running
    :class:`DnsServer` (keyword arguments of :meth:`DnsServer.start`). All are stopped at
    teardown.
    """
    require_dnsmasq(request)
    started: list[DnsServer] = []

    def make(**kwargs: Any) -> DnsServer:
        try:
            server = DnsServer.start(**kwargs)
        except DnsServerUnavailable as exc:
            if dnsmasq_unavailable_reason() is not None:
                pytest.skip(str(exc))
            raise
        started.append(server)
        return server

    try:
        yield make
    finally:
        for server in reversed(started):
            server.stop()
