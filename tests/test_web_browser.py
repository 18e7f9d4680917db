"""The offline web page in a real browser: the system's Chromium, driven by Playwright.

Browser downloads are not possible on our machines, so the tests launch Debian's `chromium` by its
path (`.ci/run` installs it when missing). Without it these tests fail rather than skip; set
QUIZGEN_SKIP_BROWSER_TESTS=1 to leave them out on purpose. One browser serves the whole session.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import BANKS, EXAMPLE
from playwright.sync_api import Browser, Page, expect

from quizgen.bank.loader import load_banks
from quizgen.outputs.web import cloze_segments, page_data, render_web_page
from quizgen.study.answers import Response, grade, words_of

expect.set_options(timeout=30_000)  # the same for expect(...) assertions (their default is 5 s)

HOSTILE = BANKS / "web" / "hostile"
LETTERS = BANKS / "web" / "letters"
EXAMPLE_ES = BANKS / "valid" / "example-es"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Chromium's own background traffic (component updates, safe browsing...) is not the page's.
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("web")
    made = {}
    for name, paths in {
        "example": [EXAMPLE],
        "shipped": None,
        "hostile": [HOSTILE],
        "example-es": [EXAMPLE_ES],
        "letters": [LETTERS],
    }.items():
        made[name] = folder / f"{name}.html"
        banks = load_banks(paths)
        made[name].write_text(render_web_page(banks, banks[0].language), encoding="utf-8")
    # The page as a browser without JavaScript lays it out, for axe (which needs scripts to run).
    html = made["example"].read_text(encoding="utf-8")
    script = html.rindex("<script>")
    made["example-static"] = folder / "example-static.html"
    made["example-static"].write_text(html[:script] + html[html.index("</script>", script) + 9 :], "utf-8")
    return made


EXAMPLE_DATA = page_data(load_banks([EXAMPLE]))
EXAMPLE_ES_DATA = page_data(load_banks([EXAMPLE_ES]), "es")

CASES: dict[str, Any] = json.loads((Path(__file__).parent / "answer_cases.json").read_text("utf-8"))


def _page_question(record: dict[str, Any]) -> dict[str, Any]:
    """A question of the case file in the shape the page's data gives it."""
    kind, answer = record["type"], record.get("answer")
    q: dict[str, Any] = {"type": kind, "prompt": record.get("prompt", "?"), "explanation": ""}
    if kind in ("multiple_choice", "multiple_select"):
        right = [answer] if kind == "multiple_choice" else answer
        q.update(options=record["choices"], correct=sorted(record["choices"].index(a) for a in right))
    elif kind == "true_false":
        q["truth"] = answer
    elif kind == "short_answer":
        q["accepted"] = answer
    elif kind == "flashcard":
        q["back"] = answer
    else:
        q["cloze"] = cloze_segments(q["prompt"])
    return q


@dataclass
class Watch:
    """What a page did that it must not: requests beyond itself, dialogs, script errors."""

    own: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert self.requests == [], f"requests left the page: {self.requests}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"
        assert self.errors == [], f"script errors: {self.errors}"


Opener = Callable[..., tuple[Page, Watch]]


@pytest.fixture
def open_page(browser: Browser, pages: dict[str, Path]) -> Iterator[Opener]:
    """Open a built page in a fresh context; every request, dialog and error is recorded."""
    opened: list[tuple[Any, Watch]] = []

    def opener(
        name: str = "example",
        *,
        viewport: dict[str, int] = PHONE,
        scheme: str = "light",
        javascript: bool = True,
        fragment: str = "",
        init_script: str | None = None,
        reduced_motion: str = "no-preference",
        scale: float = 1,
        served_with: dict[str, str] | None = None,
    ) -> tuple[Page, Watch]:
        context = browser.new_context(
            viewport=viewport,
            color_scheme=scheme,  # type: ignore[arg-type]
            java_script_enabled=javascript,
            reduced_motion=reduced_motion,  # type: ignore[arg-type]
            device_scale_factor=scale,
        )
        # how long an action or a wait may take before it fails (a passing test never waits for it):
        # long enough for Chromium on a busy machine, where 5 s was not
        context.set_default_timeout(30_000)
        url = pages[name].as_uri()
        if served_with is not None:  # an attachment on a web mail's own origin, with its headers
            url = f"https://mail.example/attachment/{name}%20(1).html"
        watch = Watch(url)
        opened.append((context, watch))

        def block(route: Any) -> None:
            if served_with is not None and route.request.url.split("#")[0] == url:
                headers = {"Content-Type": "text/html; charset=utf-8", **served_with}
                route.fulfill(status=200, headers=headers, body=pages[name].read_bytes())
                return
            watch.requests.append(route.request.url)
            route.abort()

        context.route(lambda u: not u.startswith("file:"), block)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.on("request", lambda r: r.url.split("#")[0] != url and watch.requests.append(r.url))
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: watch.errors.append(str(e)))
        page.goto(url + fragment)
        return page, watch

    yield opener
    for context, watch in opened:
        context.close()
        watch.check()


# -- driving the study mode ------------------------------------------------------------------------


def _question(page: Page) -> dict[str, Any]:
    key = page.locator("[data-key]").get_attribute("data-key")
    return next(q for q in EXAMPLE_DATA["questions"] + EXAMPLE_ES_DATA["questions"] if q["key"] == key)


def _wrong_option(q: dict[str, Any]) -> int:
    return next(i for i in range(len(q["options"])) if i not in q["correct"])


def _answer(page: Page, right: bool) -> dict[str, Any]:
    """Answer the question on screen by pointer, right or wrong, and return it."""
    q = _question(page)
    kind = q["type"]
    if kind == "flashcard":
        page.click("#show-answer")
        page.click("#knew" if right else "#did-not-know")
        return q
    if kind in ("multiple_choice", "multiple_select"):
        for i in q["correct"] if right else [_wrong_option(q)]:
            page.check(f"#opt-{i}")
    elif kind == "true_false":
        page.check("#opt-0" if q["truth"] == right else "#opt-1")
    elif kind == "short_answer":
        page.fill("#typed", q["accepted"][0] if right else "zzzz")
    else:
        blanks = [s["answer"] for s in q["cloze"] if "answer" in s]
        for n, answer in enumerate(blanks, start=1):
            page.fill(f"#blank-{n}", answer if right else "zzzz")
    page.click("#check")
    return q


def _blanked(q: dict[str, Any]) -> str:
    if q["type"] != "cloze":
        return str(q["prompt"])
    return "".join(
        s["text"] if "text" in s else "_____" + (f" ({s['hint']})" if s["hint"] else "") for s in q["cloze"]
    )


def _present(page: Page) -> None:
    """Press "Present to a group" and wait for the first question (the hash changes first)."""
    page.click("#present")
    page.locator(".present .counter").wait_for()


def _start(page: Page) -> None:
    page.click("#start")
    assert page.locator("#question-heading").inner_text() == "Question 1 of 6"


_SMALL_TARGETS = """() => [...document.querySelectorAll("button, input, select, summary, label.choice")]
    .filter(e => e.offsetParent !== null)
    .map(e => { const r = e.getBoundingClientRect(); return [e.id || e.tagName, r.width, r.height]; })
    .filter(([, w, h]) => w < 24 || h < 24)"""


def _no_sideways_scroll(page: Page) -> None:
    """Nothing wider than the screen, and every control a target of at least 24 by 24 px."""
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"sideways scroll: {width}"
    assert page.evaluate(_SMALL_TARGETS) == []


# -- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("right", [True, False], ids=["all-right", "all-wrong"])
def test_every_type_scores_full_marks_or_zero(open_page: Opener, right: bool) -> None:
    page, _ = open_page()
    _start(page)
    seen = set()
    for n in range(6):
        q = _answer(page, right)
        seen.add(q["type"])
        verdict = page.locator(".verdict").inner_text()
        assert verdict == ("✓ Correct" if right else "✗ Incorrect"), q["id"]
        assert page.locator("#status").inner_text().startswith(verdict)
        feedback = page.locator(".feedback").inner_text()
        assert q["explanation"] in feedback and "Educational material, not medical advice." in feedback
        assert 'section "' not in feedback and "section “" in feedback
        if q["type"] != "flashcard":
            assert f"The answer: {q['answer']}" in feedback
        if q["type"] in ("multiple_choice", "multiple_select"):  # words and marks, not colour alone
            assert "✓ right answer" in page.locator(".choice.is-right").first.inner_text()
            if not right:
                assert page.locator(".choice.is-wrong").inner_text().endswith("✗ your choice")
        page.click("#next")
        if n < 5:
            assert page.locator("#question-heading").inner_text() == f"Question {n + 2} of 6"
    assert seen == {"multiple_choice", "multiple_select", "true_false", "cloze", "short_answer", "flashcard"}
    assert page.locator("#score").inner_text() == ("6 of 6 right" if right else "0 of 6 right")
    missed = page.locator("#missed li")
    assert missed.count() == (0 if right else 6)
    if not right:
        page.click("#retry")
        assert page.locator("#question-heading").inner_text() == "Question 1 of 6"


@pytest.mark.parametrize("right", [True, False], ids=["all-right", "all-wrong"])
def test_every_type_scores_full_marks_or_zero_in_spanish(open_page: Opener, right: bool) -> None:
    """The True/False and I knew it / I didn't buttons type the page's own words: "true" and "y"
    are not Spanish, and a right answer was graded not understood, shown as wrong."""
    page, _ = open_page("example-es")
    page.click("#start")
    seen = set()
    for _ in range(6):
        q = _answer(page, right)
        seen.add(q["type"])
        assert page.locator(".verdict").inner_text() == ("✓ Correcto" if right else "✗ Incorrecto"), q["key"]
        page.click("#next")
    assert len(seen) == 6
    assert page.locator("#score").inner_text() == ("6 de 6 correctas" if right else "0 de 6 correctas")


@pytest.mark.parametrize("name", ["example", "example-es"])
def test_choose_all_that_apply_is_said_once(open_page: Opener, name: str) -> None:
    """A prompt that already ends "Choose all that apply." (Spanish: "Elija todas las respuestas
    que correspondan.") is not followed by the same words again, studying or presenting; other
    questions keep their line."""
    banks = load_banks([EXAMPLE if name == "example" else EXAMPLE_ES])
    data = page_data(banks, banks[0].language)
    phrase = data["strings"]["type_multiple_select"]
    index, q = next((i, q) for i, q in enumerate(data["questions"]) if q["type"] == "multiple_select")
    assert q["prompt"].endswith(phrase)
    page, _ = open_page(name)
    page.click("#start")
    for _ in range(index):
        page.click("#skip")
        page.click("#next")
    form = page.locator(f'[data-key="{q["key"]}"]')
    expect(form).to_contain_text(q["prompt"])
    assert form.inner_text().count(phrase) == 1
    expect(form.locator("#how")).to_have_count(0)
    assert form.locator("fieldset").get_attribute("aria-describedby") is None
    page.click("#skip")
    page.click("#next")
    after = data["questions"][index + 1]
    how = data["strings"]["type_" + after["type"]]
    expect(page.locator(f'[data-key="{after["key"]}"] #how')).to_have_text(how)
    page, _ = open_page(name, viewport={"width": 1280, "height": 720}, fragment="#present")
    for _ in range(index):
        page.keyboard.press("PageDown")
    expect(page.locator("#present-prompt")).to_have_text(q["prompt"])
    assert page.locator(".present").inner_text().count(phrase) == 1


def test_ticked_options_are_graded_by_which_ones_not_by_their_letters(open_page: Opener) -> None:
    """Options A, B, AB, O shown as O, A, B, AB: ticking the first two (letters "a b") was graded
    as choosing the option "AB", the right one, and said "✓ Correct"."""
    (q,) = page_data(load_banks([LETTERS]))["questions"]
    assert q["options"][:2] == ["O", "A"] and q["correct"] == [3]
    page, _ = open_page("letters")
    page.click("#start")
    page.check("#opt-0")
    page.check("#opt-1")
    page.click("#check")
    assert page.locator(".verdict").inner_text() == "✗ Incorrect"
    assert page.locator(".choice.is-wrong").count() == 2


def test_near_miss_is_right_and_shows_the_spelling(open_page: Opener) -> None:
    page, _ = open_page()
    page.select_option("#pick-section", label="Sleep Habits (3)")
    page.click("#start")
    while _question(page)["type"] != "short_answer":
        page.click("#skip")
        page.click("#next")
    page.fill("#typed", "cafeine")
    page.click("#check")
    assert page.locator(".verdict").inner_text() == "✓ Correct"
    assert "Close enough. It is spelled: caffeine" in page.locator(".feedback").inner_text()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_page_grades_every_shared_case_as_python_does(open_page: Opener, language: str) -> None:
    """The page's rulebook gives Python's verdict on every case of tests/answer_cases.json: the
    cases of each language on a page in that language (its words for true and false)."""
    from test_answers import LANGUAGES, QUESTIONS

    page, _ = open_page("example" if language == "en" else f"example-{language}")
    lists = CASES["word_list"]
    general = lists["general_words"] if language == "en" else lists["by_language"][language]["general_words"]
    shared = [c for c in CASES["grade"] if LANGUAGES[c["question"]] == language]
    cases = []
    for case in shared:
        record = CASES["questions"][case["question"]]
        known = sorted(words_of(*record.get("bank_words", [])))
        response = {"typed": case["typed"], "hinted": case.get("hinted", False)}
        cases.append([_page_question(record), response, known])
    got = page.evaluate(
        """([cases, general]) => cases.map(([q, response, known]) =>
            window.quizgen.grade(q, response, new Set(known), new Set(general)))""",
        [cases, general],
    )
    for case, (_, _, known), js in zip(shared, cases, got, strict=True):
        expected = grade(
            QUESTIONS[case["question"]],
            Response(case["typed"], hinted=case.get("hinted", False), known_words=frozenset(known)),
            language,
        )
        where = (case["question"], case["typed"])
        assert js["verdict"] == expected.verdict.value == case["verdict"], where
        if "chosen" in js or expected.chosen:
            assert js["chosen"] == list(expected.chosen), where
        if "spelled" in js or expected.spelled:
            assert js["spelled"] == list(expected.spelled), where
    normalised = page.evaluate(
        "cases => cases.map(c => window.quizgen.normalise(c.text))", CASES["normalise"]
    )
    assert normalised == [c["expected"] for c in CASES["normalise"]]
    distances = page.evaluate(
        "cases => cases.map(c => window.quizgen.editDistance(c.a, c.b))", CASES["edit_distance"]
    )
    assert distances == [c["distance"] for c in CASES["edit_distance"]]


def test_a_reload_resumes_and_start_over_forgets(open_page: Opener) -> None:
    page, _ = open_page()
    _start(page)
    for _ in range(2):
        _answer(page, True)
        page.click("#next")
    page.reload()
    assert page.locator("#resume").inner_text() == "Resume where I left off (question 3 of 6)"
    page.click("#resume")
    assert page.locator("#question-heading").inner_text() == "Question 3 of 6"
    for _ in range(4):
        _answer(page, True)
        page.click("#next")
    assert page.locator("#score").inner_text() == "6 of 6 right"
    page.reload()
    page.click("#start-over")
    assert page.locator("#resume").count() == 0
    assert page.locator("#status").inner_text() == "Your saved progress is cleared."


@pytest.mark.parametrize(
    "refusal",
    [
        'Object.defineProperty(window, "localStorage", '
        '{get() { throw new DOMException("no", "SecurityError"); }});',
        'Storage.prototype.setItem = function () { throw new DOMException("full", "QuotaExceededError"); };',
    ],
    ids=["no-storage", "writes-refused"],
)
def test_the_quiz_works_without_storage(open_page: Opener, refusal: str) -> None:
    page, _ = open_page(init_script=refusal)
    assert page.locator("#no-storage").is_visible()
    _start(page)
    for _ in range(6):
        _answer(page, True)
        page.click("#next")
    assert page.locator("#score").inner_text() == "6 of 6 right"


def test_the_quiz_works_where_a_host_forbids_forms(open_page: Opener) -> None:
    """A page served with `Content-Security-Policy: sandbox allow-scripts` (how a host or a mail
    viewer may show an attached page, on its own origin) may not submit a form: Start and Check
    did nothing. They act on the click, and Enter in a field still checks the answer."""
    sandbox = {
        "Content-Security-Policy": "sandbox allow-scripts",
        "Content-Disposition": 'inline; filename="quiz (1).html"',
    }
    page, _ = open_page(served_with=sandbox)
    assert page.locator("#no-storage").is_visible()  # an opaque origin has no storage
    _start(page)
    for _ in range(6):
        q = _question(page)
        if q["type"] == "short_answer":
            page.fill("#typed", q["accepted"][0])
            page.press("#typed", "Enter")
        else:
            _answer(page, True)
        assert page.locator(".verdict").inner_text() == "✓ Correct", q["key"]
        page.click("#next")
    assert page.locator("#score").inner_text() == "6 of 6 right"


def _tab_to(page: Page, selector: str) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => document.activeElement.matches(s)", selector))


def test_a_whole_quiz_with_the_keyboard_alone(open_page: Opener) -> None:
    page, _ = open_page()
    _tab_to(page, "#start")
    page.keyboard.press("Enter")
    for _ in range(6):
        q = _question(page)
        kind = q["type"]
        if kind == "flashcard":
            _tab_to(page, "#show-answer")
            page.keyboard.press("Enter")
            assert _focused(page, "#knew")
            page.keyboard.press("Enter")
        elif kind in ("multiple_choice", "true_false"):
            index = q["correct"][0] if kind == "multiple_choice" else (0 if q["truth"] else 1)
            _tab_to(page, "input[name=answer]")
            page.keyboard.press("Space")
            for _ in range(index):
                page.keyboard.press("ArrowDown")
            assert page.is_checked(f"#opt-{index}")
            _tab_to(page, "#check")
            page.keyboard.press("Enter")
        elif kind == "multiple_select":
            for i in q["correct"]:
                _tab_to(page, f"#opt-{i}")
                page.keyboard.press("Space")
            _tab_to(page, "#check")
            page.keyboard.press("Enter")
        elif kind == "short_answer":
            _tab_to(page, "#typed")
            page.keyboard.type(q["accepted"][0])
            page.keyboard.press("Enter")
        else:
            for n, seg in enumerate((s for s in q["cloze"] if "answer" in s), start=1):
                _tab_to(page, f"#blank-{n}")
                page.keyboard.type(seg["answer"])
            page.keyboard.press("Enter")
        assert page.locator(".verdict").inner_text() == "✓ Correct", q["id"]
        assert _focused(page, "#next")
        page.keyboard.press("Enter")
    assert page.locator("#score").inner_text() == "6 of 6 right"
    assert _focused(page, "#summary-heading")


def test_enter_in_a_blank_moves_to_the_next_empty_blank_before_grading(open_page: Opener) -> None:
    """Enter after the first of two blanks graded the half-typed cloze as wrong and gave the
    second blank's answer away; it moves on to the empty blank, and grades once none is left."""
    page, _ = open_page()
    _start(page)
    while _question(page)["type"] != "cloze":
        page.click("#skip")
        page.click("#next")
    first, second = [s["answer"] for s in _question(page)["cloze"] if "answer" in s]
    page.focus("#blank-1")
    page.keyboard.type(first)
    page.keyboard.press("Enter")
    assert page.locator(".verdict").count() == 0
    assert _focused(page, "#blank-2")
    assert page.get_attribute("#blank-1", "enterkeyhint") == "next"
    page.keyboard.type(second)
    page.keyboard.press("Enter")
    assert page.locator(".verdict").inner_text() == "✓ Correct"


def test_present_mode_reveals_on_a_key_and_follows_a_clicker(open_page: Opener) -> None:
    page, _ = open_page(viewport={"width": 1280, "height": 720}, fragment="#present")
    first, second = EXAMPLE_DATA["questions"][:2]
    counter = page.locator(".present .counter")
    answer = page.locator("#present-answer")
    expect(counter).to_have_text("Question 1 of 6")
    expect(page.locator("#present-prompt")).to_have_text(_blanked(first))
    expect(answer).to_be_hidden()
    page.keyboard.press("Space")
    right = first["correct"][0]
    shown = f"{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[right]}. {first['options'][right]}"
    expect(answer).to_be_visible()
    expect(answer).to_contain_text(shown)
    expect(page.locator(".present li.is-right").first).to_have_text(f"✓ {shown}")
    page.keyboard.press("PageDown")
    expect(counter).to_have_text("Question 2 of 6")
    expect(answer).to_be_hidden()
    expect(page.locator("#present-prompt")).to_have_text(_blanked(second))
    page.keyboard.press("PageUp")
    expect(counter).to_have_text("Question 1 of 6")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("Question 2 of 6")
    page.keyboard.press("ArrowLeft")
    expect(counter).to_have_text("Question 1 of 6")
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#present-prompt')).fontSize)")
    assert font >= 40
    page.keyboard.press("Escape")
    expect(page.locator("#start")).to_be_visible()
    page.click("#present")
    expect(counter).to_have_text("Question 1 of 6")
    assert page.evaluate("localStorage.length") == 0  # no scores kept


def test_back_after_leaving_present_mode_does_not_present_again(open_page: Opener) -> None:
    """Leaving went forward to a third history entry (the page's address with an empty '#'), so
    the Back button went to #present and started presenting again from the first question."""
    page, watch = open_page()
    _present(page)
    page.keyboard.press("Escape")
    expect(page.locator("#start")).to_be_visible()
    assert page.url == watch.own
    page.go_back()
    page.wait_for_timeout(200)  # a hashchange, had there been one, would have been handled
    assert page.locator(".present").count() == 0 and "#present" not in page.url


def test_space_on_a_focused_present_button_does_what_the_button_says(open_page: Opener) -> None:
    """Space activates a focused button: "Previous" goes back and "Leave presenting" leaves (the
    clicker keys must not take Space from a button the keyboard user has moved to)."""
    page, _ = open_page(viewport={"width": 1280, "height": 720}, fragment="#present")
    counter = page.locator(".present .counter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("Question 2 of 6")
    page.focus("#present-prev")
    page.keyboard.press("Space")
    expect(counter).to_have_text("Question 1 of 6")
    expect(page.locator("#present-answer")).to_be_hidden()
    page.focus("#present-exit")
    page.keyboard.press("Space")
    expect(page.locator("#start")).to_be_visible()


def test_a_revealed_answer_is_on_screen_at_200_percent_zoom(open_page: Opener) -> None:
    """At 1280x720 zoomed to 200 % (640x360) the answer line is scrolled into view when shown: the
    facilitator's keys cannot scroll, they all step through the quiz."""
    page, _ = open_page(viewport={"width": 640, "height": 360}, fragment="#present")
    counter = page.locator(".present .counter")
    for n in range(1, 7):
        expect(counter).to_have_text(f"Question {n} of 6")
        page.keyboard.press("PageDown")
        expect(page.locator("#present-answer p").first).to_be_in_viewport(ratio=1)
        page.keyboard.press("PageDown")


def test_no_request_leaves_the_page(open_page: Opener) -> None:
    page, watch = open_page("shipped")
    page.click("#start")
    for _ in range(5):
        page.click("#skip")
        page.click("#next")
    page.goto(watch.own + "#present")
    page.reload()
    for _ in range(6):
        page.keyboard.press("Space")
    watch.check()  # and again, with anything later, when the context closes


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [({"width": 320, "height": 640}, 1), ({"width": 640, "height": 360}, 2)],
    ids=["320px", "1280px-at-200%"],
)
def test_no_sideways_scroll_and_large_targets_on_a_narrow_or_zoomed_screen(
    open_page: Opener, viewport: dict[str, int], scale: float
) -> None:
    page, _ = open_page(viewport=viewport, scale=scale)
    _no_sideways_scroll(page)
    _start(page)
    for _ in range(6):
        _no_sideways_scroll(page)
        _answer(page, False)
        _no_sideways_scroll(page)
        page.click("#next")
    _no_sideways_scroll(page)
    page.click("#new-quiz")
    _present(page)
    for _ in range(12):
        _no_sideways_scroll(page)
        page.keyboard.press("Space")


def test_the_hostile_bank_runs_nothing(open_page: Opener) -> None:
    page, watch = open_page("hostile")
    injected = (
        "document.querySelectorAll('img, iframe, svg, object, base, meta[http-equiv=refresh], main a').length"
    )
    page.click("#start")
    assert page.locator("legend").inner_text() == "<script>alert('prompt')</script> Which is right?"
    for _ in range(6):
        assert page.evaluate(injected) == 0
        if page.locator("#show-answer").count():
            page.click("#show-answer")
            page.click("#did-not-know")
        else:
            page.click("#skip")
        assert page.evaluate(injected) == 0
        page.click("#next")
    assert "<img src=x onerror=alert('option')>" in page.locator("#missed").inner_text()
    page.click("#new-quiz")
    _present(page)
    for _ in range(12):
        page.keyboard.press("Space")
        assert page.evaluate(injected) == 0
    assert page.evaluate("document.scripts.length") == 2
    watch.check()


def test_without_javascript_every_question_and_a_closed_answer_key(open_page: Opener) -> None:
    page, _ = open_page(javascript=False)
    text = page.locator("#static").inner_text()
    for q in EXAMPLE_DATA["questions"]:
        if q["type"] != "cloze":
            assert q["prompt"] in text
    assert page.locator("#static details").get_attribute("open") is None
    assert not page.locator("#static details ol").is_visible()
    page.click("#static summary")
    assert "Answer: Seven" in page.locator("#static details").inner_text()
    page2, _ = open_page("hostile", javascript=False)
    assert "<script>alert('prompt')</script>" in page2.locator("#static").inner_text()


def test_dark_mode_and_reduced_motion_follow_the_system(open_page: Opener) -> None:
    page, _ = open_page(scheme="dark", reduced_motion="reduce")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(18, 18, 18)"
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    page2, _ = open_page()
    assert page2.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page2.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "smooth"


def _audit(page: Page, where: str) -> None:
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    )
    assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_aa_violation(open_page: Opener, scheme: str) -> None:
    page, _ = open_page(scheme=scheme)
    _audit(page, "start")
    _start(page)
    _audit(page, "question")
    _answer(page, False)
    _audit(page, "feedback")
    page.click("#next")
    for _ in range(5):
        _answer(page, False)
        page.click("#next")
    _audit(page, "summary")
    page.click("#new-quiz")
    _present(page)
    page.keyboard.press("Space")
    _audit(page, "present")
    static, _ = open_page("example-static", scheme=scheme)
    assert static.locator("#static").is_visible()
    static.click("#static summary")
    _audit(static, "without JavaScript")
