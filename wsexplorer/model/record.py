"""``@record``: ``@dataclass(frozen=True, slots=True)``, cheaper to create (issue 14).

A frozen dataclass costs its module six ``exec`` calls at import (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``), each compiling
generated source: some 0.4 ms a class, about 25 ms of the 60 classes a ``diagnose`` run
imports. A record lets :func:`dataclasses.dataclass` lay out the fields and the slots
(no generated code), compiles only ``__init__`` (when the first instance is made), and
takes the other methods from closures over the field names. They behave as the dataclass's: equality by class and
field values, the hash of the same tuple, the same ``repr``, ``FrozenInstanceError`` on
assignment and deletion, pickling and copying; ``dataclasses.fields``, ``replace`` and
``asdict`` work unchanged. A class using anything else a record does not build
(``field(init=False)``, keyword-only or ``InitVar`` fields, fields left out of equality)
is simply made by ``dataclass(frozen=True, slots=True)`` itself.
"""

from __future__ import annotations

import inspect
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, fields

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")
else:

    def dataclass_transform(**_: object) -> object:
        return lambda decorated: decorated


__all__ = ["record"]

_SET = object.__setattr__


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    """The class as ``@dataclass(frozen=True, slots=True)`` would make it."""
    if not _plain(cls):
        return dataclass(frozen=True, slots=True)(cls)
    made: Any = dataclass(init=False, repr=False, eq=False, slots=True)(cls)
    names = tuple(f.name for f in fields(made))
    own = made.__dict__
    made.__init__ = _first_init(made, fields(made))
    if "__repr__" not in own:
        made.__repr__ = _repr(names)
    if "__eq__" not in own:
        made.__eq__ = _eq(names)
        if "__hash__" not in own:
            made.__hash__ = _hash(names)
    made.__setattr__ = _setattr(made, names)
    made.__delattr__ = _delattr(made, names)
    made.__getstate__ = _getstate
    made.__setstate__ = _setstate
    return made  # type: ignore[no-any-return]


def _plain(cls: type) -> bool:
    """Only the features a record builds itself (else ``dataclass`` builds the class)."""
    if cls.__doc__ is None or any(hasattr(base, "__dataclass_fields__") for base in cls.__mro__):
        return False  # dataclass words a missing docstring from the signature
    if any(name in cls.__dict__ for name in ("__init__", "__setattr__", "__delattr__")):
        return False
    for value in cls.__dict__.values():
        if isinstance(value, Field) and not (
            value.init and value.repr and value.compare and value.hash is None
        ):
            return False
    annotations = inspect.get_annotations(cls)  # strings: annotations are not evaluated
    return not any(
        "InitVar" in str(hint) or "KW_ONLY" in str(hint) or "ClassVar" in str(hint)
        for hint in annotations.values()
    )


def _first_init(cls: Any, members: tuple[Field[Any], ...]) -> Callable[..., None]:
    """A stand-in ``__init__``: the first instance compiles the real one (:func:`_init`)
    and puts it on the class, so a class a run never instantiates costs no compilation
    (some 20 of the 55 in a ``diagnose`` of a working local server)."""

    def __init__(self: object, *args: object, **kwargs: object) -> None:
        init = _init(cls, members)
        cls.__init__ = init
        init(self, *args, **kwargs)

    return __init__


def _init(cls: type, members: tuple[Field[Any], ...]) -> Callable[..., None]:
    """``__init__`` as the dataclass writes it: one compiled function for the class."""
    scope: dict[str, object] = {"_set": _SET, "_MISSING": MISSING}
    params, body = ["self"], []
    for i, f in enumerate(members):
        if f.default is not MISSING:
            scope[f"_d{i}"] = f.default
            params.append(f"{f.name}=_d{i}")
            body.append(f"_set(self, {f.name!r}, {f.name})")
        elif f.default_factory is not MISSING:
            scope[f"_f{i}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(f"_set(self, {f.name!r}, _f{i}() if {f.name} is _MISSING else {f.name})")
        else:
            params.append(f.name)
            body.append(f"_set(self, {f.name!r}, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n " + "\n ".join(body or ["pass"])
    exec(source, scope)  # the class's own field names; defaults passed as objects
    init: Any = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init  # type: ignore[no-any-return]


def _values(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    return lambda obj: tuple([getattr(obj, name) for name in names])


def _repr(names: tuple[str, ...]) -> Callable[[object], str]:
    def __repr__(self: object) -> str:
        inner = ", ".join([f"{name}={getattr(self, name)!r}" for name in names])
        return f"{type(self).__qualname__}({inner})"

    return __repr__


def _eq(names: tuple[str, ...]) -> Callable[[object, object], bool]:
    values = _values(names)

    def __eq__(self: object, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return values(self) == values(other)

    return __eq__


def _hash(names: tuple[str, ...]) -> Callable[[object], int]:
    values = _values(names)
    return lambda self: hash(values(self))


def _setattr(cls: Any, names: tuple[str, ...]) -> Callable[[object, str, object], None]:
    def __setattr__(self: object, name: str, value: object) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _delattr(cls: Any, names: tuple[str, ...]) -> Callable[[object, str], None]:
    def __delattr__(self: object, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__


def _getstate(self: Any) -> list[object]:
    return [getattr(self, f.name) for f in fields(self)]


def _setstate(self: Any, state: list[object]) -> None:
    for f, value in zip(fields(self), state, strict=False):
        _SET(self, f.name, value)
