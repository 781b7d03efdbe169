"""Fixes: what-if re-runs, measured vs predicted, applicability, concrete code."""

from __future__ import annotations

from dataclasses import replace

from wsexplorer.diagnosis import FIX_IDS, FIXES, diagnose, ipv4_target
from wsexplorer.diagnosis.clients import CHROME, NODE_17_19, NODE_20, PYTHON_WEBSOCKETS
from wsexplorer.diagnosis.fixes import ALWAYS_LISTED, dual_stack_python
from wsexplorer.model import LOOPBACK_BIND, FamilyChoice, FixChange, FixHow

from .builders import attempt, make_resolution, seed_observation


def test_fix_ids_and_order() -> None:
    d = diagnose(seed_observation())
    assert tuple(f.id for f in d.fixes) == ALWAYS_LISTED
    assert FIX_IDS[: len(ALWAYS_LISTED)] == ALWAYS_LISTED
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
    assert ipv4_target(seed_observation(host="myhost", hosts_order=("::1",))) == "127.0.0.1"
    remote = seed_observation(host="ws.example.com", hosts_order=("2001:db8::1", "192.0.2.7"))
    assert ipv4_target(remote) == "192.0.2.7"
    # A name with its own IPv4 address keeps it, even beside a loopback one.
    mixed = seed_observation(host="ws.example.com", hosts_order=("::1", "192.0.2.7"))
    assert ipv4_target(mixed) == "192.0.2.7"
    # A remote name nothing resolves: no target, never 127.0.0.1.
    assert ipv4_target(seed_observation(host="ws.example.test", hosts_order=())) is None
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


def test_one_table_names_every_fix() -> None:
    assert tuple(kind.id for kind in FIXES) == FIX_IDS
    assert {k.id: k.key for k in FIXES if k.key} == {
        "client-family-4": "f",
        "server-dual-stack": "d",
        "ipv4-literal": "l",
    }
    d = diagnose(seed_observation())
    for kind, fix in zip(FIXES[: len(d.fixes)], d.fixes, strict=True):
        assert (fix.id, fix.key) == (kind.id, kind.key)
        assert fix.label == ("127.0.0.1" if fix.id == "ipv4-literal" else kind.label)
        assert fix.title == ("Use 127.0.0.1 in the URL" if fix.id == "ipv4-literal" else kind.title)
    # Fixes made in code have no key and no live change.
    assert d.fix("node-ipv4first").change is None and d.fix("upgrade-node-20").key is None


def test_live_changes_on_the_seed_case() -> None:
    d = diagnose(seed_observation())
    assert d.fix("client-family-4").change == FixChange(family=FamilyChoice.IPV4)
    assert d.fix("ipv4-literal").change == FixChange(url_host="127.0.0.1")
    assert d.fix("server-dual-stack").change == FixChange(server_bind=("::", "dual-stack"))
    assert all(f.reason == "" for f in d.fixes)
    assert d.fix("ipv4-literal").to_json()["change"] == {
        "family": None,
        "url_host": "127.0.0.1",
        "server_bind": None,
        "note": "",
    }
    dual = d.fix("server-dual-stack").to_json()
    assert dual["key"] == "d" and dual["reason"] == ""
    assert dual["change"] == {
        "family": None,
        "url_host": None,
        "server_bind": {"host": "::", "mode": "dual-stack"},
        "note": "",
    }


def test_remote_name_gets_its_own_ipv4_address_or_nothing() -> None:
    unknown = diagnose(seed_observation(host="ws.example.test", hosts_order=(), local_target=False))
    lit = unknown.fix("ipv4-literal")
    assert not lit.applicable and lit.change is None and lit.key == "l"
    assert lit.reason == "no IPv4 address is known for ws.example.test"
    assert lit.to_json()["change"] is None and lit.to_json()["reason"] == lit.reason
    known = seed_observation(host="ws.example.test", hosts_order=("192.0.2.7",), local_target=False)
    lit = diagnose(known).fix("ipv4-literal")
    assert lit.applicable and lit.change == FixChange(url_host="192.0.2.7")
    assert lit.label == "192.0.2.7" and lit.title == "Use 192.0.2.7 in the URL"


def test_literal_host_has_no_literal_fix() -> None:
    lit = diagnose(seed_observation(host="127.0.0.1", hosts_order=("127.0.0.1",))).fix(
        "ipv4-literal"
    )
    assert lit.change is None and lit.reason == "the URL's host 127.0.0.1 is an address"
    assert lit.label == "IPv4 address"


def test_family_already_forced_changes_nothing() -> None:
    fam = diagnose(seed_observation(family=FamilyChoice.IPV4)).fix("client-family-4")
    assert fam.applicable and fam.change is None
    assert fam.reason == "already IPv4 only (family 4)"
    assert diagnose(seed_observation(family=FamilyChoice.IPV6)).fix(
        "client-family-4"
    ).change == FixChange(family=FamilyChoice.IPV4)
    forced = diagnose(seed_observation(), [CHROME]).fix("client-family-4")
    assert forced.change is None and forced.reason == "no modelled client can be forced"


def test_dual_stack_keeps_a_loopback_server_on_loopback() -> None:
    for listen in ("127.0.0.1", "::1"):
        fix = diagnose(seed_observation(listen=listen)).fix("server-dual-stack")
        assert fix.change is not None
        assert fix.change.server_bind == (LOOPBACK_BIND, "default")
        assert "loopback only" in fix.change.note and fix.reason == ""
    both = diagnose(seed_observation(listen=("127.0.0.1", "::1/v6only"))).fix("server-dual-stack")
    assert both.change is None and "already listens on 127.0.0.1 and ::1" in both.reason
    # A wildcard beside a loopback socket: the server is on the network already.
    mixed = diagnose(seed_observation(listen=("0.0.0.0", "::1/v6only"))).fix("server-dual-stack")
    assert mixed.change == FixChange(server_bind=("::", "dual-stack"))


def test_dual_stack_already_or_elsewhere_changes_nothing() -> None:
    done = diagnose(seed_observation(listen="::")).fix("server-dual-stack")
    assert done.applicable and done.change is None
    assert done.reason == "the server already listens on :: dual-stack (IPv4 and IPv6)"
    nothing = diagnose(seed_observation(listen=())).fix("server-dual-stack")
    assert nothing.change == FixChange(server_bind=("::", "dual-stack"))
    obs = seed_observation(host="ws.example.com", hosts_order=("192.0.2.1",), local_target=False)
    remote = diagnose(obs).fix("server-dual-stack")
    assert remote.change is None
    assert remote.reason == "the server is not on this machine: change it where it runs"
