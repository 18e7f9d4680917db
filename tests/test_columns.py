"""The cache's entry format (quizgen.bank.columns): a report comes back with every field, of the
same types, whatever its values are."""

from __future__ import annotations

import copy
import dataclasses
import marshal
import pickle
from pathlib import Path
from typing import Any

import pytest
from conftest import BANKS, EXAMPLE, REPO
from test_cache import everything

from quizgen.bank import columns, frozen, loader
from quizgen.bank.model import Location, Question, QuestionType, Source
from quizgen.errors import Problem, Report


def round_trip(report: Report) -> Report:
    return columns.unpack(marshal.loads(marshal.dumps(columns.pack(report))))


@pytest.mark.parametrize(
    "paths",
    [[REPO / "questions"], [BANKS / "valid"], [BANKS / "warnings"], [BANKS / "invalid"], [EXAMPLE]],
    ids=["shipped", "valid", "warnings", "invalid", "example"],
)
def test_a_report_comes_back_whole(paths: list[Path]) -> None:
    report = loader.check_banks(paths)
    back = round_trip(report)
    assert back == report and everything(back) == everything(report)


def _question(i: int, **changes: Any) -> Question:
    q = Question(
        f"q{i}",
        QuestionType.MULTIPLE_CHOICE,
        "Which?",
        "Because.",
        Source("s1", ("f1",)),
        options=("a", "b"),
        correct=(1,),
        location=Location("bank.yaml", i, 3),
    )
    return dataclasses.replace(q, **changes)


def test_values_that_look_alike_stay_apart() -> None:
    """Equal questions in other places, empty and missing text, the separator, big numbers."""
    questions = [_question(i) for i in range(6)]  # equal but for their (uncompared) locations
    questions += [
        _question(8, prompt="", hint=""),
        _question(9, prompt="has \0 inside", tags=("a\0b", "")),
        _question(10, truth=None, back=None, related=("q1", "q2")),
        _question(11, location=Location("other.yaml", 2**40, 0)),
    ]
    bank = dataclasses.replace(loader.check_banks([EXAMPLE]).banks[0], questions=tuple(questions))
    report = Report([bank, bank], [Problem(Location("x.yaml", 1, 1), "m", "note")], 3)
    back = round_trip(report)
    assert everything(back) == everything(report)
    assert [q.location.line for q in back.banks[0].questions][:6] == list(range(6))


def test_a_column_of_mixed_kinds_is_refused() -> None:
    """1 and True are equal, so a column holding both is not told apart by value: refused."""
    questions = (_question(1), _question(2, correct=(True,)))
    bank = dataclasses.replace(loader.check_banks([EXAMPLE]).banks[0], questions=questions)
    with pytest.raises(columns.Unpackable):
        columns.pack(Report([bank], [], 1))


def test_a_value_of_another_kind_is_refused() -> None:
    bank = loader.check_banks([EXAMPLE]).banks[0]
    odd = dataclasses.replace(bank, meeting_quiz_count=1.5)  # type: ignore[arg-type]
    with pytest.raises(columns.Unpackable):
        columns.pack(Report([odd], [], 1))


def test_a_damaged_column_is_an_error() -> None:
    packed = columns.pack(loader.check_banks([EXAMPLE]))
    with pytest.raises(Exception):  # noqa: B017 - any error: the entry is then ignored
        columns.unpack(("D", "Report", ("banks",), (("0",),)))
    with pytest.raises(Exception):  # noqa: B017
        columns.unpack((*packed[:3], (("i", b"\0\0"), *packed[3][1:])))


def test_every_way_a_question_is_made_keeps_its_fields_in_order() -> None:
    """The columns read a question's fields from its `__dict__` in order (`_field_columns`): every
    way one is made stores exactly its fields, in field order, and none can be changed after."""
    fields = columns._FIELDS["Question"]
    made = list(loader.check_banks([BANKS / "valid", BANKS / "warnings", BANKS / "invalid"]).banks)
    questions = [q for bank in made for q in bank.questions]
    assert len(questions) > 20
    q = _question(1, hint="h", tags=("t",))
    questions += [
        q,
        dataclasses.replace(q, prompt="other"),
        copy.copy(q),
        copy.deepcopy(q),
        pickle.loads(pickle.dumps(q)),
        *round_trip(Report([dataclasses.replace(made[0], questions=(q,))], [], 1)).banks[0].questions,
    ]
    assert all(tuple(vars(x)) == fields for x in questions)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del q.hint


@pytest.mark.parametrize("odd", [0, 3], ids=["first in another order", "one with a key more"])
def test_questions_whose_dict_is_not_their_fields_in_order_are_read_by_name(odd: int) -> None:
    bank = loader.check_banks([EXAMPLE]).banks[0]
    questions = [_question(i, hint=f"h{i}") for i in range(6)]
    d = vars(questions[odd])
    changed = dict(reversed(d.items())) if odd == 0 else {"id": d["id"], "extra": 1, **d}
    object.__setattr__(questions[odd], "__dict__", changed)
    report = Report([dataclasses.replace(bank, questions=tuple(questions))], [], 1)
    back = round_trip(report)
    assert everything(back) == everything(report)
    assert [q.hint for q in back.banks[0].questions] == [f"h{i}" for i in range(6)]


def test_every_class_the_columns_know_is_made_by_frozen() -> None:
    """Decoding calls each class's `__init__` with its fields (`_objects`): `frozen`'s only stores
    them (no __post_init__, nothing checked or changed)."""
    for cls in columns._DATACLASSES.values():
        assert cls.__init__.__globals__.get("_FACTORY") is frozen._FACTORY, cls  # type: ignore[misc]
