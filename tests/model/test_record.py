"""``@record`` behaves as ``@dataclass(frozen=True, slots=True)``: each check runs on a
record and on its dataclass twin and expects the same result."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import FrozenInstanceError, dataclass, field

import pytest

from wsexplorer.model.record import record


@record
class RecPoint:
    """A point, as a record."""

    x: int
    y: int = 2
    tags: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DcPoint:
    """The same point, as a dataclass."""

    x: int
    y: int = 2
    tags: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


@record
class RecPair:
    """Two values, as a record."""

    a: str
    b: int


@dataclass(frozen=True, slots=True)
class DcPair:
    """Two values, as a dataclass."""

    a: str
    b: int


@pytest.mark.parametrize("cls", [RecPoint, DcPoint], ids=["record", "dataclass"])
def test_same_behaviour(cls: type) -> None:
    p = cls(1)
    assert (p.x, p.y, p.tags, p.extra) == (1, 2, (), {})
    assert cls(1, 3, ("a",), {"k": 1}) == cls(x=1, y=3, tags=("a",), extra={"k": 1})
    assert cls(1) != cls(2)
    assert cls(1).__eq__(object()) is NotImplemented
    assert cls(1).extra is not cls(1).extra  # a new dict from the factory each time
    assert not hasattr(p, "__dict__")
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        p.x = 5
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'x'"):
        del p.x
    with pytest.raises(TypeError):
        cls()
    with pytest.raises(TypeError):
        cls(1, x=2)
    q = dataclasses.replace(p, y=9)
    assert (q.x, q.y) == (1, 9)
    assert dataclasses.asdict(p) == {"x": 1, "y": 2, "tags": (), "extra": {}}
    assert [f.name for f in dataclasses.fields(cls)] == ["x", "y", "tags", "extra"]
    assert cls.__match_args__ == ("x", "y", "tags", "extra")
    for twin in (copy.copy(p), copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert twin == p and type(twin) is cls


def test_repr_and_hash_match_the_dataclass() -> None:
    r, d = RecPoint(1, 3, ("a",)), DcPoint(1, 3, ("a",))
    assert repr(r) == "RecPoint(x=1, y=3, tags=('a',), extra={})"
    assert repr(d) == "DcPoint(x=1, y=3, tags=('a',), extra={})"
    assert hash(RecPair("a", 1)) == hash(DcPair("a", 1)) == hash(("a", 1))
    assert len({RecPair("a", 1), RecPair("a", 1), RecPair("b", 1)}) == 2
    for point in (r, d):
        with pytest.raises(TypeError):
            hash(point)  # an unhashable field (the dict) makes either unhashable


def test_own_methods_and_post_init_kept() -> None:
    class Named:
        """A name, upper-cased after init, with its own repr."""

        __annotations__ = {"name": "str"}

        def __post_init__(self) -> None:
            object.__setattr__(self, "name", self.name.upper())

        def __repr__(self) -> str:
            return f"<{self.name}>"

    made = record(Named)
    assert made("ab").name == "AB"
    assert repr(made("ab")) == "<AB>"


def test_what_a_record_does_not_build_falls_back_to_dataclass() -> None:
    class NoDoc:
        __annotations__ = {"a": "int"}

    class Hidden:
        """A field left out of equality."""

        __annotations__ = {"a": "int", "b": "int"}
        b: int = field(default=0, compare=False)

    no_doc, hidden = record(NoDoc), record(Hidden)
    assert no_doc.__dataclass_params__.frozen and hidden.__dataclass_params__.frozen
    assert no_doc.__doc__ == "NoDoc(a: 'int')"  # worded by dataclass
    assert hidden(1, 2) == hidden(1, 3)
    assert RecPoint.__dataclass_params__.frozen is False  # a record: built here


def test_init_is_compiled_for_the_first_instance() -> None:
    @record
    class Late:
        """Made late."""

        a: int
        b: int = 1

    stand_in = Late.__init__
    assert Late(1).b == 1 and Late.__init__ is not stand_in  # the real one, installed
    assert Late(2, b=3) == Late(a=2, b=3)
    with pytest.raises(TypeError, match=r"Late.__init__\(\) missing 1 required"):
        Late()
