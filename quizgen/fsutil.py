"""Writing files at the edge: atomically, so a failed or killed build leaves old outputs intact."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            payload = data.encode("utf-8") if isinstance(data, str) else data
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def remove_stale_temporaries(folder: Path) -> None:
    """Remove temporary files a killed build may have left (`.NAME.*.tmp`)."""
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()
