from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wsexplorer.model import Family, parse_hosts

DEBIAN = "127.0.0.1\tlocalhost\n127.0.1.1\tbox\n\n# The following lines are desirable for IPv6\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\n"


def test_debian_hosts_lines_and_numbers() -> None:
    hf = parse_hosts(DEBIAN)
    hits = hf.lookup("LOCALHOST.")
    assert [(e.line, e.address, e.family) for e in hits] == [
        (1, "127.0.0.1", Family.IPV4),
        (5, "::1", Family.IPV6),
    ]
    assert hits[1].names == ("localhost", "ip6-localhost", "ip6-loopback")
    assert hf.problems == ()


def test_crlf_tabs_comments_zone_and_problems() -> None:
    text = "127.0.0.1\tlocalhost # trailing\r\nfe80::1%eth0 router\r\nnot-an-ip foo\r\n10.0.0.1\r\n1.2.3.4%eth0 x\r\n   # only a comment\r\n"
    hf = parse_hosts(text, path="/tmp/h")
    assert [e.line for e in hf.entries] == [1, 2]
    assert hf.entries[1].zone == "eth0" and hf.entries[1].address == "fe80::1"
    assert [(p.line, p.reason.split()[0]) for p in hf.problems] == [
        (3, "'not-an-ip'"),
        (4, "address"),
        (5, "a"),
    ]
    assert hf.only("router").entries == (hf.entries[1],)
    assert hf.to_json()["path"] == "/tmp/h"


@given(st.text(max_size=500))
def test_parse_hosts_never_raises(text: str) -> None:
    hf = parse_hosts(text)
    lines = len(text.splitlines())
    for e in hf.entries:
        assert 1 <= e.line <= lines and e.names
    for p in hf.problems:
        assert 1 <= p.line <= lines


def test_problems_are_summarised_for_the_asked_name() -> None:
    lines = ["127.0.0.1 app.test"]
    lines += [f"junk{i} words" for i in range(1000)]
    lines += ["127.0.0.1x app.test", "app.test 127.0.0.1", "10.0.0.1x APP.TEST. # typo"]
    hf = parse_hosts("\n".join(lines), name="app.test")
    assert hf.problem_count == 1003 and hf.problems_truncated
    assert [p.line for p in hf.problems] == [2, 3, 4, 5, 6, 1002, 1003, 1004]
    assert [p.relevant for p in hf.problems] == [False] * 5 + [True] * 3
    assert hf.problems[-1].text == "10.0.0.1x APP.TEST. # typo"
    assert [e.line for e in hf.entries] == [1]
    # Parsed for every name, the sample alone is kept; only() marks what mentions a name.
    whole = parse_hosts("\n".join(lines))
    assert [p.line for p in whole.problems] == [2, 3, 4, 5, 6]
    assert [p.line for p in hf.only("other.test").problems] == [2, 3, 4, 5, 6]
    assert [p.line for p in hf.only("app.test").problems] == [p.line for p in hf.problems]
    data = hf.to_json()
    assert (data["problem_count"], data["problems_truncated"]) == (1003, True)


def test_relevant_problems_are_capped() -> None:
    from wsexplorer.model.hosts import PROBLEM_SAMPLE, RELEVANT_PROBLEMS_MAX

    hf = parse_hosts("".join("bad app.test\n" for _ in range(500)), name="app.test")
    assert len(hf.problems) == RELEVANT_PROBLEMS_MAX and hf.problem_count == 500
    assert RELEVANT_PROBLEMS_MAX > PROBLEM_SAMPLE


def test_problem_text_is_clipped_and_escaped() -> None:
    hf = parse_hosts("\x1b[2J\x1b]0;pwned\x07 app.test\t" + "x" * 5000 + "\n", name="app.test")
    (problem,) = hf.problems
    assert "\x1b" not in problem.text and "\x07" not in problem.text
    assert problem.text.startswith("\\x1b[2J\\x1b]0;pwned\\x07 app.test ")
    assert len(problem.text) == 120 and problem.text.endswith("…")
    assert "\x1b" not in problem.reason and len(problem.reason) < 100


def test_stop_ends_the_parse_and_says_where() -> None:
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) >= 2

    hf = parse_hosts("".join(f"junk{i}\n" for i in range(10_000)), stop=stop)
    assert hf.stopped_at_line == 4096 and hf.problem_count == 4095


def test_lines_end_at_newline_only() -> None:
    # glibc reads lines up to '\n': a form feed or a lone CR does not start a new line.
    hf = parse_hosts("127.0.0.1 a\x0cb\n10.0.0.1 c\rd\n")
    assert [(e.line, e.names) for e in hf.entries] == [(1, ("a", "b")), (2, ("c", "d"))]
