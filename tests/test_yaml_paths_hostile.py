"""A hostile tester's cases for the whole YAML reading path: what `check_banks` reports and reads.

Each case is a small bank (one or more files) read by `loader.check_banks`: its problems (message,
severity, path:line:col), the questions and banks it loads, and the node tree `loader.parse_file`
gives for each file (kind, tag, value, start line and column, and which nodes are shared: aliases
are found through sharing). What main read before the reader's node classes and depth check
changed (session 4) is frozen in tests/yaml_paths_hostile.json: a change of the reading path that
changes any of it fails here. Regenerate it only on purpose, after checking the difference:
`python tests/test_yaml_paths_hostile.py --regenerate`.

Cases: anchors and aliases (an alias to a mapping used as a question, loops, merge keys), tags,
tabs, CRLF, BOM, document markers, directives, flow collections over lines, deep nesting near and
at the limit, long lines, odd Unicode, duplicate keys, empty files, bytes that are not UTF-8, banks
read fast in one file and by PyYAML in another, and scalars PyYAML resolves to numbers, booleans,
nulls and dates in every key and value position; and seeded random edits of a bank. Every case
whose files end in a newline is also read with a comment holding a tab appended to each file
(which the fast reader refuses): the same problems and the same trees. A few cases run
`quizgen validate` in a fresh process, where nothing is imported yet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from quizgen.bank import loader
from quizgen.errors import Problem

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "yaml_paths_hostile.json"

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
      - id: s1
        title: Blood pressure
  facts:
    - {id: f0, section: s0, text: Fact zero.}
    - id: f1
      section: s1
      text: Fact one.
"""

QUESTIONS = """\
questions:
  - id: q1
    type: flashcard
    front: What filters blood?
    back: The kidney.
    explanation: Nephrons filter plasma.
    source: {section: s0, facts: [f0]}
    tags: [kidney]
    difficulty: easy
    related: [q2]
  - id: q2
    type: multiple_choice
    prompt: Which organ filters blood?
    options: [Kidney, Liver, Heart]
    answer: Kidney
    explanation: The kidney's nephrons filter plasma.
    source:
      section: s0
      facts: [f0]
    tags: [kidney, organs]
    keep_order: yes
  - id: q3
    type: multiple_select
    prompt: Which are organs?
    options:
      - Kidney
      - Liver
      - Sand
    answers: [Kidney, Liver]
    explanation: Sand is not an organ.
    source: {section: s1, facts: [f1]}
    tags: []
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
    prompt: 'Which organ filters blood?'
    answers: [kidney, "kidneys"]
    explanation: "Nephrons filter plasma."
    source: {section: s0, facts: [f0]}
    tags: [kidney]
"""

Files = dict[str, bytes]


def _bank(questions: str = QUESTIONS, meta: str = META) -> Files:
    return {"bank.yaml": meta.encode(), "questions.yaml": questions.encode()}


def _one_file(text: str | bytes) -> Files:
    return {"bank.yaml": text if isinstance(text, bytes) else text.encode()}


# --------------------------------------------------------------------------- hand-written cases


def _q(body: str, qid: str = "x1") -> str:
    """One short-answer question with `body` added to its keys (or replacing them, by key)."""
    keys = {
        "id": qid,
        "type": "short_answer",
        "prompt": "Which organ filters blood?",
        "answers": "[kidney]",
        "explanation": "Nephrons filter plasma.",
        "source": "{section: s0, facts: [f0]}",
        "tags": "[kidney]",
    }
    extra = [ln for ln in body.splitlines() if ln]
    for ln in extra:
        key = ln.split(":", 1)[0].strip()
        keys.pop(key, None)
        if ln in ("type: multiple_choice", "type: true_false", "type: flashcard"):
            keys.pop("answers")
        if ln == "type: flashcard":
            keys.pop("prompt")
    lines = [f"{k}: {v}" for k, v in keys.items()] + extra
    return "  - " + "\n    ".join(lines) + "\n"


def _questions(*bodies: str) -> str:
    return "questions:\n" + "".join(_q(b, f"x{i}") for i, b in enumerate(bodies, 1))


def _deep_block_maps(levels: int) -> str:
    """`levels` nested block mappings (the root mapping is the first level)."""
    return "".join(" " * i + f"k{i}:\n" for i in range(levels - 1)) + " " * (levels - 1) + "k: v\n"


def _deep_block_seqs(levels: int) -> str:
    """A mapping holding `levels - 1` nested block sequences, written `- - - x`."""
    return "questions:\n  " + "- " * (levels - 1) + "x\n"


def _deep_flow(levels: int, opening: str = "[", closing: str = "]") -> str:
    return "questions: " + opening * (levels - 1) + "x" + closing * (levels - 1) + "\n"


def _deep_mixed(levels: int) -> str:
    """Half block mappings, then the rest as flow sequences on the deepest line."""
    block = levels // 2
    flow = levels - block
    return (
        "".join(" " * i + f"k{i}:\n" for i in range(block))
        + " " * block
        + "[" * flow
        + "x"
        + "]" * flow
        + "\n"
    )


def _hand_written() -> Iterator[tuple[str, Files]]:
    meta_q = META + QUESTIONS
    yield "base", _bank()
    yield "base-one-file", _one_file(meta_q)
    # ---- anchors, aliases, merge keys
    yield "anchor-unused", _bank(QUESTIONS.replace("front: What", "front: &a What"))
    yield (
        "alias-scalar",
        _bank(
            QUESTIONS.replace("answer: Kidney", "answer: *k").replace(
                "[Kidney, Liver, Heart]", "[&k Kidney, Liver, Heart]"
            )
        ),
    )
    yield (
        "alias-question",
        _bank(QUESTIONS.replace("  - id: q6", "  - &q6\n    id: q6").rstrip("\n") + "\n  - *q6\n"),
    )
    yield (
        "alias-mapping-source",
        _bank(
            QUESTIONS.replace(
                "source: {section: s1, facts: [f1]}", "source: &src {section: s1, facts: [f1]}"
            ).replace(
                "    source: {section: s0, facts: [f0]}\n    tags: [kidney]\n  - id: q6",
                "    source: *src\n    tags: [kidney]\n  - id: q6",
            )
        ),
    )
    yield "alias-undefined", _bank(QUESTIONS.replace("answer: Kidney", "answer: *nope"))
    yield "alias-loop", _bank(QUESTIONS.replace("tags: [kidney]", "tags: &t [kidney, *t]", 1))
    yield (
        "alias-loop-mapping",
        _bank(QUESTIONS.replace("source: {section: s1, facts: [f1]}", "source: &m {section: s1, again: *m}")),
    )
    yield (
        "alias-anchor-redefined",
        _bank(QUESTIONS.replace("front: What", "front: &a What").replace("back: The", "back: &a The")),
    )
    yield (
        "alias-bomb",
        _bank(
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nquestions: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        ),
    )
    yield (
        "alias-key",
        _bank(QUESTIONS.replace("    tags: [kidney]\n", "    &k tags: [kidney]\n    *k : [x]\n", 1)),
    )
    yield (
        "merge-key",
        _bank(
            QUESTIONS.replace("  - id: q6\n", "  - <<: {type: short_answer}\n    id: q6\n").replace(
                "    type: short_answer\n", ""
            )
        ),
    )
    yield (
        "merge-key-alias",
        _bank(
            QUESTIONS.replace(
                "source: {section: s1, facts: [f1]}", "source: &base {section: s1, facts: [f1]}"
            ).replace(
                "    source: {section: s0, facts: [f0]}\n    tags: [kidney]\n  - id: q6",
                "    source:\n      <<: *base\n      section: s0\n    tags: [kidney]\n  - id: q6",
            )
        ),
    )
    yield (
        "merge-key-list",
        _bank(QUESTIONS.replace("  - id: q6\n", "  - <<: [{type: short_answer}, {id: q6}]\n    id: q6\n")),
    )
    yield "merge-value", _bank(QUESTIONS.replace("back: The kidney.", "back: <<"))
    yield (
        "evidence",
        _bank(
            QUESTIONS.replace(
                "    keep_order: yes\n", '    keep_order: yes\n    evidence: ["Nephrons filter plasma", x]\n'
            )
        ),
    )
    yield (
        "evidence-not-text",
        _bank(
            QUESTIONS.replace(
                "    keep_order: yes\n", "    keep_order: yes\n    evidence: [[x], {a: b}, 1, ~]\n"
            )
        ),
    )
    yield "value-tag-equals", _bank(QUESTIONS.replace("back: The kidney.", "back: ="))
    # ---- tags
    for i, tagged in enumerate(
        [
            "!!str 1",
            "!!str",
            "!!bool yes",
            "!!bool maybe",
            "!!bool",
            "!!null ''",
            "!!null x",
            "!!int 12",
            "!!int twelve",
            "!!float 1",
            "!!timestamp 2001-01-01",
            "!!binary aGk=",
            "!x y",
            "!x",
            "! 12",
            "!<tag:yaml.org,2002:str> x",
            "!<tag:example.com,2000:x> y",
            "!!python/object:os.system x",
            "!!python/name:os.system ''",
            "!!map {}",
            "!!seq []",
            "!!omap [a: 1]",
            "!!set {a, b}",
            "!!merge x",
            "!!value x",
            "!!str [a]",
            "!%41 x",
        ]
    ):
        yield f"tag-{i}-value", _bank(QUESTIONS.replace("back: The kidney.", f"back: {tagged}"))
        yield f"tag-{i}-answer", _bank(QUESTIONS.replace("answer: true", f"answer: {tagged}"))
    yield "tag-on-key", _bank(QUESTIONS.replace("    back: The", "    !!str back: The"))
    yield "tag-on-key-custom", _bank(QUESTIONS.replace("    back: The", "    !x back: The"))
    yield "tag-on-question", _bank(QUESTIONS.replace("  - id: q6\n", "  - !!map\n    id: q6\n"))
    yield "tag-on-question-custom", _bank(QUESTIONS.replace("  - id: q6\n", "  - !q\n    id: q6\n"))
    yield "tag-on-list", _bank(QUESTIONS.replace("tags: [kidney]", "tags: !!seq [kidney]"))
    yield "tag-on-list-custom", _bank(QUESTIONS.replace("tags: [kidney]", "tags: !l [kidney]"))
    yield (
        "tag-directive",
        _bank("%TAG !e! tag:yaml.org,2002:\n---\n" + QUESTIONS.replace("back: The", "back: !e!str The")),
    )
    yield (
        "tag-directive-bad",
        _bank("%TAG !e! tag:example.com,2000:\n---\n" + QUESTIONS.replace("back: The", "back: !e!str The")),
    )
    yield "tag-undefined-handle", _bank(QUESTIONS.replace("back: The", "back: !e!str The"))
    # ---- tabs
    yield "tab-indent", _bank(QUESTIONS.replace("    type: flashcard", "\ttype: flashcard"))
    yield "tab-indent-after-spaces", _bank(QUESTIONS.replace("    type: flashcard", "  \t  type: flashcard"))
    yield "tab-after-colon", _bank(QUESTIONS.replace("back: The", "back:\tThe"))
    yield "tab-in-plain", _bank(QUESTIONS.replace("back: The kidney", "back: The\tkidney"))
    yield "tab-in-quoted", _bank(QUESTIONS.replace("'Which organ filters blood?'", "'Which\torgan?'"))
    yield "tab-escaped", _bank(QUESTIONS.replace("'Which organ filters blood?'", '"Which\\torgan?"'))
    yield "tab-before-comment", _bank(QUESTIONS.replace("back: The kidney.", "back: The kidney.\t# c"))
    yield "tab-trailing", _bank(QUESTIONS.replace("back: The kidney.", "back: The kidney.\t"))
    yield "tab-line", _bank(QUESTIONS.replace("  - id: q2\n", "\t\n  - id: q2\n"))
    yield (
        "tab-in-block-scalar",
        _bank(QUESTIONS.replace("      Nephrons filter plasma into", "      Nephrons\tfilter plasma into")),
    )
    yield "tab-after-dash", _bank(QUESTIONS.replace("      - Liver", "      -\tLiver"))
    yield "tab-in-flow", _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "[Kidney,\tLiver, Heart]"))
    # ---- line ends
    yield "crlf", _bank(QUESTIONS.replace("\n", "\r\n"), META.replace("\n", "\r\n"))
    yield "cr-only", _bank(QUESTIONS.replace("\n", "\r"))
    yield "crlf-mixed", _bank(QUESTIONS.replace("    back: The kidney.\n", "    back: The kidney.\r\n"))
    yield "cr-in-value", _bank(QUESTIONS.replace("back: The kidney.", "back: The\rkidney."))
    yield (
        "crlf-block-scalar",
        _bank(
            QUESTIONS.replace(
                "      Nephrons filter plasma into urine.\n", "      Nephrons\r\n      filter.\r\n"
            )
        ),
    )
    yield "no-final-newline", _bank(QUESTIONS.rstrip("\n"))
    yield "no-final-newline-block", _bank(QUESTIONS + "    hint: |\n      last")
    # ---- byte order marks
    yield (
        "bom-start",
        {
            "bank.yaml": b"\xef\xbb\xbf" + META.encode(),
            "questions.yaml": b"\xef\xbb\xbf" + QUESTIONS.encode(),
        },
    )
    yield "bom-twice", _bank("\ufeff" + QUESTIONS, META)
    yield (
        "bom-start-twice",
        {"bank.yaml": META.encode(), "questions.yaml": b"\xef\xbb\xbf\xef\xbb\xbf" + QUESTIONS.encode()},
    )
    yield "bom-middle-plain", _bank(QUESTIONS.replace("back: The kidney", "back: The\ufeffkidney"))
    yield "bom-middle-quoted", _bank(QUESTIONS.replace("'Which organ filters blood?'", "'Which\ufefforgan?'"))
    yield "bom-line-start", _bank(QUESTIONS.replace("  - id: q2\n", "\ufeff  - id: q2\n"))
    yield "bom-escaped", _bank(QUESTIONS.replace("'Which organ filters blood?'", '"Which\\ufefforgan?"'))
    yield "utf16", {"bank.yaml": META.encode(), "questions.yaml": QUESTIONS.encode("utf-16")}
    yield "utf32", {"bank.yaml": META.encode(), "questions.yaml": QUESTIONS.encode("utf-32")}
    # ---- document markers and directives
    yield "doc-start", _bank("---\n" + QUESTIONS)
    yield "doc-start-comment", _bank("--- # the questions\n" + QUESTIONS)
    yield "doc-start-end", _bank("---\n" + QUESTIONS + "...\n")
    yield "doc-end-only", _bank(QUESTIONS + "...\n")
    yield "doc-end-then-comment", _bank(QUESTIONS + "...\n# more\n")
    yield "doc-two", _bank(QUESTIONS + "---\nquestions: []\n")
    yield "doc-two-empty", _bank(QUESTIONS + "---\n")
    yield "doc-end-then-doc", _bank(QUESTIONS + "...\n---\nx: 1\n")
    yield "doc-start-inline", _bank("--- {questions: []}\n")
    yield "doc-start-block-scalar", _bank("--- |\n  text\n")
    yield (
        "doc-marker-in-block",
        _bank(
            QUESTIONS.replace("      Nephrons filter plasma into urine.\n", "      Nephrons\n---\n      x\n")
        ),
    )
    yield "doc-marker-like-value", _bank(QUESTIONS.replace("back: The kidney.", "back: --- x"))
    yield "doc-dots-in-value", _bank(QUESTIONS.replace("back: The kidney.", "back: ..."))
    yield (
        "doc-marker-indented",
        _bank(QUESTIONS.replace("    back: The kidney.\n", "    back: The kidney.\n    ---\n")),
    )
    yield "directive-yaml-11", _bank("%YAML 1.1\n---\n" + QUESTIONS)
    yield "directive-yaml-12", _bank("%YAML 1.2\n---\n" + QUESTIONS)
    yield "directive-yaml-20", _bank("%YAML 2.0\n---\n" + QUESTIONS)
    yield "directive-yaml-twice", _bank("%YAML 1.1\n%YAML 1.1\n---\n" + QUESTIONS)
    yield "directive-unknown", _bank("%FOO bar baz\n---\n" + QUESTIONS)
    yield "directive-no-doc-start", _bank("%YAML 1.1\n" + QUESTIONS)
    yield "directive-after-doc", _bank(QUESTIONS + "...\n%YAML 1.1\n---\nx: 1\n")
    yield "percent-value", _bank(QUESTIONS.replace("back: The kidney.", "back: 50%"))
    yield (
        "percent-line-start-in-block",
        _bank(QUESTIONS.replace("      Nephrons filter plasma into urine.\n", "      Nephrons\n%YAML 1.1\n")),
    )
    # ---- flow collections over lines
    yield (
        "flow-seq-lines",
        _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "[Kidney,\n      Liver,\n      Heart]")),
    )
    yield (
        "flow-seq-lines-under-indented",
        _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "[Kidney,\nLiver,\n Heart]")),
    )
    yield (
        "flow-map-lines",
        _bank(
            QUESTIONS.replace(
                "{section: s1, facts: [f1]}",
                "{\n      section: s1,\n      facts: [\n        f1\n      ]\n    }",
            )
        ),
    )
    yield (
        "flow-question",
        _bank(
            QUESTIONS
            + "  - {id: q7, type: short_answer,\n     prompt: Which?, answers: [kidney],\n"
            + "     source: {section: s0, facts: [f0]}}\n"
        ),
    )
    yield (
        "flow-whole-file",
        _bank(
            "{questions: [\n  {id: q1, type: flashcard, front: What filters blood?, back: The kidney.,\n"
            "   source: {section: s0, facts: [f0]}},\n"
            "  {id: q2, type: true_false, prompt: 'Kidneys filter.',\n"
            '   answer: "true", source: {section: s0, facts: [f0]}}\n]}\n'
        ),
    )
    yield "flow-trailing-comma", _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "[Kidney, Liver, Heart,]"))
    yield "flow-empty-entry", _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "[Kidney, , Heart]"))
    yield "flow-pair-in-seq", _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "[Kidney: 1, Liver, Heart]"))
    yield (
        "flow-explicit-key",
        _bank(QUESTIONS.replace("{section: s1, facts: [f1]}", "{? section : s1, facts: [f1]}")),
    )
    yield (
        "flow-key-no-value",
        _bank(QUESTIONS.replace("{section: s1, facts: [f1]}", "{section, facts: [f1]}")),
    )
    yield "flow-unclosed", _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "[Kidney, Liver, Heart"))
    yield (
        "flow-comment-inside",
        _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "[Kidney, # c\n      Liver, Heart]")),
    )
    yield (
        "flow-quoted-over-lines",
        _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "['Kid\n      ney', \"Li\n\n      ver\", Heart]")),
    )
    yield (
        "flow-colon-adjacent",
        _bank(QUESTIONS.replace("{section: s1, facts: [f1]}", '{"section":s1, facts: [f1]}')),
    )
    # ---- explicit keys, block oddities
    yield (
        "explicit-key",
        _bank(QUESTIONS.replace("    back: The kidney.\n", "    ? back\n    : The kidney.\n")),
    )
    yield (
        "explicit-key-complex",
        _bank(QUESTIONS.replace("    back: The kidney.\n", "    ? [back]\n    : The kidney.\n")),
    )
    yield (
        "compact-nested-seq",
        _bank(QUESTIONS.replace("    tags: [kidney]\n", "    tags:\n      - - kidney\n")),
    )
    yield "indentless-seq", _bank(QUESTIONS.replace("    tags: [kidney]\n", "    tags:\n    - kidney\n"))
    yield "indent-wrong", _bank(QUESTIONS.replace("    back: The kidney.\n", "     back: The kidney.\n"))
    yield "indent-less", _bank(QUESTIONS.replace("    back: The kidney.\n", "   back: The kidney.\n"))
    yield "unquoted-colon", _bank(QUESTIONS.replace("back: The kidney.", "back: The: kidney."))
    yield "colon-no-space", _bank(QUESTIONS.replace("back: The kidney.", "back:The kidney."))
    yield "hash-no-space", _bank(QUESTIONS.replace("back: The kidney.", "back: The#kidney."))
    yield "key-only", _bank(QUESTIONS.replace("    back: The kidney.\n", "    back\n"))
    yield "quoted-key", _bank(QUESTIONS.replace("    back: The", "    'back': The"))
    yield "double-quoted-key-escape", _bank(QUESTIONS.replace("    back: The", '    "b\\x61ck": The'))
    yield "key-with-spaces", _bank(QUESTIONS.replace("    back: The", "    back  : The"))
    yield (
        "single-quote-over-lines",
        _bank(QUESTIONS.replace("back: The kidney.", "back: 'The\n      kidney.'")),
    )
    yield (
        "double-quote-over-lines",
        _bank(QUESTIONS.replace("back: The kidney.", 'back: "The\\\n      kidney.\n\n      x"')),
    )
    yield (
        "plain-over-lines-less-indented",
        _bank(QUESTIONS.replace("back: The kidney.", "back: The\n   kidney.")),
    )
    yield "block-scalar-keep", _bank(QUESTIONS.replace("explanation: |\n", "explanation: |+\n"))
    yield "block-scalar-indent-indicator", _bank(QUESTIONS.replace("explanation: |\n", "explanation: |2\n"))
    yield "block-scalar-bad-indicator", _bank(QUESTIONS.replace("explanation: |\n", "explanation: |0\n"))
    yield (
        "block-scalar-empty",
        _bank(
            QUESTIONS.replace(
                "explanation: |\n      Nephrons filter plasma into urine.\n", "explanation: |\n"
            )
        ),
    )
    yield (
        "block-scalar-at-end",
        _bank(QUESTIONS + "  - id: q7\n    type: flashcard\n    front: x\n    back: |-\n"),
    )
    # ---- odd Unicode
    for name, ch in [
        ("nel", "\x85"),
        ("ls", "\u2028"),
        ("ps", "\u2029"),
        ("nul", "\x00"),
        ("del", "\x7f"),
        ("c1", "\x9b"),
        ("bell", "\x07"),
        ("esc", "\x1b"),
        ("vt", "\x0b"),
        ("ff", "\x0c"),
        ("fffe", "\ufffe"),
        ("ffff", "\uffff"),
        ("zwsp", "\u200b"),
        ("rlo", "\u202e"),
        ("shy", "\u00ad"),
        ("nbsp", "\u00a0"),
        ("emoji", "\U0001f600"),
        ("combining", "e\u0301"),
        ("private", "\ue000"),
        ("nonchar", "\U0010ffff"),
    ]:
        yield f"unicode-{name}-plain", _bank(QUESTIONS.replace("back: The kidney", f"back: The{ch}kidney"))
        yield f"unicode-{name}-key", _bank(QUESTIONS.replace("    back: The", f"    ba{ch}ck: The"))
        yield (
            f"unicode-{name}-quoted",
            _bank(QUESTIONS.replace("'Which organ filters blood?'", f"'Which{ch}organ?'")),
        )
        yield (
            f"unicode-{name}-line-end",
            _bank(QUESTIONS.replace("back: The kidney.", f"back: The kidney.{ch}")),
        )
    for i, esc in enumerate(
        ["\\ud800", "\\udfff", "\\ud83d\\ude00", "\\U0001F600", "\\x85", "\\N", "\\L", "\\P", "\\_", "\\0",
         "\\e", "\\a", "\\x7f", "\\ufffe", "\\U00110000", "\\q", "\\x4", "\\/", "\\ ", "\\\t"]
    ):  # fmt: skip
        yield f"escape-{i}", _bank(QUESTIONS.replace("'Which organ filters blood?'", f'"Which{esc}organ?"'))
    # ---- long lines and texts
    yield (
        "long-option",
        _bank(QUESTIONS.replace("[Kidney, Liver, Heart]", "[Kidney, Liver, " + "Heart" * 1001 + "]")),
    )
    yield "long-line-70k", _bank(QUESTIONS.replace("back: The kidney.", "back: " + "kidney " * 10000))
    yield "long-key", _bank(QUESTIONS.replace("    back: The", "    " + "k" * 70000 + ": The"))
    yield "long-comment", _bank("#" + "c" * 70000 + "\n" + QUESTIONS)
    yield "long-text-at-limit", _bank(QUESTIONS.replace("back: The kidney.", "back: " + "k" * 5000))
    yield "long-text-over-limit", _bank(QUESTIONS.replace("back: The kidney.", "back: " + "k" * 5001))
    yield (
        "long-quoted-at-64k",
        _bank(
            "# " + "p" * 65520 + "\n" + QUESTIONS.replace("back: The kidney.", "back: 'The\n      kidney.'")
        ),
    )
    yield (
        "many-questions",
        _bank(
            "questions:\n"
            + "".join(_q("", f"m{i}") for i in range(400))
            + "  - id: m0\n    type: flashcard\n    front: a\n    back: b\n"
        ),
    )
    # ---- duplicate keys
    yield (
        "dup-key-question",
        _bank(QUESTIONS.replace("    back: The kidney.\n", "    back: The kidney.\n    back: Again.\n")),
    )
    yield (
        "dup-key-quoted",
        _bank(QUESTIONS.replace("    back: The kidney.\n", "    back: The kidney.\n    'back': Again.\n")),
    )
    yield (
        "dup-key-tagged",
        _bank(
            QUESTIONS.replace("    back: The kidney.\n", "    back: The kidney.\n    !!str back: Again.\n")
        ),
    )
    yield (
        "dup-key-escaped",
        _bank(
            QUESTIONS.replace("    back: The kidney.\n", '    back: The kidney.\n    "\\x62ack": Again.\n')
        ),
    )
    yield (
        "dup-key-case",
        _bank(QUESTIONS.replace("    back: The kidney.\n", "    back: The kidney.\n    Back: Again.\n")),
    )
    yield (
        "dup-key-flow",
        _bank(QUESTIONS.replace("{section: s1, facts: [f1]}", "{section: s1, section: s0, facts: [f1]}")),
    )
    yield "dup-key-top", _bank(QUESTIONS + "questions: []\n")
    yield "dup-key-bank", {"bank.yaml": (META + "bank: {}\n").encode(), "questions.yaml": QUESTIONS.encode()}
    yield (
        "dup-key-number",
        _bank(QUESTIONS.replace("    back: The kidney.\n", "    1: a\n    01: b\n    1.0: c\n")),
    )
    yield (
        "dup-key-null",
        _bank(QUESTIONS.replace("    back: The kidney.\n", "    ~: a\n    null: b\n    : c\n")),
    )
    yield (
        "dup-question-id-across-readers",
        {
            "bank.yaml": META.encode(),
            "a.yaml": QUESTIONS.encode(),
            "b.yaml": ("#\tthis file is read by PyYAML\n" + QUESTIONS).encode(),
        },
    )
    # ---- empty files
    for name, text in [
        ("zero", b""),
        ("spaces", b"   \n\n  "),
        ("comments", b"# a\n  # b\n"),
        ("doc-start", b"---\n"),
        ("doc-end", b"...\n"),
        ("tilde", b"~\n"),
        ("null", b"null\n"),
        ("empty-seq", b"[]\n"),
        ("empty-map", b"{}\n"),
        ("empty-quoted", b'""\n'),
        ("bom-only", b"\xef\xbb\xbf"),
        ("bom-newline", b"\xef\xbb\xbf\n"),
        ("tab-only", b"\t\n"),
        ("crlf-only", b"\r\n\r\n"),
        ("nbsp-only", "\u00a0\n".encode()),
        ("directive-only", b"%YAML 1.1\n---\n"),
        ("comment-crlf", b"# a\r\n"),
        ("scalar", b"just text\n"),
        ("list", b"- a\n- b\n"),
        ("questions-empty", b"questions:\n"),
        ("questions-null", b"questions: ~\n"),
        ("questions-map", b"questions: {}\n"),
    ]:
        yield f"empty-{name}", {"bank.yaml": META.encode(), "questions.yaml": text}
        yield f"empty-{name}-alone", {"bank.yaml": text}
    # ---- bytes that are not UTF-8
    q = QUESTIONS.encode()
    for name, raw in [
        ("latin1", q.replace(b"The kidney.", b"The kidn\xe9y.")),
        ("cont", q.replace(b"The kidney.", b"The \x80kidney.")),
        ("overlong", q.replace(b"The kidney.", b"The \xc0\xafkidney.")),
        ("surrogate", q.replace(b"The kidney.", b"The \xed\xa0\x80kidney.")),
        ("truncated", q + b"# \xe2\x82"),
        ("first-byte", b"\xff" + q),
        ("after-multibyte", q.replace(b"The kidney.", "The \u00e9\u4e2d\U0001f600".encode() + b"\xfe")),
        ("too-big-code", q.replace(b"The kidney.", b"The \xf4\x90\x80\x80")),
        ("comment", q.replace(b"questions:\n", b"questions: # \xe9\n")),
    ]:
        yield f"bytes-{name}", {"bank.yaml": META.encode(), "questions.yaml": raw}
    # ---- banks read fast in one file and by PyYAML in another
    yield (
        "mixed-readers",
        {
            "bank.yaml": META.encode(),
            "a.yaml": _questions("").encode(),
            "b.yaml": b"questions:\n\t- id: y1\n",
            "c.yaml": _questions("back: x", "type: flashcard\nfront: a\nback: b")
            .replace("x1", "z1")
            .replace("x2", "z2")
            .encode(),
            "d.yaml": ("---\n" + _questions("tags: [a]").replace("x1", "w1")).encode(),
        },
    )
    yield (
        "mixed-readers-meta-fallback",
        {
            "bank.yaml": ("%YAML 1.1\n---\n" + META).encode(),
            "questions.yaml": QUESTIONS.encode(),
        },
    )
    yield (
        "mixed-readers-errors",
        {
            "bank.yaml": META.encode(),
            "a.yaml": QUESTIONS.replace("back: The kidney.", "back: [").encode(),
            "b.yaml": QUESTIONS.replace("id: q", "id: b")
            .replace("\n", "\r\n")
            .replace("back: The kidney.", "back: &x y")
            .encode(),
            "c.yaml": QUESTIONS.replace("id: q", "id: c")
            .replace("answer: true", "answer: !!bool maybe")
            .encode(),
        },
    )
    yield (
        "mixed-questions-before-meta",
        {
            "a.yaml": ("#\tby PyYAML\n" + QUESTIONS).encode(),
            "bank.yaml": META.encode(),
            "z.yaml": QUESTIONS.replace("id: q", "id: z").encode(),
        },
    )
    # ---- deep nesting near and at the limit (the limit counts collections, the root included)
    for levels in (199, 200, 201, 202):
        yield (
            f"deep-block-maps-{levels}",
            {"bank.yaml": META.encode(), "questions.yaml": _deep_block_maps(levels).encode()},
        )
        yield (
            f"deep-block-seqs-{levels}",
            {"bank.yaml": META.encode(), "questions.yaml": _deep_block_seqs(levels).encode()},
        )
        yield (
            f"deep-flow-seqs-{levels}",
            {"bank.yaml": META.encode(), "questions.yaml": _deep_flow(levels).encode()},
        )
        yield (
            f"deep-flow-maps-{levels}",
            {
                "bank.yaml": META.encode(),
                "questions.yaml": (
                    "questions: " + "{a: " * (levels - 1) + "x" + "}" * (levels - 1) + "\n"
                ).encode(),
            },
        )
        yield (
            f"deep-mixed-{levels}",
            {"bank.yaml": META.encode(), "questions.yaml": _deep_mixed(levels).encode()},
        )
    yield "deep-1500-block", {"bank.yaml": META.encode(), "questions.yaml": _deep_block_maps(1500).encode()}
    yield "deep-1500-flow", {"bank.yaml": META.encode(), "questions.yaml": _deep_flow(1500).encode()}
    yield (
        "deep-1500-flow-unclosed",
        {"bank.yaml": META.encode(), "questions.yaml": ("questions: " + "[" * 1500 + "\n").encode()},
    )
    yield (
        "deep-201-then-syntax-error",
        {
            "bank.yaml": META.encode(),
            "questions.yaml": (_deep_flow(201) + "x: [\n").encode(),
        },
    )
    yield (
        "deep-syntax-error-then-201",
        {
            "bank.yaml": META.encode(),
            "questions.yaml": ("x: [\n" + _deep_flow(201)).encode(),
        },
    )
    yield (
        "deep-brackets-in-text-shallow",
        {
            "bank.yaml": META.encode(),
            "questions.yaml": QUESTIONS.replace("back: The kidney.", "back: '" + "[{" * 300 + "'").encode(),
        },
    )
    yield (
        "deep-indent-in-block-scalar-shallow",
        {
            "bank.yaml": META.encode(),
            "questions.yaml": QUESTIONS.replace(
                "      Nephrons filter plasma into urine.\n", "      Nephrons\n" + " " * 300 + "deep text\n"
            ).encode(),
        },
    )
    yield (
        "deep-dashes-in-text-shallow",
        {
            "bank.yaml": META.encode(),
            "questions.yaml": QUESTIONS.replace(
                "      Nephrons filter plasma into urine.\n", "      " + "- " * 150 + "\n"
            ).encode(),
        },
    )
    yield (
        "deep-block-in-meta-201",
        {"bank.yaml": _deep_block_maps(201).encode(), "questions.yaml": QUESTIONS.encode()},
    )


# --------------------------------------------------------------------------- scalars in every position

SCALARS = [
    "1", "-0", "+12", "0x1F", "0o17", "017", "0b101", "1_000", "190:20:30", "1.5", "1e3",
    "6.8523015e+5", ".inf", "-.Inf", ".NaN", "1:30.5", "._", "true", "True", "TRUE", "false",
    "yes", "No", "on", "OFF", "y", "n", "null", "Null", "~", "", "2001-12-14",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "=", "<<", "'1'", '"true"',
    "!!str 1", "!!str", "!!bool maybe", "!!null x", "!!int x", "!x y", "[]", "{}", "[1, true]",
    "{a: 1}", "kidney", "Kidney",
]  # fmt: skip

# question keys whose value each takes the scalar: one question per position
QUESTION_VALUE_POSITIONS = [
    "id: {v}",
    "type: {v}",
    "prompt: {v}",
    "answers: [{v}]",
    "answers: {v}",
    "source: {{section: {v}, facts: [f0]}}",
    "source: {{section: s0, facts: [{v}]}}",
    "tags: [{v}]",
    "difficulty: {v}",
    "related: [{v}]",
    "hint: {v}",
    "explanation: {v}",
    "type: multiple_choice\noptions: [{v}, Liver]\nanswer: Liver",
    "type: multiple_choice\noptions: [Kidney, Liver]\nanswer: {v}\nkeep_order: {v}",
    "type: true_false\nanswer: {v}",
    "type: flashcard\nfront: {v}\nback: {v}",
]

BANK_VALUE_TEMPLATE = """\
bank:
  id: {v}
  title: {v}
  deck: {v}
  credit: Tests.
  disclaimer: {v}
  language: {v}
  paper: {v}
  meeting_quiz_count: {v}
  article:
    title: {v}
    sections:
      - {{id: {v}, title: Kidneys}}
      - id: s0
        title: {v}
  facts:
    - {{id: {v}, section: s0, text: Fact zero.}}
    - id: f0
      section: {v}
      text: {v}
"""


def _scalar_cases() -> Iterator[tuple[str, Files]]:
    for i, v in enumerate(SCALARS):
        values = "questions:\n" + "".join(
            _q(pos.format(v=v), f"p{j}") for j, pos in enumerate(QUESTION_VALUE_POSITIONS)
        )
        yield f"scalar-{i}-values", _bank(values)
        yield f"scalar-{i}-bank-values", _bank(QUESTIONS, BANK_VALUE_TEMPLATE.format(v=v))
        # the scalar as a key of every mapping
        as_key = f"{v}: x" if v else "? ''\n  : x"
        keyed_meta = (
            META.replace("  id: hostile\n", f"  id: hostile\n  {v}: x\n")
            .replace("    title: Article\n", f"    title: Article\n    {v}: x\n")
            .replace("{id: s0, title: Kidneys}", f"{{id: s0, title: Kidneys, {v}: x}}")
            .replace("      section: s1\n", f"      section: s1\n      {v}: x\n")
        )
        keyed_questions = QUESTIONS.replace(
            "    type: flashcard\n", f"    type: flashcard\n    {v}: x\n"
        ).replace("    source:\n      section: s0\n", f"    source:\n      section: s0\n      {v}: x\n")
        yield (
            f"scalar-{i}-keys",
            {
                "bank.yaml": keyed_meta.encode(),
                "questions.yaml": (keyed_questions + (as_key if v else "") + "\n").encode(),
            },
        )


# --------------------------------------------------------------------------- seeded random edits

_TOKENS = [
    "&a ", "*a", "!x ", "!!str ", "!!bool ", "[", "]", "{", "}", ", ", "\t", "\r", "\r\n", "# ", "'", '"',
    ": ", ":", "- ", "? ", "|", ">", "|-\n", "\x85", "\u2028", "%", "@", "`", "\ufeff", "\\", "---\n",
    "...\n", "\n", "\n  ", "  ", "~", "<<: ", "\x00", "\u00e9", "0x1", "yes", "\\x85", "\\ud800",
]  # fmt: skip


def _random_cases(count: int = 120) -> Iterator[tuple[str, Files]]:
    rnd = random.Random(20261126)
    base = META + QUESTIONS
    for i in range(count):
        text = base
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(text) + 1)
            if rnd.random() < 0.25:
                text = text[:at] + text[at + rnd.randint(1, 4) :]
            else:
                text = text[:at] + rnd.choice(_TOKENS) + text[at:]
        yield f"random-{i}", _one_file(text)


def _all_cases() -> dict[str, Files]:
    cases: dict[str, Files] = {}
    for name, files in [*_hand_written(), *_scalar_cases(), *_random_cases()]:
        assert name not in cases, name
        assert name == "base" or files != _bank(), f"{name}: an edit of the base bank found nothing to edit"
        cases[name] = files
    return cases


CASES = _all_cases()

# --------------------------------------------------------------------------- observing a case


def _kind(node: object) -> str:
    names = [c.__name__ for c in type(node).__mro__]
    kinds = [k for k in ("Scalar", "Sequence", "Mapping") if any(k in n for n in names)]
    assert len(kinds) == 1, f"not a node: {type(node)!r}"
    return kinds[0]


def tree(root: object) -> Any:
    """A node tree as plain data: kind, tag, value, start line and column; a node met again (an
    alias) as ["shared", its number], so a tree that loses its sharing reads differently."""
    numbers: dict[int, int] = {}

    def walk(node: Any) -> Any:
        if id(node) in numbers:
            return ["shared", numbers[id(node)]]
        numbers[id(node)] = len(numbers)
        kind = _kind(node)
        head = [kind, node.tag, node.start_mark.line, node.start_mark.column]
        if kind == "Scalar":
            assert isinstance(node.value, str)
            return [*head, node.value]
        if kind == "Sequence":
            return [*head, [walk(n) for n in node.value]]
        return [*head, [[walk(k), walk(v)] for k, v in node.value]]

    return None if root is None else walk(root)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=True).encode()).hexdigest()[:16]


def _write(folder: Path, files: Files) -> None:
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _problem(p: Problem, folder: Path) -> str:
    return str(p).removeprefix(f"{folder.name}/")


def observe(folder: Path) -> dict[str, Any]:
    """What the reading path makes of the bank in `folder` (run from its parent)."""
    report = loader.check_banks([Path(folder.name)])
    trees = {}
    for path in sorted(folder.iterdir()):
        parse_problems: list[Problem] = []
        root = loader.parse_file(path, f"{folder.name}/{path.name}", parse_problems)
        trees[path.name] = [tree(root), [_problem(p, folder) for p in parse_problems]]
    banks = [
        {
            "id": b.id,
            "files": list(b.files),
            "repr": repr([getattr(b, f.name) for f in dataclasses.fields(b) if f.name != "root"]),
        }
        for b in report.banks
    ]
    return {
        "problems": [_problem(p, folder) for p in report.problems],
        "files": report.files,
        "banks": _digest(banks),
        "questions": [q.id for b in report.banks for q in b.questions],
        "trees": _digest(trees),
    }


# an empty document's null is marked at the end of the text, which an appended comment moves
_NO_TAB_COMMENT = {
    "empty-doc-start",
    "empty-doc-start-alone",
    "empty-directive-only",
    "empty-directive-only-alone",
}


def _read_by_pyyaml(name: str, files: Files) -> Files | None:
    """The same bank spelt so the fast reader refuses each file (a comment holding a tab at the
    end): YAML that reads the same. Files with a carriage return, a tab or no final newline, and
    bytes that are not UTF-8, are left out."""
    if name in _NO_TAB_COMMENT or not all(
        f.endswith(b"\n") and b"\r" not in f and b"\t" not in f for f in files.values()
    ):
        return None
    try:
        for f in files.values():
            f.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return {n: f + b"#\tread by PyYAML\n" for n, f in files.items()}


def _observe_all(root: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for name in names:
        folder = root / name
        _write(folder, CASES[name])
        out[name] = observe(folder)
    return out


# --------------------------------------------------------------------------- the tests


def _expected() -> dict[str, dict[str, Any]]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("yaml-paths")
    old = Path.cwd()
    os.chdir(root)
    try:
        return _observe_all(root, list(CASES))
    finally:
        os.chdir(old)


def test_every_case_has_a_frozen_result() -> None:
    assert sorted(_expected()) == sorted(CASES)


@pytest.mark.parametrize("group", ["hand", "scalar", "random"])
def test_the_reading_path_reports_and_reads_as_frozen(
    group: str, observed: dict[str, dict[str, Any]]
) -> None:
    expected = _expected()
    names = [
        n
        for n in CASES
        if (group == "scalar" and n.startswith("scalar-"))
        or (group == "random" and n.startswith("random-"))
        or (group == "hand" and not n.startswith(("scalar-", "random-")))
    ]
    different = [n for n in names if observed[n] != expected.get(n)]
    shown = "\n".join(
        f"{n}:\n  frozen: {json.dumps(expected.get(n))[:1500]}\n  now:    {json.dumps(observed[n])[:1500]}"
        for n in different[:5]
    )
    assert not different, f"{len(different)} of {len(names)} cases read differently:\n{shown}"


def test_files_read_by_pyyaml_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, observed: dict[str, dict[str, Any]]
) -> None:
    """Each case again with every file read by PyYAML: the same problems, banks and node trees
    (the comment adds a line to the end of each file; nothing reports it)."""
    monkeypatch.chdir(tmp_path)
    compared = 0
    different = []
    for name, files in CASES.items():
        spelt = _read_by_pyyaml(name, files)
        if spelt is None:
            continue
        folder = tmp_path / name
        _write(folder, spelt)
        got = observe(folder)
        compared += 1
        if got != observed[name]:
            different.append(f"{name}:\n  {observed[name]}\n  {got}")
    assert compared > 450
    assert not different, "\n".join(different[:5])


def test_crlf_line_ends_read_the_same(tmp_path: Path) -> None:
    """Each hand-written case's files with CRLF line ends: the same node trees and the same
    problems from parse_file as with LF (YAML reads CR LF as one line break)."""
    compared = 0
    different = []
    for name, files in CASES.items():
        if name.startswith(("scalar-", "random-")) or _read_by_pyyaml(name, files) is None:
            continue
        for file, data in files.items():
            got = []
            for ends, raw in (("lf", data), ("crlf", data.replace(b"\n", b"\r\n"))):
                path = tmp_path / f"{ends}.yaml"
                path.write_bytes(raw)
                problems: list[Problem] = []
                got.append([tree(loader.parse_file(path, file, problems)), [str(p) for p in problems]])
            compared += 1
            if got[0] != got[1]:
                different.append(f"{name}/{file}:\n  LF:   {str(got[0])[:600]}\n  CRLF: {str(got[1])[:600]}")
    assert compared > 500
    assert not different, "\n".join(different[:5])


def test_the_cases_reach_both_readers() -> None:
    """Many files of the cases are read by the fast reader, many by PyYAML."""
    from quizgen.bank import fastyaml

    texts = [t for files in CASES.values() for f in files.values() if (t := _text_or_none(f)) is not None]
    fast = [t for t in texts if fastyaml.compose(t) is not None]
    assert len(fast) > 300
    assert len(texts) - len(fast) > 300


def _text_or_none(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


# --------------------------------------------------------------------------- a fresh process each

# error kinds that reach the reading path's exception handlers, each in a fresh process (so a name
# imported lazily is not already there)
CLI_CASES = [
    "base",  # the fast reader only
    "mixed-readers",  # the fast reader, then PyYAML: syntax error with a hint
    "unicode-nul-plain",  # PyYAML's reader refuses a character
    "alias-scalar",  # an alias found through a shared node
    "tag-12-value",  # a tag that is not allowed
    "deep-flow-seqs-201",  # too deep, told by PyYAML's events
    "deep-1500-flow",  # too deep, told by libyaml's own limit
    "bytes-latin1",  # not UTF-8
]


def _run_cli(tmp_path: Path) -> dict[str, Any]:
    procs = {}
    for name in CLI_CASES:
        _write(tmp_path / name, CASES[name])
    env = {**os.environ, "QUIZGEN_NO_CACHE": "1"}
    for name in CLI_CASES:
        procs[name] = subprocess.Popen(
            [sys.executable, "-m", "quizgen", "validate", name],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        out[name] = {"rc": proc.returncode, "stdout": stdout, "stderr": stderr}
    return out


def test_validate_in_a_fresh_process(tmp_path: Path) -> None:
    got = _run_cli(tmp_path)
    for name, result in got.items():
        assert "Traceback" not in result["stderr"] + result["stdout"], (name, result)
    expected = _expected_cli()
    assert got == expected


_IMPORTED_YAML = re.compile(r"^import time:.*\|\s+yaml(\.\w+)*$", re.MULTILINE)


@pytest.mark.parametrize(
    "case, read_by",
    [("base", "fastyaml"), ("crlf", "fastyaml"), ("cr-only", "PyYAML"), ("alias-scalar", "PyYAML")],
)
def test_pyyaml_is_imported_only_for_files_the_fast_reader_refuses(
    case: str, read_by: str, tmp_path: Path
) -> None:
    """`quizgen anki` (the loader, then genanki) in a fresh process: no `yaml` module when the fast
    reader reads every file; PyYAML imported, and the same outcome as before, when it does not."""
    _write(tmp_path / case, CASES[case])
    env = {**os.environ, "QUIZGEN_NO_CACHE": "1", "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "quizgen", "anki", case, "-o", "o.apkg"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in result.stderr
    imported = _IMPORTED_YAML.findall(result.stderr)
    if read_by == "fastyaml":
        assert result.returncode == 0, result.stderr[-2000:]
        assert not imported
        assert (tmp_path / "o.apkg").is_file()
    else:
        assert imported
        problems = [ln for ln in result.stderr.splitlines() if not ln.startswith("import time:")]
        assert (result.returncode == 0) == (observed_problems(case) == []), problems


def observed_problems(case: str) -> list[str]:
    return [p for p in _expected()[case]["problems"] if ": warning: " not in p and ": note: " not in p]


EXPECTED_CLI = HERE / "yaml_paths_hostile_cli.json"


def _expected_cli() -> dict[str, Any]:
    return json.loads(EXPECTED_CLI.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _regenerate() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        os.chdir(root)
        results = _observe_all(root, list(CASES))
    lines = [f"{json.dumps(name)}: {json.dumps(results[name], sort_keys=True)}" for name in sorted(results)]
    EXPECTED.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    with tempfile.TemporaryDirectory() as d:
        cli = _run_cli(Path(d))
    EXPECTED_CLI.write_text(
        json.dumps(cli, indent=1, sort_keys=True, ensure_ascii=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {EXPECTED} ({len(results)} cases) and {EXPECTED_CLI}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: python tests/test_yaml_paths_hostile.py --regenerate")
    _regenerate()


# --------------------------------------------------------------------------- known bugs of main 0fbf6db


# Nesting hidden from the cheap pre-check: every `]` or `}` inside a quoted scalar or a comment
# lowered its count of open brackets, so `_too_deep` never ran (found by s4yhost, session 4).
def _block_then_hidden_flow(n: int, maps: int) -> str:
    """A root mapping, `maps` block mappings in it, then `n - maps` flow sequences."""
    block = "".join(" " * i + f"k{i}:\n" for i in range(maps + 1))
    return block + " " * (maps + 1) + '["]",' * (n - maps) + "x" + "]" * (n - maps) + "\n"


HIDDEN_DEPTH: dict[str, Callable[[int], str]] = {
    "double-quoted": lambda n: "questions: " + '["]",' * n + "x" + "]" * n + "\n",
    "single-quoted": lambda n: "questions: " + "[']'," * n + "x" + "]" * n + "\n",
    "braces-in-quotes": lambda n: "questions: " + '{a: "}", b: ' * n + "x" + "}" * n + "\n",
    "comments": lambda n: "questions:\n" + "  [ # ]\n" * n + "  x" + "]" * n + "\n",
    # block mappings indented less than the pre-check's 100 columns, then flow
    "block-and-flow": lambda n: _block_then_hidden_flow(n, min(n // 2, 90)),
}


@pytest.mark.parametrize("levels", [200, 201, 999, 5000])
@pytest.mark.parametrize("spelling", sorted(HIDDEN_DEPTH))
@pytest.mark.parametrize("reader", ["as-written", "read-by-pyyaml"])
def test_nesting_hidden_behind_brackets_in_quotes_or_comments_is_found(
    spelling: str, levels: int, reader: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`levels` collections nested in all, the root mapping included: up to 200 are allowed;
    beyond, the file is refused at 1:1, whatever brackets its quotes and comments hold."""
    text = HIDDEN_DEPTH[spelling](levels - 1)
    if reader == "read-by-pyyaml":
        text += "#\tread by PyYAML\n"
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    messages = [str(p) for p in loader.check_banks([Path("b.yaml")]).problems]
    if levels <= loader.MAX_DEPTH:
        assert not any("nests more than" in m for m in messages)
        assert not any("YAML" in m for m in messages), messages
        return
    assert messages == ["b.yaml:1:1: YAML nests more than 200 levels deep"]


# A character PyYAML's reader refuses, after text that is not ASCII: libyaml gives its position
# in bytes of UTF-8, which parse_file took for a character index (found by s4yhost, session 4).
READER_ERRORS = [
    (
        "bank:\n  title: \u00e9\u00e9\u00e9\n  id: x\x00\n",
        "character \\x00 (U+0000, a control character)",
        "remove it",
    ),
    ("bank:\n  title: \U0001f600 \x07\n", "character \\x07 (U+0007, a control character)", "remove it"),
    ("bank:\n  title: \u4e2d\u6587\ufffe\n", "character \\ufffe (U+FFFE, a noncharacter)", "remove it"),
    (
        "# \u00fc\u00fc\u00fc\u00fc\u00fc\u00fc\u00fc\nbank:\n  id: \x1b\n",
        "character \\x1b (U+001B, a control character)",
        "remove it",
    ),
]


@pytest.mark.parametrize(
    "text, character, reason",
    READER_ERRORS,
    ids=["nul-after-e", "bell-after-emoji", "fffe-after-cjk", "esc-after-u"],
)
def test_a_character_pyyaml_refuses_is_located_by_characters_not_bytes(
    text: str, character: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    bad = next(i for i, ch in enumerate(text) if ch in "\x00\x07\x1b\ufffe")
    line = text.count("\n", 0, bad) + 1
    column = bad - (text.rfind("\n", 0, bad) + 1) + 1
    messages = [str(p) for p in loader.check_banks([Path("b.yaml")]).problems]
    assert messages == [f"b.yaml:{line}:{column}: {character} is not allowed in YAML: {reason}"]


@pytest.mark.parametrize("levels", [200, 201, 999])
@pytest.mark.parametrize("newline", ["\r", "\x85", "\u2028", "\u2029"], ids=["cr", "nel", "ls", "ps"])
def test_nesting_hidden_behind_other_line_breaks_is_found(
    newline: str, levels: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YAML also breaks lines at a lone CR, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR: block
    mappings nested `levels` deep on such lines are as deep as on lines ended by LF."""
    text = "".join(" " * i + f"k{i}:" + newline for i in range(levels - 1)) + " " * (levels - 1) + "k: v\n"
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8", newline="")
    monkeypatch.chdir(tmp_path)
    messages = [str(p) for p in loader.check_banks([Path("b.yaml")]).problems]
    if levels <= loader.MAX_DEPTH:
        assert not any("YAML" in m for m in messages), messages
        return
    assert messages == ["b.yaml:1:1: YAML nests more than 200 levels deep"]
