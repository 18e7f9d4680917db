"""The shape of the print data: what `printing` hands to the typst templates (as JSON) and to the
HTML handout. Types only, no code; a key added here is a key the templates may read."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class OptionData(TypedDict):
    label: str  # "A"
    text: str


class ClozeSegment(TypedDict, total=False):
    """A piece of cloze text: literal `text`, or a blank (`blank`: its number when there are
    several, else None; `hint`: the deletion's hint or None)."""

    text: str
    blank: int | None
    hint: str | None


class QuestionData(TypedDict):
    number: int
    type: str  # a QuestionType value
    prompt: str
    instruction: str | None
    options: list[OptionData]
    lines: int  # answer lines to write on
    segments: list[ClozeSegment]


class EvidenceData(TypedDict):
    label: str
    text: str
    marker: str
    url: str | None


class KeyEntry(TypedDict):
    number: int
    prompt: str
    answer: str
    also: str | None
    explanation: str
    section: str
    evidence: list[EvidenceData]


class AboutData(TypedDict):
    article: str
    url: str | None
    summary: list[str]
    publish_url: str | None  # where the web page is published
    qr: str | None  # its QR code, an SVG document


class SafetyNoteData(TypedDict):
    text: str
    source: str
    url: str


class SafetyData(TypedDict):
    heading: str
    notes: list[SafetyNoteData]


class CommonData(TypedDict):
    """What every printed document carries: title, credit, disclaimer, about, safety notes."""

    kind: str  # "quiz", "key", "cards" or "fold"
    lang: str  # the document's language (typst hyphenation and quotes), e.g. "es"
    labels: dict[str, str]  # every fixed word the templates print, in that language
    notice: str | None  # an unreviewed translation says so on every output
    title: str
    subtitle: str | None
    form: str | None
    paper: str  # typst's paper name
    large: bool
    credit: str
    disclaimer: str
    short_disclaimer: str
    about: list[AboutData]
    safety: SafetyData


class QuizData(CommonData):
    instructions: str
    questions: list[QuestionData]
    check_fit: list[int]  # numbers of the questions long enough that they may not fit a page


class KeyData(CommonData):
    entries: list[KeyEntry]
    check_fit: list[int]


class RevealedSegment(TypedDict):
    text: str
    answer: bool  # a revealed cloze answer (bold, underlined)


class CardFace(TypedDict):
    number: int
    titles: dict[str, str]  # the heading of each face ("Card 3", "Card 3: answer")
    front: str
    options: list[str]
    back: str
    explanation: str
    back_note: str
    revealed: list[RevealedSegment]
    # per face, the first variant the font-metric proof says surely fits (None: typst measures)
    sure: NotRequired[dict[str, int | None]]


class CardBoxData(TypedDict):
    number: int
    face: Literal["front", "back"]
    x: float
    y: float
    w: float
    h: float


class CardPageData(TypedDict):
    face: Literal["front", "back", "fold"]
    boxes: list[CardBoxData]


class SheetTextData(TypedDict):
    """The text around the cards (mm and pt): its size, and the room the grid left for it."""

    size: float  # text size of the footer and the opening note, in pt
    gap: float  # their leading and paragraph spacing, in em
    drop: float  # the footer's last baseline, above the paper's edge
    footer_height: float  # the most a footer may measure
    opening_y: float  # top of the opening note (credit, disclaimer) on the first sheet
    opening_height: float  # the most the opening note may measure


class CardsData(CommonData):
    cards: dict[str, CardFace]
    card_sizes: tuple[float, ...]
    card_inset: float
    card_gap: float
    card_hang: float
    pages: list[CardPageData]
    side_margin: float
    sheet_text: SheetTextData
