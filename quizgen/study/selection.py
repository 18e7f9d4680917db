"""Choosing and ordering questions (shared by the printed quiz and the terminal quiz)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import replace

from quizgen.bank.frozen import frozen
from quizgen.bank.model import Bank, Question, QuestionType
from quizgen.errors import UsageError
from quizgen.study.spacing import closest_distance, related_in, space_apart


@frozen
class Selection:
    """Which questions to use; empty filters match everything."""

    count: int | None = None
    tags: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    types: tuple[QuestionType, ...] = ()
    seed: int | str | None = None
    shuffle: bool = True


@frozen
class Picked:
    """A question chosen for a quiz, with the bank it came from."""

    bank: Bank
    question: Question


def _section_matches(bank: Bank, section_id: str, wanted: Iterable[str]) -> bool:
    title = bank.section_title(section_id).casefold()
    return any(w.casefold() in (section_id.casefold(), title) for w in wanted)


def check_sections(banks: Sequence[Bank], wanted: Iterable[str]) -> None:
    """Raise UsageError naming the valid section ids when a wanted section is in no bank."""
    known = [(s.id, s.title) for bank in banks for s in bank.article.sections]
    names = {name.casefold(): sid for sid, title in known for name in (sid, title)}
    for w in wanted:
        if w.casefold() in names:
            continue
        import difflib

        close = difflib.get_close_matches(w.casefold(), list(names), n=1, cutoff=0.5)
        guess = f" (did you mean '{names[close[0]]}'?)" if close else ""
        listed = ", ".join(f"{sid} ({title})" for sid, title in dict.fromkeys(known))
        raise UsageError(f"no section '{w}' in these banks{guess}. The sections are: {listed}")


def select_questions(banks: Sequence[Bank], selection: Selection) -> list[Picked]:
    """Filter, shuffle (by seed) and cut to count. Raises UsageError when nothing matches."""
    check_sections(banks, selection.sections)
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


def option_order(
    seed: int | str | None, bank_id: str, question_id: str, count: int, *, keep_order: bool = False
) -> tuple[int, ...]:
    """The order in which to show a question's `count` options: indices into its written options.

    The one option order of every output (the Anki deck, every PDF, the HTML handout, print forms,
    the terminal quiz and review; the web page receives it in its data). It depends only on its
    arguments, never on which other questions were chosen. With no seed it is the build's own
    order, shuffled from the bank id and the question id alone, so one answer key serves every
    output; a seed (a form, a seeded terminal quiz) gives another. `keep_order` (the question's
    `keep_order: true`) keeps the written order whatever the seed.
    """
    written = tuple(range(count))
    if keep_order:
        return written
    key = f"{bank_id}\x00{question_id}" if seed is None else f"{seed}\x00{bank_id}\x00{question_id}"
    digest = hashlib.sha256(key.encode()).digest()
    order = list(written)
    random.Random(int.from_bytes(digest, "big")).shuffle(order)
    return tuple(order)


def with_option_order(question: Question, order: Sequence[int]) -> Question:
    """The same question with its options shown in `order` (correct indices follow them)."""
    if not question.options:
        return question
    options = tuple(question.options[i] for i in order)
    correct = tuple(sorted(list(order).index(i) for i in question.correct))
    return replace(question, options=options, correct=correct)


def in_option_order(bank: Bank, question: Question, seed: int | str | None) -> Question:
    """A question of `bank` with its options in `option_order` for `seed`."""
    order = option_order(
        seed, bank.family_id, question.id, len(question.options), keep_order=question.keep_order
    )
    return with_option_order(question, order)


def ordered_options(picked: Picked, seed: int | str | None) -> Picked:
    """A chosen question with its options in `option_order` for `seed`."""
    return Picked(picked.bank, in_option_order(picked.bank, picked.question, seed))


def _picked_bank(p: Picked) -> Bank:
    return p.bank


def _picked_question(p: Picked) -> Question:
    return p.question


#: Two picked questions are related: same bank, and a shared fact or an author's `related` mark.
picked_related = related_in(_picked_bank, _picked_question)


def spaced(picked: Sequence[Picked]) -> list[Picked]:
    """The questions in nearly the same order, related ones kept apart (see quizgen.study.spacing)."""
    return space_apart(picked, picked_related)


def closest_related(picked: Sequence[Picked]) -> int | None:
    """Fewest positions between two related questions in this order (None: no two are related)."""
    return closest_distance(picked, picked_related)


def default_print_order(bank: Bank) -> list[Picked]:
    """The order of a bank's printed quiz without a seed: bank order, related questions apart."""
    return spaced([Picked(bank, q) for q in bank.questions])
