"""The HTML handout and answer key in a real browser: axe-core finds nothing, and printing them
(Chromium's own print to PDF) never leaves a page holding only the credit or disclaimer.

The tests launch the system's Chromium (Debian's `chromium`); browser downloads are not possible
here. Without a browser these tests fail rather than skip.
"""

from __future__ import annotations

import io

import pypdf
import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import EXAMPLE
from playwright.sync_api import Browser

from quizgen.bank.loader import load_banks
from quizgen.bank.model import Bank
from quizgen.outputs.handout import render_answer_key_html, render_handout_html
from quizgen.outputs.printing import PrintOptions


@pytest.fixture(scope="module")
def banks() -> dict[str, list[Bank]]:
    return {"example": load_banks([EXAMPLE]), "shipped": load_banks(None)}


PAGES = {
    "handout": (render_handout_html, PrintOptions()),
    "handout-large": (render_handout_html, PrintOptions(large_print=True)),
    "key": (render_answer_key_html, PrintOptions()),
}


@pytest.mark.parametrize("which", ["example", "shipped"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_axe_finds_nothing(browser: Browser, banks: dict[str, list[Bank]], which: str, kind: str) -> None:
    render, options = PAGES[kind]
    page = browser.new_page()
    try:
        page.set_content(render(banks[which], options))
        found = Axe().run(page).response["violations"]
    finally:
        page.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in found] == []


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_printing_leaves_no_page_of_only_the_credit_or_disclaimer(
    browser: Browser, banks: dict[str, list[Bank]], kind: str, paper: str
) -> None:
    render, options = PAGES[kind]
    for bank in banks["shipped"]:  # each edition (English, Spanish) on its own
        page = browser.new_page()
        try:
            page.set_content(render([bank], options))
            pdf = page.pdf(format=paper)
        finally:
            page.close()
        pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
        texts = [" ".join((p.extract_text() or "").split()) for p in pages]
        first_words = " ".join(bank.disclaimer.split()[:3])
        assert first_words in texts[0] and " ".join(bank.credit.split()[:4]) in texts[0]
        credit, disclaimer = " ".join(bank.credit.split()), " ".join(bank.disclaimer.split())
        for text in texts:
            left = text.replace(credit, "").replace(disclaimer, "")
            assert len(left.strip()) > 40, text
