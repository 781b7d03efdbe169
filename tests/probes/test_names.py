"""The search-list replay and the names each client resolves (no network: fake lookups)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wsexplorer.model import GaiResult, parse_resolve
from wsexplorer.probes.names import parse_search_config, search_expansion, search_skipped
from wsexplorer.probes.resolution import client_names, resolve

from ..diagnosis.builders import gai

FOUND = gai(["192.0.2.10"])
MISSING = GaiResult(error="[Errno -2] Name or service not known")


def test_parse_search_config_last_line_wins_and_ndots() -> None:
    text = "# search a.test\nsearch one.test two.test.\ndomain three.test x.test\noptions ndots:3\n"
    config = parse_search_config(text)
    assert (config.domains, config.line, config.ndots) == (("three.test",), 3, 3)
    assert parse_search_config("options ndots:99 rotate\nsearch a.test\n").ndots == 15
    assert parse_search_config("nameserver 192.0.2.53\n").domains == ()


def _conf(tmp_path: Path, text: str) -> str:
    path = tmp_path / "resolv.conf"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _replay(answers: dict[str, GaiResult]) -> tuple[list[str], Callable[[str], GaiResult]]:
    asked: list[str] = []

    def lookup(name: str) -> GaiResult:
        asked.append(name)
        return answers.get(name, MISSING)

    return asked, lookup


def test_fewer_dots_than_ndots_search_domains_first(tmp_path: Path) -> None:
    conf = _conf(tmp_path, "nameserver 192.0.2.53\nsearch corp.test lab.test\n")
    asked, lookup = _replay({"app.lab.test.": FOUND, "app.": FOUND})
    found = search_expansion("app", FOUND, lookup, resolv_conf_path=conf)
    assert asked == ["app.corp.test.", "app.lab.test."]
    assert found is not None
    assert (found.domain, found.expanded, found.line, found.path) == (
        "lab.test",
        "app.lab.test",
        2,
        conf,
    )


def test_enough_dots_the_name_as_typed_first(tmp_path: Path) -> None:
    conf = _conf(tmp_path, "search corp.test\n")
    asked, lookup = _replay({"app.test.": FOUND, "app.test.corp.test.": FOUND})
    assert search_expansion("app.test", FOUND, lookup, resolv_conf_path=conf) is None
    assert asked == ["app.test."]


@pytest.mark.parametrize(
    ("name", "answer", "text"),
    [
        ("svc.", FOUND, "search corp.test\n"),  # absolute: no search list
        ("svc", MISSING, "search corp.test\n"),  # nothing answered
        ("svc", FOUND, "nameserver 192.0.2.53\n"),  # no search list
    ],
)
def test_no_expansion(tmp_path: Path, name: str, answer: GaiResult, text: str) -> None:
    asked, lookup = _replay({"svc.corp.test.": FOUND})
    conf = _conf(tmp_path, text)
    assert search_expansion(name, answer, lookup, resolv_conf_path=conf) is None
    assert asked == []


def test_deadline_stops_the_replay(tmp_path: Path) -> None:
    conf = _conf(tmp_path, "search corp.test\n")
    asked, lookup = _replay({"svc.corp.test.": FOUND})
    assert search_expansion("svc", FOUND, lookup, resolv_conf_path=conf, deadline=0.0) is None
    assert asked == []


def test_nothing_in_the_replay_answers(tmp_path: Path) -> None:
    conf = _conf(tmp_path, "search corp.test\n")
    asked, lookup = _replay({})
    assert search_expansion("svc", FOUND, lookup, resolv_conf_path=conf) is None
    assert asked == ["svc.corp.test.", "svc."]


@pytest.mark.parametrize(
    ("name", "primary", "others"),
    [
        ("faß.test", "xn--fa-hia.test", ("fass.test",)),
        ("SVC.", "svc.", ()),
        ("bücher.test", "xn--bcher-kva.test", ()),
        ("☃.test", "☃.test", ()),
    ],
)
def test_client_names(name: str, primary: str, others: tuple[str, ...]) -> None:
    assert client_names(name) == (primary, others)


def test_search_skipped_names_the_domain_that_answers_without_the_dot(tmp_path: Path) -> None:
    conf = _conf(tmp_path, "nameserver 192.0.2.53\nsearch lab.test corp.test\n")
    asked, lookup = _replay({"svc.corp.test.": FOUND})
    found = search_skipped("svc.", MISSING, lookup, resolv_conf_path=conf)
    assert asked == ["svc.lab.test.", "svc.corp.test."]
    assert found is not None
    assert (found.name, found.domain, found.expanded, found.line) == (
        "svc",
        "corp.test",
        "svc.corp.test",
        2,
    )


@pytest.mark.parametrize(
    ("name", "answer", "deadline"),
    [("svc.", FOUND, None), ("svc", MISSING, None), ("svc.", MISSING, 0.0)],
)
def test_search_skipped_none(
    tmp_path: Path, name: str, answer: GaiResult, deadline: float | None
) -> None:
    conf = _conf(tmp_path, "search corp.test\n")
    asked, lookup = _replay({"svc.corp.test.": FOUND})
    assert search_skipped(name, answer, lookup, resolv_conf_path=conf, deadline=deadline) is None
    assert asked == []


def test_search_skipped_nothing_answers(tmp_path: Path) -> None:
    conf = _conf(tmp_path, "search corp.test\n")
    asked, lookup = _replay({})
    assert search_skipped("svc.", MISSING, lookup, resolv_conf_path=conf) is None
    assert asked == ["svc.corp.test."]


@pytest.mark.parametrize("pinned", ["faß.test", "xn--fa-hia.test", "FASS.test"])
def test_a_pin_for_the_typed_host_or_a_spelling_applies(tmp_path: Path, pinned: str) -> None:
    pin = parse_resolve(f"{pinned}:8080:192.0.2.10")
    hosts = _conf(tmp_path, "")
    res = resolve("faß.test", 8080, override=pin, dns=False, hosts_path=hosts, gai_timeout=1.0)
    applies = pinned != "FASS.test"  # only websockets' spelling, which the pin does not name
    assert (res.override == pin) is applies
    assert res.host == "xn--fa-hia.test"
