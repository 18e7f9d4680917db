"""The one rulebook for answers: `grade(question, response)`, and the matching it is built from.

Thresholds and word lists live in `answer_rules.json` beside this module; the cases every
implementation of these rules must pass (this one and the web page's) are in
`tests/answer_cases.json`. No I/O beyond reading the packaged rules once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from quizgen.bank.model import OPTION_LETTERS, Bank, Question, QuestionType, cloze_blanked
from quizgen.i18n import SOURCE_LANGUAGE, base_language
from quizgen.study.words import NUMBER, numbers_are_options
from quizgen.study.words import normalise as normalise  # the answer rules offer it too

_DIGITS = re.compile(r"\d+")
_CHOICE_SPLIT = re.compile(r"[\s,;/]+")
_LETTERS = OPTION_LETTERS.lower()

# read beside this module (importlib.resources would add its imports to every quiz's start)
RULES: dict[str, Any] = json.loads(Path(__file__).with_name("answer_rules.json").read_text("utf-8"))
_TYPO_ALLOWANCE: list[tuple[int | None, int]] = [
    (row.get("max_letters"), row["typos"]) for row in RULES["typo_allowance"]
]
PLURAL_ENDINGS: tuple[str, ...] = tuple(RULES["plural_endings"])
_ENDINGS_LONGEST_FIRST = tuple(sorted(PLURAL_ENDINGS, key=len, reverse=True))
UNITS = frozenset(RULES["units"])


def language_rules(language: str = SOURCE_LANGUAGE) -> dict[str, Any]:
    """The rules of a language (BCP 47: `es-MX` uses `es`): its words for true and false and its
    general word list; a language the rules file does not list uses English."""
    by_language: dict[str, dict[str, Any]] = RULES["languages"]
    return by_language.get(base_language(language), by_language[SOURCE_LANGUAGE])


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
    for max_letters, typos in _TYPO_ALLOWANCE:
        if max_letters is None or letters <= max_letters:
            return typos
    return 0


@dataclass(frozen=True)
class TextMatch:
    """A typed answer matched `accepted` (as in the bank); `exact` is False for a near miss."""

    accepted: str
    exact: bool


@cache
def _word_list(name: str) -> tuple[dict[str, int], frozenset[str]]:
    """A general word list by its language (`word_list` of a language in the rules file), loaded
    on first use: its words as listed, and the normalised form of those with accents."""
    from spellchecker import SpellChecker

    listed: dict[str, int] = SpellChecker(language=name, distance=1).word_frequency.dictionary
    return listed, frozenset(normalise(w) for w in listed if not w.isascii())


def general_words(language: str = SOURCE_LANGUAGE) -> list[str]:
    """Every word of a language's general word list that a typed word can be: in its normalised
    form, one word (so not "adult's", which a typed answer never is once normalised)."""
    listed, accented = _word_list(language_rules(language)["word_list"])
    plain = {w for w in listed if w.isascii() and w.isalnum()}
    return sorted(plain | {w for w in accented if " " not in w})


def is_general_word(word: str, language: str = SOURCE_LANGUAGE) -> bool:
    """A word of the language's general word list (normalised form: "hipotension" is listed)."""
    if not word:
        return False
    listed, accented = _word_list(language_rules(language)["word_list"])
    return word in listed or word in accented


def words_of(*texts: str) -> frozenset[str]:
    """The normalised words of some texts: what a bank or an article counts as its own words."""
    return frozenset(w for t in texts for w in normalise(t).split())


def _singular(word: str) -> str:
    for ending in _ENDINGS_LONGEST_FIRST:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)]
    return word


def _same_word(a: str, b: str) -> bool:
    """The same word, give or take a plural ending ("cell" and "cells")."""
    return a == b or _singular(a) == b or a == _singular(b) or _singular(a) == _singular(b)


def _letters(words: Sequence[str]) -> list[str]:
    """The one-letter words (the T of "células T", the B of "hepatitis B"): names, like numbers."""
    return [w for w in words if len(w) == 1 and w.isalpha()]


def _units(words: Sequence[str]) -> list[str]:
    return [_singular(w) if w not in UNITS else w for w in words if w in UNITS or _singular(w) in UNITS]


def is_real_different_word(
    word: str, answer_words: Sequence[str], known_words: frozenset[str], language: str = SOURCE_LANGUAGE
) -> bool:
    """A typed word that means something else: a real word (of the bank, its article or the general
    word list of `language`) that is not one of the answer's own words."""
    if any(_same_word(word, w) for w in answer_words):
        return False
    return word in known_words or _singular(word) in known_words or is_general_word(word, language)


def _near_miss(got: str, want: str, known_words: frozenset[str], language: str) -> int | None:
    """The edit distance when `got` may stand for `want` as a typo, else None (both normalised)."""
    if _DIGITS.findall(want) != _DIGITS.findall(got):
        return None  # "200 mg" is never a typo of "100 mg"
    got_words, want_words = got.split(), want.split()
    if _units(got_words) != _units(want_words):
        return None  # nor "100 mcg" of "100 mg"
    if _letters(got_words) != _letters(want_words):
        return None  # nor "células B" or "células" of "células T" (a letter after its noun)
    tight_got, tight_want = got.replace(" ", ""), want.replace(" ", "")
    if tight_got[:1] != tight_want[:1]:
        return None  # "B cells" is not a typo of "T cells", nor "cyclosporin" of "voclosporin"
    distance = edit_distance(tight_got, tight_want)
    if distance > typo_allowance(want):
        return None
    if any(is_real_different_word(w, want_words, known_words, language) for w in got_words):
        return None  # "hypotension" is a word of its own, not a typo of "hypertension"
    return distance


def match_text(
    typed: str,
    accepted: Sequence[str],
    known_words: frozenset[str] = frozenset(),
    language: str = SOURCE_LANGUAGE,
) -> TextMatch | None:
    """Match a typed answer against the accepted ones: exact after normalising (spaces, hyphens,
    case and accents do not count), else a near miss.

    A near miss keeps the answer's first letter, its numbers, its one-letter words ("T" in
    "células T") and its units, is within the typo allowance, and types no word that is a real,
    different word: not a word of `known_words` (the bank's and its article's words) nor of the
    general word list, unless it is one of the answer's own words (give or take a plural ending).
    `language`: whose general word list.
    """
    got = normalise(typed)
    if not got:
        return None
    for answer in accepted:
        want = normalise(answer)
        if want == got or want.replace(" ", "") == got.replace(" ", ""):
            return TextMatch(answer, exact=True)
    best: tuple[int, str] | None = None
    for answer in accepted:
        distance = _near_miss(got, normalise(answer), known_words, language)
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, answer)
    return TextMatch(best[1], exact=False) if best else None


def _token_index(token: str, options: Sequence[str]) -> int | None:
    """A single letter naming one of the options, or a number: a 1-based position, or where the
    options are numbers (`numbers_are_options`) the option of that text."""
    count = len(options)
    if len(token) == 1 and token in _LETTERS[:count]:
        return _LETTERS.index(token)
    if not NUMBER.fullmatch(token):
        return None
    if numbers_are_options(options):
        texts = [normalise(option) for option in options]
        return texts.index(token) if token in texts else None
    return int(token) - 1 if 1 <= int(token) <= count else None


@dataclass(frozen=True)
class Choice:
    """Options picked by a typed answer; `near` names options matched only as a near miss."""

    indices: tuple[int, ...]
    near: tuple[int, ...] = ()


def _option_by_text(
    typed: str, options: Sequence[str], known_words: frozenset[str], language: str
) -> Choice | None:
    found = match_text(typed, options, known_words, language)
    if found is None:
        return None
    index = list(options).index(found.accepted)
    return Choice((index,), () if found.exact else (index,))


def parse_choice(
    typed: str,
    options: Sequence[str],
    known_words: frozenset[str] = frozenset(),
    language: str = SOURCE_LANGUAGE,
) -> Choice | None:
    """One option, by letter (`b`), number (`2`) or its text; None when it names none."""
    token = typed.strip().casefold().rstrip(").")
    index = _token_index(token, options)
    if index is not None:
        return Choice((index,))
    return _option_by_text(typed, options, known_words, language)


def parse_choices(
    typed: str,
    options: Sequence[str],
    known_words: frozenset[str] = frozenset(),
    language: str = SOURCE_LANGUAGE,
) -> Choice | None:
    """Several options: `a c`, `a,c`, `1 3`, or option texts separated by commas."""
    whole = _option_by_text(typed, options, known_words, language)
    if whole is not None:
        return whole
    tokens = [t.rstrip(").") for t in _CHOICE_SPLIT.split(typed.strip().casefold()) if t]
    indices = [_token_index(t, options) for t in tokens]
    if tokens and all(i is not None for i in indices):
        return Choice(tuple(sorted({i for i in indices if i is not None})))
    if len(tokens) == 1 and all(c in _LETTERS[: len(options)] for c in tokens[0]):
        return Choice(tuple(sorted({_LETTERS.index(c) for c in tokens[0]})))  # "ac"
    picked: set[int] = set()
    near: set[int] = set()
    parts = [p for p in re.split(r"[,;]", typed) if p.strip()]
    for part in parts:
        one = parse_choice(part, options, known_words, language)
        if one is None:
            return None
        picked.update(one.indices)
        near.update(one.near)
    if not picked:
        return None
    return Choice(tuple(sorted(picked)), tuple(sorted(near)))


def parse_truth(typed: str, language: str = SOURCE_LANGUAGE) -> bool | None:
    """The language's words for true and false, yes and no (English: true/false, t/f, yes/no, y/n;
    Spanish: verdadero/falso, v/f, sí/no, s/n), any case and accents; None for anything else."""
    word = normalise(typed)
    rules = language_rules(language)
    if word in rules["true_words"]:
        return True
    if word in rules["false_words"]:
        return False
    return None


# --------------------------------------------------------------------------- grading


class Verdict(StrEnum):
    """How an answer went: right (good), right but with a hint or a near miss (hard), wrong
    (again), or not understood (unclear: ask again)."""

    GOOD = "good"
    HARD = "hard"
    AGAIN = "again"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Response:
    """What a learner gave for one question.

    `typed` is the line typed: an option's letter, number or text (several for choose-all), true
    or false, a short answer, or for a flashcard whether they knew it (y/n). For a cloze it is one
    line per blank, in reading order. `hinted` is True when they asked for a hint.
    """

    typed: str | Sequence[str]
    hinted: bool = False
    #: words of the question's bank and article (see `words_of`): a typo never turns into one
    known_words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Result:
    """The verdict, and what the response was understood as.

    `chosen`: the options picked (choice questions). `spelled`: for a short answer the accepted
    answer matched, for a cloze each blank's answer when matched (None when wrong). `near`: some
    match was only a near miss.
    """

    verdict: Verdict
    chosen: tuple[int, ...] = ()
    spelled: tuple[str | None, ...] = ()
    near: bool = False

    @property
    def correct(self) -> bool:
        return self.verdict is Verdict.GOOD or self.verdict is Verdict.HARD

    @property
    def unclear(self) -> bool:
        """Not understood: the question is asked again."""
        return self.verdict is Verdict.UNCLEAR


def question_words(question: Question) -> frozenset[str]:
    """The words of one question's own text: its prompt, options, answers and explanation."""
    prompt = cloze_blanked(question.prompt, reveal=True)
    return words_of(prompt, question.explanation, *question.options, *question.accepted, question.back or "")


def bank_words(bank: Bank, article_text: str | None = None) -> frozenset[str]:
    """Every word of a bank (its questions, options, shown answers, facts and titles) and, where
    the article's text is at hand, of the article: a typo never turns into one of them."""
    texts = [bank.title, bank.article.title, *bank.summary, *(f.text for f in bank.facts)]
    texts += [s.title for s in bank.article.sections]
    for q in bank.questions:
        # of the accepted answers only the one shown: the others are often spellings the author
        # accepts ("tacrolimis"), which must stay typos wherever the answer is asked
        texts += [cloze_blanked(q.prompt, reveal=True), q.explanation, *q.options, *q.accepted[:1]]
        texts += [q.back or "", q.hint or ""]
    if article_text:
        texts.append(article_text)
    return words_of(*texts)


def _judged(right: bool, near: bool, hinted: bool, **found: Any) -> Result:
    if not right:
        return Result(Verdict.AGAIN, near=near, **found)
    return Result(Verdict.HARD if near or hinted else Verdict.GOOD, near=near, **found)


def _one_line(response: Response) -> str:
    if isinstance(response.typed, str):
        return response.typed
    raise ValueError("this question takes one typed line, not a list")


def grade(question: Question, response: Response, language: str = SOURCE_LANGUAGE) -> Result:
    """Judge a response to a question: every right option for "choose all", every blank for a
    cloze; a near miss or a hint makes a right answer "hard". `language` is the bank's: its words
    for true and false, and its general word list for near misses."""
    t = question.type
    if t is QuestionType.CLOZE:
        typed = [response.typed] if isinstance(response.typed, str) else list(response.typed)
        deletions = question.deletions
        if len(typed) != len(deletions):
            raise ValueError(f"a cloze with {len(deletions)} blanks needs {len(deletions)} answers")
        known = response.known_words | question_words(question)
        found = [
            match_text(line, [d.answer], known, language) for line, d in zip(typed, deletions, strict=True)
        ]
        return _judged(
            all(f is not None for f in found),
            any(f is not None and not f.exact for f in found),
            response.hinted,
            spelled=tuple(f.accepted if f else None for f in found),
        )
    line = _one_line(response)
    if t is QuestionType.MULTIPLE_CHOICE or t is QuestionType.MULTIPLE_SELECT:
        many = t is QuestionType.MULTIPLE_SELECT
        known = response.known_words | question_words(question)
        parse = parse_choices if many else parse_choice
        choice = parse(line, question.options, known, language)
        if choice is None:
            return Result(Verdict.UNCLEAR)
        right = set(choice.indices) == set(question.correct)
        return _judged(right, bool(choice.near), response.hinted, chosen=choice.indices)
    if t is QuestionType.SHORT_ANSWER:
        known = response.known_words | question_words(question)
        match = match_text(line, question.accepted, known, language)
        spelled = (match.accepted,) if match else (None,)
        return _judged(match is not None, bool(match and not match.exact), response.hinted, spelled=spelled)
    truth = parse_truth(line, language)
    if truth is None:
        return Result(Verdict.UNCLEAR)
    if t is QuestionType.TRUE_FALSE:
        return _judged(truth == question.truth, False, response.hinted)
    return _judged(truth, False, response.hinted)  # a flashcard: did they know it?
