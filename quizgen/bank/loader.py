"""The one loader: read bank files, report every problem with path:line:col, return frozen dataclasses.

YAML is composed into nodes (never constructed into objects), so tags such as `!!python/object` are
refused without running anything, and every value keeps the line and column it came from.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from quizgen.bank import fastyaml
from quizgen.bank.bankfiles import (  # re-exported: callers find bank files through the loader too
    BANK_FILE_NAMES as BANK_FILE_NAMES,
)
from quizgen.bank.bankfiles import (
    YAML_SUFFIXES as YAML_SUFFIXES,
)
from quizgen.bank.bankfiles import ArticleReads, folder_beside
from quizgen.bank.bankfiles import (
    display_path as display_path,
)
from quizgen.bank.bankfiles import (
    find_bank_files as find_bank_files,
)
from quizgen.bank.bankfiles import (
    shipped_banks_dir as shipped_banks_dir,
)
from quizgen.bank.bankformat import (
    ALL_QUESTION_KEYS,
    ARTICLE_KEYS,
    BANK_ID_PATTERN,
    BANK_KEYS,
    COMMON_QUESTION_KEYS,
    FACT_KEYS,
    FACT_ORIGIN_KEYS,
    FILE_KEYS,
    LANGUAGE_PATTERN,
    QUESTION_ID_PATTERN,
    REFERENCE_KEYS,
    REVIEWER_KEYS,
    SAFETY_NOTE_KEYS,
    SECTION_KEYS,
    SHA256_PATTERN,
    SOURCE_KEYS,
    TAG_PATTERN,
    TRANSLATION_KEYS,
    TYPE_KEYS,
    Key,
    KeyTable,
)
from quizgen.bank.evidence import QUOTE_MAX_WORDS, word_count
from quizgen.bank.fastyaml import MappingNode, Node, ScalarNode, SequenceNode
from quizgen.bank.lint import lint_bank
from quizgen.bank.model import (
    CLOZE_RE,
    DEFAULT_LANGUAGE,
    OPTION_LETTERS,
    PAPERS,
    Article,
    Bank,
    Difficulty,
    Fact,
    Location,
    Question,
    QuestionType,
    Reference,
    Reviewer,
    SafetyNote,
    Section,
    Source,
    Translation,
    cloze_blanked,
)
from quizgen.bank.quotes import EvidenceSites, check_evidence
from quizgen.bank.translation import FINGERPRINT_CHARS, check_translation
from quizgen.errors import BankError, Problem
from quizgen.errors import Report as Report  # defined there: the cache unpickles it without the loader
from quizgen.safetext import control_character, escaped, invisible_character
from quizgen.study.words import normalise

# PyYAML reads only the text fastyaml refuses (and finds every syntax error): it is imported then,
# not on every run.


@functools.cache
def pyyaml_loader() -> type:
    """PyYAML's safe loader (libyaml's C parser where available) with a leaner tag resolver."""
    import yaml

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        """Same tags as PyYAML's resolver, from the one table fastyaml.plain_tag looks up by first
        character, and without path resolvers (banks use none): libyaml's composer calls `resolve`
        for every scalar, so it is a large share of reading a big bank. A quoted scalar is text."""

        def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
            if kind is yaml.ScalarNode:
                if implicit[0]:
                    assert isinstance(value, str)
                    return fastyaml.plain_tag(value)
                return fastyaml.STR_TAG
            return fastyaml.SEQ_TAG if kind is yaml.SequenceNode else fastyaml.MAP_TAG

        def descend_resolver(self, current_node: object, current_index: object) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    return _Loader


def pyyaml_compose(text: str) -> Node | None:
    """PyYAML's node tree of `text`, in fastyaml's node classes; raises PyYAML's errors."""
    import yaml

    return fastyaml.from_pyyaml(yaml.compose(text, Loader=pyyaml_loader()))


MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_BANK_BYTES = 64 * 1024 * 1024  # all the files of one bank together
# Far above any real card, far below what the PDF engine can lay out in reasonable time and memory.
MAX_TEXT_CHARS = 5_000
MAX_BANK_ID_CHARS = 64  # bank ids name output files: `<id>-answer-key-large-print.pdf` must fit
MAX_CLOZE_NUMBER = 65_535  # Anki keeps a card's number in 16 bits
MAX_DEPTH = 200
MAX_OPTIONS = len(OPTION_LETTERS)  # lettered A to Z on paper, in Anki and in the terminal

_CORE = "tag:yaml.org,2002:"
TEXT_TAGS = {_CORE + t for t in ("str", "int", "float", "timestamp")}
ALLOWED_TAGS = TEXT_TAGS | {_CORE + t for t in ("bool", "null", "seq", "map")}
_BOOL_TAG = _CORE + "bool"
_TRUE_WORDS = ("true", "yes", "on", "y")  # a !!bool scalar is true when it is one of these (any case)

ID_RE = re.compile(QUESTION_ID_PATTERN)
BANK_ID_RE = re.compile(BANK_ID_PATTERN)
TAG_RE = re.compile(TAG_PATTERN)
NEGATIVE_RE = re.compile(r"\b(not|except|never|least)\b", re.IGNORECASE)
ABOVE_RE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.IGNORECASE)

LANGUAGE_RE = re.compile(LANGUAGE_PATTERN)
FINGERPRINT_RE = re.compile(f"^[0-9a-f]{{{FINGERPRINT_CHARS}}}$")

_OPTIONAL = Key(False)  # a key of some question type, while the type is unknown

# --------------------------------------------------------------------------- finding files
# (in quizgen.bank.bankfiles, which imports nothing heavy: the cache of validated banks uses it)

# --------------------------------------------------------------------------- parsing files


class _Ctx:
    """Collects problems for one file."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def loc(self, node: Node | None) -> Location:
        if node is None:
            return Location(self.path, 1, 1)
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def error(self, node: Node | None, message: str) -> None:
        self.problems.append(Problem(self.loc(node), message))

    def warn(self, node: Node | None, message: str) -> None:
        self.problems.append(Problem(self.loc(node), message, "warning"))


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _may_nest_too_deep(text: str) -> bool:
    """A cheap test that rules out deep nesting for ordinary files, run only for the text fastyaml
    refuses (what it reads nests far less deep). Flow collections: fewer than a quarter of MAX_DEPTH
    brackets opened in the whole text (closing ones are not counted: a `]` in a quoted scalar or a
    comment closes nothing). Block collections: no line starting with half of MAX_DEPTH characters
    of indentation, dashes, `?` or `:` (each level needs one more), and no line break but LF or CRLF.
    Past any of these, _too_deep decides."""
    if text.count("[") + text.count("{") > MAX_DEPTH // 4:
        return True
    if text.count("\r") > text.count("\r\n") or any(brk in text for brk in "\x85\u2028\u2029"):
        return True  # line breaks to YAML (a lone CR, NEL, LS, PS) that the expression's ^ does not know
    return _DEEP_INDENT_RE.search(text) is not None


_DEEP_INDENT_RE = re.compile(rf"^[ \-?:]{{{MAX_DEPTH // 2}}}", re.MULTILINE)


# where a tag (!), anchor (&) or alias (*) could start; ordinary text rarely matches
_NODE_PROPERTY_RE = re.compile(r"(?:^|[\s\[\]{},:?\-])[!&*]", re.MULTILINE)


def _too_deep(text: str) -> bool:
    """Whether the YAML really nests deeper than MAX_DEPTH (libyaml's composer would crash)."""
    import yaml

    depth = 0
    try:
        for event in yaml.parse(text, Loader=pyyaml_loader()):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return True
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as e:
        if "nesting depth" in str(e.problem):  # newer libyaml builds stop at their own limit
            return True
        raise
    return False


def parse_file(path: Path, shown: str, problems: list[Problem], raw: bytes | None = None) -> Node | None:
    """Read and compose one YAML file; problems go to `problems`, None when it cannot be used.

    `raw`: the file's bytes, when the caller read them already (the file is not read again)."""
    ctx = _Ctx(shown, problems)
    try:
        size = path.stat().st_size if raw is None else len(raw)
        if size > MAX_FILE_BYTES:
            ctx.error(
                None, f"file is too large ({size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MiB)"
            )
            return None
        if raw is None:
            raw = path.read_bytes()
    except OSError as e:
        ctx.error(None, f"cannot read file: {e.strerror or e}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        good = raw[: e.start].decode("utf-8", errors="replace")
        line, col = _line_col(good, len(good))
        problems.append(
            Problem(
                Location(shown, line, col), f"file is not UTF-8 (byte 0x{raw[e.start]:02x}); save it as UTF-8"
            )
        )
        return None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        ctx.error(None, "file is empty")
        return None
    # the common YAML of banks is read by fastyaml; anything else (and every error) by PyYAML. A text
    # fastyaml reads never nests near MAX_DEPTH (it refuses deeper ones): only PyYAML's needs checking
    node = fastyaml.compose(text)
    if node is None:
        node = _compose_with_pyyaml(text, ctx)
        if node is None:
            return None
    may_have_properties = ("!" in text or "&" in text or "*" in text) and _NODE_PROPERTY_RE.search(text)
    if may_have_properties and not _scan_nodes(node, ctx):
        return None
    return node


def _compose_with_pyyaml(text: str, ctx: _Ctx) -> Node | None:
    """PyYAML's tree of a text fastyaml refuses; None when it cannot be used (the problem reported)."""
    import yaml

    try:
        if _may_nest_too_deep(text) and _too_deep(text):
            ctx.error(None, f"YAML nests more than {MAX_DEPTH} levels deep")
            return None
        node = pyyaml_compose(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message = e.problem or e.context or "invalid YAML"
        if e.context and e.problem:
            message = f"{e.problem} ({e.context})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        from quizgen.bank import yamlhints  # only for a file with a syntax error

        advice = yamlhints.hint(text, line, col)
        if advice:
            message = f"{message}. Hint: {advice}"
        ctx.problems.append(Problem(Location(ctx.path, line, col), f"YAML syntax error: {message}"))
        return None
    except yaml.reader.ReaderError as e:
        index = e.position
        if yaml.__with_libyaml__ and issubclass(pyyaml_loader(), yaml.CSafeLoader):
            # libyaml counts the position in bytes of the UTF-8 text, PyYAML's own reader in characters
            index = len(text.encode("utf-8")[:index].decode("utf-8", "ignore"))
        line, col = _line_col(text, index)
        ctx.problems.append(
            Problem(
                Location(ctx.path, line, col),
                f"{_refused_character(e.character)} is not allowed in YAML: remove it",
            )
        )
        return None
    except (yaml.YAMLError, ValueError, RecursionError) as e:
        ctx.error(None, f"YAML error: {e}")
        return None
    if node is None:
        ctx.error(None, "file is empty")
    return node


def _refused_character(character: object) -> str:
    """`character \\x00 (U+0000, a control character)`: the character a YAML reader refused, as a
    reader can see it (both of PyYAML's readers give its code point; a text is never bytes here)."""
    if isinstance(character, str) and len(character) == 1:
        character = ord(character)
    if not isinstance(character, int) or not 0 <= character <= 0x10FFFF:
        return f"character {character!r}"
    import unicodedata  # only for a file with a refused character

    char = chr(character)
    category = unicodedata.category(char)
    if category == "Cc":
        kind = "a control character"
    elif category == "Cs":
        kind = "half of a surrogate pair"
    elif character in (0xFFFE, 0xFFFF) or 0xFDD0 <= character <= 0xFDEF:
        kind = "a noncharacter"
    else:
        kind = unicodedata.name(char, "a character YAML does not allow")
    return f"character {escaped(char)} (U+{character:04X}, {kind})"


# tags whose value quizgen reads by its spelling: the value must be one YAML gives that tag by itself
_TAGGED_VALUES = {_CORE + "bool": " and write true or false", _CORE + "null": ""}


def _scan_nodes(root: Node, ctx: _Ctx) -> bool:
    """Refuse object-building tags and aliases (alias bombs) before anything reads the values."""
    ok = alias_free = True
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            if alias_free:  # one report is enough: a bomb reuses the same nodes many times
                ctx.error(
                    node,
                    "YAML anchors and aliases (&name / *name) are not supported in banks; "
                    "write the value out",
                )
            ok = alias_free = False
            continue
        seen.add(id(node))
        if node.tag not in ALLOWED_TAGS:
            ctx.error(node, f"YAML tag '{node.tag.replace(_CORE, '!!')}' is not allowed in banks")
            ok = False
            continue
        meaning = _TAGGED_VALUES.get(node.tag)
        if meaning is not None and fastyaml.plain_tag(node.value) != node.tag:
            # `answer: !!bool maybe` would otherwise be read as false, an answer the bank never gave
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            ctx.error(
                node,
                f"YAML tag '{node.tag.replace(_CORE, '!!')}' does not fit the value '{shown}': "
                f"remove the tag{meaning}",
            )
            ok = False
            continue
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
    return ok


# --------------------------------------------------------------------------- node readers


_KIND = {ScalarNode: "a single value", SequenceNode: "a list", MappingNode: "a mapping"}


# what YAML makes of a plain scalar that is not text (`<<` and `=` are keys of YAML 1.1 only)
_SCALAR_KIND = {
    "null": "nothing (null)",
    "bool": "true/false",
    "int": "a number",
    "float": "a number",
    "merge": "YAML's merge key '<<'",
    "value": "YAML's value key '='",
}


def _kind(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return _SCALAR_KIND.get(node.tag.removeprefix(_CORE), "text")
    return next((kind for cls, kind in _KIND.items() if isinstance(node, cls)), "something else")


def _closest(word: str, choices: Iterable[str]) -> str | None:
    import difflib  # only for a misspelt name

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = _closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


_YAML_KEYS = {_CORE + "merge", _CORE + "value"}


def _mapping(node: Node, ctx: _Ctx, what: str, spec: KeyTable) -> dict[str, Node] | None:
    """Check a mapping's keys (duplicates, unknown with suggestion, missing required)."""
    if not isinstance(node, MappingNode):
        ctx.error(node, f"{what} must be a mapping of keys to values, not {_kind(node)}")
        return None
    out: dict[str, Node] = {}
    first: dict[str, Node] = {}
    suggested: tuple[str | None, ...] = ()  # no set made for a mapping without a misspelt key
    for knode, vnode in node.value:
        if not isinstance(knode, ScalarNode) or knode.tag not in TEXT_TAGS:
            if knode.tag in _YAML_KEYS:  # `<<: {...}` merges nothing here: say so, not "plain words"
                ctx.error(
                    knode, f"keys in {what} must be plain words, not {_kind(knode)}: write the keys out"
                )
            else:
                ctx.error(knode, f"keys in {what} must be plain words")
            continue
        key = knode.value
        if key in first:
            ctx.error(
                knode, f"duplicate key '{key}' in {what} (first at line {first[key].start_mark.line + 1})"
            )
            continue
        first[key] = knode
        if key not in spec:
            close = _closest(key, spec)
            ctx.error(
                knode, f"unknown key '{key}' in {what}" + (f" (did you mean '{close}'?)" if close else "")
            )
            suggested += (close,)
            continue
        out[key] = vnode
    for key in _required_keys(spec):
        # a misspelt key already said "did you mean" this one: one message for one slip
        if key not in out and key not in first and key not in suggested:
            ctx.error(node, f"missing required key '{key}' in {what}")
    return out


# the required keys of each key table `_mapping` has checked, by the table's identity (the table
# is kept with them, so its id is not reused): a big bank checks the same few tables many times
_required: dict[int, tuple[KeyTable, tuple[str, ...]]] = {}


def _required_keys(spec: KeyTable) -> tuple[str, ...]:
    entry = _required.get(id(spec))
    if entry is None or entry[0] is not spec:
        entry = (spec, tuple(key for key, k in spec.items() if k.required))
        _required[id(spec)] = entry
    return entry[1]


def _text(node: Node | None, ctx: _Ctx, what: str, *, empty_ok: bool = False) -> str | None:
    if node is None:
        return None
    if not isinstance(node, ScalarNode) or node.tag not in TEXT_TAGS:
        hint = " (put it in quotes to use it as text)" if isinstance(node, ScalarNode) else ""
        ctx.error(node, f"{what} must be text, not {_kind(node)}{hint}")
        return None
    value = str(node.value).strip()
    if not value and not empty_ok:
        ctx.error(node, f"{what} must not be empty")
        return None
    if len(value) > MAX_TEXT_CHARS:
        ctx.error(node, f"{what} is {len(value):,} characters long; the limit is {MAX_TEXT_CHARS:,}")
        return None
    if not value.isascii() or not value.isprintable():
        bad = control_character(value)
        if bad is not None:
            index, char = bad
            where = f"{escaped(char)}, at character {index + 1}"
            ctx.error(node, f"{what} holds a control character ({where}): remove it")
            return None
        hidden = invisible_character(value)
        if hidden is not None:
            index, char, kind = hidden
            ctx.warn(
                node,
                f"{what} holds an invisible character ({escaped(char)}, {kind}, at character {index + 1}): "
                "remove it",
            )
    return value


def _list(node: Node | None, ctx: _Ctx, what: str) -> list[Node] | None:
    if node is None:
        return None
    if not isinstance(node, SequenceNode):
        ctx.error(node, f"{what} must be a list, not {_kind(node)}")
        return None
    return list(node.value)


def _bool(node: Node, ctx: _Ctx, what: str) -> bool | None:
    if isinstance(node, ScalarNode) and node.tag == _BOOL_TAG:
        return str(node.value).lower() in _TRUE_WORDS
    ctx.error(node, f"{what} must be true or false, not {_kind(node)}")
    return None


def _positive_int(node: Node, ctx: _Ctx, what: str) -> int | None:
    if isinstance(node, ScalarNode) and node.tag == _CORE + "int":
        try:
            value = int(str(node.value).replace("_", ""), 0)
        except ValueError:
            value = 0
        if value >= 1:
            return value
    ctx.error(node, f"{what} must be a whole number of at least 1")
    return None


def _texts(node: Node | None, ctx: _Ctx, what: str) -> list[tuple[Node, str]] | None:
    items = _list(node, ctx, what)
    if items is None:
        return None
    out = []
    for item in items:
        value = _text(item, ctx, f"each item of {what}")
        if value is not None:
            out.append((item, value))
    return out


# --------------------------------------------------------------------------- bank metadata


@dataclass
class _Meta:
    node: Node
    ctx: _Ctx
    id: str | None = None
    title: str = ""
    deck: str = ""
    credit: str = ""
    disclaimer: str = ""
    summary: tuple[str, ...] = ()
    paper: str | None = None
    meeting_quiz_count: int | None = None
    publish_url: str | None = None
    article: Article | None = None
    facts: dict[str, Fact] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    safety_notes: tuple[SafetyNote, ...] = ()
    sites: EvidenceSites = field(default_factory=EvidenceSites)
    language: str = DEFAULT_LANGUAGE
    translates: str | None = None
    translation: Translation | None = None
    # the inventory, and the article's sections, are lists: a fact or section they lack is the
    # question's mistake (else the bank's, reported once)
    facts_read: bool = False
    sections_read: bool = False

    @cached_property
    def section_ids(self) -> frozenset[str]:
        """The ids of the article's sections (read once the article is known)."""
        return frozenset(s.id for s in self.article.sections) if self.article is not None else frozenset()


def _read_url(node: Node | None, ctx: _Ctx, what: str = "article url") -> str | None:
    url = _text(node, ctx, what)
    if url is not None and not url.lower().startswith(("https://", "http://")):
        ctx.error(node, f"{what} must start with https:// or http://, not '{url[:40]}'")
        return None
    return url


_SHA256_RE = re.compile(SHA256_PATTERN)


def _read_article_text_keys(a: dict[str, Node], ctx: _Ctx, meta: _Meta) -> tuple[str | None, str | None]:
    """`text` (where the article's plain text is kept) and `sha256` (its digest), with their places."""
    text_path = _text(a.get("text"), ctx, "article text") if "text" in a else None
    sha256 = _text(a.get("sha256"), ctx, "article sha256") if "sha256" in a else None
    if sha256 is not None and not _SHA256_RE.match(sha256):
        ctx.error(
            a["sha256"], "article sha256 must be 64 hexadecimal digits (the SHA-256 of the article text)"
        )
        sha256 = None
    meta.sites.text = ctx.loc(a["text"]) if "text" in a else None
    meta.sites.sha256 = ctx.loc(a["sha256"]) if "sha256" in a else None
    return text_path, sha256.lower() if sha256 else None


def _read_references(node: Node | None, ctx: _Ctx, meta: _Meta) -> None:
    for rnode in _list(node, ctx, "references") or []:
        r = _mapping(rnode, ctx, "reference", REFERENCE_KEYS)
        if r is None:
            continue
        rid = _text(r.get("id"), ctx, "reference id")
        title = _text(r.get("title"), ctx, "reference title")
        publisher = _text(r.get("publisher"), ctx, "reference publisher")
        url = _read_url(r.get("url"), ctx, "reference url")
        if rid is None or title is None or publisher is None or url is None:
            continue
        if rid in meta.references:
            ctx.error(r["id"], f"duplicate reference id '{rid}'")
            continue
        meta.references[rid] = Reference(rid, title, publisher, url)


def _reference_id(node: Node | None, ctx: _Ctx, meta: _Meta, what: str) -> str | None:
    rid = _text(node, ctx, what)
    if rid is not None and rid not in meta.references:
        ctx.error(node, f"{what} '{rid}' is not one of the bank's references{_suggest(rid, meta.references)}")
        return None
    return rid


def _read_safety_notes(node: Node | None, ctx: _Ctx, meta: _Meta) -> None:
    notes = []
    for nnode in _list(node, ctx, "safety notes") or []:
        n = _mapping(nnode, ctx, "safety note", SAFETY_NOTE_KEYS)
        if n is None:
            continue
        text = _text(n.get("text"), ctx, "safety note text")
        rid = _reference_id(n.get("reference"), ctx, meta, "safety note reference")
        if text is not None and rid is not None:
            notes.append(SafetyNote(text, rid))
    meta.safety_notes = tuple(notes)


def _read_meta(node: Node, ctx: _Ctx) -> _Meta:
    meta = _Meta(node, ctx)
    m = _mapping(node, ctx, "bank", BANK_KEYS)
    if m is None:
        return meta
    bank_id = _text(m.get("id"), ctx, "bank id")
    if bank_id is not None and not BANK_ID_RE.match(bank_id):
        ctx.error(m["id"], f"bank id '{bank_id}' may hold only lowercase letters, digits and '-'")
    elif bank_id is not None and len(bank_id) > MAX_BANK_ID_CHARS:
        ctx.error(m["id"], f"bank id is {len(bank_id)} characters long; the limit is {MAX_BANK_ID_CHARS}")
    meta.id = bank_id
    meta.title = _text(m.get("title"), ctx, "bank title") or ""
    meta.deck = _text(m.get("deck"), ctx, "deck name") or ""
    if meta.deck and any(not part.strip() for part in meta.deck.split("::")):
        ctx.error(
            m["deck"], f"deck name '{meta.deck}' has an empty part between '::' (Anki would name it 'blank')"
        )
    meta.credit = _text(m.get("credit"), ctx, "credit") or ""
    meta.disclaimer = _text(m.get("disclaimer"), ctx, "disclaimer") or ""
    if "summary" in m:
        meta.summary = tuple(t for _, t in _texts(m["summary"], ctx, "summary") or [])
    if "paper" in m:
        paper = _text(m["paper"], ctx, "paper")
        if paper is not None and paper not in PAPERS:
            ctx.error(m["paper"], f"paper must be one of {', '.join(PAPERS)}, not '{paper}'")
        elif paper is not None:
            meta.paper = paper
    if "publish_url" in m:
        meta.publish_url = _read_url(m["publish_url"], ctx, "publish_url")
    if "meeting_quiz_count" in m:
        meta.meeting_quiz_count = _positive_int(m["meeting_quiz_count"], ctx, "meeting_quiz_count")
    sections: list[Section] = []
    if "article" in m:
        a = _mapping(m["article"], ctx, "article", ARTICLE_KEYS)
        if a is not None:
            seen: dict[str, Node] = {}
            section_nodes = _list(a.get("sections"), ctx, "article sections")
            meta.sections_read = section_nodes is not None
            for snode in section_nodes or []:
                s = _mapping(snode, ctx, "section", SECTION_KEYS)
                if s is None:
                    continue
                sid, stitle = (
                    _text(s.get("id"), ctx, "section id"),
                    _text(s.get("title"), ctx, "section title"),
                )
                if sid is None or stitle is None:
                    continue
                if sid in seen:
                    ctx.error(
                        s["id"],
                        f"duplicate section id '{sid}' (first at line {seen[sid].start_mark.line + 1})",
                    )
                    continue
                seen[sid] = s["id"]
                sections.append(Section(sid, stitle))
                meta.sites.section_titles[sid] = ctx.loc(s["title"])
            if "sections" in a and not sections and not any(p.severity == "error" for p in ctx.problems):
                ctx.error(a["sections"], "the article needs at least one section")
            text_path, sha256 = _read_article_text_keys(a, ctx, meta)
            meta.sites.article = ctx.loc(m["article"])
            meta.article = Article(
                title=_text(a.get("title"), ctx, "article title") or "",
                sections=tuple(sections),
                url=_read_url(a.get("url"), ctx),
                text_path=text_path,
                sha256=sha256,
            )
    if "references" in m:
        _read_references(m["references"], ctx, meta)
    section_ids = {s.id for s in sections}
    fact_nodes = _list(m.get("facts"), ctx, "facts")
    meta.facts_read = fact_nodes is not None
    for fnode in fact_nodes or []:
        f = _mapping(fnode, ctx, "fact", FACT_KEYS)
        if f is None:
            continue
        fid = _text(f.get("id"), ctx, "fact id")
        origin = [k for k in FACT_ORIGIN_KEYS if k in f]
        if len(origin) != 1:
            ctx.error(
                fnode,
                "a fact comes either from an article 'section' or from a named 'reference': give one"
                + (", not both" if origin else ""),
            )
            continue
        fsection = _text(f.get("section"), ctx, "fact section") if "section" in f else None
        freference = (
            _reference_id(f.get("reference"), ctx, meta, "fact reference") if "reference" in f else None
        )
        ftext = _text(f.get("text"), ctx, "fact text")
        omitted = _text(f.get("omitted"), ctx, "omitted reason") if "omitted" in f else None
        if fid is None or (fsection is None and freference is None) or ftext is None:
            continue
        if fid in meta.facts:
            ctx.error(f["id"], f"duplicate fact id '{fid}'")
            continue
        if fsection is not None and section_ids and fsection not in section_ids:
            ctx.error(
                f["section"],
                f"fact section '{fsection}' is not a section of the article{_suggest(fsection, section_ids)}",
            )
        meta.facts[fid] = Fact(fid, fsection, ftext, omitted, freference)
    if "safety_notes" in m:
        _read_safety_notes(m["safety_notes"], ctx, meta)
    _read_translation_keys(m, ctx, meta)
    return meta


def _read_translation_keys(m: dict[str, Node], ctx: _Ctx, meta: _Meta) -> None:
    """`language`, and for a translation `translates` and `translation` (with where things are,
    so parity messages can point at them)."""
    if "language" in m:
        language = _text(m["language"], ctx, "language")
        if language is not None and not LANGUAGE_RE.match(language):
            ctx.error(
                m["language"], f"language '{language}' is not a BCP 47 tag such as 'en', 'es' or 'es-MX'"
            )
        elif language is not None:
            meta.language = language
    if "translates" in m:
        translates = _text(m["translates"], ctx, "translates")
        if translates is not None and translates == meta.id:
            ctx.error(
                m["translates"], "a translation needs its own bank id, not the id of the bank it translates"
            )
        meta.translates = translates
    if ("translates" in m) != ("translation" in m):
        ctx.error(
            m.get("translates") or m["translation"],
            "a translation gives both 'translates' (the original bank's id) and 'translation' "
            "({method, reviewed_by})",
        )
    if "translation" not in m:
        return
    t = _mapping(m["translation"], ctx, "translation", TRANSLATION_KEYS)
    if t is None:
        return
    method = _text(t.get("method"), ctx, "translation method")
    reviewer: Reviewer | None = None
    rnode = t.get("reviewed_by")
    if rnode is not None and not (isinstance(rnode, ScalarNode) and rnode.tag == _CORE + "null"):
        r = _mapping(rnode, ctx, "reviewed_by", REVIEWER_KEYS)
        if r is not None:
            name = _text(r.get("name"), ctx, "reviewer name")
            qualification = _text(r.get("qualification"), ctx, "reviewer qualification")
            date = _text(r.get("date"), ctx, "review date")
            if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                ctx.error(r["date"], f"review date must be written YYYY-MM-DD, not '{date}'")
            elif name is not None and qualification is not None and date is not None:
                reviewer = Reviewer(name, qualification, date)
    sites: dict[str, Location] = {"translates": ctx.loc(m.get("translates") or m["translation"])}
    for key in ("summary", "facts", "references", "safety_notes"):
        if key in m:
            sites[key] = ctx.loc(m[key])
    if "article" in m and isinstance(m["article"], MappingNode):
        for knode, vnode in m["article"].value:
            if isinstance(knode, ScalarNode) and knode.value == "sections":
                sites["sections"] = ctx.loc(vnode)
    facts = m.get("facts")  # already checked by _read_meta: read here only for locations
    for fnode in facts.value if isinstance(facts, SequenceNode) else []:
        if isinstance(fnode, MappingNode):
            for knode, vnode in fnode.value:
                if isinstance(knode, ScalarNode) and knode.value == "id" and isinstance(vnode, ScalarNode):
                    sites.setdefault(f"fact:{vnode.value}", ctx.loc(fnode))
    if method is not None:
        meta.translation = Translation(method, reviewer, sites)


# --------------------------------------------------------------------------- questions


_QUESTION_TYPES: dict[str, QuestionType] = {t.value: t for t in QuestionType}
# Per question type, the keys its questions may have and what messages call it; while the type is
# unknown (None), a key of any type is allowed.
_QUESTION_SPECS: dict[QuestionType | None, tuple[KeyTable, str]] = {
    **{t: ({**COMMON_QUESTION_KEYS, **TYPE_KEYS[t]}, f"{t.value} question") for t in QuestionType},
    None: (
        {**COMMON_QUESTION_KEYS, **{k: _OPTIONAL for k in ALL_QUESTION_KEYS - set(COMMON_QUESTION_KEYS)}},
        "question",
    ),
}


def _read_question(node: Node, ctx: _Ctx, meta: _Meta | None) -> Question | None:
    if not isinstance(node, MappingNode):
        ctx.error(node, f"each question must be a mapping of keys to values, not {_kind(node)}")
        return None
    qtype: QuestionType | None = None
    tnode = None
    for knode, vnode in node.value:  # the last 'type' counts (a repeated key is reported below)
        if isinstance(knode, ScalarNode) and knode.value == "type":
            tnode = vnode
    if tnode is not None:
        tvalue = _text(tnode, ctx, "question type")
        if tvalue is not None:
            qtype = _QUESTION_TYPES.get(tvalue)
            if qtype is None:
                names = [t.value for t in QuestionType]
                ctx.error(
                    tnode,
                    f"unknown question type '{tvalue}'{_suggest(tvalue, names)}; "
                    f"use one of {', '.join(names)}",
                )
    spec, what = _QUESTION_SPECS[qtype]
    m = _mapping(node, ctx, what, spec)
    if m is None:
        return None
    qid = _text(m.get("id"), ctx, "question id")
    if qid is not None and not ID_RE.match(qid):
        ctx.error(m["id"], f"question id '{qid}' may hold only letters, digits, '.', '_' and '-'")
        qid = None
    explanation = _text(m.get("explanation"), ctx, "explanation", empty_ok=True)
    source = _read_source(m.get("source"), ctx, meta)
    tags = []
    for tn, tag in _texts(m.get("tags"), ctx, "tags") or []:
        if not TAG_RE.match(tag):
            ctx.error(tn, f"tag '{tag}' may hold only lowercase letters, digits and '-' (no spaces)")
        else:
            tags.append(tag)
    difficulty = None
    if "difficulty" in m:
        dvalue = _text(m["difficulty"], ctx, "difficulty")
        if dvalue is not None:
            try:
                difficulty = Difficulty(dvalue)
            except ValueError:
                ctx.error(m["difficulty"], f"difficulty must be easy, medium or hard, not '{dvalue}'")
    hint = _text(m.get("hint"), ctx, "hint") if "hint" in m else None
    evidence = _read_evidence(m["evidence"], ctx) if "evidence" in m else ()
    related: list[str] = []
    for rnode, rid in _texts(m.get("related"), ctx, "related") or []:
        if rid == qid:
            ctx.error(rnode, f"question '{rid}' lists itself as related")
        else:
            related.append(rid)
    keep_order = bool(_bool(m["keep_order"], ctx, "keep_order")) if "keep_order" in m else False
    translated_from = None
    if "translated_from" in m:
        translated_from = _text(m["translated_from"], ctx, "translated_from")
        if meta is not None and meta.translates is None and translated_from is not None:
            ctx.error(
                m["translated_from"],
                "translated_from belongs in a translation: the bank names no original with 'translates'",
            )
        elif translated_from is not None and not FINGERPRINT_RE.match(translated_from):
            ctx.error(
                m["translated_from"],
                f"translated_from '{translated_from}' is not a fingerprint (12 hex digits, "
                "as `quizgen fingerprints` prints them)",
            )
            translated_from = None
    if qtype is None:
        return None
    prompt_key = {QuestionType.CLOZE: "text", QuestionType.FLASHCARD: "front"}.get(qtype, "prompt")
    prompt = _text(m.get(prompt_key), ctx, prompt_key)
    fields: dict[str, object] = {}
    ok = True
    if qtype in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_SELECT):
        ok = _read_options(qtype, m, ctx, prompt, fields)
    elif qtype is QuestionType.TRUE_FALSE:
        anode = m.get("answer")
        if anode is not None:
            if isinstance(anode, ScalarNode) and anode.tag == _BOOL_TAG:
                fields["truth"] = anode.value.lower() in _TRUE_WORDS
            else:
                ctx.error(anode, "a true_false answer must be true or false")
                ok = False
    elif qtype is QuestionType.CLOZE:
        ok = prompt is not None and _check_cloze(m["text"], prompt, ctx)
    elif qtype is QuestionType.SHORT_ANSWER:
        answers = _texts(m.get("answers"), ctx, "answers")
        if answers is not None and not answers and not (m["answers"].value):
            ctx.error(m["answers"], "a short_answer question needs at least one accepted answer")
        fields["accepted"] = tuple(t for _, t in answers or [])
        ok = bool(answers)
    elif qtype is QuestionType.FLASHCARD:
        fields["back"] = _text(m.get("back"), ctx, "back")
        ok = fields["back"] is not None
    if explanation is not None and prompt is not None:
        _check_explanation(m["explanation"], explanation, prompt, ctx)
    if qid is None or prompt is None or explanation is None or source is None or not ok:
        return None
    return Question(
        id=qid,
        type=qtype,
        prompt=prompt,
        explanation=explanation,
        source=source,
        tags=tuple(tags),
        difficulty=difficulty,
        hint=hint,
        evidence=evidence,
        keep_order=keep_order,
        related=tuple(dict.fromkeys(related)),
        translated_from=translated_from,
        location=ctx.loc(node),
        **fields,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- the plain case
# Nearly every question of a big bank is well formed. `_plain_question` reads such a question with
# far fewer steps than `_read_question`, and gives up (None, reporting nothing) at the first thing
# that is not plainly right, so that `_read_question` reads it again and reports as it always has:
# whatever it returns is what `_read_question` would return, with no problem found. The checks
# that cost most to restate (options, cloze deletions, quotes, the explanation) are the very
# functions `_read_question` calls, run into a scratch list that must stay empty.

#: False reads every question the long way (the tests compare the two)
PLAIN_PATH = True
# the keys a question of each type may have, and the keys it must have
_PLAIN_KEYS: dict[QuestionType, tuple[frozenset[str], frozenset[str]]] = {
    t: (frozenset(spec), frozenset(k for k, key in spec.items() if key.required))
    for t, (spec, _) in _QUESTION_SPECS.items()
    if t is not None
}
_SOURCE_KEYS = (frozenset(SOURCE_KEYS), frozenset(k for k, key in SOURCE_KEYS.items() if key.required))
_DIFFICULTIES: dict[str, Difficulty] = {d.value: d for d in Difficulty}
_PROMPT_KEYS = {QuestionType.CLOZE: "text", QuestionType.FLASHCARD: "front"}


def _plain_text(node: Node | None) -> str | None:
    """The text `_text` reads from `node` when it reports nothing and the text is not empty."""
    if not isinstance(node, ScalarNode) or node.tag not in TEXT_TAGS:
        return None
    value: str = node.value.strip()
    if not value or len(value) > MAX_TEXT_CHARS:
        return None
    if (value.isascii() and value.isprintable()) or (
        control_character(value) is None and invisible_character(value) is None
    ):
        return value
    return None


def _plain_texts(node: Node | None) -> list[str] | None:
    """The texts of a list `_texts` reads when it reports nothing (None unless every item is one)."""
    if not isinstance(node, SequenceNode):
        return None
    out = []
    for item in node.value:
        value = _plain_text(item)
        if value is None:
            return None
        out.append(value)
    return out


def _plain_mapping(node: Node | None) -> dict[str, Node] | None:
    """A mapping's values by key when its keys are text, none repeated (the caller checks which
    keys `_mapping` would allow)."""
    if not isinstance(node, MappingNode):
        return None
    out: dict[str, Node] = {}
    for knode, vnode in node.value:
        if not isinstance(knode, ScalarNode) or knode.tag not in TEXT_TAGS:
            return None
        out[knode.value] = vnode
    return out if len(out) == len(node.value) else None


def _plain_keys(m: dict[str, Node], keys: tuple[frozenset[str], frozenset[str]]) -> bool:
    """Whether `_mapping` would find the keys of `m` right: each one allowed, every required one there."""
    allowed, required = keys
    return m.keys() <= allowed and required <= m.keys()


def _plain_question(node: Node, ctx: _Ctx, meta: _Meta) -> Question | None:
    """The question `_read_question` reads from `node` when it finds no problem at all; None (and
    nothing reported) when there may be one, or when the question is not of the plain kinds."""
    m = _plain_mapping(node)
    if m is None or meta.article is None:
        return None
    tnode = m.get("type")
    if not isinstance(tnode, ScalarNode) or tnode.tag not in TEXT_TAGS:
        return None
    qtype = _QUESTION_TYPES.get(tnode.value)
    if qtype is None or not _plain_keys(m, _PLAIN_KEYS[qtype]) or "translated_from" in m:
        return None
    qid = _plain_text(m.get("id"))
    explanation = _plain_text(m.get("explanation"))
    prompt = _plain_text(m.get(_PROMPT_KEYS.get(qtype, "prompt")))
    if qid is None or explanation is None or prompt is None or not ID_RE.match(qid):
        return None
    # the source: a section of the article, facts of the inventory (none omitted, none of another
    # section)
    s = _plain_mapping(m.get("source"))
    if s is None or not _plain_keys(s, _SOURCE_KEYS):
        return None
    section = _plain_text(s.get("section"))
    facts = _plain_texts(s.get("facts"))
    if section is None or not facts or section not in meta.section_ids:
        return None
    for fid in facts:
        fact = meta.facts.get(fid)
        if fact is None or fact.omitted is not None or (fact.section and fact.section != section):
            return None
    tags = _plain_texts(m.get("tags"))
    if tags is None or not all(map(TAG_RE.match, tags)):
        return None
    fields: dict[str, object] = {}
    if "difficulty" in m:
        difficulty = _DIFFICULTIES.get(_plain_text(m["difficulty"]) or "")
        if difficulty is None:
            return None
        fields["difficulty"] = difficulty
    if "hint" in m:
        fields["hint"] = hint = _plain_text(m["hint"])
        if hint is None:
            return None
    if "related" in m:
        related = _plain_texts(m["related"])
        if related is None or qid in related:
            return None
        fields["related"] = tuple(dict.fromkeys(related))
    if "keep_order" in m:
        knode = m["keep_order"]
        if not isinstance(knode, ScalarNode) or knode.tag != _BOOL_TAG:
            return None
        fields["keep_order"] = knode.value.lower() in _TRUE_WORDS
    # the checks shared with `_read_question` report into a scratch list, which must stay empty
    scratch: list[Problem] = []
    quiet = _Ctx(ctx.path, scratch)
    if "evidence" in m:
        fields["evidence"] = _read_evidence(m["evidence"], quiet)
        if not fields["evidence"]:
            return None
    if qtype is QuestionType.FLASHCARD:
        fields["back"] = back = _plain_text(m.get("back"))
        if back is None:
            return None
    elif qtype is QuestionType.TRUE_FALSE:
        anode = m.get("answer")
        if not isinstance(anode, ScalarNode) or anode.tag != _BOOL_TAG:
            return None
        fields["truth"] = anode.value.lower() in _TRUE_WORDS
    elif qtype is QuestionType.SHORT_ANSWER:
        accepted = _plain_texts(m.get("answers"))
        if not accepted:
            return None
        fields["accepted"] = tuple(accepted)
    elif qtype is QuestionType.CLOZE:
        if not _check_cloze(m["text"], prompt, quiet):
            return None
    else:
        options = m.get("options")
        # too many options: the long way says so (and is quadratic in them: read them once only)
        if not isinstance(options, SequenceNode) or len(options.value) > MAX_OPTIONS:
            return None
        if not _read_options(qtype, m, quiet, prompt, fields):
            return None
    if scratch or _repeats_prompt(explanation, prompt):
        return None
    return Question(
        id=qid,
        type=qtype,
        prompt=prompt,
        explanation=explanation,
        source=Source(section, tuple(facts)),
        tags=tuple(tags),
        location=ctx.loc(node),
        **fields,  # type: ignore[arg-type]
    )


def _read_evidence(node: Node, ctx: _Ctx) -> tuple[str, ...]:
    quotes = _texts(node, ctx, "evidence")
    if quotes is None:
        return ()
    if not quotes and not node.value:
        ctx.error(node, "evidence must hold at least one quote (or leave the key out)")
    for qnode, quote in quotes:
        n = word_count(quote)
        if n > QUOTE_MAX_WORDS:
            ctx.error(
                qnode,
                f"quote has {n} words: keep each quote to at most {QUOTE_MAX_WORDS} words "
                "(the sentences that support the answer)",
            )
    return tuple(q for _, q in quotes)


def _quote_locations(node: Node, ctx: _Ctx) -> tuple[Location, ...]:
    """Where each quote of a question's `evidence` is written."""
    for knode, vnode in node.value:
        if isinstance(knode, ScalarNode) and knode.value == "evidence" and isinstance(vnode, SequenceNode):
            return tuple(ctx.loc(item) for item in vnode.value)
    return ()


def _read_source(node: Node | None, ctx: _Ctx, meta: _Meta | None) -> Source | None:
    if node is None:
        return None
    s = _mapping(node, ctx, "source", SOURCE_KEYS)
    if s is None:
        return None
    section = _text(s.get("section"), ctx, "source section")
    facts = _texts(s.get("facts"), ctx, "source facts")
    if facts is not None and not facts and "facts" in s and not s["facts"].value:
        ctx.error(s["facts"], "source facts must name at least one fact of the inventory")
    if (
        meta is not None
        and meta.article is not None
        and meta.sections_read
        and section is not None
        and section not in meta.section_ids
    ):
        ids = [x.id for x in meta.article.sections]
        ctx.error(
            s["section"],
            f"source section '{section}' is not a section of the article{_suggest(section, ids)}",
        )
        section = None
    if meta is not None and meta.facts_read and facts:
        for fnode, fid in facts:
            fact = meta.facts.get(fid)
            if fact is None:
                ctx.error(
                    fnode, f"fact '{fid}' is not in the bank's facts inventory{_suggest(fid, meta.facts)}"
                )
            elif fact.omitted is not None:
                ctx.error(fnode, f"cites omitted fact '{fid}' (omitted: {fact.omitted})")
            elif section is not None and fact.section and fact.section != section:
                ctx.warn(
                    fnode,
                    f"cites fact '{fid}' of section '{fact.section}', but the question's source section "
                    f"is '{section}': cite a fact of that section, or change the section",
                )
    if section is None or not facts:
        return None
    return Source(section, tuple(f for _, f in facts))


def _option_hint(answer: str, options: list[str]) -> str:
    """What follows "answer ... is not one of the options": the close option it may mean, else
    how to write one (an answer that is no typo of an option is often a rewording of it)."""
    return _suggest(answer, options) or ": copy the right option's text into the answer, word for word"


def _read_options(
    qtype: QuestionType, m: dict[str, Node], ctx: _Ctx, prompt: str | None, fields: dict[str, object]
) -> bool:
    options = _texts(m.get("options"), ctx, "options")
    if options is None:
        return False
    ok = True
    if len(options) < 2 and "options" in m and len(m["options"].value) < 2:
        ctx.error(m["options"], f"a {qtype.value} question needs at least 2 options, it has {len(options)}")
        ok = False
    if len(options) > MAX_OPTIONS:
        ctx.error(
            m["options"], f"a question may have at most {MAX_OPTIONS} options (A to Z), it has {len(options)}"
        )
        ok = False
    seen: dict[str, int] = {}
    for i, (onode, text) in enumerate(options):
        key = normalise(text)
        if key in seen:
            ctx.error(onode, f"repeated option '{text}' (same as option {seen[key] + 1})")
            ok = False
        else:
            seen[key] = i
        if ABOVE_RE.search(text):
            ctx.warn(onode, f"option '{text}': avoid 'all/none of the above' (NBME item-writing guide)")
    texts = [t for _, t in options]
    correct: list[int] = []
    if qtype is QuestionType.MULTIPLE_CHOICE:
        anode = m.get("answer")
        answer = _text(anode, ctx, "answer")
        if answer is not None:
            if answer in texts:
                correct = [texts.index(answer)]
            else:
                ctx.error(anode, f"answer '{answer}' is not one of the options{_option_hint(answer, texts)}")
                ok = False
    else:
        answers = _texts(m.get("answers"), ctx, "answers")
        if answers is not None:
            if not answers and not m["answers"].value:
                ctx.error(
                    m["answers"], "a multiple_select question needs at least one correct option in 'answers'"
                )
                ok = False
            for anode, answer in answers:
                if answer not in texts:
                    ctx.error(
                        anode, f"answer '{answer}' is not one of the options{_option_hint(answer, texts)}"
                    )
                    ok = False
                elif texts.index(answer) in correct:
                    ctx.error(anode, f"answer '{answer}' is listed twice")
                else:
                    correct.append(texts.index(answer))
        else:
            ok = False
    if prompt is not None and "prompt" in m:
        for word in NEGATIVE_RE.findall(prompt):
            if word != word.upper():
                ctx.warn(
                    m["prompt"],
                    f"negative stem: write '{word.upper()}' in capitals so no reader misses it, or reword",
                )
                break
    if qtype is QuestionType.MULTIPLE_CHOICE and len(correct) == 1 and len(texts) >= 2:
        right = len(texts[correct[0]])
        others = [len(t) for i, t in enumerate(texts) if i != correct[0]]
        mean = sum(others) / len(others)
        if right > 1.5 * mean and right - mean > 10:
            ctx.warn(
                options[correct[0]][0],
                f"the correct option is much longer than the others ({right} vs about {mean:.0f} "
                "characters): length gives it away",
            )
    if ok and correct:
        fields["options"] = tuple(texts)
        fields["correct"] = tuple(sorted(correct))
        return True
    return False


def _check_cloze(node: Node, text: str, ctx: _Ctx) -> bool:
    deletions = list(CLOZE_RE.finditer(text))
    if not deletions and "{{" not in text:
        ctx.error(node, "a cloze text needs at least one deletion like {{c1::answer}}")
        return False
    ok = True
    for d in deletions:
        digits = d.group(1)
        if len(digits) > len(str(MAX_CLOZE_NUMBER)) or int(digits) > MAX_CLOZE_NUMBER:
            shown = digits if len(digits) <= 12 else f"{digits[:12]}..."
            ctx.error(
                node,
                f"cloze deletion number c{shown} is too large (Anki numbers cards from c1 to "
                f"c{MAX_CLOZE_NUMBER})",
            )
            ok = False
            continue
        if int(digits) < 1:
            ctx.error(node, f"cloze deletion '{d.group(0)}': numbers start at c1")
            ok = False
        if not d.group(2).strip() or "{{" in d.group(2) or "}}" in (d.group(3) or ""):
            ctx.error(node, f"malformed cloze deletion '{d.group(0)}': empty or nested")
            ok = False
    rest = CLOZE_RE.sub("", text)
    if "{{" in rest or "}}" in rest:
        at = rest.find("{{") if "{{" in rest else rest.find("}}")
        ctx.error(node, f"malformed cloze deletion near '{rest[at : at + 24]}': write {{{{c1::answer}}}}")
        ok = False
    return ok


def _check_explanation(node: Node, explanation: str, prompt: str, ctx: _Ctx) -> None:
    if not explanation:
        ctx.warn(node, "the explanation is empty: say why the answer is right")
    elif _repeats_prompt(explanation, prompt):
        ctx.warn(node, "the explanation repeats the prompt: say why the answer is right")


def _repeats_prompt(explanation: str, prompt: str) -> bool:
    """Whether the explanation says nothing new: the same words as the prompt (nearly all of them,
    in about the same number)."""
    e, shown = normalise(explanation), cloze_blanked(prompt, reveal=True)
    if _plainly_new(e, shown):
        return False
    p = normalise(shown)
    e_words, p_words = set(e.split()), set(p.split())
    repeats = e == p or (len(e) > 20 and e in p)
    if not repeats and e_words and len(e_words) <= len(p_words) + 2:
        repeats = len(e_words & p_words) >= 0.9 * len(e_words | p_words)
    return repeats


def _plainly_new(e: str, prompt: str) -> bool:
    """True when the normalised explanation `e` plainly does not repeat an ASCII `prompt`, so the
    test need not normalise the prompt: more than a tenth of e's words are not even inside
    the prompt's lowercased text.

    Each word of the normalised prompt is a run of that text, so a missing word is not one of
    its words nor part of one: `e` is neither the prompt nor a part of it; and with n words in
    `e`, m of them missing (10m > n), the k words both share number at most n - m < 9m, so k is
    less than 0.9 (k + m), which is at most 0.9 times all their words.
    """
    if not prompt.isascii():
        return False
    words = set(e.split())
    text = prompt.lower()
    missing = 0
    for word in words:
        if word not in text:
            missing += 1
            if 10 * missing > len(words):
                return True
    return False


# --------------------------------------------------------------------------- banks


def check_banks(
    paths: Sequence[Path] | None = None,
    *,
    article: Path | None = None,
    groups: Sequence[Sequence[Path]] | None = None,
    contents: dict[Path, bytes] | None = None,
    article_reads: ArticleReads | None = None,
) -> Report:
    """Read and validate banks; never raises for bad content (only UsageError for missing paths).

    Quotes are checked against the article text each bank records (`article.text`), or `article`.
    `groups`: the bank files `find_bank_files(paths)` found, when the caller found them already;
    `contents`: bytes the caller read of some of them, by path, checked instead of reading the file
    (the cache of validated banks keys its entry by them). Each is taken out of `contents` when its
    file is read, so it is held no longer than the file's own nodes. `article_reads`: the article
    texts read so far, by absolute path (each text is read once; those read now are added to it).
    """
    if article_reads is None:
        article_reads = {}
    problems: list[Problem] = []
    banks: list[Bank] = []
    seen_questions: dict[str, Location] = {}
    seen_banks: dict[str, Location] = {}
    nfiles = 0
    # YAML node trees hold no reference cycles (aliases are refused), but the cyclic collector
    # would still walk them again and again while a big bank is read: pause it meanwhile. Then
    # count what was made meanwhile as old, as two collections would have, without walking it:
    # it is mostly the banks, which live on (their first two collections took about 45 ms at
    # 20,000 questions). freeze() moves every tracked object out of the generations and
    # unfreeze() into the oldest; not when the process keeps objects frozen itself.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for files in find_bank_files(paths) if groups is None else groups:
            nfiles += len(files)
            bank = _load_one(files, problems, seen_questions, seen_banks, article, contents, article_reads)
            if bank is not None:
                banks.append(bank)
                problems.extend(lint_bank(bank))
        problems.extend(_check_translations(banks))
    finally:
        if gc_was_enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
    return Report(banks, sorted(problems), nfiles)


def _check_translations(banks: list[Bank]) -> list[Problem]:
    """Compare every translation with its original: one of the banks being read, or else a bank
    folder beside the translation's (so `validate questions/x-es` alone checks it against x)."""
    problems: list[Problem] = []
    for bank in banks:
        if bank.translates is None or bank.translation is None:
            continue
        original = original_of(bank, banks)
        at = bank.translation.sites["translates"]
        if original is None:
            problems.append(
                Problem(
                    at,
                    f"translates '{bank.translates}': no bank with this id is being read or lies beside "
                    f"this one{_suggest(bank.translates, [b.id for b in banks if b.id != bank.id])}",
                )
            )
        elif original.translates is not None:
            problems.append(
                Problem(
                    at, f"translates '{bank.translates}', which is itself a translation: name the original"
                )
            )
        else:
            problems.extend(check_translation(original, bank))
    return problems


def original_of(translation: Bank, banks: Sequence[Bank]) -> Bank | None:
    """The bank `translation` translates: one of `banks`, or else a bank beside it (None if neither)."""
    if translation.translates is None:
        return None
    for b in banks:
        if b.id == translation.translates:
            return b
    return _original_beside(translation)


def _original_beside(translation: Bank) -> Bank | None:
    """The bank `translation` translates, when it lies in a folder beside the translation's."""
    if translation.root is None or not translation.files:
        return None
    for files in find_bank_files([folder_beside(translation.root, translation.files)]):
        if display_path(files[0]) in translation.files:
            continue
        head = next((f for f in files if f.name in BANK_FILE_NAMES), files[0])
        text = head.read_text(encoding="utf-8", errors="replace")
        if not re.search(rf"^\s+id:\s*[\"']?{re.escape(translation.translates or '')}[\"']?\s*$", text, re.M):
            continue
        bank = _load_one(files, [], {}, {})
        if bank is not None and bank.id == translation.translates:
            return bank
    return None


def load_banks(
    paths: Sequence[Path] | None = None,
    *,
    strict: bool = False,
    article: Path | None = None,
    article_reads: ArticleReads | None = None,
) -> list[Bank]:
    """Load banks, raising BankError with every problem when any error (or warning, if strict)."""
    report = check_banks(paths, article=article, article_reads=article_reads)
    if report.errors or (strict and report.warnings):
        raise BankError(report.problems)
    return report.banks


def _claim_id_of_broken_question(qnode: Node, ctx: _Ctx, seen: dict[str, Location]) -> None:
    """A question with a problem is not read, but its id is taken all the same: a repeated id is
    reported with the question's other problems (not only once they are fixed), either way round."""
    m = _plain_mapping(qnode)
    qid = _plain_text(m.get("id")) if m is not None else None
    if qid is None or not ID_RE.match(qid):
        return
    if qid in seen:
        ctx.error(qnode, f"duplicate question id '{qid}' (first at {seen[qid]})")
    else:
        seen[qid] = ctx.loc(qnode)


def _read_questions(
    ctx: _Ctx, top: dict[str, Node], meta: _Meta, questions: list[Question], seen: dict[str, Location]
) -> None:
    """Read the questions of one file into `questions`; `seen` holds the ids read so far."""
    if "questions" not in top:
        return
    for qnode in _list(top["questions"], ctx, "questions") or []:
        q = _plain_question(qnode, ctx, meta) if PLAIN_PATH else None
        if q is None:
            q = _read_question(qnode, ctx, meta)
        if q is None:
            _claim_id_of_broken_question(qnode, ctx, seen)
            continue
        if q.id in seen:
            ctx.error(qnode, f"duplicate question id '{q.id}' (first at {seen[q.id]})")
            continue
        seen[q.id] = q.location
        questions.append(q)
        if q.evidence:
            meta.sites.quotes[q.id] = _quote_locations(qnode, ctx)


def _misspelt_top_key(root: Node) -> bool:
    """Whether a key of a bank file's top mapping was reported with "did you mean 'bank'" or
    "'questions'" (which says what is wrong more precisely than "needs a 'bank:' mapping")."""
    return isinstance(root, MappingNode) and any(
        isinstance(k, ScalarNode) and k.value not in FILE_KEYS and _closest(k.value, FILE_KEYS) is not None
        for k, _ in root.value
    )


def _load_one(
    files: Sequence[Path],
    problems: list[Problem],
    seen_questions: dict[str, Location],
    seen_banks: dict[str, Location],
    article: Path | None = None,
    contents: dict[Path, bytes] | None = None,
    article_reads: ArticleReads | None = None,
) -> Bank | None:
    before = len([p for p in problems if p.severity == "error"])
    # Files whose questions wait for the bank's metadata. Once it is known (bank.yaml usually comes
    # first), each file's questions are read as soon as it is parsed and its nodes dropped, so a
    # big bank holds the nodes of one file at a time; a file after one that waits waits too, so
    # questions are always read in file order.
    parsed: list[tuple[_Ctx, dict[str, Node]]] = []
    meta: _Meta | None = None
    meta_ctx: _Ctx | None = None
    meta_path = files[0]
    total = 0
    questions: list[Question] = []
    own_ids: dict[str, Location] = seen_questions
    unread = False  # a file of the bank could not be read (and said why)
    for path in files:
        ctx = _Ctx(display_path(path), problems)
        raw = contents.pop(path, None) if contents else None
        with contextlib.suppress(OSError):
            size = path.stat().st_size if raw is None else len(raw)
            total += size if size <= MAX_FILE_BYTES else 0  # a file over its own limit says so
        if total > MAX_BANK_BYTES:
            ctx.error(
                None,
                f"the bank's files come to more than {MAX_BANK_BYTES // 2**20} MiB together, the limit "
                "for one bank: split it into banks",
            )
            break
        root = parse_file(path, ctx.path, problems, raw)
        del raw
        if root is None:
            unread = True
            continue
        reported = len(problems)
        top = _mapping(root, ctx, "a bank file", FILE_KEYS)
        if top is None:
            unread = True
            continue
        if not top:
            if len(problems) > reported:
                unread = True  # the bank's metadata may be in this file, under a key reported unknown
            if not (len(problems) > reported and _misspelt_top_key(root)):
                ctx.error(root, "a bank file needs a 'bank:' mapping or a 'questions:' list")
            continue
        if "bank" in top:
            if meta is not None and meta_ctx is not None:
                ctx.error(
                    top["bank"], f"a second 'bank:' mapping in one bank (the first is in {meta_ctx.path})"
                )
            else:
                meta, meta_ctx, meta_path = _read_meta(top["bank"], ctx), ctx, path
                first = seen_banks.get(meta.id) if meta.id is not None else None
                if first is not None:
                    ctx.error(meta.node, f"duplicate bank id '{meta.id}' (first at {first})")
                elif meta.id is not None:
                    seen_banks[meta.id] = ctx.loc(meta.node)
                # A translation reuses its original's question ids (checked against the original
                # instead): its ids are unique within the bank only, and never claim an id for
                # other banks.
                own_ids = {} if meta.translates is not None else seen_questions
        if meta is not None and not parsed:
            _read_questions(ctx, top, meta, questions, own_ids)
        else:
            parsed.append((ctx, top))
        del root, top
    if meta is None:
        if parsed and not unread:
            ctx0 = parsed[0][0]
            ctx0.error(None, "no bank metadata: add a 'bank:' mapping here or a bank.yaml beside this file")
        return None
    for ctx, top in parsed:
        _read_questions(ctx, top, meta, questions, own_ids)
    del parsed
    relating = [q for q in questions if q.related]
    ids = {q.id for q in questions} if relating else set()
    for q in relating:
        for rid in q.related:
            if rid not in ids:
                problems.append(
                    Problem(
                        q.location,
                        f"question '{q.id}': related question '{rid}' is not a question of this bank"
                        f"{_suggest(rid, ids)}",
                    )
                )
    if (
        len([p for p in problems if p.severity == "error"]) > before
        or meta.article is None
        or meta.id is None
    ):
        return None
    bank = Bank(
        id=meta.id,
        title=meta.title,
        deck=meta.deck,
        credit=meta.credit,
        disclaimer=meta.disclaimer,
        article=meta.article,
        facts=tuple(meta.facts.values()),
        questions=tuple(questions),
        summary=meta.summary,
        paper=meta.paper,
        references=tuple(meta.references.values()),
        safety_notes=meta.safety_notes,
        meeting_quiz_count=meta.meeting_quiz_count,
        publish_url=meta.publish_url,
        language=meta.language,
        translates=meta.translates,
        translation=meta.translation,
        root=files[0].parent,
        files=tuple(display_path(f) for f in files),
    )
    if bank.translates is None or bank.article.text_path is not None:
        # a translation's quotes translate the original's, checked there (unless it keeps its own article)
        problems.extend(check_evidence(bank, meta.sites, meta_path.parent, article, article_reads))
    return bank
