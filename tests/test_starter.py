"""`quizgen new`: a starter bank from an article's headings, valid as written, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from quizgen.bank.loader import load_banks
from quizgen.bank.model import QuestionType
from quizgen.bank.starter import outline
from quizgen.cli import main

WEB_PAGE = """\
Sleep and Health

Previous Article Next Article

Most adults need about seven hours of sleep a night, and many get less.

Why Sleep Matters

Sleep lets the body repair itself. It is one of the habits the article covers first.

Habits That Help

A regular bedtime helps. Is it easy? Not always. Caffeine late in the day can keep you awake.

Comments (0)

Leave a Reply

Related Reading

Another article's teaser...
"""

MARKDOWN = """\
# Sleep and Health

## Why Sleep Matters

Sleep lets the body repair itself.

## Habits That Help

A regular bedtime helps.
"""


def new(tmp_path: Path, text: str, *args: str) -> tuple[int, str]:
    article = tmp_path / "article.txt"
    article.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["new", *args, "--article", str(article), "--into", str(tmp_path)])
    return result.exit_code, result.output


def test_the_starter_has_the_articles_sections_and_validates_strictly(tmp_path: Path) -> None:
    code, output = new(tmp_path, WEB_PAGE, "sleep")
    assert code == 0, output
    folder = tmp_path / "sleep"
    assert sorted(p.name for p in folder.iterdir()) == ["01-introduction.yaml", "bank.yaml"]
    check = CliRunner().invoke(main, ["validate", "--strict", str(folder)])
    assert check.exit_code == 0, check.output
    assert check.output.splitlines()[-1] == "0 errors, 0 warnings in 2 files (1 valid bank, 6 questions)"
    (bank,) = load_banks([folder])
    assert bank.id == "sleep" and bank.title == "Sleep and Health"
    assert [(s.id, s.title) for s in bank.article.sections] == [
        ("introduction", "Introduction"),
        ("why-sleep-matters", "Why Sleep Matters"),
        ("habits-that-help", "Habits That Help"),
    ]
    assert [f.section for f in bank.facts] == [s.id for s in bank.article.sections]
    assert all(f.text.startswith("Fill in:") for f in bank.facts)
    assert bank.disclaimer.startswith("Educational material, not medical advice.")
    assert sorted(q.type.value for q in bank.questions) == sorted(t.value for t in QuestionType)


def test_markdown_headings_are_the_sections() -> None:
    found = outline(MARKDOWN)
    assert found.title == "Sleep and Health"
    assert found.sections == ("Why Sleep Matters", "Habits That Help")


def test_a_bank_of_one_section_says_how_headings_are_found(tmp_path: Path) -> None:
    """Headings with their paragraph right under them are not found (a paragraph's first line of
    hard-wrapped text looks the same): the curator is told, not left with one section unawares."""
    tight = "Sleep and Health\n\nWhy Sleep Matters\nSleep lets the body repair itself.\n"
    code, output = new(tmp_path, tight, "sleep")
    assert code == 0, output
    (bank,) = load_banks([tmp_path / "sleep"])
    assert [s.title for s in bank.article.sections] == ["Introduction"]
    assert "Found no section headings after the title" in output
    assert "blank line before and after" in output
    code, output = new(tmp_path, WEB_PAGE, "sleep2")
    assert code == 0 and "Found no section headings" not in output


def test_never_writes_over_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "sleep").mkdir()
    (tmp_path / "sleep" / "bank.yaml").write_text("mine\n")
    code, output = new(tmp_path, WEB_PAGE, "sleep")
    assert code == 2
    assert output.endswith("already exists; nothing written (choose another bank id or --into)\n")
    assert (tmp_path / "sleep" / "bank.yaml").read_text() == "mine\n"
    assert [p.name for p in (tmp_path / "sleep").iterdir()] == ["bank.yaml"]


@pytest.mark.parametrize(
    ("bank_id", "text", "message"),
    [
        ("Sleep", WEB_PAGE, "Error: bank id 'Sleep' may hold only lowercase letters, digits and '-'"),
        ("sleep", "just one long sentence of text, and nothing else.\n", "Error: found no headings"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    tmp_path: Path, bank_id: str, text: str, message: str
) -> None:
    code, output = new(tmp_path, text, bank_id)
    assert code == 2 and output.startswith(message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]


def test_readme_bank_format_starts_from_quizgen_new() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The bank format", 1)[1]
    first = section.strip().split("\n\n", 1)[0]
    assert "quizgen new" in first and "--article" in first
