"""Node 22's and 24's built-in WebSocket under NODE_USE_ENV_PROXY=1 (undici's
EnvHttpProxyAgent; wsexplorer/diagnosis/clients/node_websocket.py, docs/clients.md#proxies).

The rules below were run by hand against Node 22.23.5 (undici 6.29.1) and 24.22.3 (undici
7.30.2) and, for the cases in tests/scenarios/test_proxies.py, by that test.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.diagnosis.test_proxy import DEAD, LIVE, live, refused, remote
from wsexplorer.diagnosis import diagnose, predict
from wsexplorer.diagnosis.clients import NODE_WEBSOCKET, NODE_WEBSOCKET_24
from wsexplorer.diagnosis.clients.node_websocket import NODE_22_ERROR
from wsexplorer.diagnosis.proxy import (
    NoProxyRules,
    choose_proxy,
    ignored_clause,
    no_proxy_matches,
    node_env_proxy,
)
from wsexplorer.model import ClientOutcome
from wsexplorer.model.proxy import ProxyEndpoint, read_proxy_environment
from wsexplorer.model.url import parse_url

N22 = NODE_WEBSOCKET.proxy
N24 = NODE_WEBSOCKET_24.proxy
ON = {"NODE_USE_ENV_PROXY": "1"}


def variable(secure: bool = False, **variables: str) -> str | None:
    env = read_proxy_environment({**ON, **variables})
    return choose_proxy(env, N22, "app.test", 8080, secure).variable


def test_the_environment_keeps_nodes_switch_and_only_its_flag_of_node_options() -> None:
    env = read_proxy_environment(
        {"NODE_USE_ENV_PROXY": "1", "NODE_OPTIONS": "--max-old-space-size=64 --use-env-proxy"}
    )
    assert env.to_json() == {"NODE_USE_ENV_PROXY": "1", "NODE_OPTIONS": "--use-env-proxy"}
    flags = read_proxy_environment({"NODE_OPTIONS": "--use-env-proxy --no-use-env-proxy"})
    assert flags.to_json() == {"NODE_OPTIONS": "--no-use-env-proxy"}
    assert read_proxy_environment({"NODE_OPTIONS": "--inspect"}).to_json() == {}


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({"NODE_USE_ENV_PROXY": "1"}, True),
        ({"NODE_USE_ENV_PROXY": "true"}, False),
        ({"NODE_USE_ENV_PROXY": "0"}, False),
        ({"NODE_USE_ENV_PROXY": " 1"}, False),
        ({}, False),
        ({"NODE_OPTIONS": "--use-env-proxy"}, True),
        ({"NODE_USE_ENV_PROXY": "1", "NODE_OPTIONS": "--no-use-env-proxy"}, False),
        ({"NODE_OPTIONS": "--use-env-proxy --no-use-env-proxy"}, False),
    ],
)
def test_nodes_switch(environ: dict[str, str], on: bool) -> None:
    assert node_env_proxy(read_proxy_environment(environ)) is on


def test_without_the_switch_the_variables_are_ignored_and_the_story_says_why() -> None:
    env = read_proxy_environment({"http_proxy": DEAD})
    assert choose_proxy(env, N22, "app.test", 8080, False).url is None
    assert ignored_clause(env, N22) == (
        "it ignores http_proxy (Node reads them only with NODE_USE_ENV_PROXY=1 or --use-env-proxy)"
    )
    assert ignored_clause(read_proxy_environment({**ON, "http_proxy": DEAD}), N22) == ""
    assert ignored_clause(env, replace(N22, switch=None)) == ""
    # Node's switch itself is no proxy variable.
    assert ignored_clause(read_proxy_environment(ON)) == ""
    node = predict(remote({"http_proxy": DEAD}, (refused(),)), NODE_WEBSOCKET)
    assert node.connects and node.proxy is None
    assert node.why.startswith("it ignores http_proxy (Node reads them only with")


def test_which_variable_node_reads() -> None:
    assert variable(http_proxy=DEAD, HTTP_PROXY=LIVE) == "http_proxy"
    assert variable(HTTP_PROXY=DEAD) == "HTTP_PROXY"
    assert variable(https_proxy=DEAD) is None  # ws:// is fetched as http://
    assert variable(all_proxy=DEAD, ALL_PROXY=DEAD) is None
    assert variable(http_proxy="", HTTP_PROXY=DEAD) is None  # ``??``: set but empty wins
    assert variable(True, https_proxy=DEAD, http_proxy=LIVE) == "https_proxy"
    assert variable(True, HTTPS_PROXY=DEAD) == "HTTPS_PROXY"
    assert variable(True, http_proxy=LIVE) == "http_proxy"  # wss:// falls back to http
    assert variable(True, https_proxy="", HTTPS_PROXY=DEAD, http_proxy=LIVE) == "http_proxy"


def test_a_value_node_cannot_read_is_not_a_proxy_endpoint() -> None:
    env = read_proxy_environment({**ON, "http_proxy": "127.0.0.1:9"})
    assert choose_proxy(env, N22, "app.test", 8080, False).endpoint is None
    bare = read_proxy_environment({**ON, "http_proxy": "http://127.0.0.1"})
    assert choose_proxy(bare, N24, "app.test", 8080, False).endpoint == (
        ProxyEndpoint("http", "127.0.0.1", 80)
    )
    prediction = predict(remote({**ON, "http_proxy": "127.0.0.1:9"}), NODE_WEBSOCKET)
    assert prediction.outcome is ClientOutcome.UNKNOWN


@pytest.mark.parametrize(
    ("host", "port", "value", "node22", "node24"),
    [
        ("localhost", 8080, "localhost", True, True),
        ("localhost", 8080, "ocalhost", False, False),
        ("localhost", 8080, ".localhost", False, True),
        ("app.test", 8080, "test", False, True),
        ("app.test", 8080, ".test", True, True),
        ("app.test", 8080, "*.test", True, True),
        ("app.test", 8080, "*test", True, False),
        ("localhost", 8080, "localhost:8080", True, True),
        ("localhost", 8080, "localhost:1", False, False),
        ("localhost", 8080, "localhost:0", True, True),
        ("localhost", 8080, "*", True, True),
        ("localhost", 8080, "a, b localhost", True, True),
        ("127.0.0.1", 8080, "127.0.0.0/8", False, False),
        ("::1", 8080, "[::1]", True, True),
        ("::1", 8080, "[::1]:8080", True, True),
        ("::1", 8080, "::1", False, False),
    ],
)
def test_no_proxy_rules_of_undici_6_and_7(
    host: str, port: int, value: str, node22: bool, node24: bool
) -> None:
    assert no_proxy_matches(NoProxyRules.UNDICI_6, host, port, value) is node22
    assert no_proxy_matches(NoProxyRules.UNDICI_7, host, port, value) is node24


def test_no_proxy_exempts_by_each_versions_rules() -> None:
    obs = remote({**ON, "http_proxy": DEAD, "no_proxy": ".test"}, (refused(),))
    assert predict(obs, NODE_WEBSOCKET).proxy is None
    obs = remote({**ON, "http_proxy": DEAD, "no_proxy": "test"}, (refused(),))
    assert predict(obs, NODE_WEBSOCKET).outcome is ClientOutcome.FAILS
    assert predict(obs, NODE_WEBSOCKET_24).connects
    upper = remote({**ON, "http_proxy": DEAD, "no_proxy": "", "NO_PROXY": "app.test"})
    assert predict(upper, NODE_WEBSOCKET_24).proxy == DEAD


def test_a_dead_proxy_fails_both_in_their_own_words() -> None:
    obs = remote({**ON, "http_proxy": DEAD}, (refused(),))
    n22, n24 = predict(obs, NODE_WEBSOCKET), predict(obs, NODE_WEBSOCKET_24)
    assert (n22.outcome, n22.error, n22.proxy) == (ClientOutcome.FAILS, NODE_22_ERROR, DEAD)
    assert (n24.outcome, n24.error) == (ClientOutcome.FAILS, "")
    assert "refuses the connection (measured)" in n22.why


def test_a_live_proxy_tunnels_and_a_refused_connect_fails() -> None:
    obs = remote({**ON, "http_proxy": LIVE}, (live(),))
    n22 = predict(obs, NODE_WEBSOCKET)
    assert (n22.outcome, n22.address) == (ClientOutcome.CONNECTS, "127.0.0.1")
    assert "server accepts the upgrade" in n22.why
    rejected = remote({**ON, "http_proxy": LIVE}, (live(502, None),))
    assert predict(rejected, NODE_WEBSOCKET).error == NODE_22_ERROR
    assert predict(rejected, NODE_WEBSOCKET_24).error == ""
    secure = replace(
        remote({**ON, "http_proxy": LIVE}, (live(502, None),)),
        url=parse_url("wss://app.test:8080/"),
    )
    n24 = predict(secure, NODE_WEBSOCKET_24)
    assert (n24.outcome, n24.proxy_variable) == (ClientOutcome.FAILS, "http_proxy")


def test_the_bypass_fix_names_nodes_switch() -> None:
    d = diagnose(remote({**ON, "http_proxy": DEAD}, (refused(),)))
    fix = d.fix("proxy-bypass")
    assert "Node without NODE_USE_ENV_PROXY=1 or --use-env-proxy" in fix.detail
    assert {"node-websocket", "node-websocket-24"} <= set(fix.clients)
    assert "node-20" not in fix.clients
