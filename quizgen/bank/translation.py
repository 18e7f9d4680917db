"""Translated banks kept in step with their original: fingerprints, parity checks and status.

A translation is a bank of its own (`translates: <original id>`, its own id and `language`) whose
questions keep the ids of the original's and record, in `translated_from`, the fingerprint of the
original question they were made from. `check_translation` compares it with the original; no I/O.
"""

from __future__ import annotations

import hashlib
import json

from quizgen.bank.frozen import frozen
from quizgen.bank.model import Bank, Location, Question, QuestionType
from quizgen.errors import Problem

FINGERPRINT_CHARS = 12


def fingerprint(question: Question) -> str:
    """12 hex digits that change whenever the question's text, answers or source change.

    Tags, difficulty and related ids are left out: a translator has nothing to redo for them."""
    record = {
        "type": question.type.value,
        "prompt": question.prompt,
        "options": list(question.options),
        "correct": list(question.correct),
        "truth": question.truth,
        "accepted": list(question.accepted),
        "back": question.back,
        "explanation": question.explanation,
        "hint": question.hint,
        "evidence": list(question.evidence),
        "keep_order": question.keep_order,
        "source": [question.source.section, list(question.source.facts)],
    }
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]


def _answer_by_position(q: Question) -> object:
    """What must agree between a question and its translation, beyond type and option count."""
    if q.type is QuestionType.TRUE_FALSE:
        return q.truth
    if q.type is QuestionType.CLOZE:
        return tuple(sorted({d.number for d in q.deletions}))
    return q.correct


def _describe_answer(q: Question) -> str:
    if q.type is QuestionType.TRUE_FALSE:
        return "true" if q.truth else "false"
    if q.type is QuestionType.CLOZE:
        return "deletions " + ", ".join(f"c{n}" for n in sorted({d.number for d in q.deletions}))
    positions = ", ".join(str(i + 1) for i in q.correct)
    return f"option{'s' if len(q.correct) != 1 else ''} {positions}"


def _lines(n: int) -> str:
    return f"{n} line{'s' if n != 1 else ''}"


def _ids(ids: list[str] | tuple[str, ...]) -> str:
    return ", ".join(ids) if ids else "none"


@frozen
class TranslationStatus:
    """Where a translation stands against its original."""

    translated: tuple[str, ...]  # ids translated from the original's current text
    needs_review: tuple[str, ...]  # ids whose original changed since they were translated
    untranslated: tuple[str, ...]  # ids of the original with no translation yet

    @property
    def total(self) -> int:
        return len(self.translated) + len(self.needs_review) + len(self.untranslated)


def translation_status(original: Bank, translation: Bank) -> TranslationStatus:
    ours = {q.id: q for q in translation.questions}
    translated, stale, missing = [], [], []
    for q in original.questions:
        t = ours.get(q.id)
        if t is None:
            missing.append(q.id)
        elif t.translated_from != fingerprint(q):
            stale.append(q.id)
        else:
            translated.append(q.id)
    return TranslationStatus(tuple(translated), tuple(stale), tuple(missing))


def check_translation(original: Bank, translation: Bank) -> list[Problem]:
    """Every way `translation` differs from `original` beyond its text, each at its place.

    Errors where the translation would teach something else; warnings (errors with --strict) for
    questions not yet translated and for those whose original changed since ("needs review")."""
    problems: list[Problem] = []
    sites = translation.translation.sites if translation.translation else {}
    at_bank = sites.get("translates") or Location(translation.files[0] if translation.files else "<memory>")

    def error(location: Location | None, message: str) -> None:
        problems.append(Problem(location or at_bank, message))

    def warn(location: Location | None, message: str) -> None:
        problems.append(Problem(location or at_bank, message, "warning"))

    name = f"the original bank '{original.id}'"
    # sections: the same ids in the same order
    ours_s = [s.id for s in translation.article.sections]
    theirs_s = [s.id for s in original.article.sections]
    if ours_s != theirs_s:
        error(
            sites.get("sections"),
            f"article sections {_ids(ours_s)} differ from those of {name}: {_ids(theirs_s)} "
            "(keep the ids and their order; translate the titles)",
        )
    # facts: the same ids, each from the same section or reference, omitted alike
    theirs_f = {f.id: f for f in original.facts}
    ours_f = {f.id: f for f in translation.facts}
    for f in translation.facts:
        of = theirs_f.get(f.id)
        at = sites.get(f"fact:{f.id}")
        if of is None:
            error(at, f"fact '{f.id}' is not a fact of {name}")
        elif (f.section, f.reference) != (of.section, of.reference):
            was = f"section '{of.section}'" if of.section else f"reference '{of.reference}'"
            error(at, f"fact '{f.id}' must come from the same {was} as in {name}")
        elif (f.omitted is None) != (of.omitted is None):
            state = "omitted" if of.omitted is not None else "taught (not omitted)"
            error(at, f"fact '{f.id}' is {state} in {name}: translate it alike")
    missing_f = [fid for fid in theirs_f if fid not in ours_f]
    if missing_f:
        error(sites.get("facts"), f"facts of {name} missing from the translation: {_ids(missing_f)}")
    # references and safety notes
    ours_r = [r.id for r in translation.references]
    theirs_r = [r.id for r in original.references]
    if sorted(ours_r) != sorted(theirs_r):
        error(
            sites.get("references"),
            f"references {_ids(ours_r)} differ from those of {name}: {_ids(theirs_r)}",
        )
    ours_n = [n.reference for n in translation.safety_notes]
    theirs_n = [n.reference for n in original.safety_notes]
    if ours_n != theirs_n:
        error(
            sites.get("safety_notes"),
            f"safety notes citing {_ids(ours_n)} differ from those of {name}, which cite {_ids(theirs_n)} "
            "(translate each note in its place)",
        )
    if len(translation.summary) != len(original.summary):
        error(
            sites.get("summary"),
            f"the summary has {_lines(len(translation.summary))} and that of {name} has "
            f"{_lines(len(original.summary))}: "
            "translate each line in its place",
        )
    # questions
    theirs_q = {q.id: q for q in original.questions}
    for q in translation.questions:
        o = theirs_q.get(q.id)
        at = q.location
        if o is None:
            error(
                at,
                f"question '{q.id}' is not a question of {name}: "
                "a translated question keeps its original's id",
            )
            continue
        if q.translated_from is None:
            error(
                at,
                f"question '{q.id}' has no 'translated_from': record the fingerprint of the original "
                f"question you translated ({fingerprint(o)} for its current text)",
            )
        if q.type is not o.type:
            error(at, f"question '{q.id}' is a {q.type.value} question; in {name} it is {o.type.value}")
            continue
        if len(q.options) != len(o.options):
            error(
                at,
                f"question '{q.id}' has {len(q.options)} options; in {name} it has {len(o.options)} "
                "(translate each option in its place)",
            )
        elif _answer_by_position(q) != _answer_by_position(o):
            error(
                at,
                f"question '{q.id}': the correct answer is {_describe_answer(q)}; in {name} it is "
                f"{_describe_answer(o)}"
                + (" (keep the options in the original's written order)" if q.options else ""),
            )
        if q.keep_order != o.keep_order:
            error(at, f"question '{q.id}': keep_order must be {str(o.keep_order).lower()}, as in {name}")
        if q.source != o.source:
            error(
                at,
                f"question '{q.id}' cites section '{q.source.section}' and facts {_ids(q.source.facts)}; "
                f"in {name} it cites section '{o.source.section}' and facts {_ids(o.source.facts)}",
            )
        if q.translated_from is not None and q.translated_from != (now := fingerprint(o)):
            warn(
                at,
                f"question '{q.id}' needs review: its original changed since it was translated "
                f"(translated_from {q.translated_from}, now {now}); check the translation, "
                "then record the new fingerprint",
            )
    ours_ids = {q.id for q in translation.questions}
    untranslated = [q.id for q in original.questions if q.id not in ours_ids]
    if untranslated:
        warn(
            sites.get("translates"),
            f"{len(untranslated)} question{'s' if len(untranslated) != 1 else ''} of {name} not yet "
            f"translated: {_ids(untranslated)}",
        )
    return problems
