"""Printable quizzes, answer keys and cut-out flashcards: the print data, and PDF through typst.

The HTML handout is made from the same data in `quizgen.outputs.handout`;
`quizgen.outputs.cardfit` proves from the font's metrics which text size of a flashcard surely fits.

Bank text never becomes typst markup: every string travels to the templates as JSON through
`sys.inputs`, so `*`, `#`, `$`, `<`, `_` and `@` print as themselves. The templates in
`quizgen/templates/` only read that JSON and lay it out.
"""

from __future__ import annotations

import importlib.resources
import json
import random
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import typst

from quizgen.bank.evidence import NOT_FROM_ARTICLE, SAFETY_NOTES_HEADING, evidence_lines, from_reference
from quizgen.bank.model import (
    CLOZE_RE,
    Bank,
    Question,
    QuestionType,
    cloze_blanked,
    cloze_deletions,
    option_letter,
)
from quizgen.errors import BuildError, UsageError
from quizgen.i18n import N_, SOURCE_LANGUAGE, Translate, base_language, translator, unreviewed_notice
from quizgen.i18n import english as _same
from quizgen.outputs import cardfit
from quizgen.outputs.instructions import prompt_says_how
from quizgen.outputs.meeting import meeting_picks
from quizgen.outputs.printdata import (
    AboutData,
    CardFace,
    CardPageData,
    CardsData,
    ClozeSegment,
    CommonData,
    KeyData,
    KeyEntry,
    QuestionData,
    QuizData,
    RevealedSegment,
    SafetyData,
    SafetyNoteData,
)
from quizgen.study.selection import Picked, Selection, ordered_options, select_questions, spaced

Paper = Literal["letter", "a4"]

#: Paper sizes in millimetres (width, height), portrait.
PAPER_MM: dict[str, tuple[float, float]] = {"letter": (215.9, 279.4), "a4": (210.0, 297.0)}
_TYPST_PAPER = {"letter": "us-letter", "a4": "a4"}

#: Only these faces are handed to typst: one file per weight and style, so the choice between the
#: package's .otf and .ttf copies never depends on the order a file system lists them in.
FONT_FAMILY = "Source Sans Pro"
_FONT_FILES = (
    "SourceSansPro-Regular.ttf",
    "SourceSansPro-It.ttf",
    "SourceSansPro-Semibold.ttf",
    "SourceSansPro-Bold.ttf",
    "SourceSansPro-BoldIt.ttf",
)

FORM_RE = re.compile(r"^[A-Z]$")

INSTRUCTIONS = N_(
    "Where you see boxes, tick the box next to your answer; "
    "where it says \u201cchoose all that apply\u201d, tick every box that fits. "
    "Circle True or False. Write your answers on the lines. "
    "If you are not sure, it is fine to leave a question blank."
)


MEETING_SUBTITLE = N_("A short quiz for one meeting: {count} questions")


def print_labels(_: Translate) -> dict[str, str]:
    """Every fixed word the typst templates print, in one language (typst cannot call gettext)."""
    return {
        "form": _("Form {form}"),
        "page_of": _("Page {page} of {pages}"),
        "circle_one": _("Circle one:"),
        "true": _("True"),
        "false": _("False"),
        "name": _("Name:"),
        "date": _("Date:"),
        "about": _("About this quiz"),
        "about_from": _("These questions come from the article"),
        "instructions": _("Instructions"),
        "questions": _("Questions"),
        "answer_key": _("Answer key"),
        "answer_key_of": _("Answer key: {title}"),
        "key_note": _(
            "For the person leading the group. Keep this key apart from the quiz; it is not handed out."
        ),
        "answer": _("Answer:"),
        "why": _("Why:"),
        "section": _("Section:"),
        "main_points": _("The main points"),
        "how_front": _(
            "Card fronts. Print double-sided, flipping on the long edge. Cut on the dashed lines."
        ),
        "how_back": _("Card backs, mirrored so each lands behind its front."),
        "how_fold": _("Cut on the dashed lines, then fold each card on the dotted line."),
        "online": _("Take this quiz online:"),
        "qr_alt": _("QR code of {url}"),
    }


@dataclass(frozen=True)
class PrintOptions:
    """How to print. `seed` decides the choice and order of questions; None keeps bank order.

    `selection` filters questions (count, tags, sections, types); its own `seed` and `shuffle`
    are replaced by `seed`. With a `form` (one capital letter), questions and options are
    shuffled again by `seed` and the form letter, so each form has its own order and key.
    `timestamp` (Unix seconds, as SOURCE_DATE_EPOCH) fixes the PDF dates; None means now.
    `back_offset_mm` moves the backs of duplex flashcards right and down, to undo a printer's shift.
    `meeting` prints the short quiz for one meeting (quizgen.outputs.meeting) instead: `selection.count`
    questions, else the bank's `meeting_quiz_count`, else 12; the other filters do not apply.
    """

    paper: Paper = "letter"
    large_print: bool = False
    form: str | None = None
    seed: int | str | None = None
    selection: Selection = field(default_factory=Selection)
    back_offset_mm: tuple[float, float] = (0.0, 0.0)
    timestamp: int | None = None
    meeting: bool = False

    def __post_init__(self) -> None:
        if self.paper not in PAPER_MM:
            raise UsageError(f"unknown paper {self.paper!r}: use letter or a4")
        if self.form is not None and not FORM_RE.match(self.form):
            raise UsageError(f"--form must be one capital letter (A, B, ...), not {self.form!r}")


# --- choosing questions -------------------------------------------------------------------------


def pick_questions(banks: Sequence[Bank], options: PrintOptions) -> list[Picked]:
    """The questions to print, in print order, with options in print order."""
    if options.meeting:
        picked = meeting_picks(banks, options.selection.count)
    else:
        selection = replace(options.selection, seed=options.seed, shuffle=options.seed is not None)
        picked = select_questions(banks, selection)
    if options.form is None:
        return spaced([ordered_options(p, None) for p in picked])
    form_seed = f"{options.seed}:form:{options.form}"
    picked = list(picked)
    random.Random(form_seed).shuffle(picked)
    return spaced([ordered_options(p, form_seed) for p in picked])


# --- what a question looks like on paper (plain data, shared by PDF and HTML) ------------------


def _instruction(q: Question, _: Translate) -> str | None:
    t = q.type
    if t is QuestionType.MULTIPLE_CHOICE:
        return _("Choose one answer.")
    if t is QuestionType.MULTIPLE_SELECT:
        return _("Choose all that apply.")
    if t is QuestionType.TRUE_FALSE:
        return None  # the "Circle one: True False" line says it
    if t is QuestionType.CLOZE:
        return _("Fill in the blanks.") if len(q.deletions) > 1 else _("Fill in the blank.")
    if t is QuestionType.SHORT_ANSWER:
        return _("Write a short answer.")
    return _("Explain in your own words.")


def _cloze_segments(text: str) -> list[ClozeSegment]:
    """Cloze text as literal pieces and numbered blanks (numbers only when there are several)."""
    deletions = cloze_deletions(text)
    numbered = len(deletions) > 1
    segments: list[ClozeSegment] = []
    pos = 0
    for i, m in enumerate(CLOZE_RE.finditer(text), start=1):
        if m.start() > pos:
            segments.append({"text": text[pos : m.start()]})
        segments.append({"blank": i if numbered else None, "hint": m.group(3)})
        pos = m.end()
    if pos < len(text):
        segments.append({"text": text[pos:]})
    return segments


def prompt_text(q: Question) -> str:
    """The question as one line of plain text, with cloze deletions shown as blanks."""
    if q.type is QuestionType.CLOZE:
        parts = []
        for s in _cloze_segments(q.prompt):
            if "text" in s:
                parts.append(s["text"])
            else:
                parts.append("_____" + (f" ({s['hint']})" if s["hint"] else ""))
        return "".join(parts)
    return q.prompt


def printed_answer(q: Question, _: Translate = _same) -> str:
    """The answer as printed in the key and on the back of a card: option letters with their text,
    numbered cloze blanks (`Question.answer_text` is the plain answer, without letters)."""
    if q.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_SELECT):
        return "; ".join(f"{option_letter(i)}. {q.options[i]}" for i in q.correct)
    if q.type is QuestionType.CLOZE:
        answers = [d.answer for d in q.deletions]
        if len(answers) == 1:
            return answers[0]
        return "; ".join(f"({n}) {a}" for n, a in enumerate(answers, start=1))
    return q.answer_text((_("True"), _("False")))


def _also_accepted(q: Question, _: Translate) -> str | None:
    if q.type is QuestionType.SHORT_ANSWER and len(q.accepted) > 1:
        return _("Also accept:") + " " + "; ".join(q.accepted[1:])
    return None


def _question_data(number: int, q: Question, _: Translate) -> QuestionData:
    data: QuestionData = {
        "number": number,
        "type": q.type.value,
        "prompt": q.prompt,
        "instruction": None if prompt_says_how(q, _) else _instruction(q, _),
        "options": [{"label": option_letter(i), "text": o} for i, o in enumerate(q.options)],
        "lines": 0,
        "segments": [],
    }
    if q.type is QuestionType.CLOZE:
        data["segments"] = _cloze_segments(q.prompt)
    elif q.type is QuestionType.SHORT_ANSWER:
        data["lines"] = 2
    elif q.type is QuestionType.FLASHCARD:
        data["lines"] = 4
    return data


def _key_data(number: int, p: Picked) -> KeyEntry:
    q = p.question
    _ = translator(p.bank.language).gettext
    return {
        "number": number,
        "prompt": prompt_text(q),
        "answer": printed_answer(q, _),
        "also": _also_accepted(q, _),
        "explanation": q.explanation,
        "section": p.bank.section_title(q.source.section),
        "evidence": [
            {"label": e.label, "text": e.text, "marker": e.marker, "url": e.url}
            for e in evidence_lines(p.bank, q)
        ],
    }


def _banks_used(picked: Sequence[Picked]) -> list[Bank]:
    seen: list[Bank] = []
    for p in picked:
        if all(p.bank is not b for b in seen):
            seen.append(p.bank)
    return seen


def _about(bank: Bank) -> AboutData:
    from quizgen.outputs.qr import qr_svg

    return {
        "article": bank.article.title,
        "url": bank.article.url,
        "summary": list(bank.summary),
        "publish_url": bank.publish_url,
        "qr": qr_svg(bank.publish_url) if bank.publish_url else None,
    }


def _safety_notes(banks: Sequence[Bank]) -> SafetyData:
    """The banks' safety notes, each with the reference it comes from (printed after the questions)."""
    notes: list[SafetyNoteData] = []
    _ = translator(banks[0].language if banks else SOURCE_LANGUAGE).gettext
    heading = _(SAFETY_NOTES_HEADING)
    for bank in banks:
        _ = translator(bank.language).gettext
        for note in bank.safety_notes:
            r = bank.reference(note.reference)
            template, title = from_reference(r, _)
            source = template.replace("{title}", title)
            notes.append({"text": note.text, "source": f"{source} ({_(NOT_FROM_ARTICLE)}):", "url": r.url})
    return {"heading": heading, "notes": notes}


def data_language(picked: Sequence[Picked]) -> str:
    """The language a printout is in: that of its (first) bank."""
    return picked[0].bank.language if picked else SOURCE_LANGUAGE


def short_disclaimer(disclaimer: str) -> str:
    """The first sentence of a disclaimer (up to a full stop, ! or ? before a capital letter): its
    short form for large-print footers and cut-out cards."""
    match = re.match(r"(.+?[.!?])\s+(?=[A-Z])", disclaimer.strip())
    return match.group(1) if match else disclaimer.strip()


def _common(picked: Sequence[Picked], options: PrintOptions, kind: str) -> CommonData:
    banks = _banks_used(picked)
    title = " / ".join(b.title for b in banks)
    credits = list(dict.fromkeys(b.credit for b in banks))
    disclaimers = list(dict.fromkeys(b.disclaimer for b in banks))
    language = banks[0].language if banks else SOURCE_LANGUAGE
    _ = translator(language).gettext
    notices = [n for n in dict.fromkeys(unreviewed_notice(b, b.language) for b in banks) if n]
    return {
        "kind": kind,
        "lang": base_language(language),
        "labels": print_labels(_),
        # a translation no qualified person has reviewed says so on every output
        "notice": " ".join(notices) or None,
        "title": title,
        "subtitle": _(MEETING_SUBTITLE).format(count=len(picked)) if options.meeting else None,
        "form": options.form,
        "paper": _TYPST_PAPER[options.paper],
        "large": options.large_print,
        "credit": " ".join(credits),
        "disclaimer": " ".join(disclaimers),
        "short_disclaimer": " ".join(short_disclaimer(d) for d in disclaimers),
        "about": [_about(b) for b in banks],
        # The quiz for one meeting must fit two pages (issue 10): its answer key, the full quiz and
        # the handout carry the safety notes.
        "safety": _safety_notes(banks if not (options.meeting and kind == "quiz") else ()),
    }


# A question with fewer characters than this fits a page at any text size; a longer one is
# measured, and one taller than a page is an error naming it (it would run off the page).
PAGE_CHECK_CHARS = 1_200


def _may_not_fit(texts: Iterable[str]) -> bool:
    return sum(len(t) + 40 for t in texts) > PAGE_CHECK_CHARS  # 40: a line's worth per piece


def quiz_data(banks: Sequence[Bank], options: PrintOptions) -> QuizData:
    """Everything the quiz template prints, as JSON-ready data."""
    picked = pick_questions(banks, options)
    _ = translator(data_language(picked)).gettext
    return {
        **_common(picked, options, "quiz"),
        "instructions": _(INSTRUCTIONS),
        "questions": [_question_data(n, p.question, _) for n, p in enumerate(picked, start=1)],
        "check_fit": [
            n for n, p in enumerate(picked, start=1) if _may_not_fit([p.question.prompt, *p.question.options])
        ],
    }


def key_data(banks: Sequence[Bank], options: PrintOptions) -> KeyData:
    """Everything the answer-key template prints, as JSON-ready data."""
    picked = pick_questions(banks, options)
    entries = [_key_data(n, p) for n, p in enumerate(picked, start=1)]
    return {
        **_common(picked, options, "key"),
        "entries": entries,
        "check_fit": [
            e["number"]
            for e in entries
            if _may_not_fit([e["prompt"], e["answer"], e["explanation"], *(x["text"] for x in e["evidence"])])
        ],
    }


# --- flashcard layout ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CardBox:
    """Where one card face sits on a page, in millimetres from the top-left corner."""

    number: int
    face: Literal["front", "back"]
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class CardPage:
    face: Literal["front", "back", "fold"]
    boxes: tuple[CardBox, ...]


SIDE_MARGIN_MM = 10.0
TOP_MARGIN_MM = 10.0
# A sheet's footer (page number and how to print, and a translation's not-reviewed line) ends this
# far above the paper's edge; the credit and the whole disclaimer are printed once, on the first
# sheet, where rows of cards are left out for them. Nothing is printed closer to a cut line than
# CLEARANCE_MM, so cutting along it never cuts through text and no card carries footer words.
FOOTER_DROP_MM = 6.0
CLEARANCE_MM = 3.0
# The footer's and opening note's text size and spacing (common.typ's small-size and leading).
SHEET_TEXT_PT = {False: 11.0, True: 18.0}
SHEET_GAP_EM = {False: 0.68, True: 0.8}


@dataclass(frozen=True)
class CardGrid:
    """Where cards go on a sheet (mm): columns, rows, card size, the room kept for the footer, and
    on the first sheet the rows left free for the opening note (credit and disclaimer)."""

    cols: int
    rows: int
    card_w: float
    card_h: float
    footer_height: float  # at most what the footer measures in typst (its template checks)
    opening_rows: int = 0
    opening_y: float = 0.0  # top of the opening note's block, from the top of the page
    opening_height: float = 0.0  # at most what the opening note measures (its template checks)


def _one_line_footer(large_print: bool) -> cardfit.TextBound:
    return cardfit.text_bound([("Page 888 of 888.", "bold")], SHEET_TEXT_PT[large_print], 100.0, 0.0)


def card_grid(
    paper: Paper,
    large_print: bool,
    footer: cardfit.TextBound | None = None,
    opening: cardfit.TextBound | None = None,
    backs_down_mm: float = 0.0,
) -> CardGrid:
    """The sheet's grid, with room at the foot for `footer` (all of its pages' footers bound from
    above; default one line) and, on the first sheet, for `opening` below the cards. Backs moved
    down by a printer offset keep the same clearance."""
    width, height = PAPER_MM[paper]
    footer = footer or _one_line_footer(large_print)
    cols = 2
    # Large print: four bigger cards a sheet, so 18 pt text with four options still fits.
    rows = 2 if large_print else 4
    bottom = CLEARANCE_MM + footer.above + footer.height + FOOTER_DROP_MM + max(backs_down_mm, 0.0)
    card_w = (width - 2 * SIDE_MARGIN_MM) / cols
    card_h = (height - TOP_MARGIN_MM - bottom) / rows
    grid = CardGrid(cols, rows, card_w, card_h, footer.height)
    if opening is None:
        return grid
    # The opening note sits in the rows left free on the first sheet, clear of the cards above it
    # and of the footer below: as few rows as it needs.
    for free in range(1, rows + 1):
        y = TOP_MARGIN_MM + (rows - free) * card_h + CLEARANCE_MM + opening.above
        room = height - bottom - opening.below - y
        if opening.height <= room:
            return replace(grid, opening_rows=free, opening_y=y, opening_height=room)
    raise BuildError(
        "the credit and disclaimer are too long for a sheet of flashcards "
        f"({opening.lines} lines of {SHEET_TEXT_PT[large_print]:g} pt); shorten the bank's credit"
    )


def card_layout(
    count: int,
    paper: Paper,
    large_print: bool = False,
    fold: bool = False,
    back_offset_mm: tuple[float, float] = (0.0, 0.0),
    grid: CardGrid | None = None,
) -> list[CardPage]:
    """Pages of card faces.

    Duplex: a page of fronts, then a page of backs mirrored left to right, so that after a
    long-edge flip each back lands behind its front; the backs move by `back_offset_mm`.
    Fold: each row holds a front and, beside it, its back; folding along the middle line
    puts them back to back without a duplex printer. The first sheet leaves `grid.opening_rows`
    rows free.
    """
    width, _ = PAPER_MM[paper]
    if grid is None:
        grid = card_grid(paper, large_print, backs_down_mm=back_offset_mm[1])
    cols, rows, card_w, card_h = grid.cols, grid.rows, grid.card_w, grid.card_h
    pages: list[CardPage] = []
    start = 0
    if fold:
        while start < count:
            here = rows - (grid.opening_rows if not pages else 0)
            boxes: list[CardBox] = []
            for r, number in enumerate(range(start + 1, min(start + here, count) + 1)):
                y = TOP_MARGIN_MM + r * card_h
                boxes.append(CardBox(number, "front", SIDE_MARGIN_MM, y, card_w, card_h))
                boxes.append(CardBox(number, "back", SIDE_MARGIN_MM + card_w, y, card_w, card_h))
            pages.append(CardPage("fold", tuple(boxes)))
            start += here
        return pages
    dx, dy = back_offset_mm
    while start < count:
        per_page = cols * (rows - (grid.opening_rows if not pages else 0))
        fronts: list[CardBox] = []
        backs: list[CardBox] = []
        for i, number in enumerate(range(start + 1, min(start + per_page, count) + 1)):
            r, c = divmod(i, cols)
            x = SIDE_MARGIN_MM + c * card_w
            y = TOP_MARGIN_MM + r * card_h
            fronts.append(CardBox(number, "front", x, y, card_w, card_h))
            # Long-edge flip of a portrait sheet mirrors it left to right.
            backs.append(CardBox(number, "back", width - x - card_w + dx, y + dy, card_w, card_h))
        pages.append(CardPage("front", tuple(fronts)))
        pages.append(CardPage("back", tuple(backs)))
        start += per_page
    return pages


def _card_faces(number: int, p: Picked) -> CardFace:
    q = p.question
    _ = translator(p.bank.language).gettext
    front_text = prompt_text(q)
    back = q.back if q.type is QuestionType.FLASHCARD else printed_answer(q, _)
    revealed: list[RevealedSegment] = []
    if q.type is QuestionType.CLOZE:
        back = cloze_blanked(q.prompt, reveal=True)
        revealed = _revealed_segments(q.prompt)
    return {
        "number": number,
        # the heading of each face (cardfit measures the same words)
        "titles": {
            "front": _("Card {number}").format(number=number),
            "back": _("Card {number}: answer").format(number=number),
        },
        "front": front_text,
        "options": (
            [_("True or false?")]
            if q.type is QuestionType.TRUE_FALSE
            else [f"{option_letter(i)}. {o}" for i, o in enumerate(q.options)]
        ),
        "back": back or "",
        "explanation": q.explanation,
        # once cut out, a card still says where it comes from and that it is not medical advice
        "back_note": f"{p.bank.title} \u2014 {short_disclaimer(p.bank.disclaimer)}",
        # a cloze back: the sentence in normal weight, the revealed words bold and underlined
        "revealed": revealed,
    }


def _revealed_segments(text: str) -> list[RevealedSegment]:
    """A cloze text as pieces, each marked as a revealed answer or not."""
    segments: list[RevealedSegment] = []
    pos = 0
    for m in CLOZE_RE.finditer(text):
        if m.start() > pos:
            segments.append({"text": text[pos : m.start()], "answer": False})
        segments.append({"text": m.group(2), "answer": True})
        pos = m.end()
    if pos < len(text):
        segments.append({"text": text[pos:], "answer": False})
    return segments


def _sheet_paragraphs(common: CommonData, fold: bool, cards: int) -> list[list[tuple[str, cardfit.Weight]]]:
    """The footer of every kind of page the flashcards print (bold page number, how to print,
    a translation's not-reviewed line), as cardfit measures them; the page number as wide as any."""
    labels = common["labels"]
    form = labels["form"].replace("{form}", common["form"]) + ", " if common["form"] else ""
    widest = "8" * len(str(2 * cards + 2))
    page = form + labels["page_of"].replace("{page}", widest).replace("{pages}", widest) + ". "
    notice: list[tuple[str, cardfit.Weight]] = [(common["notice"], "bold")] if common["notice"] else []
    hows = ["how_fold"] if fold else ["how_front", "how_back"]
    return [[(page + labels[how], "mixed"), *notice] for how in hows]


def _opening_paragraphs(common: CommonData) -> list[tuple[str, cardfit.Weight]]:
    """Printed once, on the first sheet: the title, the credit and the whole disclaimer."""
    return [(common["title"], "bold"), (common["credit"], "regular"), (common["disclaimer"], "bold")]


def cards_data(banks: Sequence[Bank], options: PrintOptions, fold: bool = False) -> CardsData:
    """Everything the flashcard template prints, as JSON-ready data."""
    picked = pick_questions(banks, options)
    common = _common(picked, options, "fold" if fold else "cards")
    cards = [_card_faces(n, p) for n, p in enumerate(picked, start=1)]
    large = options.large_print
    width = PAPER_MM[options.paper][0] - 2 * SIDE_MARGIN_MM
    size, gap = SHEET_TEXT_PT[large], SHEET_GAP_EM[large]
    footers = [
        cardfit.text_bound(breakable(p), size, width, gap)
        for p in _sheet_paragraphs(common, fold, len(cards))
    ]
    grid = card_grid(
        options.paper,
        large,
        footer=max(footers, key=lambda f: f.height),
        opening=cardfit.text_bound(breakable(_opening_paragraphs(common)), size, width, gap),
        backs_down_mm=0.0 if fold else options.back_offset_mm[1],
    )
    faces: tuple[Literal["front", "back"], ...] = ("front", "back")
    for c in cards:
        c["sure"] = {
            face: cardfit.first_sure_variant(c, face, large, grid.card_w, grid.card_h) for face in faces
        }
    layout = card_layout(len(cards), options.paper, large, fold, options.back_offset_mm, grid)
    pages: list[CardPageData] = [
        {
            "face": page.face,
            "boxes": [
                {"number": b.number, "face": b.face, "x": b.x, "y": b.y, "w": b.width, "h": b.height}
                for b in page.boxes
            ],
        }
        for page in layout
    ]
    return {
        **common,
        "cards": {str(c["number"]): c for c in cards},
        "card_sizes": cardfit.CARD_SIZES_PT[large],
        "card_inset": cardfit.CARD_INSET_MM,
        "card_gap": cardfit.CARD_GAP_EM,
        "card_hang": cardfit.CARD_HANG_EM,
        "pages": pages,
        "side_margin": SIDE_MARGIN_MM,
        "sheet_text": {
            "size": size,
            "gap": gap,
            "drop": FOOTER_DROP_MM,
            "footer_height": grid.footer_height,
            "opening_y": grid.opening_y,
            "opening_height": grid.opening_height,
        },
    }


# --- typst --------------------------------------------------------------------------------------


# Keeps the font folder alive until exit; TemporaryDirectory removes it then.
_KEEP: list[tempfile.TemporaryDirectory[str]] = []


@cache
def _font_dir() -> Path:
    """A private folder holding exactly the faces we print with (removed when Python exits)."""
    source = importlib.resources.files("font_source_sans_pro") / "files"
    folder = tempfile.TemporaryDirectory(prefix="quizgen-fonts-")
    _KEEP.append(folder)
    target = Path(folder.name)
    for name in _FONT_FILES:
        with importlib.resources.as_file(source / name) as path:
            shutil.copyfile(path, target / name)
    return target


@cache
def _fonts() -> Any:
    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(_font_dir())]
    )


def _template(name: str) -> str:
    return (importlib.resources.files("quizgen") / "templates" / name).read_text("utf-8")


# Characters the font has no glyph for, printed as one it has that looks the same (typst would
# print an empty box): the hyphens of word processors and web pages ("T\u2011cells").
_STAND_INS = str.maketrans({"\u2010": "-", "\u2011": "-"})

_LONG_WORD_RE = re.compile(r"\S{31,}")
_BREAK_EVERY = 15


def _breakable_word(m: re.Match[str]) -> str:
    word = m.group()
    if "://" in word:  # a URL keeps its exact characters, so it can be copied from the PDF
        return word
    pieces = [word[i : i + _BREAK_EVERY] for i in range(0, len(word), _BREAK_EVERY)]
    return "\u200b".join(pieces)  # a zero-width space: a place where a line may break


def breakable(data: Any) -> Any:
    """The print data with every word over 30 characters given places to break (a zero-width
    space every 15 characters), so no word runs off the page, and the stand-ins for the hyphens
    the font lacks."""
    if isinstance(data, str):
        if not data.isascii():
            data = data.translate(_STAND_INS)
        return _LONG_WORD_RE.sub(_breakable_word, data) if len(data) > 30 else data
    if isinstance(data, dict):
        return {k: breakable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [breakable(v) for v in data]
    return data


def unprintable(text: str) -> list[str]:
    """The characters of `text` (each once) that the font has no glyph for, which typst would print
    as empty boxes (spaces and invisible characters need none)."""
    if text.isascii():
        return []
    covered = cardfit.printable_characters()
    return [
        c
        for c in dict.fromkeys(text)
        if ord(c) not in covered
        and not c.isspace()
        and unicodedata.category(c) not in ("Cc", "Cf")
        and not ("\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef")  # variation selectors
    ]


def _strings(data: Any) -> Iterator[str]:
    """Every string in `data` (nested dicts, lists and tuples)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _strings(value)


def _refuse_unprintable(data: Any, banks: Sequence[Bank], options: PrintOptions, what: str) -> None:
    """BuildError naming the text (question or bank) with characters the PDF cannot show: an empty
    box in place of a word or symbol of a patient handout must never pass unnoticed."""
    missing = dict.fromkeys(c for s in _strings(data) for c in unprintable(s))
    if not missing:
        return
    places: list[str] = []
    for p in pick_questions(banks, options):
        q = p.question
        found = [c for c in missing if any(c in s for s in _strings(list(vars(q).values())))]
        if found:
            places.append(f"question {q.id} ({q.location}): {_characters(found)}")
            for c in found:
                missing.pop(c)
    if missing:
        folders = ", ".join(str(b.root or b.id) for b in banks)
        places.append(f"the text of the bank itself ({folders}): {_characters(list(missing))}")
    raise BuildError(
        f"the {what} cannot print some characters (the PDF's font has none, so each would print "
        "as an empty box): " + "; ".join(places) + ". Write them in words, or leave them out"
    )


def _characters(chars: Sequence[str], at_most: int = 4) -> str:
    named = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars[:at_most])
    return named + (f" and {len(chars) - at_most} more" if len(chars) > at_most else "")


def _compile(
    template: str, data: CommonData, options: PrintOptions, what: str, banks: Sequence[Bank]
) -> bytes:
    data = breakable(data)
    _refuse_unprintable(data, banks, options, what)
    source = _template("common.typ") + "\n" + _template(template)
    try:
        pdf = typst.compile(
            source.encode("utf-8"),
            font_paths=_fonts(),
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            timestamp=options.timestamp,
            format="pdf",
        )
    except typst.TypstError as e:  # a bug in a template, not in the bank
        raise BuildError(f"could not lay out the {what}: {e.message}") from e
    if not isinstance(pdf, bytes):
        raise BuildError(f"could not lay out the {what}: typst returned no PDF")
    return pdf


def _query_marks(template: str, data: Any, label: str, what: str) -> list[int]:
    """The numbers a template marks with `label` (typst lays the document out once more)."""
    source = _template("common.typ") + "\n" + _template(template)
    try:
        found = typst.query(
            source.encode("utf-8"),
            label,
            field="value",
            font_paths=_fonts(),
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(breakable(data), ensure_ascii=False)},
        )
    except typst.TypstError as e:
        raise BuildError(f"could not lay out the {what}: {e.message}") from e
    return sorted({int(n) for n in json.loads(found)})


def _refuse_overflow(numbers: Sequence[int], picked: Sequence[Picked], what: str, where: str) -> None:
    if numbers:
        names = ", ".join(f"{picked[n - 1].question.id} ({picked[n - 1].question.location})" for n in numbers)
        raise BuildError(f"question {names} does not fit {where} of the {what}: shorten its text")


def render_quiz(banks: Sequence[Bank], options: PrintOptions) -> bytes:
    """The quiz as PDF: header, about block, numbered questions, footer on every page."""
    data = quiz_data(banks, options)
    if data["check_fit"]:
        marks = _query_marks("quiz.typ", data, "<page-overflow>", "quiz")
        _refuse_overflow(marks, pick_questions(banks, options), "quiz", "on a page")
    return _compile("quiz.typ", data, options, "quiz", banks)


def render_answer_key(banks: Sequence[Bank], options: PrintOptions) -> bytes:
    """The answer key for the same options as `render_quiz`, as a separate PDF."""
    data = key_data(banks, options)
    if data["check_fit"]:
        marks = _query_marks("key.typ", data, "<page-overflow>", "answer key")
        _refuse_overflow(marks, pick_questions(banks, options), "answer key", "on a page")
    return _compile("key.typ", data, options, "answer key", banks)


def render_flashcards(banks: Sequence[Bank], options: PrintOptions, fold: bool = False) -> bytes:
    """Cut-out flashcards as PDF: duplex pages (fronts, mirrored backs) or fold-over pages.

    A card whose text does not fit even at the smallest size is an error naming its question
    (looked for only when the font's metrics could not prove that every card fits)."""
    data = cards_data(banks, options, fold)
    if any(None in c["sure"].values() for c in data["cards"].values()):
        marks = _query_marks("cards.typ", data, "<card-overflow>", "flashcards")
        _refuse_overflow(marks, pick_questions(banks, options), "flashcards", "on its card")
    return _compile("cards.typ", data, options, "flashcards", banks)


def overfull_cards(banks: Sequence[Bank], options: PrintOptions, fold: bool = False) -> list[int]:
    """Numbers of the cards whose text does not fit even at the smallest allowed size."""
    return _query_marks("cards.typ", cards_data(banks, options, fold), "<card-overflow>", "flashcards")
