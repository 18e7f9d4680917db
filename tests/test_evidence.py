"""Evidence: quotes checked against the article text, references and safety notes in every output."""

from __future__ import annotations

import dataclasses
import html
import io
import json
from pathlib import Path
from typing import Any

import pypdf
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner
from conftest import ARTICLE, BANKS, REPO

from quizgen.bank.evidence import (
    QUOTE_MAX_WORDS,
    SAFETY_NOTES_HEADING,
    check_quote,
    evidence_lines,
    is_sentence,
    normalise_quote,
    read_article_text,
)
from quizgen.bank.loader import check_banks, load_banks
from quizgen.bank.model import Bank, Reference, Section
from quizgen.bank.quotes import article_text, read_article
from quizgen.cli import main
from quizgen.outputs import handout, printing
from quizgen.outputs.anki import note_guid, render_apkg
from quizgen.outputs.export import export_json
from quizgen.reports import coverage_report

EVIDENCE = BANKS / "evidence"
CASES = sorted(p for p in EVIDENCE.iterdir() if (p.is_dir() or p.suffix == ".yaml") and p.name != "bank.yaml")
SLEEP_SECTIONS = (Section("intro", "Introduction"), Section("habits", "Sleep Habits"))


def _validate(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output.splitlines()


def _expected(case: Path) -> list[str]:
    return case.with_name(case.stem + ".expected").read_text(encoding="utf-8").splitlines()


def _evidence_bank() -> Bank:
    (bank,) = load_banks([EVIDENCE / "good-quotes.yaml"], strict=True)
    return bank


# --------------------------------------------------------------------------- located messages


def test_every_case_has_an_expected_output() -> None:
    names = {p.stem for p in CASES}
    assert {
        "good-quotes",
        "changed-words",
        "other-section",
        "no-evidence",
        "too-long-quote",
        "missing-article",
        "hash-changed",
        "no-article-text",
    } <= names
    for case in CASES:
        assert case.with_name(case.stem + ".expected").is_file(), case.name


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case_gives_its_exact_located_messages(case: Path, in_repo: Path) -> None:
    rel = str(case.relative_to(REPO))
    expected = _expected(case)
    code, lines = _validate(rel)
    assert lines[:-1] == expected
    has_error = any(": warning: " not in line and ": note: " not in line for line in expected)
    has_warning = any(": warning: " in line for line in expected)
    assert code == (1 if has_error else 0)
    strict_code, strict_lines = _validate("--strict", rel)
    assert strict_lines == lines
    assert strict_code == (1 if has_error or has_warning else 0)


def test_curly_quotes_dashes_and_line_breaks_are_accepted(in_repo: Path) -> None:
    assert _expected(EVIDENCE / "good-quotes.yaml") == []
    bank = _evidence_bank()
    (quote,) = next(q for q in bank.questions if q.id == "q-curly-and-line-break").evidence
    assert "\n" in quote and '"blue"' in quote and " - " in quote


def test_a_missing_article_never_fails_alone(in_repo: Path) -> None:
    code, lines = _validate("--strict", "tests/banks/evidence/missing-article")
    assert code == 0
    assert [line for line in lines if "not checked" in line] == lines[:1]
    assert ": note: " in lines[0]


def test_article_option_checks_a_bank_without_article_text(in_repo: Path) -> None:
    code, lines = _validate(
        "--strict", "--article", "tests/banks/evidence/article.txt", "tests/banks/evidence/no-article-text"
    )
    assert code == 0
    assert lines == ["0 errors, 0 warnings in 2 files (1 valid bank, 2 questions)"]
    # the same article for the hash-changed bank: its recorded sha256 matches again
    code, lines = _validate(
        "--article", "tests/banks/evidence/article.txt", "tests/banks/evidence/hash-changed"
    )
    assert (code, len(lines)) == (0, 1)


def test_quotes_are_warned_only_once_per_bank_when_unchecked(in_repo: Path) -> None:
    report = check_banks([EVIDENCE / "no-article-text"])
    assert [p.severity for p in report.problems] == ["note"]
    assert not report.warnings and not report.errors


def test_banks_without_quotes_or_article_text_say_nothing_about_quotes(in_repo: Path) -> None:
    report = check_banks([BANKS / "valid" / "example"])
    assert report.problems == []


def test_a_question_citing_only_reference_facts_needs_no_quote() -> None:
    bank = _evidence_bank()
    q = next(q for q in bank.questions if q.id == "q-reference-only")
    assert q.evidence == ()
    assert [r.id for r in bank.references_of(q)] == ["medlineplus-sleep"]


def test_reference_and_fact_origin_errors(tmp_path: Path) -> None:
    text = (EVIDENCE / "bank.yaml").read_text(encoding="utf-8")
    text = text.replace("text: article.txt", "text: ../article.txt")
    text = text.replace("reference: medlineplus-sleep, text", "reference: medlineplus-slep, text")
    text = text.replace(
        "{id: hours, section: intro,", "{id: hours, section: intro, reference: medlineplus-sleep,"
    )
    text = text.replace("sha256: 6ccf", "sha256: zzzz")
    (tmp_path / "bank.yaml").write_text(text, encoding="utf-8")
    messages = [p.message for p in check_banks([tmp_path / "bank.yaml"]).errors]
    unknown = "fact reference 'medlineplus-slep' is not one of the bank's references"
    assert messages == [
        "article sha256 must be 64 hexadecimal digits (the SHA-256 of the article text)",
        "a fact comes either from an article 'section' or from a named 'reference': give one, not both",
        f"{unknown} (did you mean 'medlineplus-sleep'?)",
    ]


# --------------------------------------------------------------------------- the pure parts


@pytest.mark.parametrize(
    ("written", "article"),
    [
        ("the \u201cblue\u201d light", 'the "blue" light'),
        ("calcineurin\u2019s other functions", "calcineurin's other functions"),
        ("kidney damage \u2013 this is", "kidney damage - this is"),
        ("kidney damage\u2014this is", "Kidney Damage - This Is"),
        ("one  line\n  and   the next", "one line and the next"),
        ("ONE\u00a0Line", "one line"),
    ],
)
def test_normalising_makes_these_equal(written: str, article: str) -> None:
    assert normalise_quote(written) == normalise_quote(article)


def test_changed_words_are_not_normalised_away() -> None:
    assert normalise_quote("seven hours") != normalise_quote("eight hours")
    assert normalise_quote("can't") != normalise_quote("cant")


def test_sections_are_found_by_their_title_lines() -> None:
    article = read_article_text(
        (EVIDENCE / "article.txt").read_text("utf-8"), SLEEP_SECTIONS, "Sleep and Health"
    )
    intro, habits = article.section("intro"), article.section("habits")
    assert intro is not None and habits is not None
    assert not intro.found and habits.found  # the introduction starts at the top, after the title
    assert len(intro.sentences) == 2 and len(habits.sentences) == 4
    assert check_quote(article, "Children need more.", "intro").in_cited_section
    assert not check_quote(article, "Children need more.", "habits").in_cited_section
    assert not check_quote(article, "Sleep and Health", "intro").found  # the title is not text
    # a quote never spans two sections, and it matches whole words only
    assert not check_quote(article, "Children need more. Caffeine taken", "intro").found
    assert not check_quote(article, "hildren need more", "intro").found


def test_a_quote_may_end_with_closing_marks_after_its_full_stop() -> None:
    text = 'Intro\nIt is applied topically (on the skin.) Then it "works." It ends here.\n'
    article = read_article_text(text, [Section("intro", "Intro")])
    for quote in ["It is applied topically (on the skin.)", 'Then it "works."', "It ends here."]:
        assert check_quote(article, quote, "intro").found, quote
    intro = article.section("intro")
    assert intro is not None and len(intro.sentences) == 3


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Children need more.", True),
        ("Is this a good idea?", True),
        ("Calcineurin inhibitors are under investigation for people with lupus nephritis", True),
        ("Comments (0)", False),
        ("Leave a Reply", False),
        ("Previous Article Next Article", False),
        ("Medical compliance, or the proper use of prescribed therapies, is important to...", False),
    ],
)
def test_headings_menus_and_teasers_are_not_counted_as_sentences(text: str, counted: bool) -> None:
    assert is_sentence(text) is counted


def test_quote_limit_is_thirty_words() -> None:
    assert QUOTE_MAX_WORDS == 30


def test_coverage_reports_sentences_quoted_and_reference_facts_apart() -> None:
    bank = _evidence_bank()
    raw, _ = read_article(bank, bank.root)
    assert raw is not None
    report = coverage_report([bank], {bank.id: article_text(bank, raw)})
    heading = (
        "Reference (not from the article): MedlinePlus: Healthy Sleep, U.S. National Library of Medicine"
    )
    assert f"\n{heading}\n  see-doctor     q-reference-only\n" in report
    assert "  Introduction    1 of   2 sentences ( 50%), 1 question(s) with quotes\n" in report
    assert "  Sleep Habits    2 of   4 sentences ( 50%), 1 question(s) with quotes\n" in report
    assert "Sections with no evidence: none\n" in report
    assert "Facts with no evidence: caffeine\n" in report


def test_coverage_command_without_article_text(in_repo: Path) -> None:
    result = CliRunner().invoke(main, ["coverage", "tests/banks/evidence/no-article-text"])
    assert result.exit_code == 0
    assert "Evidence: 2 of 2 questions quote the article; quotes not checked" in result.output
    result = CliRunner().invoke(
        main,
        ["coverage", "--article", "tests/banks/evidence/article.txt", "tests/banks/evidence/no-article-text"],
    )
    assert "  Introduction    1 of   2 sentences ( 50%)" in result.output


# --------------------------------------------------------------------------- outputs


def test_evidence_lines_show_the_first_quote_then_the_references() -> None:
    bank = _evidence_bank()
    by_id = {q.id: q for q in bank.questions}
    (line,) = evidence_lines(bank, by_id["q-good"])
    assert line.plain == "The article says: \u201cMost adults need about seven hours of sleep a night.\u201d"
    (line,) = evidence_lines(bank, by_id["q-reference-only"])
    assert line.plain == (
        "From MedlinePlus: Healthy Sleep, U.S. National Library of Medicine (not from the article): "
        "https://medlineplus.gov/healthysleep.html"
    )


def _import(bank: Bank, tmp_path: Path) -> Collection:
    path = tmp_path / "deck.apkg"
    path.write_bytes(render_apkg([bank], 1_700_000_000.0))
    col = Collection(str(tmp_path / "collection.anki2"))
    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=False)
        )
    )
    return col


def _card(col: Collection, bank: Bank, question_id: str) -> Any:
    """The rendered first card of a question's note."""
    q = next(q for q in bank.questions if q.id == question_id)
    (nid,) = col.db.list("select id from notes where guid = ?", note_guid(bank, q))  # type: ignore[union-attr]
    return col.get_note(nid).cards()[0].render_output()


def _back(col: Collection, bank: Bank, question_id: str) -> str:
    return str(_card(col, bank, question_id).answer_text)


def _description(col: Collection, name: str) -> str:
    deck = col.decks.by_name(name)
    assert deck is not None
    return str(deck["desc"])


def test_anki_backs_and_description_show_quotes_references_and_safety_notes(tmp_path: Path) -> None:
    bank = _evidence_bank()
    col = _import(bank, tmp_path)
    try:
        back = _back(col, bank, "q-good")
        assert (
            '<div class="evidence"><span class="label">The article says:</span> '
            "\u201cMost adults need about seven hours of sleep a night.\u201d</div>"
        ) in back
        back = _back(col, bank, "q-reference-only")
        assert (
            '<div class="evidence">From <a href="https://medlineplus.gov/healthysleep.html">MedlinePlus: '
            "Healthy Sleep</a>, U.S. National Library of Medicine <b>(not from the article)</b></div>"
        ) in back
        assert "The article says" not in back
        desc = _description(col, "Evidence cases")
        assert f"<b>{SAFETY_NOTES_HEADING}</b>" in desc
        assert "If you often cannot sleep, talk to your doctor before taking sleeping pills." in desc
        assert "(not from the article)" in desc.split(SAFETY_NOTES_HEADING)[1]
    finally:
        col.close()


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_answer_key_pdf_shows_evidence_and_safety_notes_after_the_questions() -> None:
    text = " ".join(
        _pdf_text(printing.render_answer_key([_evidence_bank()], printing.PrintOptions())).split()
    )
    assert "The article says: \u201cMost adults need about seven hours of sleep a night.\u201d" in text
    assert "From MedlinePlus: Healthy Sleep, U.S. National Library of Medicine (not from the article)" in text
    heading = text.index(SAFETY_NOTES_HEADING)
    assert heading > text.index("Long-lasting trouble sleeping is worth raising with a doctor.")
    tail = text[heading:]
    assert "If you often cannot sleep, talk to your doctor before taking sleeping pills." in tail
    assert "(not from the article): https://" in tail and "medlineplus.gov/healthysleep.html" in tail


def test_handout_shows_safety_notes_after_the_questions_but_no_evidence() -> None:
    page = handout.render_handout_html([_evidence_bank()], printing.PrintOptions())
    assert page.index(f"<h2>{SAFETY_NOTES_HEADING}</h2>") > page.index("</ol>")
    assert "If you often cannot sleep" in page
    assert "U.S. National Library of Medicine (not from the article):" in page
    assert "The article says" not in page  # the quotes would give the answers away
    key = handout.render_answer_key_html([_evidence_bank()], printing.PrintOptions())
    assert "<strong>The article says:</strong> \u201cMost adults need" in key
    assert key.index(SAFETY_NOTES_HEADING) > key.index("</ol>")


def test_quiz_pdf_ends_with_the_safety_notes() -> None:
    text = " ".join(_pdf_text(printing.render_quiz([_evidence_bank()], printing.PrintOptions())).split())
    assert text.index(SAFETY_NOTES_HEADING) > text.index("Long-lasting trouble sleeping")
    assert "The article says" not in text


def test_terminal_feedback_shows_the_evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZGEN_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(
        main,
        ["quiz", str(EVIDENCE / "good-quotes.yaml"), "--no-shuffle", "--no-color"],
        input="true\ntrue\nfalse\nn\n",
    )
    out = result.output
    assert "The article says: \u201cMost adults need about seven hours of sleep a night.\u201d" in out
    assert "From MedlinePlus: Healthy Sleep, U.S. National Library of Medicine (not from the article)" in out


def test_export_carries_the_new_keys() -> None:
    doc = json.loads(export_json([_evidence_bank()]))
    (bank,) = doc["banks"]
    assert bank["article"]["text"] == "article.txt" and len(bank["article"]["sha256"]) == 64
    assert bank["references"][0]["id"] == "medlineplus-sleep"
    assert bank["safety_notes"] == [
        {
            "text": "If you often cannot sleep, talk to your doctor before taking sleeping pills.",
            "reference": "medlineplus-sleep",
        }
    ]
    facts = {f["id"]: f for f in bank["facts"]}
    assert facts["see-doctor"]["section"] is None and facts["see-doctor"]["reference"] == "medlineplus-sleep"
    questions = {q["id"]: q for q in bank["questions"]}
    assert questions["q-good"]["evidence"] == ["Most adults need about seven hours of sleep a night."]
    assert questions["q-reference-only"]["evidence"] == []


# --------------------------------------------------------------------------- untrusted text

EVIL = '<script>alert(1)</script> & [sound:alarm.mp3] "x" \x1b[31mred'


def _evil_bank() -> Bank:
    bank = _evidence_bank()
    questions = tuple(
        dataclasses.replace(q, evidence=(EVIL,)) if q.id == "q-good" else q for q in bank.questions
    )
    evil_ref = Reference(
        "medlineplus-sleep", "<b>Title</b> [sound:t.mp3]", "<i>Pub</i>", 'https://e.org/?a=1&b="><script>'
    )
    return dataclasses.replace(bank, questions=questions, references=(evil_ref,))


def test_quotes_and_references_are_escaped_in_anki(tmp_path: Path) -> None:
    bank = _evil_bank()
    col = _import(bank, tmp_path)
    try:
        for qid in ("q-good", "q-reference-only"):
            card = _card(col, bank, qid)
            assert "<script" not in card.answer_text and "<b>Title" not in card.answer_text
            assert card.answer_av_tags == []
        desc = _description(col, "Evidence cases")
        assert "<script" not in desc and "<i>Pub" not in desc and "[sound:" not in desc
    finally:
        col.close()


def test_quotes_and_references_are_escaped_in_html_and_terminal(tmp_path: Path) -> None:
    bank = _evil_bank()
    for page in (
        handout.render_answer_key_html([bank], printing.PrintOptions()),
        handout.render_handout_html([bank], printing.PrintOptions()),
    ):
        assert "<script" not in page and "<b>Title" not in page and "<i>Pub" not in page
    key = handout.render_answer_key_html([bank], printing.PrintOptions())
    assert html.escape(EVIL, quote=True)[:40] in key
    from quizgen.safetext import for_terminal

    assert "\x1b" not in for_terminal(evidence_lines(bank, bank.questions[0])[0].plain)


# --------------------------------------------------------------------------- the real article


def test_shipped_bank_quotes_match_the_article(in_repo: Path) -> None:
    if not ARTICLE.is_file():
        pytest.skip(f"the article is not available at {ARTICLE}; quotes are checked against it")
    report = check_banks(None, article=ARTICLE)
    quote_problems = [
        str(p) for p in report.problems if "quote" in p.message and "has no evidence" not in p.message
    ]
    assert quote_problems == []
    assert not report.errors


def test_a_long_quote_in_the_terminal_hangs_under_its_label() -> None:
    from quizgen.study.quiz import wrap_for_terminal

    lines = wrap_for_terminal("The article says: \u201c" + "word " * 30 + "\u201d", 60).splitlines()
    assert len(lines) > 1
    assert all(line.startswith(" " * len("The article says: ")) for line in lines[1:])


def test_schema_takes_a_fact_from_a_section_or_a_reference_not_both() -> None:
    from jsonschema import Draft202012Validator

    from quizgen.bank.bankformat import bank_schema

    fact = bank_schema()["$defs"]["bank"]["properties"]["facts"]["items"]
    validator = Draft202012Validator(fact)
    assert validator.is_valid({"id": "f", "section": "s", "text": "t"})
    assert validator.is_valid({"id": "f", "reference": "r", "text": "t"})
    assert not validator.is_valid({"id": "f", "section": "s", "reference": "r", "text": "t"})
    assert not validator.is_valid({"id": "f", "text": "t"})
