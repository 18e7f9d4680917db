"""Cards fit a phone: rendered by the official `anki` package, laid out by Chromium at 320 px.

A phone's reviewer shows the card's HTML with its note type's CSS on a `.card` body; a card
wider than the screen scrolls sideways, and the learner cannot read an option without swiping.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from conftest import EXAMPLE

from quizgen.bank.loader import load_banks
from quizgen.bank.model import Bank
from quizgen.outputs.anki import render_apkg

PHONE_WIDTH = 320
# no space to break at: a URL, a chemical name, a word run together by a typo
LONG = "https://example.org/patientinformation/calcineurininhibitorsandlupusnephritis?page=2"


def _with_long_words(bank: Bank) -> Bank:
    def longer(text: str | None) -> str | None:
        return None if text is None else f"{text} {LONG}"

    questions = []
    for q in bank.questions:
        changes: dict[str, Any] = {"explanation": longer(q.explanation)}
        if q.options:
            changes["options"] = tuple(f"{o} {LONG}" for o in q.options)
        if q.back is not None:
            changes["back"] = longer(q.back)
        if q.accepted:
            changes["accepted"] = tuple(f"{a} {LONG}" for a in q.accepted)
        if q.type.value != "cloze":
            changes["prompt"] = longer(q.prompt)
        questions.append(dataclasses.replace(q, **changes))
    return dataclasses.replace(bank, questions=tuple(questions))


@pytest.fixture
def cards(tmp_path: Path) -> Iterator[list[tuple[str, str, str]]]:
    """(question id and side, card HTML, CSS) of every card of the example bank, with long words."""
    bank = _with_long_words(load_banks([EXAMPLE])[0])
    path = tmp_path / "deck.apkg"
    path.write_bytes(render_apkg([bank], 1_700_000_000))
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        options = ImportAnkiPackageOptions(with_scheduling=False)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options))
        out = []
        for card_id in sorted(col.find_cards("")):
            card = col.get_card(card_id)
            shown = card.render_output()
            name = f"{card.note()['Question ID']} card {card.ord + 1}"
            out += [(f"{name} front", shown.question_text, shown.css)]
            out += [(f"{name} back", shown.answer_text, shown.css)]
        yield out
    finally:
        col.close()


def test_no_card_scrolls_sideways_on_a_phone(browser: Any, cards: list[tuple[str, str, str]]) -> None:
    assert len(cards) == 2 * 7  # six questions, the cloze with two cards
    page = browser.new_page(viewport={"width": PHONE_WIDTH, "height": 640})
    try:
        wide = []
        for name, text, css in cards:
            page.set_content(
                '<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<style>{css}</style><body class="card"><div id="qa">{text}</div></body>'
            )
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_WIDTH:
                wide.append(f"{name}: {width} px")
        assert wide == []
    finally:
        page.close()
