"""`publish_url`: the printed quiz, answer key and handout show the web page's address and a QR code."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pdfplumber
import pytest
from conftest import EXAMPLE
from pypdf import PdfReader

from quizgen.bank.loader import load_banks
from quizgen.errors import BankError
from quizgen.outputs.handout import render_handout_html
from quizgen.outputs.printing import PrintOptions, render_answer_key, render_quiz

URL = "https://example.org/sleep-quiz.html"


def _bank_with(tmp_path: Path, url: str) -> Path:
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    meta = folder / "bank.yaml"
    meta.write_text(meta.read_text().replace("  article:\n", f'  publish_url: "{url}"\n  article:\n', 1))
    return folder


def _lines_on_first_page(pdf: bytes) -> int:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages[0].lines)


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_quiz_key_and_handout_show_the_address_and_a_qr_code(tmp_path: Path) -> None:
    banks = load_banks([_bank_with(tmp_path, URL)])
    assert banks[0].publish_url == URL
    options = PrintOptions(timestamp=1700000000)
    for pdf in (render_quiz(banks, options), render_answer_key(banks, options)):
        assert f"Take this quiz online: {URL}" in _text(pdf)
        assert b"QR code of " + URL.encode() in pdf  # the image's alternative text
        assert _lines_on_first_page(pdf) > 100  # the QR code's modules, drawn from the SVG
    handout = render_handout_html(banks, options)
    assert f'<a href="{URL}">{URL}</a>' in handout
    assert f'alt="QR code of {URL}"' in handout and "data:image/svg+xml;base64," in handout


def test_without_an_address_nothing_is_added(tmp_path: Path) -> None:
    banks = load_banks([EXAMPLE])
    assert banks[0].publish_url is None
    options = PrintOptions(timestamp=1700000000)
    assert "Take this quiz online" not in render_handout_html(banks, options)
    assert _lines_on_first_page(render_quiz(banks, options)) < 20


def test_only_web_addresses_are_accepted(tmp_path: Path) -> None:
    with pytest.raises(BankError) as raised:
        load_banks([_bank_with(tmp_path, "javascript:alert(1)")])
    assert "publish_url must start with https:// or http://" in str(raised.value.problems[0])
