"""Keeping related questions apart: two questions on one fact answer each other when side by side.

Questions are related when they share a fact of the inventory or when the author marks them as
`related`. Every printed quiz, form and terminal session puts related questions at least
`MIN_DISTANCE` positions apart wherever the selection allows it, and never next to each other
where that can be avoided, while keeping as close to the order it was given as it can. No I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from quizgen.bank.model import Bank, Question

T = TypeVar("T")

#: Related questions sit at least this many positions apart (3: two other questions between them).
MIN_DISTANCE = 3

# How far ahead the greedy pass looks for a question that fits: bounds the cost on huge banks,
# where a fitting question is always near.
_LOOKAHEAD = 64
# Repairs of a finished order try every position only for orders up to this size.
_REPAIR_LIMIT = 150


def questions_related(a: Question, b: Question) -> bool:
    """Two questions of one bank share a fact, or either names the other as related."""
    if a.id == b.id:
        return False
    return not set(a.source.facts).isdisjoint(b.source.facts) or b.id in a.related or a.id in b.related


def related_in(bank_of: Callable[[T], Bank], question_of: Callable[[T], Question]) -> Callable[[T, T], bool]:
    """A relation over items that hold a bank and a question: related questions of the same bank."""

    def related(x: T, y: T) -> bool:
        return bank_of(x).id == bank_of(y).id and questions_related(question_of(x), question_of(y))

    return related


def closest_pair(items: Sequence[T], related: Callable[[T, T], bool]) -> tuple[int, T, T] | None:
    """The first two related items that sit closest, with their distance (1 = adjacent)."""
    best: tuple[int, T, T] | None = None
    for i, x in enumerate(items):
        limit = len(items) if best is None else min(len(items), i + best[0])
        for j in range(i + 1, limit):
            if related(x, items[j]):
                best = (j - i, x, items[j])
                break
    return best


def closest_distance(items: Sequence[T], related: Callable[[T, T], bool]) -> int | None:
    """The fewest positions between two related items (1 = adjacent); None when none are related."""
    pair = closest_pair(items, related)
    return None if pair is None else pair[0]


def _penalty(items: Sequence[T], related: Callable[[T, T], bool], gap: int) -> int:
    """How badly an order breaks the rule: adjacent pairs weigh far more than pairs too close."""
    total = 0
    for i, x in enumerate(items):
        for d in range(1, gap):
            if i + d < len(items) and related(x, items[i + d]):
                total += 1000 if d == 1 else gap - d
    return total


def _conflicts_at(items: Sequence[T], i: int, related: Callable[[T, T], bool], gap: int) -> bool:
    x = items[i]
    return any(0 <= i + d < len(items) and related(x, items[i + d]) for d in range(-(gap - 1), gap) if d != 0)


def space_apart(items: Sequence[T], related: Callable[[T, T], bool], gap: int = MIN_DISTANCE) -> list[T]:
    """The items reordered so related ones are at least `gap` apart where possible (never adjacent
    where avoidable), each item as early as the rule lets it be."""
    remaining = list(items)
    out: list[T] = []
    while remaining:
        chosen = 0
        for want in range(gap, 0, -1):  # relax from `gap` apart down to "anything goes"
            recent = out[len(out) - (want - 1) :] if want > 1 else []
            found = next(
                (
                    k
                    for k, cand in enumerate(remaining[:_LOOKAHEAD])
                    if not any(related(cand, r) for r in recent)
                ),
                None,
            )
            if found is not None:
                chosen = found
                break
        out.append(remaining.pop(chosen))
    if len(out) <= _REPAIR_LIMIT:
        out = _repair(out, related, gap)
    return out


def _repair(items: list[T], related: Callable[[T, T], bool], gap: int) -> list[T]:
    """Move items that are still too close to the first place where the whole order improves
    (the greedy pass cannot look ahead: "a b b" needs "b a b")."""
    score = _penalty(items, related, gap)
    improved = True
    while score and improved:
        improved = False
        for i in range(len(items)):
            if not _conflicts_at(items, i, related, gap):
                continue
            rest = items[:i] + items[i + 1 :]
            for pos in range(len(rest) + 1):
                trial = [*rest[:pos], items[i], *rest[pos:]]
                new_score = _penalty(trial, related, gap)
                if new_score < score:
                    items, score, improved = trial, new_score, True
                    break
            if improved:
                break
    return items
