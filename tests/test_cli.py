"""The command line as a user meets it: help texts, the README, errors and exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BANKS, EXAMPLE, REPO

from quizgen.cli import main

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


def test_expected_commands_exist() -> None:
    assert {
        "validate",
        "stats",
        "coverage",
        "export",
        "anki",
        "print",
        "quiz",
        "review",
        "progress",
        "build",
    } <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_text(name: str) -> None:
    command = main.commands[name]
    assert command.help and len(command.help.strip()) > 20, f"{name} lacks help text"
    for param in command.params:
        if param.param_type_name == "option":
            assert getattr(param, "help", None), f"{name} {param.opts} lacks help text"
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert f"Usage: main {name}" in result.output or f"Usage: quizgen {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_lists_every_command(name: str) -> None:
    assert f"`quizgen {name}" in README, f"README does not mention quizgen {name}"


def test_readme_commands_exist() -> None:
    mentioned = set(re.findall(r"`quizgen ([a-zA-Z]+)", README))
    assert mentioned - {"COMMAND"} <= set(COMMANDS), mentioned - set(COMMANDS)
    assert "pip install . && quizgen build" in README
    assert "pip install '.[test]' && pytest" in README
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install '.[test]' && pytest" in ci


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "quizgen", "validate", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("0 errors, 0 warnings in 3 files")


def test_bad_bank_reaches_user_as_error_line_and_exit_1(in_repo: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "quizgen", "stats", "tests/banks/invalid/answer-not-an-option.yaml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "tests/banks/invalid/answer-not-an-option.yaml:6:13: "
        "answer 'Blu' is not one of the options (did you mean 'Blue'?)",
        "Error: 1 error in the question banks",
    ]


def test_bad_usage_exits_2() -> None:
    assert CliRunner().invoke(main, ["validate", "/no/such/bank"]).exit_code == 2
    assert CliRunner().invoke(main, ["coverage", "--fail-under", "200"]).exit_code == 2
    assert CliRunner().invoke(main, ["no-such-command"]).exit_code == 2


def test_stats_counts(in_repo: Path) -> None:
    result = CliRunner().invoke(main, ["stats", str(EXAMPLE)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Example: Sleep and Health (example): 6 questions, 7 Anki cards"
    assert "  multiple_choice      1" in lines
    assert "  Introduction      3" in lines


def test_coverage_lists_facts_and_fails_under(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["coverage", str(EXAMPLE), "--fail-under", "100"])
    assert result.exit_code == 0, result.output
    assert "  magic-pill     omitted: The article's claim contradicts itself; not taught." in result.output
    assert "  sleep-hours    ex-001, ex-002, ex-003" in result.output
    # drop the only question citing 'screens': coverage falls to 3 of 4 facts
    copy = tmp_path / "example"
    copy.mkdir()
    for f in EXAMPLE.glob("*.yaml"):
        (copy / f.name).write_text(f.read_text().replace("facts: [caffeine, screens]", "facts: [caffeine]"))
    result = CliRunner().invoke(main, ["coverage", str(copy), "--fail-under", "100"])
    assert result.exit_code == 1
    assert "screens        NOT COVERED" in result.output
    assert "Coverage: 75.0%" in result.output
    assert CliRunner().invoke(main, ["coverage", str(copy), "--fail-under", "75"]).exit_code == 0


def test_validate_counts_warnings_and_files() -> None:
    result = CliRunner().invoke(main, ["validate", str(BANKS / "warnings" / "negative-stem.yaml")])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "0 errors, 1 warning in 2 files (1 valid bank, 1 question)"
    # five warning cases share the id q1: together they are one bank with duplicate ids
    result = CliRunner().invoke(main, ["validate", str(BANKS / "warnings")])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("4 errors, 8 warnings in 8 files")


def test_cli_question_types_match_the_model() -> None:
    from quizgen import cli
    from quizgen.bank.model import QuestionType

    assert [t.value for t in QuestionType] == cli._QUESTION_TYPES


def test_readme_says_where_progress_is_kept_and_documents_quizgen_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from platformdirs.macos import MacOS
    from platformdirs.unix import Unix

    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    home = str(Path.home())
    linux = Unix("quizgen", appauthor=False).user_data_dir.replace(home, "~")
    mac = MacOS("quizgen", appauthor=False).user_data_dir.replace(home, "~")
    from quizgen.study.progressdb import FILE_NAME

    assert f"`{linux}/{FILE_NAME}`" in README
    assert f"`{mac}/{FILE_NAME}`" in README
    assert f"`%LOCALAPPDATA%\\quizgen\\{FILE_NAME}`" in README
    assert "`QUIZGEN_NOW`" in README and "`QUIZGEN_DATA_DIR=DIR`" in README


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-o", "x.docx"],
            "x.docx does not end in .pdf: this writes PDF, so name the file *.pdf "
            "(or *.html with --format html)",
        ),
        (
            ["-o", "x.pdf", "--format", "html"],
            "x.pdf does not end in .html or .htm: this writes HTML, so name the file *.html",
        ),
        (
            ["-o", "x.docx", "--flashcards"],
            "x.docx does not end in .pdf: this writes PDF, so name the file *.pdf",
        ),
    ],
)
def test_print_refuses_an_extension_that_does_not_match_the_format(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        main, ["print", str(EXAMPLE), *[str(tmp_path / a) if a.startswith("x.") else a for a in args]]
    )
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_one_quiz_never_mixes_an_original_with_its_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizgen.bank.loader import load_banks

    shipped = load_banks(None)
    originals = [b for b in shipped if b.translates is None]
    assert len(originals) < len(shipped), "the shipped banks include a translation"
    n = sum(len(b.questions) for b in originals)
    monkeypatch.setenv("QUIZGEN_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["quiz", "--no-color"], input="q\n")
    assert f"Question 1 of {n} " in result.output or f"Question 1 of {n}\n" in result.output, result.output
    result = CliRunner().invoke(main, ["web", "-o", str(tmp_path / "page.html")])
    assert result.exit_code == 0, result.output
    assert f"({n} questions," in result.output
    assert '<html lang="en"' in (tmp_path / "page.html").read_text("utf-8")
    # a translation named by its folder is used on its own
    (translation,) = [b for b in shipped if b.translates is not None]
    folder = next(p for p in (REPO / "questions").iterdir() if p.name == translation.id)
    result = CliRunner().invoke(main, ["web", str(folder), "-o", str(tmp_path / "es.html")])
    assert f"({len(translation.questions)} questions," in result.output


def test_a_folder_of_an_original_and_its_translation_gives_a_quiz_in_one_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`quizgen quiz questions/` (the folder beside the README) asked all 172 questions, the English
    and the Spanish of each, in one English session: Spanish true/false questions answered only by
    "true" or "false", Spanish answers checked against English words. The original alone, as with
    no path, and a note saying what was left out."""
    from quizgen.bank.loader import load_banks

    shipped = load_banks(None)
    n = sum(len(b.questions) for b in shipped if b.translates is None)
    monkeypatch.setenv("QUIZGEN_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["quiz", str(REPO / "questions"), "--no-color"], input="q\n")
    assert f"Question 1 of {n} " in result.stdout, result.output
    assert "Note: calcineurin-lupus-es translates calcineurin-lupus" in result.stderr
    result = CliRunner().invoke(main, ["web", str(REPO / "questions"), "-o", str(tmp_path / "page.html")])
    assert result.exit_code == 0, result.output
    assert f"({n} questions," in result.output
    assert '<html lang="en"' in (tmp_path / "page.html").read_text("utf-8")
