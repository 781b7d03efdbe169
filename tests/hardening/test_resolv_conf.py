"""resolv.conf nameserver lines glibc would not use (issue "Hostile peers and untrusted
text", finding 8), in a real namespace, with a real listener on every address named.

``nameserver 127.0.0.1:5353`` is a form glibc's ``res_init`` rejects (no port syntax),
and glibc uses only the first 3 (``MAXNS``) of 52 nameservers. wsexplorer used to send
its DNS queries to port 5353 and to all 52; now it queries the three glibc uses and
lists the rest as ignored, with the reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.scenarios.netns import IPV4_ONLY_HOSTS, Namespace
from tests.support import wsx_argv, wsx_env

NAME = "app.wsx.test"
URL = f"ws://{NAME}:8080/subscribe"
#: 127.0.0.11 ... 127.0.0.62 on port 53: all loopback inside the namespace.
SERVERS = [f"127.0.0.{i}" for i in range(11, 63)]
RESOLV_CONF = (
    "nameserver 127.0.0.1:5353\n"
    + "".join(f"nameserver {s}\n" for s in SERVERS)
    + "options timeout:1 attempts:1\n"
)

# Runs in the namespace: a UDP socket on each address named in resolv.conf (and the
# port the bad line names), logging "address:port" for every query received and
# answering it with A 127.0.0.1 (dnspython builds the reply).
_LISTENER = r"""
import select, socket, sys
import dns.message, dns.rrset
log, targets = open(sys.argv[1], "a", buffering=1), sys.argv[2:]
socks = {}
for target in targets:
    addr, port = target.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    socks[s] = target
print("ready", flush=True)
while True:
    ready, _, _ = select.select(list(socks), [], [])
    for s in ready:
        data, peer = s.recvfrom(65535)
        log.write(socks[s] + "\n")
        try:
            query = dns.message.from_wire(data)
        except Exception:
            continue
        reply = dns.message.make_response(query)
        question = query.question[0]
        if question.rdtype == 1:
            reply.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "127.0.0.1"))
        s.sendto(reply.to_wire(), peer)
"""


def _listen(ns: Namespace, log: Path) -> None:
    targets = ["127.0.0.1:5353", *(f"{s}:53" for s in SERVERS)]
    proc = ns.popen([sys.executable, "-c", _LISTENER, str(log), *targets], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"


def _queried(log: Path) -> set[str]:
    return set(log.read_text().split()) if log.exists() else set()


def _run(ns: Namespace, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    done = ns.run(wsx_argv(*args), timeout=60, env=wsx_env())
    assert "Traceback" not in done.stderr, done.stderr
    return done, time.monotonic() - start


def _dns(document: dict[str, Any]) -> dict[str, Any]:
    dns: dict[str, Any] = document.get("resolution", document)["dns"]
    return dns


def test_only_the_nameservers_glibc_uses_are_queried(
    netns: Callable[..., Namespace], tmp_path: Path
) -> None:
    ns = netns(hosts=IPV4_ONLY_HOSTS, resolv_conf=RESOLV_CONF)
    log = tmp_path / "queries.log"
    _listen(ns, log)

    done, _ = _run(ns, "resolve", NAME, "--json")
    assert done.returncode in (0, 1), done.stderr  # 1: the name did not resolve
    dns = _dns(json.loads(done.stdout))
    assert dns["nameservers"] == SERVERS[:3]
    assert [(a["nameserver"], a["type"], a["outcome"]) for a in dns["answers"]] == [
        (server, rdtype, "answer" if rdtype == "A" else "no_answer")
        for server in SERVERS[:3]
        for rdtype in ("A", "AAAA")
    ]
    ignored = dns["ignored_nameservers"]
    assert ignored[0] == {"line": 1, "text": "127.0.0.1:5353", "reason": "not an address"}
    assert ignored[1:] == [
        {"line": n + 2, "text": SERVERS[n], "reason": "beyond the first 3 (glibc MAXNS)"}
        for n in range(3, 12)
    ]
    assert dns["ignored_nameserver_count"] == 1 + 49
    # What really reached the listeners: wsexplorer's queries and glibc's, and nothing
    # to the port the bad line names or past the third nameserver.
    queried = _queried(log)
    assert queried == {f"{s}:53" for s in SERVERS[:3]}, sorted(queried)

    log.write_text("")
    text, _ = _run(ns, "resolve", NAME)
    assert "resolv.conf:1 nameserver 127.0.0.1:5353 ignored: not an address" in text.stdout
    assert (
        "resolv.conf:5 nameserver 127.0.0.14 ignored: beyond the first 3 (glibc MAXNS)"
        in text.stdout
    )
    assert "and 40 more nameserver lines ignored" in text.stdout
    assert text.stdout.count("ignored") == 11

    diag, wall = _run(ns, "diagnose", URL, "--json", "--timeout", "3")
    assert wall < 3 + 1.5
    assert _dns(json.loads(diag.stdout))["ignored_nameserver_count"] == 50
    assert _queried(log) <= {f"{s}:53" for s in SERVERS[:3]}


def test_no_usable_nameserver_falls_back_to_loopback(
    netns: Callable[..., Namespace], tmp_path: Path
) -> None:
    # Only forms glibc rejects: it asks 127.0.0.1:53, and so does wsexplorer.
    ns = netns(
        hosts=IPV4_ONLY_HOSTS,
        resolv_conf="nameserver 127.0.0.1:5353\nnameserver [::1]:53\noptions timeout:1\n",
    )
    log = tmp_path / "queries.log"
    proc = ns.popen(
        [sys.executable, "-c", _LISTENER, str(log), "127.0.0.1:5353", "127.0.0.1:53"],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    done, _ = _run(ns, "resolve", NAME, "--json")
    dns = _dns(json.loads(done.stdout))
    assert dns["nameservers"] == ["127.0.0.1"]
    assert [i["reason"] for i in dns["ignored_nameservers"]] == ["not an address"] * 2
    assert "no usable nameserver" in dns["note"]
    assert _queried(log) == {"127.0.0.1:53"}
