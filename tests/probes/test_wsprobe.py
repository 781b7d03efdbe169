"""Counting the raw response head the way other clients' parsers count it."""

from __future__ import annotations

from websockets.exceptions import (
    HeaderLineTooLong,
    InvalidMessage,
    StatusLineTooLong,
    TooManyHeaders,
)

from wsexplorer.model import ResponseHead
from wsexplorer.probes._wsprobe import accept_for, answer_of, head_of, limit_text

KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 section 1.3's example


def _head(*lines: str, end: bool = True) -> bytes:
    return ("\r\n".join(lines) + ("\r\n\r\n" if end else "")).encode("latin-1")


def test_accept_key_is_rfc_6455s_example() -> None:
    assert accept_for(KEY) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_a_valid_upgrade_counted_as_node_counts_it() -> None:
    raw = (
        _head(
            "HTTP/1.1 101 Switching Protocols",
            "Upgrade: websocket",
            "Connection: keep-alive, Upgrade",
            f"Sec-WebSocket-Accept: {accept_for(KEY)}",
            "X-Pad:   padded  ",
        )
        + b"\x81\x02hi"
    )  # a frame right behind the head is not part of it
    head = head_of(raw, KEY, True)
    assert head == ResponseHead(
        headers=4,
        size=len(raw) - 4,
        longest_line=len(f"Sec-WebSocket-Accept: {accept_for(KEY)}") + 2,
        # reason + names + values, whitespace around values excluded
        field_bytes=19 + (7 + 9) + (10 + 19) + (20 + 28) + (5 + 6),
        complete=True,
        upgrade_ok=True,
        peer_closed=True,
        version="HTTP/1.1",
        status=101,
    )


def test_wrong_accept_or_status_is_not_a_valid_upgrade() -> None:
    bad = _head(
        "HTTP/1.1 101 OK", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: no"
    )
    redirect = _head("HTTP/1.1 302 Found", "Location: /x")
    for raw in (bad, redirect):
        head = head_of(raw, KEY)
        assert head is not None and head.upgrade_ok is False


def test_an_incomplete_head_counts_its_partial_line_as_long_only() -> None:
    raw = _head("HTTP/1.1 101 Switching Protocols", "A: b", "X-Long: " + "y" * 50, end=False)
    head = head_of(raw, KEY)
    assert head is not None
    assert (head.headers, head.complete, head.upgrade_ok) == (1, False, None)
    assert head.longest_line == 58  # the partial line, no CRLF yet
    assert head.size == len(raw)
    assert head_of(b"", KEY) is None


def test_limit_texts_name_websockets_limits() -> None:
    complete = ResponseHead(1003, 19129, 52, 15100, True)
    many = InvalidMessage("did not receive a valid HTTP response")
    many.__cause__ = TooManyHeaders("expected no more than 128 headers")
    assert limit_text(many, complete) == "too many headers (1003 > websockets' limit 128)"
    partial = ResponseHead(500, 9000, 20, 8000, False)
    assert limit_text(many, partial) == "too many headers (more than websockets' limit 128)"
    long = InvalidMessage("did not receive a valid HTTP response")
    long.__cause__ = HeaderLineTooLong("read 9010 bytes, expected no more than 8192 bytes")
    assert limit_text(long, ResponseHead(4, 9100, 9010, 9000, True)) == (
        "header line too long (9010 bytes > websockets' limit 8192)"
    )
    assert limit_text(long, None) == (
        "header line too long (more than websockets' limit of 8192 bytes)"
    )
    status = StatusLineTooLong("read 9000 bytes, expected no more than 8192 bytes")
    assert limit_text(status, None) == (
        "status line too long (more than websockets' limit of 8192 bytes)"
    )
    assert limit_text(InvalidMessage("x"), None) is None


def test_status_line_and_answer_read_as_a_lenient_http_parser() -> None:
    # python -m http.server answers HTTP/1.0, which websockets refuses to parse (issue 12).
    raw = _head("HTTP/1.0 404 File not found", "Server: SimpleHTTP/0.6", "Connection: close")
    head = head_of(raw + b"<p>404</p>", KEY)
    assert head is not None and (head.version, head.status) == ("HTTP/1.0", 404)
    assert answer_of(raw + b"<p>404</p>") == (
        "File not found",
        (("Server", "SimpleHTTP/0.6"), ("Connection", "close")),
        b"<p>404</p>",
    )
    assert answer_of(raw[:-4]) is None
    assert answer_of(_head("HTTP/1.0 204")) == ("", (), b"")
    for line in ("SSH-2.0-OpenSSH_9.2", "HTTP/2 404 x", "HTTP/1.1 4040 x", "HTTP/1.1 099 x"):
        head = head_of(_head(line), KEY)
        assert head is not None and (head.version, head.status) == (None, None), line
