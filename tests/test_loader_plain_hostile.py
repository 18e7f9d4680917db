"""A hostile reader's cases for the loader's plain path (`_plain_question`, issue 17).

The plain path may read a question only when `_read_question` would read the same question and
report nothing at all, error or warning. Each case here is a small bank read by `check_banks`
both ways (`loader.PLAIN_PATH` True and False): the same problems, with the same locations, and
the same banks, down to each question's fields, their order, their types and its location.
The cases aim at the checks the plain path restates rather than calls (texts, keys, the source
and its facts, tags, related ids, booleans), at the bank-level passes that depend on what the
reader saw, and (by text mutations) at YAML spellings the structured tests in
tests/test_loader_plain.py never write: block scalars, escapes, explicit tags, flow styles.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_loader_plain import _assert_same, _both_ways  # one definition of "read both ways, the same"

from quizgen.bank import fastyaml, loader
from quizgen.bank.model import Question

META = """\
bank:
  id: hostile
  title: Hostile
  deck: Hostile
  credit: Tests.
  disclaimer: Educational material, not medical advice.
  article:
    title: Article
    sections:
      - {id: s0, title: Kidneys}
      - {id: s1, title: Blood pressure}
  references:
    - {id: ref, title: Ref, publisher: Pub, url: "https://example.org/r"}
  facts:
    - {id: f0, section: s0, text: Fact zero.}
    - {id: f1, section: s1, text: Fact one.}
    - {id: f2, section: s0, text: Fact two., omitted: Not taught.}
    - {id: f3, reference: ref, text: Fact three.}
    - {id: "12", section: s0, text: A fact with a number for its id.}
"""
# the same bank as a translation (translated_from belongs there), and a bank whose article has
# no sections (an error of its own; every question's section is then wrong too)
TRANSLATION_META = META.replace(
    "  id: hostile\n",
    "  id: hostile-es\n  language: es\n  translates: hostile\n"
    "  translation: {method: By hand., reviewed_by: null}\n",
)
NO_SECTIONS_META = (
    META.replace(
        "    sections:\n      - {id: s0, title: Kidneys}\n      - {id: s1, title: Blood pressure}\n",
        "    sections: []\n",
    )
    .replace("section: s0, ", "reference: ref, ")
    .replace("section: s1, ", "reference: ref, ")
)

# One plain question of each type, every optional key its type allows: the plain path reads each.
QUESTIONS = """\
- id: q1
  type: flashcard
  front: What filters blood?
  back: The kidney.
  explanation: Nephrons filter plasma into urine.
  source: {section: s0, facts: [f0]}
  tags: [kidney]
  hint: Think filters.
  difficulty: easy
  related: [q2, q2]
- id: q2
  type: multiple_choice
  prompt: Which organ filters blood?
  options: [Kidney, Liver, Heart]
  answer: Kidney
  explanation: The kidney's nephrons filter plasma.
  source:
    section: s0
    facts: [f0, f3]
  tags: [kidney, organs]
  keep_order: yes
  evidence: ["Nephrons filter plasma"]
- id: q3
  type: multiple_select
  prompt: Which are organs?
  options: [Kidney, Liver, Sand]
  answers: [Kidney, Liver]
  explanation: Sand is not an organ of the body.
  source: {section: s1, facts: [f1]}
  tags: []
  keep_order: Off
- id: q4
  type: true_false
  prompt: The kidney filters blood.
  answer: true
  explanation: >-
    Nephrons filter plasma
    into urine.
  source: {section: s0, facts: [f0]}
  tags: [kidney]
- id: q5
  type: cloze
  text: The {{c1::kidney}} filters {{c2::blood::fluid}}.
  explanation: |
    Nephrons filter plasma into urine.
  source: {section: s0, facts: [f0]}
  tags: [kidney]
- id: q6
  type: short_answer
  prompt: Which organ filters blood?
  answers: [kidney, kidneys]
  explanation: "Nephrons filter plasma into urine."
  source: {section: s0, facts: [f0]}
  tags: [kidney]
"""
# the same questions without block scalars: the fast reader (fastyaml) reads these
ONE_LINE_QUESTIONS = QUESTIONS.replace(
    ">-\n    Nephrons filter plasma\n    into urine.", "Nephrons filter plasma."
).replace("|\n    Nephrons filter plasma into urine.", "Nephrons filter plasma.")
# q1 alone (its related question q2 left out)
FLASHCARD = QUESTIONS.split("- id: q2")[0].replace("  related: [q2, q2]\n", "")


def _write_bank(folder: Path, meta: str, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "bank.yaml").write_text(meta, encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _flashcard(**changes: str) -> str:
    """The flashcard q1 with some lines changed: `key=value` replaces the key's line or adds one
    (an empty value removes it); `extra` adds lines."""
    lines = FLASHCARD.splitlines()
    for key, value in changes.items():
        if key == "extra":
            continue
        at = next((i for i, line in enumerate(lines) if line.lstrip("- ").startswith(f"{key}:")), None)
        if at is None:
            lines.append(f"  {key}: {value}")
        elif value:
            lines[at] = lines[at][: len(lines[at]) - len(lines[at].lstrip("- "))] + f"{key}: {value}"
        else:
            del lines[at]
    return "\n".join(lines) + "\n" + textwrap.indent(changes.get("extra", ""), "  ")


def _questions(*blocks: str) -> str:
    return "questions:\n" + textwrap.indent("".join(blocks), "  ")


# (case, the bank's metadata, its question files)
CASES: list[tuple[str, str, dict[str, str]]] = [
    ("all-types", META, {"q.yaml": _questions(QUESTIONS)}),
    ("all-types-one-line", META, {"q.yaml": _questions(ONE_LINE_QUESTIONS)}),
    # ids: numbers, dates, booleans, ids that are only equal as text
    *[
        (f"id-{name}", META, {"q.yaml": _questions(_flashcard(id=value))})
        for name, value in [
            ("yes", "yes"),
            ("int", "12"),
            ("hex", "0x1F"),
            ("float", "1.50"),
            ("date", "2026-11-26"),
            ("sexagesimal", "12:30"),
            ("null", "~"),
            ("padded", '" q1 "'),
            ("zero-width", '"q\\u200b1"'),
        ]
    ],
    ("id-int-and-text", META, {"q.yaml": _questions(_flashcard(id="12"), _flashcard(id='"12"'))}),
    ("id-repeated-across-files", META, {"a.yaml": _questions(FLASHCARD), "b.yaml": _questions(FLASHCARD)}),
    # the source: a section by its title, a fact of another section, omitted, unknown, by number
    *[
        (f"source-{name}", META, {"q.yaml": _questions(_flashcard(source=value))})
        for name, value in [
            ("section-title", "{section: Kidneys, facts: [f0]}"),
            ("section-quoted-title", '{section: "Blood pressure", facts: [f1]}'),
            ("section-padded", '{section: " s0 ", facts: [f0]}'),
            ("section-number", "{section: 0, facts: [f0]}"),
            ("fact-of-other-section", "{section: s0, facts: [f1]}"),
            ("fact-omitted", "{section: s0, facts: [f2]}"),
            ("fact-unknown", "{section: s0, facts: [f9]}"),
            ("fact-number", "{section: s0, facts: [12]}"),
            ("fact-from-reference-only", "{section: s1, facts: [f3]}"),
            ("facts-repeated", "{section: s0, facts: [f0, f0]}"),
            ("facts-empty", "{section: s0, facts: []}"),
            ("facts-text", "{section: s0, facts: f0}"),
            ("facts-null-item", "{section: s0, facts: [~]}"),
            ("extra-key", "{section: s0, facts: [f0], page: 3}"),
            ("repeated-key", "{section: s0, facts: [f0], section: s0}"),
            ("null", "~"),
        ]
    ],
    # tags, related ids, hints, difficulty, booleans
    *[
        (f"key-{name}", META, {"q.yaml": _questions(_flashcard(**{key: value}))})
        for name, key, value in [
            ("tags-empty", "tags", "[]"),
            ("tags-repeated", "tags", "[kidney, kidney]"),
            ("tags-yes", "tags", "[yes]"),
            ("tags-number", "tags", "[2024]"),
            ("tags-capital", "tags", "[Kidney]"),
            ("tags-space", "tags", '["kid ney"]'),
            ("tags-zero-width", "tags", '["kidney\\u200b"]'),
            ("tags-null", "tags", "~"),
            ("related-self", "related", "[q1]"),
            ("related-self-by-number", "related", "[q1, 1]"),
            ("related-empty", "related", "[]"),
            ("related-unknown", "related", "[q9, q9]"),
            ("related-bool", "related", "[no]"),
            ("hint-empty", "hint", "''"),
            ("hint-bool", "hint", "on"),
            ("hint-bidi", "hint", '"Think \\u202efilters."'),
            ("difficulty-capital", "difficulty", "Easy"),
            ("difficulty-padded", "difficulty", "' easy '"),
            ("difficulty-number", "difficulty", "1"),
            ("back-bool", "back", "yes"),
            ("back-null", "back", "~"),
            ("back-number", "back", "12"),
            ("back-zero-width", "back", '"The kid\\u200bney."'),
            ("back-control", "back", '"The kidney.\\x07"'),
            ("front-bidi", "front", '"What \\u202efilters blood?"'),
            ("explanation-empty", "explanation", "''"),
            ("explanation-repeats", "explanation", "What filters blood?"),
            ("explanation-bom", "explanation", '"\\ufeffNephrons filter plasma."'),
            ("explanation-tab", "explanation", '"Nephrons\\tfilter plasma."'),
            ("explanation-nbsp", "explanation", '"Nephrons\\u00a0filter plasma."'),
            ("explanation-line-separator", "explanation", '"Nephrons\\u2028filter plasma."'),
            ("explanation-next-line", "explanation", '"Nephrons\\x85filter plasma."'),
            ("explanation-5000", "explanation", "x" * 5000),
            ("explanation-5001", "explanation", "x" * 5001),
            ("explanation-5000-padded", "explanation", '"   ' + "x" * 5000 + '   "'),
            ("type-capital", "type", "Flashcard"),
            ("type-padded", "type", "' flashcard'"),
            ("type-str-tag", "type", "!!str flashcard"),
        ]
    ],
    *[
        (f"extra-{name}", META, {"q.yaml": _questions(_flashcard(extra=extra))})
        for name, extra in [
            ("type-twice", "type: flashcard\n"),
            ("back-twice", "back: Again.\n"),
            ("keep-order-on-a-flashcard", "keep_order: true\n"),
            ("translated-from", "translated_from: 0123456789ab\n"),
            ("evidence-empty", "evidence: []\n"),
            ("evidence-repeated", "evidence: [Nephrons filter plasma., Nephrons filter plasma.]\n"),
            ("evidence-too-long", "evidence: [" + "word " * 31 + "]\n"),
            ("key-number", "1: x\n"),
            ("key-null", "~: x\n"),
            ("key-bool", "yes: x\n"),
            ("key-merge", "<<: {hint: x}\n"),
            ("key-tagged-null", "!!null hint: x\n"),
            ("key-tagged-bool", "!!bool hint: x\n"),
            ("key-a-list", "? [hint]\n: x\n"),
            ("key-capital", "Hint: x\n"),
        ]
    ],
    # booleans of true_false and keep_order, as YAML 1.1 spells them (and does not: y, 1, "true")
    *[
        (
            f"boolean-{value}",
            META,
            {"q.yaml": _questions(QUESTIONS.replace("answer: true", f"answer: {value}"))},
        )
        for value in ["yes", "NO", "On", "y", "1", '"true"', "!!bool yes", "~"]
    ],
    *[
        (
            f"keep-order-{value}",
            META,
            {"q.yaml": _questions(QUESTIONS.replace("keep_order: yes", f"keep_order: {value}"))},
        )
        for value in ["TRUE", "off", "n", "0", "'yes'", "[]"]
    ],
    # banks around the questions: a translation, no sections, questions in bank.yaml, a question
    # file named before bank.yaml, a second bank with the same question ids, a bank with errors
    ("translation", TRANSLATION_META, {"q.yaml": _questions(QUESTIONS)}),
    (
        "translation-translated-from",
        TRANSLATION_META,
        {"q.yaml": _questions(_flashcard(extra="translated_from: 0123456789ab\n"))},
    ),
    ("no-sections", NO_SECTIONS_META, {"q.yaml": _questions(QUESTIONS)}),
    ("questions-in-bank-yaml", META + _questions(QUESTIONS), {}),
    (
        "question-file-before-bank-yaml",
        META,
        {"a.yaml": _questions(QUESTIONS), "z.yaml": _questions(_flashcard(id="q9"))},
    ),
    ("bank-id-wrong", META.replace("id: hostile", "id: Hostile!"), {"q.yaml": _questions(QUESTIONS)}),
    (
        "fact-section-wrong",
        META.replace("section: s1, text: Fact one.", "section: s7, text: Fact one."),
        {"q.yaml": _questions(QUESTIONS)},
    ),
]


@pytest.mark.parametrize(("meta", "files"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_bank_reads_the_same_both_ways(
    meta: str, files: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_same(*_both_ways([_write_bank(tmp_path / "hostile", meta, files)], monkeypatch))


def test_two_banks_with_the_same_questions_read_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Question ids are unique across banks; a translation beside its original reuses them."""
    one = _write_bank(tmp_path / "hostile", META, {"q.yaml": _questions(QUESTIONS)})
    two = _write_bank(
        tmp_path / "other", META.replace("id: hostile", "id: other"), {"q.yaml": _questions(QUESTIONS)}
    )
    es = _write_bank(tmp_path / "hostile-es", TRANSLATION_META, {"q.yaml": _questions(QUESTIONS)})
    plain, long = _both_ways([one, two, es], monkeypatch)
    assert any("duplicate question id 'q1'" in p.message for p in long.problems)
    _assert_same(plain, long)


def test_the_base_questions_are_read_the_plain_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Else the cases above would compare the long way with itself."""
    read: list[str] = []
    plain_question = loader._plain_question

    def counted(*args: Any) -> Question | None:
        q = plain_question(*args)
        read.extend([q.id] if q is not None else [])
        return q

    monkeypatch.setattr(loader, "_plain_question", counted)
    report = loader.check_banks([_write_bank(tmp_path / "hostile", META, {"q.yaml": _questions(QUESTIONS)})])
    assert [str(p) for p in report.problems if p.severity != "note"] == []
    assert read == ["q1", "q2", "q3", "q4", "q5", "q6"]
    # in a translation too (each lacks its translated_from, and the original is not beside it:
    # problems of the translation check, which comes after)
    read.clear()
    loader.check_banks(
        [_write_bank(tmp_path / "alone" / "hostile-es", TRANSLATION_META, {"q.yaml": _questions(QUESTIONS)})]
    )
    assert read == ["q1", "q2", "q3", "q4", "q5", "q6"]


# --------------------------------------------------------------------------- text mutations

# what a mutation may write: YAML's plain scalars that are not text, tags, quotes, block scalar
# indicators, escapes (in double quotes they become control, invisible or line-breaking
# characters), the same characters raw, flow punctuation, key names and the bank's ids
_TOKENS = [
    *("yes", "no", "~", "null", "true", "False", "On", "y", "12", "0x1F", "1_0", "1.5", ".inf"),
    *("2026-11-26", "12:30", "=", "<<", "!!str ", "!!int ", "!!bool ", "!!null ", "!!timestamp ", "! "),
    *('"', "'", "|", ">", "|-", ">+", "\\u200b", "\\u202e", "\\x07", "\\t", "\\n", "\\0", "\\e", "\\N"),
    *("\\_", "\\L", "\\P", "\\ufeff", "\u200b", "\u00a0", "\u2028", "\u0085", "\ufeff", "\t", " ", "\n"),
    *("#", "- ", ": ", ",", "[", "]", "{", "}", "? ", "s0", "s1", "f0", "f1", "f2", "f3", "q1", "Kidneys"),
    *("{{c1::", "}}", "{{c0::x}}", "not", "NOT", "All of the above", "x" * 40, "word " * 31),
    *("type", "id", "tags", "hint", "evidence", "related", "keep_order", "answer", "answers", "options"),
    *("back", "front", "prompt", "text", "source", "section", "facts", "difficulty", "easy", "\r\n"),
    "translated_from: 0123456789ab",
]


@dataclass(frozen=True)
class _Edit:
    at: int  # where, as a share of the text (0 to 1000)
    cut: int  # characters removed there
    token: str  # written there


_EDITS = st.builds(
    _Edit, st.integers(0, 1000), st.integers(0, 6), st.sampled_from(_TOKENS) | st.sampled_from(["", "\n  "])
)


def _edited(text: str, edits: list[_Edit]) -> str:
    for e in edits:
        i = len(text) * e.at // 1000
        text = text[:i] + e.token + text[i + e.cut :]
    return text


def _meta(text: str) -> Any:
    """The bank's metadata as the loader reads it (it must read without a problem)."""
    problems: list[Any] = []
    root = loader.pyyaml_compose(text)
    assert isinstance(root, fastyaml.MappingNode)
    meta = loader._read_meta(root.value[0][1], loader._Ctx("bank.yaml", problems))
    assert problems == []
    return meta


_METAS = {"bank": _meta(META), "translation": _meta(TRANSLATION_META)}


@settings(max_examples=400, deadline=None)
@given(
    base=st.sampled_from([QUESTIONS, ONE_LINE_QUESTIONS]),
    edits=st.lists(_EDITS, min_size=1, max_size=3),
    meta=st.sampled_from(sorted(_METAS)),
)
def test_questions_with_edited_text_read_the_same_both_ways(base: str, edits: list[_Edit], meta: str) -> None:
    """Each question of the edited text, read the plain way, reports nothing and is either None or
    what the long way reads with no problem at all: in the tree PyYAML composes, and in the one
    the fast reader composes when it reads the text (as parse_file does)."""
    text = _edited(base, edits)
    try:
        trees = [loader.pyyaml_compose(text), fastyaml.compose(text)]
    except yaml.YAMLError:
        return
    for root in trees:
        for node in root.value if isinstance(root, fastyaml.SequenceNode) else []:
            quiet: list[Any] = []
            plain = loader._plain_question(node, loader._Ctx("q.yaml", quiet), _METAS[meta])
            assert quiet == []
            problems: list[Any] = []
            long = loader._read_question(node, loader._Ctx("q.yaml", problems), _METAS[meta])
            if plain is not None:
                assert [str(p) for p in problems] == []
                assert long is not None
                assert list(vars(plain).items()) == list(vars(long).items())
                assert [type(v) for v in vars(plain).values()] == [type(v) for v in vars(long).values()]
