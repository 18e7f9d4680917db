"""`quizgen build`: every output of every bank, rendered in memory, then written all at once.

Nothing is written until every output has rendered, and the files are staged as temporary files
beside their targets before any is renamed into place: a build that fails or is killed leaves the
previous outputs as they were, and no partial files.
"""

from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

from quizgen import __version__
from quizgen.model import Bank
from quizgen.printing import Paper, PrintOptions

MANIFEST = "manifest.json"
PAPER_NAMES = {"letter": "US letter", "a4": "A4"}
REFRESH_COMMAND = "SOURCE_DATE_EPOCH=$(date +%s) quizgen build"


@dataclass(frozen=True)
class Output:
    """One file a build makes: its name, what it is for, and its bytes."""

    bank_id: str
    name: str
    purpose: str
    data: bytes
    detail: str  # "12 pages", "70 notes, 76 cards", ...


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


# Every output of a bank: the end of its file name (after the bank id), what it is for, and how
# it is made (an entry of `_PDFS`, or "apkg", "html", "json").
OUTPUTS: tuple[tuple[str, str, str], ...] = (
    (".apkg", "Anki deck: open it with Anki (File > Import), AnkiDroid or AnkiMobile", "apkg"),
    ("-quiz.pdf", "printable quiz to hand out", "quiz"),
    ("-answer-key.pdf", "answer key for the quiz, with explanations (for the facilitator)", "key"),
    ("-quiz-large-print.pdf", "the same quiz in large print (18 pt, sans-serif)", "quiz-large"),
    ("-answer-key-large-print.pdf", "answer key for the large-print quiz", "key-large"),
    ("-flashcards.pdf", "cut-out flashcards: print double-sided, flip on the long edge, cut", "cards"),
    ("-flashcards-fold.pdf", "cut-out flashcards for printers without duplex: fold each card", "fold"),
    ("-handout.html", "the quiz as a web page (a browser can print it or read it aloud)", "html"),
    (".json", "the bank as JSON, for other tools", "json"),
)


def planned_outputs(banks: Sequence[Bank]) -> list[tuple[str, str]]:
    """(file name, purpose) of every output, in build order."""
    return [(f"{bank.id}{suffix}", purpose) for bank in banks for suffix, purpose, _ in OUTPUTS]


PdfKind = Literal["quiz", "key", "cards", "fold"]


def _typeset(kind: PdfKind, banks: Sequence[Bank], options: PrintOptions) -> bytes:
    """Runs in a worker process (see `render_pdf`)."""
    from quizgen import printing

    if kind == "quiz":
        return printing.render_quiz(banks, options)
    if kind == "key":
        return printing.render_answer_key(banks, options)
    return printing.render_flashcards(banks, options, fold=kind == "fold")


def pdf_worker_pool() -> ProcessPoolExecutor:
    """A pool that typesets each PDF in a fresh process.

    typst keeps its layout caches for the life of a process and offers no way to drop them, so
    a build that typeset every PDF in one process would hold the memory of all of them at once
    (over 20 GB for 20,000 questions). One fresh process per PDF holds only one at a time.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1)


def render_pdf(
    pool: ProcessPoolExecutor, kind: PdfKind, banks: Sequence[Bank], options: PrintOptions
) -> bytes:
    """Typeset one PDF in `pool` (errors, such as BuildError, come back as raised here)."""
    return pool.submit(_typeset, kind, list(banks), options).result()


def render_outputs(
    banks: Sequence[Bank],
    epoch: int,
    note_times: dict[str, int] | None = None,
    on_output: Callable[[str], None] | None = None,
    paper_for: Callable[[Bank], Paper] | None = None,
) -> list[Output]:
    """Render every output of every bank in memory (no file is written).

    `paper_for` chooses each bank's paper (default: the bank's own `paper:`, else letter).
    """
    from quizgen.anki import render_apkg
    from quizgen.export import export_json
    from quizgen.printing import render_handout_html

    outputs: list[Output] = []
    with pdf_worker_pool() as pool:
        for bank in banks:
            paper: Paper = paper_for(bank) if paper_for else ("a4" if bank.paper == "a4" else "letter")
            normal = PrintOptions(timestamp=epoch, paper=paper)
            large = PrintOptions(timestamp=epoch, large_print=True, paper=paper)
            pdfs: dict[str, tuple[PdfKind, PrintOptions]] = {
                "quiz": ("quiz", normal),
                "key": ("key", normal),
                "quiz-large": ("quiz", large),
                "key-large": ("key", large),
                "cards": ("cards", normal),
                "fold": ("fold", normal),
            }
            one = [bank]
            questions = f"{len(bank.questions)} question{'s' * (len(bank.questions) != 1)}"
            for suffix, purpose, how in OUTPUTS:
                data: bytes | str
                if how == "apkg":
                    data = render_apkg(one, epoch, note_times=note_times)
                    detail = f"{len(bank.questions)} notes, {bank.card_count()} cards"
                elif how == "html":
                    data, detail = render_handout_html(one, normal), questions
                elif how == "json":
                    data, detail = export_json(one), questions
                else:
                    kind, options = pdfs[how]
                    data = render_pdf(pool, kind, one, options)
                    pages = _pdf_pages(data)
                    detail = f"{pages} page{'s' * (pages != 1)}, {PAPER_NAMES[paper]}"
                payload = data.encode("utf-8") if isinstance(data, str) else data
                name = f"{bank.id}{suffix}"
                outputs.append(Output(bank.id, name, purpose, payload, detail))
                if on_output is not None:
                    on_output(name)
    return outputs


def manifest_json(outputs: Sequence[Output], epoch: int, fingerprint: str) -> str:
    """What the build wrote and the SOURCE_DATE_EPOCH that reproduces it."""
    doc = {
        "quizgen": __version__,
        "source_date_epoch": epoch,
        "banks_fingerprint": fingerprint,
        "refresh": REFRESH_COMMAND,
        "files": {
            o.name: {"sha256": hashlib.sha256(o.data).hexdigest(), "bytes": len(o.data), "detail": o.detail}
            for o in outputs
        },
    }
    return json.dumps(doc, indent=2) + "\n"


# What makes Markdown (GitHub's too) out of text placed inside a line: the rest is literal there.
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_\[\]#|~])")


def markdown_text(text: str) -> str:
    """Bank text as literal Markdown: no HTML, no emphasis, links, headings or table cells."""
    one_line = " ".join(text.split())
    return _MARKDOWN_SPECIAL_RE.sub(r"\\\1", html.escape(one_line, quote=False))


def readme_md(banks: Sequence[Bank], outputs: Sequence[Output]) -> str:
    """output/README.md: what each file is for, and how to print or import it."""
    lines = [
        "# quizgen outputs",
        "",
        "These files are made by `quizgen build` from the question banks; do not edit them by hand.",
        "",
    ]
    for bank in banks:
        title, article = markdown_text(bank.title), markdown_text(bank.article.title)
        lines += [f"## {title}", "", f"From the article *{article}*. {markdown_text(bank.disclaimer)}", ""]
        lines += ["| file | what it is for | size |", "|---|---|---|"]
        lines += [f"| `{o.name}` | {o.purpose} | {o.detail} |" for o in outputs if o.bank_id == bank.id]
        lines.append("")
    lines += [
        "## Printing",
        "",
        '- Print the PDFs at 100% ("actual size"), not "fit to page".',
        "- The answer key is a separate file, so the quiz can be handed out without it.",
        "- Flashcards (`*-flashcards.pdf`): print double-sided, flipping on the long edge, then cut along",
        "  the lines. If the backs come out shifted, `quizgen print --flashcards --back-offset-mm X,Y` makes",
        "  a copy that corrects it. No duplex printer? Use `*-flashcards-fold.pdf` and fold each card.",
        "",
        "## Importing the deck",
        "",
        "Open the `.apkg` file with Anki (desktop: File > Import), AnkiDroid or AnkiMobile. Importing a",
        "newer build updates your cards in place and keeps your review history. Subdecks are numbered in",
        "article order; if you imported a deck from before they were numbered, rename each old subdeck to",
        "its numbered name before importing (the quizgen README explains why).",
        "",
        "`manifest.json` records the SOURCE_DATE_EPOCH that reproduces these files byte for byte.",
        f"After a bank changes, refresh them with `{REFRESH_COMMAND}` and commit the result.",
        "",
    ]
    return "\n".join(lines)
