"""Keeping related questions apart (quizgen.study.spacing), on small made-up orders."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from quizgen.bank.model import Question, QuestionType, Source
from quizgen.study.spacing import MIN_DISTANCE, closest_distance, questions_related, space_apart


def _q(qid: str, *facts: str, related: tuple[str, ...] = ()) -> Question:
    return Question(
        qid, QuestionType.TRUE_FALSE, qid, "Why.", Source("s", facts), truth=True, related=related
    )


def test_shared_facts_and_author_marks_relate_questions_both_ways() -> None:
    a, b, c = _q("a", "f1"), _q("b", "f1", "f2"), _q("c", "f3", related=("a",))
    assert questions_related(a, b) and questions_related(b, a)
    assert questions_related(a, c) and questions_related(c, a)
    assert not questions_related(b, c) and not questions_related(a, a)


def test_related_questions_move_apart_and_the_rest_keeps_its_order() -> None:
    qs = [
        _q("a", "f1"),
        _q("b", "f1"),
        _q("c", "f2"),
        _q("d", "f3"),
        _q("e", "f4", related=("d",)),
        _q("f", "f5"),
    ]
    order = space_apart(qs, questions_related)
    assert closest_distance(order, questions_related) == MIN_DISTANCE
    assert [q.id for q in order][:1] == ["a"]  # as early as the rule lets each question be
    assert sorted(q.id for q in order) == [q.id for q in qs]


def test_never_adjacent_where_three_apart_is_impossible() -> None:
    qs = [_q(f"a{i}", "f1") for i in range(3)] + [_q(f"b{i}", "f2") for i in range(3)]
    order = space_apart(qs, questions_related)
    assert closest_distance(order, questions_related) == 2  # A B A B A B: the best there is


@given(st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=30))
def test_space_apart_is_a_permutation_and_never_worse(facts: list[int]) -> None:
    qs = [_q(f"q{i}", f"f{f}") for i, f in enumerate(facts)]
    order = space_apart(qs, questions_related)
    assert sorted(q.id for q in order) == sorted(q.id for q in qs)
    before = closest_distance(qs, questions_related)
    after = closest_distance(order, questions_related)
    assert before is None or (after is not None and after >= min(before, MIN_DISTANCE))
    # adjacency, where the facts allow avoiding it (no fact holds more than half the questions)
    most = max(facts.count(f) for f in set(facts))
    if most <= (len(facts) + 1) // 2:
        assert all(not questions_related(x, y) for x, y in pairwise(order))


def test_unrelated_questions_keep_their_order() -> None:
    qs = [_q(f"q{i}", f"f{i}") for i in range(10)]
    assert space_apart(qs, questions_related) == qs
    assert closest_distance(qs, questions_related) is None
