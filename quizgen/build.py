"""`quizgen build`: every output of every bank, rendered in memory, then written all at once.

Nothing is written until every output has rendered, and the files are staged as temporary files
beside their targets before any is renamed into place: a build that fails or is killed leaves the
previous outputs as they were, and no partial files.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

from quizgen import __version__
from quizgen.model import Bank
from quizgen.printing import PrintOptions

MANIFEST = "manifest.json"
REFRESH_COMMAND = "SOURCE_DATE_EPOCH=$(date +%s) quizgen build"


@dataclass(frozen=True)
class Output:
    """One file a build makes: its name, what it is for, and its bytes."""

    name: str
    purpose: str
    data: bytes
    detail: str  # "12 pages", "70 notes, 76 cards", ...


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def planned_outputs(banks: Sequence[Bank]) -> list[tuple[str, str]]:
    """(file name, purpose) of every output, in build order."""
    plan: list[tuple[str, str]] = []
    for bank in banks:
        i = bank.id
        plan += [
            (
                f"{i}.apkg",
                "Anki deck: open it with Anki (File > Import), AnkiDroid or AnkiMobile",
            ),
            (f"{i}-quiz.pdf", "printable quiz, letter paper, to hand out"),
            (f"{i}-answer-key.pdf", "answer key for the quiz, with explanations (for the facilitator)"),
            (f"{i}-quiz-large-print.pdf", "the same quiz in large print (18 pt, sans-serif)"),
            (f"{i}-answer-key-large-print.pdf", "answer key for the large-print quiz"),
            (
                f"{i}-flashcards.pdf",
                "cut-out flashcards: print double-sided, flip on the long edge, cut",
            ),
            (
                f"{i}-flashcards-fold.pdf",
                "cut-out flashcards for printers without duplex: fold each card",
            ),
            (f"{i}-handout.html", "the quiz as a web page (a browser can print it or read it aloud)"),
            (f"{i}.json", "the bank as JSON, for other tools"),
        ]
    return plan


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
) -> list[Output]:
    """Render every output of every bank in memory (no file is written)."""
    from quizgen.anki import render_apkg
    from quizgen.export import export_json
    from quizgen.printing import render_handout_html

    purposes = dict(planned_outputs(banks))
    outputs: list[Output] = []

    def add(name: str, data: bytes | str, detail: str) -> None:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        outputs.append(Output(name, purposes[name], payload, detail))
        if on_output is not None:
            on_output(name)

    normal = PrintOptions(timestamp=epoch)
    large = PrintOptions(timestamp=epoch, large_print=True)
    pdfs: tuple[tuple[str, PdfKind, PrintOptions], ...] = (
        ("quiz.pdf", "quiz", normal),
        ("answer-key.pdf", "key", normal),
        ("quiz-large-print.pdf", "quiz", large),
        ("answer-key-large-print.pdf", "key", large),
        ("flashcards.pdf", "cards", normal),
        ("flashcards-fold.pdf", "fold", normal),
    )
    with pdf_worker_pool() as pool:
        for bank in banks:
            one = [bank]
            i = bank.id
            cards = sum(q.card_count() for q in bank.questions)
            add(
                f"{i}.apkg",
                render_apkg(one, epoch, note_times=note_times),
                f"{len(bank.questions)} notes, {cards} cards",
            )
            for suffix, kind, options in pdfs:
                pdf = render_pdf(pool, kind, one, options)
                pages = _pdf_pages(pdf)
                add(f"{i}-{suffix}", pdf, f"{pages} page{'s' * (pages != 1)}")
            add(f"{i}-handout.html", render_handout_html(one, normal), f"{len(bank.questions)} questions")
            add(f"{i}.json", export_json(one), f"{len(bank.questions)} questions")
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


def readme_md(banks: Sequence[Bank], outputs: Sequence[Output]) -> str:
    """output/README.md: what each file is for, and how to print or import it."""
    lines = [
        "# quizgen outputs",
        "",
        "These files are made by `quizgen build` from the question banks; do not edit them by hand.",
        "",
    ]
    for bank in banks:
        lines += [f"## {bank.title}", "", f"From the article *{bank.article.title}*. {bank.disclaimer}", ""]
        lines += ["| file | what it is for | size |", "|---|---|---|"]
        lines += [f"| `{o.name}` | {o.purpose} | {o.detail} |" for o in outputs if o.name.startswith(bank.id)]
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
        "newer build updates your cards in place and keeps your review history.",
        "",
        "`manifest.json` records the SOURCE_DATE_EPOCH that reproduces these files byte for byte.",
        f"After a bank changes, refresh them with `{REFRESH_COMMAND}` and commit the result.",
        "",
    ]
    return "\n".join(lines)
