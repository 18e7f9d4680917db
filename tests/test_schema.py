"""The shipped JSON Schema and the loader agree."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import BANKS, EXAMPLE, REPO
from jsonschema import Draft202012Validator

from quizgen.bank import bankformat, loader
from quizgen.bank.loader import load_banks
from quizgen.bank.model import (
    Article,
    Bank,
    Fact,
    Question,
    QuestionType,
    Reference,
    Reviewer,
    SafetyNote,
    Section,
    Source,
    Translation,
)
from quizgen.outputs import export

SCHEMA = json.loads((Path(loader.__file__).parent.parent / "schema" / "bank.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)

EVERY_KEY = BANKS / "valid" / "every-key"
VALID_FILES = (
    sorted(EXAMPLE.glob("*.yaml"))
    + sorted(EVERY_KEY.glob("*.yaml"))
    + sorted(loader.shipped_banks_dir().rglob("*.yaml"))
)
# failure modes the schema can express (the rest need cross-references or YAML-level checks)
STRUCTURAL = [
    "wrong-type",
    "missing-field",
    "unknown-key",
    "unknown-type",
    "too-few-options",
    "tag-with-space",
    "true-false-not-boolean",
    "empty-accepted-answers",
    "no-correct-option",
    "cloze-no-deletion",
]


def test_schema_is_valid_json_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_bank_files_match_schema(path: Path) -> None:
    assert not loader.check_banks([path]).errors
    errors = [e.message for e in VALIDATOR.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert errors == []


@pytest.mark.parametrize("name", STRUCTURAL)
def test_schema_rejects_what_the_loader_rejects(name: str) -> None:
    path = BANKS / "invalid" / f"{name}.yaml"
    assert loader.check_banks([path]).errors
    assert list(VALIDATOR.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))


PROMPT = '"About how many hours of sleep do most adults need each night?"'
# edits of example/intro.yaml, and whether the loader and the schema accept the result: the loader
# reads a number written bare as text, and text of spaces only as empty; an editor pointed at the
# schema must say the same (it marked `options: [4, 7, 10, 12]` wrong and let a prompt of spaces by)
TEXT_EDITS: dict[str, tuple[list[tuple[str, str]], bool]] = {
    "numbers-as-options": (
        [('["Four", "Seven", "Ten", "Twelve"]', "[4, 7, 10, 12]"), ('"Seven"', "7")],
        True,
    ),
    "number-as-prompt": ([(PROMPT, "7")], True),
    "spaces-as-prompt": ([(PROMPT, '"   "')], False),
    "true-as-prompt": ([(PROMPT, "true")], False),
}


@pytest.mark.parametrize("case", sorted(TEXT_EDITS))
def test_schema_and_loader_agree_on_what_text_is(case: str, tmp_path: Path) -> None:
    edits, valid = TEXT_EDITS[case]
    text = original = (EXAMPLE / "intro.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        text = text.replace(old, new, 1)
    assert text.count("\n") == original.count("\n") and text != original
    (tmp_path / "intro.yaml").write_text(text, encoding="utf-8")
    shutil.copy(EXAMPLE / "bank.yaml", tmp_path / "bank.yaml")
    assert (not loader.check_banks([tmp_path]).errors) == valid
    assert (not list(VALIDATOR.iter_errors(yaml.safe_load(text)))) == valid


def test_committed_schema_is_generated_from_the_key_tables() -> None:
    committed = bankformat.SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == bankformat.bank_schema_text(), (
        "quizgen/schema/bank.schema.json is stale: run `python -m quizgen.bank.bankformat`"
    )


def test_schema_lists_the_loaders_keys() -> None:
    defs = SCHEMA["$defs"]
    for qtype, keys in loader.TYPE_KEYS.items():
        props = set(defs[qtype.value]["properties"])
        assert props == set(keys) | set(loader.COMMON_QUESTION_KEYS), qtype
        required = {k for k, key in {**loader.COMMON_QUESTION_KEYS, **keys}.items() if key.required}
        assert set(defs[qtype.value]["required"]) == required
    assert set(defs["bank"]["properties"]) == set(loader.BANK_KEYS)
    assert set(defs["bank"]["required"]) == {k for k, key in loader.BANK_KEYS.items() if key.required}


# ---------------------------------------------------------------- drift: tables, model, export, README

TABLES_AND_MODELS: list[tuple[str, bankformat.KeyTable, type]] = [
    ("bank", bankformat.BANK_KEYS, Bank),
    ("article", bankformat.ARTICLE_KEYS, Article),
    ("section", bankformat.SECTION_KEYS, Section),
    ("fact", bankformat.FACT_KEYS, Fact),
    ("source", bankformat.SOURCE_KEYS, Source),
    ("reference", bankformat.REFERENCE_KEYS, Reference),
    ("safety note", bankformat.SAFETY_NOTE_KEYS, SafetyNote),
    ("translation", bankformat.TRANSLATION_KEYS, Translation),
    ("reviewer", bankformat.REVIEWER_KEYS, Reviewer),
]
# model fields that no key of the format sets
NOT_FROM_KEYS = {Bank: {"questions", "root", "files"}, Question: {"location"}, Translation: {"sites"}}


def _every_key_bank() -> Bank:
    (bank,) = load_banks([EVERY_KEY], strict=True)
    return bank


def _used_keys(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            found.add(k)
            found |= _used_keys(v)
    elif isinstance(node, list):
        for item in node:
            found |= _used_keys(item)
    return found


def test_every_key_bank_uses_every_key_of_each_question_type() -> None:
    doc = yaml.safe_load((EVERY_KEY / "bank.yaml").read_text(encoding="utf-8"))
    by_type = {q["type"]: set(q) for q in doc["questions"]}
    for qtype in QuestionType:
        assert by_type.get(qtype.value) == set(bankformat.question_keys(qtype)), (
            f"tests/banks/valid/every-key: give the {qtype.value} question every key of its type"
        )
    used = _used_keys(doc["bank"])
    for what, table, _ in TABLES_AND_MODELS:
        assert set(table) <= used, f"tests/banks/valid/every-key: use every {what} key"


@pytest.mark.parametrize(("what", "table", "model"), TABLES_AND_MODELS, ids=[t[0] for t in TABLES_AND_MODELS])
def test_every_key_has_a_model_field(what: str, table: bankformat.KeyTable, model: type) -> None:
    names = {f.name for f in dataclasses.fields(model)} - NOT_FROM_KEYS.get(model, set())
    assert {key.field_name(k) for k, key in table.items()} == names, what


def test_every_question_key_has_a_model_field() -> None:
    names = {f.name for f in dataclasses.fields(Question)} - NOT_FROM_KEYS[Question]
    from_keys = {key.field_name(k) for t in QuestionType for k, key in bankformat.question_keys(t).items()}
    assert from_keys == names


def test_every_key_reaches_the_export() -> None:
    bank = _every_key_bank()
    record = export.bank_record(bank)
    assert set(record) == {key.export_name(k) for k, key in bankformat.BANK_KEYS.items()} | {"questions"}
    assert set(record["article"]) == set(bankformat.ARTICLE_KEYS)
    assert all(set(s) == set(bankformat.SECTION_KEYS) for s in record["article"]["sections"])
    assert all(set(f) == set(bankformat.FACT_KEYS) for f in record["facts"])
    assert record["references"] and record["safety_notes"]
    assert all(set(r) == set(bankformat.REFERENCE_KEYS) for r in record["references"])
    assert all(set(n) == set(bankformat.SAFETY_NOTE_KEYS) for n in record["safety_notes"])
    assert set(record["translation"]) == set(bankformat.TRANSLATION_KEYS)
    assert set(record["translation"]["reviewed_by"]) == set(bankformat.REVIEWER_KEYS)
    for q in record["questions"]:
        keys = bankformat.question_keys(QuestionType(q["type"]))
        # every record has an answer (for cloze, the deletions of its text)
        assert set(q) == {key.export_name(k) for k, key in keys.items()} | {"answer"}, q["id"]
        assert set(q["source"]) == set(bankformat.SOURCE_KEYS)


def test_readme_documents_every_key() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    metadata = readme.split("### Metadata", 1)[1].split("### Questions", 1)[0]
    questions = readme.split("### Questions", 1)[1].split("### A complete example", 1)[0]
    for k in bankformat.BANK_KEYS:
        assert f"| `{k}` |" in metadata, f"README: add `{k}` to the metadata table"
    quoted = set(re.findall(r"[a-z_0-9]+", " ".join(re.findall(r"`([^`]*)`", metadata))))
    for table in (
        bankformat.ARTICLE_KEYS,
        bankformat.SECTION_KEYS,
        bankformat.FACT_KEYS,
        bankformat.REFERENCE_KEYS,
        bankformat.SAFETY_NOTE_KEYS,
        bankformat.TRANSLATION_KEYS,
        bankformat.REVIEWER_KEYS,
    ):
        for k in table:
            assert k in quoted, f"README: describe `{k}` in the metadata table"
    quoted = set(re.findall(r"[a-z_]+", " ".join(re.findall(r"`([^`]*)`", questions))))
    for t in QuestionType:
        for k in bankformat.question_keys(t):
            assert k in quoted, f"README: describe the question key `{k}`"
    assert "python -m quizgen.bank.bankformat" in readme
