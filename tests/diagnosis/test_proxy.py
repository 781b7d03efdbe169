"""Proxy variables: which proxy each client takes, ``no_proxy`` rules, and predictions made
through a measured proxy (wsexplorer/diagnosis/proxy.py, proxied.py; docs/clients.md#proxies).

The rules here were checked against the real clients (websockets 17.4 on Python 3.11,
curl 7.88.1, Chromium) by hand and in tests/scenarios/test_proxies.py.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.diagnosis.builders import attempt, seed_observation
from wsexplorer.diagnosis import predict
from wsexplorer.diagnosis.clients import CATALOGUE, CHROME, CURL, NODE_20, PYTHON_WEBSOCKETS
from wsexplorer.diagnosis.clients.curl import CURL_PROXY
from wsexplorer.diagnosis.context import WhatIf
from wsexplorer.diagnosis.proxied import exempt_clause
from wsexplorer.diagnosis.proxy import (
    NoProxyRules,
    ProxyChoice,
    choose_proxy,
    ignored_clause,
    no_proxy_matches,
)
from wsexplorer.diagnosis.targets import proxy_targets
from wsexplorer.model import Attempt, AttemptOutcome, ClientOutcome, Family, Observation
from wsexplorer.model.proxy import (
    ProxyCheck,
    ProxyEndpoint,
    ProxyEnvironment,
    mask_proxy_value,
    parse_proxy_endpoint,
    read_proxy_environment,
)
from wsexplorer.model.url import parse_url

PY = PYTHON_WEBSOCKETS.proxy
CU = CURL.proxy
CH = CHROME.proxy
DEAD = "http://127.0.0.1:9"
LIVE = "http://127.0.0.1:3128"


def env(**variables: str) -> ProxyEnvironment:
    return read_proxy_environment(variables)


# --- the model -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("http://user:pw@proxy:3128", "http://***:***@proxy:3128"),
        ("http://user@proxy:3128/", "http://***@proxy:3128/"),
        ("user:pw@proxy:3128", "***:***@proxy:3128"),
        ("http://proxy:3128", "http://proxy:3128"),
        ("", ""),
    ],
)
def test_user_information_is_masked(value: str, shown: str) -> None:
    assert mask_proxy_value(value) == shown


@pytest.mark.parametrize(
    ("value", "endpoint"),
    [
        ("http://Proxy:3128", ProxyEndpoint("http", "proxy", 3128)),
        ("proxy:8080", ProxyEndpoint("http", "proxy", 8080)),
        ("http://u:p@proxy", ProxyEndpoint("http", "proxy", None)),
        ("http://[::1]:3128/", ProxyEndpoint("http", "::1", 3128)),
        ("http://[::1]/", ProxyEndpoint("http", "::1", None)),
        ("SOCKS5://s:1080", ProxyEndpoint("socks5", "s", 1080)),
        ("http://:3128", None),
        ("http://proxy:99999", None),
        ("http://proxy:port", None),
    ],
)
def test_proxy_endpoints(value: str, endpoint: ProxyEndpoint | None) -> None:
    assert parse_proxy_endpoint(value) == endpoint


def test_the_environment_keeps_set_proxy_variables_in_a_stable_order() -> None:
    got = read_proxy_environment(
        {"NO_PROXY": "x", "PATH": "/bin", "http_proxy": "", "HTTPS_PROXY": "http://a:b@p:1"}
    )
    assert got.variables == (
        ("http_proxy", ""),
        ("HTTPS_PROXY", "http://***:***@p:1"),
        ("NO_PROXY", "x"),
    )
    assert got.get("http_proxy") == ""
    assert got.get("HTTP_PROXY") is None
    assert got.to_json() == {"http_proxy": "", "HTTPS_PROXY": "http://***:***@p:1", "NO_PROXY": "x"}


def test_a_proxy_check_to_json() -> None:
    check = ProxyCheck("p", 1, "h:2", attempt("127.0.0.1", "refused", port=1))
    assert check.to_json()["attempt"]["outcome"] == "refused"  # type: ignore[index]
    assert ProxyCheck("p", 1, "h:2", resolve_error="no").to_json()["attempt"] is None


# --- which proxy -----------------------------------------------------------------------


def test_a_client_without_a_policy_takes_no_proxy() -> None:
    assert choose_proxy(env(http_proxy=DEAD), None, "app.test", 80, False) == ProxyChoice()
    assert choose_proxy(env(), PY, "app.test", 80, False) == ProxyChoice()


def test_websockets_prefers_https_proxy_and_lower_case() -> None:
    e = env(http_proxy=DEAD, HTTPS_PROXY="http://upper:1", https_proxy=LIVE)
    choice = choose_proxy(e, PY, "app.test", 80, False)
    assert (choice.variable, choice.endpoint) == (
        "https_proxy",
        ProxyEndpoint("http", "127.0.0.1", 3128),
    )
    # wss:// never uses http_proxy; all_proxy is not read at all.
    assert choose_proxy(env(http_proxy=DEAD, all_proxy=DEAD), PY, "a", 443, True).url is None


def test_websockets_an_empty_lower_case_variable_hides_the_upper_case_one() -> None:
    e = env(https_proxy="", HTTPS_PROXY=LIVE, HTTP_PROXY=DEAD)
    choice = choose_proxy(e, PY, "app.test", 80, False)
    assert choice.variable == "HTTP_PROXY"
    assert choice.endpoint == ProxyEndpoint("http", "127.0.0.1", 9)


def test_default_ports() -> None:
    assert choose_proxy(env(http_proxy="http://p"), PY, "a", 80, False).endpoint == (
        ProxyEndpoint("http", "p", 80)
    )
    assert choose_proxy(env(http_proxy="http://p"), CU, "a", 80, False).endpoint == (
        ProxyEndpoint("http", "p", 1080)
    )
    assert choose_proxy(env(https_proxy="https://p"), PY, "a", 80, False).endpoint == (
        ProxyEndpoint("https", "p", 443)
    )
    assert choose_proxy(env(https_proxy="http://:1"), PY, "a", 80, False).endpoint is None


def test_curl_ignores_upper_case_http_proxy_and_falls_back_to_all_proxy() -> None:
    assert choose_proxy(env(HTTP_PROXY=DEAD), CU, "app.test", 80, False).url is None
    choice = choose_proxy(env(http_proxy="", ALL_PROXY=DEAD), CU, "app.test", 80, False)
    assert choice.variable == "ALL_PROXY"
    assert choose_proxy(env(HTTPS_PROXY=DEAD), CU, "app.test", 443, True).variable == (
        "HTTPS_PROXY"
    )


def test_chromium_all_proxy_first_then_https_then_http_and_never_for_local_hosts() -> None:
    both = env(http_proxy=DEAD, https_proxy=LIVE)
    assert choose_proxy(both, CH, "app.test", 80, False).variable == "https_proxy"
    assert choose_proxy(
        env(all_proxy=DEAD, **{"https_proxy": LIVE}), CH, "a", 80, True
    ).variable == ("all_proxy")
    local = choose_proxy(both, CH, "127.0.0.1", 80, False)
    assert local.exempt == "built-in"
    assert choose_proxy(both, CH, "db.localhost", 80, False).exempt == "built-in"
    assert choose_proxy(both, CH, "fe80::1", 80, False).exempt == "built-in"
    assert choose_proxy(both, CH, "192.0.2.1", 80, False).exempt is None


def test_no_proxy_exempts_with_its_spelling() -> None:
    choice = choose_proxy(env(http_proxy=DEAD, NO_PROXY=".test"), CU, "app.test", 80, False)
    assert (choice.exempt, choice.endpoint) == ("NO_PROXY", None)
    # urllib: an empty lower-case no_proxy hides NO_PROXY; curl: empty is unset.
    e = env(http_proxy=DEAD, no_proxy="", NO_PROXY="app.test")
    assert choose_proxy(e, PY, "app.test", 80, False).exempt is None
    assert choose_proxy(e, CU, "app.test", 80, False).exempt == "NO_PROXY"


@pytest.mark.parametrize(
    ("rules", "host", "port", "value", "exempt"),
    [
        (NoProxyRules.URLLIB, "app.test", 80, "*", True),
        (NoProxyRules.URLLIB, "app.test", 8080, "app.test:8080", True),
        (NoProxyRules.URLLIB, "app.test", 80, " , .TEST", True),
        (NoProxyRules.URLLIB, "app.test", 80, "p.test", False),
        (NoProxyRules.URLLIB, "app.test", 80, "pp.test", False),
        (NoProxyRules.URLLIB, "127.0.0.1", 80, "127.0.0.0/8", False),
        (NoProxyRules.CURL, "app.test", 80, "*", True),
        (NoProxyRules.CURL, "app.test", 80, "other app.test.", True),
        (NoProxyRules.CURL, "app.test", 80, ".test", True),
        (NoProxyRules.CURL, "app.test", 80, "pp.test", False),
        (NoProxyRules.CURL, "app.test", 80, "app.test:80", False),
        (NoProxyRules.CURL, "app.test", 80, ",,", False),
        (NoProxyRules.CURL, "127.0.0.1", 80, "127.0.0.0/8", True),
        (NoProxyRules.CURL, "127.0.0.1", 80, "localhost,127.0.0.2", False),
        (NoProxyRules.CURL, "::1", 80, "::1", True),
        (NoProxyRules.CHROMIUM, "app.test", 80, "pp.test", True),  # suffix, no dot boundary
        (NoProxyRules.CHROMIUM, "app.test", 80, "; .test", True),
        (NoProxyRules.CHROMIUM, "app.test", 80, "*.test:81", False),
        (NoProxyRules.CHROMIUM, "app.test", 80, "http://app.test:80", True),
        (NoProxyRules.CHROMIUM, "192.0.2.1", 80, "192.0.2.0/24", True),
        (NoProxyRules.CHROMIUM, "192.0.2.1", 80, "192.0.2.1", True),
        (NoProxyRules.CHROMIUM, "192.0.2.1", 80, "192.0.2.2", False),
        (NoProxyRules.CHROMIUM, "2001:db8::1", 80, "[2001:db8::1]", True),
        (NoProxyRules.CHROMIUM, "app.test", 80, "other.test", False),
    ],
)
def test_no_proxy_rules(
    rules: NoProxyRules, host: str, port: int, value: str, exempt: bool
) -> None:
    assert no_proxy_matches(rules, host, port, value) is exempt


def test_clauses() -> None:
    assert exempt_clause(ProxyChoice(), "h") == ""
    assert "a local host" in exempt_clause(ProxyChoice("http_proxy", DEAD, None, "built-in"), "h")
    assert exempt_clause(ProxyChoice("http_proxy", DEAD, None, "no_proxy"), "h") == (
        "no_proxy exempts h from http_proxy, so it connects directly"
    )
    assert ignored_clause(env(no_proxy="x", http_proxy="")) == ""
    assert (
        ignored_clause(env(HTTPS_PROXY=DEAD))
        == "it ignores HTTPS_PROXY (it reads no proxy variable)"
    )


def test_proxy_targets_name_each_http_proxy_once() -> None:
    url = parse_url("ws://app.test:8080/")
    assert proxy_targets(env(), url) == ()
    assert proxy_targets(env(http_proxy=DEAD, https_proxy=DEAD), url) == (("127.0.0.1", 9),)
    assert proxy_targets(env(http_proxy="socks5://s:1"), url) == ()
    assert proxy_targets(env(http_proxy="http://:1"), url) == ()


# --- predictions through a proxy -------------------------------------------------------


def remote(
    proxies: dict[str, str], checks: tuple[ProxyCheck, ...] = (), host: str = "app.test"
) -> Observation:
    obs = seed_observation(host=host, hosts_order=("192.0.2.10",), listen=(), local_target=False)
    obs = replace(
        obs,
        attempts=(attempt("192.0.2.10", "connected"),),
        proxy_env=read_proxy_environment(proxies),
        proxies=checks,
    )
    return obs


def refused(port: int = 9) -> ProxyCheck:
    return ProxyCheck(
        "127.0.0.1", port, "app.test:8080", attempt("127.0.0.1", "refused", port=port)
    )


def live(
    status: int | None = 200, upgrade: int | None = 101, error: str | None = None
) -> ProxyCheck:
    a = attempt("127.0.0.1", "connected", port=3128)
    return ProxyCheck("127.0.0.1", 3128, "app.test:8080", a, None, status, upgrade, error)


def test_a_dead_proxy_fails_each_client_in_its_own_words() -> None:
    obs = remote({"http_proxy": DEAD}, (refused(),))
    py, curl, chrome, node = (predict(obs, s) for s in (PYTHON_WEBSOCKETS, CURL, CHROME, NODE_20))
    assert py.error == "[Errno 111] Connect call failed ('127.0.0.1', 9)"
    assert (py.outcome, py.proxy, py.proxy_variable) == (ClientOutcome.FAILS, DEAD, "http_proxy")
    assert "not to app.test" in py.why and "refuses the connection (measured)" in py.why
    assert py.to_json()["proxy"] == {"url": DEAD, "variable": "http_proxy"}
    assert curl.error == (
        "curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server"
    )
    assert chrome.error == "Error in connection establishment: net::ERR_PROXY_CONNECTION_FAILED"
    assert [t.address for t in py.tries] == ["127.0.0.1"]
    assert node.connects and node.address == "192.0.2.10" and node.proxy is None
    assert node.why.startswith("it ignores http_proxy")


def test_a_silent_proxy_ends_at_the_clients_own_limits() -> None:
    a = Attempt("127.0.0.1", Family.IPV4, AttemptOutcome.TIMEOUT, "timed out", 3000.0, 0.0, 9)
    silent = replace(refused(), attempt=a)
    obs = remote({"http_proxy": DEAD}, (silent,))
    py = predict(obs, PYTHON_WEBSOCKETS)
    assert (py.outcome, py.error) == (ClientOutcome.FAILS, "timed out during opening handshake")
    assert "does not answer" in py.why
    cut = replace(refused(), attempt=replace(a, elapsed_ms=500.0, cut_short=True))
    assert predict(remote({"http_proxy": DEAD}, (cut,)), PYTHON_WEBSOCKETS).outcome is (
        ClientOutcome.UNKNOWN
    )
    unreachable = replace(a, outcome=AttemptOutcome.ERROR, error="[Errno 1] x", elapsed_ms=0.0)
    other = predict(remote({"http_proxy": DEAD}, (replace(refused(), attempt=unreachable),)), CURL)
    assert "fails (measured)" in other.why


def test_a_live_proxy_connects_through_the_tunnel() -> None:
    obs = remote({"http_proxy": LIVE}, (refused(), live()))
    py, curl, chrome = (predict(obs, s) for s in (PYTHON_WEBSOCKETS, CURL, CHROME))
    assert (py.outcome, py.address) == (ClientOutcome.CONNECTS, "127.0.0.1")
    assert "server accepts the upgrade" in py.why
    assert (curl.outcome, curl.address) == (ClientOutcome.CONNECTS, "127.0.0.1")
    assert "answers HTTP" in curl.why
    assert chrome.connects


@pytest.mark.parametrize(
    ("check", "outcome", "error"),
    [
        (live(403), ClientOutcome.FAILS, "proxy rejected connection: HTTP 403"),
        (live(200, 404), ClientOutcome.FAILS, "server rejected WebSocket connection: HTTP 404"),
        (live(200, None), ClientOutcome.UNKNOWN, None),
        (live(None, None, "no HTTP answer"), ClientOutcome.UNKNOWN, None),
        (live(None, None), ClientOutcome.UNKNOWN, None),
        (ProxyCheck("127.0.0.1", 3128, "t", resolve_error="nope"), ClientOutcome.UNKNOWN, None),
    ],
)
def test_what_the_proxy_answers_decides(
    check: ProxyCheck, outcome: ClientOutcome, error: str | None
) -> None:
    py = predict(remote({"http_proxy": LIVE}, (check,)), PYTHON_WEBSOCKETS)
    assert (py.outcome, py.error) == (outcome, error)


def test_what_is_not_measured_or_modelled_is_unknown() -> None:
    for proxies, checks in (
        ({"http_proxy": LIVE}, ()),
        ({"http_proxy": "http://:1"}, ()),
        ({"http_proxy": "socks5://127.0.0.1:1080"}, ()),
        ({"socks_proxy": "http://127.0.0.1:1080"}, ()),
    ):
        assert predict(remote(proxies, checks), PYTHON_WEBSOCKETS).outcome is ClientOutcome.UNKNOWN
    secure = replace(
        remote({"https_proxy": LIVE}, (live(),)), url=parse_url("wss://app.test:8080/")
    )
    assert "TLS with app.test" in predict(secure, PYTHON_WEBSOCKETS).why
    assert predict(secure, CURL).outcome is ClientOutcome.UNKNOWN
    moved = predict(
        remote({"http_proxy": LIVE}, (live(),)), PYTHON_WEBSOCKETS, ctx=WhatIf(host="192.0.2.10")
    )
    assert moved.outcome is ClientOutcome.UNKNOWN


def test_a_tunnelling_reachability_check_connects_once_the_tunnel_is_open() -> None:
    tunnelling = replace(CURL, proxy=replace(CURL_PROXY, tunnels_plain=True))
    assert predict(remote({"http_proxy": LIVE}, (live(200, None),)), tunnelling).connects


def test_an_exempt_host_is_reached_directly_and_says_so() -> None:
    obs = remote({"http_proxy": DEAD, "no_proxy": "app.test"}, (refused(),))
    py = predict(obs, PYTHON_WEBSOCKETS)
    assert (py.outcome, py.address, py.proxy) == (ClientOutcome.CONNECTS, "192.0.2.10", None)
    assert py.why.startswith("no_proxy exempts app.test from http_proxy")


def test_every_catalogue_client_with_a_policy_is_in_the_catalogue() -> None:
    with_policy = {s.id for s in CATALOGUE if s.proxy is not None}
    assert {"python-websockets", "curl", "chrome", "node-websocket"} <= with_policy
    # Node's ws never reads them; the built-in WebSocket only with NODE_USE_ENV_PROXY=1.
    node = {s.id for s in CATALOGUE if s.runtime == "node" and s.proxy is not None}
    assert node == {"node-websocket", "node-websocket-24"}


# --- the verdict -----------------------------------------------------------------------


def test_the_verdict_names_the_proxy_not_the_targets_addresses() -> None:
    from wsexplorer.diagnosis import diagnose

    dead = diagnose(remote({"http_proxy": DEAD}, (refused(),)))
    assert not dead.verdict.ok
    # Deno, curl, Chrome and websockets fail through the proxy, the Node clients connect.
    assert dead.verdict.summary.startswith(
        "Deno WebSocket, Python websockets, Python websocket-client, curl and Chrome go through "
        "the proxy"
    )
    assert "not straight to app.test, so its addresses and families do not matter" in (
        dead.verdict.summary
    )
    assert (
        "(Deno WebSocket: NetworkError: failed to connect to WebSocket: tcp connect error; "
        "Python websockets: [Errno 111] Connect call failed ('127.0.0.1', 9); Python "
        "websocket-client: [Errno 111] Connection refused; curl: curl: (7)"
        in (dead.verdict.summary)
    )
    one = diagnose(remote({"https_proxy": DEAD}, (refused(),)))
    assert "Python websockets and Chrome go through" in one.verdict.summary
    mixed = remote({"HTTP_PROXY": DEAD}, (refused(),))
    mixed = replace(mixed, attempts=(attempt("192.0.2.10", "refused"),))
    summary = diagnose(mixed).verdict.summary
    assert "; Deno WebSocket, Python websockets, Python websocket-client and Chrome go through" in (
        summary
    )
    assert summary.index("curl") < summary.index("; Deno WebSocket")


def test_the_ok_verdict_says_who_goes_through_the_proxy() -> None:
    from wsexplorer.diagnosis import diagnose

    ok = diagnose(remote({"http_proxy": LIVE}, (live(),)))
    assert ok.verdict.ok
    assert "connects to 192.0.2.10:8080 succeeded (measured); Deno WebSocket through" in (
        ok.verdict.summary
    )
    only = [s for s in CATALOGUE if s.proxy is not None and s.proxy.switch is None]
    from wsexplorer.diagnosis.engine import diagnose as run

    every = run(remote({"http_proxy": LIVE}, (live(),)), only)
    assert every.verdict.summary.startswith("every modelled client connects: Deno WebSocket")


# --- the fix ---------------------------------------------------------------------------


def test_bypassing_a_dead_proxy_is_offered_and_works_when_the_direct_path_does() -> None:
    from wsexplorer.diagnosis import diagnose

    d = diagnose(remote({"http_proxy": DEAD}, (refused(),)))
    fix = d.fix("proxy-bypass")
    assert fix.works and fix.applicable and fix.key is None
    assert fix.title == "Bypass the proxy for app.test"
    assert fix.detail.startswith(
        "reach app.test without the proxy: add app.test to no_proxy or unset http_proxy "
        "(websockets.connect(url, proxy=None); curl --noproxy app.test; "
        "chromium --proxy-bypass-list=app.test (or --no-proxy-server)):"
    )
    assert fix.python == "websockets.connect(url, proxy=None)"
    assert set(fix.clients) == {
        "deno",
        "python-websockets",
        "python-websocket-client",
        "curl",
        "chrome",
    }
    after = {p.id: p for p in fix.after}
    assert after["python-websockets"].proxy is None and after["python-websockets"].connects
    assert not after["node-20"].why.startswith("it ignores")
    # The direct path refused too: the fix does not work.
    blocked = remote({"http_proxy": DEAD}, (refused(),))
    blocked = replace(blocked, attempts=(attempt("192.0.2.10", "refused"),))
    assert not diagnose(blocked).fix("proxy-bypass").works


def test_no_proxy_fix_without_a_failing_proxied_client() -> None:
    from wsexplorer.diagnosis import diagnose

    for obs in (
        remote({}),
        remote({"http_proxy": LIVE}, (live(),)),
        remote({"HTTP_PROXY": DEAD}, (refused(),)),  # websockets and Chrome fail through it
    ):
        ids = [f.id for f in diagnose(obs).fixes]
        assert ("proxy-bypass" in ids) is (obs.proxy_env.get("HTTP_PROXY") is not None)
    curl_only = diagnose(remote({"all_proxy": DEAD}, (refused(),)))
    assert curl_only.fix("proxy-bypass").python == ""
