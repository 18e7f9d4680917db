"""`quizgen export --format json`: the documented shape."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import EXAMPLE

from quizgen.bank.loader import load_banks, shipped_banks_dir
from quizgen.cli import main


def _export(*args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["export", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_example_export_shape() -> None:
    doc = _export(str(EXAMPLE))
    (bank,) = doc["banks"]
    assert bank["id"] == "example" and bank["title"] == "Example: Sleep and Health"
    by_id = {q["id"]: q for q in bank["questions"]}
    assert by_id["ex-001"]["choices"] == ["Four", "Seven", "Ten", "Twelve"]
    assert by_id["ex-001"]["answer"] == "Seven"
    assert by_id["ex-004"]["answer"] == ["Coffee in the evening", "Bright screens at night"]
    assert by_id["ex-002"]["answer"] is True
    assert by_id["ex-006"]["answer"] == ["caffeine", "coffee"]
    assert by_id["ex-005"]["prompt"].startswith("{{c1::Caffeine}}")
    assert by_id["ex-005"]["answer"] == ["Caffeine", "awake"]
    assert by_id["ex-003"]["prompt"] == "How much sleep do most adults need?"
    assert by_id["ex-003"]["answer"] == "About seven hours a night."
    assert "choices" not in by_id["ex-002"]
    for q in bank["questions"]:
        assert {"id", "type", "prompt", "answer", "explanation", "tags", "source"} <= set(q)
        assert set(q["source"]) == {"section", "facts"}


def test_shipped_export_shape_and_file_output(tmp_path: Path) -> None:
    out = tmp_path / "banks.json"
    result = CliRunner().invoke(main, ["export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == 1
    assert [b["id"] for b in doc["banks"]] == [b.id for b in load_banks()]
    for bank in doc["banks"]:
        assert bank["questions"]


# the bank format's key for each export key that is named apart (see README, "JSON export")
_PROMPT_KEY = {"cloze": "text", "flashcard": "front"}
_ANSWER_KEY = {
    "multiple_choice": "answer",
    "multiple_select": "answers",
    "true_false": "answer",
    "short_answer": "answers",
    "flashcard": "back",
}  # (a cloze's answers are in its text)
_QUESTION_KEYS = ("explanation", "tags", "source", "difficulty", "hint", "evidence", "keep_order")
_QUESTION_KEYS += ("related", "translated_from")


def _bank_files(record: dict[str, Any]) -> dict[str, str]:
    """Bank files (JSON, which YAML reads) holding what an exported bank record holds."""
    meta = {k: v for k, v in record.items() if k != "questions" and v is not None}
    meta["article"] = {k: v for k, v in record["article"].items() if v is not None}
    meta["facts"] = [{k: v for k, v in f.items() if v is not None} for f in record["facts"]]
    questions = []
    for q in record["questions"]:
        out = {"id": q["id"], "type": q["type"], _PROMPT_KEY.get(q["type"], "prompt"): q["prompt"]}
        if "choices" in q:
            out["options"] = q["choices"]
        if q["type"] in _ANSWER_KEY:
            out[_ANSWER_KEY[q["type"]]] = q["answer"]
        out.update((k, q[k]) for k in _QUESTION_KEYS if q.get(k) not in (None, []))
        questions.append(out)
    return {"bank.yaml": json.dumps({"bank": meta}), "questions.yaml": json.dumps({"questions": questions})}


def test_the_export_holds_every_bank_as_written(tmp_path: Path) -> None:
    """Banks written back from the export (its keys renamed to the bank format's) load as the very
    banks exported: nothing of a bank is lost or changed on the way out."""
    valid = EXAMPLE.parent
    paths = [valid / name for name in ("example", "example-es", "every-key", "every-key-original")]
    paths += sorted(p for p in shipped_banks_dir().iterdir() if p.is_dir())
    originals = load_banks(paths)
    records = _export(*map(str, paths))["banks"]
    # Each bank is written as deep below tmp_path as its article text is above it
    # ("../../../shared/article/..."), so the copied article stays inside tmp_path.
    written = []
    for record, original in zip(records, originals, strict=True):
        up = Path(original.article.text_path or ".").parts.count("..")
        folder = tmp_path.joinpath(*["up"] * up, record["id"])
        folder.mkdir(parents=True)
        for name, text in _bank_files(record).items():
            (folder / name).write_text(text, encoding="utf-8")
        if original.article.text_path is not None and original.root is not None:
            source = original.root / original.article.text_path
            if source.exists():  # absent beside an installed quizgen's shipped banks: absent again
                article = folder / original.article.text_path
                article.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, article)
        written.append(folder)
    again = load_banks(written)
    assert len(again) == len(originals) >= 6
    for a, b in zip(originals, again, strict=True):
        assert dataclasses.replace(b, root=None, files=()) == dataclasses.replace(a, root=None, files=())
