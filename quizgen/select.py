"""Choosing and ordering questions (shared by the printed quiz and the terminal quiz)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from quizgen.errors import UsageError
from quizgen.model import Bank, Question, QuestionType


@dataclass(frozen=True)
class Selection:
    """Which questions to use; empty filters match everything."""

    count: int | None = None
    tags: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    types: tuple[QuestionType, ...] = ()
    seed: int | str | None = None
    shuffle: bool = True


@dataclass(frozen=True)
class Picked:
    """A question chosen for a quiz, with the bank it came from."""

    bank: Bank
    question: Question


def _section_matches(bank: Bank, section_id: str, wanted: Iterable[str]) -> bool:
    title = bank.section_title(section_id).casefold()
    return any(w.casefold() in (section_id.casefold(), title) for w in wanted)


def select_questions(banks: Sequence[Bank], selection: Selection) -> list[Picked]:
    """Filter, shuffle (by seed) and cut to count. Raises UsageError when nothing matches."""
    picked = [
        Picked(bank, q)
        for bank in banks
        for q in bank.questions
        if (not selection.types or q.type in selection.types)
        and (not selection.tags or any(t in q.tags for t in selection.tags))
        and (not selection.sections or _section_matches(bank, q.source.section, selection.sections))
    ]
    if not picked:
        if selection.types or selection.tags or selection.sections:
            raise UsageError("no questions match the chosen --tag/--section/--type filters")
        raise UsageError("the banks hold no questions")
    if selection.shuffle:
        random.Random(str(selection.seed) if selection.seed is not None else None).shuffle(picked)
    if selection.count is not None:
        if selection.count < 1:
            raise UsageError("--count must be at least 1")
        picked = picked[: selection.count]
    return picked


def shuffle_options(question: Question, rng: random.Random) -> Question:
    """The same question with its options in a new order (correct indices follow them)."""
    if not question.options:
        return question
    order = list(range(len(question.options)))
    rng.shuffle(order)
    options = tuple(question.options[i] for i in order)
    correct = tuple(sorted(order.index(i) for i in question.correct))
    return replace(question, options=options, correct=correct)
