"""Printed quizzes, keys and flashcards, read back from the PDF with pypdf and pdfplumber."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from click.testing import CliRunner

from quizgen.bank.loader import load_banks
from quizgen.bank.model import Bank, Question, QuestionType, option_letter
from quizgen.cli import main
from quizgen.errors import BuildError, UsageError
from quizgen.i18n import base_language
from quizgen.outputs.handout import render_answer_key_html, render_handout_html
from quizgen.outputs.printdata import CardsData
from quizgen.outputs.printing import (
    PAPER_MM,
    PrintOptions,
    card_layout,
    cards_data,
    overfull_cards,
    pick_questions,
    printed_answer,
    prompt_text,
    render_answer_key,
    render_flashcards,
    render_quiz,
    short_disclaimer,
)
from quizgen.study.selection import Selection

EXAMPLE = Path(__file__).parent / "banks" / "valid" / "example"
MM = 72 / 25.4
EPOCH = 1_700_000_000


@pytest.fixture(scope="module")
def example() -> list[Bank]:
    return load_banks([EXAMPLE])


@pytest.fixture(scope="module")
def shipped() -> list[Bank]:
    """The English bank: printing several banks at once would mix the editions' languages."""
    return [b for b in load_banks(None) if b.translates is None]


@pytest.fixture(scope="module")
def translations() -> list[Bank]:
    """The shipped translations (the Spanish edition), each printed on its own."""
    return [b for b in load_banks(None) if b.translates is not None]


def norm(text: str) -> str:
    # a line may break after a hyphen ("immune-|calming"); text extraction then adds a space
    return re.sub(r"- (?=[a-z])", "-", " ".join(text.replace("\xa0", " ").split()))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def all_text(pdf: bytes) -> str:
    return norm(" ".join(page_texts(pdf)))


def prompt_piece(question: Question) -> str:
    """Literal text of a printed prompt (for a cloze: its longest piece between blanks)."""
    if question.type is QuestionType.CLOZE:
        parts = [norm(t) for t in re.split(r"_____(?: \([^)]*\))?", prompt_text(question))]
        return max(parts, key=len)
    return norm(question.prompt)


def prompt_pieces(banks: list[Bank], options: PrintOptions) -> list[str]:
    return [prompt_piece(p.question) for p in pick_questions(banks, options)]


@cache
def shipped_cards(language: str, paper: str, large: bool, fold: bool = False) -> tuple[bytes, CardsData]:
    """The shipped edition in `language`, as flashcards (rendered once per session: several tests read it)."""
    banks = [b for b in load_banks(None) if base_language(b.language) == language]
    options = PrintOptions(paper=paper, large_print=large, timestamp=EPOCH)  # type: ignore[arg-type]
    return render_flashcards(banks, options, fold), cards_data(banks, options, fold)


# --- the quiz ------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["example", "shipped"])
@pytest.mark.parametrize("large", [False, True])
def test_quiz_prints_every_prompt_and_no_key_text(
    which: str, large: bool, request: pytest.FixtureRequest
) -> None:
    banks = request.getfixturevalue(which)
    options = PrintOptions(large_print=large, timestamp=EPOCH)
    text = all_text(render_quiz(banks, options))
    picked = pick_questions(banks, options)
    assert len(picked) == sum(len(b.questions) for b in banks)
    for n, piece in enumerate(prompt_pieces(banks, options), start=1):
        assert f"{n}. " in text
        assert piece in text, piece
    for p in picked:
        assert norm(p.question.explanation) not in text
    assert "Answer key" not in text and "Why:" not in text
    bank = banks[0]
    assert bank.title in text and "Name:" in text and "Date:" in text
    assert "Choose all that apply" in text and "Circle one: True False" in text
    assert "Explain in your own words." in text and "Write a short answer." in text
    assert norm(bank.disclaimer) in text and norm(bank.credit) in text
    for point in bank.summary:  # the main points would give answers away: they are in the key
        assert norm(point) not in text


def test_every_page_has_footer_with_page_x_of_y(shipped: list[Bank]) -> None:
    pages = page_texts(render_quiz(shipped, PrintOptions(timestamp=EPOCH)))
    assert len(pages) > 2
    for i, text in enumerate(pages, start=1):
        flat = norm(text)
        assert f"Page {i} of {len(pages)}" in flat
        assert norm(shipped[0].disclaimer) in flat
        assert norm(shipped[0].credit) in flat


@pytest.mark.parametrize("render", [render_quiz, render_answer_key], ids=["quiz", "key"])
def test_large_print_footer_is_one_line_and_the_credit_opens_and_closes(
    shipped: list[Bank], render: Callable[[list[Bank], PrintOptions], bytes]
) -> None:
    bank = shipped[0]
    pages = page_texts(render(shipped, PrintOptions(large_print=True, timestamp=EPOCH)))
    short = short_disclaimer(bank.disclaimer)
    assert short == "Educational material, not medical advice."
    for i, text in enumerate(pages, start=1):
        last = norm(text.strip().split("\n")[-1])
        assert last == f"{short} Page {i} of {len(pages)}", last
        assert (norm(bank.credit) in norm(text)) is (i in (1, len(pages))), i
    assert norm(bank.disclaimer) in norm(pages[0]) and norm(bank.disclaimer) in norm(pages[-1])


def test_large_print_keeps_the_about_box_and_the_main_points_on_one_page(shipped: list[Bank]) -> None:
    quiz = [
        norm(t) for t in page_texts(render_quiz(shipped, PrintOptions(large_print=True, timestamp=EPOCH)))
    ]
    assert "About this quiz" in quiz[0] and "These questions come from the article" in quiz[0]
    key = [
        norm(t)
        for t in page_texts(render_answer_key(shipped, PrintOptions(large_print=True, timestamp=EPOCH)))
    ]
    (page,) = [p for p in key if "The main points" in p]
    assert all(norm(point) in page for point in shipped[0].summary)


def test_short_disclaimer_is_the_first_sentence() -> None:
    assert short_disclaimer("Not advice. Ask your team.") == "Not advice."
    assert short_disclaimer("For learning only") == "For learning only"
    assert short_disclaimer("See p. 3 of the leaflet. Then ask.") == "See p. 3 of the leaflet."


def _body_lines(text: str, header: str) -> list[str]:
    lines = [norm(line) for line in text.split("\n") if norm(line)]
    assert lines[0] == header
    return lines[1:]


@pytest.mark.parametrize("large", [False, True])
def test_no_question_is_split_across_pages(shipped: list[Bank], large: bool) -> None:
    options = PrintOptions(large_print=large, timestamp=EPOCH)
    pages = page_texts(render_quiz(shipped, options))
    header = shipped[0].title
    notes = [norm(n.text) for bank in shipped for n in bank.safety_notes]
    for text in pages[1:]:
        first = _body_lines(text, header)[0]
        # A page starts with a question, a heading (the safety notes' heading included), (large
        # print) the about box, kept whole, or one of the safety notes printed after the questions
        # (each kept whole on its page).
        if any(note.startswith(first) for note in notes):
            continue
        assert re.match(
            r"^(\d+\. |Questions$|Instructions$|About this quiz$|Safety notes \(not from the article\)$)",
            first,
        ), first
        assert not re.match(r"^[A-Z]\. ", first)
    flat_pages = [norm(t) for t in pages]
    for n, p in enumerate(pick_questions(shipped, options), start=1):
        holding = [i for i, t in enumerate(flat_pages) if f"{n}. " in t]
        on_page = [i for i in holding if all(norm(o) in flat_pages[i] for o in p.question.options)]
        assert on_page, f"question {n} is split from its options"


def test_options_have_letters_and_boxes(example: list[Bank]) -> None:
    pdf = render_quiz(example, PrintOptions(timestamp=EPOCH))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        boxes = [
            r
            for page in doc.pages
            for r in page.rects
            if abs(r["width"] - r["height"]) < 0.5 and r["width"] < 15
        ]
    options = sum(len(q.options) for b in example for q in b.questions)
    assert len(boxes) == options
    text = all_text(pdf)
    assert "A. Twelve B. Ten C. Four D. Seven" in text  # the one order of the build, not the bank's


def test_markup_in_bank_text_prints_literally(example: list[Bank]) -> None:
    nasty = "*bold* #heading $x$ <tag> _under_ @ref `raw` \\ [link]"
    bank = example[0]
    questions = tuple(
        replace(q, prompt=f"{nasty} {q.id}", options=tuple(f"{o} {nasty}" for o in q.options))
        if q.type is QuestionType.MULTIPLE_CHOICE
        else replace(q, explanation=f"{nasty} {q.id}")
        if q.type is QuestionType.TRUE_FALSE
        else q
        for q in bank.questions
    )
    banks = [replace(bank, questions=questions, title=f"Quiz {nasty}")]
    options = PrintOptions(timestamp=EPOCH)
    quiz = all_text(render_quiz(banks, options))
    assert f"{nasty} ex-001" in quiz
    assert f"Four {nasty}" in quiz
    assert f"Quiz {nasty}" in quiz
    key = all_text(render_answer_key(banks, options))
    assert f"{nasty} ex-002" in key
    page = render_handout_html(banks, options)
    assert "&lt;tag&gt;" in page and "<tag>" not in page


# --- large print and sizes -----------------------------------------------------------------------


def _chars(pdf: bytes) -> list[dict[str, object]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [c for page in doc.pages for c in page.chars]


@pytest.mark.parametrize("kind", ["quiz", "key", "cards", "fold"])
def test_text_sizes_large_and_normal(shipped: list[Bank], kind: str) -> None:
    def render(large: bool) -> bytes:
        options = PrintOptions(large_print=large, timestamp=EPOCH)
        if kind == "quiz":
            return render_quiz(shipped, options)
        if kind == "key":
            return render_answer_key(shipped, options)
        return shipped_cards("en", "letter", large, fold=kind == "fold")[0]

    large = _chars(render(True))
    assert min(float(c["size"]) for c in large) >= 18 - 0.01  # type: ignore[arg-type]
    assert {str(c["fontname"]).split("+")[-1] for c in large} <= {
        "SourceSansPro-Regular",
        "SourceSansPro-Bold",
        "SourceSansPro-Semibold",
    }
    normal = _chars(render(False))
    assert min(float(c["size"]) for c in normal) >= 11 - 0.01  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["quiz", "key", "cards"])
def test_large_print_line_spacing_and_left_alignment(shipped: list[Bank], kind: str) -> None:
    options = PrintOptions(large_print=True, timestamp=EPOCH)
    if kind == "cards":
        pdf = shipped_cards("en", "letter", True)[0]
    else:
        pdf = {"quiz": render_quiz, "key": render_answer_key}[kind](shipped, options)
    _check_large_print_spacing(pdf, kind)


def test_large_print_line_spacing_of_translated_cards(translations: list[Bank]) -> None:
    """Translated text is longer: its large-print cards keep the spacing too."""
    assert [base_language(b.language) for b in translations] == ["es"]
    _check_large_print_spacing(shipped_cards("es", "letter", True)[0], "cards")


def _footer_baseline(page: Any) -> float | None:
    """The baseline of a card sheet's footer ("Page 3 of 9. ...", "Página 3 de 9. ..."), below the cards:
    it is cut off with the margins, so its distance to the last card's text is not line spacing."""
    lines = [ln for ln in page.extract_text_lines() if ln["text"].startswith(("Page ", "Página "))]
    if not lines:
        return None
    top = min(float(ln["top"]) for ln in lines)
    return max(float(c["matrix"][5]) for c in page.chars if abs(float(c["top"]) - top) < 2)


def _check_large_print_spacing(pdf: bytes, kind: str) -> None:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            # Baselines of one column of text: at least 1.25 x 18 pt apart.
            footer = _footer_baseline(page) if kind == "cards" else None
            for left in (True, False):
                chars = [c for c in page.chars if (float(c["x0"]) < float(page.width) / 2) == left]
                if footer is not None:  # a card in the bottom row may end near the sheet's footer
                    chars = [c for c in chars if float(c["matrix"][5]) > footer + 1]
                # the text matrix gives the baseline itself (a char's bottom depends on its font)
                baselines = sorted({round(float(c["matrix"][5]), 1) for c in chars})
                gaps = [b - a for a, b in itertools.pairwise(baselines) if b - a > 1]
                assert not gaps or min(gaps) >= 1.25 * 18, (page.page_number, min(gaps))
            if kind == "cards":
                continue
            # Left aligned, one column: lines start at a few left edges, none in the right half
            # except the page number and form letter.
            lines = page.extract_text_lines()
            starts = {round(float(ln["x0"])) for ln in lines if float(ln["x0"]) < page.width / 2}
            assert len(starts) <= 6, starts
            assert not [
                ln
                for ln in lines
                if float(ln["x0"]) > page.width / 2 and not ln["text"].startswith(("Page", "Form"))
            ]


# --- the answer key ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["example", "shipped"])
def test_key_starts_its_own_page_and_lists_every_answer(which: str, request: pytest.FixtureRequest) -> None:
    banks = request.getfixturevalue(which)
    options = PrintOptions(timestamp=EPOCH)
    pdf = render_answer_key(banks, options)
    pages = page_texts(pdf)
    body = _body_lines(pages[0], f"Answer key: {banks[0].title}")
    assert body[0] == "Answer key"
    text = all_text(pdf)
    position = 0
    for n, p in enumerate(pick_questions(banks, options), start=1):
        entry = f"{n}. {norm(prompt_text(p.question))}"
        found = text.find(entry, position)
        assert found >= 0, entry
        answer = text.find(f"Answer: {norm(printed_answer(p.question))}", found)
        assert answer >= 0
        why = text.find(f"Why: {norm(p.question.explanation)}", answer)
        assert why >= 0, f"explanation of {p.question.id} not found"
        section = text.find(f"Section: {p.bank.section_title(p.question.source.section)}", why)
        assert answer < why < section
        position = section
    for point in banks[0].summary:  # the main points come after every answer
        assert text.find(norm(point), position) > position


# --- forms ---------------------------------------------------------------------------------------


def _quiz_order(pdf: bytes, pieces: list[str]) -> list[int]:
    text = all_text(pdf)
    return sorted(range(len(pieces)), key=lambda i: text.index(pieces[i]))


def test_forms_differ_and_each_key_matches_its_form(shipped: list[Bank]) -> None:
    forms = {f: PrintOptions(form=f, seed=11, timestamp=EPOCH) for f in "AB"}
    picked = {f: pick_questions(shipped, o) for f, o in forms.items()}
    ids = {f: [p.question.id for p in picked[f]] for f in forms}
    assert ids["A"] != ids["B"] and sorted(ids["A"]) == sorted(ids["B"])
    by_id = {f: {p.question.id: p.question for p in picked[f]} for f in forms}
    assert any(by_id["A"][i].options != by_id["B"][i].options for i in ids["A"])
    for f, options in forms.items():
        quiz = render_quiz(shipped, options)
        key = render_answer_key(shipped, options)
        for text in page_texts(quiz) + page_texts(key):
            assert f"Form {f}" in text
        quiz_text, key_text = all_text(quiz), all_text(key)
        position = 0
        for n, p in enumerate(picked[f], start=1):
            q = p.question
            start = quiz_text.index(f"{n}. ", position)
            position = quiz_text.index(prompt_piece(q), start)
            for i, option in enumerate(q.options):
                position = quiz_text.index(f"{option_letter(i)}. {norm(option)}", position)
            letters = "; ".join(f"{option_letter(i)}. {norm(q.options[i])}" for i in q.correct)
            if q.options:
                assert f"{n}. {norm(prompt_text(q))} Answer: {letters}" in key_text
    other = render_quiz(shipped, forms["B"])
    pieces = prompt_pieces(shipped, PrintOptions(timestamp=EPOCH))
    assert _quiz_order(render_quiz(shipped, forms["A"]), pieces) != _quiz_order(other, pieces)


def test_bad_form_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        PrintOptions(form="AB")


def test_selection_filters(shipped: list[Bank]) -> None:
    sel = Selection(count=5, types=(QuestionType.TRUE_FALSE,))
    picked = pick_questions(shipped, PrintOptions(selection=sel, seed=3))
    assert len(picked) == 5 and {p.question.type for p in picked} == {QuestionType.TRUE_FALSE}
    text = all_text(render_quiz(shipped, PrintOptions(selection=sel, seed=3, timestamp=EPOCH)))
    assert "6. " not in text and "5. " in text


# --- flashcards ----------------------------------------------------------------------------------


def _card_boxes(page: pdfplumber.page.Page) -> dict[int, tuple[float, float, float, float]]:
    boxes = {}
    words = page.extract_words()
    for i, w in enumerate(words[:-1]):
        if w["text"] == "Card" and re.match(r"^\d+:?$", words[i + 1]["text"]):
            n = int(words[i + 1]["text"].rstrip(":"))
            (rect,) = [
                r for r in page.rects if r["x0"] < w["x0"] < r["x1"] and r["top"] < w["top"] < r["bottom"]
            ]
            boxes[n] = (rect["x0"], rect["top"], rect["x1"], rect["bottom"])
    return boxes


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("offset", [(0.0, 0.0), (2.0, -1.5)])
def test_flashcard_backs_line_up_with_fronts(
    shipped: list[Bank], paper: str, offset: tuple[float, float]
) -> None:
    options = PrintOptions(paper=paper, back_offset_mm=offset, timestamp=EPOCH)  # type: ignore[arg-type]
    pdf = (
        shipped_cards("en", paper, False)[0] if offset == (0.0, 0.0) else render_flashcards(shipped, options)
    )
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = doc.pages
        assert len(pages) % 2 == 0
        assert abs(float(pages[0].width) - PAPER_MM[paper][0] * MM) < 0.5
        seen = set()
        for front_page, back_page in zip(pages[::2], pages[1::2], strict=True):
            width = float(back_page.width)
            fronts, backs = _card_boxes(front_page), _card_boxes(back_page)
            assert fronts.keys() == backs.keys() and len(fronts) > 0
            for n, (x0, top, x1, bottom) in fronts.items():
                bx0, btop, bx1, bbottom = backs[n]
                # Long-edge flip: the back's left edge sits where the front's right edge was.
                assert abs(bx0 - (width - x1) - offset[0] * MM) < 1 * MM
                assert abs(bx1 - (width - x0) - offset[0] * MM) < 1 * MM
                assert abs(btop - top - offset[1] * MM) < 1 * MM
                assert abs(bbottom - bottom - offset[1] * MM) < 1 * MM
            seen |= fronts.keys()
    assert seen == set(range(1, len(pick_questions(shipped, options)) + 1))


def test_cards_have_question_front_and_answer_back(example: list[Bank]) -> None:
    options = PrintOptions(timestamp=EPOCH)
    pages = page_texts(render_flashcards(example, options))
    fronts, backs = norm(pages[0]), norm(pages[1])
    for p in pick_questions(example, options):
        assert norm(prompt_text(p.question)) in fronts
    assert "Card 1: answer" in backs and "About seven hours a night." in backs
    assert "Caffeine late in the day can keep you awake." in backs  # cloze shown filled in
    flashcard = next(q for q in example[0].questions if q.type is QuestionType.FLASHCARD)
    assert norm(flashcard.explanation) in backs  # a flashcard's back shows its explanation too
    # each card, once cut out, names its quiz and says it is not medical advice
    note = "Example: Sleep and Health \u2014 Educational material, not medical advice."
    assert backs.count(note) == len(pick_questions(example, options))


def test_fold_layout_puts_front_and_back_side_by_side(example: list[Bank]) -> None:
    pdf = render_flashcards(example, PrintOptions(timestamp=EPOCH), fold=True)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        words = page.extract_words()
        labels = [
            (words[i + 1]["text"], w["x0"], w["top"]) for i, w in enumerate(words[:-1]) if w["text"] == "Card"
        ]
        fold_lines = [e for e in page.edges if e["orientation"] == "v"]
    rows: dict[str, list[float]] = {}
    for label, x0, _ in labels:
        rows.setdefault(label.rstrip(":"), []).append(x0)
    middle = float(page.width) / 2
    for xs in rows.values():
        assert len(xs) == 2 and min(xs) < middle < max(xs)
    assert any(abs(float(e["x0"]) - middle) < 1 for e in fold_lines)


def test_card_layout_mirrors_columns() -> None:
    pages = card_layout(3, "a4", back_offset_mm=(1.0, 2.0))
    front, back = pages
    assert [b.number for b in front.boxes] == [1, 2, 3]
    width = PAPER_MM["a4"][0]
    for f, b in zip(front.boxes, back.boxes, strict=True):
        assert b.x == pytest.approx(width - f.x - f.width + 1.0)
        assert b.y == pytest.approx(f.y + 2.0)


# --- the text around the cards -------------------------------------------------------------------


def _squeezed(text: str) -> str:
    return re.sub(r"[\s\u200b]", "", text)


def _sheet_texts(data: CardsData, index: int) -> tuple[str, str]:
    """What a page prints besides its cards: the opening note (first page only) and the footer."""
    labels = data["labels"]
    form = labels["form"].replace("{form}", data["form"]) + ", " if data["form"] else ""
    page = labels["page_of"].replace("{page}", str(index + 1)).replace("{pages}", str(len(data["pages"])))
    face = data["pages"][index]["face"]
    footer = f"{form}{page}. {labels['how_' + face]}{data['notice'] or ''}"
    opening = data["title"] + data["credit"] + data["disclaimer"] if index == 0 else ""
    return _squeezed(opening), _squeezed(footer)


def assert_sheet_text_clear_of_cards(pdf: bytes, data: CardsData) -> None:
    """On every page, every glyph of the footer and of the first sheet's credit and disclaimer lies
    below the lowest card edge, cut line and fold line (read back with pdfium: glyph boxes as the
    font's ascent and descent, paths with their stroke); and those are all the page prints besides
    its cards, so the credit and disclaimer are not repeated on every sheet."""
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == len(data["pages"])
    for index, page in enumerate(doc):
        where = f"page {index + 1} of {len(doc)}"
        text_page = page.get_textpage()
        count = text_page.count_chars()
        text = text_page.get_text_range()
        assert len(text) == count, where
        glyphs = [(ch, text_page.get_charbox(k, loose=True)) for k, ch in enumerate(text) if not ch.isspace()]
        printed = "".join(ch for ch, _ in glyphs)
        edges = [
            o.get_bounds()[1] for o in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_PATH], max_depth=5)
        ]
        assert edges or not data["pages"][index]["boxes"], where
        lowest = min(edges, default=float(page.get_height()))  # PDF y grows upwards
        opening, footer = _sheet_texts(data, index)
        # Cards are drawn first, then the opening note, then the footer: the page's last glyphs.
        start = printed.rfind(footer[:12])
        assert start >= 0, f"{where}: no footer"
        if opening and printed[:start].endswith(opening):
            start -= len(opening)
        for ch, (_, _, _, top) in glyphs[start:]:
            assert top < lowest - 0.5, f"{where}: {ch!r} at {top:.1f} pt, cut line {lowest:.1f} pt"
        assert printed[start:] == opening + footer, where


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_footer_never_prints_over_a_card(language: str, paper: str, large: bool) -> None:
    pdf, data = shipped_cards(language, paper, large)
    assert_sheet_text_clear_of_cards(pdf, data)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_fold_footer_never_prints_over_a_card(large: bool) -> None:
    pdf, data = shipped_cards("es", "letter", large, fold=True)
    assert_sheet_text_clear_of_cards(pdf, data)


LONG_CREDIT = " ".join(
    ["Questions by the community health education team of the regional lupus support network,"] * 12
)  # about 1,100 characters


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_long_credit_prints_once_clear_of_the_cards(large: bool, paper: str) -> None:
    en, es = load_banks([EXAMPLE, EXAMPLE.parent / "example-es"])
    options = PrintOptions(paper=paper, large_print=large, timestamp=EPOCH, back_offset_mm=(0.0, 4.0))  # type: ignore[arg-type]
    for bank in (replace(en, credit=LONG_CREDIT), replace(es, credit=LONG_CREDIT)):
        for fold in (False, True):
            data = cards_data([bank], options, fold)
            assert_sheet_text_clear_of_cards(render_flashcards([bank], options, fold), data)


def test_a_credit_too_long_for_a_whole_sheet_is_an_error(example: list[Bank]) -> None:
    bank = replace(example[0], credit=" ".join([LONG_CREDIT] * 4))
    with pytest.raises(BuildError, match="credit and disclaimer are too long for a sheet of flashcards"):
        render_flashcards([bank], PrintOptions(large_print=True, timestamp=EPOCH))


def test_text_taller_than_the_room_left_for_it_stops_the_build(
    example: list[Bank], monkeypatch: pytest.MonkeyPatch
) -> None:
    """typst measures the footer and the opening note too: a bound that was too low is an error,
    never text printed over a card."""
    from quizgen.outputs import cardfit

    real = cardfit.text_bound
    monkeypatch.setattr(cardfit, "text_bound", lambda *args: replace(real(*args), height=1.0))
    with pytest.raises(BuildError, match="taller than the room the card grid left for it"):
        render_flashcards(example, PrintOptions(timestamp=EPOCH))


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("fold", [False, True])
def test_every_shipped_card_fits(
    shipped: list[Bank], translations: list[Bank], large: bool, fold: bool
) -> None:
    for banks in [shipped] + [[t] for t in translations]:
        for paper in ("letter", "a4"):
            options = PrintOptions(large_print=large, paper=paper)  # type: ignore[arg-type]
            assert overfull_cards(banks, options, fold) == [], banks[0].id


@pytest.mark.parametrize("large", [False, True])
def test_card_sizes_proven_in_python_match_typsts_measurement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    """The font-metric shortcut must choose exactly what typst's own measuring chooses."""
    import sys

    from quizgen.outputs import cardfit

    sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
    from synth import write_bank

    synthetic = load_banks([write_bank(tmp_path / "synthetic", 120, files=2)])
    shipped = load_banks()
    for banks in (shipped, synthetic):
        options = PrintOptions(large_print=large, timestamp=EPOCH)
        proven = render_flashcards(banks, options)
        with monkeypatch.context() as m:
            m.setattr(cardfit, "first_sure_variant", lambda *args, **kwargs: None)
            measured = render_flashcards(banks, options)
        assert proven == measured


# --- bytes and fonts -----------------------------------------------------------------------------


def test_same_bytes_on_rebuild_and_every_font_embedded(example: list[Bank]) -> None:
    options = PrintOptions(timestamp=EPOCH, form="B", seed=5)
    builds = [
        lambda: render_quiz(example, options),
        lambda: render_answer_key(example, options),
        lambda: render_flashcards(example, options),
        lambda: render_flashcards(example, replace(options, large_print=True), fold=True),
    ]
    for build in builds:
        pdf = build()
        assert pdf == build()
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert "2023" in str(reader.metadata.get("/CreationDate"))  # type: ignore[union-attr]
        fonts = 0
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():  # type: ignore[index]
                font = font.get_object()
                for desc in font.get("/DescendantFonts", [font]):
                    descriptor = desc.get_object()["/FontDescriptor"].get_object()
                    assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())
                    fonts += 1
        assert fonts > 0
    assert render_quiz(example, options) != render_quiz(example, replace(options, timestamp=0))


# --- HTML and the command ------------------------------------------------------------------------


def test_html_handout_and_key(example: list[Bank]) -> None:
    options = PrintOptions(large_print=True)
    page = render_handout_html(example, options)
    assert page.startswith("<!DOCTYPE html>") and "font-size: 18pt" in page
    for q in example[0].questions:
        if q.type is not QuestionType.CLOZE:
            assert q.prompt in page
        assert q.explanation not in page
    assert example[0].disclaimer in page
    prompts = [q.prompt for q in example[0].questions if q.type is not QuestionType.CLOZE]
    last_question = max(page.index(p) for p in prompts)
    assert page.index(example[0].summary[0]) > last_question  # main points only after the questions
    key = render_answer_key_html(example, options)
    assert key.index(example[0].summary[0]) > max(key.index(q.explanation) for q in example[0].questions)
    assert all(q.explanation in key for q in example[0].questions)


def test_print_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    runner = CliRunner()
    quiz = tmp_path / "quiz.pdf"
    result = runner.invoke(main, ["print", str(EXAMPLE), "-o", str(quiz), "--form", "a"])
    assert result.exit_code == 0, result.output
    assert "Form A" in all_text(quiz.read_bytes())
    again = tmp_path / "again.pdf"
    runner.invoke(main, ["print", str(EXAMPLE), "-o", str(again), "--form", "A"])
    assert again.read_bytes() == quiz.read_bytes()
    key = tmp_path / "key.pdf"
    result = runner.invoke(main, ["print", str(EXAMPLE), "--answer-key", "-o", str(key)])
    assert result.exit_code == 0 and "Answer: D. Seven" in all_text(key.read_bytes())
    cards = tmp_path / "cards.pdf"
    args = ["print", str(EXAMPLE), "--flashcards", "--back-offset-mm", "1,-2", "-o", str(cards)]
    assert runner.invoke(main, args).exit_code == 0
    assert "Card 1: answer" in all_text(cards.read_bytes())
    page = tmp_path / "quiz.html"
    result = runner.invoke(main, ["print", str(EXAMPLE), "--type", "true_false", "-o", str(page)])
    assert result.exit_code == 0 and "Circle one" in page.read_text()
    bad = runner.invoke(
        main, ["print", str(EXAMPLE), "--flashcards", "--back-offset-mm", "x", "-o", str(cards)]
    )
    assert bad.exit_code == 2
    bad = runner.invoke(main, ["print", str(EXAMPLE), "--form", "AB", "-o", str(quiz)])
    assert bad.exit_code == 2 and "Error: --form" in bad.output


# --- limits on the page (issue 16, point 13) -------------------------------------------------------

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4  # 180 letters, no break in it


def _with(bank: Bank, question_id: str, **changes: object) -> Bank:
    questions = tuple(replace(q, **changes) if q.id == question_id else q for q in bank.questions)  # type: ignore[arg-type]
    return replace(bank, questions=questions)


@pytest.mark.parametrize("kind", ["quiz", "key", "cards"])
def test_a_word_longer_than_a_line_breaks_instead_of_running_off(example: list[Bank], kind: str) -> None:
    bank = _with(example[0], "ex-003", prompt=f"What does {LONG_WORD} mean?", back=f"It is {LONG_WORD}.")
    options = PrintOptions(timestamp=EPOCH)
    pdf = {"quiz": render_quiz, "key": render_answer_key, "cards": render_flashcards}[kind]([bank], options)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            right_edge = max((c["x1"] for c in page.chars), default=0)
            assert right_edge <= page.width - 5 * MM, f"text runs to {right_edge:.0f} of {page.width:.0f}"
    assert LONG_WORD in re.sub(r"[\s\u200b]", "", all_text(pdf))  # all of it, broken over lines


def test_a_card_that_cannot_fit_is_an_error_naming_its_question(example: list[Bank]) -> None:
    words = " ".join(["sleep"] * 800)  # 4,800 characters: within the loader's limit, not a card's
    bank = _with(example[0], "ex-003", back=words)
    with pytest.raises(BuildError, match=r"ex-003.*does not fit"):
        render_flashcards([bank], PrintOptions(timestamp=EPOCH))


def test_a_question_that_cannot_fit_a_page_is_an_error_naming_it(example: list[Bank]) -> None:
    words = " ".join(["sleep"] * 800)  # 4,800 characters: each text is within the loader's limit
    options = (words, *(f"Option {i}: {words[:1000]}" for i in range(25)))
    on_the_quiz = _with(example[0], "ex-001", options=options, correct=(0,))
    with pytest.raises(BuildError, match=r"question ex-001 \(.*\) does not fit on a page of the quiz"):
        render_quiz([on_the_quiz], PrintOptions(timestamp=EPOCH))
    in_the_key = _with(example[0], "ex-001", prompt=words, explanation=words, options=options, correct=(0,))
    with pytest.raises(BuildError, match=r"question ex-001 \(.*\) does not fit on a page of the answer key"):
        render_answer_key([in_the_key], PrintOptions(timestamp=EPOCH))


# --- characters the font cannot print ------------------------------------------------------------


def _boxes(pdf: bytes) -> list[str]:
    """The characters typst set with the font's empty box (glyph 0, which it uses for a character
    the font has no glyph for): pdfplumber reads them as `(cid:0)`."""
    return [c for c in _chars(pdf) if c["text"] == "(cid:0)"]


@pytest.mark.parametrize("kind", ["quiz", "key", "cards"])
def test_hyphens_the_font_lacks_print_as_hyphens(example: list[Bank], kind: str) -> None:
    """Text pasted from a word processor or a web page often holds a non-breaking hyphen (U+2011)
    or the Unicode hyphen (U+2010); the font has neither, and typst printed an empty box."""
    bank = _with(example[0], "ex-003", prompt="Which T\u2011cells and B\u2010cells?", back="T\u2011cells.")
    options = PrintOptions(timestamp=EPOCH)
    pdf = {"quiz": render_quiz, "key": render_answer_key, "cards": render_flashcards}[kind]([bank], options)
    text = all_text(pdf)
    assert "Which T-cells and B-cells?" in text
    assert _boxes(pdf) == []


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Take your pill \U0001f48a every day", "'\U0001f48a' (U+1F48A PILL)"),
        ("Fever above 38 \u2103", "'\u2103' (U+2103 DEGREE CELSIUS)"),
        ("\u05e9\u05dc\u05d5\u05dd", "'\u05e9' (U+05E9 HEBREW LETTER SHIN)"),
    ],
)
def test_a_character_the_font_cannot_print_is_an_error_naming_its_question(
    example: list[Bank], text: str, named: str
) -> None:
    """typst has no font to fall back on (only the packaged one, so every machine prints the same)
    and prints an empty box, silently: a symbol of a patient handout would be lost."""
    bank = _with(example[0], "ex-003", back=text)
    options = PrintOptions(timestamp=EPOCH)
    for render in (render_answer_key, render_flashcards):
        with pytest.raises(BuildError) as raised:
            render([bank], options)
        message = str(raised.value)
        assert "question ex-003 (" in message and "habits.yaml" not in message
        assert named in message and "empty box" in message
    render_quiz([bank], options)  # the quiz does not print a flashcard's back: nothing to refuse


def test_the_banks_own_text_the_font_cannot_print_is_an_error(example: list[Bank]) -> None:
    bank = replace(example[0], title="Sleep \U0001f634 and health")
    with pytest.raises(BuildError, match=r"the text of the bank itself .*U\+1F634 SLEEPING FACE"):
        render_quiz([bank], PrintOptions(timestamp=EPOCH))


def test_spaces_marks_and_invisible_characters_need_no_glyph(example: list[Bank]) -> None:
    ok = "Thin\u2009space, no\u00a0break, soft\u00adhyphen, zero\u200bwidth, e\u0301, \u2713\ufe0f"
    bank = _with(example[0], "ex-003", prompt=ok)
    assert render_quiz([bank], PrintOptions(timestamp=EPOCH))
