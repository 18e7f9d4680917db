"""Quiz progress kept between runs: one FSRS card per (bank id, question id), saved atomically.

Scheduling uses FSRS (the `fsrs` package) without learning steps and without fuzzing, so every
answer schedules the question a whole number of days ahead (a miss: tomorrow; a right answer:
two days, then longer) and the same answers always give the same dates.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, cast

from quizgen.bank.model import Bank
from quizgen.errors import WriteError

# The clock, the data folder and opening the store live in progressdb: a quiz needs them before
# its first question, this module (records, scheduling, reports) only from its first answer.
from quizgen.study.progressdb import JSON_FILE_NAME
from quizgen.study.progressdb import LATEST_NOW as LATEST_NOW
from quizgen.study.progressdb import data_dir as data_dir
from quizgen.study.progressdb import now as now
from quizgen.study.progressdb import open_default_store as open_default_store

FORMAT_VERSION = 1
FILE_NAME = JSON_FILE_NAME

Key = tuple[str, str]  # (bank id, question id)


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


@dataclass(frozen=True)
class Answer:
    """One answer, as the review log keeps it."""

    time: datetime
    bank: str
    question: str
    outcome: str  # right, wrong or skipped
    rating: str | None  # the Grade given to the scheduler; None for a skip
    seconds: float | None  # how long the answer took


def _valid_card(raw: Any) -> dict[str, Any]:
    """An FSRS card as a dict, checked: ValueError (never a traceback later) when it is not one."""
    import fsrs

    if not isinstance(raw, dict):
        raise ValueError("a card must be a mapping")
    try:
        card = dict(fsrs.Card.from_dict(cast(Any, raw)).to_dict())
        due = datetime.fromisoformat(str(card["due"]))
    except Exception as e:  # fsrs raises whatever the shape makes it raise
        raise ValueError(f"not an FSRS card ({type(e).__name__})") from e
    if due.tzinfo is None:
        raise ValueError("a card's due date has no time zone")
    return card


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        raise ValueError(f"not a count: {str(value)[:20]}")
    return value


def card_record(card: str, seen: Any, right: Any, last_right: Any) -> Record | None:
    """A record from stored values (the card as JSON), None when they are damaged."""
    import json

    try:
        return Record(_valid_card(json.loads(card)), _count(seen), _count(right), bool(last_right))
    except (ValueError, TypeError, RecursionError):
        return None


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

    @property
    def problem(self) -> str | None:
        """None while every change has been kept; else why some were not (already warned about)."""
        ...

    def log_answer(self, answer: Answer) -> int | None:
        """Add an answer to the review log; returns its id (None when it could not be kept)."""
        ...

    def forget_answer(self, answer_id: int) -> None:
        """Take an answer out of the log (it was undone)."""
        ...

    def answers(self, bank_ids: Iterable[str]) -> list[Answer]:
        """The review log of these banks, oldest first."""
        ...


def write_atomic(path: Path, data: bytes | str) -> None:
    """`quizgen.fsutil.write_atomic`, imported on the first save: a quiz starts without it."""
    from quizgen import fsutil

    fsutil.write_atomic(path, data)


class JsonProgressStore:
    """The progress file: loaded once, saved after every change. Never raises on a bad file."""

    def __init__(
        self, path: Path, warn: Callable[[str], None] | None = None, *, read_only: bool = False
    ) -> None:
        self.path = path
        self._warn = warn or (lambda message: None)
        self._records: dict[Key, Record] = {}
        self._last_missed: list[Key] = []
        self._answers: list[Answer] = []
        self._problem: str | None = None
        self._read_only = read_only  # set too when the file could not be read or moved aside
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
            self._fail(f"could not read progress file {self.path} ({e.strerror}); progress will not be saved")
            self._read_only = True
            return
        import json

        try:
            data = json.loads(raw.decode("utf-8"))
            records, missed, answers = _parse(data)
        except (ValueError, RecursionError) as e:
            self._move_aside(str(e)[:200])
            return
        self._records, self._last_missed, self._answers = records, missed, answers
        if not self._read_only and not stat.S_IMODE(os.stat(self.path).st_mode) & 0o222:
            self._read_only = True  # even root leaves a file without write permission as it is
            self._fail(f"progress file {self.path} is read-only; answers in this session are not saved")

    def _move_aside(self, reason: str) -> None:
        from quizgen.study.progressdb import move_aside

        try:
            aside = move_aside(self.path, "corrupt")
        except OSError:
            self._fail(
                f"progress file {self.path} is damaged ({reason}) and could not be moved aside; "
                "progress will not be saved"
            )
            self._read_only = True
            return
        self._warn(
            f"progress file {self.path} is damaged ({reason}); moved it to {aside.name} and started afresh"
        )

    def _fail(self, message: str) -> None:
        if self._problem is None:
            self._warn(message)
            self._problem = message

    @property
    def problem(self) -> str | None:
        return self._problem

    def records(self) -> list[tuple[Key, Record]]:
        return sorted(self._records.items())

    def _save(self) -> None:
        """Write the file atomically; a failure is reported once and the quiz goes on."""
        if self._read_only:
            return
        import json

        data = {
            "version": FORMAT_VERSION,
            "answers": [_answer_json(a) for a in self._answers],
            "cards": {
                bank: {qid: _record_json(r) for (b, qid), r in sorted(self._records.items()) if b == bank}
                for bank in sorted({b for b, _ in self._records})
            },
            "last_missed": [list(k) for k in self._last_missed],
        }
        try:
            write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        except WriteError as e:
            self._fail(f"could not save progress: {e}")

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

    def log_answer(self, answer: Answer) -> int | None:
        self._answers.append(answer)
        self._changed()
        return len(self._answers) - 1

    def forget_answer(self, answer_id: int) -> None:
        if 0 <= answer_id < len(self._answers):
            del self._answers[answer_id]
            self._changed()

    def answers(self, bank_ids: Iterable[str]) -> list[Answer]:
        ids = set(bank_ids)
        return sorted((a for a in self._answers if a.bank in ids), key=lambda a: a.time)


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "time": answer.time.isoformat(),
        "bank": answer.bank,
        "question": answer.question,
        "outcome": answer.outcome,
        "rating": answer.rating,
        "seconds": answer.seconds,
    }


def _record_json(record: Record) -> dict[str, Any]:
    return {"card": record.card, "seen": record.seen, "right": record.right, "last_right": record.last_right}


def _parse(data: Any) -> tuple[dict[Key, Record], list[Key], list[Answer]]:
    """The file's content; ValueError for anything of another shape (never a traceback later)."""
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ValueError("not a quizgen progress file of version 1")
    cards = data.get("cards")
    if not isinstance(cards, dict):
        raise ValueError("'cards' must be a mapping")
    records: dict[Key, Record] = {}
    for bank, questions in cards.items():
        if not isinstance(questions, dict):
            raise ValueError(f"the cards of bank {str(bank)[:40]!r} must be a mapping")
        for qid, raw in questions.items():
            if not isinstance(raw, dict):
                raise ValueError(f"the record of {str(qid)[:40]!r} must be a mapping")
            card = _valid_card(raw.get("card"))
            seen, right = _count(raw.get("seen")), _count(raw.get("right"))
            # files written before "last_right" existed: only a question never missed counts as learned
            last_right = bool(raw.get("last_right", right == seen))
            records[(str(bank), str(qid))] = Record(card, seen, right, last_right)
    missed_raw = data.get("last_missed", [])
    if not isinstance(missed_raw, list) or not all(
        isinstance(k, list) and len(k) == 2 and all(isinstance(x, str) for x in k) for k in missed_raw
    ):
        raise ValueError("'last_missed' must be a list of [bank, question] pairs")
    answers: list[Answer] = []
    for raw in data.get("answers", []) if isinstance(data.get("answers", []), list) else []:
        try:
            moment = datetime.fromisoformat(raw["time"])
            if moment.tzinfo is None:
                continue
            seconds = raw.get("seconds")
            answers.append(
                Answer(
                    moment,
                    str(raw["bank"]),
                    str(raw["question"]),
                    str(raw["outcome"]),
                    None if raw.get("rating") is None else str(raw["rating"]),
                    float(seconds) if isinstance(seconds, int | float) else None,
                )
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            continue  # one damaged log entry is dropped, not the whole file
    return records, [(b, q) for b, q in missed_raw], answers


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


@dataclass(frozen=True)
class Activity:
    """What the review log tells about these banks."""

    last_7_days: int  # answers given in the last 7 days
    last_30_days: int
    streak: int  # days in a row with an answer, up to today (or yesterday, before today's first)
    right_by_section: dict[tuple[str, str], tuple[int, int]]  # (bank, section) -> (right, answered)
    due_by_day: list[tuple[date, int]]  # the next 7 days, and how many questions fall due on each


def activity(banks: Sequence[Bank], store: ProgressStore, when: datetime) -> Activity:
    """Statistics from the review log and the card states (days are UTC days)."""
    sections = {(b.id, q.id): q.source.section for b in banks for q in b.questions}
    log = store.answers(b.id for b in banks)
    right_by_section: dict[tuple[str, str], tuple[int, int]] = {}
    for answer in log:
        section = sections.get((answer.bank, answer.question))
        if section is None:
            continue  # a question no longer in the bank
        right, total = right_by_section.get((answer.bank, section), (0, 0))
        right_by_section[(answer.bank, section)] = (right + (answer.outcome == "right"), total + 1)
    days = {a.time.astimezone(UTC).date() for a in log}
    today = when.date()
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    upcoming: dict[date, int] = {today + timedelta(days=n): 0 for n in range(1, 8)}
    for key in sections:
        record = store.get(key)
        if record is not None and (due_day := record.due.astimezone(UTC).date()) in upcoming:
            upcoming[due_day] += 1
    return Activity(
        last_7_days=sum(a.time > when - timedelta(days=7) and a.time <= when for a in log),
        last_30_days=sum(a.time > when - timedelta(days=30) and a.time <= when for a in log),
        streak=streak,
        right_by_section=right_by_section,
        due_by_day=sorted(upcoming.items()),
    )


LOG_COLUMNS = ("time", "bank", "question", "section", "outcome", "rating", "seconds")

# What a spreadsheet takes for the start of a formula (OWASP's list, and the full-width forms some
# spreadsheets also read): `=HYPERLINK(...)` as a section id would be a live link, or worse.
_FORMULA_STARTS = tuple("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def _cell(text: str) -> str:
    """Text from a bank or the progress file as a CSV cell a spreadsheet shows as text: one that
    starts like a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def log_csv(banks: Sequence[Bank], store: ProgressStore) -> str:
    """The review log of these banks as CSV, oldest answer first. Text cells never start a formula
    (a section id is free text in a bank, and banks are shared)."""
    import csv
    import io

    sections = {(b.id, q.id): q.source.section for b in banks for q in b.questions}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOG_COLUMNS)
    for a in store.answers(b.id for b in banks):
        seconds = "" if a.seconds is None else f"{a.seconds:g}"
        section = sections.get((a.bank, a.question), "")
        writer.writerow(
            (
                a.time.astimezone(UTC).isoformat(),
                _cell(a.bank),
                _cell(a.question),
                _cell(section),
                _cell(a.outcome),
                a.rating or "",
                seconds,
            )
        )
    return out.getvalue()
