"""The loader's plain path (`_plain_question`) reads exactly what the long way reads, or gives up.

A question read the plain way must be the one `_read_question` returns, with no problem found;
anything else must fall back to the long way, which reports as it always has. Each test reads
the same banks both ways and compares every problem (message, location, severity, order) and
every question (each field, its location, the order of its fields).
"""

from __future__ import annotations

import copy
import datetime
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BANKS, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank import loader
from quizgen.bank.model import Question, QuestionType

sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
import synth


def _both_ways(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    with monkeypatch.context() as m:
        m.setattr(loader, "PLAIN_PATH", True)
        plain = loader.check_banks(paths)
        m.setattr(loader, "PLAIN_PATH", False)
        long = loader.check_banks(paths)
    return plain, long


def _assert_same(plain: Any, long: Any) -> None:
    assert [str(p) for p in plain.problems] == [str(p) for p in long.problems]
    assert plain.problems == long.problems
    assert plain == long
    assert len(plain.banks) == len(long.banks)
    for a, b in zip(plain.banks, long.banks, strict=True):
        assert [list(vars(q).items()) for q in a.questions] == [list(vars(q).items()) for q in b.questions]
        assert [type(v) for q in a.questions for v in vars(q).values()] == [
            type(v) for q in b.questions for v in vars(q).values()
        ]


def _cases() -> Iterator[Path]:
    """Every bank and every case file the other loader tests read, and the shipped banks."""
    for folder in sorted(p for p in BANKS.iterdir() if p.is_dir()):
        yield folder
        for p in sorted(folder.iterdir()):
            if p.is_dir() or (p.suffix == ".yaml" and p.name != "bank.yaml"):
                yield p
    yield REPO / "questions"


@pytest.mark.parametrize("case", list(_cases()), ids=lambda p: str(p.relative_to(REPO)))
def test_every_test_bank_reads_the_same_both_ways(
    case: Path, in_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_same(*_both_ways([case], monkeypatch))


def test_the_plain_path_reads_every_question_of_plain_banks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All six types, every optional key it knows: read the plain way (none falls back)."""
    bank = synth.write_bank(tmp_path / "synthetic", 120, files=3)
    extra = yaml.safe_load((bank / "part-00.yaml").read_text())
    extra["questions"] = extra["questions"][:12]
    for i, q in enumerate(extra["questions"]):
        q["id"] = f"extra-{i}"
        q["hint"] = "A hint."
        q["related"] = ["syn-000001", "syn-000001", "syn-000002"]
        if q["type"] in ("multiple_choice", "multiple_select"):
            q["keep_order"] = i % 2 == 0
    (bank / "part-09.yaml").write_text(yaml.safe_dump(extra, sort_keys=False))
    calls = {"plain": 0, "long": 0}
    plain_question, read_question = loader._plain_question, loader._read_question

    def counted_plain(*args: Any) -> Question | None:
        q = plain_question(*args)
        calls["plain"] += q is not None
        return q

    def counted_long(*args: Any) -> Question | None:
        calls["long"] += 1
        return read_question(*args)

    monkeypatch.setattr(loader, "_plain_question", counted_plain)
    monkeypatch.setattr(loader, "_read_question", counted_long)
    report = loader.check_banks([bank])
    assert [p.message for p in report.problems if "true/false answers" not in p.message] == []  # a lint
    assert calls == {"plain": 132, "long": 0}
    monkeypatch.undo()
    _assert_same(*_both_ways([bank], monkeypatch))


# --------------------------------------------------------------------------- mutations

_META = {
    "bank": {
        "id": "mutations",
        "title": "Mutations",
        "deck": "Mutations",
        "credit": "Tests.",
        "disclaimer": "Educational material, not medical advice.",
        "article": {
            "title": "Article",
            "sections": [{"id": "s0", "title": "S0"}, {"id": "s1", "title": "S1"}],
        },
        "references": [{"id": "ref", "title": "Ref", "publisher": "Pub", "url": "https://example.org/r"}],
        "facts": [
            {"id": "f0", "section": "s0", "text": "Fact zero."},
            {"id": "f1", "section": "s1", "text": "Fact one."},
            {"id": "f2", "section": "s0", "text": "Fact two.", "omitted": "Not taught."},
            {"id": "f3", "reference": "ref", "text": "Fact three."},
        ],
    }
}


def _base(i: int) -> dict[str, Any]:
    q = synth.question(i)
    q["source"] = {"section": "s0", "facts": ["f0"]}
    return q


_TEXTS = [
    "",
    "   ",
    " padded ",
    "Plain text.",
    "s0",
    "s1",
    "s9",
    "f0",
    "f1",
    "f2",
    "f3",
    "f9",
    "syn-000000",
    "syn-000001",
    "bad id!",
    "UPPER",
    "easy",
    "hard",
    "extreme",
    "flashcard",
    "cloze",
    "multiple_choice",
    "no_such_type",
    "All of the above",
    "Which is NOT right?",
    "Which is not right?",
    "Option 0 about kidney",
    "Option 1 about filter",
    "A much much much longer option than all of the others put together, really",
    "{{c1::x}}",
    "{{c0::x}}",
    "{{c1::}}",
    "{{c1::x}",
    "Café, naïve résumé",
    "zero\u200bwidth",
    "bell\x07",
    "x" * 201,  # too long: the tests that use it lower the limit to 200
    "word " * (loader.QUOTE_MAX_WORDS + 1),
]
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class Plain(str):
    """Text written as a plain scalar, which YAML reads as it resolves it (Yes: true, ~: null)."""


_DUMPER.add_representer(
    Plain, lambda d, v: d.represent_scalar(d.resolve(yaml.ScalarNode, str(v), (True, False)), str(v))
)
_PLAIN_SCALARS = [
    Plain(v)
    for v in (
        "Yes",
        "NO",
        "on",
        "Off",
        "TRUE",
        "~",
        "0x1F",
        "1_000",
        "12:30",
        ".inf",
        "2026-11-26",
        "=",
        "<<",
    )
]
_KEYS = sorted(loader.ALL_QUESTION_KEYS | {"bogus", "Type"})


_LIST_VALUES: list[Any] = [
    [],
    ["f0"],
    ["f2"],
    ["f0", "f2"],
    ["f1"],
    ["f3"],
    ["f9"],
    ["a", "a"],
    ["syn-000001", "syn-000002", "syn-000001"],
    ["Option 0 about kidney", "Option 0 about kidney"],
    ["word " * (loader.QUOTE_MAX_WORDS + 1)],
    [None],
    [["nested"]],
]
_VALUES_LIST: list[Any] = [
    *_TEXTS,
    None,
    True,
    False,
    0,
    1,
    2,
    1.5,
    datetime.date(2026, 11, 26),
    *_LIST_VALUES,
    {},
    {"section": "s0", "facts": ["f0"]},
    {"section": "s1", "facts": ["f0"]},
    {"section": "s0", "facts": ["f0"], "x": 1},
    {"section": "s9", "facts": ["f3"]},  # a fact from a reference, in a section that is not one
    {"section": "s1", "facts": ["f3"]},
    *_PLAIN_SCALARS,
]


def _single_mutations() -> Iterator[dict[str, Any]]:
    """Each of the six plain questions with one thing changed: each of its type's keys set to
    every value or removed (a key of another type, one value), the source's keys likewise, and an
    item of each list replaced or repeated."""
    for i in range(6):
        base = _base(i)
        yield base
        prompt = next(base[k] for k in ("prompt", "text", "front") if k in base)
        for explanation in (prompt, prompt.upper(), f"{prompt} Indeed."):  # says nothing new
            yield {**_base(i), "explanation": explanation}
        allowed = loader._PLAIN_KEYS[QuestionType(base["type"])][0]
        for key in [*_KEYS, *base]:
            q = _base(i)
            if key in q:
                del q[key]
                yield q
            for value in _VALUES_LIST if key in allowed else ["x"]:
                q = _base(i)
                q[key] = copy.deepcopy(value)
                yield q
        for key in ("section", "facts", "x"):
            q = _base(i)
            del q["source"][key if key != "x" else "facts"]
            yield q
            for value in _VALUES_LIST:
                q = _base(i)
                q["source"][key] = copy.deepcopy(value)
                yield q
        for key, items in [*base.items(), ("facts", ["f0"])]:
            if not isinstance(items, list):
                continue
            for index, values in ((0, _VALUES_LIST), (-1, _TEXTS), (None, [None])):
                for value in values:
                    q = _base(i)
                    target = q["source"]["facts"] if key == "facts" else q[key]
                    if index is None:
                        target.append(target[0])
                    else:
                        target[index] = copy.deepcopy(value)
                    yield q


def _read_both_ways(questions: list[dict[str, Any]], duplicate: int = -1) -> int:
    """Read each question the plain way and the long way; the plain way reports nothing and gives
    up or returns what the long way returns, having found no problem. How many it read."""
    meta_problems: list[Any] = []
    meta_ctx = loader._Ctx("bank.yaml", meta_problems)
    meta = loader._read_meta(loader.pyyaml_compose(yaml.safe_dump(_META["bank"])), meta_ctx)
    assert meta_problems == []
    lines = yaml.dump({"questions": questions}, Dumper=_DUMPER, sort_keys=False, width=1000).splitlines()
    if 0 <= duplicate < len(lines):  # a repeated line: a repeated key, or a YAML error
        lines.insert(duplicate, lines[duplicate])
    try:
        root = loader.pyyaml_compose("\n".join(lines))
    except yaml.YAMLError:
        return 0
    read = 0
    for node in root.value[0][1].value:
        quiet: list[Any] = []
        plain = loader._plain_question(node, loader._Ctx("q.yaml", quiet), meta)
        assert quiet == []
        problems: list[Any] = []
        long = loader._read_question(node, loader._Ctx("q.yaml", problems), meta)
        if plain is not None:
            read += 1
            assert problems == []
            assert long is not None
            assert list(vars(plain).items()) == list(vars(long).items())
            assert [type(v) for v in vars(plain).values()] == [type(v) for v in vars(long).values()]
    return read


def test_every_single_change_to_a_question_reads_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_TEXT_CHARS", 200)
    questions = list(_single_mutations())
    assert len(questions) > 5000
    read = _read_both_ways(questions)
    assert 500 < read < len(questions) - 3000  # both ways are tried, often


@st.composite
def mutated_question(draw: st.DrawFn) -> dict[str, Any]:
    q = _base(draw(st.integers(0, 5)))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "set", "source", "list-item"]))
        if op == "delete" and q:
            del q[draw(st.sampled_from(sorted(q)))]
        elif op == "set":
            q[draw(st.sampled_from(_KEYS))] = copy.deepcopy(draw(st.sampled_from(_VALUES_LIST)))
        elif op == "source" and isinstance(q.get("source"), dict):
            q["source"][draw(st.sampled_from(["section", "facts", "x"]))] = copy.deepcopy(
                draw(st.sampled_from(_VALUES_LIST))
            )
        else:  # an item of one of the question's lists
            lists = sorted(k for k, v in q.items() if isinstance(v, list) and v)
            if lists:
                key = draw(st.sampled_from(lists))
                q[key][draw(st.integers(0, len(q[key]) - 1))] = copy.deepcopy(
                    draw(st.sampled_from(_VALUES_LIST))
                )
    return q


@settings(max_examples=300, deadline=None)
@given(questions=st.lists(mutated_question(), min_size=1, max_size=4), duplicate=st.integers(-1, 60))
def test_questions_with_several_changes_read_the_same_both_ways(
    questions: list[dict[str, Any]], duplicate: int
) -> None:
    loader.MAX_TEXT_CHARS, limit = 200, loader.MAX_TEXT_CHARS
    try:
        _read_both_ways(questions, duplicate)
    finally:
        loader.MAX_TEXT_CHARS = limit


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(questions=st.lists(mutated_question(), min_size=1, max_size=3), duplicate=st.integers(-1, 40))
def test_banks_of_changed_questions_read_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, questions: list[dict[str, Any]], duplicate: int
) -> None:
    monkeypatch.setattr(loader, "MAX_TEXT_CHARS", 200)
    folder = tmp_path / "bank"
    folder.mkdir(exist_ok=True)
    (folder / "bank.yaml").write_text(yaml.safe_dump(_META, sort_keys=False))
    good = [_base(i) for i in range(6, 12)]  # plain questions around the changed ones
    text = yaml.dump(
        {"questions": [good[0], *questions, *good[1:]]}, Dumper=_DUMPER, sort_keys=False, width=1000
    )
    lines = text.splitlines()
    if 0 <= duplicate < len(lines):
        lines.insert(duplicate, lines[duplicate])
    (folder / "q.yaml").write_text("\n".join(lines) + "\n")
    _assert_same(*_both_ways([folder], monkeypatch))


def test_a_question_with_too_many_options_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain way gives up before reading more options than a question may have: the long way
    reads them (quadratic in their number) and reports it, once."""
    q = _base(0)
    q["options"] = [f"Option {k}" for k in range(loader.MAX_OPTIONS + 1)]
    q["answer"] = "Option 0"
    calls = []
    read_options = loader._read_options

    def counted(*args: Any) -> bool:
        calls.append(1)
        return read_options(*args)

    monkeypatch.setattr(loader, "_read_options", counted)
    assert _read_both_ways([q]) == 0
    assert len(calls) == 1  # by _read_question only
    monkeypatch.undo()
    q["options"] = q["options"][: loader.MAX_OPTIONS]
    assert _read_both_ways([q]) == 1
