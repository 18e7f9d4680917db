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


def test_help_imports_neither_shutil_nor_the_library() -> None:
    """click sizes its help with shutil.get_terminal_size (shutil brings fnmatch, zlib, bz2, lzma):
    quizgen's formatter measures the terminal itself; the library waits for a command."""
    code = (
        "import sys\n"
        "from quizgen.cli import main\n"
        "for args in (['--help'], ['anki', '--help'], ['quiz', '-h']):\n"
        "    try:\n"
        "        main(args, prog_name='quizgen')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "loaded = [m for m in sys.modules if m in ('shutil', 'bz2', 'lzma') or m.startswith('quizgen.')]\n"
        "print('IMPORTED', sorted(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Usage: quizgen anki [OPTIONS]" in done.stdout and "Usage: quizgen quiz [OPTIONS]" in done.stdout
    assert "IMPORTED ['quizgen.cli']" in done.stdout, done.stdout[-300:] + done.stderr


# `quizgen ARGS` with quizgen's help formatter ("ours"), or with click's own, which measures the
# terminal with shutil ("click"): the help must come out the same in every terminal.
_HELP_BY = (
    "import sys, click, quizgen.cli as cli\n"
    "if sys.argv[1] == 'click':\n"
    "    cli._Context.formatter_class = click.HelpFormatter\n"
    "cli.main(sys.argv[2:], prog_name='quizgen')\n"
)


def _help_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return {**env, **extra}


@pytest.mark.parametrize(
    ("columns", "width"), [(None, 78), ("60", 58), ("40", 50), ("200", 78), ("wide", 78), ("0", 78)]
)
@pytest.mark.parametrize("args", [["--help"], ["anki", "--help"]])
def test_help_in_a_pipe_is_as_wide_as_click_makes_it(
    columns: str | None, width: int, args: list[str]
) -> None:
    """Not a terminal: COLUMNS when it is a positive number, else 80; less 2, between 50 and 78."""
    env = _help_env(**({"COLUMNS": columns} if columns is not None else {}))
    ours, clicks = (
        subprocess.run(
            [sys.executable, "-c", _HELP_BY, who, *args], env=env, capture_output=True, text=True, check=True
        )
        for who in ("ours", "click")
    )
    assert ours.stdout == clicks.stdout
    lines = ours.stdout.splitlines()
    assert max(map(len, lines)) <= width and max(map(len, lines)) > width - 12, lines


@pytest.mark.parametrize(
    ("columns", "environ", "width"), [(60, {}, 58), (100, {}, 78), (60, {"COLUMNS": "70"}, 68)]
)
def test_help_in_a_terminal_is_as_wide_as_click_makes_it(
    columns: int, environ: dict[str, str], width: int
) -> None:
    """In a pseudo-terminal of `columns`: its width (COLUMNS first when set), as click measures it."""
    import pexpect  # type: ignore[import-untyped]

    seen = []
    for who in ("ours", "click"):
        child = pexpect.spawn(
            sys.executable,
            ["-c", _HELP_BY, who, "--help"],
            env=_help_env(**environ),
            dimensions=(24, columns),
        )
        seen.append(child.read().decode())
        child.close()
    assert seen[0] == seen[1]
    lines = seen[0].splitlines()
    assert max(map(len, lines)) <= width and max(map(len, lines)) > width - 12, lines


def test_help_under_click_s_test_runner_keeps_its_forced_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """CliRunner forces a width of 80 (click.formatting.FORCED_WIDTH) over COLUMNS: quizgen's
    formatter keeps it."""
    import click
    from click.testing import CliRunner

    from quizgen import cli

    monkeypatch.setenv("COLUMNS", "50")
    ours = CliRunner().invoke(cli.main, ["anki", "--help"]).output
    monkeypatch.setattr(cli._Context, "formatter_class", click.HelpFormatter)
    assert ours == CliRunner().invoke(cli.main, ["anki", "--help"]).output
    assert 70 < max(map(len, ours.splitlines())) <= 80  # not the 50 COLUMNS asks for


@pytest.mark.parametrize("columns", [None, "60", "200", "0", "-3", "wide", " 70 "])
@pytest.mark.parametrize("terminal", [(100, 30), (0, 0), OSError, ValueError, "no stdout"])
def test_terminal_columns_are_shutil_s(
    monkeypatch: pytest.MonkeyPatch, columns: str | None, terminal: object
) -> None:
    """What the help and `quizgen progress` measure is `shutil.get_terminal_size().columns`."""
    import shutil

    from quizgen import cli

    monkeypatch.delenv("LINES", raising=False)
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)

    def size(fd: int) -> os.terminal_size:
        if isinstance(terminal, tuple):
            return os.terminal_size(terminal)
        assert isinstance(terminal, type)
        raise terminal("not a terminal")

    monkeypatch.setattr(os, "get_terminal_size", size)
    if terminal == "no stdout":
        monkeypatch.setattr(sys, "__stdout__", None)
    assert cli._terminal_columns() == shutil.get_terminal_size().columns
