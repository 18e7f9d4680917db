"""`quizgen export --format json`: the documented shape."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import EXAMPLE

from quizgen.bank.loader import load_banks
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
