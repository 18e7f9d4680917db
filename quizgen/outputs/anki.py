"""Anki decks: one deck per bank, one subdeck per article section, built with genanki.

Stability rules a learner's review history depends on (see docs/notes on Anki):
- model ids, field ids and template ids are constants; field and template names and their order
  never change (Anki treats a changed field list as a different note type and reports conflicts);
- deck ids are derived from the bank id and section id, note GUIDs from the bank id and question id,
  so rewording a question updates its note in place;
- every note carries the build `timestamp` as its modification time, and Anki's importer updates a
  note only when that time is newer: the caller moves the timestamp forward when a bank changes.

All text from banks is plain text and is HTML-escaped here. The output is byte-identical for the
same banks and timestamp: the database's header is as an in-memory database serializes it, and
the zip entries carry a fixed date.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import itertools
import json
import os
import re
import sqlite3
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple

from quizgen.bank.evidence import NOT_FROM_ARTICLE, SAFETY_NOTES_HEADING, evidence_lines, from_reference
from quizgen.bank.frozen import frozen
from quizgen.bank.model import CLOZE_RE, Bank, Difficulty, Question, QuestionType, Reference, option_letter
from quizgen.errors import BuildError
from quizgen.i18n import SOURCE_LANGUAGE, Translate, base_language, translator, unreviewed_notice
from quizgen.outputs.ziparchive import deflate_member, zip_archive
from quizgen.study.selection import in_option_order

if TYPE_CHECKING:
    import genanki


def _import_genanki() -> None:
    """Import genanki (where a deck is made, not with this module) without asyncio or PyYAML.

    genanki takes `cached_property` from the cached-property package, which imports asyncio (about
    70 ms, a sixth of making a 2,000-card deck) only to support coroutine methods; genanki has
    none, so the standard library's functools.cached_property (the same caching for a plain
    method) stands in for that package while genanki is imported, and is taken away again. So does
    a module importing PyYAML on first use for `yaml` (see _YamlOnFirstUse).
    """
    if "genanki" not in sys.modules and "cached_property" not in sys.modules:
        stand_in = ModuleType("cached_property")
        stand_in.__dict__["cached_property"] = functools.cached_property
        sys.modules["cached_property"] = stand_in
        yaml_stand_in = None if "yaml" in sys.modules else _YamlOnFirstUse("yaml")
        if yaml_stand_in is not None:
            sys.modules["yaml"] = yaml_stand_in
        try:
            import genanki  # noqa: F401  (imported here, with the stand-ins in place)
        finally:
            if sys.modules.get("cached_property") is stand_in:
                del sys.modules["cached_property"]
            if yaml_stand_in is not None and sys.modules.get("yaml") is yaml_stand_in:
                del sys.modules["yaml"]


class _YamlOnFirstUse(ModuleType):
    """Stands in for `yaml` while genanki is imported: genanki.model imports PyYAML (about 14 ms) but
    uses it only for note types given as YAML text, never quizgen's; the real module is imported
    the first time genanki asks it for anything."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get("yaml") is self:  # asked while genanki is still being imported
            del sys.modules["yaml"]
        import yaml  # the real one

        return getattr(yaml, name)


# Fixed ids: never change them, or every learner's import creates a second copy of each note type.
CHOICE_MODEL_ID = 1_733_104_001
TRUE_FALSE_MODEL_ID = 1_733_104_002
CLOZE_MODEL_ID = 1_733_104_003
SHORT_ANSWER_MODEL_ID = 1_733_104_004
FLASHCARD_MODEL_ID = 1_733_104_005

CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.5;
  text-align: left;
  color: #1b1b1b;
  background-color: #fdfdfd;
}
.qz {
  max-width: 34em;
  margin: 0 auto;
  padding: 0 0.6em;
  overflow-wrap: break-word;
  word-wrap: break-word;
}
.kind {
  font-size: 0.75em;
  letter-spacing: 0.04em;
  text-transform: uppercase;
  color: #555;
  margin: 0.25em 0 0.5em;
}
.prompt { font-weight: 600; margin: 0 0 0.75em; }
ul.options { list-style: none; padding: 0; margin: 0 0 1em; }
ul.options li {
  display: flex;
  gap: 0.3em;
  padding: 0.4em 0.6em;
  margin: 0.4em 0;
  border: 1px solid #b9b9b9;
  border-radius: 0.4em;
}
ul.options li.correct { border: 2px solid #1a7f37; }
.letter { font-weight: 700; flex: none; }
/* an option's text may shrink below its longest word (which then breaks), not widen the card */
ul.options .opt { min-width: 0; }
.mark { flex: none; width: 1em; font-weight: 700; }
.answer { margin: 0.75em 0; }
.explanation { margin: 0.75em 0; }
.label { font-weight: 700; }
.source { font-size: 0.85em; color: #444; margin: 0.75em 0; }
.source .evidence { font-size: 1.1765em; color: #1b1b1b; margin: 0.5em 0 0; }
.smallprint {
  font-size: 0.7em;
  color: #555;
  margin-top: 1.5em;
  padding-top: 0.5em;
  border-top: 1px solid #d0d0d0;
}
/* Cloze: the sentence in normal weight, the revealed words bold and underlined as well as coloured. */
.prompt.cloze-text { font-weight: 400; }
.cloze { font-weight: 700; text-decoration: underline; text-underline-offset: 0.15em; color: #0b4f9c; }
#typeans { font-size: 1em; width: 100%; box-sizing: border-box; }
a { color: #0b4f9c; }
hr#answer { border: 0; border-top: 1px solid #d0d0d0; margin: 1em 0; }
.card.nightMode, .card.night_mode, .nightMode .card, .night_mode .card {
  color: #e6e6e6;
  background-color: #1f1f1f;
}
.nightMode .kind, .night_mode .kind,
.nightMode .source, .night_mode .source,
.nightMode .smallprint, .night_mode .smallprint { color: #bdbdbd; }
.nightMode .source .evidence, .night_mode .source .evidence { color: #e6e6e6; }
.nightMode ul.options li, .night_mode ul.options li { border-color: #6b6b6b; }
.nightMode hr#answer, .night_mode hr#answer,
.nightMode .smallprint, .night_mode .smallprint { border-top-color: #4a4a4a; }
.nightMode ul.options li.correct, .night_mode ul.options li.correct { border-color: #5cc878; }
.nightMode .cloze, .night_mode .cloze, .nightMode a, .night_mode a { color: #8cc4ff; }
"""


def _stable_id(*parts: str) -> int:
    """A positive id below 2**31 from a hash of `parts` (small enough for every client)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


@frozen
class _ModelSpec:
    model_id: int
    name: str
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, front, back), the name in the deck's language
    cloze: bool = False
    # the English names the template ids come from, so a template keeps its id in every language
    template_keys: tuple[str, ...] = ()

    def build(self) -> genanki.Model:
        """A fresh genanki Model (genanki mutates the dicts it writes, so never share them)."""
        _import_genanki()
        import genanki

        return genanki.Model(
            model_id=self.model_id,
            name=self.name,
            fields=[
                {"name": name, "id": _stable_id("field", str(self.model_id), name)} for name in self.fields
            ],
            templates=[
                {
                    "name": name,
                    "qfmt": front,
                    "afmt": back,
                    "id": _stable_id("template", str(self.model_id), key),
                }
                for (name, front, back), key in zip(
                    self.templates, self.template_keys or [t[0] for t in self.templates], strict=True
                )
            ],
            css=CSS,
            model_type=genanki.Model.CLOZE if self.cloze else genanki.Model.FRONT_BACK,
        )


def _back_footer(_: Translate) -> str:
    """The parts every back shows, after the answer."""
    return (
        '{{#Explanation}}<div class="explanation"><span class="label">' + _("Why:") + "</span> "
        "{{Explanation}}</div>{{/Explanation}}\n"
        '<div class="source">{{Source}}</div>\n'
        '<div class="smallprint">{{Disclaimer}}<br>{{Credit}}<br>' + _("Question") + " {{Question ID}}</div>"
    )


_COMMON_FIELDS = ("Explanation", "Source", "Credit", "Disclaimer", "Question ID")


def _model_specs(
    _: Translate, model_id: Callable[[int], int], name_suffix: str
) -> dict[QuestionType, _ModelSpec]:
    """The note types, their labels in one language. Field names stay as they are in every
    language (templates and fingerprints name them); what a learner reads is translated."""
    footer = _back_footer(_)
    choice = _ModelSpec(
        model_id(CHOICE_MODEL_ID),
        _("quizgen: multiple choice") + name_suffix,
        ("Prompt", "Instruction", "Options", "Answer", *_COMMON_FIELDS),
        (
            (
                _("Choice"),
                '<div class="qz">\n<div class="kind">{{Instruction}}</div>\n'
                '<div class="prompt">{{Prompt}}</div>\n{{Options}}\n</div>',
                '<div class="qz">\n<div class="kind">{{Instruction}}</div>\n'
                '<div class="prompt">{{Prompt}}</div>\n<hr id="answer">\n'
                '<div class="answer">{{Answer}}</div>\n' + footer + "\n</div>",
            ),
        ),
        template_keys=("Choice",),
    )
    true_or_false = _("True or false?")
    true_false = _ModelSpec(
        model_id(TRUE_FALSE_MODEL_ID),
        _("quizgen: true or false") + name_suffix,
        ("Statement", "Answer", *_COMMON_FIELDS),
        (
            (
                _("True or false"),
                f'<div class="qz">\n<div class="kind">{true_or_false}</div>\n'
                '<div class="prompt">{{Statement}}</div>\n</div>',
                f'<div class="qz">\n<div class="kind">{true_or_false}</div>\n'
                '<div class="prompt">{{Statement}}</div>\n<hr id="answer">\n'
                '<div class="answer">{{Answer}}</div>\n' + footer + "\n</div>",
            ),
        ),
        template_keys=("True or false",),
    )
    blank = _("Fill in the blank")
    cloze = _ModelSpec(
        model_id(CLOZE_MODEL_ID),
        _("quizgen: cloze") + name_suffix,
        ("Text", *_COMMON_FIELDS),
        (
            (
                _("Cloze"),
                f'<div class="qz">\n<div class="kind">{blank}</div>\n'
                '<div class="prompt cloze-text">{{cloze:Text}}</div>\n</div>',
                f'<div class="qz">\n<div class="kind">{blank}</div>\n'
                '<div class="prompt cloze-text">{{cloze:Text}}</div>\n<hr id="answer">\n'
                + footer
                + "\n</div>",
            ),
        ),
        cloze=True,
        template_keys=("Cloze",),
    )
    type_it = _("Type your answer")
    answer, also = _("Answer:"), _("Also accepted:")
    short = _ModelSpec(
        model_id(SHORT_ANSWER_MODEL_ID),
        _("quizgen: short answer") + name_suffix,
        ("Prompt", "Answer", "Other Answers", *_COMMON_FIELDS),
        (
            (
                _("Type the answer"),
                f'<div class="qz">\n<div class="kind">{type_it}</div>\n'
                '<div class="prompt">{{Prompt}}</div>\n{{type:Answer}}\n</div>',
                f'<div class="qz">\n<div class="kind">{type_it}</div>\n'
                '<div class="prompt">{{Prompt}}</div>\n{{type:Answer}}\n<hr id="answer">\n'
                f'<div class="answer"><span class="label">{answer}</span> <b>{{{{Answer}}}}</b></div>\n'
                f'{{{{#Other Answers}}}}<div class="answer"><span class="label">{also}</span> '
                "{{Other Answers}}</div>{{/Other Answers}}\n" + footer + "\n</div>",
            ),
        ),
        template_keys=("Type the answer",),
    )
    card = _ModelSpec(
        model_id(FLASHCARD_MODEL_ID),
        _("quizgen: flashcard") + name_suffix,
        ("Front", "Back", *_COMMON_FIELDS),
        (
            (
                _("Card"),
                '<div class="qz">\n<div class="prompt">{{Front}}</div>\n</div>',
                '<div class="qz">\n<div class="prompt">{{Front}}</div>\n<hr id="answer">\n'
                '<div class="answer">{{Back}}</div>\n' + footer + "\n</div>",
            ),
        ),
        template_keys=("Card",),
    )
    return {
        QuestionType.MULTIPLE_CHOICE: choice,
        QuestionType.MULTIPLE_SELECT: choice,
        QuestionType.TRUE_FALSE: true_false,
        QuestionType.CLOZE: cloze,
        QuestionType.SHORT_ANSWER: short,
        QuestionType.FLASHCARD: card,
    }


def _same(message: str) -> str:
    return message


@functools.cache
def specs_for(language: str) -> dict[QuestionType, _ModelSpec]:
    """The note types of a bank in `language`. English keeps its fixed ids (learners' decks depend
    on them); every other language has its own, derived from the language, because Anki keeps a
    card's labels in its note type: a Spanish deck beside an English one must not share them."""
    if base_language(language) == SOURCE_LANGUAGE:
        return _model_specs(_same, lambda base: base, "")
    return _model_specs(
        translator(language).gettext,
        lambda base: _stable_id("model", language, str(base)),
        f" ({language})",
    )


MODEL_SPECS: tuple[_ModelSpec, ...] = tuple(dict.fromkeys(specs_for(SOURCE_LANGUAGE).values()))
(CHOICE_MODEL, TRUE_FALSE_MODEL, CLOZE_MODEL, SHORT_ANSWER_MODEL, FLASHCARD_MODEL) = MODEL_SPECS


# Control characters (U+001F is Anki's field separator) are refused by the loader; they are
# dropped here too, so no bank built another way can shift a note's fields.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# An empty element after each backslash: Anki runs MathJax over the card, and MathJax finds
# its delimiters (`\(` `\)` `\[` `\]`) only within one run of text, so bank text is never math
# (`\href{javascript:...}` would be a live link).
_NOT_MATH = "\\<span></span>"


# Every character `_esc` changes: most bank text holds none and is returned as it is.
_ESCAPED_RE = re.compile("[&<>\"'\\[\\\\\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _esc(text: str, *, quote: bool = False) -> str:
    """Bank text as Anki field HTML: shown as written, never markup, media, math or a separator."""
    if _ESCAPED_RE.search(text) is None:
        return text
    # "[" too: Anki reads [sound:...] in a field as media to play, even inside text
    escaped = html.escape(_CONTROL_RE.sub("", text), quote=quote).replace("[", "&#91;")
    return escaped.replace("\\", _NOT_MATH) if not quote and "\\" in escaped else escaped


def cloze_html(text: str) -> str:
    """Escape a cloze text piece by piece, keeping the `{{cN::answer::hint}}` syntax intact."""
    out: list[str] = []
    last = 0
    for m in CLOZE_RE.finditer(text):
        out.append(_esc(text[last : m.start()]))
        number, answer, hint = m.group(1), m.group(2), m.group(3)
        hint_part = f"::{_esc(hint)}" if hint is not None else ""
        out.append(f"{{{{c{number}::{_esc(answer)}{hint_part}}}}}")
        last = m.end()
    out.append(_esc(text[last:]))
    return "".join(out)


def anki_tag(text: str) -> str:
    """An Anki-safe tag: no whitespace (runs become `-`)."""
    return "-".join(text.split())


def note_tags(bank: Bank, question: Question) -> list[str]:
    """The question's own tags, then the bank id and `difficulty::<level>`, without repeats."""
    return _note_tags(anki_tag(bank.id), question)


def _note_tags(bank_tag: str, question: Question) -> list[str]:
    tags = [anki_tag(t) for t in question.tags]
    tags.append(bank_tag)
    if question.difficulty is not None:
        tags.append(f"difficulty::{question.difficulty.value}")
    return list(dict.fromkeys([t for t in tags if t]))


class _BankParts:
    """What every note of one bank shares, made once per bank: its language's messages, the HTML of
    its credit and disclaimer, its tag, its note types and each section's source line."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.gettext: Translate = translator(bank.language).gettext
        disclaimer = _esc(bank.disclaimer)
        notice = unreviewed_notice(bank, bank.language)
        if notice is not None:
            disclaimer += f"<br><b>{_esc(notice)}</b>"
        self.disclaimer = disclaimer
        self.credit = _esc(bank.credit)
        self.tag = anki_tag(bank.id)
        self.specs = specs_for(bank.language)
        self._source_lines: dict[str, str] = {}
        self._tags: dict[tuple[tuple[str, ...], Difficulty | None], list[str]] = {}

    def tags(self, question: Question) -> list[str]:
        """`note_tags(bank, question)`, made once for each set of tags and difficulty (most
        questions of a bank share a few)."""
        key = (question.tags, question.difficulty)
        tags = self._tags.get(key)
        if tags is None:
            tags = self._tags[key] = _note_tags(self.tag, question)
        return list(tags)

    def source_line(self, section_id: str) -> str:
        line = self._source_lines.get(section_id)
        if line is None:
            bank = self.bank
            title = bank.section_title(section_id)
            line = _source_line(bank.language, bank.article.title, bank.article.url, title)
            self._source_lines[section_id] = line
        return line


def reference_html(reference: Reference, _: Translate = _same) -> str:
    """`From <a>Title</a>, Publisher (not from the article)`."""
    template, title = from_reference(reference, _)
    link = f'<a href="{_esc(reference.url, quote=True)}">{_esc(title)}</a>'
    line = _esc(template).replace("{title}", link)
    return f"{line} <b>({_esc(_(NOT_FROM_ARTICLE))})</b>"


@cache
def _source_line(language: str, article_title: str, url: str | None, section_title: str) -> str:
    """`From <i>Article</i>, section “Section”` in the bank's language, the title a link when the
    article has a URL (the same for every question of a section: made once)."""
    title = f"<i>{_esc(article_title)}</i>"
    if url:
        title = f'<a href="{_esc(url, quote=True)}">{title}</a>'
    _ = translator(language).gettext
    return _esc(_("From {article}, section “{section}”")).format(article=title, section=_esc(section_title))


def source_html(bank: Bank, question: Question) -> str:
    """`From <i>Article</i>, section “Section”` (the title links to the article if it has a URL),
    then the question's first quote and the references its facts come from."""
    return _source_html(_BankParts(bank), question)


def _source_html(bank_parts: _BankParts, question: Question) -> str:
    bank, _ = bank_parts.bank, bank_parts.gettext
    source_line = bank_parts.source_line(question.source.section)
    if not question.evidence and not bank.references:  # no evidence lines
        return source_line
    parts = [source_line]
    for line in evidence_lines(bank, question):
        if line.reference is None:
            text = f'<span class="label">{_esc(line.label)}</span> {_esc(line.text)}'
        else:
            text = reference_html(line.reference, _)
        parts.append(f'<div class="evidence">{text}</div>')
    return "".join(parts)


def _options_html(question: Question) -> str:
    items = "".join(
        f'<li><span class="letter">{option_letter(i)}.</span> <span class="opt">{_esc(option)}</span></li>'
        for i, option in enumerate(question.options)
    )
    return f'<ul class="options">{items}</ul>'


def _marked_options_html(question: Question, _: Translate) -> str:
    """Every option again, the correct ones in bold with a check mark (not by colour alone)."""
    correct = set(question.correct)
    letters = ", ".join(option_letter(i) for i in sorted(correct))
    heading = _("Correct answer") if len(correct) == 1 else _("Correct answers")
    items = []
    for i, option in enumerate(question.options):
        letter, text = option_letter(i), _esc(option)
        if i in correct:
            items.append(
                f'<li class="correct"><span class="mark">✓</span> '
                f'<b class="letter">{letter}.</b> <b class="opt">{text}</b></li>'
            )
        else:
            items.append(
                f'<li><span class="mark"></span> '
                f'<span class="letter">{letter}.</span> <span class="opt">{text}</span></li>'
            )
    return (
        f'<div><span class="label">{heading}:</span> <b>{letters}</b></div>'
        f'<ul class="options">{"".join(items)}</ul>'
    )


def anki_fields(bank: Bank, question: Question) -> list[str]:
    """The note's field values (HTML), in the order of its note type's fields."""
    return _anki_fields(_BankParts(bank), question)


def _anki_fields(bank_parts: _BankParts, question: Question) -> list[str]:
    _ = bank_parts.gettext
    common = [
        _esc(question.explanation),
        _source_html(bank_parts, question),
        bank_parts.credit,
        bank_parts.disclaimer,
        _esc(question.id),
    ]
    t = question.type
    if t is QuestionType.MULTIPLE_CHOICE or t is QuestionType.MULTIPLE_SELECT:
        instruction = (
            _("Choose one answer") if t is QuestionType.MULTIPLE_CHOICE else _("Choose every correct answer")
        )
        return [
            _esc(question.prompt),
            _esc(instruction),
            _options_html(question),
            _marked_options_html(question, _),
            *common,
        ]
    if t is QuestionType.TRUE_FALSE:
        verdict = (
            "<b>✓ " + _esc(_("True")) + "</b>: " + _esc(_("this statement is correct."))
            if question.truth
            else "<b>✗ " + _esc(_("False")) + "</b>: " + _esc(_("this statement is not correct."))
        )
        return [_esc(question.prompt), verdict, *common]
    if t is QuestionType.CLOZE:
        return [cloze_html(question.prompt), *common]
    if t is QuestionType.SHORT_ANSWER:
        first, *others = question.accepted
        return [_esc(question.prompt), _esc(first), ", ".join(_esc(a) for a in others), *common]
    return [_esc(question.prompt), _esc(question.back or ""), *common]


# genanki's (and Anki's) base-91 digits for GUIDs (`a` is zero), and every pair of them
_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
_BASE91_PAIRS = [high + low for high in _BASE91 for low in _BASE91]


def note_guid(bank: Bank, question: Question) -> str:
    """The note GUID: from the bank id and question id only, so edits update the note in place.

    The same text as `genanki.guid_for(bank.id, question.id)`: the first 8 bytes of the SHA-256
    of `<bank id>__<question id>` as a number in base 91.
    """
    return _note_guid(f"{bank.id}__".encode(), question.id)


def _note_guid(prefix: bytes, question_id: str) -> str:
    """`note_guid` from `<bank id>__` in UTF-8, made once per bank."""
    return _base91(int.from_bytes(hashlib.sha256(prefix + question_id.encode()).digest()[:8], "big"))


def _base91(number: int) -> str:
    """`number` (below 2**64) in genanki's base 91, most significant digit first, without leading
    zero digits (`a`; 0 is the empty text): five pairs of digits, whatever the number (2**64 is
    below 91**10), then the leading zeros dropped, instead of a loop over the digits."""
    number, e = divmod(number, 8281)  # 91 * 91
    number, d = divmod(number, 8281)
    number, c = divmod(number, 8281)
    a, b = divmod(number, 8281)
    pairs = _BASE91_PAIRS
    return (pairs[a] + pairs[b] + pairs[c] + pairs[d] + pairs[e]).lstrip("a")


def deck_id(bank: Bank, section_id: str | None = None) -> int:
    """Stable deck id of a bank's deck (section None) or of one section's subdeck."""
    if section_id is None:
        return _stable_id("deck", bank.id)
    return _stable_id("deck", bank.id, section_id)


def deck_name(bank: Bank, section_id: str) -> str:
    """`<bank deck>::<n>. <section title>`, n the section's place in the article.

    Anki lists (and a study session of the parent deck serves) subdecks in the order of their
    names, so the number, zero-padded when there are ten sections or more, keeps article order.
    A `::` inside the title would nest deeper, so it is cut.
    """
    sections = [s.id for s in bank.article.sections]
    place = sections.index(section_id) + 1
    title = " ".join(bank.section_title(section_id).replace("::", ":").split())
    return f"{bank.deck}::{place:0{len(str(len(sections)))}d}. {title}"


def deck_description(bank: Bank) -> str:
    """The bank's title, credit and disclaimer, then its safety notes under their own heading."""
    _ = translator(bank.language).gettext
    title, credit, disclaimer = _esc(bank.title), _esc(bank.credit), _esc(bank.disclaimer)
    out = f"<b>{title}</b><br>{credit}<br><small>{disclaimer}</small>"
    notice = unreviewed_notice(bank, bank.language)
    if notice is not None:
        out += f"<p><b>{_esc(notice)}</b></p>"
    if bank.safety_notes:
        notes = "".join(
            f"<li>{_esc(n.text)}<br><small>{reference_html(bank.reference(n.reference), _)}</small></li>"
            for n in bank.safety_notes
        )
        out += f"<p><b>{_esc(_(SAFETY_NOTES_HEADING))}</b></p><ul>{notes}</ul>"
    return out


# genanki's rows, with the columns that are the same for every note and card (usn -1, the
# checksum, flags and scheduling 0, data empty) written here rather than bound row by row
_INSERT_NOTE = "INSERT INTO notes VALUES(?,?,?,?,-1,?,?,?,0,0,'');"
_INSERT_CARD = "INSERT INTO cards VALUES(?,?,?,?,?,-1,0,0,0,0,0,0,0,0,0,0,0,'');"
# genanki.Note's check of field values (a warning): quizgen escapes all bank text, so it finds nothing
_INVALID_HTML_TAG_RE = re.compile(r"<(?!/?[a-zA-Z0-9]+(?: .*|/?)>|!--|!\[CDATA\[)(?:.|\n)*?>")


class _DeckCursor(sqlite3.Cursor):
    """The cursor a deck is written with. Its notes are put aside as genanki.Deck hands them
    over and inserted afterwards, all notes in one `executemany` and all cards in another; the
    schema's indexes are made after them (faster than keeping them up to date row by row)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        super().__init__(connection)
        self.notes: list[tuple[_DeckNote, float, int]] = []
        self.indexes = ""

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        # genanki's schema creates its tables, then their indexes: those wait for the rows
        tables, create_index, indexes = script.partition("CREATE INDEX")
        self.indexes += create_index + indexes
        return super().executescript(tables)

    def write_notes(self, id_gen: Iterator[int]) -> None:
        """Insert the notes put aside, with the values genanki.Note would give them (ids drawn
        from `id_gen` in the same order, a note's and then its cards'), then make the indexes."""
        cards: list[tuple[int, int, int, int, int]] = []
        self.executemany(_INSERT_NOTE, _note_rows(self.notes, id_gen, cards))
        self.notes = []
        self.executemany(_INSERT_CARD, cards)
        if self.indexes:
            super().executescript(self.indexes)
            self.indexes = ""


def _note_rows(
    notes: list[tuple[_DeckNote, float, int]],
    id_gen: Iterator[int],
    cards: list[tuple[int, int, int, int, int]],
) -> Iterator[tuple[Any, ...]]:
    """The notes table's rows of `notes` (but the columns `_INSERT_NOTE` fills in), made one at a
    time as they are inserted; their cards' ids, note ids, deck ids, template numbers and times go
    to `cards`."""
    for note, timestamp, deck_id in notes:
        model, fields = note.model, note.fields
        if len(model.fields) != len(fields):
            raise ValueError(f"note type {model.name} has {len(model.fields)} fields, the note {len(fields)}")
        joined = "\x1f".join(fields)
        if _INVALID_HTML_TAG_RE.search(joined):  # a tag within one field matches the joined text too
            for field in fields:
                invalid = _INVALID_HTML_TAG_RE.findall(field)
                if invalid:
                    warnings.warn(
                        "Field contained the following invalid HTML tags. Make sure you are calling "
                        f"html.escape() if your field data isn't already HTML-encoded: {' '.join(invalid)}",
                        stacklevel=2,
                    )
        when = int(timestamp if note.mtime is None else note.mtime)
        note_id = next(id_gen)
        yield (
            note_id,
            note.guid,
            model.model_id,
            when,
            f" {' '.join(note.tags)} ",
            joined,
            fields[model.sort_field_index],
        )
        for ord_ in _card_ords(model, fields):
            cards.append((next(id_gen), note_id, deck_id, ord_, when))


class _DeckNote:
    """One note, written as genanki.Note writes it (the same rows with the same values, the ids
    in the same order), stamped with its own modification time (None: the package's).

    genanki.Deck asks its notes only for `model` and `write_to_db`; a genanki.Note would also make
    a tag list that checks every tag, a Card object per card and several cached properties per
    note, a large share of writing a big deck. Its rows are inserted by `_DeckCursor.write_notes`.
    """

    __slots__ = ("fields", "guid", "model", "mtime", "tags")

    def __init__(
        self, model: Any, fields: list[str], tags: list[str], guid: str, mtime: float | None
    ) -> None:
        for tag in tags:
            if " " in tag:  # as genanki refuses it
                raise ValueError(f'Tag "{tag}" contains a space; this is not allowed!')
        self.model, self.fields, self.tags, self.guid, self.mtime = model, fields, tags, guid, mtime

    def write_to_db(self, cursor: _DeckCursor, timestamp: float, deck_id: int, id_gen: Any) -> None:
        cursor.notes.append((self, timestamp, deck_id))


def _card_ords(model: Any, fields: list[str]) -> list[int]:
    """The cards genanki.Note makes for `fields` (`Note.cards`), as template numbers in its order."""
    if model.model_type == model.FRONT_BACK:
        return [
            card_ord
            for card_ord, any_or_all, required in model._req
            if (any if any_or_all == "any" else all)(fields[i] for i in required)
        ]
    if model.model_type != model.CLOZE:
        raise ValueError("Expected model_type CLOZE or FRONT_BACK")
    qfmt = model.templates[0]["qfmt"]
    card_ords: set[int] = set()
    replacements = set(
        re.findall(r"{{[^}]*?cloze:(?:[^}]?:)*(.+?)}}", qfmt) + re.findall("<%cloze:(.+?)%>", qfmt)
    )
    for field_name in replacements:
        index = next((i for i, f in enumerate(model.fields) if f["name"] == field_name), -1)
        value = fields[index] if index >= 0 else ""
        card_ords.update(int(m) - 1 for m in re.findall(r"{{c(\d+)::.+?}}", value, re.DOTALL) if int(m) > 0)
    return list(card_ords)


class NoteContent(NamedTuple):
    """What Anki receives for one question: its note type, field values and tags. (A named
    tuple, not a `frozen` class: one is made per question, and a tuple is made in half the time.)"""

    spec: _ModelSpec
    fields: list[str]
    tags: list[str]


def note_content(bank: Bank, question: Question) -> NoteContent:
    """The note a question becomes (options in `option_order`), as the deck carries it."""
    return _note_content(_BankParts(bank), question)


def _note_content(bank_parts: _BankParts, question: Question) -> NoteContent:
    shown = in_option_order(bank_parts.bank, question, None) if question.options else question
    spec = bank_parts.specs[question.type]
    return NoteContent(spec, _anki_fields(bank_parts, shown), bank_parts.tags(question))


# The notes of each bank whose fingerprints were taken: a build plans its times from the notes'
# fingerprints and then writes the same notes, so each note is made once. Keyed by the bank's
# identity (the bank is kept with its notes, so its id is not reused while the entry lives);
# an entry is dropped once its bank's deck is written.
_notes_memo: dict[int, tuple[Bank, dict[str, NoteContent]]] = {}


def _notes(banks: Sequence[Bank]) -> dict[str, NoteContent]:
    """Per question (`Bank.note_key`), its note (made once per build, see `_notes_memo`)."""
    out: dict[str, NoteContent] = {}
    for bank in banks:
        out.update(_bank_notes(bank))
    return out


def _bank_notes(bank: Bank) -> dict[str, NoteContent]:
    """`_notes([bank])`, without copying the memo's dict."""
    entry = _notes_memo.get(id(bank))
    if entry is None or entry[0] is not bank:
        parts = _BankParts(bank)
        entry = (bank, {bank.note_key(q): _note_content(parts, q) for q in bank.questions})
        _notes_memo[id(bank)] = entry
    return entry[1]


def _note_type_record(spec: _ModelSpec) -> list[object]:
    return [spec.model_id, spec.name, list(spec.fields), [list(t) for t in spec.templates], CSS, spec.cloze]


def _specs_in(banks: Sequence[Bank]) -> list[_ModelSpec]:
    """The note types of every language of these banks, in the banks' order."""
    languages = dict.fromkeys(b.language for b in banks)
    return [spec for language in languages for spec in specs_for(language).values()]


def note_fingerprints(banks: Sequence[Bank]) -> dict[str, str]:
    """Per question id, a hash of its note as Anki receives it: the note type (fields, templates,
    CSS), the field values and the tags. A note's time moves forward when, and only when, this
    changes, because Anki updates a note on import only when the incoming one is newer."""
    # The note type's part (a long text with the CSS, the same for every note of the type) is
    # hashed once and the hasher copied; then the note as the deck's notes table holds it: its
    # fields joined by U+001F (as Anki stores them: the same text is the same note) and its tags
    # (which hold no space) between spaces, after the length of the fields' text, so that the
    # two parts never run into each other.
    heads = {
        spec.model_id: hashlib.sha256(json.dumps(_note_type_record(spec), ensure_ascii=False).encode("utf-8"))
        for spec in _specs_in(banks)
    }
    prints: dict[str, str] = {}
    for key, note in _notes(banks).items():
        h = heads[note.spec.model_id].copy()
        fields = "\x1f".join(note.fields)
        h.update(f"\x1e{len(fields)}\x1e{fields} {' '.join(note.tags)} ".encode())
        prints[key] = h.hexdigest()
    return prints


def build_decks(banks: Sequence[Bank], note_times: Mapping[str, float] | None = None) -> list[genanki.Deck]:
    """The genanki decks: per bank, its top deck, then one subdeck per section with questions.

    `note_times` maps question ids to their notes' modification times (default: the package's).
    """
    _import_genanki()
    import genanki

    times = note_times or {}
    models = {spec.model_id: spec.build() for spec in _specs_in(banks)}
    decks: list[genanki.Deck] = []
    seen_ids: dict[int, str] = {}
    for bank in banks:
        top = genanki.Deck(deck_id(bank), bank.deck, deck_description(bank))
        decks.append(top)
        notes = _bank_notes(bank)
        guid_prefix = f"{bank.id}__".encode()
        for section in bank.article.sections:
            questions = bank.questions_in(section.id)
            if not questions:
                continue
            deck = genanki.Deck(deck_id(bank, section.id), deck_name(bank, section.id))
            for question in questions:
                key = bank.note_key(question)
                note = notes[key]
                deck.add_note(
                    _DeckNote(
                        models[note.spec.model_id],
                        note.fields,
                        note.tags,
                        _note_guid(guid_prefix, question.id),
                        times.get(key),
                    )
                )
            decks.append(deck)
    for d in decks:
        other = seen_ids.setdefault(d.deck_id, d.name)
        if other != d.name:
            raise BuildError(f"two decks share the id {d.deck_id}: {other!r} and {d.name!r}")
    return decks


def _as_serialized_header(header: bytes) -> bytes:
    """The database header as an in-memory database serializes it: the file change counter
    (bytes 24-27), the counter it is valid for and the writing SQLite's version (92-99) are
    zero, so the bytes depend neither on the file's history nor on the SQLite version."""
    return header[:24] + bytes(4) + header[28:92] + bytes(8) + header[100:]


def render_apkg(
    banks: Sequence[Bank], timestamp: float, note_times: Mapping[str, float] | None = None
) -> bytes:
    """The .apkg bytes for `banks`; the same inputs give the same bytes.

    `timestamp` stamps the note types and, unless `note_times` gives a question's own time (the
    epoch of its last change), every note: Anki updates a note on import only when it is newer.
    """
    if not banks:
        raise BuildError("no banks to build an Anki deck from")
    _import_genanki()
    import genanki

    decks = build_decks(banks, note_times)
    for bank in banks:
        _notes_memo.pop(id(bank), None)
    package = genanki.Package(decks)
    del decks
    # The collection is written to a temporary file, not kept in memory: a big deck's database
    # and its serialized copy would both be held at once. It is private and thrown away, so no
    # journal and no syncs.
    with tempfile.TemporaryDirectory(prefix="quizgen-deck-") as tmp:
        path = os.path.join(tmp, "collection.anki2")
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            cursor = conn.cursor(_DeckCursor)
            # Note and card ids count up from the timestamp in milliseconds, as genanki does itself.
            ids = itertools.count(int(timestamp * 1000))
            package.write_to_db(cursor, timestamp, ids)
            cursor.write_notes(ids)
            conn.commit()
        finally:
            conn.close()
        del package
        with open(path, "r+b") as db:
            header = db.read(100)
            db.seek(0)
            db.write(_as_serialized_header(header))
            db.seek(0)
            collection = deflate_member("collection.anki2", db)
    return zip_archive([collection, deflate_member("media", io.BytesIO(json.dumps({}).encode()))])
