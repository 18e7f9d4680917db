"""Quiz progress in SQLite: card states and a log of every answer, one transaction per answer.

The standard library's `sqlite3`, in WAL mode: two quiz sessions on one data folder both keep
every answer (each answer writes its own rows, under SQLite's lock), and an answer costs the same
however much progress there is. The store never raises: a database that is locked past a short
wait, damaged or read-only gives a warning, the quiz goes on, and `problem` says what was not kept.
A damaged database is moved aside under a name no other can take; a read-only one is never
written. The first run reads an existing `progress.json` into the database and leaves the file as
it was, as a backup.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizgen.errors import UsageError

if TYPE_CHECKING:
    from quizgen.study.progress import Answer, Key, ProgressStore, Record

FILE_NAME = "progress.db"
JSON_FILE_NAME = "progress.json"  # where progress was kept before the database
SCHEMA_VERSION = 1
BUSY_SECONDS = 2.0  # how long an answer waits for another session's write before giving up

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


def open_default_store(
    warn: Callable[[str], None] | None = None,
    note: Callable[[str], None] | None = None,
    language: str = "en",
) -> ProgressStore:
    """The user's progress store: the SQLite database in `data_dir()`, holding the progress of
    an earlier `progress.json` once it has been moved in (`note` hears of that). Its warnings
    are in `language`."""
    folder = data_dir()
    store = SqliteProgressStore(folder / FILE_NAME, warn, language=language)
    store.migrate_from(folder / JSON_FILE_NAME, note or (lambda message: None))
    return store


def write_atomic(path: Path, data: bytes | str) -> None:
    """`quizgen.fsutil.write_atomic`, imported on the first save: a quiz starts without it."""
    from quizgen import fsutil

    fsutil.write_atomic(path, data)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    bank TEXT NOT NULL,
    question TEXT NOT NULL,
    card TEXT NOT NULL,          -- the FSRS card, as JSON
    due TEXT NOT NULL,           -- ISO 8601 in UTC, so text order is time order
    seen INTEGER NOT NULL,
    right INTEGER NOT NULL,
    last_right INTEGER NOT NULL,
    PRIMARY KEY (bank, question)
);
CREATE INDEX IF NOT EXISTS cards_due ON cards (due);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,          -- ISO 8601 in UTC
    bank TEXT NOT NULL,
    question TEXT NOT NULL,
    outcome TEXT NOT NULL,       -- right, wrong, skipped
    rating TEXT,                 -- again, hard, good; none for a skip
    seconds REAL                 -- time taken to answer
);
CREATE INDEX IF NOT EXISTS answers_time ON answers (time);
CREATE TABLE IF NOT EXISTS last_missed (
    position INTEGER PRIMARY KEY,
    bank TEXT NOT NULL,
    question TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def move_aside(path: Path, why: str) -> Path:
    """Rename a damaged file to `<name>.<why>-<time>-<unique>`: a name no other file has or
    will get (two moved aside in the same second keep both)."""
    import tempfile

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    fd, aside = tempfile.mkstemp(prefix=f"{path.name}.{why}-{stamp}-", dir=path.parent)
    os.close(fd)
    os.replace(path, aside)
    return Path(aside)


def _read_only_file(path: Path) -> bool:
    """Whether the file has no write permission at all (so even root leaves it alone)."""
    try:
        return not stat.S_IMODE(os.stat(path).st_mode) & 0o222
    except OSError:
        return False


class SqliteProgressStore:
    """The progress database (see the module's docstring). Implements `ProgressStore`."""

    def __init__(
        self,
        path: Path,
        warn: Callable[[str], None] | None = None,
        *,
        busy_seconds: float | None = None,
        language: str = "en",
    ) -> None:
        from quizgen.i18n import translator

        self.path = path
        self._warn = warn or (lambda message: None)
        t = translator(language)  # its warnings are in the language of the quiz being taken
        self._, self._ngettext = t.gettext, t.ngettext
        self._busy = BUSY_SECONDS if busy_seconds is None else busy_seconds
        self._problem: str | None = None
        self._depth = 0
        self._tx_ok = False
        self._conn = self._connect()

    # -- opening -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            why = self._("cannot make the folder {folder} ({error})")
            return self._in_memory(why.format(folder=self.path.parent, error=e.strerror or e))
        if _read_only_file(self.path):
            self._fail(
                self._("progress database {path} is read-only; answers in this session are not saved").format(
                    path=self.path
                )
            )
            return self._open_read_only()
        for attempt in range(2):
            try:
                conn = sqlite3.connect(self.path, timeout=self._busy, isolation_level=None)
            except sqlite3.Error as e:
                return self._in_memory(f"cannot open progress database {self.path} ({e})")
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    conn.close()
                    self._fail(
                        self._(
                            "progress database {path} was written by a newer quizgen; "
                            "answers in this session are not saved"
                        ).format(path=self.path)
                    )
                    return self._open_read_only()
                if version < SCHEMA_VERSION:  # a new database (opening an existing one locks nothing)
                    conn.execute("PRAGMA journal_mode=WAL")
                    version_pragma = f"PRAGMA user_version={SCHEMA_VERSION};"
                    conn.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} {version_pragma} COMMIT;")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("SELECT count(*) FROM cards WHERE rowid < 0").fetchone()
                return conn
            except sqlite3.OperationalError as e:
                conn.close()
                if _is_locked(e):
                    locked = self._("progress database {path} is locked by another program")
                    return self._in_memory(locked.format(path=self.path))
                if "readonly" in str(e) or "read-only" in str(e):
                    self._fail(
                        self._("progress database {path} cannot be written ({error}); not saving").format(
                            path=self.path, error=e
                        )
                    )
                    return self._open_read_only()
                if attempt or not self._moved_aside(str(e)):
                    return self._in_memory(self._cannot_use(e))
            except sqlite3.DatabaseError as e:  # not a database, or a damaged one
                conn.close()
                if attempt or not self._moved_aside(str(e)):
                    return self._in_memory(self._cannot_use(e))
        raise AssertionError("unreachable")

    def _cannot_use(self, error: Exception) -> str:
        return self._("cannot use progress database {path} ({error})").format(path=self.path, error=error)

    def _moved_aside(self, reason: str) -> bool:
        try:
            aside = move_aside(self.path, "corrupt")
        except OSError:
            return False
        for suffix in ("-wal", "-shm"):  # they belong to the damaged file, not to the new one
            with contextlib.suppress(OSError):
                os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
        self._warn(
            self._(
                "progress database {path} is damaged ({reason}); moved it to {aside} and started afresh"
            ).format(path=self.path, reason=reason, aside=aside.name)
        )
        return True

    def _open_read_only(self) -> sqlite3.Connection:
        for uri in (f"{self.path.as_uri()}?mode=ro", f"{self.path.as_uri()}?immutable=1"):
            try:
                conn = sqlite3.connect(uri, uri=True, timeout=self._busy, isolation_level=None)
                conn.execute("SELECT count(*) FROM cards WHERE rowid < 0").fetchone()
                return conn
            except sqlite3.Error:
                with contextlib.suppress(Exception):
                    conn.close()
        return self._in_memory(None)

    def _in_memory(self, why: str | None) -> sqlite3.Connection:
        """A database for this session only, so the quiz can go on; nothing in it is kept."""
        if why is not None:
            self._fail(self._("{why}; answers in this session are not saved").format(why=why))
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.executescript(_SCHEMA)
        return conn

    def _fail(self, message: str) -> None:
        if self._problem is None:
            self._warn(message)
            self._problem = message

    # -- writing --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth == 0:
            self._tx_ok = self._begin()
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0 and self._tx_ok:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0 and self._tx_ok:
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as e:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                self._write_failed(e)

    def _begin(self) -> bool:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.Error as e:
            self._write_failed(e)
            return False

    def _write_failed(self, e: sqlite3.Error) -> None:
        why = self._("it is locked by another program") if _is_locked(e) else str(e)
        self._fail(self._("could not save progress in {path} ({why})").format(path=self.path, why=why))

    def _write(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor | None:
        """One statement that changes the database: inside the open transaction, or on its own."""
        if self._depth and not self._tx_ok:
            return None  # the transaction could not start: this change is not kept
        try:
            return self._conn.execute(sql, tuple(params))
        except sqlite3.Error as e:
            self._write_failed(e)
            return None

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as e:
            self._fail(
                self._("could not read progress from {path} ({error})").format(path=self.path, error=e)
            )
            return []

    # -- the ProgressStore interface -----------------------------------------------------------------

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def problem(self) -> str | None:
        return self._problem

    def get(self, key: Key) -> Record | None:
        rows = self._read(
            "SELECT card, seen, right, last_right FROM cards WHERE bank = ? AND question = ?", key
        )
        if not rows:
            return None
        card, seen, right, last_right = rows[0]
        from quizgen.study.progress import card_record

        return card_record(card, seen, right, last_right)

    def put(self, key: Key, record: Record | None) -> None:
        if record is None:
            self._write("DELETE FROM cards WHERE bank = ? AND question = ?", key)
            return
        import json

        self._write(
            "INSERT OR REPLACE INTO cards (bank, question, card, due, seen, right, last_right) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                *key,
                json.dumps(record.card),
                _utc(record.due),
                record.seen,
                record.right,
                int(record.last_right),
            ),
        )

    def last_missed(self) -> list[Key]:
        return [(b, q) for b, q in self._read("SELECT bank, question FROM last_missed ORDER BY position")]

    def set_last_missed(self, keys: Iterable[Key]) -> None:
        with self.transaction():
            self._write("DELETE FROM last_missed")
            for position, key in enumerate(keys):
                self._write(
                    "INSERT INTO last_missed (position, bank, question) VALUES (?, ?, ?)", (position, *key)
                )

    def reset(self, bank_ids: Iterable[str]) -> int:
        ids = sorted(set(bank_ids))
        marks = ", ".join("?" * len(ids))
        with self.transaction():
            gone = self._read(f"SELECT count(*) FROM cards WHERE bank IN ({marks})", ids)
            self._write(f"DELETE FROM cards WHERE bank IN ({marks})", ids)
            self._write(f"DELETE FROM last_missed WHERE bank IN ({marks})", ids)
            self._write(f"DELETE FROM answers WHERE bank IN ({marks})", ids)
        return int(gone[0][0]) if gone else 0

    def due(self, when: datetime) -> list[Key]:
        rows = self._read(
            "SELECT bank, question FROM cards WHERE due <= ? ORDER BY due, bank, question", (_utc(when),)
        )
        return [(b, q) for b, q in rows]

    def is_empty(self) -> bool:
        return not self._read("SELECT 1 FROM cards LIMIT 1")

    def log_answer(self, answer: Answer) -> int | None:
        cursor = self._write(
            "INSERT INTO answers (time, bank, question, outcome, rating, seconds) VALUES (?, ?, ?, ?, ?, ?)",
            (_utc(answer.time), answer.bank, answer.question, answer.outcome, answer.rating, answer.seconds),
        )
        return cursor.lastrowid if cursor is not None else None

    def forget_answer(self, answer_id: int) -> None:
        self._write("DELETE FROM answers WHERE id = ?", (answer_id,))

    def answers(self, bank_ids: Iterable[str]) -> list[Answer]:
        ids = sorted(set(bank_ids))
        marks = ", ".join("?" * len(ids))
        rows = self._read(
            f"SELECT time, bank, question, outcome, rating, seconds FROM answers WHERE bank IN ({marks}) "
            "ORDER BY time, id",
            ids,
        )
        from quizgen.study.progress import Answer

        out = []
        for time, bank, question, outcome, rating, seconds in rows:
            with contextlib.suppress(ValueError, TypeError):
                out.append(Answer(datetime.fromisoformat(time), bank, question, outcome, rating, seconds))
        return out

    # -- moving from the JSON file ---------------------------------------------------------------------

    def migrate_from(self, json_path: Path, note: Callable[[str], None]) -> None:
        """Copy the progress of `json_path` in, once (a later run, or another session at the same
        time, finds it done); the file itself is left as it was."""
        if self._problem is not None or not json_path.exists():
            return
        if self._read("SELECT value FROM meta WHERE key = 'migrated_from'"):
            return
        import json

        from quizgen.study.progress import JsonProgressStore

        old = JsonProgressStore(json_path, self._warn, read_only=True)
        with self.transaction():
            if not self._tx_ok or self._read("SELECT value FROM meta WHERE key = 'migrated_from'"):
                return
            n = 0
            for key, record in old.records():
                self.put(key, record)
                n += 1
            self.set_last_missed(old.last_missed())
            self._write(
                "INSERT INTO meta (key, value) VALUES ('migrated_from', ?)",
                (json.dumps({"file": str(json_path), "records": n, "time": _utc(datetime.now(UTC))}),),
            )
        if self._problem is None:
            moved = self._ngettext(
                "moved the progress of {count} question from {old} into {new}; "
                "{old} is kept as it was, as a backup",
                "moved the progress of {count} questions from {old} into {new}; "
                "{old} is kept as it was, as a backup",
                n,
            )
            note(moved.format(count=n, old=json_path.name, new=self.path.name))

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()


def _is_locked(e: sqlite3.Error) -> bool:
    text = str(e)
    return "locked" in text or "busy" in text
