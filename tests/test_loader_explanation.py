"""'The explanation repeats the prompt' fires exactly when it did before its shortcut.

`loader._check_explanation` skips normalising the prompt when `_plainly_new` proves the warning
cannot fire. `_reference` below is the check as it was before that shortcut, word for word; every
pair of texts here, random and built to sit on the edges of the rule, must give the same warnings
both ways.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.bank import loader
from quizgen.bank.model import cloze_blanked
from quizgen.errors import Problem
from quizgen.study.words import normalise


def _reference(explanation: str, prompt: str) -> list[str]:
    """The warnings of `_check_explanation` before the shortcut (a copy of its code then)."""
    if not explanation:
        return ["the explanation is empty: say why the answer is right"]
    e, p = normalise(explanation), normalise(cloze_blanked(prompt, reveal=True))
    e_words, p_words = set(e.split()), set(p.split())
    repeats = e == p or (len(e) > 20 and e in p)
    if not repeats and e_words and len(e_words) <= len(p_words) + 2:
        repeats = len(e_words & p_words) >= 0.9 * len(e_words | p_words)
    return ["the explanation repeats the prompt: say why the answer is right"] if repeats else []


def _now(explanation: str, prompt: str) -> list[str]:
    problems: list[Problem] = []
    loader._check_explanation(None, explanation, prompt, loader._Ctx("x.yaml", problems))  # type: ignore[arg-type]
    return [p.message for p in problems]


def _assert_same(explanation: str, prompt: str) -> None:
    assert _now(explanation, prompt) == _reference(explanation, prompt), (explanation, prompt)


WORDS = [
    *("kidney", "dose", "Dose", "DOSE", "skin", "cell", "cells", "see", "seed", "section", "0", "10"),
    *("a", "an", "the", "x_y", "x-y", "Tacrolimus", "tacrolimus's", "café", "cafe", "CAFÉ", "ﬁle"),
    *("file", "straße", "STRASSE", "Ⅻ", "١٢", "naïve", "e\u0301", "ǅ", "İ", "ı", "ß"),
]
SEPARATORS = [" ", "  ", ", ", ". ", "-", "_", "/", "?", "\n", " (", ") ", "\u00a0", "\u2003", "—"]


def _text(rnd: random.Random, words: list[str], n: int) -> str:
    out = []
    for _ in range(n):
        out.append(rnd.choice(words))
        out.append(rnd.choice(SEPARATORS))
    return "".join(out[:-1]) if out else ""


def _edge_pairs() -> Iterator[tuple[str, str]]:
    """Pairs at the rule's edges: equal, a part, nearly the same words, one word short of 90%."""
    rnd = random.Random(4)
    ascii_words = [f"w{i}" for i in range(60)] + [w for w in WORDS if w.isascii()]
    for vocab, n in [(v, n) for v in (ascii_words, ascii_words + WORDS) for n in range(32)]:
        base = rnd.sample(vocab, n)
        prompt = " ".join(base)
        yield prompt, prompt
        yield prompt.upper(), prompt
        yield prompt + ".", "Which? " + prompt
        yield " ".join(base[1:]), prompt
        yield " ".join(base[:-1]), prompt
        # m words of the explanation missing from the prompt, around 10 m = n
        for m in range(0, 5):
            swapped = base[: max(0, n - m)] + [f"zz{j}" for j in range(m)]
            yield " ".join(swapped), prompt
            yield " ".join(swapped), prompt + " extra words here"
            yield " ".join(swapped + base[:2]), prompt
            # missing words that are parts of the prompt's words: not missing from its text
            inside = base[: max(0, n - m)] + [w[1:] or w for w in base[n - m : n]]
            yield " ".join(inside), prompt
        # the prompt's words and m more: the rule warns up to n = 10 m words (a word repeated
        # still counts once)
        for m in range(1, 4):
            extra = [f"zz{j}" for j in range(m)]
            yield " ".join(base[: n - m] + extra), " ".join(base[: n - m])
            yield " ".join(base[: n - m] + extra + extra), " ".join(base[: n - m])
        # as cloze deletions: words joined across the markup
        if n >= 2:
            cloze = f"{base[0]}{{{{c1::{base[1]}}}}} " + " ".join(base[2:])
            yield base[0] + base[1] + " " + " ".join(base[2:]), cloze
            yield " ".join(base), cloze
            yield " ".join(base), f"{{{{c1::{base[0]}::hint}}}} " + " ".join(base[1:])
    # long explanations inside long prompts (the `e in p` rule needs more than 20 characters)
    for k in range(15, 30):
        prompt = "abcdefghij klmnopqrst uvwxyz0123 " * 2
        yield prompt[3 : 3 + k], prompt
        yield prompt[:k], prompt
    yield "...", "?"
    yield "...", "Word?"
    yield "—", "—"
    yield "", "Anything"
    yield "_", "_"
    yield "See section 0.", "Card 0: Kidney dose sugar skin cell calcium cyclosporine membrane?"


def test_edge_pairs_warn_as_before() -> None:
    pairs = list(_edge_pairs())
    for explanation, prompt in pairs:
        _assert_same(explanation, prompt)
    # the edges are on both sides of the rule, and the shortcut is taken for some of them
    warned = sum(bool(_reference(e, p)) for e, p in pairs)
    assert 0 < warned < len(pairs)
    taken = sum(loader._plainly_new(normalise(e), cloze_blanked(p, reveal=True)) for e, p in pairs if e)
    assert 0 < taken < len(pairs)


def test_random_pairs_warn_as_before() -> None:
    rnd = random.Random(11)
    shared = 0
    for i in range(6_000):
        words = rnd.sample(WORDS, rnd.randint(1, len(WORDS))) if i % 2 else WORDS[:6]
        prompt = _text(rnd, words, rnd.randint(0, 25))
        if rnd.random() < 0.5:
            # an explanation made of the prompt's words, a few changed
            pw = prompt.split()
            rnd.shuffle(pw)
            for _ in range(rnd.randint(0, 3)):
                if pw:
                    pw[rnd.randrange(len(pw))] = rnd.choice(WORDS)
            explanation = " ".join(pw[: rnd.randint(0, len(pw))] if rnd.random() < 0.3 else pw)
            shared += 1
        else:
            explanation = _text(rnd, words, rnd.randint(0, 25))
        _assert_same(explanation, prompt)
    assert shared > 300


def test_the_shortcut_never_skips_a_warning() -> None:
    """Wherever `_plainly_new` says so, the rule before it does not warn."""
    rnd = random.Random(23)
    taken = 0
    for _ in range(6_000):
        vocab = [f"w{i}" for i in range(rnd.randint(1, 30))]
        prompt = _text(rnd, vocab, rnd.randint(0, 30))
        explanation = _text(rnd, [*vocab, "zz", "w"], rnd.randint(1, 30))
        if loader._plainly_new(normalise(explanation), cloze_blanked(prompt, reveal=True)):
            taken += 1
            assert _reference(explanation, prompt) == [], (explanation, prompt)
        _assert_same(explanation, prompt)
    assert taken > 300


_PIECES = st.lists(st.sampled_from([*WORDS, *SEPARATORS, "{{c1::", "::", "}}", "a", "b"]), max_size=30)
_TEXTS = _PIECES.map("".join) | st.text(max_size=40)


@settings(max_examples=500, deadline=None)
@given(explanation=_TEXTS, prompt=_TEXTS)
def test_any_texts_warn_as_before(explanation: str, prompt: str) -> None:
    _assert_same(explanation, prompt)
    _assert_same(prompt, prompt)
    _assert_same(prompt[: len(prompt) // 2], prompt)
