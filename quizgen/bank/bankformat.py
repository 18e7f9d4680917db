"""The bank format in one place: the key tables the loader checks, and the JSON Schema made from them.

Each mapping of a bank file (the bank, its article, a section, a fact, a question's source, a
question of each type) has one table of `Key`s. The loader checks keys against these tables, and
`bank_schema()` builds the shipped JSON Schema from them, so a new optional key is one row here
(plus the code that reads it, the model field and the export). After adding a row, regenerate the
schema with `python -m quizgen.bank.bankformat` (a test fails until the committed file matches).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from quizgen.bank.frozen import frozen
from quizgen.bank.model import OPTION_LETTERS, QuestionType

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "bank.schema.json"


@frozen
class Key:
    """One key of a bank mapping: whether it is required, and the JSON Schema of its value.

    `field` names the model attribute the key is read into and `export` the key of the JSON export
    that carries it; both default to the key's own name (None means the key itself).
    """

    required: bool
    schema: Mapping[str, Any] = field(default_factory=dict)
    field: str | None = None
    export: str | None = None

    def field_name(self, key: str) -> str:
        return self.field or key

    def export_name(self, key: str) -> str:
        return self.export or key


KeyTable = Mapping[str, Key]

# value schemas used by several keys
# Text: the loader reads a number written bare as its text (`options: [4, 7, 10]`, `answer: 7`), and
# refuses text of spaces only as empty. A value whose pattern a number cannot meet is a string only.
TEXT: Mapping[str, Any] = {"type": ["string", "number"], "minLength": 1, "pattern": "\\S"}
STRING: Mapping[str, Any] = {**TEXT, "type": "string"}
TEXTS: Mapping[str, Any] = {"type": "array", "items": TEXT}
BANK_ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
QUESTION_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
TAG_PATTERN = "^[a-z0-9][a-z0-9-]*$"


def _described(schema: Mapping[str, Any], description: str) -> dict[str, Any]:
    return {**schema, "description": description}


def object_schema(table: KeyTable) -> dict[str, Any]:
    """The JSON Schema of a mapping whose keys are those of `table`."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k, key in table.items() if key.required],
        "properties": {k: dict(key.schema) for k, key in table.items()},
    }


SECTION_KEYS: KeyTable = {"id": Key(True, TEXT), "title": Key(True, TEXT)}
URL: Mapping[str, Any] = {**STRING, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}
SHA256_PATTERN = "^[0-9a-fA-F]{64}$"
ARTICLE_KEYS: KeyTable = {
    "title": Key(True, TEXT),
    "url": Key(False, URL),
    "sections": Key(True, {"type": "array", "minItems": 1, "items": object_schema(SECTION_KEYS)}),
    "text": Key(
        False,
        _described(
            TEXT, "Path of the article's plain text, relative to bank.yaml (quotes are checked against it)."
        ),
        field="text_path",
    ),
    "sha256": Key(
        False,
        {
            "type": "string",
            "pattern": SHA256_PATTERN,
            "description": "SHA-256 of the article text when its quotes were last checked.",
        },
    ),
}
FACT_KEYS: KeyTable = {
    "id": Key(True, TEXT),
    "section": Key(False, _described(TEXT, "The article section it comes from (or give 'reference').")),
    "reference": Key(
        False, _described(TEXT, "A reference id: the fact comes from that named source, not the article.")
    ),
    "text": Key(True, TEXT),
    "omitted": Key(False, _described(TEXT, "Why this fact is not taught (garbled or doubtful).")),
}
# a fact names exactly one of these: where it comes from
FACT_ORIGIN_KEYS = ("section", "reference")
REFERENCE_KEYS: KeyTable = {
    "id": Key(True, TEXT),
    "title": Key(True, _described(TEXT, "Shown as 'From <title>, <publisher> (not from the article)'.")),
    "publisher": Key(True, TEXT),
    "url": Key(True, URL),
}
SAFETY_NOTE_KEYS: KeyTable = {
    "text": Key(True, TEXT),
    "reference": Key(True, _described(TEXT, "The id of the reference the note comes from.")),
}


REVIEWER_KEYS: KeyTable = {
    "name": Key(True, TEXT),
    "qualification": Key(
        True, _described(TEXT, "Their qualification in health communication, and fluency in the language.")
    ),
    "date": Key(
        True, {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "YYYY-MM-DD"}
    ),
}
TRANSLATION_KEYS: KeyTable = {
    "method": Key(True, _described(TEXT, "How the translation was made (by whom, with what tools).")),
    "reviewed_by": Key(
        True,
        {
            "oneOf": [{"type": "null"}, object_schema(REVIEWER_KEYS)],
            "description": "null until a person qualified in health communication and fluent in the "
            "language has reviewed the translation; until then every output says it is not reviewed.",
        },
    ),
}
LANGUAGE_PATTERN = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def _fact_schema() -> dict[str, Any]:
    return {**object_schema(FACT_KEYS), "oneOf": [{"required": [k]} for k in FACT_ORIGIN_KEYS]}


BANK_KEYS: KeyTable = {
    "id": Key(
        True,
        {
            "type": "string",
            "pattern": BANK_ID_PATTERN,
            "description": "Stable bank id (used in Anki GUIDs and progress files).",
        },
    ),
    "title": Key(True, TEXT),
    "deck": Key(True, _described(TEXT, "Anki deck name; '::' makes a subdeck.")),
    "credit": Key(True, TEXT),
    "disclaimer": Key(True, TEXT),
    "summary": Key(
        False,
        _described(
            TEXTS,
            "Main points in plain language, printed after the questions in the answer key and the "
            "handout (never before them on the quiz).",
        ),
    ),
    "article": Key(True, object_schema(ARTICLE_KEYS)),
    "facts": Key(True, {"type": "array", "items": _fact_schema()}),
    "references": Key(
        False,
        _described(
            {"type": "array", "items": object_schema(REFERENCE_KEYS)},
            "Named public sources beyond the article, cited by facts and safety notes.",
        ),
    ),
    "safety_notes": Key(
        False,
        _described(
            {"type": "array", "items": object_schema(SAFETY_NOTE_KEYS)},
            "Short notes from references, shown after the questions, marked as not from the article.",
        ),
    ),
    "paper": Key(
        False,
        {
            "type": "string",
            "enum": ["letter", "a4"],
            "description": "Default paper of the printed PDFs: letter or a4 (quizgen.toml and --paper win).",
        },
    ),
    "publish_url": Key(
        False,
        {
            "type": "string",
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
            "description": "Where the quiz's web page is published (http or https): the printed quiz, "
            "answer key and handout show it as text and as a QR code.",
        },
    ),
    "meeting_quiz_count": Key(
        False,
        {
            "type": "integer",
            "minimum": 1,
            "description": "Questions in the short quiz for one meeting that `quizgen build` writes "
            "(default 12; `quizgen build --meeting-count` overrides it).",
        },
    ),
    "language": Key(
        False,
        {
            "type": "string",
            "pattern": LANGUAGE_PATTERN,
            "description": "BCP 47 language tag of the bank's text (default en); the interface text of "
            "every output follows it.",
        },
    ),
    "translates": Key(
        False,
        {
            "type": "string",
            "pattern": BANK_ID_PATTERN,
            "description": "In a translation: the id of the original bank (questions keep its ids).",
        },
    ),
    "translation": Key(False, object_schema(TRANSLATION_KEYS)),
}
SOURCE_KEYS: KeyTable = {
    "section": Key(True, {"type": "string", "description": "Article section id."}),
    "facts": Key(
        True,
        {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string"},
            "description": "Fact ids from the bank's inventory.",
        },
    ),
}
# `type` is listed for the key check; its schema is a constant per question type
COMMON_QUESTION_KEYS: KeyTable = {
    "id": Key(
        True,
        {
            "type": "string",
            "pattern": QUESTION_ID_PATTERN,
            "description": "Stable id, unique across all banks; never reuse one.",
        },
    ),
    "type": Key(True),
    "explanation": Key(
        True, {"type": "string", "description": "One to three sentences saying why the answer is right."}
    ),
    "source": Key(True, object_schema(SOURCE_KEYS)),
    "tags": Key(True, {"type": "array", "items": {"type": "string", "pattern": TAG_PATTERN}}),
    "difficulty": Key(False, {"enum": ["easy", "medium", "hard"]}),
    "hint": Key(False, TEXT),
    "evidence": Key(
        False,
        {
            "type": "array",
            "minItems": 1,
            "items": TEXT,
            "description": "Quotes (at most 30 words each) from the article that support the answer.",
        },
    ),
    "translated_from": Key(
        False,
        {
            "type": "string",
            "pattern": "^[0-9a-f]{12}$",
            "description": "In a translation: the fingerprint of the original question it was made "
            "from (`quizgen fingerprints`); validate marks it as needing review when the original changes.",
        },
    ),
    "related": Key(
        False,
        {
            "type": "array",
            "items": {"type": "string", "pattern": QUESTION_ID_PATTERN},
            "description": "Ids of questions of this bank that the author marks as related: printed "
            "quizzes and terminal sessions keep them apart, as they do questions that share a fact.",
        },
    ),
}
_OPTIONS = Key(
    True,
    {"type": "array", "minItems": 2, "items": TEXT, "uniqueItems": True, "maxItems": len(OPTION_LETTERS)},
    export="choices",
)
_PROMPT = Key(True, TEXT)
_KEEP_ORDER = Key(
    False,
    {
        "type": "boolean",
        "description": "Show the options in the written order, never shuffled: for options with a "
        "natural order (numbers, scales, 'never / sometimes / always'). Without it every output "
        "shows the options in one order shuffled from the bank id and the question id.",
    },
)
_NONEMPTY_TEXTS: Mapping[str, Any] = {"type": "array", "minItems": 1, "items": TEXT}
TYPE_KEYS: Mapping[QuestionType, KeyTable] = {
    QuestionType.MULTIPLE_CHOICE: {
        "prompt": _PROMPT,
        "options": _OPTIONS,
        "answer": Key(True, _described(TEXT, "The text of the one correct option."), field="correct"),
        "keep_order": _KEEP_ORDER,
    },
    QuestionType.MULTIPLE_SELECT: {
        "prompt": _PROMPT,
        "options": _OPTIONS,
        "answers": Key(
            True,
            _described(_NONEMPTY_TEXTS, "The texts of every correct option."),
            field="correct",
            export="answer",
        ),
        "keep_order": _KEEP_ORDER,
    },
    QuestionType.TRUE_FALSE: {
        "prompt": _PROMPT,
        "answer": Key(True, {"type": "boolean"}, field="truth"),
    },
    QuestionType.CLOZE: {
        "text": Key(
            True,
            {
                **STRING,
                "pattern": "\\{\\{c[1-9][0-9]*::",
                "description": "Text with Anki deletions {{c1::answer}} or {{c1::answer::hint}}.",
            },
            field="prompt",
            export="prompt",
        ),
    },
    QuestionType.SHORT_ANSWER: {
        "prompt": _PROMPT,
        "answers": Key(
            True,
            _described(_NONEMPTY_TEXTS, "Accepted answers; the first is shown."),
            field="accepted",
            export="answer",
        ),
    },
    QuestionType.FLASHCARD: {
        "front": Key(True, TEXT, field="prompt", export="prompt"),
        "back": Key(True, TEXT, export="answer"),
    },
}
# the top level of a bank file
FILE_KEYS: KeyTable = {
    "bank": Key(False, {"$ref": "#/$defs/bank"}),
    "questions": Key(False, {"type": "array", "items": {"$ref": "#/$defs/question"}}),
}


def question_keys(qtype: QuestionType) -> dict[str, Key]:
    """Every key of one question type, in the order the schema and the README list them."""
    common = dict(COMMON_QUESTION_KEYS)
    head = {k: common.pop(k) for k in ("id", "type")}
    return {**head, **TYPE_KEYS[qtype], **common}


ALL_QUESTION_KEYS = set(COMMON_QUESTION_KEYS).union(*TYPE_KEYS.values())


def _question_schema(qtype: QuestionType) -> dict[str, Any]:
    table = {
        k: Key(key.required, {"const": qtype.value}) if k == "type" else key
        for k, key in question_keys(qtype).items()
    }
    return {"title": qtype.value, **object_schema(table)}


def bank_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file, made from the key tables."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "quizgen question bank file",
        "description": "A bank file holds the bank metadata (bank.yaml), questions, or both.",
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": object_schema(FILE_KEYS)["properties"],
        "$defs": {
            "bank": object_schema(BANK_KEYS),
            "question": {"oneOf": [{"$ref": f"#/$defs/{t.value}"} for t in QuestionType]},
            **{t.value: _question_schema(t) for t in QuestionType},
        },
    }


def bank_schema_text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(bank_schema(), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    """`python -m quizgen.bank.bankformat`: rewrite the committed schema from the key tables."""
    SCHEMA_PATH.write_text(bank_schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
