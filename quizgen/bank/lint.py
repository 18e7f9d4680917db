"""Bank-level item-writing checks: patterns across questions that let a reader score without knowing.

Each check looks at the whole bank (one question alone cannot show a pattern) and names every
question involved. They are warnings; `quizgen validate --strict` makes them errors. No I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from quizgen.bank.model import Bank, Question, QuestionType, option_letter
from quizgen.errors import Problem

#: True/false balance: checked when a bank has at least this many true/false questions.
TRUE_FALSE_MIN = 8
TRUE_SHARE_LOW, TRUE_SHARE_HIGH = 0.35, 0.65

#: Questions that keep their written option order: checked when at least this many correct answers.
KEPT_ORDER_MIN = 3
POSITION_SHARE_MAX = 0.40

#: Absolute and hedged wording in true/false statements: checked per kind with at least this many.
WORDING_MIN = 3
ABSOLUTE_RE = re.compile(r"\b(always|never|only|every|everyone|everybody|everything)\b", re.IGNORECASE)
HEDGED_RE = re.compile(r"\b(may|might|can(?!['’]t)|could|some|sometimes)\b", re.IGNORECASE)


def _ids(questions: Sequence[Question]) -> str:
    return ", ".join(q.id for q in questions)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%"


def _true_false_balance(items: list[Question]) -> list[Problem]:
    if len(items) < TRUE_FALSE_MIN:
        return []
    trues = [q for q in items if q.truth]
    share = len(trues) / len(items)
    if TRUE_SHARE_LOW <= share <= TRUE_SHARE_HIGH:
        return []
    side, named = ("True", trues) if share > TRUE_SHARE_HIGH else ("False", [q for q in items if not q.truth])
    return [
        Problem(
            named[0].location,
            f"{len(named)} of {len(items)} true/false answers are {side} "
            f"({_percent(len(named), len(items))}): "
            f"keep between 35% and 65% True, so that always answering {side} does not pay "
            f"({side}: {_ids(named)})",
            "warning",
        )
    ]


def _kept_order_positions(bank: Bank) -> list[Problem]:
    kept = [
        q
        for q in bank.questions
        if q.keep_order and q.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_SELECT)
    ]
    positions = Counter(i for q in kept for i in q.correct)
    total = sum(positions.values())
    if total < KEPT_ORDER_MIN:
        return []
    position, count = min(positions.items(), key=lambda kv: (-kv[1], kv[0]))
    if count / total <= POSITION_SHARE_MAX:
        return []
    named = [q for q in kept if position in q.correct]
    letter = option_letter(position)
    return [
        Problem(
            named[0].location,
            f"option {letter} holds {count} of the {total} correct answers ({_percent(count, total)}) "
            f"in questions that keep their option order: more than 40% in one position gives it away; "
            f"reorder the options or drop keep_order ({letter}: {_ids(named)})",
            "warning",
        )
    ]


def _wording_cues(items: list[Question]) -> list[Problem]:
    absolute = [q for q in items if ABSOLUTE_RE.search(q.prompt)]
    hedged = [q for q in items if HEDGED_RE.search(q.prompt)]
    problems: list[Problem] = []
    if len(absolute) >= WORDING_MIN and not any(q.truth for q in absolute):
        problems.append(
            Problem(
                absolute[0].location,
                f"all {len(absolute)} true/false statements with absolute words (always, never, only, "
                f"every) are False: a reader who marks them False scores without knowing; make some "
                f"absolute statements true ({_ids(absolute)})",
                "warning",
            )
        )
    if len(hedged) >= WORDING_MIN and all(q.truth for q in hedged):
        problems.append(
            Problem(
                hedged[0].location,
                f"all {len(hedged)} true/false statements with hedged words (may, can, some) are True: "
                f"a reader who marks them True scores without knowing; make some hedged statements "
                f"false ({_ids(hedged)})",
                "warning",
            )
        )
    return problems


def lint_bank(bank: Bank) -> list[Problem]:
    """Every bank-level warning for one bank."""
    true_false = [q for q in bank.questions if q.type is QuestionType.TRUE_FALSE]
    return [*_true_false_balance(true_false), *_kept_order_positions(bank), *_wording_cues(true_false)]
