"""Synthetic banks for benchmarks: N valid questions of all six types, spread over several files."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

TYPES = ["multiple_choice", "multiple_select", "true_false", "cloze", "short_answer", "flashcard"]
SECTIONS = 8
WORDS = [
    "kidney",
    "filter",
    "medicine",
    "dose",
    "blood",
    "pressure",
    "sugar",
    "tremor",
    "nerve",
    "skin",
    "liver",
    "immune",
    "cell",
    "signal",
    "protein",
    "calcium",
    "lupus",
    "tacrolimus",
    "cyclosporine",
    "voclosporin",
    "podocyte",
    "membrane",
]


def _sentence(i: int, n: int = 14) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(n)).capitalize()


def question(i: int) -> dict[str, object]:
    qtype = TYPES[i % len(TYPES)]
    section = f"s{i % SECTIONS}"
    q: dict[str, object] = {"id": f"syn-{i:06d}", "type": qtype}
    if qtype in ("multiple_choice", "multiple_select"):
        options = [f"Option {k} about {WORDS[(i + k) % len(WORDS)]}" for k in range(4)]
        q["prompt"] = f"Question {i}: {_sentence(i)}?"
        q["options"] = options
        if qtype == "multiple_choice":
            q["answer"] = options[i % 4]
        else:
            q["answers"] = [options[0], options[2]]
    elif qtype == "true_false":
        q["prompt"] = f"Statement {i}: {_sentence(i)}."
        q["answer"] = i % 2 == 0
    elif qtype == "cloze":
        first, second = WORDS[i % len(WORDS)], WORDS[(i + 5) % len(WORDS)]
        q["text"] = f"Item {i}: the {{{{c1::{first}}}}} works with the {{{{c2::{second}}}}}."
    elif qtype == "short_answer":
        q["prompt"] = f"Question {i}: which word names {_sentence(i, 6)}?"
        q["answers"] = [WORDS[i % len(WORDS)], f"{WORDS[i % len(WORDS)]}s"]
    else:
        q["front"] = f"Card {i}: {_sentence(i, 8)}?"
        q["back"] = _sentence(i + 1, 10) + "."
    q["explanation"] = f"Because {_sentence(i + 3, 12).lower()}, as section {section} explains."
    q["source"] = {"section": section, "facts": [f"f{i % 40}"]}
    q["tags"] = [WORDS[i % 5], "synthetic"]
    q["difficulty"] = ["easy", "medium", "hard"][i % 3]
    return q


def write_bank(folder: Path, count: int, files: int = 10) -> Path:
    """Write a bank of `count` questions into `folder` (bank.yaml plus `files` question files)."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "bank": {
            "id": f"synthetic-{count}",
            "title": f"Synthetic bank of {count} questions",
            "deck": f"Synthetic::{count}",
            "credit": "Generated for benchmarks.",
            "disclaimer": "Educational material, not medical advice.",
            "article": {
                "title": "Synthetic Article",
                "sections": [{"id": f"s{k}", "title": f"Section {k}"} for k in range(SECTIONS)],
            },
            "facts": [
                {"id": f"f{k}", "section": f"s{k % SECTIONS}", "text": f"Fact number {k}."} for k in range(40)
            ],
        }
    }
    (folder / "bank.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    per_file = -(-count // files)
    for f in range(files):
        chunk = [question(i) for i in range(f * per_file, min(count, (f + 1) * per_file))]
        text = yaml.safe_dump({"questions": chunk}, sort_keys=False, allow_unicode=True, width=1000)
        (folder / f"part-{f:02d}.yaml").write_text(text, encoding="utf-8")
    return folder


def flashcard(i: int) -> tuple[str, str, str]:
    """The i-th synthetic flashcard of the peer comparison: front, back and one tag."""
    return f"Card {i}: {_sentence(i, 8)}?", _sentence(i + 1, 10) + ".", WORDS[i % 5]


def write_flashcards(bank: Path, markdown: Path, count: int, files: int = 10) -> None:
    """The same `count` flashcards twice: a quizgen bank in `bank`, ankdown's Markdown in `markdown`.

    quizgen's format requires an explanation and a source on every question: they are the
    shortest the loader accepts without a warning (a fact cited from the question's section).
    """
    bank.mkdir(parents=True, exist_ok=True)
    markdown.mkdir(parents=True, exist_ok=True)
    meta = {
        "bank": {
            "id": f"flashcards-{count}",
            "title": f"{count} flashcards",
            "deck": f"Flashcards::{count}",
            "credit": "Generated for benchmarks.",
            "disclaimer": "Educational material, not medical advice.",
            "article": {"title": "Synthetic Article", "sections": [{"id": "s0", "title": "Section 0"}]},
            "facts": [{"id": "f0", "section": "s0", "text": "Fact number 0."}],
        }
    }
    (bank / "bank.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    per_file = -(-count // files)
    for f in range(files):
        cards = [flashcard(i) for i in range(f * per_file, min(count, (f + 1) * per_file))]
        questions = [
            {
                "id": f"card-{f * per_file + k:06d}",
                "type": "flashcard",
                "front": front,
                "back": back,
                "explanation": "See section 0.",
                "source": {"section": "s0", "facts": ["f0"]},
                "tags": [tag],
            }
            for k, (front, back, tag) in enumerate(cards)
        ]
        text = yaml.safe_dump({"questions": questions}, sort_keys=False, allow_unicode=True, width=1000)
        (bank / f"part-{f:02d}.yaml").write_text(text, encoding="utf-8")
        notes = "\n---\n\n".join(f"{front}\n\n%\n\n{back}\n\n%\n\n{tag}\n" for front, back, tag in cards)
        (markdown / f"part-{f:02d}.md").write_text(notes, encoding="utf-8")


if __name__ == "__main__":
    write_bank(Path(sys.argv[1]), int(sys.argv[2]))
