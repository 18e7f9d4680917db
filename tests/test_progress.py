"""The progress store: FSRS scheduling, the store interface (run against every store), and the JSON
file's own cases (atomic saves, damaged and unwritable files)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizgen.bank.loader import load_banks
from quizgen.bank.model import QuestionType
from quizgen.errors import UsageError, WriteError
from quizgen.study.progress import (
    FILE_NAME,
    Answer,
    Grade,
    JsonProgressStore,
    ProgressStore,
    Record,
    data_dir,
    next_due,
    now,
    schedule,
    section_progress,
)
from quizgen.study.progressdb import FILE_NAME as DB_FILE_NAME
from quizgen.study.progressdb import SqliteProgressStore

EXAMPLE = Path(__file__).parent / "banks" / "valid" / "example"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

# Every store behind the ProgressStore interface: a factory that opens the store kept in a folder
# (opening it again reads back what was kept). A new store is one more entry.
OpenStore = Callable[[Path], ProgressStore]
STORES: dict[str, OpenStore] = {
    "json": lambda folder: JsonProgressStore(folder / FILE_NAME),
    "sqlite": lambda folder: SqliteProgressStore(folder / DB_FILE_NAME),
}


@pytest.fixture(params=sorted(STORES))
def open_store(request: pytest.FixtureRequest) -> OpenStore:
    return STORES[request.param]


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


def test_put_get_and_reopen(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    assert store.is_empty() and store.get(("example", "ex-001")) is None
    record = schedule(None, Grade.GOOD, T0)
    store.put(("example", "ex-001"), record)
    store.set_last_missed([("example", "ex-002")])
    assert store.get(("example", "ex-001")) == record
    again = open_store(tmp_path)
    assert again.get(("example", "ex-001")) == record
    assert again.last_missed() == [("example", "ex-002")]
    assert not again.is_empty()
    assert again.location
    again.put(("example", "ex-001"), None)
    assert open_store(tmp_path).get(("example", "ex-001")) is None


def test_due_on_a_date_longest_overdue_first(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))  # due in 2 days
    store.put(("example", "ex-002"), schedule(None, Grade.AGAIN, T0))  # due tomorrow
    assert store.due(T0) == []
    assert store.due(T0 + timedelta(days=1)) == [("example", "ex-002")]
    assert open_store(tmp_path).due(T0 + timedelta(days=9)) == [("example", "ex-002"), ("example", "ex-001")]


def test_a_transaction_keeps_its_changes_together(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with store.transaction():
        store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
        store.set_last_missed([("example", "ex-001")])
        assert open_store(tmp_path).get(("example", "ex-001")) is None  # not kept yet
    again = open_store(tmp_path)
    assert again.get(("example", "ex-001")) is not None
    assert again.last_missed() == [("example", "ex-001")]


def test_a_failed_transaction_changes_nothing(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    kept = schedule(None, Grade.GOOD, T0)
    store.put(("example", "ex-001"), kept)
    with pytest.raises(KeyboardInterrupt), store.transaction():
        store.put(("example", "ex-001"), schedule(kept, Grade.AGAIN, T0))
        store.set_last_missed([("example", "ex-001")])
        raise KeyboardInterrupt
    for s in (store, open_store(tmp_path)):
        assert s.get(("example", "ex-001")) == kept
        assert s.last_missed() == []


def test_reset_forgets_only_the_named_banks(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
    store.put(("other", "o-1"), schedule(None, Grade.GOOD, T0))
    store.set_last_missed([("example", "ex-001"), ("other", "o-1")])
    assert store.reset(["example"]) == 1
    again = open_store(tmp_path)
    assert again.get(("example", "ex-001")) is None
    assert again.get(("other", "o-1")) is not None
    assert again.last_missed() == [("other", "o-1")]


def test_json_file_format_and_no_temporaries(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    store = JsonProgressStore(path)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
    store.set_last_missed([("example", "ex-002")])
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert set(data["cards"]["example"]) == {"ex-001"}
    assert data["last_missed"] == [["example", "ex-002"]]
    assert store.location == str(path)
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
    store = JsonProgressStore(path, warnings.append)
    assert store.is_empty()
    assert len(warnings) == 1
    assert "damaged" in warnings[0]
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(f"{FILE_NAME}.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == content
    record = schedule(None, Grade.GOOD, T0)
    store.put(("example", "ex-001"), record)
    assert JsonProgressStore(path).get(("example", "ex-001")) == record


def test_unwritable_folder_warns_once_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import quizgen.study.progress

    def refuse(path: Path, data: bytes | str) -> None:
        raise WriteError(f"cannot write {path}: Read-only file system")

    monkeypatch.setattr(quizgen.study.progress, "write_atomic", refuse)
    warnings: list[str] = []
    store = JsonProgressStore(tmp_path / FILE_NAME, warnings.append)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
    store.put(("example", "ex-002"), schedule(None, Grade.GOOD, T0))
    assert warnings == [
        f"could not save progress: cannot write {tmp_path / FILE_NAME}: Read-only file system"
    ]
    assert store.get(("example", "ex-002")) is not None


def test_a_progress_file_that_cannot_be_read_is_never_overwritten(tmp_path: Path) -> None:
    unreadable = tmp_path / FILE_NAME
    unreadable.mkdir()  # reading it fails with an OSError
    (unreadable / "keep").write_text("someone's data")
    warnings: list[str] = []
    store = JsonProgressStore(unreadable, warnings.append)
    store.put(("example", "ex-001"), schedule(None, Grade.GOOD, T0))
    assert len(warnings) == 1 and "progress will not be saved" in warnings[0]
    assert (unreadable / "keep").read_text() == "someone's data"
    assert store.get(("example", "ex-001")) is not None


def test_section_progress_and_next_due(open_store: OpenStore, tmp_path: Path) -> None:
    (example_bank,) = load_banks([EXAMPLE])
    store = open_store(tmp_path)
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


def test_a_question_answered_wrong_last_is_not_learned(open_store: OpenStore, tmp_path: Path) -> None:
    (example_bank,) = load_banks([EXAMPLE])
    store = open_store(tmp_path)
    right_then_wrong = schedule(schedule(None, Grade.GOOD, T0), Grade.AGAIN, T0 + timedelta(days=2))
    store.put(("example", "ex-001"), right_then_wrong)  # intro: due a day after the miss
    store.put(("example", "ex-002"), schedule(None, Grade.GOOD, T0 + timedelta(days=2)))
    when = T0 + timedelta(days=2, hours=1)
    (intro,) = [r for r in section_progress([example_bank], store, when) if r.section_id == "intro"]
    assert (intro.learned, intro.missed, intro.due, intro.new) == (1, 1, 0, 1)
    # and so after the store is opened again
    again = open_store(tmp_path)
    (intro,) = [r for r in section_progress([example_bank], again, when) if r.section_id == "intro"]
    assert (intro.learned, intro.missed) == (1, 1)


def test_old_progress_files_count_only_never_missed_questions_as_learned(tmp_path: Path) -> None:
    store = JsonProgressStore(tmp_path / FILE_NAME)
    store.put(("example", "ex-001"), schedule(schedule(None, Grade.GOOD, T0), Grade.AGAIN, T0))
    store.put(("example", "ex-002"), schedule(None, Grade.GOOD, T0))
    data = json.loads((tmp_path / FILE_NAME).read_text())
    for card in data["cards"]["example"].values():
        del card["last_right"]  # as written before the key existed
    (tmp_path / FILE_NAME).write_text(json.dumps(data))
    old = JsonProgressStore(tmp_path / FILE_NAME)
    assert old.get(("example", "ex-001")) == dataclasses.replace(
        schedule(schedule(None, Grade.GOOD, T0), Grade.AGAIN, T0), last_right=False
    )
    assert (r := old.get(("example", "ex-002"))) is not None and r.last_right is True


class _CountingStore:
    """A store that counts transactions and writes outside them, around a real store."""

    def __init__(self, inner: ProgressStore) -> None:
        self.inner = inner
        self.transactions = 0
        self.open = 0
        self.bare_writes = 0

    @property
    def location(self) -> str:
        return self.inner.location

    def get(self, key: tuple[str, str]) -> Record | None:
        return self.inner.get(key)

    def put(self, key: tuple[str, str], record: Record | None) -> None:
        self.bare_writes += self.open == 0
        self.inner.put(key, record)

    def last_missed(self) -> list[tuple[str, str]]:
        return self.inner.last_missed()

    def set_last_missed(self, keys: Iterable[tuple[str, str]]) -> None:
        self.bare_writes += self.open == 0
        self.inner.set_last_missed(keys)

    def reset(self, bank_ids: Iterable[str]) -> int:
        return self.inner.reset(bank_ids)

    def due(self, when: datetime) -> list[tuple[str, str]]:
        return self.inner.due(when)

    def is_empty(self) -> bool:
        return self.inner.is_empty()

    @property
    def problem(self) -> str | None:
        return self.inner.problem

    def log_answer(self, answer: Answer) -> int | None:
        self.bare_writes += self.open == 0
        return self.inner.log_answer(answer)

    def forget_answer(self, answer_id: int) -> None:
        self.bare_writes += self.open == 0
        self.inner.forget_answer(answer_id)

    def answers(self, bank_ids: Iterable[str]) -> list[Answer]:
        return self.inner.answers(bank_ids)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.transactions += 1
        self.open += 1
        try:
            with self.inner.transaction():
                yield
        finally:
            self.open -= 1


class _Lines:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def ask(self, prompt: str) -> str:
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)

    def say(self, text: str = "", style: str | None = None) -> None:
        pass


def test_the_quiz_makes_one_transaction_per_answer(open_store: OpenStore, tmp_path: Path) -> None:
    from quizgen.study.quiz import run_quiz
    from quizgen.study.selection import Picked

    (bank,) = load_banks([EXAMPLE])
    tf = [Picked(bank, q) for q in bank.questions if q.type is QuestionType.TRUE_FALSE]
    flash = [Picked(bank, q) for q in bank.questions if q.type is QuestionType.FLASHCARD]
    spy = _CountingStore(open_store(tmp_path))
    # true/false right, undo it (at the flashcard), answer it wrong, then the flashcard: three
    # answers and one undo
    lines = _Lines(["t", "", "u", "f", "", "y"])
    run_quiz([*tf, *flash], lines, spy, clock=lambda: T0, offer_retry=False)
    assert spy.transactions == 4
    assert spy.bare_writes == 0
    again = open_store(tmp_path)
    assert all(again.get(("example", p.question.id)) is not None for p in [*tf, *flash])
    assert again.last_missed() == [("example", tf[0].question.id)]
