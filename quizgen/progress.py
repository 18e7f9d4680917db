"""Quiz progress kept between runs: one FSRS card per (bank id, question id), saved atomically.

Scheduling uses FSRS (the `fsrs` package) without learning steps and without fuzzing, so every
answer schedules the question a whole number of days ahead (a miss: tomorrow; a right answer:
two days, then longer) and the same answers always give the same dates.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, cast

from quizgen.errors import UsageError, WriteError
from quizgen.fsutil import write_atomic
from quizgen.model import Bank

FORMAT_VERSION = 1
FILE_NAME = "progress.json"

Key = tuple[str, str]  # (bank id, question id)


LATEST_NOW = datetime(9000, 12, 31, tzinfo=UTC)


def now() -> datetime:
    """The current time in UTC. `QUIZGEN_NOW` (an ISO date-time) overrides it, for tests."""
    fixed = os.environ.get("QUIZGEN_NOW")
    if not fixed:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(fixed)
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError) as e:
        raise UsageError(f"QUIZGEN_NOW is not an ISO date-time: {fixed!r}") from e
    # reviews are scheduled up to a hundred years ahead, and dates end with the year 9999
    if not LATEST_NOW.year >= moment.year >= 1970:
        raise UsageError(f"QUIZGEN_NOW must be a date-time from 1970 to {LATEST_NOW.year}, not {fixed!r}")
    return moment


def data_dir() -> Path:
    """Where progress lives: `QUIZGEN_DATA_DIR`, else the user's data directory."""
    override = os.environ.get("QUIZGEN_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("quizgen", appauthor=False))


class Grade(StrEnum):
    """How an answer went, as the scheduler sees it."""

    AGAIN = "again"  # wrong
    HARD = "hard"  # right, but with a hint or a near-miss spelling
    GOOD = "good"  # right


@dataclass(frozen=True)
class Record:
    """What is known about one question: its FSRS card (as a dict), simple counts, and whether the
    last answer was right (a question missed last time is not learned, however far off its review)."""

    card: dict[str, Any]
    seen: int
    right: int
    last_right: bool = True

    @property
    def due(self) -> datetime:
        return datetime.fromisoformat(str(self.card["due"]))


def _scheduler() -> Any:
    import fsrs

    return fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def schedule(record: Record | None, grade: Grade, when: datetime) -> Record:
    """The record after one answer at `when`."""
    import fsrs

    card = fsrs.Card.from_dict(cast(Any, record.card)) if record else fsrs.Card(card_id=0, due=when)
    rating = {Grade.AGAIN: fsrs.Rating.Again, Grade.HARD: fsrs.Rating.Hard}.get(grade, fsrs.Rating.Good)
    card, _log = _scheduler().review_card(card, rating, when)
    seen = (record.seen if record else 0) + 1
    right = (record.right if record else 0) + (grade is not Grade.AGAIN)
    return Record(dict(card.to_dict()), seen, right, grade is not Grade.AGAIN)


class ProgressStore(Protocol):
    """Where quiz progress is kept, per (bank id, question id). The quiz, review, progress and the
    tests use only this interface, so a store can be swapped (the JSON file today, SQLite next).

    Changes made outside `transaction()` are kept at once; inside one, all together when it ends
    (and none of them when it ends with an exception). The quiz makes one transaction per answer.
    A store never raises for a damaged or unwritable file: it warns and goes on.
    """

    @property
    def location(self) -> str:
        """Where the progress is kept, as shown to the user."""
        ...

    def get(self, key: Key) -> Record | None:
        """One question's record, None when it was never answered."""
        ...

    def put(self, key: Key, record: Record | None) -> None:
        """Set (or with None, forget) one question's record."""
        ...

    def last_missed(self) -> list[Key]:
        """The questions missed (or skipped) in the last quiz, in the order they were asked."""
        ...

    def set_last_missed(self, keys: Iterable[Key]) -> None: ...

    def reset(self, bank_ids: Iterable[str]) -> int:
        """Forget every record (and last miss) of these banks; returns how many records went."""
        ...

    def due(self, when: datetime) -> list[Key]:
        """Every question due for review at `when`, the longest overdue first."""
        ...

    def is_empty(self) -> bool:
        """True when no question has a record."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Group changes into one write."""
        ...


def open_default_store(warn: Callable[[str], None] | None = None) -> ProgressStore:
    """The user's progress store, in `data_dir()`."""
    return JsonProgressStore(data_dir() / FILE_NAME, warn)


class JsonProgressStore:
    """The progress file: loaded once, saved after every change. Never raises on a bad file."""

    def __init__(self, path: Path, warn: Callable[[str], None] | None = None) -> None:
        self.path = path
        self._warn = warn or (lambda message: None)
        self._records: dict[Key, Record] = {}
        self._last_missed: list[Key] = []
        self._save_failed = False
        self._read_only = False  # set when the file on disk could not be read or moved aside
        self._depth = 0  # open transactions
        self._load()

    @property
    def location(self) -> str:
        return str(self.path)

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as e:
            # never overwrite a file we could not read: this session's progress is not saved
            self._warn(f"could not read progress file {self.path} ({e.strerror}); progress will not be saved")
            self._save_failed = self._read_only = True
            return
        try:
            data = json.loads(raw.decode("utf-8"))
            records, missed = _parse(data)
        except (ValueError, KeyError, TypeError) as e:
            self._move_aside(f"{type(e).__name__}: {e}")
            return
        self._records, self._last_missed = records, missed

    def _move_aside(self, reason: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            os.replace(self.path, aside)
        except OSError:
            self._warn(
                f"progress file {self.path} is damaged ({reason}) and could not be moved aside; "
                "progress will not be saved"
            )
            self._save_failed = self._read_only = True
            return
        self._warn(
            f"progress file {self.path} is damaged ({reason}); moved it to {aside.name} and started afresh"
        )

    def _save(self) -> None:
        """Write the file atomically; a failure is reported once and the quiz goes on."""
        if self._read_only:
            return
        data = {
            "version": FORMAT_VERSION,
            "cards": {
                bank: {qid: _record_json(r) for (b, qid), r in sorted(self._records.items()) if b == bank}
                for bank in sorted({b for b, _ in self._records})
            },
            "last_missed": [list(k) for k in self._last_missed],
        }
        try:
            write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        except WriteError as e:
            if not self._save_failed:
                self._warn(f"could not save progress: {e}")
            self._save_failed = True

    def _changed(self) -> None:
        if self._depth == 0:
            self._save()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        before = (dict(self._records), list(self._last_missed))
        self._depth += 1
        try:
            yield
        except BaseException:
            self._records, self._last_missed = before
            raise
        finally:
            self._depth -= 1
        self._changed()

    def get(self, key: Key) -> Record | None:
        return self._records.get(key)

    def put(self, key: Key, record: Record | None) -> None:
        if record is None:
            self._records.pop(key, None)
        else:
            self._records[key] = record
        self._changed()

    def last_missed(self) -> list[Key]:
        return list(self._last_missed)

    def set_last_missed(self, keys: Iterable[Key]) -> None:
        self._last_missed = list(keys)
        self._changed()

    def reset(self, bank_ids: Iterable[str]) -> int:
        ids = set(bank_ids)
        gone = [k for k in self._records if k[0] in ids]
        for k in gone:
            del self._records[k]
        self._last_missed = [k for k in self._last_missed if k[0] not in ids]
        self._changed()
        return len(gone)

    def due(self, when: datetime) -> list[Key]:
        due = [(r.due, k) for k, r in self._records.items() if r.due <= when]
        return [k for _, k in sorted(due, key=lambda pair: pair[0])]

    def is_empty(self) -> bool:
        return not self._records


def _record_json(record: Record) -> dict[str, Any]:
    return {"card": record.card, "seen": record.seen, "right": record.right, "last_right": record.last_right}


def _parse(data: Any) -> tuple[dict[Key, Record], list[Key]]:
    import fsrs

    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ValueError("not a quizgen progress file of version 1")
    records: dict[Key, Record] = {}
    for bank, cards in data["cards"].items():
        for qid, raw in cards.items():
            card = fsrs.Card.from_dict(raw["card"]).to_dict()  # raises on a damaged card
            seen, right = int(raw["seen"]), int(raw["right"])
            # files written before "last_right" existed: only a question never missed counts as learned
            last_right = bool(raw.get("last_right", right == seen))
            records[(str(bank), str(qid))] = Record(dict(card), seen, right, last_right)
    missed = [(str(b), str(q)) for b, q in data.get("last_missed", [])]
    return records, missed


@dataclass(frozen=True)
class SectionProgress:
    bank: Bank
    section_id: str
    title: str
    learned: int
    missed: int
    due: int
    new: int


def section_progress(banks: Sequence[Bank], store: ProgressStore, when: datetime) -> list[SectionProgress]:
    """Per section of each bank: learned (last answer right, not due), missed (last answer wrong,
    not due yet), due, and new (never answered)."""
    rows = []
    for bank in banks:
        for section in bank.article.sections:
            keys = [(bank.id, q.id) for q in bank.questions_in(section.id)]
            if not keys:
                continue
            learned = missed = due = new = 0
            for k in keys:
                record = store.get(k)
                if record is None:
                    new += 1
                elif record.due <= when:
                    due += 1
                elif record.last_right:
                    learned += 1
                else:
                    missed += 1
            rows.append(SectionProgress(bank, section.id, section.title, learned, missed, due, new))
    return rows


def next_due(banks: Sequence[Bank], store: ProgressStore, when: datetime) -> tuple[datetime, int] | None:
    """The first due time after `when` among these banks' questions, and how many fall that day."""
    upcoming = sorted(
        r.due
        for bank in banks
        for q in bank.questions
        if (r := store.get((bank.id, q.id))) is not None and r.due > when
    )
    if not upcoming:
        return None
    first = upcoming[0]
    return first, sum(d.date() == first.date() for d in upcoming)
