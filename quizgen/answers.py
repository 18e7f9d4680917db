"""Reading typed answers: normalising text, lenient matching and parsing choices. No I/O."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from quizgen.model import OPTION_LETTERS, option_letter

_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")
_CHOICE_SPLIT = re.compile(r"[\s,;/]+")
_LETTERS = OPTION_LETTERS.lower()

TRUE_WORDS = frozenset({"true", "t", "yes", "y"})
FALSE_WORDS = frozenset({"false", "f", "no", "n"})


def normalise(text: str) -> str:
    """Casefold, drop accents, turn punctuation into spaces and collapse runs of spaces."""
    if text.isascii():  # nothing to decompose: the common case, and much faster
        bare = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NON_WORD.sub(" ", bare.casefold()).replace("_", " ")
    return " ".join(words.split())


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def typo_allowance(answer: str) -> int:
    """How many typos a near miss of `answer` (normalised) may have: none for short words."""
    letters = len(answer.replace(" ", ""))
    if letters <= 3:
        return 0
    if letters <= 7:
        return 1
    return 2


@dataclass(frozen=True)
class TextMatch:
    """A typed answer matched `accepted` (as in the bank); `exact` is False for a near miss."""

    accepted: str
    exact: bool


def match_text(typed: str, accepted: Sequence[str]) -> TextMatch | None:
    """Match a typed answer against the accepted ones: exact after normalising, else a near miss.

    A near miss must keep every number as written: "200 mg" is never a typo of "100 mg".
    """
    got = normalise(typed)
    if not got:
        return None
    for answer in accepted:
        if normalise(answer) == got:
            return TextMatch(answer, exact=True)
    best: tuple[int, str] | None = None
    for answer in accepted:
        want = normalise(answer)
        if _DIGITS.findall(want) != _DIGITS.findall(got):
            continue
        distance = edit_distance(got, want)
        if distance <= typo_allowance(want) and (best is None or distance < best[0]):
            best = (distance, answer)
    return TextMatch(best[1], exact=False) if best else None


def letter(index: int) -> str:
    """The letter typed or shown for option `index` in the terminal (0 -> a)."""
    return option_letter(index).lower()


def _token_index(token: str, count: int) -> int | None:
    """A single letter or a 1-based number naming one of `count` options."""
    if len(token) == 1 and token in _LETTERS[:count]:
        return _LETTERS.index(token)
    if token.isdigit() and 1 <= int(token) <= count:
        return int(token) - 1
    return None


@dataclass(frozen=True)
class Choice:
    """Options picked by a typed answer; `near` names options matched only as a near miss."""

    indices: tuple[int, ...]
    near: tuple[int, ...] = ()


def _option_by_text(typed: str, options: Sequence[str]) -> Choice | None:
    found = match_text(typed, options)
    if found is None:
        return None
    index = list(options).index(found.accepted)
    return Choice((index,), () if found.exact else (index,))


def parse_choice(typed: str, options: Sequence[str]) -> Choice | None:
    """One option, by letter (`b`), number (`2`) or its text; None when it names none."""
    token = typed.strip().casefold().rstrip(").")
    index = _token_index(token, len(options))
    if index is not None:
        return Choice((index,))
    return _option_by_text(typed, options)


def parse_choices(typed: str, options: Sequence[str]) -> Choice | None:
    """Several options: `a c`, `a,c`, `1 3`, or option texts separated by commas."""
    whole = _option_by_text(typed, options)
    if whole is not None:
        return whole
    tokens = [t.rstrip(").") for t in _CHOICE_SPLIT.split(typed.strip().casefold()) if t]
    indices = [_token_index(t, len(options)) for t in tokens]
    if tokens and all(i is not None for i in indices):
        return Choice(tuple(sorted({i for i in indices if i is not None})))
    if len(tokens) == 1 and all(c in _LETTERS[: len(options)] for c in tokens[0]):
        return Choice(tuple(sorted({_LETTERS.index(c) for c in tokens[0]})))  # "ac"
    picked: set[int] = set()
    near: set[int] = set()
    parts = [p for p in re.split(r"[,;]", typed) if p.strip()]
    for part in parts:
        one = parse_choice(part, options)
        if one is None:
            return None
        picked.update(one.indices)
        near.update(one.near)
    if not picked:
        return None
    return Choice(tuple(sorted(picked)), tuple(sorted(near)))


def parse_truth(typed: str) -> bool | None:
    """true/false, t/f, yes/no, y/n (any case); None for anything else."""
    word = normalise(typed)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
