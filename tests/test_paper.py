"""Which paper the PDFs are printed on: --paper, quizgen.toml, the bank's `paper:`, else letter."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE
from pypdf import PdfReader

from quizgen.cli import main

A4_PT = (595.28, 841.89)
LETTER_PT = (612.0, 792.0)


def page_sizes(pdf: bytes) -> set[tuple[float, float]]:
    return {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in PdfReader(io.BytesIO(pdf)).pages
    }


def bank_with_paper(tmp_path: Path, paper: str) -> Path:
    bank = tmp_path / "bank"
    shutil.copytree(EXAMPLE, bank)
    text = (bank / "bank.yaml").read_text()
    (bank / "bank.yaml").write_text(text.replace("bank:\n", f"bank:\n  paper: {paper}\n", 1))
    return bank


def print_quiz(tmp_path: Path, bank: Path, *args: str) -> set[tuple[float, float]]:
    out = tmp_path / "quiz.pdf"
    result = CliRunner().invoke(main, ["print", str(bank), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return page_sizes(out.read_bytes())


def test_build_paper_a4_makes_every_pdf_a4(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "--out", str(tmp_path), "--paper", "a4"])
    assert result.exit_code == 0, result.output
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 8  # with the meeting quiz and its key
    for pdf in pdfs:
        assert page_sizes(pdf.read_bytes()) == {A4_PT}, pdf.name
    assert "example-quiz.pdf" in result.output and "pages, A4" in result.output
    assert "A4 |" in (tmp_path / "README.md").read_text()


def test_letter_is_the_default(tmp_path: Path) -> None:
    assert print_quiz(tmp_path, EXAMPLE) == {LETTER_PT}


def test_a_bank_sets_its_default_paper(tmp_path: Path) -> None:
    bank = bank_with_paper(tmp_path, "a4")
    assert print_quiz(tmp_path, bank) == {A4_PT}
    assert print_quiz(tmp_path, bank, "--paper", "letter") == {LETTER_PT}


def test_the_settings_file_wins_over_the_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = tmp_path / "quizgen.toml"
    settings.write_text('paper = "a4"\n')
    monkeypatch.setenv("QUIZGEN_CONFIG", str(settings))
    assert print_quiz(tmp_path, EXAMPLE) == {A4_PT}
    assert print_quiz(tmp_path, bank_with_paper(tmp_path / "b", "letter")) == {A4_PT}
    assert print_quiz(tmp_path, EXAMPLE, "--paper", "letter") == {LETTER_PT}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('papper = "a4"\n', "unknown setting 'papper' in {path} (did you mean 'paper'?); known: paper"),
        ('paper = "A5"\n', "paper in {path} must be one of letter, a4, not 'A5'"),
        ("paper = a4\n", "the settings file {path} is not valid TOML: "),
    ],
)
def test_a_bad_settings_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    settings = tmp_path / "quizgen.toml"
    settings.write_text(text)
    monkeypatch.setenv("QUIZGEN_CONFIG", str(settings))
    result = CliRunner().invoke(main, ["print", str(EXAMPLE), "-o", str(tmp_path / "q.pdf")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: " + message.format(path=settings))


def test_a_bad_bank_paper_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(bank_with_paper(tmp_path, "a5"))])
    assert result.exit_code == 1
    assert "bank.yaml:3:10: paper must be one of letter, a4, not 'a5'" in result.output


def test_readme_names_the_settings_file_of_each_system(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import REPO
    from platformdirs.macos import MacOS
    from platformdirs.unix import Unix

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    home = str(Path.home())
    for dirs in (Unix("quizgen", appauthor=False), MacOS("quizgen", appauthor=False)):
        assert f"`{dirs.user_config_dir.replace(home, '~')}/quizgen.toml`" in readme
    assert "`%LOCALAPPDATA%\\quizgen\\quizgen.toml`" in readme
    assert "--paper a4" in readme and 'paper = "a4"' in readme
