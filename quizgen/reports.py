"""Plain-text reports about banks: `stats` and `coverage`. Pure functions over validated banks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from quizgen.bank.evidence import NOT_FROM_ARTICLE, ArticleText, section_evidence
from quizgen.bank.model import Bank, Fact, Question
from quizgen.bank.translation import fingerprint, translation_status
from quizgen.study.selection import default_print_order, picked_related
from quizgen.study.spacing import MIN_DISTANCE, closest_pair


def _table(title: str, counts: Counter[str], order: Sequence[str] | None = None) -> list[str]:
    keys = list(order) if order is not None else sorted(counts, key=lambda k: (-counts[k], k))
    width = max([len(k) for k in keys] + [len(title)])
    lines = [title, "-" * len(title)]
    lines += [f"  {k:<{width}}  {counts[k]:>5}" for k in keys]
    return lines


def stats_report(banks: Sequence[Bank], originals: Mapping[str, Bank] | None = None) -> str:
    """Questions by type, tag, section and difficulty, for each bank; for a translation, its status
    against its original (`originals` maps a translation's id to the bank it translates)."""
    out: list[str] = []
    for bank in banks:
        qs = bank.questions
        out.append(f"{bank.title} ({bank.id}): {len(qs)} questions, {bank.card_count()} Anki cards")
        out.append("")
        if bank.translates is not None:
            out += translation_lines(bank, (originals or {}).get(bank.id))
            out.append("")
        out += _table("By type", Counter(q.type.value for q in qs))
        out.append("")
        sections = Counter(bank.section_title(q.source.section) for q in qs)
        out += _table("By section", sections, [s.title for s in bank.article.sections if s.title in sections])
        out.append("")
        out += _table("By difficulty", Counter(q.difficulty.value if q.difficulty else "(none)" for q in qs))
        out.append("")
        out += _table("By tag", Counter(t for q in qs for t in q.tags))
        out.append("")
        out.append(spacing_line(bank))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def translation_lines(bank: Bank, original: Bank | None) -> list[str]:
    """A translation's status: what is translated, needs review or is missing; who reviewed it."""
    out = [f"Translation into {bank.language} of {bank.translates}"]
    if bank.translation is not None:
        out.append(f"  method: {bank.translation.method}")
        r = bank.translation.reviewed_by
        out.append(
            f"  reviewed by {r.name} ({r.qualification}) on {r.date}"
            if r is not None
            else "  not yet reviewed by a health professional (every output says so)"
        )
    if original is None:
        out.append(f"  the original bank '{bank.translates}' was not found: its status is unknown")
        return out
    status = translation_status(original, bank)
    out.append(f"  {len(status.translated)} of {status.total} questions translated and up to date")
    out.append(f"  needs review ({len(status.needs_review)}): {', '.join(status.needs_review) or 'none'}")
    out.append(
        f"  not yet translated ({len(status.untranslated)}): {', '.join(status.untranslated) or 'none'}"
    )
    return out


def fingerprints_report(banks: Sequence[Bank]) -> str:
    """`<question id> <fingerprint>` for every question, under a `# <bank id>` line per bank: what a
    translation records in `translated_from`."""
    out: list[str] = []
    for bank in banks:
        out.append(f"# {bank.id}")
        out += [f"{q.id} {fingerprint(q)}" for q in bank.questions]
    return "\n".join(out) + "\n"


def spacing_line(bank: Bank) -> str:
    """How close two related questions come in the bank's default print order."""
    pair = closest_pair(default_print_order(bank), picked_related)
    if pair is None:
        return "Spacing in the default print order: no two questions share a fact or are marked related"
    distance, first, second = pair
    return (
        f"Spacing in the default print order: related questions at least {distance} apart "
        f"(closest: {first.question.id} and {second.question.id}; the goal is {MIN_DISTANCE} or more)"
    )


@dataclass(frozen=True)
class FactCoverage:
    fact: Fact
    questions: tuple[Question, ...]

    @property
    def covered(self) -> bool:
        return self.fact.omitted is not None or bool(self.questions)


def fact_coverage(bank: Bank) -> list[FactCoverage]:
    """Each fact of the inventory with the questions that cite it."""
    return [FactCoverage(f, tuple(q for q in bank.questions if f.id in q.source.facts)) for f in bank.facts]


def coverage_percent(banks: Sequence[Bank]) -> float:
    """Covered or omitted facts over all facts, in percent (100 when there are no facts)."""
    rows = [row for bank in banks for row in fact_coverage(bank)]
    return 100.0 if not rows else 100.0 * sum(r.covered for r in rows) / len(rows)


def _fact_line(r: FactCoverage) -> str:
    if r.fact.omitted is not None:
        return f"  {r.fact.id:<14} omitted: {r.fact.omitted}"
    if r.questions:
        return f"  {r.fact.id:<14} {', '.join(q.id for q in r.questions)}"
    return f"  {r.fact.id:<14} NOT COVERED: {r.fact.text}"


def _evidence_lines(bank: Bank, rows: Sequence[FactCoverage], article: ArticleText | None) -> list[str]:
    """Per section, the share of its sentences some question quotes; what has no evidence."""
    out = [""]
    if article is None:
        quoted = sum(1 for q in bank.questions if q.evidence)
        out.append(
            f"Evidence: {quoted} of {len(bank.questions)} questions quote the article; "
            "quotes not checked (no article text: article.text or --article FILE)"
        )
    else:
        out.append("Evidence: sentences of each section quoted by some question")
        width = max(len(s.title) for s in bank.article.sections)
        for row in section_evidence(bank, article):
            pct = 100.0 * row.quoted / row.sentences if row.sentences else 0.0
            out.append(
                f"  {row.section.title:<{width}}  {row.quoted:>3} of {row.sentences:>3} sentences "
                f"({pct:3.0f}%), {row.questions_with_evidence} question(s) with quotes"
            )
    bare_sections = [
        s.title for s in bank.article.sections if not any(q.evidence for q in bank.questions_in(s.id))
    ]
    out.append("Sections with no evidence: " + (", ".join(bare_sections) or "none"))
    bare_facts = [
        r.fact.id
        for r in rows
        if r.fact.reference is None and r.fact.omitted is None and not any(q.evidence for q in r.questions)
    ]
    out.append("Facts with no evidence: " + (", ".join(bare_facts) or "none"))
    return out


def coverage_report(banks: Sequence[Bank], articles: Mapping[str, ArticleText] | None = None) -> str:
    """Each fact with the questions that cite it; reference facts apart; the evidence per section.

    `articles` maps bank ids to their article text (for the share of sentences quoted).
    """
    out: list[str] = []
    for bank in banks:
        rows = fact_coverage(bank)
        out.append(f"{bank.title} ({bank.id}): {len(rows)} facts")
        for section in bank.article.sections:
            srows = [r for r in rows if r.fact.section == section.id]
            if not srows:
                continue
            out.append(f"\n{section.title}")
            out.extend(_fact_line(r) for r in srows)
        for ref in bank.references:
            rrows = [r for r in rows if r.fact.reference == ref.id]
            if rrows:
                out.append(f"\nReference ({NOT_FROM_ARTICLE}): {ref.title}, {ref.publisher}")
                out.extend(_fact_line(r) for r in rrows)
        out.extend(_evidence_lines(bank, rows, (articles or {}).get(bank.id)))
        uncovered = [r for r in rows if not r.covered]
        omitted = [r for r in rows if r.fact.omitted is not None]
        tested = len(rows) - len(uncovered) - len(omitted)
        out.append("")
        out.append(f"{tested} tested, {len(omitted)} omitted, {len(uncovered)} not covered")
        if uncovered:
            out.append("Not covered: " + ", ".join(r.fact.id for r in uncovered))
        out.append("")
    out.append(f"Coverage: {coverage_percent(banks):.1f}% of facts tested or omitted with a reason")
    return "\n".join(out) + "\n"
