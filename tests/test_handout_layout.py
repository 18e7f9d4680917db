"""The HTML handout in a real browser: a word longer than the line breaks instead of running off
the page (issue 16, point 13)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EXAMPLE

from quizgen.bank.loader import load_banks
from quizgen.outputs.handout import render_handout_html
from quizgen.outputs.printing import PrintOptions

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian package chromium)")
def test_a_long_word_breaks_on_the_handout_page(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    bank = load_banks([EXAMPLE])[0]
    questions = tuple(replace(q, prompt=f"{q.prompt} {LONG_WORD}") for q in bank.questions)
    html = render_handout_html([replace(bank, questions=questions)], PrintOptions(timestamp=1_700_000_000))
    probe = (
        "<script>window.addEventListener('load', () => { const page = document.documentElement;"
        " document.body.setAttribute('data-overflow', String(page.scrollWidth - page.clientWidth)); });"
        "</script></body>"
    )
    page = tmp_path / "handout.html"
    page.write_text(html.replace("</body>", probe), encoding="utf-8")
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=480,800",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert re.search(r"<body[^>]*data-overflow=\"0\"", dom), re.search(r"<body[^>]*>", dom)
