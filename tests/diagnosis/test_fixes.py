"""Fixes: what-if re-runs, measured vs predicted, applicability, concrete code."""

from __future__ import annotations

from dataclasses import replace

from wsexplorer.diagnosis import FIX_IDS, FIXES, diagnose, ipv4_target
from wsexplorer.diagnosis.clients import CHROME, NODE_17_19, NODE_20, PYTHON_WEBSOCKETS
from wsexplorer.diagnosis.fixes import ALWAYS_LISTED, dual_stack_python
from wsexplorer.model import (
    LOOPBACK_BIND,
    Exposure,
    FamilyChoice,
    FixChange,
    FixHow,
    Observation,
)

from .builders import attempt, make_resolution, seed_observation


def _remote(**kw: object) -> Observation:
    """ws.example.com on another machine: 2001:db8::1 refused, 192.0.2.1 connected
    (measured), so the clients that don't fall back fail."""
    args: dict[str, object] = {
        "host": "ws.example.com",
        "hosts_order": ("2001:db8::1", "192.0.2.1"),
        "local_target": False,
        "attempts": (attempt("2001:db8::1", "refused"), attempt("192.0.2.1", "connected")),
    }
    return seed_observation(**{**args, **kw})  # type: ignore[arg-type]


def test_fix_ids_and_order() -> None:
    d = diagnose(seed_observation())
    # Always listed where a client fails; of the conditional ones the loopback pair works
    # here, after the server fix preferred (:: for a server on 0.0.0.0).
    shown = list(ALWAYS_LISTED)
    shown.insert(shown.index("server-dual-stack") + 1, "server-loopback-pair")
    assert [f.id for f in d.fixes] == shown
    assert FIX_IDS[:4] == (
        "client-family-4",
        "server-loopback-pair",
        "server-dual-stack",
        "ipv4-literal",
    )


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
    d = diagnose(
        _remote(attempts=(attempt("2001:db8::1", "refused"), attempt("192.0.2.1", "refused"))),
        [CHROME],
    )
    fam = d.fix("client-family-4")
    assert not fam.applicable and not fam.works and fam.after == ()
    assert fam.detail == "no modelled client can be forced"
    assert not d.fix("node-ipv4first").applicable
    up = diagnose(
        _remote(attempts=(attempt("2001:db8::1", "refused"), attempt("192.0.2.1", "refused"))),
        [NODE_20, PYTHON_WEBSOCKETS],
    ).fix("upgrade-node-20")
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
    obs = _remote(attempts=(attempt("2001:db8::1", "refused"),))
    detail = diagnose(obs).fix("client-family-4").detail
    assert "unknown for Node.js 16 ws" in detail


def test_remote_dual_stack_is_not_applicable() -> None:
    d = diagnose(_remote())
    fix = d.fix("server-dual-stack")
    assert not fix.applicable
    assert "the server is not on this machine" in fix.detail
    # No loopback pair for a server on another machine.
    assert "server-loopback-pair" not in [f.id for f in d.fixes]


def test_one_table_names_every_fix() -> None:
    assert tuple(kind.id for kind in FIXES) == FIX_IDS
    assert {k.id: k.key for k in FIXES if k.key} == {
        "client-family-4": "f",
        "server-loopback-pair": "d",
        "server-dual-stack": "d",
        "ipv4-literal": "l",
    }
    d = diagnose(seed_observation())
    kinds = {k.id: k for k in FIXES}
    for fix in d.fixes:
        kind = kinds[fix.id]
        # d goes to the server fix preferred (dual-stack for a server on 0.0.0.0).
        key = None if kind.id == "server-loopback-pair" else kind.key
        assert (fix.id, fix.key) == (kind.id, key)
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
    unknown = diagnose(
        _remote(
            host="ws.example.test",
            hosts_order=("2001:db8::1",),
            attempts=(attempt("2001:db8::1", "refused"),),
        )
    )
    lit = unknown.fix("ipv4-literal")
    assert not lit.applicable and lit.change is None and lit.key == "l"
    assert lit.reason == "no IPv4 address is known for ws.example.test"
    assert lit.to_json()["change"] is None and lit.to_json()["reason"] == lit.reason
    known = _remote(host="ws.example.test", hosts_order=("2001:db8::1", "192.0.2.7"))
    lit = diagnose(known).fix("ipv4-literal")
    assert lit.applicable and lit.change == FixChange(url_host="192.0.2.7")
    assert lit.label == "192.0.2.7" and lit.title == "Use 192.0.2.7 in the URL"


def test_literal_host_has_no_literal_fix() -> None:
    lit = diagnose(
        seed_observation(host="127.0.0.1", hosts_order=("127.0.0.1",), listen="::1")
    ).fix("ipv4-literal")
    assert lit.change is None and lit.reason == "the URL's host 127.0.0.1 is an address"
    # Issue 12: a fix applied live must not read "not applicable" afterwards.
    assert lit.in_effect and lit.to_json()["in_effect"] is True
    assert lit.label == "IPv4 address"


def test_family_already_forced_changes_nothing() -> None:
    fam = diagnose(seed_observation(family=FamilyChoice.IPV4, listen="::1")).fix("client-family-4")
    assert fam.applicable and fam.change is None
    assert fam.reason == "already IPv4 only (family 4)" and fam.in_effect
    assert diagnose(seed_observation(family=FamilyChoice.IPV6)).fix(
        "client-family-4"
    ).change == FixChange(family=FamilyChoice.IPV4)
    forced = diagnose(
        _remote(attempts=(attempt("2001:db8::1", "refused"), attempt("192.0.2.1", "refused"))),
        [CHROME],
    ).fix("client-family-4")
    assert forced.change is None and forced.reason == "no modelled client can be forced"


def test_loopback_server_gets_the_loopback_pair_first() -> None:
    # Issue 12: for a server on 127.0.0.1 or ::1 the only working fix was "listen on ::"
    # (every interface), without a warning.
    for listen in ("127.0.0.1", "::1"):
        d = diagnose(seed_observation(listen=listen))
        ids = [f.id for f in d.fixes]
        assert ids.index("server-loopback-pair") < ids.index("server-dual-stack")
        pair, dual = d.fix("server-loopback-pair"), d.fix("server-dual-stack")
        assert pair.works and pair.key == "d" and pair.exposure is None
        assert pair.change == FixChange(
            server_bind=(LOOPBACK_BIND, "default"), note="listening on 127.0.0.1 and ::1"
        )
        assert dual.key is None and dual.exposure is Exposure.NETWORK
        assert "widens exposure: from this machine only to every interface" in dual.detail
        assert dual.to_json()["exposure"] == "network" and pair.to_json()["exposure"] is None
        assert dual.change == FixChange(server_bind=("::", "dual-stack"))
    # Already on both loopbacks: every local client connects, nothing to list.
    assert diagnose(seed_observation(listen=("127.0.0.1", "::1/v6only"))).fixes == ()
    # A wildcard v6only socket: the server is on the network already; d is ::.
    mixed = diagnose(seed_observation(listen="::/v6only"))
    assert mixed.fix("server-dual-stack").key == "d"
    pair = mixed.fix("server-loopback-pair")
    assert pair.key is None and "other machines can no longer connect" in pair.detail


def test_dual_stack_already_or_elsewhere_changes_nothing() -> None:
    # :: dual-stack, but the name's first address is another machine's, refused.
    done = diagnose(
        seed_observation(
            listen="::", hosts_order=("::1", "127.0.0.1"), attempts=(attempt("::1", "refused"),)
        )
    ).fix("server-dual-stack")
    assert done.applicable and done.change is None and done.exposure is None and done.in_effect
    assert done.reason == "the server already listens on :: dual-stack (IPv4 and IPv6)"
    nothing = diagnose(seed_observation(listen=())).fix("server-dual-stack")
    assert nothing.change == FixChange(server_bind=("::", "dual-stack"))
    remote = diagnose(_remote()).fix("server-dual-stack")
    assert remote.change is None
    assert remote.reason == "the server is not on this machine: change it where it runs"


def test_ipv6_fixes_where_they_work() -> None:
    # Issue 12: no ws://[::1] or family: 6 fix, though they work for a server on ::1.
    d = diagnose(seed_observation(listen="::1"))
    six, lit = d.fix("client-family-6"), d.fix("ipv6-literal")
    assert six.works and lit.works
    assert six.node == "new WebSocket(url, { family: 6 })"
    assert six.python == "websockets.connect(url, family=socket.AF_INET6)"
    assert "curl -6" in six.detail and six.change == FixChange(family=FamilyChoice.IPV6)
    assert lit.title == "Use [::1] in the URL" and lit.label == "[::1]"
    assert lit.node == 'new WebSocket("ws://[::1]:8080/subscribe")'
    assert lit.change == FixChange(url_host="::1")
    # Not listed where they would not work (a server on IPv4 only), nor when forced already.
    seed = [f.id for f in diagnose(seed_observation()).fixes]
    assert "client-family-6" not in seed and "ipv6-literal" not in seed
    forced = diagnose(seed_observation(listen="::1", family=FamilyChoice.IPV6))
    assert "client-family-6" not in [f.id for f in forced.fixes]
    # Another name: its own IPv6 address, never a loopback or a dead one.
    named = _remote(
        hosts_order=("192.0.2.1", "2001:db8::1"),
        attempts=(attempt("192.0.2.1", "refused"), attempt("2001:db8::1", "connected")),
    )
    assert diagnose(named).fix("ipv6-literal").change == FixChange(url_host="2001:db8::1")
    dead = _remote(hosts_order=("192.0.2.1", "2001:db8::1"))
    assert "ipv6-literal" not in [f.id for f in diagnose(dead).fixes]
    literal = diagnose(seed_observation(host="127.0.0.1", hosts_order=("127.0.0.1",), listen="::1"))
    assert "ipv6-literal" not in [f.id for f in literal.fixes]


def test_no_fix_for_a_refused_handshake() -> None:
    # Issue 12: a 400 showed five irrelevant family fixes; the handshake's advice applies.
    assert diagnose(seed_observation(listen="::", handshake=400)).fixes == ()


def test_loopback_pair_already_in_place_changes_nothing() -> None:
    from wsexplorer.diagnosis import CATALOGUE
    from wsexplorer.diagnosis.fixes_server import loopback_pair
    from wsexplorer.diagnosis.simulate import simulate

    obs = seed_observation(listen=("127.0.0.1", "::1/v6only"))
    fix = loopback_pair(obs, CATALOGUE, [simulate(obs, s) for s in CATALOGUE])
    assert fix is not None and fix.change is None and fix.in_effect
    assert fix.reason == "the server already listens on 127.0.0.1 and ::1 (IPv4 and IPv6)"
