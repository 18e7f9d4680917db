"""The quiz as one offline web page: study on a phone, present to a group, read without JavaScript.

The page is assembled from the files in `quizgen/templates/web/` (HTML, CSS, JavaScript and the
table of fixed strings). Bank text travels to the script as JSON in a data block and is inserted
with textContent; the no-script fallback escapes it here. The Content-Security-Policy allows no
request at all and runs only the page's own script and style, named by their SHA-256 hashes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.resources
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from quizgen.bank.evidence import quote_label
from quizgen.bank.model import CLOZE_RE, Bank, Question, QuestionType, cloze_blanked, cloze_deletions
from quizgen.i18n import translator
from quizgen.outputs.instructions import prompt_says_how
from quizgen.study.answers import RULES, bank_words, language_rules, normalise, typo_allowance
from quizgen.study.selection import option_order

LANGUAGE = "en"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_FORMAT_FIELD = re.compile(r"\{(\w+)\}")
_CSS_COMMENT = re.compile(r"/\*.*?\*/")

# How far (edit distance) a real word may be from a word of a typed answer and still matter to
# the near-miss rule: the largest typo allowance of the rules.
_NEAR = max(row["typos"] for row in RULES["typo_allowance"])


def compact_source(source: str) -> str:
    """Script or style without the indentation, blank lines and whole-line comments that make its
    file easy to read (the page's size counts on a phone)."""
    lines = (line.strip() for line in source.splitlines())
    kept = [line for line in lines if line and not line.startswith("//") and not _CSS_COMMENT.fullmatch(line)]
    return "\n".join(kept) + "\n"


def _template(name: str) -> str:
    return (importlib.resources.files("quizgen") / "templates" / "web" / name).read_text("utf-8")


def strings(language: str = LANGUAGE) -> dict[str, str]:
    """Every fixed string of the page (learner-facing text): the page's English message table
    (strings.en.json, whose texts are in the message catalogs), in `language`."""
    table: dict[str, str] = json.loads(_template("strings.en.json"))
    _ = translator(language).gettext
    return {key: _(text) for key, text in table.items()}


def _fmt(text: str, **fields: object) -> str:
    """Fill `{name}` fields of a message, as the page's script does (unknown fields stay)."""
    return _FORMAT_FIELD.sub(lambda m: str(fields.get(m.group(1), m.group(0))), text)


def sha256_source(text: str) -> str:
    """A CSP source naming an inline script or style by the hash of its exact text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(script: str, style: str) -> str:
    """Nothing from outside: only this script and this style run, no request may leave the page."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {sha256_source(script)}",
            f"style-src {sha256_source(style)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def _option_order(bank: Bank, q: Question) -> list[int]:
    """The order in which the page shows a question's options: the build's one order."""
    return list(option_order(None, bank.id, q.id, len(q.options), keep_order=q.keep_order))


def _typed_answer_words(banks: Sequence[Bank]) -> dict[str, int]:
    """Each word of an answer the learner types on the page (short answers, blanks), with the
    most typos a near miss of a whole answer holding it may have."""
    words: dict[str, int] = {}
    for bank in banks:
        for q in bank.questions:
            for answer in (*q.accepted, *(d.answer for d in q.deletions)):
                want = normalise(answer)
                allowance = typo_allowance(want)
                for word in want.split():
                    words[word] = max(allowance, words.get(word, 0))
    return words


def _near(words: dict[str, int], candidates: Sequence[str]) -> list[str]:
    """The candidates within a word's typo allowance of one of `words`, but not the word (sorted)."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    found: set[str] = set()
    for word, allowance in sorted(words.items()):
        if allowance:
            near = process.extract_iter(word, candidates, scorer=OSA.distance, score_cutoff=allowance)
            found.update(m for m, distance, _ in near if distance)
    return sorted(found)


def real_words(banks: Sequence[Bank], language: str = LANGUAGE) -> tuple[list[str], list[str]]:
    """The real words a typo must not turn into, cut to those near the page's typed answers.

    The terminal quiz knows every word of the bank, its article and the general word list; the
    page carries only the ones that could matter: those within the typo allowance of a word of
    an answer the learner types. Returns (bank words, general words of `language`'s word list).
    """
    from quizgen.study.answers import general_words

    targets = _typed_answer_words(banks)
    own: set[str] = set()
    for bank in banks:
        # the bank's words only: the page must be the same bytes whether or not the article's
        # text can be found (it is not inside an installed package)
        own |= bank_words(bank, None)
    general = [w for w in general_words(language) if w not in own]
    return _near(targets, sorted(own)), _near(targets, general)


def cloze_segments(text: str) -> list[dict[str, Any]]:
    """The cloze text as literal pieces and blanks, one blank per deletion in reading order."""
    segments: list[dict[str, Any]] = []
    pos = 0
    for m in CLOZE_RE.finditer(text):
        if m.start() > pos:
            segments.append({"text": text[pos : m.start()]})
        segments.append({"answer": m.group(2), "hint": m.group(3)})
        pos = m.end()
    if pos < len(text):
        segments.append({"text": text[pos:]})
    return segments


def _answer_shown(
    q: Question, options: Sequence[str], correct: Sequence[int], table: Mapping[str, str]
) -> str:
    """The right answer as the page shows it after a question (the whole sentence for a cloze)."""
    t = q.type
    if t is QuestionType.MULTIPLE_CHOICE or t is QuestionType.MULTIPLE_SELECT:
        return "; ".join(options[i] for i in correct)
    if t is QuestionType.TRUE_FALSE:
        return table["true"] if q.truth else table["false"]
    if t is QuestionType.CLOZE:
        return cloze_blanked(q.prompt, reveal=True)
    return q.answer_text()


def _evidence(q: Question) -> list[str]:
    """The question's quotes from the article (`evidence`), when it has them."""
    return [str(e) for e in q.evidence]


def _question_data(bank_index: int, bank: Bank, q: Question, table: Mapping[str, str]) -> dict[str, Any]:
    order = _option_order(bank, q)
    options = [q.options[i] for i in order]
    correct = sorted(order.index(i) for i in q.correct)
    item: dict[str, Any] = {
        "key": f"{bank.id}/{q.id}",
        "bank": bank_index,
        "type": q.type.value,
        "section": q.source.section,
        "prompt": q.prompt,
        "answer": _answer_shown(q, options, correct, table),
        "explanation": q.explanation,
    }
    if options:
        item["options"] = options
        item["correct"] = correct
    if q.type is QuestionType.TRUE_FALSE:
        item["truth"] = q.truth
    elif q.type is QuestionType.SHORT_ANSWER:
        item["accepted"] = list(q.accepted)
    elif q.type is QuestionType.CLOZE:
        item["cloze"] = cloze_segments(q.prompt)
    elif q.type is QuestionType.FLASHCARD:
        item["back"] = q.back or ""
    evidence = _evidence(q)
    if evidence:
        item["evidence"] = evidence
    if _says_how(bank, q):
        item["says_how"] = True  # the page prints no instruction line under this prompt
    return item


def _says_how(bank: Bank, q: Question) -> bool:
    """The prompt already says how to answer (the printed quiz's rule, in the bank's language)."""
    return prompt_says_how(q, translator(bank.language).gettext)


def page_rules(language: str = LANGUAGE) -> dict[str, Any]:
    """The answer rules the page's script needs, with the language's words for true and false."""
    rules = {k: v for k, v in RULES.items() if k not in ("about", "word_list", "languages")}
    words = language_rules(language)
    return {"true_words": words["true_words"], "false_words": words["false_words"], **rules}


def page_data(banks: Sequence[Bank], language: str = LANGUAGE) -> dict[str, Any]:
    """Everything the page's script reads: banks, questions in order, rules and strings."""
    table = strings(language)
    known, general = real_words(banks, language)
    return {
        "lang": language,
        "storage_key": "quizgen:" + "+".join(b.id for b in banks),
        "rules": page_rules(language),
        "known": " ".join(known),
        "general": " ".join(general),
        "banks": [
            {
                "id": b.id,
                "title": b.title,
                "article": b.article.title,
                "disclaimer": b.disclaimer,
                "quote_label": quote_label(b, language),
                "sections": [{"id": s.id, "title": s.title} for s in b.article.sections],
            }
            for b in banks
        ],
        "questions": [_question_data(n, b, q, table) for n, b in enumerate(banks) for q in b.questions],
        "strings": table,
    }


def _json_for_script(data: object) -> str:
    """JSON that can sit inside <script type="application/json">: no `<`, `>` or `&` as such."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# --- the page without JavaScript: every question, then the answer key in a <details> ------------


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _static_prompt(q: Question, table: Mapping[str, str]) -> str:
    if q.type is not QuestionType.CLOZE:
        return _esc(q.prompt)
    parts = []
    for s in cloze_segments(q.prompt):
        if "text" in s:
            parts.append(_esc(s["text"]))
        else:
            hint = " " + _esc(_fmt(table["blank_hint"], hint=s["hint"])) if s["hint"] else ""
            parts.append(f"_____{hint}")
    return "".join(parts)


def _instruction(q: Question, table: Mapping[str, str]) -> str:
    if q.type is QuestionType.CLOZE and len(cloze_deletions(q.prompt)) == 1:
        return table["type_cloze_one"]
    return table[f"type_{q.type.value}"]


def _static_questions(banks: Sequence[Bank], table: Mapping[str, str]) -> list[str]:
    out = [f"<p>{_esc(table['nojs_note'])}</p>", f"<h2>{_esc(table['nojs_heading'])}</h2>"]
    number = 1
    for bank in banks:
        for section in bank.article.sections:
            questions = bank.questions_in(section.id)
            if not questions:
                continue
            title = section.title if len(banks) == 1 else f"{bank.title}: {section.title}"
            out.append(f"<h3>{_esc(title)}</h3>")
            out.append(f'<ol start="{number}">')
            for q in questions:
                item = [f"<li><p>{_static_prompt(q, table)}</p>"]
                if not _says_how(bank, q):
                    item.append(f"<p><em>{_esc(_instruction(q, table))}</em></p>")
                order = _option_order(bank, q)
                if q.options:
                    item.append("<ul>" + "".join(f"<li>{_esc(q.options[i])}</li>" for i in order) + "</ul>")
                out.append("".join(item) + "</li>")
                number += 1
            out.append("</ol>")
    return out


def _static_key(banks: Sequence[Bank], table: Mapping[str, str], table_language: str = LANGUAGE) -> list[str]:
    out = [f"<details><summary>{_esc(table['answer_key'])}</summary>", "<ol>"]
    for n, bank in enumerate(banks):
        for section in bank.article.sections:
            for q in bank.questions_in(section.id):
                data = _question_data(n, bank, q, table)
                parts = [f"<li><p><strong>{_esc(table['answer_label'])}</strong> {_esc(data['answer'])}</p>"]
                if q.type is QuestionType.SHORT_ANSWER and len(q.accepted) > 1:
                    also = "; ".join(q.accepted[1:])
                    parts.append(f"<p>{_esc(table['also_label'])} {_esc(also)}</p>")
                parts.append(f"<p><strong>{_esc(table['why_label'])}</strong> {_esc(q.explanation)}</p>")
                parts.append(f"<p><strong>{_esc(table['section_label'])}</strong> {_esc(section.title)}</p>")
                if data.get("evidence"):
                    parts.append(f"<p><strong>{_esc(quote_label(bank, table_language))}</strong></p>")
                for quote in data.get("evidence", []):
                    parts.append(f"<blockquote>{_esc(quote)}</blockquote>")
                out.append("".join(parts) + "</li>")
    out += ["</ol>", "</details>"]
    return out


def _footer(banks: Sequence[Bank], table: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    for bank in banks:
        article = _esc(bank.article.title)
        if bank.article.url:
            url = _esc(bank.article.url)
            article = f'<a href="{url}">{article}</a>'
        out.append(f"<p>{_fmt(_esc(table['article_line']), article=article)}</p>")
    for text in dict.fromkeys(b.credit for b in banks):
        out.append(f"<p>{_esc(text)}</p>")
    for text in dict.fromkeys(b.disclaimer for b in banks):
        out.append(f'<p class="disclaimer">{_esc(text)}</p>')
    from quizgen.i18n import unreviewed_notice

    for notice in dict.fromkeys(unreviewed_notice(b, b.language) for b in banks):
        if notice:
            out.append(f'<p class="disclaimer"><strong>{_esc(notice)}</strong></p>')
    return out


def render_web_page(banks: Sequence[Bank], language: str = LANGUAGE) -> str:
    """The whole page as one HTML string: no request leaves it, and it works from file://."""
    data = page_data(banks, language)
    table = data["strings"]
    title = " / ".join(b.title for b in banks)
    script = compact_source(_template("page.js"))
    style = compact_source(_template("page.css"))
    values = {
        "lang": _esc(language),
        "csp": _esc(content_security_policy(script, style)),
        "title": _esc(_fmt(table["page_title"], title=title)),
        "heading": _esc(title),
        "style": style,
        "fallback": "\n".join(_static_questions(banks, table) + _static_key(banks, table, language)),
        "footer": "\n".join(_footer(banks, table)),
        "data": _json_for_script(data),
        "script": script,
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _template("page.html"))
