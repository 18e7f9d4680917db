"""`frozen`: `dataclasses.dataclass(frozen=True)` made with one small `exec` per class instead of six.

Python 3.11's dataclasses compile each generated method (`__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__`, `__delattr__`, and four more with `order=True`) from its own source
text with its own `exec`: about 30 ms for the model's dozen classes when quizgen starts, a large
share of a small command. This decorator lets `dataclass` read the fields (so `fields()`,
`replace()`, `asdict()` and the cache's columns work as before) without generating anything,
then compiles only `__init__` and makes the other methods, with the same behaviour, as closures. It knows only
what the model uses: no `__post_init__`, `InitVar`, `ClassVar` fields, `kw_only`, `init=False`
fields or inheritance between dataclasses (it refuses them).
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

_T = TypeVar("_T")
_FACTORY = object()  # an argument left out whose field has a default factory


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[_T] | None = None, *, order: bool = False, fill_dict: bool = False) -> Any:
    """`@dataclass(frozen=True)` (or `order=True` as well), for the model's plain classes.

    `fill_dict=True`: `__init__` writes the fields into the instance's `__dict__` instead of
    setting each with `object.__setattr__`, about three times faster for a class of many fields,
    for 64 bytes more an instance (the dict object; its values still in the class's shared key
    table). For Question: a big bank makes tens of thousands.
    """

    def wrap(cls: type[_T]) -> type[_T]:
        return _make(cls, order, fill_dict)

    return wrap if cls is None else wrap(cls)


def _make(cls: type[_T], order: bool, fill_dict: bool = False) -> type[_T]:
    if "__post_init__" in cls.__dict__ or any(dataclasses.is_dataclass(b) for b in cls.__mro__[1:]):
        raise TypeError(f"frozen() cannot make {cls.__name__}: use dataclasses.dataclass")
    for name in ("__setattr__", "__delattr__", "__eq__", "__hash__", "__init__", "__repr__"):
        if name in cls.__dict__ and not (name == "__hash__" and cls.__dict__[name] is None):
            raise TypeError(f"frozen() cannot make {cls.__name__}: it defines {name}")
    # A class without a docstring gets one from dataclass() through inspect.signature(cls), which
    # (no __init__ yet) parses object's text signature with tokenize: compiling tokenize's patterns
    # costs ~2 ms at the first such class of every run. Named here instead, after the fields.
    undocumented = not cls.__doc__
    if undocumented:
        cls.__doc__ = cls.__name__
    dataclasses.dataclass(cls, init=False, repr=False, eq=False)  # reads the fields, makes nothing
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if undocumented:
        cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in fields)})"
    every = list(cls.__dict__["__dataclass_fields__"].values())
    if len(every) != len(fields) or any(f.kw_only or not f.init for f in fields):
        raise TypeError(f"frozen() cannot make {cls.__name__}: a field it does not know")
    env: dict[str, Any] = {"_FACTORY": _FACTORY, "_set": object.__setattr__}
    params = []
    for f in fields:
        if f.default is not dataclasses.MISSING:
            env[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
        else:
            params.append(f.name)
    # each field set on its own, in order, as dataclasses do: the instance keeps its values in its
    # class's shared key table (a whole dict assigned to __dict__ would cost twice the memory)
    store = "_d[{!r}] = {}" if fill_dict else "_set(self, {!r}, {})"
    body = "\n    _d = self.__dict__" if fill_dict and fields else ""
    body += "".join(
        "\n    "
        + store.format(
            f.name,
            f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
            if f.default_factory is not dataclasses.MISSING
            else f.name,
        )
        for f in fields
    )
    exec(f"def __init__(self, {', '.join(params)}):{body or chr(10) + '    pass'}", env)
    methods: dict[str, Callable[..., Any]] = {"__init__": env["__init__"]}
    shown = [(f"{f.name}=", operator.attrgetter(f.name)) for f in fields if f.repr]
    compared = _row([f.name for f in fields if f.compare])
    hashed = _row([f.name for f in fields if (f.compare if f.hash is None else f.hash)])
    names = frozenset(f.name for f in fields)
    Frozen = dataclasses.FrozenInstanceError

    def __repr__(self: Any) -> str:
        return f"{self.__class__.__qualname__}({', '.join(k + repr(get(self)) for k, get in shown)})"

    def __eq__(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    def __setattr__(self: Any, name: str, value: object) -> None:
        if type(self) is cls or name in names:
            raise Frozen(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise Frozen(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    methods.update(
        __repr__=__repr__, __eq__=__eq__, __hash__=__hash__, __setattr__=__setattr__, __delattr__=__delattr__
    )
    if order:
        for name, op in (
            ("__lt__", operator.lt),
            ("__le__", operator.le),
            ("__gt__", operator.gt),
            ("__ge__", operator.ge),
        ):
            methods[name] = _comparison(op, compared)
    for name, method in methods.items():
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        method.__name__ = name
        setattr(cls, name, method)
    params = cls.__dict__["__dataclass_params__"]  # what dataclass() was asked for: as the real one
    params.init = params.repr = params.eq = params.frozen = True
    params.order = order
    return cls


def _row(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of these attributes of an object (a tuple even for one, as dataclasses hash)."""
    if len(names) == 1:
        get = operator.attrgetter(names[0])
        return lambda obj: (get(obj),)
    if not names:
        return lambda obj: ()
    return operator.attrgetter(*names)


def _comparison(op: Callable[[Any, Any], Any], row: Callable[[Any], tuple[Any, ...]]) -> Callable[..., Any]:
    def compare(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return op(row(self), row(other))
        return NotImplemented

    return compare
