"""Build epochs: SOURCE_DATE_EPOCH, else forward only when a bank (or one question) changes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from quizgen.bank.loader import load_banks
from quizgen.bank.model import Bank, Question
from quizgen.errors import UsageError
from quizgen.fsutil import write_atomic
from quizgen.outputs import timestamps

EXAMPLE = Path(__file__).parent / "banks" / "valid" / "example"


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> float:
        return float(self.now)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    fake = Clock(1_000_000)
    monkeypatch.setattr(timestamps.time, "time", fake)
    return fake


def epochs_for(banks: list[Bank], out: Path) -> timestamps.Epochs:
    """Plan the epochs of an output at `out` and remember them, as the commands do."""
    manifest = timestamps.epoch_manifest_path(out)
    epochs, text = timestamps.plan_epochs(banks, manifest)
    if text is not None:
        write_atomic(manifest, text)
    return epochs


def _bank() -> Bank:
    return load_banks([EXAMPLE])[0]


def _edit(bank: Bank, qid: str, prompt: str) -> Bank:
    questions = tuple(dataclasses.replace(q, prompt=prompt) if q.id == qid else q for q in bank.questions)
    return dataclasses.replace(bank, questions=questions)


def test_source_date_epoch_wins_and_is_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    epochs = epochs_for([_bank()], tmp_path / "out.apkg")
    assert epochs.build == 1234567890
    assert set(epochs.questions.values()) == {1234567890}
    manifest = json.loads((tmp_path / timestamps.MANIFEST_NAME).read_text())
    assert manifest["epoch"] == 1234567890
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    # a later build of the same banks without the variable keeps that epoch: same bytes
    assert epochs_for([_bank()], tmp_path / "out.apkg") == epochs


@pytest.mark.parametrize("bad", ["soon", "-5", "1.5"])
def test_bad_source_date_epoch_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        epochs_for([_bank()], tmp_path / "out.apkg")


def test_epoch_stays_while_banks_unchanged(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    first = epochs_for([_bank()], out)
    assert first.build == 1_000_000
    clock.now += 500
    second = epochs_for([_bank()], out)
    assert second == first


def test_one_edit_moves_only_that_question(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    bank = _bank()
    epochs_for([bank], out)
    clock.now += 500
    edited = epochs_for([_edit(bank, "ex-002", "Changed wording.")], out)
    assert edited.build == 1_000_500
    assert edited.questions["ex-002"] == 1_000_500
    assert {v for k, v in edited.questions.items() if k != "ex-002"} == {1_000_000}
    manifest = json.loads((tmp_path / timestamps.MANIFEST_NAME).read_text())
    assert manifest["epoch"] == 1_000_500


def test_epoch_moves_forward_even_if_the_clock_does_not(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    bank = _bank()
    epochs_for([bank], out)
    clock.now -= 3600  # clock set back
    edited = epochs_for([_edit(bank, "ex-001", "Changed.")], out)
    assert edited.build == 1_000_001
    assert edited.questions["ex-001"] == 1_000_001


def test_corrupt_manifest_is_replaced(tmp_path: Path, clock: Clock) -> None:
    (tmp_path / timestamps.MANIFEST_NAME).write_text("{not json")
    epochs = epochs_for([_bank()], tmp_path / "out.apkg")
    assert epochs.build == 1_000_000
    assert json.loads((tmp_path / timestamps.MANIFEST_NAME).read_text())["epoch"] == 1_000_000


def _moved(q: Question) -> Question:
    where = dataclasses.replace(q.location, line=q.location.line + 3)
    return dataclasses.replace(q, location=where)


def test_moving_a_question_in_its_file_is_not_a_change(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    bank = _bank()
    first = epochs_for([bank], out)
    clock.now += 10
    moved = dataclasses.replace(
        bank,
        questions=tuple(_moved(q) for q in bank.questions),
    )
    assert epochs_for([moved], out) == first


def test_other_banks_in_the_same_folder_keep_their_question_epochs(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    bank = _bank()
    renamed = tuple(dataclasses.replace(q, id=f"o-{q.id}") for q in bank.questions)
    other = dataclasses.replace(bank, id="other", questions=renamed)
    first = epochs_for([bank], out)
    clock.now += 100
    epochs_for([other], tmp_path / "other.apkg")
    clock.now += 100
    again = epochs_for([bank], out)
    assert again.questions == first.questions


@pytest.mark.parametrize("epoch", [timestamps.MAX_EPOCH, timestamps.MAX_EPOCH + 1, 10**30])
def test_a_remembered_epoch_past_year_9999_never_crashes_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: int
) -> None:
    """A damaged `.quizgen-epoch.json` (issue 16, point 12): anki and build still work."""
    from click.testing import CliRunner

    from quizgen.cli import main

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    banks = load_banks([EXAMPLE])
    fingerprint = timestamps.banks_fingerprint(banks)
    questions = {q.id: {"fingerprint": "x", "epoch": epoch} for q in banks[0].questions}
    manifest = {"epoch": epoch, "fingerprint": fingerprint, "questions": questions}
    for command, out in (("anki", tmp_path / "deck.apkg"), ("build", tmp_path / "out")):
        target = out if command == "anki" else out / "manifest.json"
        target.parent.mkdir(exist_ok=True)
        timestamps.epoch_manifest_path(target).write_text(json.dumps(manifest))
        args = [command, str(EXAMPLE), "-o" if command == "anki" else "--out", str(out)]
        if command == "build":
            args.append("-q")
            (out / "manifest.json").write_text(json.dumps({"quizgen": "0", "files": {}}))
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (command, result.output, result.exception)
        remembered = json.loads(timestamps.epoch_manifest_path(target).read_text())
        assert 0 < remembered["epoch"] <= timestamps.MAX_EPOCH


def test_the_manifest_text_is_jsons_indented_sorted_text() -> None:
    """`manifest_text` writes what json.dumps(indent=1, sort_keys=True) writes, entry for entry."""
    ids = ["q-1", "é-ü", 'quote"back\\slash', "日本", "z", "A.b_c", "tab\tid", "\u2028line"]
    questions = {qid: {"epoch": i * 1_000_003, "fingerprint": f"{i:064x}"} for i, qid in enumerate(ids)}
    manifests = [
        {"epoch": 1_700_000_000, "fingerprint": "ab" * 32, "questions": questions},
        {"epoch": 0, "fingerprint": "é", "questions": {**questions, "b": {"epoch": True, "fingerprint": ""}}},
        {"epoch": 5, "fingerprint": "f", "questions": {"a": {"epoch": 1, "fingerprint": "x", "more": 1}}},
        {"epoch": 5, "fingerprint": "f", "questions": {}},
    ]
    for manifest in manifests:
        assert timestamps.manifest_text(manifest) == json.dumps(manifest, indent=1, sort_keys=True) + "\n"
