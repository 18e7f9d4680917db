"""The progress store: FSRS scheduling, atomic saves, the data directory, damaged files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizgen.errors import UsageError, WriteError
from quizgen.loader import load_banks
from quizgen.progress import (
    FILE_NAME,
    Grade,
    ProgressStore,
    data_dir,
    next_due,
    now,
    schedule,
    section_progress,
)

EXAMPLE = Path(__file__).parent / "banks" / "valid" / "example"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_now_override_is_read_as_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZGEN_NOW", "2025-03-01T09:00:00")
    assert now() == T0
    monkeypatch.setenv("QUIZGEN_NOW", "2025-03-01T10:00:00+01:00")
    assert now() == T0
    monkeypatch.setenv("QUIZGEN_NOW", "yesterday")
    with pytest.raises(UsageError, match="QUIZGEN_NOW"):
        now()
    monkeypatch.delenv("QUIZGEN_NOW")
    assert now().tzinfo is not None


def test_data_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QUIZGEN_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv("QUIZGEN_DATA_DIR")
    assert data_dir().name == "quizgen"


def test_schedule_grades_in_whole_days() -> None:
    wrong = schedule(None, Grade.AGAIN, T0)
    hard = schedule(None, Grade.HARD, T0)
    good = schedule(None, Grade.GOOD, T0)
    assert wrong.due - T0 == timedelta(days=1)
    assert hard.due - T0 == timedelta(days=1)
    assert good.due - T0 == timedelta(days=2)
    assert (good.seen, good.right) == (1, 1)
    assert (wrong.seen, wrong.right) == (1, 0)
    # a second right answer on the due day pushes the question further out
    again = schedule(good, Grade.GOOD, good.due)
    assert again.due - good.due > timedelta(days=2)
    assert (again.seen, again.right) == (2, 2)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    store = ProgressStore(path)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
    store.set_last_missed([("example", "ex-002")])
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert set(data["cards"]["example"]) == {"ex-001"}
    again = ProgressStore(path)
    assert again.records == store.records
    assert again.last_missed == [("example", "ex-002")]
    assert again.is_due(("example", "ex-001"), T0 + timedelta(days=2))
    assert not again.is_due(("example", "ex-001"), T0 + timedelta(days=1))
    assert not again.is_due(("example", "never-seen"), T0 + timedelta(days=99))
    # no temporary files are left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"version": 99, "cards": {}}',
        b'{"version": 1, "cards": {"example": {"ex-001": {"card": {"due": "soon"}}}}}',
    ],
)
def test_damaged_file_is_moved_aside_with_a_warning(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(content)
    warnings: list[str] = []
    store = ProgressStore(path, warnings.append)
    assert store.records == {}
    assert len(warnings) == 1
    assert "damaged" in warnings[0]
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(f"{FILE_NAME}.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == content
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
    assert ProgressStore(path).records == store.records


def test_unwritable_folder_warns_once_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import quizgen.progress

    def refuse(path: Path, data: bytes | str) -> None:
        raise WriteError(f"cannot write {path}: Read-only file system")

    monkeypatch.setattr(quizgen.progress, "write_atomic", refuse)
    warnings: list[str] = []
    store = ProgressStore(tmp_path / FILE_NAME, warnings.append)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
    store.put(("example", "ex-002"), schedule(None, Grade.GOOD, T0))
    assert warnings == [
        f"could not save progress: cannot write {tmp_path / FILE_NAME}: Read-only file system"
    ]
    assert ("example", "ex-002") in store.records


def test_a_progress_file_that_cannot_be_read_is_never_overwritten(tmp_path: Path) -> None:
    unreadable = tmp_path / FILE_NAME
    unreadable.mkdir()  # reading it fails with an OSError
    (unreadable / "keep").write_text("someone's data")
    warnings: list[str] = []
    store = ProgressStore(unreadable, warnings.append)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
    assert len(warnings) == 1 and "progress will not be saved" in warnings[0]
    assert (unreadable / "keep").read_text() == "someone's data"
    assert ("example", "ex-001") in store.records


def test_reset_forgets_only_the_named_banks(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / FILE_NAME)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
    store.put(("other", "o-1"), schedule(None, Grade.GOOD, T0))
    store.set_last_missed([("example", "ex-001"), ("other", "o-1")])
    assert store.reset(["example"]) == 1
    again = ProgressStore(tmp_path / FILE_NAME)
    assert set(again.records) == {("other", "o-1")}
    assert again.last_missed == [("other", "o-1")]


def test_section_progress_and_next_due(tmp_path: Path) -> None:
    (example_bank,) = load_banks([EXAMPLE])
    store = ProgressStore(tmp_path / FILE_NAME)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))  # intro, due in 2 days
    store.put(("example", "ex-004"), schedule(None, Grade.AGAIN, T0))  # habits, due tomorrow
    rows = {
        r.section_id: (r.learned, r.missed, r.due, r.new)
        for r in section_progress([example_bank], store, T0 + timedelta(days=1))
    }
    assert rows == {"intro": (1, 0, 0, 2), "habits": (0, 0, 1, 2)}
    first = next_due([example_bank], store, T0 + timedelta(days=1))
    assert first == (T0 + timedelta(days=2), 1)
    assert next_due([example_bank], store, T0 + timedelta(days=5)) is None


def test_a_question_answered_wrong_last_is_not_learned(tmp_path: Path) -> None:
    (example_bank,) = load_banks([EXAMPLE])
    store = ProgressStore(tmp_path / FILE_NAME)
    right_then_wrong = schedule(schedule(None, Grade.GOOD, T0), Grade.AGAIN, T0 + timedelta(days=2))
    store.put(("example", "ex-001"), right_then_wrong)  # intro: due a day after the miss
    store.put(("example", "ex-002"), schedule(None, Grade.GOOD, T0 + timedelta(days=2)))
    when = T0 + timedelta(days=2, hours=1)
    (intro,) = [r for r in section_progress([example_bank], store, when) if r.section_id == "intro"]
    assert (intro.learned, intro.missed, intro.due, intro.new) == (1, 1, 0, 1)
    # and so after the file is read back
    again = ProgressStore(tmp_path / FILE_NAME)
    (intro,) = [r for r in section_progress([example_bank], again, when) if r.section_id == "intro"]
    assert (intro.learned, intro.missed) == (1, 1)


def test_old_progress_files_count_only_never_missed_questions_as_learned(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / FILE_NAME)
    store.put(("example", "ex-001"), schedule(schedule(None, Grade.GOOD, T0), Grade.AGAIN, T0))
    store.put(("example", "ex-002"), schedule(None, Grade.GOOD, T0))
    data = json.loads((tmp_path / FILE_NAME).read_text())
    for card in data["cards"]["example"].values():
        del card["last_right"]  # as written before the key existed
    (tmp_path / FILE_NAME).write_text(json.dumps(data))
    old = ProgressStore(tmp_path / FILE_NAME)
    assert old.records[("example", "ex-001")].last_right is False
    assert old.records[("example", "ex-002")].last_right is True
