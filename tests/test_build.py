"""`quizgen build`: every output, deterministic, all-or-nothing, and the committed output/ is current."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, REPO
from pypdf import PdfReader

from quizgen.bank.loader import load_banks
from quizgen.cli import main
from quizgen.outputs.build import MANIFEST, REFRESH_COMMAND, planned_outputs

COMMITTED = REPO / "output"


def _build(out: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, ["build", *args, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_build_writes_every_output_with_a_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "out"
    text = _build(out, str(EXAMPLE))
    names = [name for name, _ in planned_outputs(load_banks([EXAMPLE]))]
    assert len(names) == 12  # with the meeting quiz and its key, and the web page
    for name in names:
        assert (out / name).stat().st_size > 0, name
        assert name in text
    assert "example.apkg" in text and "6 notes, 7 cards" in text
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["source_date_epoch"] == 1700000000
    assert set(manifest["files"]) == set(names)
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"]
    for name in names:
        if name.endswith(".pdf"):
            pages = len(PdfReader(out / name).pages)
            # the meeting quiz and its key also say how many questions they hold
            assert manifest["files"][name]["detail"].endswith(f"{pages} page{'s' * (pages != 1)}, US letter")
    readme = (out / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in names)
    assert oct((out / "example.json").stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    assert _build(tmp_path / "out", str(EXAMPLE), "--quiet") == ""


def test_same_epoch_gives_same_bytes(tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    _build(tmp_path / "a", str(EXAMPLE), env=env)
    _build(tmp_path / "b", str(EXAMPLE), env=env)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_unchanged_banks_rebuild_to_same_bytes_without_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "out"
    _build(out, str(EXAMPLE))
    first = _files(out)
    _build(out, str(EXAMPLE))
    assert _files(out) == first


def _fail_on_second_write(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)


@pytest.fixture
def previous_build(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A folder holding an earlier build, and its files' bytes."""
    out = tmp_path / "out"
    _build(out, str(EXAMPLE), env={"SOURCE_DATE_EPOCH": "1700000000"})
    return out, _files(out)


def test_build_failing_in_second_writer_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, previous_build: tuple[Path, dict[str, bytes]]
) -> None:
    out, before = previous_build
    edited = tmp_path / "edited"
    shutil.copytree(EXAMPLE, edited)
    intro = edited / "intro.yaml"
    intro.write_text(intro.read_text().replace("About how many hours", "Roughly how many hours"))
    _fail_on_second_write(monkeypatch)
    result = CliRunner().invoke(
        main, ["build", str(edited), "--out", str(out)], env={"SOURCE_DATE_EPOCH": "1800000000"}
    )
    assert result.exit_code == 1
    assert "Error: cannot write " in result.output and "No space left on device" in result.output
    assert _files(out) == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_build_failing_in_second_renderer_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, previous_build: tuple[Path, dict[str, bytes]]
) -> None:
    import quizgen.outputs.build
    from quizgen.errors import BuildError

    out, before = previous_build
    real = quizgen.outputs.build.PdfWorkers.typeset
    calls = {"n": 0}

    def second_fails(*args: Any, **kwargs: Any) -> bytes:
        calls["n"] += 1
        if calls["n"] == 2:
            raise BuildError("the answer key could not be typeset")
        return real(*args, **kwargs)

    monkeypatch.setattr(quizgen.outputs.build.PdfWorkers, "typeset", second_fails)
    result = CliRunner().invoke(
        main, ["build", str(EXAMPLE), "--out", str(out)], env={"SOURCE_DATE_EPOCH": "1800000000"}
    )
    assert result.exit_code == 1
    assert "Error: the answer key could not be typeset" in result.output
    assert calls["n"] == 2
    assert _files(out) == before


def test_typesetting_errors_come_back_from_the_worker(tmp_path: Path) -> None:
    from quizgen.errors import UsageError
    from quizgen.outputs.build import PdfWorkers
    from quizgen.outputs.printing import PrintOptions

    (bank,) = load_banks([EXAMPLE])
    pool = PdfWorkers()
    pdf = pool.typeset("quiz", [bank], PrintOptions(timestamp=1700000000))
    assert pdf.startswith(b"%PDF")
    with pytest.raises(UsageError, match="no questions"):
        pool.typeset("quiz", [dataclasses.replace(bank, questions=())], PrintOptions(timestamp=1))
    assert multiprocessing.active_children() == []  # each worker has ended once its PDF is back


def test_stale_temporaries_of_a_killed_build_are_removed(
    previous_build: tuple[Path, dict[str, bytes]],
) -> None:
    out, _ = previous_build
    (out / ".example.apkg.abc123.tmp").write_bytes(b"half a file")
    (out / ".manifest.json.x1.tmp").write_bytes(b"half a file")
    (out / ".notes-of-someone-else.tmp").write_bytes(b"not ours")
    text = _build(out, str(EXAMPLE))
    assert [p.name for p in out.glob(".*.tmp")] == [".notes-of-someone-else.tmp"]
    assert "removed 2 temporary files of an interrupted write" in text


def test_output_readme_lists_each_banks_own_files(tmp_path: Path) -> None:
    for bank_id in ("sleep", "sleep-more"):
        folder = tmp_path / "banks" / bank_id
        shutil.copytree(EXAMPLE, folder)
        text = (folder / "bank.yaml").read_text().replace("id: example", f"id: {bank_id}")
        (folder / "bank.yaml").write_text(text)
        for f in folder.glob("[!b]*.yaml"):
            f.write_text(f.read_text().replace("id: ex-", f"id: {bank_id}-"))
    out = tmp_path / "out"
    _build(out, str(tmp_path / "banks"))
    readme = (out / "README.md").read_text()
    first, second = readme.split("## Example: Sleep and Health")[1:3]
    assert "`sleep.apkg`" in first and "sleep-more" not in first
    assert "`sleep-more.apkg`" in second


def test_committed_output_is_current(tmp_path: Path) -> None:
    manifest_path = COMMITTED / MANIFEST
    if not manifest_path.exists():
        pytest.fail(f"output/{MANIFEST} is missing: run `{REFRESH_COMMAND}` and commit output/")
    manifest = json.loads(manifest_path.read_text())
    epoch = str(manifest["source_date_epoch"])
    fresh = tmp_path / "fresh"
    _build(fresh, "--quiet", env={"SOURCE_DATE_EPOCH": epoch})
    committed = {n: b for n, b in _files(COMMITTED).items() if not n.startswith(".")}
    rebuilt = {n: b for n, b in _files(fresh).items() if not n.startswith(".")}
    stale = sorted(n for n in committed.keys() | rebuilt.keys() if committed.get(n) != rebuilt.get(n))
    assert not stale, (
        f"output/ is out of date ({', '.join(stale)} differ from a rebuild with SOURCE_DATE_EPOCH={epoch}). "
        f"Refresh it with `{REFRESH_COMMAND}` and commit output/."
    )


def test_output_readme_escapes_bank_text_for_markdown() -> None:
    """A bank title is text in output/README.md, never HTML or Markdown (issue 16, point 11)."""
    from quizgen.outputs.build import readme_md

    bank = load_banks([EXAMPLE])[0]
    title = "<img src=x onerror=alert(1)> *bold* [link](javascript:alert(2)) `code` | cell"
    article = dataclasses.replace(bank.article, title="_x_ <b>y</b>")
    bank = dataclasses.replace(bank, title=title, article=article, disclaimer="# not a heading\n- nor a list")
    readme = readme_md([bank], [])
    heading = next(line for line in readme.splitlines() if line.startswith("## ") and "img" in line)
    assert heading == (
        "## &lt;img src=x onerror=alert(1)&gt; \\*bold\\* \\[link\\](javascript:alert(2)) \\`code\\` \\| cell"
    )
    assert "<b>" not in readme and "*\\_x\\_ &lt;b&gt;y&lt;/b&gt;*" in readme
    assert "\\# not a heading - nor a list" in readme


def test_a_new_output_is_one_more_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import quizgen.outputs.build
    from quizgen.outputs.build import OutputKind

    def words(banks: Any, ctx: Any) -> tuple[str, str]:
        return f"{banks[0].id} at {ctx.epochs.build}\n", "1 line"

    row = OutputKind("-words.txt", "a test output", words)
    monkeypatch.setattr(quizgen.outputs.build, "OUTPUTS", (*quizgen.outputs.build.OUTPUTS[-1:], row))
    out = tmp_path / "out"
    text = _build(out, str(EXAMPLE), env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert (out / "example-words.txt").read_text() == "example at 1700000000\n"
    assert "example-words.txt" in text and "1 line" in text
    assert "example-words.txt" in json.loads((out / MANIFEST).read_text())["files"]
    assert "| `example-words.txt` | a test output | 1 line |" in (out / "README.md").read_text()
    assert (out / ".quizgen-epoch.json").is_file()


def test_the_cli_leaves_the_build_sequence_to_the_library() -> None:
    cli = (REPO / "quizgen" / "cli.py").read_text(encoding="utf-8")
    for step in ("plan_epochs", "write_all_atomic", "render_apkg", "manifest_json"):
        assert step not in cli, step


def test_a_build_hashes_the_banks_content_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest's `banks_fingerprint` is the one the build's times were planned from: the
    banks' content is hashed once per build, not again for the manifest."""
    from quizgen.outputs import build, timestamps

    monkeypatch.setattr(build, "OUTPUTS", tuple(k for k in build.OUTPUTS if k.suffix == ".apkg"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    banks = load_banks([EXAMPLE])
    real = timestamps.banks_fingerprint
    calls: list[object] = []

    def counted(banks: Any) -> str:
        calls.append(banks)
        return real(banks)

    monkeypatch.setattr(timestamps, "banks_fingerprint", counted)
    build.build_all(banks, tmp_path / "out")
    assert len(calls) == 1
    assert json.loads((tmp_path / "out" / MANIFEST).read_text())["banks_fingerprint"] == real(banks)
