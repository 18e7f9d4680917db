"""Choosing questions, and the one option order shared by every output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from quizgen.bank.loader import load_banks
from quizgen.bank.model import QuestionType
from quizgen.outputs.printing import PrintOptions, pick_questions
from quizgen.study.quiz import prepare
from quizgen.study.selection import Picked, Selection, option_order, select_questions

# The English bank (its Spanish translation shares its question ids and has its own checks).
SHIPPED = [b for b in load_banks() if b.translates is None]
MC = (QuestionType.MULTIPLE_CHOICE,)


def test_without_a_seed_options_are_shuffled_from_bank_and_question() -> None:
    orders = {option_order(None, bank, q, 6) for bank in ("a", "b") for q in ("x", "y", "z")}
    assert all(sorted(o) == list(range(6)) for o in orders)
    assert len(orders) > 1
    assert option_order(None, "a", "x", 6) == option_order(None, "a", "x", 6)


def test_keep_order_keeps_the_written_order_whatever_the_seed() -> None:
    for seed in (None, "7", 8):
        assert option_order(seed, "bank", "q1", 5, keep_order=True) == (0, 1, 2, 3, 4)


def test_option_order_is_a_permutation_that_depends_on_seed_bank_and_question() -> None:
    orders = {option_order(seed, bank, q, 6) for seed in ("7", 8) for bank in ("a", "b") for q in ("x", "y")}
    assert all(sorted(o) == list(range(6)) for o in orders)
    assert len(orders) > 1
    assert option_order("7", "a", "x", 6) == option_order("7", "a", "x", 6)
    assert option_order(7, "a", "x", 6) == option_order("7", "a", "x", 6)


def _option_orders(picked: Sequence[Picked]) -> dict[str, tuple[str, ...]]:
    return {p.question.id: p.question.options for p in picked}


def test_terminal_order_does_not_depend_on_the_other_questions() -> None:
    everything = Selection(seed="7")
    alone = prepare(select_questions(SHIPPED, replace(everything, types=MC)), "7", True)
    among_all = _option_orders(prepare(select_questions(SHIPPED, everything), "7", True))
    assert len(alone) >= 10
    for p in alone:
        assert among_all[p.question.id] == p.question.options, p.question.id
    # the options really move, and the correct answer follows them
    original = {q.id: q for b in SHIPPED for q in b.questions}
    assert any(p.question.options != original[p.question.id].options for p in alone)
    for p in alone:
        assert p.question.correct_options == original[p.question.id].correct_options


@pytest.mark.parametrize("form", ["A", None])
def test_printed_order_does_not_depend_on_the_other_questions(form: str | None) -> None:
    alone = pick_questions(SHIPPED, PrintOptions(form=form, seed=7, selection=Selection(types=MC)))
    among_all = _option_orders(pick_questions(SHIPPED, PrintOptions(form=form, seed=7)))
    for p in alone:
        assert among_all[p.question.id] == p.question.options, p.question.id


def test_every_output_uses_the_one_order() -> None:
    bank = SHIPPED[0]
    q = next(q for q in bank.questions if q.type is QuestionType.MULTIPLE_CHOICE)
    order = option_order("7:form:A", bank.id, q.id, len(q.options))
    (printed,) = [
        p.question
        for p in pick_questions(SHIPPED, PrintOptions(form="A", seed=7))
        if p.question.id == q.id
    ]
    assert printed.options == tuple(q.options[i] for i in order)
    order = option_order("7", bank.id, q.id, len(q.options))
    asked_all = prepare(select_questions(SHIPPED, Selection(seed="7")), "7", True)
    (asked,) = [p.question for p in asked_all if p.question.id == q.id]
    assert asked.options == tuple(q.options[i] for i in order)
