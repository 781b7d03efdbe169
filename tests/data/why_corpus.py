"""Pasted errors as users paste them (stack traces, dev-server output, browser consoles,
CI logs), each with what ``why`` must read from it. Written here in the shape each client
prints (the client sources in docs/clients.md); the real clients' own output is fed back
in by tests/scenarios/test_why_real.py and the real-client matrices."""

from __future__ import annotations

CORPUS: list[tuple[str, dict[str, object]]] = [
    # ---- Node ws: uncaught 'error' events, npm scripts, nodemon, vite, jest
    (
        """node:events:497
      throw er; // Unhandled 'error' event
      ^

Error: connect ECONNREFUSED ::1:8080
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)
Emitted 'error' event on WebSocket instance at:""",
        {"client": "node-17-19", "kind": "refused", "address": "::1", "port": 8080},
    ),
    (
        "> app@1.0.0 dev\n> node client.js\n\nError: connect ECONNREFUSED 127.0.0.1:3001\n"
        "npm ERR! code ELIFECYCLE",
        {"client": "node-16", "kind": "refused", "address": "127.0.0.1", "port": 3001},
    ),
    (
        "[nodemon] starting `node index.js`\n"
        "Error: connect ECONNREFUSED ::1:5000\n[nodemon] app crashed - waiting for file changes",
        {"client": "node-17-19", "address": "::1", "port": 5000},
    ),
    (
        "2026-12-01T09:14:03.512Z ERROR ws-client connect ECONNREFUSED ::1:9000 (retrying in 5s)",
        {"client": "node-20", "address": "::1", "port": 9000},
    ),
    (
        """AggregateError [ECONNREFUSED]:
    at internalConnectMultiple (node:net:1139:18)
    at afterConnectMultiple (node:net:1712:7) {
  code: 'ECONNREFUSED',
  [errors]: [
    Error: connect ECONNREFUSED ::1:4000
        at createConnectionError (node:net:1675:14)
        at afterConnectMultiple (node:net:1705:16) {
      errno: -111,
      code: 'ECONNREFUSED',
      syscall: 'connect',
      address: '::1',
      port: 4000
    },
    Error: connect ECONNREFUSED 127.0.0.1:4000
  ]
}""",
        {"client": "node-20", "kind": "refused", "address": "::1", "port": 4000},
    ),
    (
        "Uncaught AggregateError [ETIMEDOUT]: \n    at internalConnectMultiple (node:net:1118:18)",
        {"client": "node-20", "kind": "timeout"},
    ),
    (
        "Error: getaddrinfo ENOTFOUND api.internal.example\n"
        "    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26) {\n"
        "  errno: -3008,\n  code: 'ENOTFOUND',\n  syscall: 'getaddrinfo',\n"
        "  hostname: 'api.internal.example'\n}",
        {"client": "node-20", "kind": "not-found", "host": "api.internal.example"},
    ),
    (
        "Error: getaddrinfo EAI_AGAIN redis\n    at GetAddrInfoReqWrap.onlookupall",
        {"client": "node-17-19", "kind": "not-found", "host": "redis"},
    ),
    (
        "Error: connect ETIMEDOUT 2001:db8::10:443\n"
        "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)",
        {"client": "node-17-19", "kind": "timeout", "address": "2001:db8::10", "port": 443},
    ),
    (
        "Error: connect EHOSTUNREACH 192.0.2.98:8080",
        {"client": "node-20", "kind": "unreachable", "address": "192.0.2.98", "port": 8080},
    ),
    (
        "Error: connect ENETUNREACH 2001:db8::1:8443 - Local (:::0)",
        {"client": "node-16", "kind": "unreachable", "address": "2001:db8::1", "port": 8443},
    ),
    (
        "Error: Unexpected server response: 404\n"
        "    at ClientRequest.<anonymous> (/srv/app/node_modules/ws/lib/websocket.js:913:7)",
        {"client": "node-20", "kind": "http-status", "status": 404},
    ),
    (
        " FAIL  test/socket.test.ts\n  ● live feed › connects\n\n"
        "    Unexpected server response: 401\n",
        {"client": "node-16", "kind": "http-status", "status": 401},
    ),
    (
        "Error: socket hang up\n    at connResetException (node:internal/errors:720:14)",
        {"client": "node-20", "kind": "handshake"},
    ),
    (
        "  VITE v5.4.2  ready in 312 ms\n[vite] ws proxy error:\n"
        "Error: connect ECONNREFUSED ::1:8787\n    at TCPConnectWrap.afterConnect",
        {"client": "node-17-19", "address": "::1", "port": 8787},
    ),
    # ---- Python websockets: tracebacks, logging, pytest
    (
        """Traceback (most recent call last):
  File "/home/dev/feed.py", line 12, in <module>
    asyncio.run(main())
  File "/usr/lib/python3.11/asyncio/base_events.py", line 1069, in create_connection
    sock = await self._connect_sock(
ConnectionRefusedError: [Errno 111] Connect call failed ('::1', 8765, 0, 0)""",
        {"client": "python-websockets", "kind": "refused", "address": "::1", "port": 8765},
    ),
    (
        "OSError: Multiple exceptions: [Errno 111] Connect call failed ('::1', 8000, 0, 0), "
        "[Errno 111] Connect call failed ('127.0.0.1', 8000)",
        {"client": "python-websockets", "kind": "refused", "address": "::1", "port": 8000},
    ),
    (
        "ERROR:root:feed disconnected: [Errno 111] Connect call failed ('127.0.0.1', 6789)",
        {"client": "python-websockets", "address": "127.0.0.1", "port": 6789},
    ),
    (
        "TimeoutError: timed out during opening handshake",
        {"client": "python-websockets", "kind": "timeout"},
    ),
    (
        "websockets.exceptions.InvalidStatus: server rejected WebSocket connection: HTTP 403",
        {"client": "python-websockets", "kind": "http-status", "status": 403},
    ),
    (
        "E       socket.gaierror: [Errno -2] Name or service not known\n"
        "tests/test_feed.py:31: gaierror",
        {"client": "python-websockets", "kind": "not-found"},
    ),
    (
        "OSError: [Errno 113] No route to host",
        {"client": "python-websockets", "kind": "unreachable"},
    ),
    (
        "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
        "failed: self-signed certificate (_ssl.c:1006)",
        {"client": "python-websockets", "kind": "tls", "reason": "self-signed certificate"},
    ),
    # ---- curl (CI health checks, shell sessions)
    (
        "$ curl -i -N -H 'Upgrade: websocket' http://localhost:8080/ws\n"
        "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server",
        {"client": "curl", "kind": "refused", "host": "localhost", "port": 8080},
    ),
    (
        "Run curl --fail http://app.test:3000/health\n"
        "curl: (28) Failed to connect to app.test port 3000 after 130421 ms: "
        "Couldn't connect to server\nError: Process completed with exit code 28.",
        {"client": "curl", "kind": "timeout", "host": "app.test", "port": 3000},
    ),
    (
        "curl: (6) Could not resolve host: db.internal",
        {"client": "curl", "kind": "not-found", "host": "db.internal"},
    ),
    (
        "curl: (60) SSL certificate problem: unable to get local issuer certificate\n"
        "More details here: https://curl.se/docs/sslcerts.html",
        {"client": "curl", "kind": "tls", "reason": "unable to get local issuer certificate"},
    ),
    # ---- Chrome's console (copied lines, with the source location)
    (
        "WebSocket connection to 'ws://localhost:8080/socket' failed: Error in connection "
        "establishment: net::ERR_CONNECTION_REFUSED    app.js:14",
        {"client": "chrome", "kind": "refused", "url": "ws://localhost:8080/socket"},
    ),
    (
        "index.ts:22 WebSocket connection to 'wss://api.app.test/live' failed: "
        "Error in connection establishment: net::ERR_NAME_NOT_RESOLVED",
        {"client": "chrome", "kind": "not-found", "url": "wss://api.app.test/live"},
    ),
    (
        "WebSocket connection to 'ws://127.0.0.1:5173/?token=abc' failed: Error during "
        "WebSocket handshake: Unexpected response code: 400",
        {"client": "chrome", "kind": "http-status", "status": 400},
    ),
    (
        "client:536 WebSocket connection to 'ws://192.0.2.10:8080/' failed: "
        "net::ERR_CONNECTION_TIMED_OUT",
        {"client": "chrome", "kind": "timeout", "url": "ws://192.0.2.10:8080/"},
    ),
    (
        "(index):1 WebSocket connection to 'ws://printer.local:9100/' failed: "
        "net::ERR_ADDRESS_UNREACHABLE",
        {"client": "chrome", "kind": "unreachable"},
    ),
]
