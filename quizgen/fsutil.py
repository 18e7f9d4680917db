"""Writing files at the edge: all-or-nothing, so a failed or killed write leaves the old files or
the new ones, never a mix; never over the files being read; special files written in place.

A set of files is written in three steps. Each file is staged as a temporary file beside its target
(`.NAME.XXXXXXXX.tmp`) and synced. Then a journal (`.quizgen-journal.json`) naming every temporary
and its target is put in place with one rename: that rename is the commit. Then the temporaries are
renamed over their targets and the journal is removed. A write killed before the commit leaves
only temporaries, which the next write removes (the old files stand); one killed after it leaves
the journal, and the next write into that folder finishes the renames first (the new files stand).
`recover_interrupted` does that and says what it did.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from quizgen.errors import UsageError, WriteError

JOURNAL = ".quizgen-journal.json"
# Tests set this to N to make the process kill itself (SIGKILL) at the Nth step of a write.
KILL_AT_ENV = "QUIZGEN_TEST_KILL_AT"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def is_special(path: Path) -> bool:
    """Whether `path` exists and is not a regular file (a device, a FIFO, a terminal)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _write_in_place(path: Path, payload: bytes) -> None:
    """Write to a device or FIFO directly: renaming a file over it would replace it."""
    try:
        with open(path, "wb") as f:
            f.write(payload)
    except OSError as e:
        raise WriteError(f"cannot write {path}: {e.strerror or e}") from e


class _Steps:
    """Counts the steps of a write; the test hook kills the process at one of them."""

    def __init__(self) -> None:
        raw = os.environ.get(KILL_AT_ENV, "")
        self.kill_at = int(raw) if raw.isdigit() else 0
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        if self.count == self.kill_at:
            import signal  # only the tests' kill hook needs it

            os.kill(os.getpid(), signal.SIGKILL)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def make_temporary(folder: Path | str, prefix: str, suffix: str = ".tmp") -> tuple[int, str]:
    """A new file `PREFIX<random>SUFFIX` in `folder`, created for this caller alone (never an
    existing name or a link), mode 0600, open for writing: (descriptor, path). What
    `tempfile.mkstemp` does, without importing tempfile and what it imports (shutil, bz2, lzma,
    random: a few ms of every `quizgen anki`)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        path = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(path, flags | getattr(os, "O_BINARY", 0), 0o600), path
        except FileExistsError:
            continue  # 48 random bits taken already: try another name
    raise FileExistsError(f"no free temporary name in {folder}")


def _stage(folder: Path, name: str, payload: bytes, step: _Steps) -> str:
    fd, tmp = make_temporary(folder, f".{name}.")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        step()
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            step()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    step()
    return os.path.basename(tmp)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename."""
    write_all_atomic({Path(path): data})


def write_all_atomic(files: Mapping[Path, bytes | str]) -> None:
    """Write several files all-or-nothing (see the module's docstring); targets that exist and are
    not regular files are written in place. The regular targets must share one folder."""
    payloads = {Path(p): d.encode("utf-8") if isinstance(d, str) else d for p, d in files.items()}
    regular: dict[Path, bytes] = {}
    for path, payload in payloads.items():
        if is_special(path):
            _write_in_place(path, payload)
        else:
            regular[path] = payload
    if not regular:
        return
    folders = {p.parent for p in regular}
    if len(folders) != 1:
        raise ValueError(f"files written together must share one folder, not {sorted(map(str, folders))}")
    folder = folders.pop()
    step = _Steps()
    staged: list[tuple[str, str]] = []
    committed = False
    target: Path = next(iter(regular))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for target, payload in regular.items():
            staged.append((_stage(folder, target.name, payload, step), target.name))
        if len(staged) > 1:
            target = folder / JOURNAL
            journal = json.dumps({"renames": staged}, indent=1) + "\n"
            tmp = _stage(folder, JOURNAL, journal.encode("utf-8"), step)
            os.replace(folder / tmp, folder / JOURNAL)  # the commit
            committed = True
            _fsync_folder(folder)
            step()
        for tmp, name in staged:
            target = folder / name
            os.replace(folder / tmp, target)
            step()
        _fsync_folder(folder)
        if committed:
            os.unlink(folder / JOURNAL)
            step()
    except BaseException as e:
        if not committed:
            for tmp, _ in staged:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(folder / tmp)
        if isinstance(e, OSError):
            raise WriteError(f"cannot write {target}: {e.strerror or e}") from e
        raise


def recover_interrupted(folder: Path, names: Iterable[str]) -> str | None:
    """Finish a write into `folder` that was killed after its commit, or remove the temporaries of
    one killed before it (those of the files `names`); say what was done, None when nothing was."""
    journal = folder / JOURNAL
    done: list[str] = []
    try:
        text = journal.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    except OSError as e:
        raise WriteError(f"cannot read {journal}: {e.strerror or e}") from e
    if text is not None:
        try:
            renames = [(str(t), str(n)) for t, n in json.loads(text)["renames"]]
        except (ValueError, KeyError, TypeError):
            renames = []
        for tmp, name in renames:
            if "/" in tmp or "/" in name or os.sep in tmp or os.sep in name:
                continue  # a journal names files in its own folder only
            if (folder / tmp).exists():
                try:
                    os.replace(folder / tmp, folder / name)
                except OSError as e:
                    raise WriteError(f"cannot finish the interrupted write of {folder / name}: {e}") from e
                done.append(name)
        _fsync_folder(folder)
        journal.unlink()
    removed = 0
    try:
        with os.scandir(folder) as entries:
            present = [e.name for e in entries]
    except OSError:  # the folder is gone or cannot be listed: nothing of ours to remove
        present = []
    for name in [*names, JOURNAL]:
        # `.NAME.*.tmp`, as _stage names them
        prefix = f".{name}."
        for stale in present:
            if stale.startswith(prefix) and stale.endswith(".tmp") and len(stale) >= len(prefix) + 4:
                with contextlib.suppress(OSError):
                    os.unlink(folder / stale)
                    removed += 1
    if text is not None:
        return (
            f"finished an interrupted write in {folder}: {len(done)} file{'s' * (len(done) != 1)} "
            "put in place"
        )
    if removed:
        return f"removed {removed} temporary file{'s' * (removed != 1)} of an interrupted write in {folder}"
    return None


def remove_stale_temporaries(folder: Path, names: Iterable[str]) -> None:
    """Remove the temporary files a killed write may have left for these outputs (`.NAME.*.tmp`)."""
    recover_interrupted(folder, names)


def refuse_overwriting_inputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """UsageError when an output is one of the input files (after resolving links, or the same
    file under another name)."""
    resolved = {os.path.realpath(p): Path(p) for p in inputs}
    identities: dict[tuple[int, int], Path] = {}
    for p in resolved.values():
        with contextlib.suppress(OSError):
            st = os.stat(p)
            identities[(st.st_dev, st.st_ino)] = p
    for out in outputs:
        same = resolved.get(os.path.realpath(out))
        if same is None:
            with contextlib.suppress(OSError):
                st = os.stat(out)
                same = identities.get((st.st_dev, st.st_ino))
        if same is not None:
            raise UsageError(f"{out} is one of the bank files being read ({same}); choose another output")
