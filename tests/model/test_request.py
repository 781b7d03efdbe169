"""The handshake request options a user types (``-H``, ``--subprotocol``, ``--origin`` and
the TUI's ``h`` dialog): one parser, one clear line for bad input."""

from __future__ import annotations

import pytest

from wsexplorer.model.request import (
    InvalidRequestOption,
    parse_header,
    parse_header_lines,
    parse_origin,
    parse_subprotocols,
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("X-Room 7", "is not 'Name: value'"),
        (": 7", "is not 'Name: value'"),
        ("X Room: 7", "has characters HTTP forbids"),
        ("X-\x1b[2JRoom: 7", "has characters HTTP forbids"),
        ("X-Room: 7\r\nEvil: 1", "contains a line break"),
        ("X-Room: 7\x1b]52;c;aGk=\x07", "contains a control character"),
    ],
)
def test_bad_headers_are_one_clear_line(text: str, words: str) -> None:
    with pytest.raises(InvalidRequestOption) as info:
        parse_header(text)
    message = str(info.value)
    assert words in message and "\n" not in message and "\x1b" not in message


def test_header_lines_name_the_bad_line_and_skip_blank_ones() -> None:
    assert parse_header_lines("X-A: 1\n\n  \nX-B:2\r\n") == (("X-A", "1"), ("X-B", "2"))
    with pytest.raises(InvalidRequestOption, match="line 3: header 'oops'"):
        parse_header_lines("X-A: 1\n\noops")
    with pytest.raises(InvalidRequestOption, match=r"line 1: .*line break"):
        parse_header_lines("X-A: 1\rEvil: 2")  # a lone CR never reaches the wire
    with pytest.raises(InvalidRequestOption, match="at most 64"):
        parse_header_lines("\n".join(f"X-{i}: {i}" for i in range(65)))


def test_subprotocols_and_origin() -> None:
    assert parse_subprotocols(" chat.v2, chat.v1 chat.v2 ") == ("chat.v2", "chat.v1")
    assert parse_subprotocols("") == ()
    with pytest.raises(InvalidRequestOption, match="is not a token"):
        parse_subprotocols("chat\x1b[2J")
    assert parse_origin("http://localhost:3000") == "http://localhost:3000"
    with pytest.raises(InvalidRequestOption, match="is not scheme://host"):
        parse_origin("http://a.test\x1b[2J")
