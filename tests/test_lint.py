"""Bank-level lints: each case bank breaks one rule and must print its exact warning."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BANKS, REPO

from quizgen.bank.lint import lint_bank
from quizgen.bank.loader import load_banks
from quizgen.bank.model import Bank, Question, QuestionType, Source
from quizgen.cli import main

LINTS = sorted(p for p in (BANKS / "lints").glob("*.yaml") if p.name != "bank.yaml")


def test_there_is_a_case_per_rule() -> None:
    assert {p.stem for p in LINTS} == {
        "true-false-balance",
        "kept-order-position",
        "absolute-statements-false",
        "hedged-statements-true",
    }


@pytest.mark.parametrize("case", LINTS, ids=lambda p: p.stem)
def test_bank_lint_prints_its_exact_warning(case: Path, in_repo: Path) -> None:
    rel = str(case.relative_to(REPO))
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    result = CliRunner().invoke(main, ["validate", rel])
    assert result.exit_code == 0
    assert result.output.splitlines()[:-1] == expected
    assert len(expected) == 1 and ": warning: " in expected[0]
    strict = CliRunner().invoke(main, ["validate", "--strict", rel])
    assert strict.exit_code == 1
    assert strict.output == result.output


def _tf(n_true: int, n_false: int, prompt: str = "A statement.") -> Bank:
    (bank,) = load_banks([BANKS / "lints" / "true-false-balance.yaml"])
    base = bank.questions[0]
    qs = [replace(base, id=f"t{i}", prompt=prompt, truth=True) for i in range(n_true)]
    qs += [replace(base, id=f"f{i}", prompt=prompt, truth=False) for i in range(n_false)]
    return replace(bank, questions=tuple(qs))


@pytest.mark.parametrize(
    ("n_true", "n_false", "warns"),
    [(7, 13, False), (13, 7, False), (6, 14, True), (14, 6, True), (7, 0, False), (8, 0, True)],
)
def test_true_false_balance_bounds(n_true: int, n_false: int, warns: bool) -> None:
    assert bool(lint_bank(_tf(n_true, n_false))) is warns


def test_wording_needs_three_of_a_kind_and_one_exception_clears_it() -> None:
    assert not lint_bank(_tf(0, 2, "It is always so."))
    assert lint_bank(_tf(0, 3, "It is always so."))
    assert not lint_bank(_tf(1, 3, "It is always so."))
    assert not lint_bank(_tf(3, 1, "It may be so."))
    assert not lint_bank(_tf(3, 0, "It can't be so."))  # "can't" is not hedged


def test_kept_order_counts_only_questions_that_keep_their_order() -> None:
    (bank,) = load_banks([BANKS / "lints" / "kept-order-position.yaml"])
    spread = replace(bank.questions[0], correct=(0,))  # A, B, C: a third each
    questions = (spread, *bank.questions[1:])
    assert not lint_bank(replace(bank, questions=questions))
    unkept = tuple(replace(q, keep_order=False) for q in bank.questions)
    assert not lint_bank(replace(bank, questions=unkept))


def test_lint_names_every_question_involved() -> None:
    q = Question("x", QuestionType.TRUE_FALSE, "Only this.", "Why.", Source("s1", ("f1",)), truth=False)
    (bank,) = load_banks([BANKS / "lints" / "true-false-balance.yaml"])
    many = tuple(replace(q, id=f"abs-{i}") for i in range(4))
    (problem,) = lint_bank(replace(bank, questions=many))
    assert problem.message.endswith("(abs-0, abs-1, abs-2, abs-3)")
