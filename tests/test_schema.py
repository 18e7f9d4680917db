"""The shipped JSON Schema and the loader agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import BANKS, EXAMPLE
from jsonschema import Draft202012Validator

from quizgen import loader

SCHEMA = json.loads((Path(loader.__file__).parent / "schema" / "bank.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)

VALID_FILES = sorted(EXAMPLE.glob("*.yaml")) + sorted(loader.shipped_banks_dir().rglob("*.yaml"))
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


def test_schema_lists_the_loaders_keys() -> None:
    defs = SCHEMA["$defs"]
    for qtype, keys in loader.TYPE_KEYS.items():
        props = set(defs[qtype.value]["properties"])
        assert props == set(keys) | set(loader.COMMON_QUESTION_KEYS), qtype
        required = {k for k, req in {**loader.COMMON_QUESTION_KEYS, **keys}.items() if req}
        assert set(defs[qtype.value]["required"]) == required
    assert set(defs["bank"]["properties"]) == set(loader.BANK_KEYS)
    assert set(defs["bank"]["required"]) == {k for k, req in loader.BANK_KEYS.items() if req}
