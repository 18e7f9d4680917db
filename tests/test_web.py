"""The offline web page as bytes: one file, strict CSP by hash, escaping, strings table, CLI.

What the page does in a browser is tested in test_web_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner
from conftest import BANKS, EXAMPLE, REPO

from quizgen.bank.loader import load_banks
from quizgen.bank.model import QuestionType
from quizgen.cli import main
from quizgen.outputs.printing import PrintOptions, quiz_data
from quizgen.outputs.web import compact_source, page_data, render_web_page, strings

HOSTILE = BANKS / "web" / "hostile"
TEMPLATES = REPO / "quizgen" / "templates" / "web"
MAX_SHIPPED_BYTES = 150 * 1024
MAX_TRANSLATED_BYTES = 180 * 1024


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, list[str]] = {"script": [], "style": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.inline:
            self._open = tag
            self.inline[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.inline[self._open][-1] += data


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _csp(parsed: _Tags) -> dict[str, str]:
    metas = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = metas[0]["content"] or ""
    return {d.split()[0]: d.partition(" ")[2] for d in (p.strip() for p in policy.split(";")) if d}


def test_the_page_allows_only_its_own_script_and_style_by_hash() -> None:
    page = render_web_page(load_banks([EXAMPLE]))
    parsed = _parse(page)
    csp = _csp(parsed)
    assert csp["default-src"] == "'none'"
    executable = [a for t, a in parsed.tags if t == "script" and a.get("type") != "application/json"]
    assert len(executable) == 1 and "src" not in executable[0]
    code = parsed.inline["script"][-1]
    assert csp["script-src"] == _hash(code)
    assert csp["style-src"] == _hash(parsed.inline["style"][0])
    assert "unsafe" not in csp["script-src"] + csp["style-src"]
    assert code == compact_source((TEMPLATES / "page.js").read_text(encoding="utf-8"))


def test_one_file_with_nothing_to_fetch() -> None:
    page = render_web_page(load_banks(None))
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        if tag == "link":
            assert attrs["href"] == "data:,"
    assert "url(" not in parsed.inline["style"][0] and "@import" not in parsed.inline["style"][0]
    assert not re.search(r"\bfetch\(|XMLHttpRequest|import\(|new Image|sendBeacon|WebSocket", page)


def test_the_shipped_banks_page_is_at_most_150_kb() -> None:
    """One page per bank. The issue's 150 KB is for the shipped (English) bank; its Spanish edition
    says the same in about 15 % more text, so its page gets 180 KB (issue 14 report)."""
    for bank in load_banks(None):
        size = len(render_web_page([bank]).encode("utf-8"))
        limit = MAX_SHIPPED_BYTES if bank.translates is None else MAX_TRANSLATED_BYTES
        assert size <= limit, f"{bank.id}: {size} bytes"


def test_language_and_a_status_region_at_load() -> None:
    page = render_web_page(load_banks([EXAMPLE]))
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    parsed = _parse(page)
    assert ("p", {"id": "status", "role": "status", "class": "sr-only"}) in parsed.tags


def test_the_same_banks_give_the_same_bytes() -> None:
    assert render_web_page(load_banks(None)) == render_web_page(load_banks(None))


def test_bank_text_is_only_ever_text() -> None:
    """Payloads reach the no-script view escaped and the data block without any `<`."""
    page = render_web_page(load_banks([HOSTILE]))
    parsed = _parse(page)
    tags = [t for t, _ in parsed.tags]
    assert "img" not in tags and "iframe" not in tags and "svg" not in tags and "base" not in tags
    assert tags.count("script") == 2 and tags.count("style") == 1 and tags.count("a") == 1
    for _, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs)
    block = re.search(r'<script type="application/json" id="quiz-data">(.*?)</script>', page, re.S)
    assert block is not None and "<" not in block.group(1) and ">" not in block.group(1)
    data = json.loads(block.group(1))
    assert data["questions"][0]["prompt"] == "<script>alert('prompt')</script> Which is right?"
    assert "&lt;script&gt;alert(&#x27;prompt&#x27;)&lt;/script&gt; Which is right?" in page


def test_the_data_carries_the_option_order_and_the_answers() -> None:
    data = page_data(load_banks([EXAMPLE]))
    by_id = {q["key"].split("/")[1]: q for q in data["questions"]}
    mc = by_id["ex-001"]
    assert sorted(mc["options"]) == sorted(["Four", "Seven", "Ten", "Twelve"])
    assert [mc["options"][i] for i in mc["correct"]] == ["Seven"]
    assert by_id["ex-005"]["cloze"] == [
        {"answer": "Caffeine", "hint": None},
        {"text": " late in the day can keep you "},
        {"answer": "awake", "hint": "state"},
        {"text": "."},
    ]
    assert by_id["ex-005"]["answer"] == "Caffeine late in the day can keep you awake."
    assert by_id["ex-006"]["accepted"] == ["caffeine", "coffee"]
    assert data["storage_key"] == "quizgen:example"


def test_every_string_the_script_uses_is_in_the_table_and_every_entry_is_used() -> None:
    table = strings()
    script = (TEMPLATES / "page.js").read_text(encoding="utf-8")
    python = (REPO / "quizgen" / "outputs" / "web.py").read_text(encoding="utf-8")
    used = set(re.findall(r'\bt\("(\w+)"[,)]', script))
    used |= {f"{stem}_other" for stem in re.findall(r'\btn\("(\w+)"', script)}
    used |= {f"type_{t}" for t in ("multiple_choice", "multiple_select", "true_false", "cloze")}
    used |= {"type_short_answer", "type_flashcard"}
    assert used <= set(table), used - set(table)
    for key in table:
        stem = re.sub(r"_(one|other)$", "", key)
        assert (
            f'"{key}"' in script
            or f'"{stem}"' in script
            or f"'{key}'" in python
            or f'"{key}"' in python
            or key.startswith("type_")
        ), f"{key} is never used"


def test_a_prompt_that_says_choose_all_that_apply_is_not_followed_by_it_again() -> None:
    """A prompt "Which ...? Choose all that apply." gets no second "Choose all that apply." line: the
    page's data marks the question `says_how` by the printed quiz's own rule (the two agree on every
    question), and the no-script list leaves the line out. English and Spanish."""
    for paths in ([EXAMPLE], [BANKS / "valid" / "example-es"], None):
        for bank in load_banks(paths):
            phrase = strings(bank.language)["type_multiple_select"]
            selects = [q for q in bank.questions if q.type is QuestionType.MULTIPLE_SELECT]
            saying = {f"{bank.id}/{q.id}" for q in selects if q.prompt.endswith(phrase)}
            assert saying, bank.id  # each of these banks has such a prompt
            data = page_data([bank], bank.language)
            assert {q["key"] for q in data["questions"] if q.get("says_how")} == saying
            printed = {q["prompt"]: q for q in quiz_data([bank], PrintOptions())["questions"]}
            for q in data["questions"]:
                untold = printed[q["prompt"]]["instruction"] is None and q["type"] != "true_false"
                assert q.get("says_how", False) == untold, q["key"]
            page = render_web_page([bank], bank.language)
            static = page[page.index('<div id="static">') : page.index("<details>")]
            assert static.count(html.escape(phrase)) == len(selects), bank.id


def test_web_command_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "quiz.html"
    result = CliRunner().invoke(main, ["web", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out} (6 questions, ")
    assert out.read_text(encoding="utf-8") == render_web_page(load_banks([EXAMPLE]))


def test_web_command_needs_an_output() -> None:
    result = CliRunner().invoke(main, ["web", str(EXAMPLE)])
    assert result.exit_code == 2
    assert "Missing option '-o'" in result.output
