"""The JSON export: a documented, stable shape other tools can read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from quizgen.bank.model import Bank, Question, QuestionType

EXPORT_FORMAT_VERSION = 1


def question_record(q: Question) -> dict[str, Any]:
    """One question in the export shape (see README, "JSON export")."""
    answer: Any
    if q.type is QuestionType.MULTIPLE_CHOICE:
        answer = q.correct_options[0]
    elif q.type is QuestionType.MULTIPLE_SELECT:
        answer = list(q.correct_options)
    elif q.type is QuestionType.TRUE_FALSE:
        answer = q.truth
    elif q.type is QuestionType.SHORT_ANSWER:
        answer = list(q.accepted)
    elif q.type is QuestionType.CLOZE:
        answer = [d.answer for d in sorted(q.deletions, key=lambda d: d.number)]
    else:
        answer = q.back
    record: dict[str, Any] = {
        "id": q.id,
        "type": q.type.value,
        "prompt": q.prompt,
    }
    if q.options:
        record["choices"] = list(q.options)
    record["answer"] = answer
    record["explanation"] = q.explanation
    record["tags"] = list(q.tags)
    record["source"] = {"section": q.source.section, "facts": list(q.source.facts)}
    record["difficulty"] = q.difficulty.value if q.difficulty else None
    if q.hint:
        record["hint"] = q.hint
    record["evidence"] = list(q.evidence)
    if q.options:  # choices are in the bank's order here; the other outputs shuffle them unless kept
        record["keep_order"] = q.keep_order
    if q.related:
        record["related"] = list(q.related)
    if q.translated_from is not None:
        record["translated_from"] = q.translated_from
    return record


def article_record(bank: Bank) -> dict[str, Any]:
    return {
        "title": bank.article.title,
        "url": bank.article.url,
        "sections": [{"id": s.id, "title": s.title} for s in bank.article.sections],
        "text": bank.article.text_path,
        "sha256": bank.article.sha256,
    }


def facts_record(bank: Bank) -> list[dict[str, Any]]:
    return [
        {"id": f.id, "section": f.section, "reference": f.reference, "text": f.text, "omitted": f.omitted}
        for f in bank.facts
    ]


def references_record(bank: Bank) -> list[dict[str, Any]]:
    return [{"id": r.id, "title": r.title, "publisher": r.publisher, "url": r.url} for r in bank.references]


def safety_notes_record(bank: Bank) -> list[dict[str, Any]]:
    return [{"text": n.text, "reference": n.reference} for n in bank.safety_notes]


def translation_record(bank: Bank) -> dict[str, Any] | None:
    t = bank.translation
    if t is None:
        return None
    r = t.reviewed_by
    reviewer = None if r is None else {"name": r.name, "qualification": r.qualification, "date": r.date}
    return {"method": t.method, "reviewed_by": reviewer}


def bank_record(bank: Bank) -> dict[str, Any]:
    return {
        "id": bank.id,
        "title": bank.title,
        "deck": bank.deck,
        "credit": bank.credit,
        "disclaimer": bank.disclaimer,
        "summary": list(bank.summary),
        "paper": bank.paper,
        "meeting_quiz_count": bank.meeting_quiz_count,
        "publish_url": bank.publish_url,
        "article": article_record(bank),
        "facts": facts_record(bank),
        "references": references_record(bank),
        "safety_notes": safety_notes_record(bank),
        "language": bank.language,
        "translates": bank.translates,
        "translation": translation_record(bank),
        "questions": [question_record(q) for q in bank.questions],
    }


def export_json(banks: Sequence[Bank]) -> str:
    """All banks as JSON text: `{"format": 1, "banks": [{"id", "title", "questions": [...]}, ...]}`."""
    doc = {"format": EXPORT_FORMAT_VERSION, "banks": [bank_record(b) for b in banks]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
