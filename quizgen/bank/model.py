"""The validated bank model: frozen dataclasses, no I/O.

Everything an exporter needs is here; nothing here imports click, yaml, genanki or typst.
"""

from __future__ import annotations

import re
from dataclasses import field
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from quizgen.bank.frozen import frozen


class QuestionType(StrEnum):
    """The six kinds of question a bank may hold."""

    MULTIPLE_CHOICE = "multiple_choice"
    MULTIPLE_SELECT = "multiple_select"
    TRUE_FALSE = "true_false"
    CLOZE = "cloze"
    SHORT_ANSWER = "short_answer"
    FLASHCARD = "flashcard"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


@frozen(order=True)
class Location:
    """Where something was written: 1-based line and column."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


#: Paper sizes a bank, quizgen.toml or --paper may name.
PAPERS = ("letter", "a4")

# Options are lettered A to Z on paper, on cards and in the terminal (the loader allows 26).
OPTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def option_letter(index: int) -> str:
    """The letter of option `index`: 0 -> "A"."""
    return OPTION_LETTERS[index]


@frozen
class Section:
    """A section of the article, by its id and title."""

    id: str
    title: str


@frozen
class Article:
    """The article: `text_path` is where its plain text is kept (relative to bank.yaml), `sha256`
    the digest of that text when its quotes were last checked."""

    title: str
    sections: tuple[Section, ...]
    url: str | None = None
    text_path: str | None = None
    sha256: str | None = None

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


@frozen
class Reference:
    """A named public source beyond the article (prescribing information, MedlinePlus, ...)."""

    id: str
    title: str
    publisher: str
    url: str


@frozen
class SafetyNote:
    """A short correction or warning from a named reference, shown after the questions."""

    text: str
    reference: str


@frozen
class Fact:
    """One checkable claim, paraphrased: from an article `section`, or (to correct or complete the
    article) from a named `reference` instead. `omitted` holds the reason it is not taught."""

    id: str
    section: str | None
    text: str
    omitted: str | None = None
    reference: str | None = None


@frozen
class Source:
    """Where a question comes from: an article section and the facts it tests."""

    section: str
    facts: tuple[str, ...]


# {{c1::answer}} or {{c1::answer::hint}}
CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


@frozen
class ClozeDeletion:
    """One {{cN::answer::hint}} of a cloze text."""

    number: int
    answer: str
    hint: str | None


def cloze_deletions(text: str) -> tuple[ClozeDeletion, ...]:
    """The deletions of a cloze text, in the order they appear."""
    return tuple(ClozeDeletion(int(m.group(1)), m.group(2), m.group(3)) for m in CLOZE_RE.finditer(text))


def cloze_numbers(text: str) -> tuple[int, ...]:
    """The distinct deletion numbers, sorted: Anki makes one card per number."""
    return tuple(sorted({d.number for d in cloze_deletions(text)}))


def cloze_blanked(text: str, reveal: bool = False) -> str:
    """Plain text with deletions shown as [...] (or [hint]); `reveal` shows the answers instead."""
    if "{{" not in text:  # no deletion (the loader checks every prompt's explanation with this)
        return text

    def repl(m: re.Match[str]) -> str:
        answer, hint = m.group(2), m.group(3)
        if reveal:
            return answer
        return f"[{hint}]" if hint else "[...]"

    return CLOZE_RE.sub(repl, text)


@frozen(fill_dict=True)  # made by the tens of thousands: see `frozen`
class Question:
    """One question. Which answer fields are set depends on `type`.

    - multiple_choice: `options`, `correct` (one index into options)
    - multiple_select: `options`, `correct` (one or more indices)
    - true_false: `truth`
    - cloze: `prompt` holds the text with {{cN::...}} deletions
    - short_answer: `accepted` (first one is the canonical answer)
    - flashcard: `prompt` is the front, `back` the back
    """

    id: str
    type: QuestionType
    prompt: str
    explanation: str
    source: Source
    tags: tuple[str, ...] = ()
    difficulty: Difficulty | None = None
    options: tuple[str, ...] = ()
    correct: tuple[int, ...] = ()
    truth: bool | None = None
    accepted: tuple[str, ...] = ()
    back: str | None = None
    hint: str | None = None
    evidence: tuple[str, ...] = ()  # short quotes from the article that support the answer
    keep_order: bool = False  # options have a natural order: never shuffled
    related: tuple[str, ...] = ()  # ids of questions the author marks as related (spaced apart)
    translated_from: str | None = None  # in a translation: the fingerprint of the original question
    location: Location = field(default=Location("<memory>"), compare=False)

    @property
    def correct_options(self) -> tuple[str, ...]:
        return tuple(self.options[i] for i in self.correct)

    @property
    def deletions(self) -> tuple[ClozeDeletion, ...]:
        return cloze_deletions(self.prompt) if self.type is QuestionType.CLOZE else ()

    def answer_text(self, true_false: tuple[str, str] = ("True", "False")) -> str:
        """The right answer as one line of plain text, for keys and feedback (`true_false`: the
        words for true and false in the output's language)."""
        t = self.type
        if t is QuestionType.MULTIPLE_CHOICE or t is QuestionType.MULTIPLE_SELECT:
            return "; ".join(self.correct_options)
        if t is QuestionType.TRUE_FALSE:
            return true_false[0] if self.truth else true_false[1]
        if t is QuestionType.SHORT_ANSWER:
            return self.accepted[0]
        if t is QuestionType.CLOZE:
            return "; ".join(d.answer for d in self.deletions)
        return self.back or ""

    def card_count(self) -> int:
        """How many Anki cards this question makes."""
        if self.type is QuestionType.CLOZE:
            return len(cloze_numbers(self.prompt))
        return 1


@frozen
class Reviewer:
    """Who reviewed a translation: a person qualified in health communication, fluent in its language."""

    name: str
    qualification: str
    date: str  # YYYY-MM-DD


@frozen
class Translation:
    """How a translated bank was made (`method`, free text) and who reviewed it, if anyone yet.

    `sites` holds where the bank's translatable parts were written ("translates", "fact:<id>",
    "section:<id>", "reference:<id>", "safety_notes", "summary"), for located parity messages."""

    method: str
    reviewed_by: Reviewer | None = None
    sites: dict[str, Location] = field(default_factory=dict, compare=False, hash=False)


#: The language of a bank that names none (BCP 47).
DEFAULT_LANGUAGE = "en"


@frozen
class Bank:
    """A validated bank: metadata, facts inventory and questions (in file order)."""

    id: str
    title: str
    deck: str
    credit: str
    disclaimer: str
    article: Article
    facts: tuple[Fact, ...]
    questions: tuple[Question, ...]
    summary: tuple[str, ...] = ()
    paper: str | None = None  # "letter" or "a4": the bank's default paper for printing
    references: tuple[Reference, ...] = ()
    safety_notes: tuple[SafetyNote, ...] = ()
    meeting_quiz_count: int | None = None  # questions in the short quiz for one meeting
    publish_url: str | None = None  # where the quiz's web page is published (printed with a QR code)
    language: str = DEFAULT_LANGUAGE  # BCP 47: the language of the bank's text and of its outputs
    translates: str | None = None  # in a translation: the id of the original bank
    translation: Translation | None = None  # in a translation: how it was made, who reviewed it
    root: Path | None = field(default=None, compare=False)
    files: tuple[str, ...] = field(default=(), compare=False)

    @property
    def family_id(self) -> str:
        """The original bank's id for a translation, else the bank's own: options are shuffled
        from it, so every edition of a bank shows each question's options in the same order."""
        return self.translates or self.id

    @property
    def unreviewed_translation(self) -> bool:
        """A translation no qualified reviewer has checked yet: its outputs say so."""
        return self.translation is not None and self.translation.reviewed_by is None

    def note_key(self, question: Question) -> str:
        """A question's key among the notes of every bank built together: its id, or for a
        translation (whose questions keep their original's ids) `<bank id>:<question id>`."""
        return question.id if self.translates is None else f"{self.id}:{question.id}"

    def questions_in(self, section_id: str) -> tuple[Question, ...]:
        """The questions that come from one article section, in bank order."""
        return tuple(q for q in self.questions if q.source.section == section_id)

    def card_count(self) -> int:
        """How many Anki cards the bank's questions make."""
        return sum(q.card_count() for q in self.questions)

    @cached_property
    def _facts_by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}

    def fact(self, fact_id: str) -> Fact:
        return self._facts_by_id[fact_id]

    def reference(self, reference_id: str) -> Reference:
        for r in self.references:
            if r.id == reference_id:
                return r
        raise KeyError(reference_id)

    def references_of(self, question: Question) -> tuple[Reference, ...]:
        """The references the question's facts come from, in the order it cites them."""
        if not self.references:  # every fact is from the article
            return ()
        ids = [self.fact(f).reference for f in question.source.facts]
        return tuple(self.reference(i) for i in dict.fromkeys(i for i in ids if i is not None))

    def section_title(self, section_id: str) -> str:
        return self.article.section(section_id).title

    def source_line(self, question: Question, template: str = 'From "{article}", section "{section}"') -> str:
        """`From "Title", section "Section"` for a question's source (`template`: its translation)."""
        section = self.section_title(question.source.section)
        return template.format(article=self.article.title, section=section)
