"""Bank text is never read as MathJax on a card (issue 16, point 9).

Anki's reviewer runs MathJax over every card with its own settings (`\\(...\\)` inline and
`\\[...\\]` display math), and MathJax's `\\href` makes links: a prompt holding
`\\(\\href{javascript:...}{click me}\\)` would become a live `javascript:` link. This test renders
cards with the official `anki` package, loads them in Chromium with the MathJax build and settings
that ship with Anki's desktop package (`aqt`, fetched from the package index with pip once, into a
cache) and looks at the links in the typeset page.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from conftest import EXAMPLE

from quizgen.bank.loader import load_banks
from quizgen.outputs.anki import note_guid, render_apkg

AQT = "aqt==26.9.3"  # Anki's desktop package, the same release as the `anki` test dependency
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EVIL = "\\(\\href{javascript:alert(1)}{click me}\\) and \\[\\href{javascript:alert(2)}{or me}\\]"


@pytest.fixture(scope="session")
def anki_mathjax() -> Path:
    """A folder holding Anki's MathJax settings (`mathjax.js`) and its MathJax build."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "quizgen-tests" / AQT
    config, build = cache / "mathjax.js", cache / "vendor" / "mathjax" / "tex-chtml-full.js"
    if not build.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        got = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(cache), AQT],
            capture_output=True,
            text=True,
        )
        wheels = list(cache.glob("aqt-*.whl"))
        if got.returncode != 0 or not wheels:
            pytest.skip(f"could not fetch {AQT} for its MathJax: {got.stderr.strip()[-300:]}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            config.write_bytes(wheel.read("_aqt/data/web/js/mathjax.js"))
            build.parent.mkdir(parents=True, exist_ok=True)
            build.write_bytes(wheel.read("_aqt/data/web/js/vendor/mathjax/tex-chtml-full.js"))
    return cache


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def _typeset_links(mathjax: Path, cards_html: list[str], tmp_path: Path) -> tuple[list[str], str]:
    """Typeset each piece of HTML with Anki's MathJax in headless Chromium: the links, the DOM."""
    assert CHROMIUM is not None
    body = "\n".join(f'<div class="card">{h}</div>' for h in cards_html)
    page = tmp_path / "cards.html"
    page.write_text(
        f"""<!doctype html><html><head><meta charset="utf-8">
<script src="{(mathjax / "mathjax.js").as_uri()}"></script>
<script>window.MathJax.loader.paths.mathjax = "{(mathjax / "vendor" / "mathjax").as_uri()}";</script>
<script src="{(mathjax / "vendor" / "mathjax" / "tex-chtml-full.js").as_uri()}"></script>
</head><body>{body}
<script>
MathJax.startup.promise
  .then(() => MathJax.typesetPromise(Array.from(document.querySelectorAll(".card"))))
  .then(() => document.body.setAttribute("data-typeset", "done"))
  .catch((e) => document.body.setAttribute("data-typeset", "error " + e));
</script></body></html>""",
        encoding="utf-8",
    )
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--allow-file-access-from-files",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert 'data-typeset="done"' in dom, dom[-2000:]
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', dom)], dom


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian package chromium)")
def test_bank_text_is_never_typeset_as_mathjax(anki_mathjax: Path, col: Collection, tmp_path: Path) -> None:
    bank = load_banks([EXAMPLE])[0]
    questions = tuple(
        q.__class__(**{**q.__dict__, "prompt": f"{q.prompt} {EVIL}"}) if q.id in ("ex-001", "ex-005") else q
        for q in bank.questions
    )
    bank = bank.__class__(**{**bank.__dict__, "questions": questions})
    path = tmp_path / "deck.apkg"
    path.write_bytes(render_apkg([bank], 1_700_000_000))
    col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    )
    rendered = []
    for question in questions:
        if question.id not in ("ex-001", "ex-005"):
            continue
        (nid,) = col.db.list("select id from notes where guid = ?", note_guid(bank, question))
        for card in col.get_note(nid).cards():
            out = card.render_output()
            rendered += [out.question_text, out.answer_text]
    # the control: the same text as written, with nothing done to it, does become a live link
    links, _ = _typeset_links(anki_mathjax, [html.escape(EVIL)], tmp_path)
    assert "javascript:alert(1)" in links and "javascript:alert(2)" in links

    links, dom = _typeset_links(anki_mathjax, rendered, tmp_path)
    assert not [link for link in links if "javascript" in link.lower()]
    assert "<mjx-container" not in dom
    assert "click me" in dom
