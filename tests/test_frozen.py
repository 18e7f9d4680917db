"""`quizgen.bank.frozen.frozen` makes classes that behave as `dataclass(frozen=True)` makes them.

Each class of the model and the errors is compared with a twin made by `dataclasses.dataclass`
from the same fields, over every value of real banks and reports: construction (positional,
keywords, defaults, default factories), repr, equality, hash, order, the errors on assigning or
deleting, `fields`, `replace`, `asdict`, pickling and copying.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BANKS, REPO

from quizgen import errors
from quizgen.bank import bankformat, evidence, loader, model, quotes, translation
from quizgen.bank.frozen import frozen
from quizgen.outputs import anki, build, timestamps
from quizgen.study import selection

sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
import synth

CLASSES = [
    c
    for module in (
        model,
        errors,
        evidence,
        quotes,
        translation,
        bankformat,
        anki,
        build,
        timestamps,
        selection,
    )
    for c in vars(module).values()
    if isinstance(c, type)
    and c.__module__ == module.__name__
    and dataclasses.is_dataclass(c)
    and (module in (model, errors) or c.__dataclass_params__.frozen)  # type: ignore[attr-defined]
]


def _twin(cls: type) -> type:
    """The class `dataclasses.dataclass(frozen=True)` makes from the same fields."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    namespace: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
    annotations = {}
    for f in dataclasses.fields(cls):
        annotations[f.name] = f.type
        namespace[f.name] = dataclasses.field(
            default=f.default,
            default_factory=f.default_factory,
            repr=f.repr,
            hash=f.hash,
            compare=f.compare,
        )
    namespace["__annotations__"] = annotations
    return dataclasses.dataclass(frozen=True, order=params.order)(type(cls.__name__, (), namespace))


def _outcome(act: Any, *args: Any) -> tuple[Any, Any]:
    """What calling `act(*args)` gives: its value, or the type and text of what it raises."""
    try:
        return ("value", act(*args))
    except Exception as e:
        return (type(e), str(e))


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)


def _instances() -> dict[type, list[Any]]:
    found: dict[type, list[Any]] = {c: [] for c in CLASSES}
    reports = [
        loader.check_banks([REPO / "questions"]),
        loader.check_banks([BANKS / "valid" / "every-key"]),
        loader.check_banks([BANKS / "invalid"]),
        loader.check_banks([BANKS / "warnings"]),
        loader.check_banks([BANKS / "translations"]),
    ]
    # the key tables of the format (Key)
    for value in _walk(list(vars(bankformat).values())):
        if type(value) in found:
            found[type(value)].append(value)
    for value in _walk(reports):
        if type(value) in found:
            found[type(value)].append(value)
    for bank in reports[0].banks:
        for q in bank.questions:
            found[model.ClozeDeletion].extend(q.deletions)
    return found


INSTANCES = _instances()


def test_every_class_is_made_by_frozen_and_seen_in_real_banks() -> None:
    assert {c.__name__ for c in CLASSES} >= {
        "Question",
        "Bank",
        "Location",
        "Problem",
        "Report",
        "Translation",
    }
    for cls in CLASSES:
        assert cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]
        if cls.__module__ in (model.__name__, errors.__name__):
            assert INSTANCES[cls], f"no {cls.__name__} in the banks read"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_a_class_behaves_as_its_dataclass_twin(cls: type) -> None:
    twin = _twin(cls)
    assert [
        (f.name, f.default, f.default_factory, f.compare, f.hash, f.repr) for f in dataclasses.fields(cls)
    ] == [(f.name, f.default, f.default_factory, f.compare, f.hash, f.repr) for f in dataclasses.fields(twin)]
    assert cls.__match_args__ == twin.__match_args__  # type: ignore[attr-defined]
    names = [f.name for f in dataclasses.fields(cls)]
    pairs = []
    for value in INSTANCES[cls][:200]:
        state = {n: getattr(value, n) for n in names}
        ours, theirs = cls(**state), twin(**state)
        positional = cls(*state.values())
        assert list(vars(ours).items()) == list(vars(theirs).items()) == list(vars(positional).items())
        assert repr(ours) == repr(theirs)
        assert ours == value == positional
        assert _outcome(hash, ours) == _outcome(hash, theirs) == _outcome(hash, value)
        assert (ours == 1) == (theirs == 1) and ours != state
        assert dataclasses.replace(ours, **state) == ours
        assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
        assert pickle.loads(pickle.dumps(ours)) == ours
        assert copy.deepcopy(ours) == ours and copy.copy(ours) == ours
        for name in [*names[:2], "not_a_field"]:
            assert _outcome(setattr, ours, name, 1) == _outcome(setattr, theirs, name, 1)
            assert _outcome(delattr, ours, name) == _outcome(delattr, theirs, name)
            assert _outcome(setattr, ours, name, 1)[0] is dataclasses.FrozenInstanceError
        pairs.append((ours, theirs))
    for (a, ta), (b, tb) in itertools.islice(itertools.product(pairs, repeat=2), 2000):
        assert (a == b) == (ta == tb)
        if cls.__dataclass_params__.order:  # type: ignore[attr-defined]
            assert (a < b, a <= b, a > b, a >= b) == (ta < tb, ta <= tb, ta > tb, ta >= tb)
            assert sorted([b, a]) == [x for x in sorted([b, a])]
    required = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]
    if required and cls.__dataclass_params__.order is False:  # type: ignore[attr-defined]
        with pytest.raises(TypeError):
            cls()


def test_defaults_and_factories_are_as_dataclasses_give_them() -> None:
    a, b = model.Translation("m"), model.Translation("m")
    assert a.sites == {} and a.sites is not b.sites and a.reviewed_by is None
    assert model.Location("p") == model.Location("p", 0, 0) and str(model.Location("p")) == "p"
    assert model.Question.__init__.__qualname__ == "Question.__init__"
    with pytest.raises(TypeError):
        model.Location("p", 1, 2, 3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        model.Location("p", line=1, bogus=2)  # type: ignore[call-arg]


def test_frozen_refuses_what_it_does_not_know() -> None:
    class WithPostInit:
        x: int

        def __post_init__(self) -> None:
            pass

    class WithEq:
        x: int

        def __eq__(self, other: object) -> bool:
            return True

    for cls in (WithPostInit, WithEq):
        with pytest.raises(TypeError):
            frozen(cls)

    @frozen(order=True)
    class Point:
        x: int
        y: int = 0

    assert Point(1) < Point(1, 1) and Point(2) > Point(1, 5) and Point(1) == Point(1, 0)
    assert repr(Point(1)) == "test_frozen_refuses_what_it_does_not_know.<locals>.Point(x=1, y=0)"


def test_instances_keep_their_values_in_the_shared_key_table(tmp_path: Path) -> None:
    """As a dataclass's: a question's values in its class's shared key table, not a dict of its
    own (twice the memory: about 8 MB more at 20,000 questions). Checked in a fresh interpreter,
    on the questions and locations a bank's reading makes."""
    bank = synth.write_bank(tmp_path / "bank", 12, files=1)
    code = f"""
import sys
from quizgen.bank import loader
report = loader.check_banks([__import__("pathlib").Path({str(bank)!r})])
objects = [x for q in report.banks[0].questions for x in (q, q.source, q.location)]
assert objects
for x in objects:
    assert sys.getsizeof(vars(x)) < sys.getsizeof(dict(vars(x))), x
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_fill_dict_makes_the_same_instances() -> None:
    """`fill_dict=True` (Question's): the same values, in the same order, defaults and factories
    as the twin dataclass, frozen as it is, its values still in the class's shared key table."""

    def make(fill_dict: bool) -> Any:
        @frozen(fill_dict=fill_dict)
        class Item:
            name: str
            tags: tuple[str, ...] = ()
            seen: list[int] = dataclasses.field(default_factory=list)

        return Item

    filled, plain = make(True), make(False)
    twin = _twin(filled)
    cases: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        (("a",), {}),
        (("a", ("t",)), {}),
        (("a",), {"seen": [1]}),
        ((), {"name": "b"}),
    ]
    for args, kwargs in cases:
        a, b, t = filled(*args, **kwargs), plain(*args, **kwargs), twin(*args, **kwargs)
        assert list(vars(a).items()) == list(vars(b).items()) == list(vars(t).items())
        assert repr(a) == repr(b) == repr(t)
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.name = "c"
    assert filled("a").seen is not filled("a").seen
    made = [filled(str(i)) for i in range(3)]
    assert all(sys.getsizeof(vars(x)) < sys.getsizeof(dict(vars(x))) for x in made)
