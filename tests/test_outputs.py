"""Where commands write: never over their inputs, never into a folder they do not own, special
files written in place, `-o -` for standard output (issue 16, points 1, 2, 3 and 15)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE

from quizgen.cli import main


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    folder = tmp_path / "bank"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def _contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- point 1: outputs over inputs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["export"], "intro.yaml"),
        (["anki"], "intro.yaml"),
        (["anki"], "deck.apkg"),  # a link to a bank file, under an output's name
        (["print"], "quiz.pdf"),
        (["print", "--format", "html"], "quiz.html"),
    ],
    ids=lambda c: " ".join(c) if isinstance(c, list) else c,
)
def test_an_output_over_a_bank_file_is_refused(bank: Path, command: list[str], name: str) -> None:
    if not name.endswith(".yaml"):
        (bank / name).symlink_to(bank / "intro.yaml")
    before = _contents(bank)
    code, out = _run(*command, str(bank), "-o", str(bank / name))
    assert code == 2, out
    assert "is one of the bank files being read" in out and "intro.yaml" in out
    assert _contents(bank) == before


def test_an_output_over_a_bank_file_through_a_link_is_refused(bank: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(bank / "habits.yaml")
    before = _contents(bank)
    code, out = _run("export", str(bank), "-o", str(link))
    assert code == 2 and "is one of the bank files being read" in out
    assert _contents(bank) == before and link.is_symlink()


def test_build_into_the_bank_folder_is_refused(bank: Path) -> None:
    before = _contents(bank)
    code, out = _run("build", str(bank), "--out", str(bank))
    assert code == 2, out
    assert _contents(bank) == before


# --- point 2: build only into a folder it owns --------------------------------------------------


def test_build_refuses_a_folder_holding_other_files(bank: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("the project's own README\n")
    code, out = _run("build", str(bank), "--out", str(project))
    assert code == 2, out
    assert "holds files that quizgen did not make" in out
    assert (project / "README.md").read_text() == "the project's own README\n"
    assert sorted(p.name for p in project.iterdir()) == ["README.md"]


def test_build_into_an_empty_folder_then_into_its_own_output(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    assert _run("build", str(bank), "--out", str(out), "-q", env=env)[0] == 0
    assert _run("build", str(bank), "--out", str(out), "-q", env=env)[0] == 0


def test_a_bank_named_manifest_cannot_replace_the_build_manifest(bank: Path, tmp_path: Path) -> None:
    text = (bank / "bank.yaml").read_text()
    (bank / "bank.yaml").write_text(text.replace("id: example", "id: manifest"))
    code, out = _run("build", str(bank), "--out", str(tmp_path / "out"))
    assert code == 1, out
    assert "manifest.json" in out and "bank 'manifest'" in out
    assert not (tmp_path / "out").exists()


# --- point 3: special files and standard output -------------------------------------------------


def test_a_fifo_target_is_written_in_place(bank: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so the writer need not wait
    try:
        code, out = _run("export", str(bank), "-o", str(fifo))
        got = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert code == 0, out
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got.startswith(b"{") and b'"format": 1' in got
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank", "pipe"]


def test_a_device_target_stays_a_device(bank: Path, tmp_path: Path) -> None:
    """Like `anki -o /dev/null` as root, on a null device of the test's own (never the real one)."""
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root, which is also when the device could be replaced")
    before = device.lstat()
    code, out = _run("anki", str(bank), "-o", str(device))
    assert code == 0, out
    after = device.lstat()
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank", "null"]


@pytest.mark.parametrize("command", [["export"], ["print", "--format", "html"]], ids=lambda c: c[0])
def test_dash_is_standard_output_for_text(
    bank: Path, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _run(*command, str(bank), "-o", "-")
    assert code == 0, out
    assert out.lstrip().startswith(("{", "<!DOCTYPE", "<!doctype"))
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", [["anki"], ["print"]], ids=lambda c: c[0])
def test_dash_is_refused_for_binary_formats(
    bank: Path, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _run(*command, str(bank), "-o", "-")
    assert code == 2 and "standard output" in out
    assert not (tmp_path / "-").exists()


# --- point 15: smaller wrong results --------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["build", "--out", ""], ["print", "-o", ""], ["anki", "-o", ""], ["export", "-o", ""]],
    ids=lambda a: a[0],
)
def test_an_empty_output_name_is_bad_usage(
    bank: Path, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _run(args[0], str(bank), *args[1:])
    assert code == 2, out
    assert "must not be empty" in out
    assert list(tmp_path.iterdir()) == [bank]


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf"])
def test_coverage_fail_under_must_be_a_number(value: str) -> None:
    code, out = _run("coverage", str(EXAMPLE), "--fail-under", value)
    assert code == 2, out
    assert "--fail-under" in out


def test_a_broken_link_in_a_bank_folder_is_an_error(bank: Path) -> None:
    (bank / "more.yaml").symlink_to(bank / "gone.yaml")
    code, out = _run("validate", str(bank))
    assert code == 2, out
    assert "more.yaml" in out and "broken link" in out
