"""The cache of validated banks and the outputs `build` keeps (issue 17): each gives exactly what a
run without the cache gives."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import BANKS, EXAMPLE, REPO

from quizgen.bank import bankcache, columns, loader
from quizgen.cli import main
from quizgen.errors import Report
from quizgen.outputs import build

EXAMPLE_ES = BANKS / "valid" / "example-es"
EVIDENCE = BANKS / "evidence"


_CHECK_BANKS = loader.check_banks  # the fixture `loads` replaces loader.check_banks with a counter


def fresh(paths: list[Path], article: Path | None = None) -> Report:
    """What a run without the cache finds."""
    return _CHECK_BANKS(paths, article=article)


def everything(value: Any) -> Any:
    """Every field of every object, those equality skips too (locations, roots, files, a
    translation's sites), each with its exact type."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value), tuple((f.name, everything(getattr(value, f.name))) for f in fields))
    if isinstance(value, list | tuple):
        return (type(value), tuple(map(everything, value)))
    if isinstance(value, dict):
        return (type(value), tuple((everything(k), everything(v)) for k, v in value.items()))
    return (type(value), value)


def same(a: Report, b: Report) -> None:
    """Equal in everything a command uses: banks (files and root too), every problem, file count."""
    assert a == b
    assert [(x.root, x.files) for x in a.banks] == [(x.root, x.files) for x in b.banks]
    assert [str(p) for p in a.problems] == [str(p) for p in b.problems]
    assert everything(a) == everything(b)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the fresh loads the cache makes (a hit makes none)."""
    calls: list[int] = []
    real = loader.check_banks

    def counting(*args: Any, **kwargs: Any) -> Report:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "check_banks", counting)
    return calls


def copy_bank(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst)
    return dst


def entries() -> list[Path]:
    folder = bankcache.cache_dir()
    assert folder is not None
    return sorted(folder.glob("*.pickle")) if folder.exists() else []


def test_a_hit_returns_what_a_fresh_load_returns_with_warnings_and_notes(
    tmp_path: Path, loads: list[int]
) -> None:
    paths = [BANKS / "warnings", EVIDENCE / "missing-article", EXAMPLE]
    first = bankcache.check_banks(paths)
    assert loads == [1] and len(entries()) == 1
    second = bankcache.check_banks(paths)
    assert loads == [1]  # served by the cache
    expected = fresh(paths)
    same(second, expected)
    same(first, expected)
    assert {p.severity for p in second.problems} >= {"warning", "note"}


def test_a_report_the_columns_cannot_hold_is_kept_pickled(
    loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = fresh([EXAMPLE])
    odd = Report([dataclasses.replace(report.banks[0], meeting_quiz_count=1.5)], report.problems, 1)  # type: ignore[arg-type]
    monkeypatch.setattr(loader, "check_banks", lambda *args, **kwargs: loads.append(1) or odd)
    bankcache.check_banks([EXAMPLE])
    same(bankcache.check_banks([EXAMPLE]), odd)
    assert loads == [1] and len(entries()) == 1


def test_a_translation_checked_alone_is_kept_while_the_banks_beside_it_are_unchanged(
    tmp_path: Path, loads: list[int]
) -> None:
    """Alone, a translation is checked against its original found beside it: those files count."""
    en, es = copy_bank(EXAMPLE, tmp_path), copy_bank(EXAMPLE_ES, tmp_path)
    before = bankcache.check_banks([es])
    same(bankcache.check_banks([es]), fresh([es]))
    assert loads == [1]  # a hit
    intro = en / "intro.yaml"  # the original, beside it
    intro.write_text(intro.read_text().replace("seven hours", "eight hours", 1))
    after = bankcache.check_banks([es])
    assert loads == [1, 1]
    same(after, fresh([es]))
    assert [p.message for p in after.problems] != [p.message for p in before.problems]  # parity check
    shutil.move(en, tmp_path.parent / f"{tmp_path.name}-away")  # the original gone from beside it
    gone = bankcache.check_banks([es])
    assert loads == [1, 1, 1] and "no bank with this id" in str(gone.errors)
    same(gone, fresh([es]))
    same(bankcache.check_banks([es]), gone)
    assert loads == [1, 1, 1]


def test_an_edited_file_is_read_again(tmp_path: Path, loads: list[int]) -> None:
    bank = copy_bank(EXAMPLE, tmp_path)
    before = bankcache.check_banks([bank])
    intro = bank / "intro.yaml"
    intro.write_text(intro.read_text().replace("seven hours", "eight hours", 1))
    after = bankcache.check_banks([bank])
    assert loads == [1, 1]
    same(after, fresh([bank]))
    assert after != before


def _edit_while_checking(
    monkeypatch: pytest.MonkeyPatch, path: Path, during: str, after: str | None = None
) -> list[str]:
    """Make the loader write `during` into `path` just before it parses that file, and (when
    given) `after` once the bank is read, as an editor saving mid-check would. Once only: later
    checks run as they would."""
    done: list[str] = []
    parse_file, lint_bank = loader.parse_file, loader.lint_bank

    def parse_editing(file: Path, *args: Any) -> Any:
        if file == path and not done:
            path.write_text(during)
            done.append("edited")
        return parse_file(file, *args)

    def lint_then_edit(bank: Any) -> Any:
        if after is not None and done == ["edited"]:
            path.write_text(after)
            done.append("edited back")
        return lint_bank(bank)

    monkeypatch.setattr(loader, "parse_file", parse_editing)
    monkeypatch.setattr(loader, "lint_bank", lint_then_edit)
    return done


def test_an_edit_made_while_the_check_runs_is_never_kept_for_the_new_bytes(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = copy_bank(EXAMPLE, tmp_path)
    intro = bank / "intro.yaml"
    old = intro.read_text()
    new = old.replace("seven hours", "eight hours", 1)
    of_old = fresh([bank])
    edits = _edit_while_checking(monkeypatch, intro, new)
    checked = bankcache.check_banks([bank])
    assert edits == ["edited"] and intro.read_text() == new
    same(checked, of_old)  # the bytes read for the key were checked, not the edit made after
    of_new = fresh([bank])
    assert of_new != of_old
    same(bankcache.check_banks([bank]), of_new)  # the new bytes: checked, not served
    assert loads == [1, 1]
    intro.write_text(old)
    same(bankcache.check_banks([bank]), of_old)  # the old bytes: served by their own entry
    assert loads == [1, 1]


def test_a_file_changed_and_changed_back_while_the_check_runs_keeps_only_what_was_checked(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A -> B -> A during one check: the entry for A's bytes must hold A's report (a second hash
    after the check, as before, saw A again and would have kept B's report under A's key)."""
    bank = copy_bank(EXAMPLE, tmp_path)
    intro = bank / "intro.yaml"
    a = intro.read_text()
    b = a.replace("seven hours", "eight hours", 1)
    edits = _edit_while_checking(monkeypatch, intro, b, after=a)
    bankcache.check_banks([bank])
    assert edits == ["edited", "edited back"] and intro.read_text() == a
    served = bankcache.check_banks([bank])
    assert loads == [1]  # served
    same(served, fresh([bank]))


def test_the_loader_is_handed_the_bytes_the_key_was_made_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold check through the cache reads each bank file once: the loader parses the bytes it
    is handed and opens no bank file itself."""
    bank = copy_bank(EXAMPLE, tmp_path)
    expected = fresh([bank])
    handed: list[tuple[Path, bytes | None]] = []
    parse_file = loader.parse_file

    def recording(file: Path, shown: str, problems: Any, raw: bytes | None = None) -> Any:
        handed.append((file, raw))
        return parse_file(file, shown, problems, raw)

    monkeypatch.setattr(loader, "parse_file", recording)
    same(bankcache.check_banks([bank]), expected)
    files = sorted(bank.resolve().iterdir())
    assert sorted(f for f, _ in handed) == files
    assert all(raw == f.read_bytes() for f, raw in handed)


def test_bank_files_too_big_to_hold_are_checked_without_the_cache(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    size = sum(f.stat().st_size for f in EXAMPLE.iterdir())
    monkeypatch.setattr(bankcache, "MAX_HELD_BYTES", size - 1)
    for _ in range(2):
        same(bankcache.check_banks([EXAMPLE]), fresh([EXAMPLE]))
    assert loads == [1, 1] and entries() == []
    monkeypatch.setattr(bankcache, "MAX_HELD_BYTES", size)
    for _ in range(2):
        same(bankcache.check_banks([EXAMPLE]), fresh([EXAMPLE]))
    assert loads == [1, 1, 1] and len(entries()) == 1


def test_a_file_over_the_limit_is_refused_through_the_cache_without_reading_it(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bank.yaml").write_text((BANKS / "invalid" / "bank.yaml").read_text())
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:  # sparse: costs no disk
        f.truncate(loader.MAX_FILE_BYTES + 1)
    read = Path.read_bytes

    def never_big(path: Path) -> bytes:
        assert path.name != "big.yaml", "read"
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", never_big)
    report = bankcache.check_banks([big])
    assert [p.message for p in report.errors] == ["file is too large (67 MB; the limit is 64 MiB)"]
    assert loads == [1] and entries() == []


def test_a_file_that_vanishes_after_it_was_found_is_reported_as_the_loader_reports_it(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = copy_bank(EXAMPLE, tmp_path)
    groups = bankcache.find_bank_files([bank])
    (bank / "habits.yaml").unlink()
    monkeypatch.setattr(bankcache, "find_bank_files", lambda paths: groups)
    report = bankcache.check_banks([bank])
    expected = _CHECK_BANKS([bank], groups=groups)
    same(report, expected)
    assert [p.message for p in report.errors] == ["cannot read file: No such file or directory"]
    assert entries() == []


def test_an_edited_article_is_read_again(tmp_path: Path, loads: list[int]) -> None:
    bank = tmp_path / "evidence"
    bank.mkdir()
    for name in ("bank.yaml", "article.txt", "good-quotes.yaml"):
        shutil.copy(EVIDENCE / name, bank / name)
    paths = [bank / "good-quotes.yaml"]
    before = bankcache.check_banks(paths)
    article = bank / "article.txt"
    article.write_text(article.read_text().replace("seven", "six"))
    after = bankcache.check_banks(paths)
    assert loads == [1, 1]
    same(after, fresh(paths))
    assert [str(p) for p in after.problems] != [str(p) for p in before.problems]


def _evidence_bank(tmp_path: Path) -> list[Path]:
    bank = tmp_path / "evidence"
    bank.mkdir()
    for name in ("bank.yaml", "article.txt", "good-quotes.yaml"):
        shutil.copy(EVIDENCE / name, bank / name)
    return [bank / "good-quotes.yaml"]


def test_an_article_edited_while_the_check_runs_is_never_kept_for_the_new_bytes(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quotes are checked against the article text as read; an edit saved just after that read
    (before the entry is written) must not make the entry trusted for the edited text. (The
    entry recorded a second read of the article, made after the check: the edit's digest.)"""
    paths = _evidence_bank(tmp_path)
    article = paths[0].parent / "article.txt"
    a = article.read_text()
    b = a.replace("seven", "six")
    of_a = fresh(paths)
    real = loader.check_evidence
    edits: list[str] = []

    def check_then_edit(*args: Any) -> Any:
        problems = real(*args)
        if not edits:
            article.write_text(b)
            edits.append("edited")
        return problems

    monkeypatch.setattr(loader, "check_evidence", check_then_edit)
    same(bankcache.check_banks(paths), of_a)
    assert edits == ["edited"]
    monkeypatch.setattr(loader, "check_evidence", real)
    of_b = fresh(paths)
    assert [str(p) for p in of_b.problems] != [str(p) for p in of_a.problems]
    same(bankcache.check_banks(paths), of_b)  # checked again, not served A's report
    assert loads == [1, 1]


def test_an_article_given_with_option_is_checked_as_read_for_the_key(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--article FILE` is read once: the bytes the key is made of are the bytes the quotes are
    checked against (a second read by the check saw an edit made meanwhile, and its report was
    kept under the key of the text before the edit)."""
    paths = _evidence_bank(tmp_path)
    given = tmp_path / "given.txt"
    a = (paths[0].parent / "article.txt").read_text()
    b = a.replace("seven", "six")
    given.write_text(a)
    of_a = fresh(paths, article=given)
    given.write_text(b)
    of_b = fresh(paths, article=given)
    assert [str(p) for p in of_b.problems] != [str(p) for p in of_a.problems]
    given.write_text(a)
    real = bankcache._key
    edits: list[str] = []

    def key_then_edit(*args: Any) -> str:
        key = real(*args)
        if not edits:
            given.write_text(b)
            edits.append("edited")
        return key

    monkeypatch.setattr(bankcache, "_key", key_then_edit)
    same(bankcache.check_banks(paths, article=given), of_a)
    assert edits == ["edited"]
    same(bankcache.check_banks(paths, article=given), of_b)  # the edit: checked, not served
    given.write_text(a)
    same(bankcache.check_banks(paths, article=given), of_a)  # A's own entry
    assert loads == [1, 1]


def test_another_quizgen_version_is_not_trusted(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    bankcache.check_banks([EXAMPLE])
    monkeypatch.setattr(bankcache, "__version__", "99.0.0")
    monkeypatch.setattr(bankcache, "_stamp", [])
    same(bankcache.check_banks([EXAMPLE]), fresh([EXAMPLE]))
    assert loads == [1, 1]


def test_an_entry_written_by_another_version_under_the_same_key_is_ignored(loads: list[int]) -> None:
    bankcache.check_banks([EXAMPLE])
    (entry,) = entries()
    stored = marshal.loads(entry.read_bytes()[len(bankcache.MAGIC) :])
    stored["version"] = "0.0.1"
    stored["report"] = columns.pack(Report([], [], 0))
    entry.write_bytes(bankcache.MAGIC + marshal.dumps(stored))
    same(bankcache.check_banks([EXAMPLE]), fresh([EXAMPLE]))
    assert loads == [1, 1]


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"garbage",
        bankcache.MAGIC,
        bankcache.MAGIC + b"\x80\x05junk",
        bankcache.MAGIC + pickle.dumps([1]),
    ],
)
def test_a_damaged_entry_is_ignored_and_replaced(damage: bytes, loads: list[int]) -> None:
    bankcache.check_banks([EXAMPLE])
    (entry,) = entries()
    good = entry.read_bytes()
    entry.write_bytes(damage if damage else good[: len(good) // 2])
    same(bankcache.check_banks([EXAMPLE]), fresh([EXAMPLE]))
    assert loads == [1, 1]
    bankcache.check_banks([EXAMPLE])  # rewritten whole: a hit again
    assert loads == [1, 1]


def test_a_cache_folder_that_cannot_be_written_changes_nothing(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(bankcache.CACHE_DIR_ENV, str(blocker / "cache"))  # below a file: never creatable
    for _ in range(2):
        same(bankcache.check_banks([EXAMPLE]), fresh([EXAMPLE]))
    assert loads == [1, 1]
    result = CliRunner().invoke(main, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0 and "0 errors" in result.output


def test_the_cache_can_be_turned_off(loads: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bankcache.NO_CACHE_ENV, "1")
    bankcache.check_banks([EXAMPLE])
    bankcache.check_banks([EXAMPLE])
    assert loads == [1, 1] and bankcache.cache_dir() is None


def test_problems_name_files_relative_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [(BANKS / "warnings").resolve()]
    monkeypatch.chdir(REPO)
    bankcache.check_banks(paths)
    monkeypatch.chdir(tmp_path)
    same(bankcache.check_banks(paths), fresh(paths))


def _validate(env: dict[str, str], *paths: Path, cwd: Path = REPO) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "quizgen", "validate", *map(str, paths)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
    )


def test_two_processes_filling_the_cache_at_once(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = (BANKS / "warnings", EXAMPLE)
    monkeypatch.setenv(bankcache.CACHE_DIR_ENV, str(tmp_path / "shared-cache"))
    env = dict(os.environ)
    # outside the checkout, so `python -m quizgen` runs the quizgen this process imported (from the
    # checkout's folder it would import the source tree, whose files stamp another cache key)
    here = tmp_path
    expected, _ = _validate({**env, bankcache.NO_CACHE_ENV: "1"}, *paths, cwd=here).communicate()
    runs = [_validate(env, *paths, cwd=here) for _ in range(2)]
    outputs = [p.communicate()[0] for p in runs]
    assert outputs == [expected, expected]
    again, _ = _validate(env, *paths, cwd=here).communicate()
    assert again == expected
    # the entry they left is whole and serves the next check
    assert len(entries()) == 1
    monkeypatch.chdir(here)
    same(bankcache.check_banks(list(paths)), fresh(list(paths)))
    assert loads == []  # served by the entry the processes left


# --------------------------------------------------------------------------- build keeps outputs


QUICK = tuple(k for k in build.OUTPUTS if k.suffix in (".apkg", "-handout.html", ".json"))


@pytest.fixture
def quick_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the deck, the handout and the JSON: the same logic as every output, without typst."""
    monkeypatch.setattr(build, "OUTPUTS", QUICK)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _build_all(banks: list[Path], out: Path) -> build.BuildResult:
    return build.build_all(loader.load_banks(banks), out)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _manifest_is_true(out: Path) -> None:
    manifest = json.loads((out / build.MANIFEST).read_text())
    for name, entry in manifest["files"].items():
        data = (out / name).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry["sha256"], entry["bytes"]), name


def test_build_keeps_what_did_not_change_and_renders_what_did(
    tmp_path: Path, quick_outputs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    en, es = copy_bank(EXAMPLE, tmp_path), copy_bank(EXAMPLE_ES, tmp_path)
    out = tmp_path / "out"
    first = _build_all([en, es], out)
    assert first.kept == ()
    assert len(_build_all([en, es], out).kept) == 2 * len(QUICK)  # nothing changed: nothing rendered

    # one question of the translation: its outputs only (the original's stay as they were)
    habits = es / "habits.yaml"
    habits.write_text(habits.read_text().replace("un cuarto oscuro ayuda", "un cuarto oscuro sí ayuda", 1))
    third = _build_all([en, es], out)
    assert sorted(third.kept) == sorted(f"example{k.suffix}" for k in QUICK)
    _manifest_is_true(out)
    fresh_out = tmp_path / "fresh"
    monkeypatch.setenv(bankcache.NO_CACHE_ENV, "1")
    _build_all([en, es], fresh_out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        p.name: p.read_bytes() for p in fresh_out.iterdir()
    }


def test_build_after_editing_the_original_renders_its_translation_too(
    tmp_path: Path, quick_outputs: None
) -> None:
    en, es = copy_bank(EXAMPLE, tmp_path), copy_bank(EXAMPLE_ES, tmp_path)
    out = tmp_path / "out"
    _build_all([en, es], out)
    intro = en / "intro.yaml"
    intro.write_text(intro.read_text().replace("seven hours", "eight hours", 1))
    assert _build_all([en, es], out).kept == ()
    _manifest_is_true(out)


def test_a_deleted_or_changed_output_is_written_again(tmp_path: Path, quick_outputs: None) -> None:
    out = tmp_path / "out"
    _build_all([EXAMPLE], out)
    before = _files(out)
    (out / "example.json").unlink()
    (out / "example-handout.html").write_text("edited by hand")
    result = _build_all([EXAMPLE], out)
    assert sorted(result.kept) == ["example.apkg"]
    assert _files(out) == before
    _manifest_is_true(out)


def test_other_options_render_again(
    tmp_path: Path, quick_outputs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    _build_all([EXAMPLE], out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")
    assert _build_all([EXAMPLE], out).kept == ()
    banks = loader.load_banks([EXAMPLE])
    assert build.build_all(banks, out, meeting_count=3).kept == ()


def test_build_command_says_what_it_kept(tmp_path: Path, quick_outputs: None) -> None:
    out = tmp_path / "out"
    for _ in range(2):
        result = CliRunner().invoke(main, ["build", str(EXAMPLE), "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert f"Wrote 3 files to {out}, 3 of them unchanged since the last build" in result.output
