"""Typed answers: normalising, near misses, and reading choices and true/false."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.answers import (
    Choice,
    TextMatch,
    edit_distance,
    match_text,
    normalise,
    parse_choice,
    parse_choices,
    parse_truth,
)

OPTIONS = ["Coffee in the evening", "Bright screens at night", "A dark bedroom"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Tacrolimus ", "tacrolimus"),
        ("VOCLOSPORIN", "voclosporin"),
        ("Sjögren’s  syndrome!", "sjogren s syndrome"),
        ("café-au-lait", "cafe au lait"),
        ("lupus\tnephritis.", "lupus nephritis"),
        ("", ""),
    ],
)
def test_normalise(typed: str, expected: str) -> None:
    assert normalise(typed) == expected


def test_edit_distance_counts_swaps_as_one() -> None:
    assert edit_distance("kidney", "kidney") == 0
    assert edit_distance("kidney", "kindey") == 1  # adjacent swap
    assert edit_distance("kidney", "kidny") == 1
    assert edit_distance("kidney", "kidneys") == 1
    assert edit_distance("abc", "xyz") == 3
    assert edit_distance("", "abc") == 3


@given(st.text(max_size=12), st.text(max_size=12))
def test_edit_distance_is_symmetric_and_bounded(a: str, b: str) -> None:
    d = edit_distance(a, b)
    assert d == edit_distance(b, a)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))
    assert (d == 0) == (a == b)


def test_exact_match_after_normalising_any_accepted_answer() -> None:
    assert match_text("COFFEE ", ["caffeine", "coffee"]) == TextMatch("coffee", exact=True)
    assert match_text("Caféine", ["caffeine", "Caféine"]) == TextMatch("Caféine", exact=True)


def test_near_miss_is_accepted_with_the_right_spelling() -> None:
    assert match_text("cafeine", ["caffeine"]) == TextMatch("caffeine", exact=False)
    assert match_text("tacrolimsu", ["tacrolimus"]) == TextMatch("tacrolimus", exact=False)


def test_too_far_or_too_short_is_not_a_near_miss() -> None:
    assert match_text("tea", ["caffeine"]) is None
    assert match_text("caffiene juice", ["caffeine"]) is None
    assert match_text("ace", ["acd"]) is None  # short words must be exact
    assert match_text("", ["caffeine"]) is None


def test_numbers_must_match_exactly() -> None:
    assert match_text("200 mg", ["100 mg"]) is None
    assert match_text("100 mgs", ["100 mg"]) == TextMatch("100 mg", exact=False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("b", Choice((1,))),
        ("B", Choice((1,))),
        ("b)", Choice((1,))),
        ("2", Choice((1,))),
        ("bright screens at night", Choice((1,))),
        ("Bright screns at night", Choice((1,), near=(1,))),
        ("d", None),
        ("4", None),
        ("0", None),
        ("tea", None),
    ],
)
def test_parse_choice(typed: str, expected: Choice | None) -> None:
    assert parse_choice(typed, OPTIONS) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("a c", (0, 2)),
        ("a,c", (0, 2)),
        ("C, A", (0, 2)),
        ("ac", (0, 2)),
        ("1 3", (0, 2)),
        ("b", (1,)),
        ("Coffee in the evening, a dark bedroom", (0, 2)),
    ],
)
def test_parse_choices(typed: str, expected: tuple[int, ...]) -> None:
    choice = parse_choices(typed, OPTIONS)
    assert choice is not None
    assert choice.indices == expected


@pytest.mark.parametrize("typed", ["a d", "x", "12", "", "a, tea"])
def test_parse_choices_rejects_unknown(typed: str) -> None:
    assert parse_choices(typed, OPTIONS) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("true", True),
        ("T", True),
        ("yes", True),
        ("y", True),
        ("False", False),
        ("f", False),
        ("NO", False),
        ("n", False),
        ("maybe", None),
        ("", None),
    ],
)
def test_parse_truth(typed: str, expected: bool | None) -> None:
    assert parse_truth(typed) is expected
