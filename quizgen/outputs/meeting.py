"""The short quiz for one support-group meeting: a few questions, one per fact, from every section.

The choice is deterministic (the same bank gives the same quiz) and needs no seed, and it reads
nothing a translation changes (ids, kinds, facts, sections, the number of options; not the text), so
every edition of a bank has the same questions in the same order: one key serves a group that
reads both. No I/O.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from quizgen.bank.model import Bank, Question, QuestionType
from quizgen.study.selection import Picked, spaced

#: Questions in the meeting quiz when neither the command nor the bank says otherwise.
DEFAULT_MEETING_COUNT = 12

# Kinds that fit a short printed quiz, best first: a tick or a circled word is quick to answer and
# to discuss; flashcards ("explain in your own words") need room to write and come last.
_TYPE_RANK = {
    QuestionType.MULTIPLE_CHOICE: 0,
    QuestionType.TRUE_FALSE: 0,
    QuestionType.MULTIPLE_SELECT: 1,
    QuestionType.CLOZE: 1,
    QuestionType.SHORT_ANSWER: 1,
    QuestionType.FLASHCARD: 4,
}


def meeting_count(bank: Bank, requested: int | None = None) -> int:
    """How many questions: the command's choice, else the bank's `meeting_quiz_count`, else 12."""
    if requested is not None:
        return requested
    return bank.meeting_quiz_count or DEFAULT_MEETING_COUNT


def _size(q: Question) -> int:
    """A rough measure of the room a question takes on paper, the same in every language: its
    options (a line each; the length of its text would differ between a bank and its translation)."""
    return len(q.options)


def _preference(bank: Bank, q: Question, used: Counter[QuestionType]) -> tuple[int, int, str]:
    # a mix of kinds (each use of a kind counts against it), shorter questions first (two pages
    # must hold them), ties broken by a stable hash of the original bank's id and the question id
    # (the same for its translations), so that the quiz does not simply take each section's first
    # questions
    digest = hashlib.sha256(f"meeting\x00{bank.family_id}\x00{q.id}".encode()).hexdigest()
    return (used[q.type] + _TYPE_RANK[q.type], _size(q), digest)


def meeting_questions(bank: Bank, count: int) -> list[Picked]:
    """Up to `count` questions, at most one per fact (and none marked related to another), taken
    from the sections in turn; printed in article order with related questions kept apart."""
    left = {s.id: list(bank.questions_in(s.id)) for s in bank.article.sections}
    chosen: list[Question] = []
    facts: set[str] = set()
    used: Counter[QuestionType] = Counter()

    def fits(q: Question) -> bool:
        return facts.isdisjoint(q.source.facts) and not any(
            q.id in c.related or c.id in q.related for c in chosen
        )

    while len(chosen) < count:
        added = False
        for section in bank.article.sections:
            candidates = [q for q in left[section.id] if fits(q)]
            if not candidates or len(chosen) == count:
                continue
            best = min(candidates, key=lambda q: _preference(bank, q, used))
            left[section.id].remove(best)
            chosen.append(best)
            facts.update(best.source.facts)
            used[best.type] += 1
            added = True
        if not added:
            break
    in_bank_order = sorted(chosen, key=bank.questions.index)
    return spaced([Picked(bank, q) for q in in_bank_order])


def meeting_picks(banks: Sequence[Bank], count: int | None) -> list[Picked]:
    """The meeting quiz of each bank, one after the other."""
    return [p for bank in banks for p in meeting_questions(bank, meeting_count(bank, count))]
