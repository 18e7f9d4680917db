"""The terminal quiz through click's CliRunner: answers, keys, scoring, progress, review."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quizgen import i18n
from quizgen.bank.loader import load_banks
from quizgen.bank.model import Question, QuestionType
from quizgen.cli import main
from quizgen.study.answers import RULES, language_rules
from quizgen.study.progress import ProgressStore, Record, open_default_store
from quizgen.study.quiz import KEYS, colour_wanted, keys_for, keys_help, numbered_blanks
from quizgen.study.selection import default_print_order

EXAMPLE = Path(__file__).parent / "banks" / "valid" / "example"
DAY0 = "2025-03-01T09:00:00+00:00"
DAY1 = "2025-03-02T09:30:00+00:00"
DAY2 = "2025-03-03T09:30:00+00:00"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUIZGEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZGEN_NOW", DAY0)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def questions() -> list[Question]:
    """The example bank in the order --no-shuffle asks: file order, related questions kept apart."""
    (bank,) = load_banks([EXAMPLE])
    return [p.question for p in default_print_order(bank)]


def right_lines(q: Question) -> list[str]:
    """Input lines that answer `q` correctly, worked out from the bank itself."""
    letters = "abcdefgh"
    if q.type is QuestionType.MULTIPLE_CHOICE:
        return [letters[q.correct[0]]]
    if q.type is QuestionType.MULTIPLE_SELECT:
        return [",".join(letters[i] for i in q.correct)]
    if q.type is QuestionType.TRUE_FALSE:
        return ["true" if q.truth else "false"]
    if q.type is QuestionType.SHORT_ANSWER:
        return [q.accepted[0]]
    if q.type is QuestionType.CLOZE:
        return [d.answer for d in q.deletions]
    return ["", "y"]


def text_lines(q: Question) -> list[str]:
    """Right answers that do not depend on the order of options (typed as option texts)."""
    if q.options:
        return [", ".join(q.correct_options)]
    return right_lines(q)


def wrong_lines(q: Question) -> list[str]:
    letters = "abcdefgh"
    if q.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_SELECT):
        wrong = next(i for i in range(len(q.options)) if i not in q.correct)
        return [letters[wrong]]
    if q.type is QuestionType.TRUE_FALSE:
        return ["false" if q.truth else "true"]
    if q.type is QuestionType.SHORT_ANSWER:
        return ["something else entirely"]
    if q.type is QuestionType.CLOZE:
        return ["zzzz" for _ in q.deletions]
    return ["", "n"]


def quiz(args: list[str], lines: list[str]) -> Result:
    return CliRunner().invoke(main, ["quiz", str(EXAMPLE), *args], input="\n".join(lines) + "\n")


def store() -> ProgressStore:
    """The user's progress store (in the test's data folder), read through its interface."""
    return open_default_store()


def last_missed(data_dir: Path) -> list[tuple[str, str]]:
    return store().last_missed()


def cards(data_dir: Path) -> dict[str, Record]:
    """The example bank's records, by question id."""
    s = store()
    return {q.id: r for q in questions() if (r := s.get(("example", q.id))) is not None}


def test_all_right_scores_full_marks(data_dir: Path) -> None:
    qs = questions()
    result = quiz(["--no-shuffle"], [line for q in qs for line in right_lines(q)])
    assert result.exit_code == 0, result.output
    n = len(qs)
    for i in range(1, n + 1):
        assert f"Question {i} of {n}" in result.output
    assert result.output.count("✓ Correct") == n
    assert "Incorrect" not in result.output
    assert f"Score: {n}/{n}" in result.output
    assert "Missed" not in result.output
    assert "Retry" not in result.output
    saved = cards(data_dir)
    assert set(saved) == {q.id for q in qs}
    assert all(c.right == 1 for c in saved.values())
    assert last_missed(data_dir) == []


def test_all_wrong_scores_zero_and_lists_the_answers(data_dir: Path) -> None:
    qs = questions()
    lines = [line for q in qs for line in wrong_lines(q)] + ["n"]
    result = quiz(["--no-shuffle"], lines)
    assert result.exit_code == 0, result.output
    n = len(qs)
    assert result.output.count("✗ Incorrect") == n
    assert f"Score: 0/{n}" in result.output
    missed = result.output.split("Missed:")[1]
    for q in qs:
        shown = numbered_blanks(q.prompt) if q.type is QuestionType.CLOZE else q.prompt
        assert shown in missed
        assert f"Answer: {q.answer_text()}" in missed
    assert f"Retry the {n} missed questions now? (y/n): n" in result.output
    assert last_missed(data_dir) == [("example", q.id) for q in qs]


def test_feedback_has_answer_explanation_and_section(data_dir: Path) -> None:
    (bank,) = load_banks([EXAMPLE])
    q = next(q for q in bank.questions if q.type is QuestionType.MULTIPLE_CHOICE)
    result = quiz(["--type", "multiple_choice", "--no-shuffle"], wrong_lines(q))
    assert "✗ Incorrect\n" in result.output
    assert f"Answer: {q.answer_text()}\n" in result.output
    assert f"Why: {q.explanation}\n" in result.output
    assert bank.source_line(q) in result.output


@pytest.mark.parametrize(
    ("qtype", "lines", "expect"),
    [
        ("multiple_choice", ["b"], "✓ Correct"),
        ("multiple_choice", ["2"], "✓ Correct"),
        ("multiple_choice", ["seven"], "✓ Correct"),
        ("multiple_choice", ["Sevn"], "Taken as: b) Seven"),
        ("multiple_choice", ["a"], "✗ Incorrect"),
        ("multiple_select", ["a b"], "✓ Correct"),
        ("multiple_select", ["b,a"], "✓ Correct"),
        ("multiple_select", ["a"], "✗ Incorrect"),
        ("multiple_select", ["a b c"], "✗ Incorrect"),
        ("true_false", ["t"], "✓ Correct"),
        ("true_false", ["yes"], "✓ Correct"),
        ("true_false", ["no"], "✗ Incorrect"),
        ("short_answer", ["Caffeine"], "✓ Correct"),
        ("short_answer", ["coffee"], "✓ Correct"),
        ("short_answer", ["cafeine"], "Close enough. It is spelled: caffeine"),
        ("short_answer", ["tea"], "✗ Incorrect"),
        ("cloze", ["caffeine", "AWAKE"], "✓ Correct"),
        ("cloze", ["caffeine", "asleep"], "blank 2 is: awake"),
        ("flashcard", ["", "y"], "✓ Correct"),
        ("flashcard", ["", "n"], "✗ Incorrect"),
    ],
)
def test_every_question_type(data_dir: Path, qtype: str, lines: list[str], expect: str) -> None:
    result = quiz(["--type", qtype, "--no-shuffle"], [*lines, "n"])
    assert result.exit_code == 0, result.output
    assert "Question 1 of 1" in result.output
    assert expect in result.output
    right = "✓ Correct" in result.output
    assert f"Score: {int(right)}/1" in result.output
    assert ("✗ Incorrect" in result.output) is not right


def test_question_layouts(data_dir: Path) -> None:
    result = quiz(["--no-shuffle"], [])
    assert "  a) Coffee in the evening\n  b) Bright screens at night\n  c) A dark bedroom\n" in (
        result.output
    )
    cloze = quiz(["--type", "cloze"], ["caffeine", "awake"])
    assert "[1] late in the day can keep you [2: state].\nBlank 1: caffeine\nBlank 2: awake\n" in (
        cloze.output
    )
    flash = quiz(["--type", "flashcard"], ["", "y"])
    assert "Press Enter to show the answer: \nAnswer: About seven hours a night.\n" in flash.output
    assert "Did you know it? (y/n): y\n" in flash.output


def test_piped_answers_are_echoed(data_dir: Path) -> None:
    result = quiz(["--type", "multiple_choice", "--no-shuffle"], ["b"])
    assert "Your answer: b\n✓ Correct" in result.output


def test_not_understood_asks_again(data_dir: Path) -> None:
    result = quiz(["--type", "multiple_choice", "--no-shuffle"], ["e", "maybe", "b"])
    assert result.output.count("Not understood.") == 2
    assert "Score: 1/1" in result.output


def test_a_superscript_digit_is_not_understood_instead_of_crashing(data_dir: Path) -> None:
    result = quiz(["--type", "multiple_choice", "--no-shuffle"], ["²", "b"])
    assert result.exit_code == 0, result.output
    assert result.output.count("Not understood.") == 1
    assert "Score: 1/1" in result.output


def test_options_that_are_numbers_are_answered_by_their_text(data_dir: Path, tmp_path: Path) -> None:
    """With options 4, 7, 10, 12 a typed "4" was read as the fourth option (12), and "2" as the
    second (7, scored right); a number typed is now the option of that text, and the help offers
    letters and texts only."""
    bank = tmp_path / "numbers"
    bank.mkdir()
    for name in ("bank.yaml", "habits.yaml"):
        (bank / name).write_text((EXAMPLE / name).read_text("utf-8"), "utf-8")
    intro = (EXAMPLE / "intro.yaml").read_text("utf-8")
    intro = intro.replace('["Four", "Seven", "Ten", "Twelve"]', '["4", "7", "10", "12"]')
    (bank / "intro.yaml").write_text(intro.replace('answer: "Seven"', 'answer: "7"'), "utf-8")
    args = ["quiz", str(bank), "--type", "multiple_choice", "--no-shuffle"]
    wrong = CliRunner().invoke(main, args, input="4\nn\n")
    assert "Your answer: 4\n✗ Incorrect\nAnswer: 7\n" in wrong.output
    unclear = CliRunner().invoke(main, args, input="2\n7\n")
    assert "Not understood. Type a letter (a-d) or the option's text. (? for help)" in unclear.output
    assert "Your answer: 7\n✓ Correct" in unclear.output and "Score: 1/1" in unclear.output


@pytest.mark.parametrize(
    ("args", "closed", "said", "code"),
    [
        (["quiz"], 0, "End of input after 0 of 6 questions.", 0),
        (["review"], 0, "No progress yet", 0),
        (["progress", "--reset"], 0, "Nothing changed.", 1),
        (["quiz"], 1, "", 0),
        (["progress"], 1, "", 0),
    ],
)
def test_a_closed_standard_stream_is_no_traceback(
    data_dir: Path, args: list[str], closed: int, said: str, code: int
) -> None:
    """`quizgen quiz <&-` (standard input closed: Python's sys.stdin is None) ended in
    AttributeError, `progress --reset <&-` in "RuntimeError: input(): lost sys.stdin", and
    `quiz >&-` in AttributeError: a closed input now reads as its end, a closed output shows nothing."""
    run = subprocess.run(
        [sys.executable, "-m", "quizgen", args[0], str(EXAMPLE), *args[1:]],
        stdin=None if closed == 0 else subprocess.DEVNULL,
        stdout=None if closed == 1 else subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(closed),
        text=True,
        timeout=60,
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert said in (run.stdout or "")
    assert run.returncode == code


def test_undo_goes_back_and_restores_progress(data_dir: Path) -> None:
    qs = questions()
    lines = wrong_lines(qs[0]) + ["u"] + [line for q in qs for line in right_lines(q)]
    result = quiz(["--no-shuffle"], lines)
    assert result.exit_code == 0, result.output
    assert "Undone: your answer to question 1. Here it is again." in result.output
    assert result.output.count("Question 1 of") == 2
    assert f"Score: {len(qs)}/{len(qs)}" in result.output
    first = cards(data_dir)[qs[0].id]
    assert (first.seen, first.right) == (1, 1)  # the undone wrong answer left no trace


def test_undo_with_nothing_to_undo(data_dir: Path) -> None:
    result = quiz(["--type", "true_false"], ["u", "t"])
    assert "Nothing to undo yet." in result.output
    assert "Score: 1/1" in result.output


def test_skip_counts_as_missed_and_is_not_scheduled(data_dir: Path) -> None:
    qs = questions()
    lines = ["s"] + [line for q in qs[1:] for line in right_lines(q)] + ["n"]
    result = quiz(["--no-shuffle"], lines)
    assert f"– Skipped. The answer: {qs[0].answer_text()}" in result.output
    assert f"Score: {len(qs) - 1}/{len(qs)}" in result.output
    assert "(skipped)" in result.output
    assert qs[0].id not in cards(data_dir)
    assert last_missed(data_dir) == [("example", qs[0].id)]


def test_hint_removes_a_wrong_option_and_grades_hard(data_dir: Path) -> None:
    result = quiz(["--type", "multiple_choice", "--no-shuffle"], ["h", "h", "h", "b"])
    hints = [line for line in result.output.splitlines() if line.startswith("Hint: it is not")]
    assert len(hints) == 2  # one wrong option always stays
    assert "No more hints for this question." in result.output
    for hint in hints:
        assert hint.split("it is not ")[1] not in result.output.split(hint)[1].split("Your answer")[0]
    assert "✓ Correct" in result.output
    card = cards(data_dir)["ex-001"].card
    assert str(card["due"]).startswith("2025-03-02")  # a hinted answer comes back sooner


def test_hint_for_typed_answers_shows_first_letter(data_dir: Path) -> None:
    result = quiz(["--type", "short_answer"], ["h", "caffeine"])
    assert 'Hint: It starts with "c"' in result.output
    cloze = quiz(["--type", "cloze"], ["h", "caffeine", "h", "awake"])
    assert 'Hint: It starts with "C"' in cloze.output
    assert 'Hint: It starts with "a"' in cloze.output


def test_help_key(data_dir: Path) -> None:
    result = quiz(["--type", "multiple_select"], ["?", "a b"])
    assert "Type the letters of every right option" in result.output
    assert "? help   h hint   s skip   u undo last answer   q quit the quiz" in result.output


def test_quit_prints_partial_summary(data_dir: Path) -> None:
    qs = questions()
    lines = right_lines(qs[0]) + wrong_lines(qs[1]) + ["q"]
    result = quiz(["--no-shuffle"], lines)
    assert result.exit_code == 0
    assert f"You quit after 2 of {len(qs)} questions." in result.output
    assert "Score: 1/2" in result.output
    assert "Missed so far:" in result.output
    assert "Retry" not in result.output
    assert set(cards(data_dir)) == {qs[0].id, qs[1].id}


def test_end_of_input_prints_partial_summary(data_dir: Path) -> None:
    qs = questions()
    result = quiz(["--no-shuffle"], right_lines(qs[0]))
    assert result.exit_code == 0
    assert f"End of input after 1 of {len(qs)} questions." in result.output
    assert "Score: 1/1" in result.output
    assert set(cards(data_dir)) == {qs[0].id}


def test_seed_gives_same_questions_order_and_options(data_dir: Path) -> None:
    runs = [quiz(["--seed", seed, "--count", "4"], []).output for seed in ["7", "7", "8", "9"]]
    assert runs[0] == runs[1]
    assert "Question 1 of 4" in runs[0]
    assert runs[0] != runs[2] or runs[0] != runs[3]


def test_no_shuffle_keeps_bank_order(data_dir: Path) -> None:
    qs = questions()
    out = quiz(["--no-shuffle"], []).output
    assert qs[0].prompt in out


def test_filters(data_dir: Path) -> None:
    assert "Question 1 of 3" in quiz(["--tag", "sleep"], []).output
    assert "Question 1 of 6" in quiz(["--tag", "sleep", "--tag", "habits"], []).output
    assert "Question 1 of 3" in quiz(["--section", "Introduction"], []).output
    assert "Question 1 of 2" in quiz(["--count", "2"], []).output
    none = quiz(["--tag", "nothing"], [])
    assert none.exit_code == 2
    assert "Error: no questions match" in none.output


def test_retry_now_asks_only_the_missed(data_dir: Path) -> None:
    qs = questions()
    lines = wrong_lines(qs[0]) + [line for q in qs[1:] for line in right_lines(q)]
    lines += ["y", *right_lines(qs[0])]
    result = quiz(["--no-shuffle"], lines)
    assert "Retry the 1 missed question now? (y/n): y" in result.output
    retry = result.output.split("now? (y/n): y")[1]
    assert "Question 1 of 1" in retry
    assert "Score: 1/1" in retry
    assert last_missed(data_dir) == []


def test_retry_missed_option(data_dir: Path) -> None:
    qs = questions()
    lines = [ln for i, q in enumerate(qs) for ln in (wrong_lines if i in (0, 3) else right_lines)(q)]
    first = quiz(["--no-shuffle"], [*lines, "n"])
    assert f"Score: {len(qs) - 2}/{len(qs)}" in first.output
    second = quiz(["--retry-missed"], text_lines(qs[0]) + text_lines(qs[3]))
    assert "Retrying the 2 questions missed last time." in second.output
    assert "Question 1 of 2" in second.output
    assert qs[0].prompt in second.output and qs[3].prompt in second.output
    assert "Score: 2/2" in second.output
    third = quiz(["--retry-missed"], [])
    assert "Nothing to retry" in third.output
    assert third.exit_code == 0


def test_review_asks_only_due_questions(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    qs = questions()
    lines = wrong_lines(qs[0]) + [line for q in qs[1:] for line in right_lines(q)] + ["n"]
    quiz(["--no-shuffle"], lines)
    runner = CliRunner()
    same_day = runner.invoke(main, ["review", str(EXAMPLE)], input="")
    assert "Nothing is due for review now." in same_day.output
    assert "Next due: 1 question tomorrow (2025-03-02)." in same_day.output
    monkeypatch.setenv("QUIZGEN_NOW", DAY1)
    next_day = runner.invoke(main, ["review", str(EXAMPLE)], input="\n".join(text_lines(qs[0])))
    assert next_day.exit_code == 0, next_day.output
    assert "1 question due for review." in next_day.output
    assert "Question 1 of 1" in next_day.output
    assert qs[0].prompt in next_day.output
    for q in qs[1:]:
        assert q.prompt not in next_day.output
    assert "Score: 1/1" in next_day.output
    assert "Next due:" in next_day.output
    monkeypatch.setenv("QUIZGEN_NOW", DAY2)
    later = runner.invoke(main, ["review", str(EXAMPLE)], input="")
    assert f"{len(qs) - 1} questions due for review." in later.output


def test_review_with_no_progress(data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["review", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "Nothing is due for review now." in result.output
    assert "No progress yet" in result.output


def test_progress_table_and_reset(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    qs = questions()
    lines = wrong_lines(qs[0]) + right_lines(qs[1]) + ["q"]
    quiz(["--no-shuffle"], lines)
    monkeypatch.setenv("QUIZGEN_NOW", DAY1)
    runner = CliRunner()
    shown = runner.invoke(main, ["progress", str(EXAMPLE)])
    assert shown.exit_code == 0
    assert "  Section       learned  missed  due  new  right\n" in shown.output
    # questions 1 and 2: Sleep Habits then Introduction (related questions are kept apart)
    assert "  Introduction        1       0    0    2   100%\n" in shown.output
    assert "  Sleep Habits        0       0    1    2     0%\n" in shown.output
    assert "  Total               1       0    1    4    50%\n" in shown.output
    kept = runner.invoke(main, ["progress", str(EXAMPLE), "--reset"], input="n\n")
    assert "Forget all quiz progress for example? [y/N]: n" in kept.output
    assert "Nothing changed." in kept.output
    assert len(cards(data_dir)) == 2
    gone = runner.invoke(main, ["progress", str(EXAMPLE), "--reset"], input="y\n")
    assert "Progress cleared (2 question records forgotten)." in gone.output
    assert cards(data_dir) == {}
    cleared = runner.invoke(main, ["progress", str(EXAMPLE)]).output
    assert "  Total               0       0    0    6      -\n" in cleared


def test_corrupt_progress_file_is_survived(data_dir: Path) -> None:
    (data_dir / "progress.json").write_text('{"version": 1, "cards": {"example": [')
    result = quiz(["--type", "true_false"], ["t"])
    assert result.exit_code == 0, result.output
    assert "Warning: progress file" in result.stderr
    assert "moved it to progress.json.corrupt-" in result.stderr
    assert "Score: 1/1" in result.output
    assert set(cards(data_dir)) == {"ex-002"}
    assert len(list(data_dir.glob("progress.json.corrupt-*"))) == 1


def test_colour_rules() -> None:
    assert colour_wanted(False, {}, is_tty=True)
    assert not colour_wanted(False, {}, is_tty=False)
    assert not colour_wanted(True, {}, is_tty=True)
    assert not colour_wanted(False, {"NO_COLOR": "1"}, is_tty=True)
    assert colour_wanted(False, {"NO_COLOR": ""}, is_tty=True)
    assert not colour_wanted(False, {"TERM": "dumb"}, is_tty=True)  # escapes would print as text
    assert colour_wanted(False, {"TERM": "xterm-256color"}, is_tty=True)


def test_quiz_does_not_import_genanki_or_typst(data_dir: Path) -> None:
    code = (
        "import sys\n"
        "from quizgen.cli import main\n"
        f"main(['quiz', {str(EXAMPLE)!r}, '--no-shuffle', '--count', '1'], standalone_mode=False)\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('genanki', 'typst'))\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input="a,b\n", capture_output=True, text=True, check=True
    )
    assert "Score: 1/1" in done.stdout
    assert "HEAVY []" in done.stdout


@pytest.mark.parametrize(
    ("lines", "expect"), [(["red", "blue"], "Score: 1/1"), (["red", "red"], "Score: 0/1")]
)
def test_a_cloze_number_used_twice_asks_each_blank(
    data_dir: Path, tmp_path: Path, lines: list[str], expect: str
) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "bank.yaml").write_text((EXAMPLE / "bank.yaml").read_text())
    (bank / "q.yaml").write_text(
        "questions:\n"
        "  - id: two-blanks\n"
        "    type: cloze\n"
        '    text: "Both {{c1::red}} and {{c1::blue}} are colours."\n'
        '    explanation: "Red and blue are the two the article names."\n'
        "    source: {section: intro, facts: [sleep-hours]}\n"
        "    tags: [colours]\n"
    )
    result = CliRunner().invoke(main, ["quiz", str(bank)], input="\n".join([*lines, "n"]) + "\n")
    assert "Both [1] and [2] are colours." in result.output
    assert "Blank 2: " in result.output
    assert expect in result.output


def test_choose_all_that_apply_names_wrong_and_missed_options(data_dir: Path) -> None:
    q = next(q for q in questions() if q.type is QuestionType.MULTIPLE_SELECT)
    assert q.correct == (0, 1)  # a) coffee, b) screens; c) a dark bedroom is not right
    result = quiz(["--no-shuffle", "--type", "multiple_select"], ["a c", "n"])
    assert (
        "✗ Incorrect\n"
        "Wrongly chosen: c) A dark bedroom\n"
        "You missed: b) Bright screens at night\n"
        "Answer: Coffee in the evening; Bright screens at night\n"
    ) in result.output
    only_missed = quiz(["--no-shuffle", "--type", "multiple_select"], ["a", "n"])
    assert "✗ Incorrect\nYou missed: b) Bright screens at night\nAnswer:" in only_missed.output


def test_a_question_missed_today_is_not_learned(data_dir: Path) -> None:
    qs = questions()
    quiz(["--no-shuffle"], wrong_lines(qs[0]) + right_lines(qs[1]) + ["q"])
    shown = CliRunner().invoke(main, ["progress", str(EXAMPLE)])  # the same day: nothing is due
    # question 1 (missed) is from Sleep Habits, question 2 (right) from the Introduction
    assert "  Introduction        1       0    0    2   100%\n" in shown.output
    assert "  Sleep Habits        0       1    0    2     0%\n" in shown.output


def test_an_unknown_section_lists_the_valid_ids_with_did_you_mean(data_dir: Path) -> None:
    result = quiz(["--section", "habit"], [])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: no section 'habit' in these banks (did you mean 'habits'?). "
        "The sections are: intro (Introduction), habits (Sleep Habits)\n"
    )
    nope = quiz(["--section", "Nope"], [])
    assert nope.stderr == (
        "Error: no section 'Nope' in these banks. "
        "The sections are: intro (Introduction), habits (Sleep Habits)\n"
    )
    printed = CliRunner().invoke(main, ["print", str(EXAMPLE), "-o", "x.pdf", "--section", "sleep habit"])
    assert "(did you mean 'habits'?)" in printed.stderr


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59", "0001-01-01T00:00:00+05:00"])
def test_a_clock_at_the_end_of_time_is_bad_usage_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    """QUIZGEN_NOW=9999-12-31T23:59:59 (issue 16, point 12): scheduling would pass year 9999."""
    monkeypatch.setenv("QUIZGEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZGEN_NOW", moment)
    result = CliRunner().invoke(main, ["quiz", str(EXAMPLE), "--count", "1"], input="a\n")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: QUIZGEN_NOW ")
    assert "Traceback" not in result.output


# -- keys and words per language -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es", *i18n.catalog_languages()])
def test_no_key_has_two_meanings(language: str) -> None:
    """Each key does one thing, and none is an answer at a prompt where keys work: a word for true,
    false, yes or no in that language, or the letter of one of the first six options."""
    keys = list(vars(keys_for(language)).values())
    assert len(set(keys)) == len(keys), keys
    words = language_rules(language)
    answers = {*words["true_words"], *words["false_words"], *"abcdef"}
    assert not set(keys) & answers, set(keys) & answers
    shown = keys_help(language)
    assert all(re.search(rf"(?<!\S){re.escape(k)} ", shown) for k in keys), shown


@pytest.mark.parametrize("bank_dir", ["calcineurin-lupus", "calcineurin-lupus-es"])
def test_no_key_is_a_one_letter_word_of_a_typed_answer(bank_dir: str) -> None:
    """Keys work at typed-answer prompts too, so a key must not be a word a learner could type as
    the answer: in Spanish `t` ended the quiz when a learner typed the T of "células T" (s2hq)."""
    from quizgen.bank.model import CLOZE_RE

    (bank,) = load_banks([Path(__file__).parent.parent / "questions" / bank_dir])
    keys = set(vars(keys_for(bank.language)).values())
    answers = [a for q in bank.questions for a in q.accepted]
    answers += [m.group(0) for q in bank.questions for m in CLOZE_RE.finditer(q.prompt)]
    words = {w.strip(".,;:()").casefold() for a in answers for w in re.split(r"[\s\-‐]+", a)}
    letters = {w for w in words if len(w) == 1}
    assert "t" in letters  # the bank's "células T": the test sees one-letter answer words
    assert not keys & letters, keys & letters


def test_every_language_with_a_catalog_has_its_keys_and_answer_words() -> None:
    base = {lang.split("_")[0] for lang in i18n.catalog_languages()}
    assert base <= set(KEYS)
    assert base <= set(RULES["languages"])
    assert keys_for("es-MX") == KEYS["es"] and keys_for("fr") == KEYS["en"]


def test_spanish_keys_and_words_in_a_piped_session(tmp_path: Path) -> None:
    """In Spanish `s` is sí: it answers a true/false question; `o` skips, `q` ends the quiz."""
    from quizgen.cli import main

    bank = str(Path(__file__).parent / "banks" / "valid" / "example-es")
    env = {"QUIZGEN_DATA_DIR": str(tmp_path), "NO_COLOR": "1"}
    truth = CliRunner().invoke(main, ["quiz", bank, "--type", "true_false"], input="s\nn\n", env=env)
    assert truth.exit_code == 0, truth.output
    assert "verdadero/falso: s\n✓ Correcto\n" in truth.output  # the example's statement is true
    args = ["quiz", bank, "--type", "multiple_choice", "--type", "flashcard", "--no-shuffle"]
    keys = CliRunner().invoke(main, args, input="o\nq\n", env=env)
    assert keys.exit_code == 0, keys.output
    assert "– Omitida. La respuesta: " in keys.output
    assert "Terminó después de 1 de 2 preguntas." in keys.output


@pytest.mark.parametrize("width", [80, 100])
def test_progress_fits_the_terminal_in_spanish(data_dir: Path, width: int) -> None:
    """On an 80-column terminal the Spanish table wrapped every row (its longest section title is
    57 characters, found by s2hq): a title wraps inside its column, the lines below wrap at words."""
    from quizgen.study.quiz import progress_table

    banks = load_banks([Path(__file__).parent.parent / "questions" / "calcineurin-lupus-es"])
    shown = progress_table(banks, store(), width)
    # every line fits, but the progress file's path (a path is not wrapped)
    assert max(len(line) for line in shown.splitlines() if not line.startswith("/")) <= width, shown
    assert "  Efectos secundarios de los" in shown
    assert "\n    calcineurina\n" in shown or "\n    de la calcineurina\n" in shown, shown
    counts = re.search(r"^  Efectos secundarios.*?(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+-$", shown, re.M)
    assert counts and counts.group(4) == "29", shown  # the counts stay on the title's first line
    assert "Para repasar en los próximos 7 días:" in shown
    untouched = progress_table(banks, store())  # piped: one line per row, as before
    assert "  Efectos secundarios de los inhibidores de la calcineurina  " in untouched
    english = load_banks([Path(__file__).parent.parent / "questions" / "calcineurin-lupus"])
    table = progress_table(english, store(), 80).split("\n\n")[0]
    assert table == progress_table(english, store()).split("\n\n")[0]  # it fits: the same table


def test_reset_left_with_ctrl_c_or_end_of_input_says_so_in_the_banks_language(data_dir: Path) -> None:
    """Ctrl-C or Ctrl-D at the Spanish "¿Borrar todo el progreso ...? [s/N]" printed click's English
    "Aborted!" (found by s2hq)."""
    spanish = str(Path(__file__).parent.parent / "questions" / "calcineurin-lupus-es")
    left = CliRunner().invoke(main, ["progress", spanish, "--reset"], input="")
    assert left.exit_code == 1
    assert "[s/N]: \nNo se cambió nada.\n" in left.output
    assert "Aborted" not in left.output
    english = CliRunner().invoke(main, ["progress", str(EXAMPLE), "--reset"], input="")
    assert english.exit_code == 1 and "[y/N]: \nNothing changed.\n" in english.output


@pytest.mark.parametrize(
    ("qid", "typed"),
    [
        ("cni-004", "del calcio"),
        ("cni-004", "de calcio"),
        ("cni-073", "del tacrolimus"),
        ("cni-025", "de la voclosporina"),
    ],
)
def test_a_spanish_answer_may_start_as_its_question_asks(qid: str, typed: str) -> None:
    """ "¿De qué metal viene el nombre...?" is answered "Del calcio" in Spanish, which was marked
    wrong (found by s2hq); likewise "...sobre todo de ¿qué ICN?" and "...comercial de ¿qué ICN?"."""
    from quizgen.study.answers import Response, grade

    (bank,) = load_banks([Path(__file__).parent.parent / "questions" / "calcineurin-lupus-es"])
    question = next(q for q in bank.questions if q.id == qid)
    assert grade(question, Response(typed), bank.language).verdict.value == "good"


def test_one_blank_is_a_blank(data_dir: Path) -> None:
    """A cloze with one blank said "Fill in the blanks:" ("Complete los espacios en blanco:"), the
    plural, in the terminal (found by s2hq); the web page already had the singular."""
    spanish = str(Path(__file__).parent.parent / "questions" / "calcineurin-lupus-es")
    one = CliRunner().invoke(
        main, ["quiz", spanish, "--type", "cloze", "--no-shuffle", "--count", "1"], input="t\n"
    )
    assert "Complete el espacio en blanco:\n" in one.output  # cni-006: one blank
    two = quiz(["--type", "cloze"], ["caffeine", "awake"])
    assert "Fill in the blanks:\n" in two.output  # the example's cloze has two


def test_quitting_a_retry_keeps_the_missed_questions_it_did_not_reach(data_dir: Path) -> None:
    """Three missed, the retry offer taken, one answered right, then quit: the other two stay
    missed for `quiz --retry-missed` (they were forgotten: 'Retrying the 1 question' or nothing)."""
    three = ["--type", "true_false", "--type", "multiple_choice", "--type", "short_answer", "--no-shuffle"]
    first = quiz(three, ["s", "s", "s", "y", "b", "q"])  # b: seven hours, the multiple choice
    assert "Retry the 3 missed questions now?" in first.output and "✓ Correct" in first.output
    later = quiz(["--retry-missed", "--count", "1"], ["caffeine"])  # the short answer, right
    assert "Retrying the 1 question missed last time." in later.output and "✓ Correct" in later.output
    store = open_default_store()
    assert store.last_missed() == [("example", "ex-002")]  # the true/false, never reached
    assert "Retrying the 1 question missed last time." in quiz(["--retry-missed"], ["q"]).output
