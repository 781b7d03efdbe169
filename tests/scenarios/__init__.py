"""The scenario harness: real network namespaces and a real DNS server for tests.

``netns`` (:class:`~tests.scenarios.netns.Namespace`), ``dnsmasq``
(:class:`~tests.scenarios.dnsmasq.DnsServer` and broken nameservers), and ``fixtures``
(the pytest fixtures ``netns`` and ``dns_server``, loaded by ``tests/conftest.py``).
"""
