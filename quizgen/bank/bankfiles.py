"""Finding bank files: which files make up which bank. Imports nothing heavy (no yaml), so the
cache of validated banks can find a bank's files without loading the loader."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quizgen.errors import UsageError

BANK_FILE_NAMES = ("bank.yaml", "bank.yml")
YAML_SUFFIXES = (".yaml", ".yml")


def shipped_banks_dir() -> Path:
    """The banks that come with quizgen: packaged in the wheel, or `questions/` in a checkout."""
    here = Path(__file__).resolve().parent.parent  # quizgen/
    packaged = here / "_banks"
    return packaged if packaged.is_dir() else here.parent / "questions"


@dataclass
class _BankFiles:
    """The files of one bank, found so far."""

    folder: Path
    files: list[Path] = field(default_factory=list)


def _yaml_files(folder: Path) -> list[Path]:
    for p in folder.iterdir():
        if p.suffix in YAML_SUFFIXES and p.is_symlink() and not p.exists():
            raise UsageError(f"{display_path(p)} is a broken link (to {os.readlink(p)}): fix it or remove it")
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix in YAML_SUFFIXES and not p.name.startswith(".")
    )


def _collect(path: Path, groups: dict[Path, _BankFiles]) -> None:
    if path.is_file():
        if path.suffix not in YAML_SUFFIXES:
            raise UsageError(f"{display_path(path)} is not a bank file (bank files end in .yaml or .yml)")
        siblings = [path.parent / n for n in BANK_FILE_NAMES if (path.parent / n).is_file()]
        if path.name in BANK_FILE_NAMES:  # the metadata file stands for its whole bank
            _collect(path.parent, groups)
        elif siblings:  # a question file: with its bank's metadata
            groups.setdefault(path.parent, _BankFiles(path.parent)).files.extend([*siblings, path])
        else:  # a one-file bank
            groups.setdefault(path, _BankFiles(path.parent)).files.append(path)
        return
    files = _yaml_files(path)
    if any(p.name in BANK_FILE_NAMES for p in files):
        groups.setdefault(path, _BankFiles(path)).files.extend(files)
        return
    for f in files:  # one-file banks
        groups.setdefault(f, _BankFiles(f.parent)).files.append(f)
    for sub in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        _collect(sub, groups)


def find_bank_files(paths: Sequence[Path] | None) -> list[list[Path]]:
    """Group the given files and folders into banks (lists of files); no paths = shipped banks."""
    if not paths:
        paths = [shipped_banks_dir()]
    groups: dict[Path, _BankFiles] = {}
    for p in paths:
        if not p.exists():
            raise UsageError(f"no such file or folder: {p}")
        path = Path(p).resolve()
        _collect(path, groups)
        if not any(f == path or path in f.parents for g in groups.values() for f in g.files):
            raise UsageError(f"no bank files (.yaml or .yml) in {p}")
    return [sorted(dict.fromkeys(group.files), key=lambda f: f.name) for group in groups.values()]


def display_path(path: Path) -> str:
    """A path as users should read it: relative to the current folder when below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def folder_beside(root: Path, files: Sequence[str]) -> Path:
    """Where the banks beside a bank lie: the folder holding its bank folder, or its own folder
    for a bank of loose files. The loader looks for a translation's original there, and the cache
    of validated banks watches the same folder, so both must ask this one function."""
    in_folder = any(Path(f).name in BANK_FILE_NAMES for f in files)  # bank.yaml need not sort first
    return root.parent if in_folder else root


# The article texts one check read, by absolute path: the bytes, or why they could not be read. A
# check reads each text once (banks sharing one, or `--article`, share the read), and the cache of
# validated banks keys its entry by these very bytes, so what it keeps is what the quotes were
# checked against, whatever happens to the file meanwhile.
ArticleReads = dict[str, bytes | str]


def read_file_once(path: Path, reads: ArticleReads | None) -> bytes | str:
    """The bytes of `path`, or why they cannot be read; from `reads` when read before (and kept there)."""
    name = os.path.abspath(path)
    if reads is not None and name in reads:
        return reads[name]
    got: bytes | str
    try:
        got = path.read_bytes()
    except FileNotFoundError:
        got = "not found"
    except OSError as e:
        got = f"cannot be read ({e.strerror or e})"
    if reads is not None:
        reads[name] = got
    return got
