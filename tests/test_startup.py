"""What every `quizgen anki` pays before it reads a bank: modules it does not need stay unimported,
and the helpers that replace them (a temporary file without tempfile, stale temporaries found
without glob) do what the modules did."""

from __future__ import annotations

import dataclasses
import inspect
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE

from quizgen import fsutil
from quizgen.bank.frozen import frozen


def test_quizgen_anki_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    """textwrap (the README of `build`), glob, signal (the tests' kill hook): not on this path."""
    code = (
        "import sys\n"
        "from quizgen.cli import main\n"
        f"main(['anki', {str(EXAMPLE)!r}, '-o', {str(tmp_path / 'o.apkg')!r}], standalone_mode=False)\n"
        "print('IMPORTED', sorted(m for m in ('textwrap', 'glob', 'signal') if m in sys.modules))\n"
    )
    env = {**os.environ, "QUIZGEN_CACHE_DIR": str(tmp_path / "cache"), "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert "IMPORTED []" in done.stdout, done.stdout + done.stderr
    assert (tmp_path / "o.apkg").read_bytes()[:2] == b"PK"
    assert list((tmp_path / "cache" / "banks").glob("*.pickle"))  # the cache entry was written


def test_writing_files_and_cache_entries_does_not_import_tempfile() -> None:
    code = (
        "import sys\n"
        "import quizgen.fsutil, quizgen.bank.bankcache\n"
        "print('IMPORTED', sorted(m for m in ('tempfile', 'glob', 'signal', 'shutil') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "IMPORTED []" in done.stdout, done.stdout + done.stderr


def test_a_temporary_file_is_new_private_and_named_as_asked(tmp_path: Path) -> None:
    made = [fsutil.make_temporary(tmp_path, ".deck.apkg.") for _ in range(50)]
    names = set()
    for fd, path in made:
        os.write(fd, b"x")
        os.close(fd)
        name = os.path.basename(path)
        assert os.path.dirname(path) == str(tmp_path)
        assert name.startswith(".deck.apkg.") and name.endswith(".tmp") and len(name) > len(".deck.apkg..tmp")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        names.add(name)
    assert len(names) == 50


def test_a_temporary_file_never_takes_an_existing_name_or_follows_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first two random names are taken (a file, a link to a file elsewhere): the third is used."""
    outside = tmp_path / "outside"
    outside.write_bytes(b"keep")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / ".x.000000000000.tmp").write_bytes(b"keep")
    (folder / ".x.010101010101.tmp").symlink_to(outside)
    draws = iter([bytes(6), bytes([1] * 6), bytes([2] * 6)])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    fd, path = fsutil.make_temporary(folder, ".x.")
    os.close(fd)
    assert os.path.basename(path) == ".x.020202020202.tmp"
    assert (folder / ".x.000000000000.tmp").read_bytes() == b"keep" and outside.read_bytes() == b"keep"


@pytest.mark.parametrize("name", ["deck.apkg", "[a]*?.apkg", "a.b"])
def test_stale_temporaries_are_found_by_their_exact_name(tmp_path: Path, name: str) -> None:
    """`.NAME.<anything>.tmp` of the outputs named, glob characters in NAME taken literally; nothing
    else is removed."""
    stale = [f".{name}.abc123.tmp", f".{name}..tmp", f".{name}.x.y.tmp"]
    kept = [name, f".{name}.tmp", f".{name}.abc", f"{name}.abc.tmp", ".other.abc.tmp", ".a.tmp"]
    for n in stale + kept:
        (tmp_path / n).write_bytes(b"")
    message = fsutil.recover_interrupted(tmp_path, [name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
    assert message == f"removed {len(stale)} temporary files of an interrupted write in {tmp_path}"
    assert fsutil.recover_interrupted(tmp_path / "gone", [name]) is None


def test_a_frozen_class_without_a_docstring_is_made_without_inspect(monkeypatch: pytest.MonkeyPatch) -> None:
    """dataclass() would name it through inspect.signature (tokenize's patterns compiled at start-up)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("inspect.signature called")

    monkeypatch.setattr(inspect, "signature", refuse)

    @frozen
    class Plain:
        a: int
        b: str = "x"

    @frozen
    class Documented:
        """Its own words."""

        a: int

    assert Plain.__doc__ == "Plain(a, b)" and Documented.__doc__ == "Its own words."
    assert Plain(1) == Plain(1, "x") and [f.name for f in dataclasses.fields(Plain)] == ["a", "b"]
