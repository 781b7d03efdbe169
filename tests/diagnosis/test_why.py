"""``why``: reading pasted errors with the clients' own wordings, the target they imply,
and the story told against a diagnosis (pure; the CLI runs in tests/scenarios)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.data.why_corpus import CORPUS
from tests.diagnosis.builders import example, seed_observation
from wsexplorer.diagnosis import CATALOGUE, Failure, Fallback, Stage, TryResult, diagnose
from wsexplorer.diagnosis.why import (
    MAX_TEXT,
    Clue,
    ErrorKind,
    Target,
    explain,
    implied_target,
    read_error,
    signatures,
    why_json,
)
from wsexplorer.model import AttemptOutcome, Family, Handshake, HandshakeOutcome

# Real texts as the runtimes print them (Node 18.20.8 / 20.20.2 with ws 8.23.0, Python
# 3.11 with websockets, curl 7.88.1, Chrome's console), shortened only where marked.
NODE_18_STACK = """\
node:events:495
      throw er; // Unhandled 'error' event
      ^

Error: connect ECONNREFUSED ::1:8080
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)
Emitted 'error' event on WebSocket instance at:
    at emitErrorAndClose (/app/node_modules/ws/lib/websocket.js:1046:13)
  errno: -111,
  code: 'ECONNREFUSED',
  syscall: 'connect',
  address: '::1',
  port: 8080
}
"""
NODE_20_AGGREGATE = """\
AggregateError [ECONNREFUSED]:
    at internalConnectMultiple (node:net:1118:18)
    at afterConnectMultiple (node:net:1685:7) {
  code: 'ECONNREFUSED',
  [errors]: [
    Error: connect ECONNREFUSED ::1:9999
        at createConnectionError (node:net:1648:14) {
      errno: -111,
      code: 'ECONNREFUSED',
      syscall: 'connect',
      address: '::1',
      port: 9999
    },
    Error: connect ECONNREFUSED 127.0.0.1:9999
  ]
}
"""
PYTHON_TRACEBACK = """\
Traceback (most recent call last):
  File "/usr/lib/python3.11/asyncio/selector_events.py", line 634, in _sock_connect_cb
ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 8765)
"""
CHROME_CONSOLE = (
    "WebSocket connection to 'ws://app.test:3000/live' failed: "
    "Error in connection establishment: net::ERR_CONNECTION_REFUSED"
)
CURL = "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server"


def test_every_client_in_the_catalogue_has_signatures() -> None:
    ids = {s.client for s in signatures()}
    # Node 24's built-in WebSocket prints an empty message: nothing to recognise.
    assert ids == {c.id for c in CATALOGUE} - {"node-websocket-24"}
    assert signatures() is signatures(CATALOGUE)  # built once
    plain = dataclasses.replace(CATALOGUE[0], on_answer=None)  # a parser with no own words
    texts = {s.pattern.pattern for s in signatures([plain])}
    assert not any("Header" in t for t in texts) and any("ECONNREFUSED" in t for t in texts)


def _failures() -> list[tuple[ErrorKind, Failure]]:
    """Failures with real values, written out here (not the module's sentinels)."""
    v6 = TryResult("::1", Family.IPV6, AttemptOutcome.REFUSED, measured=True,
                   error="[Errno 111] Connection refused")  # fmt: skip
    v4 = dataclasses.replace(v6, address="127.0.0.1", family=Family.IPV4)
    silent = TryResult("2001:db8::10", Family.IPV6, AttemptOutcome.TIMEOUT, measured=True,
                       error="[Errno 110] Connection timed out")  # fmt: skip
    url = "ws://localhost:8080/subscribe"
    base = Failure(Stage.CONNECT, "localhost", 8080, time_s=0.004, url=url)
    hs = Handshake("127.0.0.1", HandshakeOutcome.HTTP_STATUS, status=404)
    return [
        (ErrorKind.REFUSED, dataclasses.replace(base, tries=(v6,), candidates=1)),
        (ErrorKind.REFUSED, dataclasses.replace(base, tries=(v4,), candidates=1)),
        (ErrorKind.TIMEOUT, dataclasses.replace(base, tries=(silent,), candidates=1)),
        (ErrorKind.HTTP_STATUS, dataclasses.replace(base, stage=Stage.HANDSHAKE, handshake=hs)),
    ]


@pytest.mark.parametrize("client", CATALOGUE, ids=lambda c: c.id)
def test_each_clients_own_text_is_read_back(client: object) -> None:
    """Whatever a client's wording prints (the engine's prediction), ``why`` recognises
    as that client's, with the kind and the port and address it names."""
    from wsexplorer.diagnosis import ClientStrategy

    assert isinstance(client, ClientStrategy)
    for kind, failure in _failures():
        text = client.wording(failure)
        if not client.websocket and kind is ErrorKind.HTTP_STATUS:
            continue  # curl stands for an HTTP check: no WebSocket status of its own
        if not text:
            continue  # Node 24's built-in WebSocket: an empty message
        clue = read_error(f"2026-12-03T10:00:00Z worker-1 {text}\n")
        assert clue is not None, text
        assert client.id in clue.clients, (text, clue)
        if clue.port is not None:
            assert clue.port == 8080
        if clue.address is not None:
            assert clue.address in ("::1", "127.0.0.1", "2001:db8::10")
        if kind is ErrorKind.HTTP_STATUS and clue.kind is not ErrorKind.CONNECT:
            assert clue.kind is kind and clue.status == 404, text


def test_node_stack_trace() -> None:
    clue = read_error(NODE_18_STACK)
    assert clue is not None
    assert clue.line == "Error: connect ECONNREFUSED ::1:8080"
    assert clue.kind is ErrorKind.REFUSED
    assert {"node-16", "node-17-19", "node-20"} <= set(clue.clients)
    assert (clue.address, clue.port) == ("::1", 8080)


def test_aggregate_error_takes_its_address_from_the_lines_below() -> None:
    clue = read_error(NODE_20_AGGREGATE)
    assert clue is not None
    assert clue.line == "AggregateError [ECONNREFUSED]:"
    assert "node-20" in clue.clients and "python-websockets" not in clue.clients
    assert (clue.address, clue.port) == ("::1", 9999)


def test_python_traceback_and_chrome_console_and_curl() -> None:
    py = read_error(PYTHON_TRACEBACK)
    assert py is not None and py.clients == ("python-websockets",)
    assert (py.address, py.port, py.kind) == ("127.0.0.1", 8765, ErrorKind.REFUSED)
    chrome = read_error(CHROME_CONSOLE)
    assert chrome is not None and chrome.clients == ("chrome",)
    assert chrome.url == "ws://app.test:3000/live"
    curl = read_error(CURL)
    assert curl is not None and curl.clients == ("curl",)
    assert (curl.host, curl.port) == ("localhost", 8080)


def test_the_most_specific_wording_wins() -> None:
    """Node prints OpenSSL's bare verify message; curl's line holds the same words inside
    its own: the longer match names the client."""
    line = "curl: (60) SSL certificate problem: self-signed certificate"
    clue = read_error(line)
    assert clue is not None and clue.clients == ("curl",)
    assert clue.kind is ErrorKind.TLS and clue.reason == "self-signed certificate"


def test_text_without_an_error_and_huge_text() -> None:
    assert read_error("all good\nserver started on port 8080\n") is None
    assert read_error("") is None
    late = "x" * MAX_TEXT + "\nconnect ECONNREFUSED ::1:8080\n"
    assert read_error(late) is None  # only the first MAX_TEXT characters are read
    bad = read_error("connect ECONNREFUSED 999.1.1.1:99999")
    assert bad is not None and bad.address is None and bad.port is None


def _clue(**kw: object) -> Clue:
    base: dict[str, object] = {"line": "x", "kind": ErrorKind.REFUSED, "clients": ("node-20",)}
    return Clue(**{**base, **kw})  # type: ignore[arg-type]


def test_implied_target() -> None:
    assert implied_target(_clue(), url="ws://a:1/").url == "ws://a:1/"
    assert implied_target(_clue(url="wss://h/p")).url == "wss://h/p"
    http = implied_target(_clue(url="https://h:8443/x"))
    assert http.url == "wss://h:8443/x" and "as a WebSocket URL" in http.how
    assert implied_target(_clue(host="::1", port=80)).url == "ws://[::1]:80/"
    named = implied_target(_clue(address="::1", port=8080), ("localhost", "ip6-localhost"))
    assert named.url == "ws://localhost:8080/" and named.names == ("localhost", "ip6-localhost")
    assert "localhost, ip6-localhost resolve to ::1 first" in named.how
    one = implied_target(_clue(address="::1", port=8080), ("localhost",))
    assert "localhost resolves to ::1 first" in one.how
    bare = implied_target(_clue(address="::1", port=8080))
    assert bare.url == "ws://[::1]:8080/" and "no name resolves" in bare.how
    assert implied_target(_clue(host="db")).url == "ws://db/"
    assert implied_target(_clue()).url is None
    assert implied_target(_clue(address="::1")).url is None


def test_story_when_reproduced() -> None:
    result = diagnose(example("seed"))
    clue = read_error("connect ECONNREFUSED ::1:8080")
    assert clue is not None
    target = implied_target(clue, ("localhost",))
    why = explain(clue, target, result)
    assert why.reproduced and why.exact
    assert "node-17-19" in why.failing and "node-20" in why.connecting
    assert "It happens here: Node.js 17-19 ws fails on ws://localhost:8080/subscribe" in why.story
    assert "would connect" in why.story and "fixes work:" in why.story
    assert "No name resolves to ::1" not in why.story
    data = why_json(clue, target, why, result)
    assert data["schema"] == "wsexplorer.why/1" and data["reproduced"] is True
    assert data["matches"] == list(clue.clients)
    assert data["target"] == {
        "url": "ws://localhost:8080/subscribe",
        "host": None,
        "port": 8080,
        "address": "::1",
        "status": None,
        "how": target.how,
        "names": ["localhost"],
    }
    assert data["diagnosis"]["schema"] == "wsexplorer.diagnosis/1"  # type: ignore[index]


def test_story_when_not_reproduced() -> None:
    clue = read_error("connect ECONNREFUSED ::1:8080")
    assert clue is not None
    target = implied_target(clue)
    fine = explain(clue, target, diagnose(example("dual-stack")))
    assert not fine.reproduced and not fine.failing
    assert "Not reproduced here: every client would connect" in fine.story
    assert "where the hosts file lists '::1 localhost'" in fine.story
    v4 = read_error("connect ECONNREFUSED 127.0.0.1:8080")
    assert v4 is not None
    dual = explain(v4, implied_target(v4), diagnose(example("dual-stack")))
    assert "No name resolves to it first on this machine." in dual.story
    # Chrome connects in the seed case (::1, then 127.0.0.1); Node 17-19 does not.
    chrome = read_error(CHROME_CONSOLE)
    assert chrome is not None
    other = explain(chrome, implied_target(chrome), diagnose(example("seed")))
    assert not other.reproduced and other.failing == ("node-17-19",)
    assert "Not reproduced here for Chrome, but Node.js 17-19 ws fails on" in other.story


def test_story_with_a_differing_text_and_an_unmodelled_printer() -> None:
    result = diagnose(example("nothing-listening"))
    clue = read_error("connect ECONNREFUSED 127.0.0.1:9999")
    assert clue is not None
    # Here every Node client fails, but on port 8080: the same client, another text.
    why = explain(clue, implied_target(clue, ("localhost",)), result)
    assert why.reproduced and not why.exact and "differs in detail" in why.story
    stranger = dataclasses.replace(clue, clients=("elixir-gun",))
    lone = explain(stranger, implied_target(stranger, ("localhost",)), result)
    assert lone.story.startswith("A client wsexplorer does not model prints this")
    assert not lone.reproduced


def test_story_without_a_working_fix() -> None:
    result = diagnose(example("not-resolving"))
    clue = read_error("Error: getaddrinfo ENOTFOUND nosuch.invalid")
    assert clue is not None and clue.kind is ErrorKind.NOT_FOUND
    why = explain(clue, implied_target(clue), result)
    assert why.reproduced and "the name nosuch.invalid does not resolve" in why.story
    assert "fix" not in why.story


def test_every_kind_has_words() -> None:
    result = diagnose(seed_observation(listen="::", measured=True))
    for kind in ErrorKind:
        clue = _clue(kind=kind, host="h", port=1, status=500, reason="expired")
        story = explain(clue, Target("ws://h:1/", "t"), result).story
        assert story and "{" not in story
    tls = explain(_clue(kind=ErrorKind.TLS, reason="expired"), Target(None, ""), result)
    assert "(expired)" in tls.story


def test_fallback_variants_cover_happy_eyeballs() -> None:
    """An AggregateError is Node 20's only (Happy Eyeballs over several addresses)."""
    he = [s for s in signatures() if s.pattern.pattern.startswith("AggregateError")]
    assert he and all(s.client.startswith("node") for s in he)
    assert Fallback.HAPPY_EYEBALLS  # the generator walks every fallback


@pytest.mark.parametrize(("text", "want"), CORPUS)
def test_corpus_of_pasted_errors(text: str, want: dict[str, object]) -> None:
    clue = read_error(text)
    assert clue is not None, text
    assert want["client"] in clue.clients, (clue, want)
    for key in ("kind", "address", "port", "host", "status", "reason", "url"):
        if key in want:
            got = getattr(clue, key)
            assert (got.value if isinstance(got, ErrorKind) else got) == want[key], (key, clue)


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30


def test_answer_texts_of_the_clients_own_parsers() -> None:
    """Texts from ``on_answer`` (a client's own parser limits, redirects) read back too."""
    for text, client in (
        ("Error: Parse Error: Header overflow", "node-20"),
        ("curl: (27) Out of memory", "curl"),
        ("websockets.exceptions.InvalidURI: more than 10 redirects", "python-websockets"),
        ("ValueError: Invalid IPv6 URL", "python-websockets"),
        ("MultipleValuesError: 'Location'", "python-websockets"),
    ):
        clue = read_error(text)
        assert clue is not None and client in clue.clients, text
    redirect = read_error(
        "InvalidURI: https://login.test/cb?client_secret=*** isn't a valid URI: scheme isn't "
        "ws or wss"
    )
    assert redirect is not None and redirect.clients == ("python-websockets",)
    assert redirect.url is None  # the redirect's target is not the URL the client was given
    assert implied_target(redirect).url is None


def test_proxy_trust_and_measured_texts() -> None:
    """Texts from the proxy policies, the trust verdicts and asyncio's measured errors."""
    proxy = read_error("Error in connection establishment: net::ERR_PROXY_CONNECTION_FAILED")
    assert proxy is not None and proxy.clients == ("chrome",) and proxy.kind is ErrorKind.PROXY
    assert "proxy" in explain(proxy, Target(None, ""), diagnose(example("seed"))).story
    node = read_error(
        "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's "
        "altnames: Host: app.test. is not in the cert's altnames: DNS:other.test"
    )
    assert node is not None and "node-20" in node.clients and node.host == "app.test"
    py = read_error("OSError: [Errno 113] Connect call failed ('192.0.2.98', 35569)")
    assert py is not None and py.clients == ("python-websockets",)
    assert (py.kind, py.address, py.port) == (ErrorKind.UNREACHABLE, "192.0.2.98", 35569)


def test_one_text_for_several_failures_says_connect() -> None:
    """Bun, Deno and Node 22's built-in WebSocket print one text for several kinds of
    failure: ``why`` does not pretend to know which (docs/clients.md#bun, #deno)."""
    bun = read_error(
        "WebSocket connection to 'ws://localhost:8080/subscribe' failed: Failed to connect"
    )
    assert bun is not None
    assert (bun.kind, bun.clients, bun.url) == (
        ErrorKind.CONNECT,
        ("bun",),
        "ws://localhost:8080/subscribe",
    )
    tls = read_error("WebSocket connection to 'wss://app.test:8443/' failed: Failed to connect")
    assert tls is not None and tls.clients == ("bun",)
    node = read_error("Received network error or non-101 status code.")
    assert node is not None and (node.kind, node.clients) == (
        ErrorKind.CONNECT,
        ("node-websocket",),
    )
    tcp = read_error("NetworkError: failed to connect to WebSocket: tcp connect error")
    assert tcp is not None and (tcp.kind, tcp.clients) == (ErrorKind.CONNECT, ("deno",))
    dns = read_error("NetworkError: failed to connect to WebSocket: dns error")
    assert dns is not None and (dns.kind, dns.clients) == (ErrorKind.NOT_FOUND, ("deno",))
    status = read_error("NetworkError: failed to connect to WebSocket: Invalid status code: 404")
    assert status is not None and (status.kind, status.status) == (ErrorKind.HTTP_STATUS, 404)
