"""Printable quizzes, answer keys and cut-out flashcards (PDF through typst; HTML by hand).

Bank text never becomes typst markup: every string travels to the templates as JSON through
`sys.inputs`, so `*`, `#`, `$`, `<`, `_` and `@` print as themselves. The templates in
`quizgen/templates/` only read that JSON and lay it out.
"""

from __future__ import annotations

import html
import importlib.resources
import json
import random
import re
import shutil
import struct
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import typst

from quizgen.errors import BuildError, UsageError
from quizgen.evidence import NOT_FROM_ARTICLE, SAFETY_NOTES_HEADING, evidence_lines
from quizgen.meeting import meeting_picks
from quizgen.model import (
    CLOZE_RE,
    Bank,
    Question,
    QuestionType,
    cloze_blanked,
    cloze_deletions,
    option_letter,
)
from quizgen.selection import Picked, Selection, ordered_options, select_questions, spaced

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

INSTRUCTIONS = (
    "Answer every question. Where you see boxes, tick the box next to your answer; "
    "where it says \u201cchoose all that apply\u201d, tick every box that fits. "
    "Circle True or False. Write your answers on the lines. "
    "It is fine to leave a question blank."
)


MEETING_SUBTITLE = "A short quiz for one meeting: {count} questions"


@dataclass(frozen=True)
class PrintOptions:
    """How to print. `seed` decides the choice and order of questions; None keeps bank order.

    `selection` filters questions (count, tags, sections, types); its own `seed` and `shuffle`
    are replaced by `seed`. With a `form` (one capital letter), questions and options are
    shuffled again by `seed` and the form letter, so each form has its own order and key.
    `timestamp` (Unix seconds, as SOURCE_DATE_EPOCH) fixes the PDF dates; None means now.
    `back_offset_mm` moves the backs of duplex flashcards right and down, to undo a printer's shift.
    `meeting` prints the short quiz for one meeting (quizgen.meeting) instead: `selection.count`
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


def _instruction(q: Question) -> str | None:
    t = q.type
    if t is QuestionType.MULTIPLE_CHOICE:
        return "Choose one answer."
    if t is QuestionType.MULTIPLE_SELECT:
        return "Choose all that apply."
    if t is QuestionType.TRUE_FALSE:
        return None  # the "Circle one: True False" line says it
    if t is QuestionType.CLOZE:
        return "Fill in the blanks." if len(q.deletions) > 1 else "Fill in the blank."
    if t is QuestionType.SHORT_ANSWER:
        return "Write a short answer."
    return "Explain in your own words."


def _cloze_segments(text: str) -> list[dict[str, Any]]:
    """Cloze text as literal pieces and numbered blanks (numbers only when there are several)."""
    deletions = cloze_deletions(text)
    numbered = len(deletions) > 1
    segments: list[dict[str, Any]] = []
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


def answer_text(q: Question) -> str:
    """The answer as printed in the key and on the back of a card (with option letters)."""
    if q.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_SELECT):
        return "; ".join(f"{option_letter(i)}. {q.options[i]}" for i in q.correct)
    if q.type is QuestionType.CLOZE:
        answers = [d.answer for d in q.deletions]
        if len(answers) == 1:
            return answers[0]
        return "; ".join(f"({n}) {a}" for n, a in enumerate(answers, start=1))
    return q.answer_text()


def _also_accepted(q: Question) -> str | None:
    if q.type is QuestionType.SHORT_ANSWER and len(q.accepted) > 1:
        return "Also accept: " + "; ".join(q.accepted[1:])
    return None


def _prompt_has_instruction(q: Question) -> bool:
    return q.type is QuestionType.MULTIPLE_SELECT and "all that apply" in q.prompt.casefold()


def _question_data(number: int, q: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": number,
        "type": q.type.value,
        "prompt": q.prompt,
        "instruction": None if _prompt_has_instruction(q) else _instruction(q),
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


def _key_data(number: int, p: Picked) -> dict[str, Any]:
    q = p.question
    return {
        "number": number,
        "prompt": prompt_text(q),
        "answer": answer_text(q),
        "also": _also_accepted(q),
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


def _about(bank: Bank) -> dict[str, Any]:
    return {
        "article": bank.article.title,
        "url": bank.article.url,
        "summary": list(bank.summary),
    }


def _safety_notes(banks: Sequence[Bank]) -> dict[str, Any]:
    """The banks' safety notes, each with the reference it comes from (printed after the questions)."""
    notes = []
    for bank in banks:
        for note in bank.safety_notes:
            r = bank.reference(note.reference)
            notes.append(
                {
                    "text": note.text,
                    "source": f"From {r.title}, {r.publisher} ({NOT_FROM_ARTICLE}):",
                    "url": r.url,
                }
            )
    return {"heading": SAFETY_NOTES_HEADING, "notes": notes}


def short_disclaimer(disclaimer: str) -> str:
    """The first sentence of a disclaimer (up to a full stop, ! or ? before a capital letter): its
    short form for large-print footers and cut-out cards."""
    match = re.match(r"(.+?[.!?])\s+(?=[A-Z])", disclaimer.strip())
    return match.group(1) if match else disclaimer.strip()


def _common(picked: Sequence[Picked], options: PrintOptions, kind: str) -> dict[str, Any]:
    banks = _banks_used(picked)
    title = " / ".join(b.title for b in banks)
    credits = list(dict.fromkeys(b.credit for b in banks))
    disclaimers = list(dict.fromkeys(b.disclaimer for b in banks))
    return {
        "kind": kind,
        "title": title,
        "subtitle": MEETING_SUBTITLE.format(count=len(picked)) if options.meeting else None,
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


def quiz_data(banks: Sequence[Bank], options: PrintOptions) -> dict[str, Any]:
    """Everything the quiz template prints, as JSON-ready data."""
    picked = pick_questions(banks, options)
    data = _common(picked, options, "quiz")
    data["instructions"] = INSTRUCTIONS
    data["questions"] = [_question_data(n, p.question) for n, p in enumerate(picked, start=1)]
    return data


def key_data(banks: Sequence[Bank], options: PrintOptions) -> dict[str, Any]:
    """Everything the answer-key template prints, as JSON-ready data."""
    picked = pick_questions(banks, options)
    data = _common(picked, options, "key")
    data["entries"] = [_key_data(n, p) for n, p in enumerate(picked, start=1)]
    return data


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
# Room at the foot of a sheet for the page number, how to cut and print, credit and disclaimer.
BOTTOM_MARGIN_MM = {False: 28.0, True: 62.0}


def card_grid(paper: Paper, large_print: bool) -> tuple[int, int, float, float]:
    """Columns, rows, card width and card height (mm) for a sheet of cards."""
    width, height = PAPER_MM[paper]
    cols = 2
    # Large print: four bigger cards a sheet, so 18 pt text with four options still fits.
    rows = 2 if large_print else 4
    card_w = (width - 2 * SIDE_MARGIN_MM) / cols
    card_h = (height - TOP_MARGIN_MM - BOTTOM_MARGIN_MM[large_print]) / rows
    return cols, rows, card_w, card_h


def card_layout(
    count: int,
    paper: Paper,
    large_print: bool = False,
    fold: bool = False,
    back_offset_mm: tuple[float, float] = (0.0, 0.0),
) -> list[CardPage]:
    """Pages of card faces.

    Duplex: a page of fronts, then a page of backs mirrored left to right, so that after a
    long-edge flip each back lands behind its front; the backs move by `back_offset_mm`.
    Fold: each row holds a front and, beside it, its back; folding along the middle line
    puts them back to back without a duplex printer.
    """
    width, _ = PAPER_MM[paper]
    cols, rows, card_w, card_h = card_grid(paper, large_print)
    pages: list[CardPage] = []
    if fold:
        for start in range(0, count, rows):
            boxes: list[CardBox] = []
            for r, number in enumerate(range(start + 1, min(start + rows, count) + 1)):
                y = TOP_MARGIN_MM + r * card_h
                boxes.append(CardBox(number, "front", SIDE_MARGIN_MM, y, card_w, card_h))
                boxes.append(CardBox(number, "back", SIDE_MARGIN_MM + card_w, y, card_w, card_h))
            pages.append(CardPage("fold", tuple(boxes)))
        return pages
    per_page = cols * rows
    dx, dy = back_offset_mm
    for start in range(0, count, per_page):
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
    return pages


# --- proving that a card fits, without asking typst ------------------------------------------------
#
# cards.typ prints each face in the first of its variants (text sizes, first with the explanation,
# then without) that fits. Measuring them all in typst costs far more than laying the sheets out, so
# Python proves from the font files which variant surely fits; typst measures only the variants
# before that one, which makes the same choice (usually the first variant, with no measuring).
# The proof bounds each line from above: a glyph is at most its advance plus the largest positive
# kerning it takes as the first of a pair (ligatures here are narrower than their letters), lines
# break only at single spaces (typst also breaks at some other places, which can only save lines),
# and lines break first-fit, as typst does for ragged text.

# The template reads these from the data, so both sides use the same numbers.
CARD_SIZES_PT = {True: (22.0, 20.0, 18.0), False: (14.0, 13.0, 12.0, 11.0)}
CARD_INSET_MM = 3.0
CARD_GAP_EM = 0.66  # leading and paragraph spacing: 1.32 lines from baseline to baseline
CARD_HANG_EM = 1.2  # hanging indent of an option
_PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class _FontBound:
    """Per character: advance plus the largest positive kerning after it, in em."""

    width: dict[int, float]
    cap_height: float


def _tables(font: bytes) -> dict[bytes, int]:
    (count,) = struct.unpack_from(">H", font, 4)
    return {
        font[12 + 16 * i : 16 + 16 * i]: struct.unpack_from(">I", font, 20 + 16 * i)[0] for i in range(count)
    }


def _coverage(font: bytes, at: int) -> list[int]:
    fmt, count = struct.unpack_from(">HH", font, at)
    if fmt == 1:
        return list(struct.unpack_from(f">{count}H", font, at + 4))
    glyphs: list[int] = []
    for i in range(count):
        start, end, _ = struct.unpack_from(">HHH", font, at + 4 + 6 * i)
        glyphs.extend(range(start, end + 1))
    return glyphs


def _class_def(font: bytes, at: int) -> dict[int, int]:
    fmt = struct.unpack_from(">H", font, at)[0]
    if fmt == 1:
        start, count = struct.unpack_from(">HH", font, at + 2)
        values = struct.unpack_from(f">{count}H", font, at + 6)
        return {start + i: v for i, v in enumerate(values)}
    (count,) = struct.unpack_from(">H", font, at + 2)
    classes: dict[int, int] = {}
    for i in range(count):
        start, end, value = struct.unpack_from(">HHH", font, at + 4 + 6 * i)
        classes.update(dict.fromkeys(range(start, end + 1), value))
    return classes


def _positive_kerning(font: bytes, gpos: int) -> dict[int, int]:
    """Per first glyph of a pair: the largest advance any pair-positioning rule adds (font units)."""
    most: dict[int, int] = {}

    def advance(vf1: int, vf2: int, at: int) -> int:
        # XAdvance of the first glyph plus that of the second, both charged to the first.
        total = 0
        for vf, offset in ((vf1, at), (vf2, at + 2 * bin(vf1).count("1"))):
            if vf & 4:
                total += struct.unpack_from(">h", font, offset + 2 * bin(vf & 3).count("1"))[0]
        return total

    lookups = gpos + struct.unpack_from(">H", font, gpos + 8)[0]
    for i in range(struct.unpack_from(">H", font, lookups)[0]):
        lookup = lookups + struct.unpack_from(">H", font, lookups + 2 + 2 * i)[0]
        kind, _, subtables = struct.unpack_from(">HHH", font, lookup)
        for j in range(subtables):
            sub = lookup + struct.unpack_from(">H", font, lookup + 6 + 2 * j)[0]
            sub_kind = kind
            if kind == 9:
                _, sub_kind, offset = struct.unpack_from(">HHI", font, sub)
                sub += offset
            if sub_kind != 2:
                continue
            fmt, cov, vf1, vf2 = struct.unpack_from(">HHHH", font, sub)
            size = 2 * (bin(vf1).count("1") + bin(vf2).count("1"))
            firsts = _coverage(font, sub + cov)
            if fmt == 1:
                for k, glyph in enumerate(firsts):
                    pairs = sub + struct.unpack_from(">H", font, sub + 10 + 2 * k)[0]
                    (n,) = struct.unpack_from(">H", font, pairs)
                    best = max((advance(vf1, vf2, pairs + 4 + (2 + size) * m) for m in range(n)), default=0)
                    most[glyph] = max(most.get(glyph, 0), best)
            else:
                cd1, _, n1, n2 = struct.unpack_from(">HHHH", font, sub + 10)
                classes = _class_def(font, sub + cd1)
                best_of_class = [
                    max((advance(vf1, vf2, sub + 18 + size * (c * n2 + m)) for m in range(n2)), default=0)
                    for c in range(n1)
                ]
                for glyph in firsts:
                    most[glyph] = max(most.get(glyph, 0), best_of_class[classes.get(glyph, 0)])
    return most


@cache
def _font_bound(name: str) -> _FontBound:
    font = (importlib.resources.files("font_source_sans_pro") / "files" / name).read_bytes()
    t = _tables(font)
    (units,) = struct.unpack_from(">H", font, t[b"head"] + 18)
    (long_metrics,) = struct.unpack_from(">H", font, t[b"hhea"] + 34)
    advances = tuple(struct.unpack_from(">H", font, t[b"hmtx"] + 4 * i)[0] for i in range(long_metrics))
    (cap,) = struct.unpack_from(">h", font, t[b"OS/2"] + 88)
    kerning = _positive_kerning(font, t[b"GPOS"])
    cmap = t[b"cmap"]
    subtables: dict[tuple[int, int], int] = {}
    for i in range(struct.unpack_from(">H", font, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", font, cmap + 4 + 8 * i)
        subtables[platform, encoding] = cmap + offset
    full = subtables[(3, 10)]  # Windows, full Unicode: format 12
    width: dict[int, float] = {}
    for i in range(struct.unpack_from(">I", font, full + 12)[0]):
        start, end, glyph = struct.unpack_from(">III", font, full + 16 + 12 * i)
        for code in range(start, end + 1):
            g = glyph + code - start
            adv = advances[min(g, long_metrics - 1)]
            width[code] = (adv + max(0, kerning.get(g, 0))) / units
    return _FontBound(width, cap / units)


@cache
def _font_bound_widest() -> _FontBound:
    """Per character the wider of the regular and bold faces (for text that mixes them)."""
    regular = _font_bound("SourceSansPro-Regular.ttf")
    bold = _font_bound("SourceSansPro-Bold.ttf")
    width = {c: max(w, bold.width.get(c, w)) for c, w in regular.width.items() if c in bold.width}
    return _FontBound(width, max(regular.cap_height, bold.cap_height))


def _line_count(text: str, font: _FontBound, width: float, hang: float = 0.0) -> int | None:
    """At most how many lines `text` takes at `width` em (later lines `hang` em narrower); None: unsure."""
    if not text or text != text.strip(" ") or "  " in text:
        return None
    words: list[float] = []
    for word in text.split(" "):
        w = 0.0
        for ch in word:
            if unicodedata.category(ch)[0] in "MCZ" or ord(ch) not in font.width:
                return None  # marks, controls and odd spaces shape or break in ways not bounded here
            w += font.width[ord(ch)]
        words.append(w)
    space = font.width[32]
    lines, used = 1, words[0]
    if used > width:
        return None  # a word wider than the card: typst may break it elsewhere
    for w in words[1:]:
        room = width - (hang if lines > 1 else 0.0)
        if used + space + w <= room:
            used += space + w
            continue
        lines, used = lines + 1, w
        if w > width - hang:
            return None
    return lines


def _surely_fits(
    face: dict[str, Any], which: Literal["front", "back"], size: float, note: bool, w_mm: float, h_mm: float
) -> bool:
    """True when this variant of the face (text size, explanation or not) certainly fits the card."""
    regular = _font_bound("SourceSansPro-Regular.ttf")
    bold = _font_bound("SourceSansPro-Bold.ttf")
    width = (w_mm - 2 * CARD_INSET_MM) * _PT_PER_MM / size  # in em
    height = (h_mm - 2 * CARD_INSET_MM) * _PT_PER_MM / size
    title = f"Card {face['number']}" + (": answer" if which == "back" else "")
    parts: list[tuple[str, _FontBound, float]] = [(title, bold, 0.0)]
    if which == "front":
        parts.append((face["front"], regular, 0.0))
        parts += [(o, regular, CARD_HANG_EM) for o in face["options"]]
    else:
        # a cloze back mixes regular text and bold words: bound every letter by the wider face
        parts.append((face["back"], _font_bound_widest() if face["revealed"] else bold, 0.0))
        if note and face["explanation"]:
            parts.append((face["explanation"], regular, 0.0))
        parts.append((face["back_note"], regular, 0.0))
    lines = 0
    for text, font, hang in parts:
        n = _line_count(text, font, width, hang)
        if n is None:
            return False
        lines += n
    # Each line is a cap height tall; one gap (leading or paragraph spacing) between two lines.
    cap = max(regular.cap_height, bold.cap_height)
    return lines * cap + (lines - 1) * CARD_GAP_EM <= height * 0.995


def _first_sure_variant(
    face: dict[str, Any], which: Literal["front", "back"], large: bool, w_mm: float, h_mm: float
) -> int | None:
    """Index of the first of the template's variants that surely fits (None: typst must measure)."""
    variants = [(size, note) for note in (True, False) for size in CARD_SIZES_PT[large]]
    for i, (size, note) in enumerate(variants):
        if _surely_fits(face, which, size, note, w_mm, h_mm):
            return i
    return None


def _card_faces(number: int, p: Picked) -> dict[str, Any]:
    q = p.question
    front_text = prompt_text(q)
    back = q.back if q.type is QuestionType.FLASHCARD else answer_text(q)
    revealed: list[dict[str, Any]] = []
    if q.type is QuestionType.CLOZE:
        back = cloze_blanked(q.prompt, reveal=True)
        revealed = _revealed_segments(q.prompt)
    return {
        "number": number,
        "front": front_text,
        "options": (
            ["True or false?"]
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


def _revealed_segments(text: str) -> list[dict[str, Any]]:
    """A cloze text as pieces, each marked as a revealed answer or not."""
    segments: list[dict[str, Any]] = []
    pos = 0
    for m in CLOZE_RE.finditer(text):
        if m.start() > pos:
            segments.append({"text": text[pos : m.start()], "answer": False})
        segments.append({"text": m.group(2), "answer": True})
        pos = m.end()
    if pos < len(text):
        segments.append({"text": text[pos:], "answer": False})
    return segments


def cards_data(banks: Sequence[Bank], options: PrintOptions, fold: bool = False) -> dict[str, Any]:
    """Everything the flashcard template prints, as JSON-ready data."""
    picked = pick_questions(banks, options)
    data = _common(picked, options, "fold" if fold else "cards")
    cards = [_card_faces(n, p) for n, p in enumerate(picked, start=1)]
    data["cards"] = {str(c["number"]): c for c in cards}
    _, _, card_w, card_h = card_grid(options.paper, options.large_print)
    for c in cards:
        c["sure"] = {
            face: _first_sure_variant(c, face, options.large_print, card_w, card_h)
            for face in ("front", "back")
        }
    data["card_sizes"] = CARD_SIZES_PT[options.large_print]
    data["card_inset"] = CARD_INSET_MM
    data["card_gap"] = CARD_GAP_EM
    data["card_hang"] = CARD_HANG_EM
    data["pages"] = [
        {
            "face": page.face,
            "boxes": [
                {
                    "number": b.number,
                    "face": b.face,
                    "x": b.x,
                    "y": b.y,
                    "w": b.width,
                    "h": b.height,
                }
                for b in page.boxes
            ],
        }
        for page in card_layout(len(cards), options.paper, options.large_print, fold, options.back_offset_mm)
    ]
    data["side_margin"] = SIDE_MARGIN_MM
    return data


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


def _compile(template: str, data: dict[str, Any], options: PrintOptions, what: str) -> bytes:
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


def render_quiz(banks: Sequence[Bank], options: PrintOptions) -> bytes:
    """The quiz as PDF: header, about block, numbered questions, footer on every page."""
    return _compile("quiz.typ", quiz_data(banks, options), options, "quiz")


def render_answer_key(banks: Sequence[Bank], options: PrintOptions) -> bytes:
    """The answer key for the same options as `render_quiz`, as a separate PDF."""
    return _compile("key.typ", key_data(banks, options), options, "answer key")


def render_flashcards(banks: Sequence[Bank], options: PrintOptions, fold: bool = False) -> bytes:
    """Cut-out flashcards as PDF: duplex pages (fronts, mirrored backs) or fold-over pages."""
    return _compile("cards.typ", cards_data(banks, options, fold), options, "flashcards")


def overfull_cards(banks: Sequence[Bank], options: PrintOptions, fold: bool = False) -> list[int]:
    """Numbers of the cards whose text does not fit even at the smallest allowed size."""
    source = _template("common.typ") + "\n" + _template("cards.typ")
    try:
        found = typst.query(
            source.encode("utf-8"),
            "<card-overflow>",
            field="value",
            font_paths=_fonts(),
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(cards_data(banks, options, fold), ensure_ascii=False)},
        )
    except typst.TypstError as e:
        raise BuildError(f"could not lay out the flashcards: {e.message}") from e
    return sorted({int(n) for n in json.loads(found)})


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body { font-family: "Source Sans Pro", "Source Sans 3", Arial, sans-serif; font-size: %(size)s;
  line-height: 1.5; color: #000; background: #fff; max-width: 46em; margin: 2em auto;
  padding: 0 1em; text-align: left; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; }
.about { border: 2px solid #000; padding: 0.5em 1em; }
.meta { font-size: 1em; }
ol.questions > li, ol.key > li { margin: 1.2em 0; break-inside: avoid; page-break-inside: avoid; }
.options { list-style: none; padding-left: 0.5em; }
.box { display: inline-block; width: 0.8em; height: 0.8em; border: 2px solid #000;
  margin-right: 0.5em; vertical-align: -0.05em; }
.blank { display: inline-block; min-width: 6em; border-bottom: 2px solid #000; }
.line { border-bottom: 1px solid #000; height: 2em; }
.tf b { margin-right: 3em; }
header { border-bottom: 1px solid #000; margin-bottom: 1em; }
/* Printing: the browser's page, not the screen's column. The credit and disclaimer sit at the top
   (browsers do not reliably keep a closing footer with the last question, and a footer moved on
   alone makes a page holding nothing but the disclaimer). */
@media print {
  @page { margin: 12mm 14mm; }
  body { max-width: none; margin: 0; padding: 0; }
  a { color: #000; }
  .about, section { break-inside: avoid; page-break-inside: avoid; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }
}
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_page(title: str, large: bool, header: list[str], main: list[str]) -> str:
    """One page: everything inside a landmark (header, main), as screen readers expect."""
    css = _CSS % {"size": "18pt" if large else "12pt"}
    body = ["<header>", *header, "</header>", "<main>", *main, "</main>"]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(title)}</title>",
            f"<style>{css}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _html_header(data: dict[str, Any], heading: str) -> list[str]:
    out = [f"<h1>{_esc(heading)}</h1>"]
    if data["subtitle"]:
        out.append(f'<p class="meta"><strong>{_esc(data["subtitle"])}</strong></p>')
    if data["form"]:
        out.append(f'<p class="meta"><strong>Form {_esc(data["form"])}</strong></p>')
    return out


def _html_credit(data: dict[str, Any]) -> list[str]:
    """The credit and the disclaimer, under the title: read first, and printed on the first page."""
    return [
        f'<p class="credit">{_esc(data["credit"])}</p>',
        f"<p><strong>{_esc(data['disclaimer'])}</strong></p>",
    ]


def _html_evidence(ev: dict[str, Any]) -> str:
    """`<b>The article says:</b> “...”`, or `From Title, Publisher <b>(not from the article)</b>: URL`."""
    parts = [f"<strong>{_esc(ev['label'])}</strong>"] if ev["label"] else []
    parts.append(_esc(ev["text"]))
    if ev["marker"]:
        parts.append(f"<strong>{_esc(ev['marker'])}</strong>")
    line = " ".join(parts)
    if ev["url"]:
        line += f': <a href="{_esc(ev["url"])}">{_esc(ev["url"])}</a>'
    return f'<p class="evidence">{line}</p>'


def _html_safety_notes(data: dict[str, Any]) -> list[str]:
    """The safety notes under their own heading, each with its reference (not from the article)."""
    safety = data["safety"]
    if not safety["notes"]:
        return []
    out = [f'<section class="safety"><h2>{_esc(safety["heading"])}</h2>', "<ul>"]
    for n in safety["notes"]:
        link = f'<a href="{_esc(n["url"])}">{_esc(n["url"])}</a>'
        out.append(f'<li><p>{_esc(n["text"])}</p><p class="meta">{_esc(n["source"])} {link}</p></li>')
    out += ["</ul>", "</section>"]
    return out


def _html_main_points(data: dict[str, Any]) -> list[str]:
    """The banks' main points, for after the questions (before them they would give answers away)."""
    out: list[str] = []
    for about in data["about"]:
        if about["summary"]:
            out.append('<section class="main-points">')
            out.append("<h2>The main points</h2>")
            if len(data["about"]) > 1:
                out.append(f"<p><strong>{_esc(about['article'])}</strong></p>")
            out.append("<ul>")
            out.extend(f"<li>{_esc(s)}</li>" for s in about["summary"])
            out.append("</ul>")
            out.append("</section>")
    return out


def _html_question(q: dict[str, Any]) -> str:
    parts = ["<li>"]
    if q["type"] == "cloze":
        pieces = []
        for s in q["segments"]:
            if "text" in s:
                pieces.append(_esc(s["text"]))
            else:
                label = f"({s['blank']}) " if s["blank"] else ""
                hint = f" ({_esc(s['hint'])})" if s["hint"] else ""
                pieces.append(f'{label}<span class="blank"></span>{hint}')
        parts.append(f"<p>{''.join(pieces)}</p>")
    else:
        parts.append(f"<p>{_esc(q['prompt'])}</p>")
    if q["instruction"]:
        parts.append(f"<p><em>{_esc(q['instruction'])}</em></p>")
    if q["options"]:
        parts.append('<ul class="options">')
        parts.extend(
            f'<li><span class="box"></span><strong>{o["label"]}.</strong> {_esc(o["text"])}</li>'
            for o in q["options"]
        )
        parts.append("</ul>")
    if q["type"] == "true_false":
        parts.append('<p class="tf">Circle one: <b>True</b> <b>False</b></p>')
    parts.extend('<div class="line"></div>' for _ in range(q["lines"]))
    parts.append("</li>")
    return "\n".join(parts)


def render_handout_html(banks: Sequence[Bank], options: PrintOptions) -> str:
    """The quiz as one self-contained HTML page (same content and order as the PDF)."""
    data = quiz_data(banks, options)
    header = _html_header(data, data["title"]) + _html_credit(data)
    body = ['<p class="meta">Name: ____________________ Date: ____________</p>']
    body.append('<section class="about">')
    body.append("<h2>About this quiz</h2>")
    for about in data["about"]:
        source = _esc(about["article"])
        if about["url"]:
            source += f' (<a href="{_esc(about["url"])}">{_esc(about["url"])}</a>)'
        body.append(f"<p>These questions come from the article {source}.</p>")
    body.append("</section>")
    body.append(f"<p>{_esc(data['instructions'])}</p>")
    body.append('<ol class="questions">')
    body.extend(_html_question(q) for q in data["questions"])
    body.append("</ol>")
    body.extend(_html_main_points(data))
    body.extend(_html_safety_notes(data))
    return _html_page(data["title"], options.large_print, header, body)


def render_answer_key_html(banks: Sequence[Bank], options: PrintOptions) -> str:
    """The answer key as one self-contained HTML page."""
    data = key_data(banks, options)
    header = _html_header(data, f"Answer key: {data['title']}") + _html_credit(data)
    body = ['<ol class="key">']
    for e in data["entries"]:
        body.append("<li>")
        body.append(f"<p>{_esc(e['prompt'])}</p>")
        body.append(f"<p><strong>Answer:</strong> {_esc(e['answer'])}</p>")
        if e["also"]:
            body.append(f"<p>{_esc(e['also'])}</p>")
        body.append(f"<p><strong>Why:</strong> {_esc(e['explanation'])}</p>")
        body.append(f"<p><strong>Section:</strong> {_esc(e['section'])}</p>")
        body.extend(_html_evidence(ev) for ev in e["evidence"])
        body.append("</li>")
    body.append("</ol>")
    body.extend(_html_main_points(data))
    body.extend(_html_safety_notes(data))
    return _html_page(f"Answer key: {data['title']}", options.large_print, header, body)
