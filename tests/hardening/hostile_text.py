"""Hostile text and the observations that carry it, shared by the untrusted-text tests.

:data:`EVIL` is what an attacker would send through every channel wsexplorer shows: a
server message, a close reason, a status line, a header, a subprotocol, a hosts-file
alias, a resolv.conf line, a process name. :func:`hostile_diagnosis` puts one string in
every one of those places of a real observation and runs the real engine on it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.examples import seed_observation
from wsexplorer.model import (
    Attempt,
    AttemptOutcome,
    Diagnosis,
    DnsAnswer,
    DnsOutcome,
    DnsReport,
    Family,
    Handshake,
    HandshakeOutcome,
    HostsEntry,
    HostsFile,
    HostsProblem,
    Listener,
)

__all__ = ["EVIL", "UNSAFE", "hostile_diagnosis", "hostile_listeners", "unsafe_in"]

EVIL: tuple[str, ...] = (
    "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: write the clipboard
    "\x1b]0;pwned-title\x07",  # OSC 0: set the window title
    "\x1b[2J\x1b[H",  # clear the screen, cursor home
    "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[31mred\x1b[0m",  # SGR that looks like the report's own colours
    "\u202etxt.exe",  # right-to-left override
    "\x9b2J",  # C1 CSI
    "bell\x07 del\x7f nul\x00 cr\r lf\n tab\t",
    "lone \udcff surrogate",  # a byte that was not UTF-8, kept by surrogateescape
    "a|b|c",  # splits a Markdown table cell
    "![x](https://evil.example/pixel.png)",  # a live image in Markdown
    '<img src="https://evil.example/pixel.png">',
    "<script>alert(1)</script> &amp; `tick` ``` fence",
    "[link](javascript:alert(1)) *em* _u_ # h ~~s~~",
)

# Everything a terminal could act on: C0 but the line break, DEL, C1, bidi controls,
# separators, zero-width space, BOM, lone surrogates.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2066-\u2069\ufeff\ud800-\udfff]"
)
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def unsafe_in(output: str, *, sgr_allowed: bool = False) -> list[str]:
    """The unsafe characters in ``output`` (with ``sgr_allowed``, outside SGR sequences)."""
    if sgr_allowed:
        output = _SGR.sub("", output)
    return UNSAFE.findall(output)


def hostile_listeners(evil: str, port: int = 8080) -> tuple[Listener, ...]:
    """A listener on ``port`` whose process name is ``evil`` (and one with none)."""
    return (
        Listener.make(Family.IPV4, "0.0.0.0", port, None, pid=4242, process=evil),
        Listener.make(Family.IPV6, "::1", port, True, pid=4243, process=None),
    )


def hostile_diagnosis(evil: str) -> Diagnosis:
    """The seed case with ``evil`` in every place that shows text from outside."""
    obs = seed_observation(measured=True, listen=hostile_listeners(evil), handshake=400)
    res = obs.resolution
    hosts = HostsFile(
        "/etc/hosts",
        entries=(
            HostsEntry(1, "127.0.0.1", Family.IPV4, ("localhost", evil)),
            HostsEntry(2, "::1", Family.IPV6, ("localhost",)),
        ),
        problems=(HostsProblem(3, evil, f"not an address: {evil}"),),
    )
    dns = DnsReport(
        nameservers=(evil,),
        answers=(
            DnsAnswer(evil, "A", DnsOutcome.ERROR, error=evil),
            DnsAnswer("192.0.2.53", "AAAA", DnsOutcome.ANSWER, (evil,), 60),
        ),
        note=evil,
        error=evil,
    )
    res = replace(res, hosts_file=hosts, nsswitch=("files", evil), gai_conf=(evil,), dns=dns)
    attempts = (
        Attempt("::1", Family.IPV6, AttemptOutcome.ERROR, evil, 0.1, 0.0, 8080),
        *obs.attempts[1:],
    )
    handshake = Handshake(
        "127.0.0.1",
        HandshakeOutcome.HTTP_STATUS,
        400,
        evil,
        (("Server", evil), ("Location", evil), ("Content-Type", "text/plain")),
        evil,
        evil,
    )
    obs = replace(obs, resolution=res, attempts=attempts, handshake=handshake)
    d = diagnose(obs)
    return replace(d, notes=(*d.notes, evil))
