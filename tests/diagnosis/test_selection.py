"""``--clients``: ids and runtime names pick clients in catalogue order; anything else is
one clear error with the closest word."""

from __future__ import annotations

import pytest

from wsexplorer.diagnosis import diagnose
from wsexplorer.diagnosis.clients import CATALOGUE
from wsexplorer.diagnosis.selection import UnknownClient, client_words, select_clients

from .builders import seed_observation


def test_runtime_names_and_ids_keep_catalogue_order() -> None:
    picked = select_clients(" chrome, node ,PYTHON-AIOHTTP")
    nodes = [s.id for s in CATALOGUE if s.runtime == "node"]
    assert [s.id for s in picked] == [*nodes, "python-aiohttp", "chrome"]
    python = [s.id for s in select_clients("python")]
    assert python == [s.id for s in CATALOGUE if s.runtime == "python"]
    assert len(python) >= 3


def test_every_word_is_listed_once() -> None:
    words = client_words()
    assert len(words) == len(set(words))
    assert {"node", "python", "curl", "browser"} <= set(words)
    assert all(s.id in words for s in CATALOGUE)


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("pyton", "unknown client 'pyton'; did you mean 'python'?"),
        ("node,zzzz", "unknown client 'zzzz'; known: node"),
        (" , ", "no client named"),
    ],
)
def test_bad_words_are_one_clear_error(spec: str, fragment: str) -> None:
    with pytest.raises(UnknownClient) as err:
        select_clients(spec)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_the_verdict_is_about_the_picked_clients() -> None:
    obs = seed_observation()  # node-17-19 fails, every other client connects
    assert not diagnose(obs).verdict.ok
    picked = diagnose(obs, select_clients("python,curl"))
    assert picked.verdict.ok
    assert [c.id for c in picked.clients] == [s.id for s in select_clients("python,curl")]
