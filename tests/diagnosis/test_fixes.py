"""Fixes: what-if re-runs, measured vs predicted, applicability, concrete code."""

from __future__ import annotations

from dataclasses import replace

from wsexplorer.diagnosis import FIX_IDS, diagnose, ipv4_target
from wsexplorer.diagnosis.clients import CHROME, NODE_17_19, NODE_20, PYTHON_WEBSOCKETS
from wsexplorer.diagnosis.fixes import dual_stack_python
from wsexplorer.model import FixHow

from .builders import attempt, make_resolution, seed_observation


def test_fix_ids_and_order() -> None:
    d = diagnose(seed_observation())
    assert tuple(f.id for f in d.fixes) == FIX_IDS
    assert FIX_IDS[:3] == ("client-family-4", "server-dual-stack", "ipv4-literal")


def test_predicted_without_measurements() -> None:
    d = diagnose(seed_observation())
    assert all(f.how is FixHow.PREDICTED for f in d.fixes)


def test_measured_when_the_fixed_addresses_were_tried_live() -> None:
    # The tracer tried ::1 (refused) and 127.0.0.1 (connected), probes too.
    d = diagnose(seed_observation(measured=True))
    assert d.fix("client-family-4").how is FixHow.MEASURED
    assert d.fix("ipv4-literal").how is FixHow.MEASURED
    assert d.fix("node-ipv4first").how is FixHow.MEASURED
    assert d.fix("server-dual-stack").how is FixHow.PREDICTED  # always, from here


def test_measured_needs_every_changed_try() -> None:
    # Only 127.0.0.1 was probed: forcing IPv4 is measured, upgrading Node (which still
    # tries ::1 first) is not.
    obs = seed_observation(probes=(attempt("127.0.0.1", "connected"),))
    d = diagnose(obs)
    assert d.fix("client-family-4").how is FixHow.MEASURED
    assert d.fix("ipv4-literal").how is FixHow.MEASURED
    assert d.fix("upgrade-node-20").how is FixHow.PREDICTED


def test_after_holds_every_client_and_works_means_all_connect() -> None:
    d = diagnose(seed_observation(listen="::/v6only"))
    for fix in d.fixes:
        assert [p.id for p in fix.after] == [c.id for c in d.clients]
        assert fix.works == all(p.connects for p in fix.after)


def test_detail_and_code() -> None:
    d = diagnose(seed_observation())
    fam = d.fix("client-family-4")
    assert fam.node == "new WebSocket(url, { family: 4 })"
    assert fam.python == "websockets.connect(url, family=socket.AF_INET)"
    assert "curl -4" in fam.detail and "Chrome cannot be forced" in fam.detail
    assert fam.detail.endswith(": every modelled client connects")
    dual = d.fix("server-dual-stack")
    assert dual.node.startswith('server.listen(8080, "::")')
    assert "IPV6_V6ONLY, 0" in dual.python and "sock=sock" in dual.python
    assert dual.python == dual_stack_python(8080)
    lit = d.fix("ipv4-literal")
    assert lit.title == "Use 127.0.0.1 in the URL"
    assert lit.node == 'new WebSocket("ws://127.0.0.1:8080/subscribe")'
    assert lit.python == 'websockets.connect("ws://127.0.0.1:8080/subscribe")'
    assert "--dns-result-order=ipv4first" in d.fix("node-ipv4first").node


def test_detail_names_clients_that_now_fail() -> None:
    d = diagnose(seed_observation(listen="::1"))
    detail = d.fix("node-ipv4first").detail
    assert detail.endswith("Node.js 16 ws still fails, Node.js 17-19 ws now fails")


def test_not_applicable_without_matching_clients() -> None:
    d = diagnose(seed_observation(), [CHROME])
    fam = d.fix("client-family-4")
    assert not fam.applicable and not fam.works and fam.after == ()
    assert fam.detail == "no modelled client can be forced"
    assert not d.fix("node-ipv4first").applicable
    up = diagnose(seed_observation(), [NODE_20, PYTHON_WEBSOCKETS]).fix("upgrade-node-20")
    assert not up.applicable and up.detail == "no older Node.js client is modelled"
    assert diagnose(seed_observation(), [NODE_17_19]).fix("upgrade-node-20").works


def test_ipv4_target() -> None:
    assert ipv4_target(seed_observation()) == "127.0.0.1"
    assert ipv4_target(seed_observation(host="127.0.0.1", hosts_order=("127.0.0.1",))) is None
    # A name resolving to a loopback address (Debian's 127.0.1.1 hostname line).
    assert ipv4_target(seed_observation(host="myhost", hosts_order=("127.0.1.1",))) == "127.0.0.1"
    remote = seed_observation(host="ws.example.com", hosts_order=("2001:db8::1", "192.0.2.7"))
    assert ipv4_target(remote) == "192.0.2.7"
    six = seed_observation(host="ws.example.com", hosts_order=("2001:db8::1",))
    assert ipv4_target(six) is None
    # Only the AF_INET lookup knows the IPv4 address.
    res = make_resolution("ws.example.com", 8080, ("2001:db8::1",))
    res = replace(res, ipv4=make_resolution("x", 8080, ("192.0.2.9",)).getaddrinfo)
    assert ipv4_target(replace(six, resolution=res)) == "192.0.2.9"


def test_unknown_after_fix_is_reported() -> None:
    obs = seed_observation(host="ws.example.com", hosts_order=("192.0.2.1",), local_target=False)
    detail = diagnose(obs).fix("client-family-4").detail
    assert "unknown for Node.js 16 ws" in detail


def test_remote_dual_stack_is_not_applicable() -> None:
    obs = seed_observation(host="ws.example.com", hosts_order=("192.0.2.1",), local_target=False)
    fix = diagnose(obs).fix("server-dual-stack")
    assert not fix.applicable
    assert "the server is not on this machine" in fix.detail
