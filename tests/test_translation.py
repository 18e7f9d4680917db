"""Translated banks: parity with the original, needs-review marks, status, ids that never mix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BANKS, EXAMPLE, REPO

from quizgen.bank import loader
from quizgen.bank.translation import fingerprint, translation_status
from quizgen.cli import main
from quizgen.study.selection import in_option_order

EXAMPLE_ES = BANKS / "valid" / "example-es"
CASES = sorted((BANKS / "translations").glob("*.yaml"))
WARNING_CASES = {"needs-review", "untranslated"}


def _run(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output.splitlines()


def test_every_parity_rule_has_a_broken_translation() -> None:
    assert len(CASES) >= 19
    for case in CASES:
        expected = case.with_suffix(".expected")
        assert expected.is_file() and expected.read_text(encoding="utf-8").strip(), case.name


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_broken_translation_reports_exact_located_message(case: Path, in_repo: Path) -> None:
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    rel = str(case.relative_to(REPO))
    code, lines = _run("validate", "tests/banks/valid/example", rel)
    assert lines[:-1] == expected
    if case.stem in WARNING_CASES:
        assert code == 0 and all(": warning: " in line for line in expected)
        assert _run("validate", "--strict", "tests/banks/valid/example", rel)[0] == 1
    else:
        assert code == 1


def test_a_complete_translation_validates_strictly_alone(in_repo: Path) -> None:
    """The original is found beside the translation when only the translation is given."""
    code, lines = _run("validate", "--strict", "tests/banks/valid/example-es")
    assert (code, lines) == (0, ["0 errors, 0 warnings in 3 files (1 valid bank, 6 questions)"])


def test_a_translation_reuses_its_originals_ids_but_no_other_bank_may(tmp_path: Path) -> None:
    report = loader.check_banks([EXAMPLE, EXAMPLE_ES])
    assert report.problems == []
    assert [b.id for b in report.banks] == ["example", "example-es"]
    # a bank that is not a translation still may not reuse them
    other = tmp_path / "other.yaml"
    text = (EXAMPLE / "bank.yaml").read_text(encoding="utf-8").replace("id: example", "id: other")
    other.write_text(text + (EXAMPLE / "intro.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    messages = [p.message for p in loader.check_banks([EXAMPLE, other]).errors]
    assert messages[0].startswith("duplicate question id 'ex-001'")


def test_anki_guids_and_progress_keys_of_the_editions_never_mix() -> None:
    from quizgen.outputs.anki import note_guid

    en, es = loader.load_banks([EXAMPLE, EXAMPLE_ES])
    guids_en = {note_guid(en, q) for q in en.questions}
    guids_es = {note_guid(es, q) for q in es.questions}
    assert len(guids_en) == len(guids_es) == 6 and not guids_en & guids_es


def test_both_editions_show_options_in_the_same_order() -> None:
    en, es = loader.load_banks([EXAMPLE, EXAMPLE_ES])
    for q_en, q_es in zip(en.questions, es.questions, strict=True):
        shown_en, shown_es = in_option_order(en, q_en, None), in_option_order(es, q_es, None)
        assert shown_en.correct == shown_es.correct
        assert [q_en.options.index(o) for o in shown_en.options] == [
            q_es.options.index(o) for o in shown_es.options
        ]


def test_editing_one_english_question_marks_exactly_its_translation(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "example")
    shutil.copytree(EXAMPLE_ES, tmp_path / "example-es")
    intro = tmp_path / "example" / "intro.yaml"
    text = intro.read_text(encoding="utf-8")
    intro.write_text(
        text.replace("Seven hours is the amount", "Seven hours is about the amount"), encoding="utf-8"
    )
    report = loader.check_banks([tmp_path / "example", tmp_path / "example-es"])
    assert [(p.severity, p.message.split(":")[0]) for p in report.problems] == [
        ("warning", "question 'ex-002' needs review")
    ]
    en, es = report.banks
    status = translation_status(en, es)
    assert status.needs_review == ("ex-002",) and len(status.translated) == 5 and not status.untranslated
    # recording the new fingerprint clears it
    es_intro = tmp_path / "example-es" / "intro.yaml"
    old = fingerprint(loader.load_banks([EXAMPLE])[0].questions[4])  # ex-002 (files in name order)
    es_intro.write_text(
        es_intro.read_text(encoding="utf-8").replace(old, fingerprint(en.questions[4])), encoding="utf-8"
    )
    assert loader.check_banks([tmp_path / "example", tmp_path / "example-es"]).problems == []


def test_fingerprints_command_prints_what_translations_record(in_repo: Path) -> None:
    code, lines = _run("fingerprints", "tests/banks/valid/example")
    assert code == 0
    assert lines[0] == "# example"
    recorded = {q.id: q.translated_from for q in loader.load_banks([EXAMPLE_ES])[0].questions}
    assert dict(line.split() for line in lines[1:]) == recorded


def test_stats_shows_a_translations_status(in_repo: Path) -> None:
    code, lines = _run("stats", "tests/banks/translations/untranslated.yaml", "tests/banks/valid/example")
    assert code == 0
    assert lines[:8] == [
        "Ejemplo: el sueño y la salud (example-es): 4 questions, 4 Anki cards",
        "",
        "Translation into es of example",
        "  method: Traducción del equipo de quizgen, para las pruebas.",
        "  not yet reviewed by a health professional (every output says so)",
        "  4 of 6 questions translated and up to date",
        "  needs review (0): none",
        "  not yet translated (2): ex-005, ex-006",
    ]


def test_export_carries_language_and_translation(in_repo: Path) -> None:
    import json

    _code, lines = _run("export", "tests/banks/valid/example", "tests/banks/valid/example-es")
    doc = json.loads("\n".join(lines))
    en, es = doc["banks"]
    assert (en["language"], en["translates"], en["translation"]) == ("en", None, None)
    assert (es["language"], es["translates"]) == ("es", "example")
    assert es["translation"]["reviewed_by"] is None
    assert all(len(q["translated_from"]) == 12 for q in es["questions"])
