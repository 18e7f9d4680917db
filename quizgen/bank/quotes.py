"""Checking a bank's evidence against its article text: every quote at its place in the bank.

The loader records where things are written (`EvidenceSites`) and calls `check_evidence` once a
bank has loaded; the problems are warnings (errors with --strict), except that an article text
that cannot be read only gives a note: quotes that could not be checked never fail a bank alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from quizgen.bank.bankfiles import ArticleReads, read_file_once
from quizgen.bank.evidence import ArticleText, check_quote, read_article_text, short_quote
from quizgen.bank.frozen import frozen
from quizgen.bank.model import Bank, Location, Question
from quizgen.errors import Problem


@dataclass
class EvidenceSites:
    """Where the loader found the keys the evidence check reports at."""

    article: Location | None = None
    text: Location | None = None
    sha256: Location | None = None
    section_titles: dict[str, Location] = field(default_factory=dict)
    quotes: dict[str, tuple[Location, ...]] = field(default_factory=dict)


@frozen
class _Quote:
    question: Question
    text: str
    location: Location


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def read_article(
    bank: Bank, bank_dir: Path | None, override: Path | None = None, reads: ArticleReads | None = None
) -> tuple[bytes | None, str]:
    """The article text's bytes (None when it cannot be read) and the reason or the path shown;
    from `reads` when this check read it before (and kept there)."""
    if override is not None:
        path, shown = override, str(override)
    elif bank.article.text_path is not None and bank_dir is not None:
        path, shown = bank_dir / bank.article.text_path, bank.article.text_path
    else:
        return None, ""
    got = read_file_once(path, reads)
    return (got, shown) if isinstance(got, bytes) else (None, f"{shown} {got}")


def article_text(bank: Bank, raw: bytes) -> ArticleText:
    return read_article_text(
        raw.decode("utf-8-sig", errors="replace"), bank.article.sections, bank.article.title
    )


def _needs_evidence(bank: Bank, question: Question) -> bool:
    """A question that cites only facts from references has nothing in the article to quote."""
    return any(bank.fact(f).reference is None for f in question.source.facts)


def check_evidence(
    bank: Bank,
    sites: EvidenceSites,
    bank_dir: Path | None,
    override: Path | None,
    reads: ArticleReads | None = None,
) -> list[Problem]:
    """Every problem with the bank's quotes, each at its place (see the module docstring); the
    article text is taken from `reads` when it was read before, and kept there when read now."""
    problems: list[Problem] = []
    at_article = sites.article or Location(bank.files[0] if bank.files else "<memory>")

    def warn(location: Location, message: str) -> None:
        problems.append(Problem(location, message, "warning"))

    quotes = [
        _Quote(q, text, loc)
        for q in bank.questions
        if q.evidence
        for text, loc in zip(q.evidence, sites.quotes.get(q.id, ()), strict=False)
    ]
    opted_in = bank.article.text_path is not None or override is not None
    if opted_in:
        for q in bank.questions:
            if not q.evidence and _needs_evidence(bank, q):
                warn(
                    q.location,
                    f"question '{q.id}' has no evidence: quote the article's sentences that support "
                    "its answer under 'evidence'",
                )
    raw, shown = read_article(bank, bank_dir, override, reads)
    if raw is None:
        if bank.article.text_path is not None or override is not None:
            problems.append(
                Problem(
                    sites.text or at_article,
                    f"article text {shown}: {_plural(len(quotes), 'quote')} not checked "
                    "(give the article with --article FILE)",
                    "note",
                )
            )
        elif quotes:
            problems.append(
                Problem(
                    at_article,
                    f"{_plural(len(quotes), 'quote')} not checked: record the article's plain text in "
                    "article.text (a path relative to bank.yaml) or give it with --article FILE",
                    "note",
                )
            )
        return problems
    article = article_text(bank, raw)
    first = bank.article.sections[0].id if bank.article.sections else None
    for s in article.sections:
        if s.id is not None and not s.found and s.id != first and s.id in sites.section_titles:
            warn(
                sites.section_titles[s.id],
                f'section title "{s.title}" is not a line of the article text, so quotes cited to '
                f"section '{s.id}' are only checked for being in the article",
            )
    no_longer: list[_Quote] = []
    for quote in quotes:
        cited = quote.question.source.section
        check = check_quote(article, quote.text, cited)
        if not check.found:
            no_longer.append(quote)
            nearest = article.nearest_sentence(quote.text, cited)
            hint = f' (closest sentence: "{short_quote(nearest, 16)}")' if nearest else ""
            warn(quote.location, f'quote is not in the article text: "{short_quote(quote.text)}"{hint}')
        elif not check.in_cited_section:
            where = check.found_in[0]
            place = (
                f"section '{where.id}' (\"{where.title}\")"
                if where.id
                else "the text before the first section"
            )
            warn(quote.location, f"quote is from {place}, not from the cited section '{cited}'")
    digest = hashlib.sha256(raw).hexdigest()
    recorded = bank.article.sha256
    if recorded is None:
        if bank.article.text_path is not None:
            warn(
                sites.text or at_article,
                f"the article's sha256 is not recorded: add 'sha256: {digest}' under article, "
                "so a changed article forces a re-check of the quotes",
            )
    elif recorded != digest:
        listed = (
            f"{_plural(len(no_longer), 'quote')} no longer {'matches' if len(no_longer) == 1 else 'match'}: "
            + ", ".join(f'{q.question.id} at {q.location} ("{short_quote(q.text, 6)}")' for q in no_longer)
            if no_longer
            else "every quote still matches"
        )
        warn(
            sites.sha256 or at_article,
            f"the article text has changed since its sha256 was recorded (it is now {digest}): "
            f"re-check the quotes, then record the new sha256; {listed}",
        )
    return problems
