"""The answer rules, run against the shared case file `tests/answer_cases.json`.

The same file specifies the web page's JavaScript port: add a case there, not here.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.bank.model import Question, QuestionType, Source
from quizgen.study.answers import (
    RULES,
    Response,
    Verdict,
    edit_distance,
    grade,
    is_general_word,
    normalise,
    parse_truth,
    typo_allowance,
    words_of,
)

CASES: dict[str, Any] = json.loads((Path(__file__).parent / "answer_cases.json").read_text("utf-8"))


def question_from_record(qid: str, record: dict[str, Any]) -> Question:
    """A Question from the export-shaped record of the case file."""
    qtype = QuestionType(record["type"])
    answer = record.get("answer")
    fields: dict[str, Any] = {}
    if qtype in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_SELECT):
        choices = record["choices"]
        right = [answer] if qtype is QuestionType.MULTIPLE_CHOICE else answer
        fields = {"options": tuple(choices), "correct": tuple(sorted(choices.index(a) for a in right))}
    elif qtype is QuestionType.TRUE_FALSE:
        fields = {"truth": answer}
    elif qtype is QuestionType.SHORT_ANSWER:
        fields = {"accepted": tuple(answer)}
    elif qtype is QuestionType.FLASHCARD:
        fields = {"back": answer}
    return Question(
        id=qid,
        type=qtype,
        prompt=record.get("prompt", "?"),
        explanation="",
        source=Source("s", ("f",)),
        **fields,
    )


QUESTIONS = {qid: question_from_record(qid, r) for qid, r in CASES["questions"].items()}
LANGUAGES = {qid: r.get("language", "en") for qid, r in CASES["questions"].items()}


def _case_id(case: dict[str, Any]) -> str:
    hinted = " hinted" if case.get("hinted") else ""
    return f"{case['question']}:{case['typed']!r}{hinted}"


@pytest.mark.parametrize("case", CASES["grade"], ids=_case_id)
def test_grade(case: dict[str, Any]) -> None:
    bank_words = words_of(*CASES["questions"][case["question"]].get("bank_words", []))
    response = Response(case["typed"], hinted=case.get("hinted", False), known_words=bank_words)
    result = grade(QUESTIONS[case["question"]], response, LANGUAGES[case["question"]])
    assert result.verdict == Verdict(case["verdict"])
    if "chosen" in case:
        assert list(result.chosen) == case["chosen"]
    if "spelled" in case:
        assert list(result.spelled) == case["spelled"]


@pytest.mark.parametrize("case", CASES["normalise"], ids=lambda c: repr(c["text"]))
def test_normalise(case: dict[str, str]) -> None:
    assert normalise(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", CASES["edit_distance"], ids=lambda c: f"{c['a']}-{c['b']}")
def test_edit_distance(case: dict[str, Any]) -> None:
    assert edit_distance(case["a"], case["b"]) == case["distance"]


def test_case_file_covers_every_type_and_verdict() -> None:
    used = {QUESTIONS[c["question"]].type for c in CASES["grade"]}
    assert used == set(QuestionType)
    assert {c["verdict"] for c in CASES["grade"]} == {v.value for v in Verdict}


def test_typo_allowance_comes_from_the_rules_file() -> None:
    assert [typo_allowance(w) for w in ("abc", "abcd", "abcdef", "abcdefgh")] == [0, 1, 2, 2]
    assert RULES["typo_allowance"][-1] == {"typos": 2}


@given(st.text(max_size=12), st.text(max_size=12))
def test_edit_distance_is_symmetric_and_bounded(a: str, b: str) -> None:
    d = edit_distance(a, b)
    assert d == edit_distance(b, a)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))
    assert (d == 0) == (a == b)


@given(st.text(max_size=6))
def test_grade_never_crashes_on_a_typed_choice(typed: str) -> None:
    q = QUESTIONS["mc"]
    assert grade(q, Response(typed)).verdict in set(Verdict)
    assert grade(QUESTIONS["ms"], Response(typed)).verdict in set(Verdict)


def test_the_word_list_knows_the_words_the_cases_rely_on() -> None:
    assert all(is_general_word(w) for w in CASES["word_list"]["general_words"])
    assert not any(is_general_word(w) for w in CASES["word_list"]["typos"])
    for language, words in CASES["word_list"]["by_language"].items():
        assert all(is_general_word(w, language) for w in words["general_words"]), language
        assert not any(is_general_word(w, language) for w in words["typos"]), language


def test_each_language_has_its_own_word_list() -> None:
    """A Spanish word refused as a typo in Spanish is unknown to the English list, and the reverse."""
    assert is_general_word("hipotension", "es") and not is_general_word("hipotension", "en")
    assert is_general_word("hypotension", "en") and not is_general_word("hypotension", "es")
    assert is_general_word("hipotension", "es-MX")  # a regional tag uses its language's list
    assert is_general_word("hypotension", "fr")  # a language without rules of its own uses English


def test_truth_words_per_language() -> None:
    assert [parse_truth(w, "es") for w in ("verdadero", "Sí", "si", "s", "v", "falso", "no", "n", "f")] == [
        True, True, True, True, True, False, False, False, False,
    ]  # fmt: skip
    assert [parse_truth(w, "es") for w in ("true", "yes", "y", "t")] == [None] * 4
    english = ("true", "yes", "y", "t", "false", "no", "n", "f")
    assert [parse_truth(w) for w in english] == [True] * 4 + [False] * 4
    assert [parse_truth(w) for w in ("verdadero", "sí", "s", "v")] == [None] * 4


def test_a_word_of_the_article_or_the_bank_is_never_a_typo() -> None:
    from conftest import EXAMPLE

    from quizgen.bank.loader import load_banks
    from quizgen.study.answers import bank_words, match_text

    (bank,) = load_banks([EXAMPLE])
    assert match_text("sirolimus", ["sirolimas"]) is not None  # no word anywhere: a typo
    known = bank_words(bank, article_text="Sirolimus is another medicine of this kind.")
    assert {"sirolimus", "caffeine", "screens", "bedroom"} <= known  # article, answers, options
    assert match_text("sirolimus", ["sirolimas"], known) is None


def test_spellings_a_bank_accepts_stay_typos_in_its_other_questions() -> None:
    from dataclasses import replace

    from conftest import EXAMPLE

    from quizgen.bank.loader import load_banks
    from quizgen.study.answers import bank_words, match_text

    (bank,) = load_banks([EXAMPLE])
    sa = next(q for q in bank.questions if q.accepted)
    lenient = replace(sa, accepted=("tacrolimus", "tacrolimis"))
    known = bank_words(replace(bank, questions=(*bank.questions, lenient)))
    assert "tacrolimis" not in known
    assert match_text("tacrolimis", ["tacrolimus"], known) is not None


def test_ascii_text_is_normalised_as_the_general_rule_does() -> None:
    """normalise's shortcut for ASCII text gives what casefolding, replacing every run of non-word
    characters and "_" with a space and collapsing spaces gives, for every ASCII character."""
    non_word = re.compile(r"[^\w]+")

    def rule(text: str) -> str:
        return " ".join(non_word.sub(" ", text.casefold()).replace("_", " ").split())

    chars = [chr(i) for i in range(128)]
    texts = [t for c in chars for t in (c, f"a{c}b", f"{c}{c}Xy{c}", f"Q{c}_{c}9")]
    rnd = random.Random(17)
    texts += ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 40))) for _ in range(5000)]
    for text in texts:
        assert normalise(text) == rule(text), repr(text)
