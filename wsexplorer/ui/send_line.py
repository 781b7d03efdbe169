"""What a line typed in the Session pane's send field asks for (pure: no Textual, no I/O).

- plain text (or JSON): one text message;
- ``/close [CODE [REASON]]``: close with that code (1000 by default) and reason;
- ``/hex 0a ff 00``: one binary message from hex digits (spaces allowed);
- ``/b64 AAEC``: one binary message from base64;
- ``//text``: the text ``/text`` (a leading slash escaped).

wscat has ``-x`` and ``--close``; websocat has ``--binary`` and base64 prefixes; these are
the same powers in the send line.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

__all__ = ["MAX_REASON_BYTES", "SendBinary", "SendClose", "SendError", "SendText", "parse_line"]

MAX_REASON_BYTES = 123
"""A close frame's payload is at most 125 bytes, 2 of them the code (RFC 6455 5.5)."""


@dataclass(frozen=True, slots=True)
class SendText:
    text: str


@dataclass(frozen=True, slots=True)
class SendBinary:
    data: bytes


@dataclass(frozen=True, slots=True)
class SendClose:
    code: int = 1000
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SendError:
    """The line asks for something impossible; ``text`` says why in one line."""

    text: str


USAGE = "/close [CODE [REASON]], /hex HEX, /b64 BASE64; // sends a leading slash"


def _close_code_ok(code: int) -> bool:
    """Codes an endpoint may send (RFC 6455 7.4.1-7.4.2; 1004-1006 and 1015 are never sent)."""
    return code == 1000 or 1001 <= code <= 1003 or 1007 <= code <= 1014 or 3000 <= code <= 4999


def parse_line(line: str) -> SendText | SendBinary | SendClose | SendError:
    """What ``line`` asks for (see the module docstring)."""
    if not line.startswith("/"):
        return SendText(line)
    if line.startswith("//"):
        return SendText(line[1:])
    word, _, rest = line.partition(" ")
    if word == "/close":
        return _close(rest.strip())
    if word == "/hex":
        digits = "".join(rest.split())
        try:
            return SendBinary(bytes.fromhex(digits))
        except ValueError:
            return SendError(f"/hex {digits[:40]!r}: not hex digits in pairs")
    if word == "/b64":
        try:
            return SendBinary(base64.b64decode("".join(rest.split()), validate=True))
        except (binascii.Error, ValueError):
            return SendError(f"/b64 {rest.strip()[:40]!r}: not base64")
    return SendError(f"unknown command {word[:20]!r}: {USAGE}")


def _close(rest: str) -> SendClose | SendError:
    if not rest:
        return SendClose()
    code_text, _, reason = rest.partition(" ")
    if not code_text.isdigit():
        return SendError(f"/close {code_text[:20]!r}: the code is a number, e.g. /close 1000 bye")
    code = int(code_text)
    if not _close_code_ok(code):
        return SendError(
            f"/close {code}: not a code an endpoint sends (1000-1003, 1007-1014, 3000-4999)"
        )
    reason = reason.strip()
    if len(reason.encode("utf-8")) > MAX_REASON_BYTES:
        return SendError(f"/close {code}: the reason is over {MAX_REASON_BYTES} bytes (UTF-8)")
    return SendClose(code, reason)
