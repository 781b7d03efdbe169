"""Node's built-in WebSocket, Bun and Deno in the engine (docs/clients.md#node-websocket,
#node-websocket-24, #bun, #deno). The real runtimes are compared with these predictions in
tests/scenarios/test_js_matrix.py; here the rules are pinned on paper."""

from __future__ import annotations

from wsexplorer.diagnosis import diagnose
from wsexplorer.model import Confidence

from .builders import seed_observation

NODE_22 = "Received network error or non-101 status code."
URL = "ws://localhost:8080/subscribe"


def _cells(**kw: object) -> dict[str, tuple[str, str | None, str | None]]:
    d = diagnose(seed_observation(**kw))  # type: ignore[arg-type]
    return {c.id: (c.outcome.value, c.address, c.error) for c in d.clients}


def test_ipv4_server_every_js_client_falls_back() -> None:
    cells = _cells()
    for cid in ("node-websocket", "node-websocket-24", "bun", "deno"):
        assert cells[cid] == ("connects", "127.0.0.1", None), cid


def test_only_ipv6_localhost_bun_still_reaches_ipv4() -> None:
    # A hosts file naming localhost as ::1 only: the resolver-based clients try ::1 alone;
    # Bun answers localhost itself (::1, then 127.0.0.1).
    cells = _cells(hosts_order=("::1",))
    assert cells["bun"] == ("connects", "127.0.0.1", None)
    assert cells["node-websocket"] == ("fails", None, NODE_22)
    assert cells["node-websocket-24"] == ("fails", None, "")
    assert cells["deno"] == (
        "fails",
        None,
        "NetworkError: failed to connect to WebSocket: tcp connect error",
    )


def test_nothing_listening_words_each_runtime() -> None:
    cells = _cells(listen=())
    assert cells["bun"][2] == f"WebSocket connection to '{URL}' failed: Failed to connect"
    assert cells["node-websocket"][2] == NODE_22


def test_http_answer_words_and_literal_fix_names_its_url() -> None:
    d = diagnose(seed_observation(listen="0.0.0.0", handshake=404, measured=True))
    by_id = {c.id: c for c in d.clients}
    assert (
        by_id["bun"].error
        == f"WebSocket connection to '{URL}' failed: Expected 101 status code: 404"
    )
    assert (
        by_id["deno"].error
        == "NetworkError: failed to connect to WebSocket: Invalid status code: 404"
    )
    assert by_id["node-websocket-24"].confidence is Confidence.CHECKED


def test_name_not_resolving() -> None:
    cells = _cells(hosts_order=(), resolve_error="[Errno -2] Name or service not known")
    assert cells["deno"] == (
        "fails",
        None,
        "NetworkError: failed to connect to WebSocket: dns error",
    )


def test_the_js_clients_cannot_be_forced_and_do_not_upgrade() -> None:
    d = diagnose(seed_observation(hosts_order=("::1",)))
    family = d.fix("client-family-4")
    assert "Node.js 22 WebSocket" in family.detail and "cannot be forced" in family.detail
    upgrade = {a.id: a for a in d.fix("upgrade-node-20").after}
    assert upgrade["node-websocket"].error == NODE_22


def test_bun_names_the_url_in_its_own_spelling() -> None:
    # The WHATWG URL parser lower-cases the host (and punycodes IDN): Bun prints that.
    cells = _cells(host="LocalHost", listen=())
    assert cells["bun"][2] == f"WebSocket connection to '{URL}' failed: Failed to connect"


def test_deno_takes_all_proxy_then_http_proxy_and_forwards_its_upgrade() -> None:
    """Checked with Deno 2.9.6 (docs/clients.md#deno): ``all_proxy`` before
    ``http_proxy``, upper case first, ``https_proxy`` not for ``ws://``; a proxy that
    cannot reach the server answers the forwarded upgrade with 502."""
    from tests.diagnosis.test_proxy import DEAD, LIVE, live, refused, remote
    from wsexplorer.diagnosis import predict
    from wsexplorer.diagnosis.clients import DENO
    from wsexplorer.diagnosis.proxy import choose_proxy
    from wsexplorer.model import ClientOutcome
    from wsexplorer.model.proxy import read_proxy_environment

    def variable(**proxies: str) -> str | None:
        env = read_proxy_environment(proxies)
        return choose_proxy(env, DENO.proxy, "app.test", 8080, False).variable

    assert variable(http_proxy=DEAD, all_proxy=LIVE) == "all_proxy"
    assert variable(HTTP_PROXY=DEAD, http_proxy=LIVE) == "HTTP_PROXY"
    assert variable(https_proxy=DEAD) is None
    dead = predict(remote({"http_proxy": DEAD}, (refused(),)), DENO)
    assert (dead.outcome, dead.error) == (
        ClientOutcome.FAILS,
        "NetworkError: failed to connect to WebSocket: tcp connect error",
    )
    rejected = predict(remote({"http_proxy": LIVE}, (refused(), live(status=502))), DENO)
    assert (
        rejected.error == "NetworkError: failed to connect to WebSocket: Invalid status code: 502"
    )
    assert "its forwarded upgrade with 502" in rejected.why
    through = predict(remote({"http_proxy": LIVE}, (refused(), live())), DENO)
    assert (through.outcome, through.address) == (ClientOutcome.CONNECTS, "127.0.0.1")
    exempt = predict(remote({"http_proxy": DEAD, "no_proxy": "test"}, (refused(),)), DENO)
    assert (exempt.outcome, exempt.address) == (ClientOutcome.CONNECTS, "192.0.2.10")


def test_a_refused_connect_for_wss_in_each_clients_words() -> None:
    """A proxy that answers CONNECT with 502, checked with each real client in
    tests/scenarios/test_proxies.py: Deno tunnels wss:// (``unsuccessful tunnel``, not
    its forwarded ``Invalid status code``), Chromium special-cases the tunnel failure."""
    from dataclasses import replace

    from tests.diagnosis.test_proxy import LIVE, live, remote
    from wsexplorer.diagnosis import predict
    from wsexplorer.diagnosis.clients import CHROME, CURL, DENO, PYTHON_WEBSOCKETS
    from wsexplorer.model.url import parse_url

    obs = replace(
        remote({"https_proxy": LIVE, "HTTPS_PROXY": LIVE}, (live(502, None),)),
        url=parse_url("wss://app.test:8080/"),
    )
    words = {s.id: predict(obs, s).error for s in (DENO, CHROME, CURL, PYTHON_WEBSOCKETS)}
    assert words == {
        "deno": "NetworkError: failed to connect to WebSocket: unsuccessful tunnel",
        "chrome": "Establishing a tunnel via proxy server failed.",
        "curl": "curl: (56) CONNECT tunnel failed, response 502",
        "python-websockets": "proxy rejected connection: HTTP 502",
    }
