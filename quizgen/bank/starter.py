"""`quizgen new`: a starter bank written from an article's headings.

The starter validates as it is written: `bank.yaml` with the article's sections, one fact to fill in
per section and the disclaimer, and one example question of each type in the first section's
question file. Nothing here writes files; the CLI does, and never over an existing one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from quizgen.errors import UsageError

BANK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DISCLAIMER = "Educational material, not medical advice. Talk to your care team before changing any medicine."
INTRODUCTION = "Introduction"

# Lines of a saved web page that look like headings but belong to its menus.
_MENU_WORDS = {"previous", "next", "comments", "comment", "reply", "share", "menu", "subscribe", "print"}
_MAX_HEADING_WORDS = 12


@dataclass(frozen=True)
class ArticleOutline:
    title: str
    sections: tuple[str, ...]  # section titles in article order


def _is_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > _MAX_HEADING_WORDS or len(line) > 90:
        return False
    if line[-1] in ".,;:!*" or ". " in line or not (line[0].isupper() or line[0].isdigit()):
        return False
    menu = {w.casefold().strip("()") for w in words} & _MENU_WORDS
    return not (re.search(r"\(\d+\)", line) or menu)


def outline(text: str) -> ArticleOutline:
    """The article's title and section titles.

    Markdown headings (`#`, `##`) when there are any; otherwise short lines standing alone between
    blank lines, not ending like a sentence. The first is the title; text between the title and the
    first section heading becomes a section called Introduction.
    """
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    marked = [
        (i, re.sub(r"^#+\s*", "", line)) for i, line in enumerate(lines) if re.match(r"^#{1,6}\s+\S", line)
    ]
    if marked:
        found = marked
    else:
        found = []
        for i, line in enumerate(lines):
            if len(found) > 1 and _is_menu(line):
                break  # the page's comments and links to other articles follow the article
            alone = (i == 0 or not lines[i - 1]) and (i + 1 >= len(lines) or not lines[i + 1])
            if line and alone and _is_heading(line):
                found.append((i, line))
    if not found:
        raise UsageError("found no headings in the article: put each section title on a line of its own")
    (title_at, title), rest = found[0], found[1:]
    first_section = rest[0][0] if rest else len(lines)
    body_before = [ln for ln in lines[title_at + 1 : first_section] if ln and not _is_menu(ln)]
    sections = [INTRODUCTION] if body_before or not rest else []
    sections += [heading for _, heading in rest]
    return ArticleOutline(title, tuple(dict.fromkeys(sections)))


def _is_menu(line: str) -> bool:
    words = {w.casefold().strip("()") for w in line.split()}
    return bool(words & _MENU_WORDS) and len(line.split()) <= 6


def slug(title: str) -> str:
    """A section id from its title: lowercase ASCII words joined by '-'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.casefold())
    return "-".join(words)[:40].strip("-") or "section"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def starter_files(bank_id: str, article: ArticleOutline, article_name: str) -> dict[str, str]:
    """File name -> text of a starter bank (`bank.yaml` and the first section's question file)."""
    if not BANK_ID_RE.match(bank_id):
        raise UsageError(f"bank id '{bank_id}' may hold only lowercase letters, digits and '-'")
    ids: list[str] = []
    for title in article.sections:
        sid = slug(title)
        n = 2
        while sid in ids:
            sid, n = f"{slug(title)}-{n}", n + 1
        ids.append(sid)
    sections = "\n".join(
        f"      - {{id: {sid}, title: {_q(t)}}}" for sid, t in zip(ids, article.sections, strict=True)
    )
    pairs = list(zip(ids, article.sections, strict=True))
    sections = "\n".join(f"      - {{id: {sid}, title: {_q(t)}}}" for sid, t in pairs)
    fill_in = 'Fill in: one claim of the section "{}", in your own words.'
    facts = "\n".join(
        f"    - id: {sid}-1\n      section: {sid}\n      text: {_q(fill_in.format(t))}" for sid, t in pairs
    )
    bank_yaml = f"""\
# Written by `quizgen new` from the article in {article_name}.
# Fill in the facts, then write questions that test them; check with `quizgen validate`.
bank:
  id: {bank_id}
  title: {_q(article.title)}
  deck: {_q(article.title)}
  credit: {_q(f'Questions written from the article "{article.title}".')}
  disclaimer: {_q(DISCLAIMER)}
  summary:
    - "Fill in: a main point of the article, in plain language."
  article:
    title: {_q(article.title)}
    # url: https://...   (where readers find the article)
    sections:
{sections}
  # The inventory: each checkable claim of the article, in your own words. A claim you leave
  # untaught keeps its place with `omitted: reason`.
  facts:
{facts}
"""
    first, fact = ids[0], f"{ids[0]}-1"
    source = f"{{section: {first}, facts: [{fact}]}}"
    qid = f"{bank_id}-"
    questions_yaml = f"""\
# One example question of each type. Replace them with questions about the article; a question's
# id never changes once learners use it. Put each section's questions in a file of its own
# (02-{ids[1] if len(ids) > 1 else "next-section"}.yaml, ...): files are read in name order.
questions:
  - id: {qid}001
    type: multiple_choice
    prompt: "Example, replace me: what colour is the sky on a clear day?"
    options: ["Blue", "Green", "Red", "Yellow"]
    answer: "Blue"
    explanation: "Say why the answer is right, as the article explains it."
    source: {source}
    tags: [example]
    difficulty: easy
  - id: {qid}002
    type: multiple_select
    prompt: "Example, replace me: which of these are colours? Choose all that apply."
    options: ["Blue", "Red", "Seven"]
    answers: ["Blue", "Red"]
    explanation: "Blue and red are colours; seven is a number."
    source: {source}
    tags: [example]
  - id: {qid}003
    type: true_false
    prompt: "Example, replace me: on a clear day the sky is blue."
    answer: true
    explanation: "Sunlight scattered by the air makes a clear sky look blue."
    source: {source}
    tags: [example]
  - id: {qid}004
    type: cloze
    text: "Example, replace me: on a clear day the sky is {{{{c1::blue}}}}."
    explanation: "A cloze hides a word with {{{{c1::word}}}}; Anki asks for it."
    source: {source}
    tags: [example]
  - id: {qid}005
    type: short_answer
    prompt: "Example, replace me: what colour is a clear daytime sky?"
    answers: ["blue", "light blue"]
    explanation: "List every answer you accept; the first is the one shown."
    source: {source}
    tags: [example]
    hint: "Think of the sea."
  - id: {qid}006
    type: flashcard
    front: "Example, replace me: the colour of a clear sky"
    back: "Blue."
    explanation: "A flashcard's back is shown after the learner thinks of the answer."
    source: {source}
    tags: [example]
"""
    return {"bank.yaml": bank_yaml, f"01-{first}.yaml": questions_yaml}
