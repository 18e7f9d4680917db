"""The terminal quiz in a real pseudo-terminal: Ctrl-C mid-quiz, saved progress, next-day review."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pexpect  # type: ignore[import-untyped]
import pytest

from quizgen.study.progress import open_default_store

EXAMPLE = str(Path(__file__).parent / "banks" / "valid" / "example")
DAY0 = "2025-03-01T09:00:00+00:00"
DAY1 = "2025-03-02T09:30:00+00:00"


def spawn(args: list[str], data_dir: Path, now: str, **extra: str) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(QUIZGEN_DATA_DIR=str(data_dir), QUIZGEN_NOW=now, TERM="xterm", **extra)
    return pexpect.spawn(
        sys.executable,
        ["-m", "quizgen", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 200),
    )


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return int(child.exitstatus)


def test_ctrl_c_saves_and_review_skips_what_was_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = spawn(["quiz", EXAMPLE, "--no-shuffle"], tmp_path, DAY0)
    child.expect("Question 1 of 6")
    child.expect("Your answers: ")
    child.sendline("c")  # wrong: a dark bedroom does not keep you awake
    child.expect("✗ Incorrect")
    # related questions (ex-004, ex-005 and ex-006 share a fact) are kept apart: ex-001 comes next
    child.expect("Question 2 of 6")
    child.expect("Your answer: ")
    child.sendline("b")  # seven hours
    child.expect("✓ Correct")
    child.expect("Question 3 of 6")
    child.expect("Blank 1: ")
    child.sendline("caffeine")
    child.expect("Blank 2: ")
    child.sendline("awake")
    child.expect("✓ Correct")
    child.expect("Question 4 of 6")
    child.expect("true/false: ")
    child.sendintr()
    child.expect("Interrupted after 3 of 6 questions.")
    child.expect("Score: 2/3")
    child.expect("Missed so far:")
    child.expect("Which habits can make it harder to fall asleep")
    child.expect("Progress saved in")
    assert finish(child) == 130

    monkeypatch.setenv("QUIZGEN_DATA_DIR", str(tmp_path))
    saved = open_default_store()
    ids = [f"ex-00{i}" for i in range(1, 7)]
    assert [q for q in ids if saved.get(("example", q)) is not None] == ["ex-001", "ex-004", "ex-005"]
    assert saved.last_missed() == [("example", "ex-004")]

    review = spawn(["review", EXAMPLE], tmp_path, DAY1)
    review.logfile_read = log = io.StringIO()
    review.expect("1 question\\(s\\) due for review.")
    review.expect("Question 1 of 1")
    review.expect("Which habits can make it harder to fall asleep")
    review.expect("Your answers: ")
    review.sendline("Coffee in the evening, Bright screens at night")
    review.expect("✓ Correct")
    review.expect("Score: 1/1")
    review.expect("Next due: ")
    assert finish(review) == 0
    transcript = log.getvalue()
    assert "Which habits can make it harder" in transcript
    assert "late in the day can keep you" not in transcript  # the cloze was right: not asked
    assert "What drink ingredient" not in transcript  # nor the short answer


@pytest.mark.parametrize(("extra", "coloured"), [({}, True), ({"NO_COLOR": "1"}, False)])
def test_colour_only_on_a_terminal_without_no_color(
    tmp_path: Path, extra: dict[str, str], coloured: bool
) -> None:
    child = spawn(["quiz", EXAMPLE, "--type", "true_false"], tmp_path, DAY0, **extra)
    child.logfile_read = log = io.StringIO()
    child.expect("true/false: ")
    child.sendline("t")
    child.expect("Score: 1/1")
    assert finish(child) == 0
    assert ("\x1b[" in log.getvalue()) is coloured


def test_no_color_flag(tmp_path: Path) -> None:
    child = spawn(["quiz", EXAMPLE, "--type", "true_false", "--no-color"], tmp_path, DAY0)
    child.logfile_read = log = io.StringIO()
    child.expect("true/false: ")
    child.sendline("t")
    child.expect("Score: 1/1")
    assert finish(child) == 0
    assert "✓ Correct" in log.getvalue()
    assert "\x1b[" not in log.getvalue()


LONG_BANK = Path(__file__).parent / "banks" / "valid" / "long-lines"


def screen_lines(transcript: str) -> list[str]:
    return transcript.replace("\r\n", "\n").split("\n")


def assert_wrapped(transcript: str, columns: int) -> None:
    lines = screen_lines(transcript)
    # only a single word longer than the screen (a long file path) may run over
    too_long = [line for line in lines if len(line) > columns and " " in line.strip()]
    assert not too_long, too_long
    # options hang under their text: "  a) " is five columns
    starts = [i for i, line in enumerate(lines) if line.startswith("  a) Going to bed")]
    assert starts
    following = lines[starts[0] + 1]
    assert following.startswith("     ") and following[5] != " ", following
    # no word is split at the edge: every word of the explanation appears whole
    flat = " ".join(line.strip() for line in lines)
    assert "because the body's clock settles into a rhythm and falling asleep becomes easier." in flat


@pytest.mark.parametrize("columns", [60, 100])
def test_quiz_and_review_wrap_to_the_terminal_width(tmp_path: Path, columns: int) -> None:
    bank = str(LONG_BANK)
    child = spawn(["quiz", bank, "--no-shuffle", "--no-color"], tmp_path, DAY0)
    child.setwinsize(40, columns)
    child.logfile_read = log = io.StringIO()
    child.expect("Your answer: ")
    child.sendline("b")
    child.expect("Your answers: ")
    child.sendline("a c")
    child.expect("Score: 0/2")
    child.expect("Retry")
    child.sendline("n")
    assert finish(child) == 0
    quiz_transcript = log.getvalue()
    assert_wrapped(quiz_transcript, columns)
    flat = " ".join(line.strip() for line in screen_lines(quiz_transcript))
    assert "Wrongly chosen: c) A dark and quiet bedroom" in flat
    assert "You missed: b) Bright screens, such as a phone" in flat

    review = spawn(["review", bank, "--no-color", "--seed", "1"], tmp_path, DAY1)
    review.setwinsize(40, columns)
    review.logfile_read = log = io.StringIO()
    review.expect("2 question\\(s\\) due for review.")
    review.expect("Your answer")
    review.sendline("q")
    assert finish(review) == 0
    lines = screen_lines(log.getvalue())
    assert not [line for line in lines if len(line) > columns and " " in line.strip()]
    option_lines = [i for i, line in enumerate(lines) if line[:5] in ("  a) ", "  b) ", "  c) ")]
    assert any(lines[i + 1].startswith("     ") for i in option_lines)
