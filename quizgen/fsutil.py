"""Writing files at the edge: atomically, so a failed or killed build leaves old outputs intact."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from quizgen.errors import WriteError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename."""
    write_all_atomic({Path(path): data})


def write_all_atomic(files: dict[Path, bytes | str]) -> None:
    """Write several files all-or-nothing: stage every one as a temporary file, then rename them.

    If staging fails (disk full, an exception, a signal), every temporary file is removed and no
    target is touched. Renames within one folder do not fail short of the machine stopping.
    """
    staged: list[tuple[str, Path]] = []
    target: Path | None = None
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            payload = data.encode("utf-8") if isinstance(data, str) else data
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((tmp, target))
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
        for tmp, path in staged:
            target = path
            os.replace(tmp, path)
    except BaseException as e:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(e, OSError):
            raise WriteError(f"cannot write {target}: {e.strerror or e}") from e
        raise


def remove_stale_temporaries(folder: Path, names: Iterable[str]) -> None:
    """Remove the temporary files a killed build may have left for these outputs (`.NAME.*.tmp`)."""
    for name in names:
        for tmp in folder.glob(f".{glob.escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()
