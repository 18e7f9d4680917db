"""Evidence for questions: quotes found in the article text, and facts from named references.

Pure functions over text and the model (no I/O): the loader reads the article file and reports
the problems found here at their quotes; the reports and the renderers show the evidence.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from quizgen.bank.frozen import frozen
from quizgen.bank.model import Bank, Question, Reference, Section
from quizgen.i18n import N_, Translate, translator

QUOTE_MAX_WORDS = 30

# What a learner reads beside the evidence (one place, so a translation is one table).
# Marked for the catalog here; translated where they are shown (`translator(bank.language)`).
ARTICLE_SAYS = N_("The article says:")
# A translation's quotes are the translator's renderings of the original article, not its words.
TRANSLATED_ARTICLE_SAYS = N_("Translation of what the original article says:")
QUOTE_LABELS = (ARTICLE_SAYS, TRANSLATED_ARTICLE_SAYS)  # every label a quote can have (English)
NOT_FROM_ARTICLE = N_("not from the article")
SAFETY_NOTES_HEADING = N_("Safety notes (not from the article)")

_QUOTES = "'" * 8 + '"' * 8
_MARKS = str.maketrans(
    "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc" + "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u02ee",
    _QUOTES,
)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63", "-"))
_SPACED_DASH = r"\s*-\s*"
# a sentence ends after . ! or ?, and after up to two closing marks that follow it ("works." or
# "(on the skin.)"); the marks stay with their sentence, so a quote that ends with them is found
_CLOSE = "[\"')\\]\u201d\u2019]"
_SENTENCE_END = rf"(?:(?<=[.!?])|(?<=[.!?]{_CLOSE})|(?<=[.!?]{_CLOSE}{_CLOSE}))\s+"


@functools.cache
def _re(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled on first use: most commands (`quizgen anki`) never check a quote."""
    return re.compile(pattern)


def normalise_quote(text: str) -> str:
    """Text as quotes are compared: one space for any whitespace, straight quote marks, `-` for
    every dash (spaces around a dash ignored), `...` for an ellipsis, and no case."""
    text = unicodedata.normalize("NFKC", text).translate(_MARKS).translate(_DASHES)
    text = _re(_SPACED_DASH).sub("-", " ".join(text.split()))
    return text.casefold()


def word_count(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------- the article text


@frozen
class SectionText:
    """One article section as found in the text: its span of `ArticleText.text` and sentences."""

    id: str | None  # None: text before the first section
    title: str
    found: bool  # its title is a line of the text (the first section may start at the top instead)
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    sentence_texts: tuple[str, ...] = ()  # as written (spaces collapsed), for messages


@frozen
class ArticleText:
    """The article's text normalised for quoting, cut into its sections by their title lines."""

    text: str
    sections: tuple[SectionText, ...]

    def section(self, section_id: str) -> SectionText | None:
        for s in self.sections:
            if s.id == section_id:
                return s
        return None

    def find(self, quote: str) -> list[tuple[int, int]]:
        """Every place the quote occurs (after normalising), as (start, end) spans of `text`."""
        q = normalise_quote(quote)
        if not q:
            return []
        pattern = re.escape(q)
        if q[0].isalnum():
            pattern = r"(?<!\w)" + pattern
        if q[-1].isalnum():
            pattern += r"(?!\w)"
        return [(m.start(), m.end()) for m in re.finditer(pattern, self.text)]

    def section_at(self, position: int) -> SectionText | None:
        for s in self.sections:
            if s.start <= position < s.end:
                return s
        return None

    def nearest_sentence(self, quote: str, section_id: str | None = None) -> str | None:
        """The sentence most like a quote that is not found (None when none is close)."""
        import difflib  # only for a quote that is not found

        q = normalise_quote(quote)
        pool = [s for s in self.sections if section_id is None or s.id == section_id] or list(self.sections)
        best, best_ratio = None, 0.6
        for s in pool:
            for (start, end), written in zip(s.sentences, s.sentence_texts, strict=True):
                sentence = self.text[start:end]
                matcher = difflib.SequenceMatcher(None, q, sentence, autojunk=False)
                if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
                    continue
                ratio = matcher.ratio()
                if ratio > best_ratio:
                    best, best_ratio = written, ratio
        return best


def _split_sentences(line: str) -> list[str]:
    return [s for s in _re(_SENTENCE_END).split(line) if s.strip()]


def read_article_text(raw: str, sections: Sequence[Section], title: str | None = None) -> ArticleText:
    """Cut the article's plain text into its sections: each starts at the first line (after the
    previous section's) that reads as its title. Text before the first title found belongs to the
    first section when its own title is not found (articles seldom head their introduction). A line
    that reads as the article's `title` is its heading, not a sentence."""
    lines = raw.splitlines()
    if title is not None:
        heading = normalise_quote(title)
        lines = ["" if normalise_quote(line) == heading else line for line in lines]
    titles = [normalise_quote(s.title) for s in sections]
    heads: list[tuple[int, int]] = []  # (line index, section index)
    next_line = 0
    for si, title in enumerate(titles):
        for li in range(next_line, len(lines)):
            if normalise_quote(lines[li]) == title:
                heads.append((li, si))
                next_line = li + 1
                break
    found = {si for _, si in heads}
    segments: list[tuple[int | None, int, int]] = []  # (section index, first line, end line)
    first_head = heads[0][0] if heads else len(lines)
    preamble_owner = 0 if sections and 0 not in found else None
    segments.append((preamble_owner, 0, first_head))
    for i, (li, si) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(lines)
        segments.append((si, li + 1, end))
    text = ""
    out: list[SectionText] = []
    for owner, first, end in segments:
        if text:
            text += "\n"  # no quote spans two sections
        start = len(text)
        spans: list[tuple[int, int]] = []
        written: list[str] = []
        for line in lines[first:end]:
            for sentence in _split_sentences(line):
                n = normalise_quote(sentence)
                if not n:
                    continue
                if len(text) > start:
                    text += " "
                spans.append((len(text), len(text) + len(n)))
                written.append(" ".join(sentence.split()))
                text += n
        section = sections[owner] if owner is not None else None
        out.append(
            SectionText(
                id=section.id if section else None,
                title=section.title if section else "",
                found=owner in found,
                start=start,
                end=len(text),
                sentences=tuple(spans),
                sentence_texts=tuple(written),
            )
        )
    # sections whose title is not in the text: known, but nothing can be placed in them
    for si, section in enumerate(sections):
        if si not in found and si != preamble_owner:
            out.append(SectionText(section.id, section.title, False, len(text), len(text), ()))
    return ArticleText(text, tuple(out))


# --------------------------------------------------------------------------- checking quotes


@frozen
class QuoteCheck:
    """Where one quote stands: `found` anywhere in the text, and the sections it was found in."""

    quote: str
    found: bool
    in_cited_section: bool
    found_in: tuple[SectionText, ...]


def check_quote(article: ArticleText, quote: str, cited_section: str) -> QuoteCheck:
    spans = article.find(quote)
    found_in: list[SectionText] = []
    for start, _ in spans:
        s = article.section_at(start)
        if s is not None and s not in found_in:
            found_in.append(s)
    cited = article.section(cited_section)
    # a section whose title is not in the text holds nothing: only presence can be checked
    placeable = cited is not None and cited.end > cited.start
    in_cited = any(s.id == cited_section for s in found_in) or (bool(spans) and not placeable)
    return QuoteCheck(quote, bool(spans), in_cited, tuple(found_in))


def short_quote(text: str, words: int = 12) -> str:
    """The first words of a quote, for messages."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


# --------------------------------------------------------------------------- coverage


@frozen
class SectionEvidence:
    section: Section
    sentences: int
    quoted: int
    questions_with_evidence: int


# A piece of a web page's text that ends without a full stop and has few words is a heading, a
# menu or a link ("Comments (0)", "Leave a Reply"), not a sentence of the article.
_PROSE_END = r"[.!?][\"')\]\u201d\u2019]*$"
PROSE_MIN_WORDS = 8


def is_sentence(text: str) -> bool:
    """Whether a piece of the article counts as a sentence for coverage: it ends with a full stop
    (or ! or ?), or has 8 words or more, and is not a teaser cut off with "..."."""
    if text.endswith(("...", "\u2026")):
        return False
    return bool(_re(_PROSE_END).search(text)) or word_count(text) >= PROSE_MIN_WORDS


def section_evidence(bank: Bank, article: ArticleText) -> list[SectionEvidence]:
    """Per article section: its sentences, how many some question's quote covers, and how many of
    its questions carry evidence. Headings and menu lines are not counted as sentences."""
    covered: set[tuple[int, int]] = set()
    for q in bank.questions:
        for quote in q.evidence:
            for start, end in article.find(quote):
                for s in article.sections:
                    for sentence in s.sentences:
                        if start < sentence[1] and sentence[0] < end:
                            covered.add(sentence)
    rows = []
    for section in bank.article.sections:
        found = article.section(section.id)
        sentences = (
            [
                span
                for span, text in zip(found.sentences, found.sentence_texts, strict=True)
                if is_sentence(text)
            ]
            if found
            else []
        )
        rows.append(
            SectionEvidence(
                section,
                len(sentences),
                sum(1 for s in sentences if s in covered),
                sum(1 for q in bank.questions_in(section.id) if q.evidence),
            )
        )
    return rows


# --------------------------------------------------------------------------- showing evidence


@frozen
class EvidenceLine:
    """One line of evidence as outputs show it: a quote from the article, or a named reference.

    Shown as `label text marker: url`, the label and the marker in bold where the format has bold:
    `The article says: “...”`, or `From <title>, <publisher> (not from the article): <url>`.
    """

    label: str  # `quote_label(bank)` for a quote, "" for a reference
    text: str  # the quoted words in quote marks, or `From <title>, <publisher>`
    marker: str = ""  # "(not from the article)" for a reference
    reference: Reference | None = None

    @property
    def url(self) -> str | None:
        return self.reference.url if self.reference else None

    @property
    def plain(self) -> str:
        """The line as plain text (terminal, tests)."""
        line = " ".join(part for part in (self.label, self.text, self.marker) if part)
        return f"{line}: {self.url}" if self.url else line


_OF_TITLE = r"\b([Dd]e) \{title\}"


def from_reference(reference: Reference, _: Translate) -> tuple[str, str]:
    """The translated `From {title}, {publisher}` (publisher filled in) and the title to put in it.

    A Spanish title written with its article ("el resumen de la EMA ...") joins a preceding "de"
    as Spanish does ("Del resumen ...", never "De el resumen ..."); a capital "El" is part of a
    name and stays."""
    template = _("From {title}, {publisher}")
    title = reference.title
    if title.startswith("el ") and _re(_OF_TITLE).search(template):
        template, title = _re(_OF_TITLE).sub(r"\1l {title}", template), title[len("el ") :]
    return template.replace("{publisher}", reference.publisher), title


def reference_line(reference: Reference, language: str = "en") -> EvidenceLine:
    """`From <title>, <publisher> (not from the article)`, with the reference's URL."""
    _ = translator(language).gettext
    template, title = from_reference(reference, _)
    return EvidenceLine(
        "",
        template.replace("{title}", title),
        f"({_(NOT_FROM_ARTICLE)})",
        reference,
    )


def quote_label(bank: Bank, language: str | None = None) -> str:
    """What every output shows before a quote from the article, in `language` (the bank's unless
    given): "The article says:", or in a translation, whose quotes are renderings of the original
    article's words, "Translation of what the original article says:"."""
    _ = translator(language or bank.language).gettext
    return _(TRANSLATED_ARTICLE_SAYS if bank.translates is not None else ARTICLE_SAYS)


def evidence_lines(bank: Bank, question: Question) -> list[EvidenceLine]:
    """The question's first quote, then each reference its facts come from (in the bank's language)."""
    if not question.evidence and not bank.references:  # nothing to show (most questions of most banks)
        return []
    lines: list[EvidenceLine] = []
    if question.evidence:
        lines.append(EvidenceLine(quote_label(bank), f"\u201c{question.evidence[0]}\u201d"))
    lines.extend(reference_line(r, bank.language) for r in bank.references_of(question))
    return lines
