"""The cache of validated banks: a bank whose files did not change is not read and checked again.

`check_banks` reads every file of a bank, composes its YAML and checks every value; for the same
bytes it always finds the same banks and the same problems. This module keeps that result (the
frozen banks and every problem, warnings and notes too) in the user's cache folder, keyed by:

- quizgen's version and a stamp of its own files (a changed quizgen never trusts an old entry),
  and the Python version;
- the current folder (problems name files relative to it) and the `--article` given, if any;
- the bank files, grouped into banks as `find_bank_files` groups them, and the SHA-256 of the
  bytes of each. Each file is read once: the loader checks the very bytes the key was made of.

An entry also records the other files the check read (each bank's `article.text`, whose quotes
were checked against it) with the SHA-256 of their bytes, or that they were missing, and for a
translation checked without its original the bank files beside it (where the original was
looked for): it is used only while they are unchanged too.

Entries are written atomically (a temporary file and a rename), so two processes filling the
cache at once each leave a whole entry. An entry that cannot be read, is damaged, or was written
by another version is ignored and replaced; a cache folder that cannot be written is no error
(the banks are read as without a cache). `QUIZGEN_CACHE_DIR` names another folder (the tests use
their own); `QUIZGEN_NO_CACHE=1` turns the cache off.

Entries are `marshal` data: the report as columns of plain values (`quizgen.bank.columns`), or
pickled when the columns cannot hold it. The folder is the user's own, as trusted as the user's
other files.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quizgen import __version__
from quizgen.bank import columns
from quizgen.bank.bankfiles import ArticleReads, find_bank_files, folder_beside, read_file_once
from quizgen.errors import Report

CACHE_DIR_ENV = "QUIZGEN_CACHE_DIR"
NO_CACHE_ENV = "QUIZGEN_NO_CACHE"
MAGIC = b"quizgen-bank-cache\n"
MAX_ENTRIES = 64  # the oldest entries beyond this are removed when one is written
# the most bytes of bank files one check holds at once (the loader's limit for one bank); more are
# checked without the cache, read by the loader a file at a time
MAX_HELD_BYTES = 64 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent.parent  # all of quizgen/


def cache_root() -> Path | None:
    """The cache folder: QUIZGEN_CACHE_DIR, else the user's cache folder; None when turned off."""
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("quizgen", appauthor=False))


def cache_dir() -> Path | None:
    """Where validated banks are kept (None when the cache is off)."""
    root = cache_root()
    return root / "banks" if root is not None else None


_stamp: list[str] = []


def code_stamp() -> str:
    """quizgen's version with the name, size and change time of each of its own files (its
    templates too), and the Python version: a checkout whose code changed does not trust
    entries of the code before."""
    if _stamp:
        return _stamp[0]
    h = hashlib.sha256(f"{__version__}\0{sys.version}\0{marshal.version}".encode())
    for folder, subfolders, names in sorted(os.walk(_PACKAGE)):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(names):
            if not name.endswith(".pyc"):
                with contextlib.suppress(OSError):
                    st = os.stat(os.path.join(folder, name))
                    h.update(f"\0{folder}/{name}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    _stamp.append(h.hexdigest())
    return _stamp[0]


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes; None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _hash_files(
    h: hashlib._Hash, groups: Sequence[Sequence[Path]], contents: dict[Path, bytes] | None = None
) -> bool:
    """Feed each group's file names and digests to `h` (of their bytes in `contents` when given,
    else read now); False when a file cannot be read."""
    for files in groups:
        h.update(b"\0bank")
        for f in files:
            digest = hashlib.sha256(contents[f]).hexdigest() if contents is not None else file_digest(f)
            if digest is None:
                return False
            h.update(f"\0{f}\0{digest}".encode())
    return True


def _read_bank_files(groups: Sequence[Sequence[Path]]) -> dict[Path, bytes] | None:
    """The bytes of every bank file, by path; None when a file cannot be read, when they come to
    more than MAX_HELD_BYTES (such banks are checked without the cache, a file at a time), or when
    a file is named twice."""
    contents: dict[Path, bytes] = {}
    room = MAX_HELD_BYTES
    for files in groups:
        for f in files:
            try:
                with open(f, "rb") as fh:
                    if os.fstat(fh.fileno()).st_size > room:  # (not even read)
                        return None
                    data = fh.read()
            except OSError:
                return None
            room -= len(data)
            if room < 0 or f in contents:
                return None
            contents[f] = data
    return contents


def _read_digest(got: bytes | str) -> str | None:
    """SHA-256 of bytes read (`quotes.read_file_once`); None for a file that could not be read."""
    return hashlib.sha256(got).hexdigest() if isinstance(got, bytes) else None


def _key(
    groups: Sequence[Sequence[Path]],
    contents: dict[Path, bytes],
    article: Path | None,
    article_reads: ArticleReads,
) -> str:
    """The cache key of a check of these bank files, whose bytes are `contents`, and of the
    `--article` given (read now into `article_reads`, for the check to use the same bytes)."""
    h = hashlib.sha256(code_stamp().encode())
    h.update(f"\0cwd\0{os.getcwd()}".encode())
    if article is not None:
        digest = _read_digest(read_file_once(article, article_reads))
        h.update(f"\0article\0{os.path.abspath(article)}\0{digest}".encode())
    _hash_files(h, groups, contents)
    return h.hexdigest()


def _read_entry(path: Path, key: str) -> Report | None:
    """The report kept at `path` for `key`, None when there is none that can be trusted."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # reading an entry makes many objects and no cycles: the collector would only slow it
    try:
        with open(path, "rb") as f:
            data = f.read()
        if not data.startswith(MAGIC):
            return None
        stored = marshal.loads(memoryview(data)[len(MAGIC) :])
        if not (
            isinstance(stored, dict)
            and stored.get("key") == key
            and stored.get("version") == __version__
            and stored.get("format") == columns.FORMAT
        ):
            return None
        for name, digest in stored.get("reads", ()):
            if _digest_of_read(name) != digest:
                return None
        if "pickled" in stored:  # a report the columns could not hold
            import pickle

            report = pickle.loads(stored["pickled"])
        else:
            report = columns.unpack(stored["report"])
    except FileNotFoundError:
        return None
    except Exception:  # a damaged entry: any error of reading it; read the banks again and replace it
        return None
    finally:
        if gc_was_enabled:
            gc.enable()
    return report if isinstance(report, Report) else None


# A read of every bank in a folder: how a translation checked alone finds its original
# (`loader.original_of` looks through the bank folders beside the translation's). No file name
# starts with NUL, so this never names a file.
_BANKS_IN = "\0banks in\0"


def _banks_digest(folder: str) -> str | None:
    """SHA-256 of the bank files found in `folder`, grouped into banks (names and bytes): what
    finding an original beside a translation reads. None when they cannot be read."""
    try:
        groups = find_bank_files([Path(folder)])
    except Exception:  # a broken link, a folder gone: the check read something else
        return None
    h = hashlib.sha256()
    return h.hexdigest() if _hash_files(h, groups) else None


def _digest_of_read(name: str) -> str | None:
    if name.startswith(_BANKS_IN):
        return _banks_digest(name[len(_BANKS_IN) :])
    return file_digest(Path(name))


def _other_reads(
    report: Report, article: Path | None, article_reads: ArticleReads
) -> list[tuple[str, str | None]] | None:
    """The files besides the bank files that the check read, with the digests of the bytes it read
    (`--article`, in the key already, apart); None when it may have read files that cannot be
    named here."""
    reads: list[tuple[str, str | None]] = []
    ids = {b.id for b in report.banks}
    for bank in report.banks:
        if bank.translates is not None and bank.translates not in ids:
            # its original was looked for among the banks beside it (loader.original_of): every
            # bank file there counts, and a bank folder added or removed there too
            if bank.root is None:
                return None
            beside = os.path.abspath(folder_beside(bank.root, bank.files))
            digest = _banks_digest(beside)
            if digest is None:
                return None
            reads.append((_BANKS_IN + beside, digest))
    given = os.path.abspath(article) if article is not None else None
    reads.extend((name, _read_digest(got)) for name, got in article_reads.items() if name != given)
    return reads


def _write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file and a rename (a reader sees the old file
    or the new one, never part of one); False on any failure (an unwritable folder, a full disk)."""
    from quizgen.fsutil import make_temporary

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = make_temporary(path.parent, ".entry.")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        tmp = None
        return True
    except OSError:
        return False
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _write_entry(folder: Path, path: Path, payload: dict[str, Any], report: Report) -> None:
    """Write an entry atomically; any failure is ignored (the cache is only a shortcut)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # packing a big bank, the collector would only walk its objects again and again
    try:
        try:
            payload = {**payload, "format": columns.FORMAT, "report": columns.pack(report)}
        except columns.Unpackable:  # a value of a kind the columns do not know: pickled as it is
            import pickle

            payload = {**payload, "format": columns.FORMAT, "pickled": pickle.dumps(report, protocol=5)}
        data = MAGIC + marshal.dumps(payload)
    except Exception:  # pickling errors are of many kinds; nothing is written
        return
    finally:
        if gc_was_enabled:
            gc.enable()
    if _write_atomic(path, data):
        with contextlib.suppress(OSError):
            _prune(folder)


def _prune(folder: Path) -> None:
    entries = []
    for e in os.scandir(folder):
        if e.name.endswith(".pickle"):
            with contextlib.suppress(OSError):
                entries.append((e.stat().st_mtime_ns, e.path))
    for _, path in sorted(entries)[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            os.unlink(path)


def check_banks(paths: Sequence[Path] | None = None, *, article: Path | None = None) -> Report:
    """`loader.check_banks`, served from the cache when the same files were checked before.

    Returns exactly what `loader.check_banks` returns (banks, every problem, the file count)."""
    folder = cache_dir()
    groups = find_bank_files(paths) if folder is not None else None
    # Each bank file is read once, here: the key is made of these bytes and the loader checks these
    # very bytes, so an entry holds the report of the bytes it is keyed by, whatever happens to the
    # files meanwhile. (None: the cache is off, or these files are checked without it.)
    contents = _read_bank_files(groups) if groups is not None else None
    # the article texts are read once too: `--article` here for the key, the bank's own by the check
    article_reads: ArticleReads = {}
    entry: tuple[Path, str] | None = None  # the entry's file and its key
    if folder is not None and groups is not None and contents is not None:
        key = _key(groups, contents, article, article_reads)
        entry = (folder / f"{key[:40]}.pickle", key)
        report = _read_entry(*entry)
        if report is not None:
            return report
    from quizgen.bank import loader

    report = loader.check_banks(
        paths, article=article, groups=groups, contents=contents, article_reads=article_reads
    )
    if entry is not None:
        reads = _other_reads(report, article, article_reads)
        if reads is not None:
            path, key = entry
            _write_entry(path.parent, path, {"version": __version__, "key": key, "reads": reads}, report)
    return report


def load_banks(
    paths: Sequence[Path] | None = None, *, strict: bool = False, article: Path | None = None
) -> list[Any]:
    """`loader.load_banks` through the cache: BankError with every problem on any error."""
    from quizgen.errors import BankError

    report = check_banks(paths, article=article)
    if report.errors or (strict and report.warnings):
        raise BankError(report.problems)
    return report.banks


# --------------------------------------------------------------------------- build records
# What `build` rendered into a folder: per output file, the key of its inputs (see
# quizgen.outputs.build.OutputReuse). Kept here, not in the folder's manifest.json, because the keys
# name this machine's quizgen (the code stamp), while the committed manifest must not.


def _build_record_path(out_dir: Path) -> Path | None:
    root = cache_root()
    if root is None:
        return None
    name = hashlib.sha256(os.path.abspath(out_dir).encode()).hexdigest()[:40]
    return root / "builds" / f"{name}.json"


def read_build_record(out_dir: Path) -> dict[str, str]:
    """Per output file of the last build into `out_dir`, the key of its inputs ({} if none)."""
    import json

    path = _build_record_path(out_dir)
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not (
        isinstance(data, dict) and data.get("stamp") == code_stamp() and isinstance(data.get("files"), dict)
    ):
        return {}
    return {k: v for k, v in data["files"].items() if isinstance(k, str) and isinstance(v, str)}


def write_build_record(out_dir: Path, keys: dict[str, str]) -> None:
    """Remember the input keys of what was just written into `out_dir` (failures ignored)."""
    import json

    path = _build_record_path(out_dir)
    if path is None:
        return
    _write_atomic(path, json.dumps({"stamp": code_stamp(), "files": keys}, sort_keys=True).encode())


def forget_build_record(out_dir: Path) -> None:
    """Before a build writes into `out_dir`: what it wrote before is no longer known for sure."""
    path = _build_record_path(out_dir)
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()
