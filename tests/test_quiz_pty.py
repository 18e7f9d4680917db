"""The terminal quiz in a real pseudo-terminal: Ctrl-C mid-quiz, saved progress, next-day review."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path
from typing import Any

import pexpect  # type: ignore[import-untyped]
import pytest

from quizgen.study.progress import open_default_store

EXAMPLE = str(Path(__file__).parent / "banks" / "valid" / "example")
DAY0 = "2025-03-01T09:00:00+00:00"
DAY1 = "2025-03-02T09:30:00+00:00"


def spawn(args: list[str], data_dir: Path, now: str, **extra: str) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(QUIZGEN_DATA_DIR=str(data_dir), QUIZGEN_NOW=now, TERM="xterm")
    env.update(extra)
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
    review.expect("1 question due for review.")
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


@pytest.mark.parametrize(
    ("extra", "coloured"), [({}, True), ({"NO_COLOR": "1"}, False), ({"TERM": "dumb"}, False)]
)
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
    review.expect("2 questions due for review.")
    review.expect("Your answer")
    review.sendline("q")
    assert finish(review) == 0
    lines = screen_lines(log.getvalue())
    assert not [line for line in lines if len(line) > columns and " " in line.strip()]
    option_lines = [i for i, line in enumerate(lines) if line[:5] in ("  a) ", "  b) ", "  c) ")]
    assert any(lines[i + 1].startswith("     ") for i in option_lines)


# -- a whole session in the bank's language ------------------------------------------------------

SPANISH_BANK = Path(__file__).parent.parent / "questions" / "calcineurin-lupus-es"
LATER = "2025-04-15T09:00:00+00:00"  # every question answered on DAY0 is due again by then
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _pieces(text: str) -> list[str]:
    """The literal pieces of a message (between placeholders) long enough to recognise."""
    return [p.strip() for p in _PLACEHOLDER.split(text) if len(p.strip()) >= 4]


def _catalog_pieces() -> tuple[list[str], list[str]]:
    """(English pieces, Spanish pieces) of every message the Spanish catalog translates."""
    from babel.messages.pofile import read_po

    with (Path(__file__).parent.parent / "quizgen/locale/es/LC_MESSAGES/quizgen.po").open("rb") as f:
        messages = [m for m in read_po(f) if m.id]
    english: set[str] = set()
    spanish: set[str] = set()
    for m in messages:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if ids != strings:
            english.update(p for text in ids for p in _pieces(text))
            spanish.update(p for text in strings for p in _pieces(text))
    return sorted(english - spanish), sorted(spanish - english)


def _foreign(transcript: str, pieces: list[str], data_dir: Path) -> list[str]:
    """The pieces found in a transcript as whole words ("Correct" is not in "Correcto")."""
    flat = " ".join(transcript.replace(str(data_dir), "DATA").split())  # wrapped lines joined
    return [p for p in pieces if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", flat)]


def _spanish_items() -> list[Any]:
    from quizgen.bank.loader import load_banks
    from quizgen.bank.model import QuestionType
    from quizgen.study.quiz import prepare
    from quizgen.study.selection import Selection, select_questions

    banks = load_banks([SPANISH_BANK])
    types = (QuestionType.TRUE_FALSE, QuestionType.MULTIPLE_CHOICE)
    return prepare(select_questions(banks, Selection(count=4, types=types, shuffle=False)), None, False)


def _right(q: Any) -> str:
    if q.truth is not None:
        return "falso" if not q.truth else "v"
    return "abcd"[q.correct[0]]


def _wrong(q: Any) -> str:
    if q.truth is not None:
        return "verdadero" if not q.truth else "f"
    return "abcd"[next(i for i in range(len(q.options)) if i not in q.correct)]


def test_a_spanish_session_speaks_only_spanish(tmp_path: Path) -> None:
    """quiz (help, hint, right, wrong, undo, skip, sí, the missed-again round), review (quit and
    Ctrl-C) and progress of the Spanish bank in a real terminal: no English interface text."""
    items = [p.question for p in _spanish_items()]
    kinds = [q.truth is not None for q in items]
    assert kinds == [False, True, False, True], "the bank's order changed: pick other questions"
    q1, q2, q3, q4 = items
    bank = str(SPANISH_BANK)
    log = io.StringIO()
    types = ["--type", "true_false", "--type", "multiple_choice"]
    child = spawn(["quiz", bank, "--no-shuffle", "--count", "4", *types, "--no-color"], tmp_path, DAY0)
    child.logfile_read = log
    child.expect("Esta traducción todavía no ha sido revisada")
    child.expect("Pregunta 1 de 4  \\(opción múltiple\\)")
    child.expect("Su respuesta: ")
    child.sendline("?")
    child.expect("Teclas: \\? ayuda   p pista   o omitir   r rehacer la respuesta anterior   q terminar")
    child.sendline("p")
    child.expect("Pista: no es ")
    child.expect("Su respuesta: ")
    child.sendline(_right(q1))
    child.expect("✓ Correcto")
    child.expect("Por qué: ")
    child.expect("Pregunta 2 de 4  \\(verdadero o falso\\)")
    child.expect("verdadero/falso: ")
    child.sendline(_wrong(q2))
    child.expect("✗ Incorrecto")
    child.expect("Pregunta 3 de 4")
    child.expect("Su respuesta: ")
    child.sendline("r")  # rehacer: question 2 again
    child.expect("Se borró su respuesta a la pregunta 2. Aquí está otra vez.")
    child.expect("verdadero/falso: ")
    child.sendline("s")  # sí: an answer in Spanish, never "skip"
    child.expect("✓ Correcto" if q2.truth else "✗ Incorrecto")
    child.expect("Su respuesta: ")
    child.sendline("o")  # omitir
    child.expect("– Omitida. La respuesta: ")
    child.expect("verdadero/falso: ")
    child.sendline("Sí" if q4.truth else "No")
    child.expect("✓ Correcto")
    child.expect("Puntuación: 2/4")
    child.expect("Falladas:")
    child.expect("\\(omitida\\)")
    child.expect("Progreso guardado en ")
    child.expect("¿Repetir ahora las 2 preguntas falladas\\? \\(s/n\\): ")
    child.sendline("s")
    for _ in range(2):
        found = child.expect([re.escape(q2.prompt), re.escape(q3.prompt)])
        child.expect(": ")
        child.sendline(_right([q2, q3][found]))
        child.expect("✓ Correcto")
    child.expect("Puntuación: 2/2")
    assert finish(child) == 0

    review = spawn(["review", bank, "--count", "2", "--no-color"], tmp_path, LATER)
    review.logfile_read = log
    review.expect("2 preguntas para repasar.")
    review.expect(": ")
    review.sendline("q")  # terminar
    review.expect("Terminó después de 0 de 2 preguntas.")
    review.expect("Puntuación: 0/0")
    assert finish(review) == 0
    interrupted = spawn(["review", bank, "--count", "1", "--no-color"], tmp_path, LATER)
    interrupted.logfile_read = log
    interrupted.expect("1 pregunta para repasar.")
    interrupted.expect(": ")
    interrupted.sendintr()
    interrupted.expect("Interrumpido después de 0 de 1 pregunta.")
    assert finish(interrupted) == 130
    progress = spawn(["progress", bank], tmp_path, LATER)
    progress.logfile_read = log
    progress.expect("Sección")
    progress.expect("aprendidas  falladas  pendientes  nuevas  aciertos")
    progress.expect("Racha: ")
    progress.expect("Archivo de progreso: ")
    assert finish(progress) == 0

    english, spanish = _catalog_pieces()
    if os.environ.get("QUIZGEN_SHOW_TRANSCRIPT"):
        print(log.getvalue())
    assert _foreign(log.getvalue(), english, tmp_path) == []
    assert len(_foreign(log.getvalue(), spanish, tmp_path)) > 20  # the scan sees interface text


def test_an_english_session_speaks_only_english(tmp_path: Path) -> None:
    log = io.StringIO()
    child = spawn(["quiz", EXAMPLE, "--no-shuffle", "--no-color"], tmp_path, DAY0)
    child.logfile_read = log
    child.expect("Question 1 of 6")
    child.expect("Your answers: ")
    child.sendline("?")
    child.expect("Keys: \\? help   h hint   s skip   u undo last answer   q quit the quiz")
    child.sendline("h")
    child.expect("Your answers: ")
    child.sendline("c")
    child.expect("✗ Incorrect")
    child.expect("Your answer: ")
    child.sendline("s")
    child.expect("Skipped. The answer: ")
    child.expect("Blank 1: ")
    child.sendline("u")
    child.expect("Undone: your answer to question 2")
    child.expect("Your answer: ")
    child.sendline("b")
    child.expect("✓ Correct")
    child.expect("Blank 1: ")
    child.sendline("q")
    child.expect("You quit after 2 of 6 questions.")
    assert finish(child) == 0
    review = spawn(["review", EXAMPLE, "--no-color"], tmp_path, LATER)
    review.logfile_read = log
    review.expect("2 questions due for review.")
    review.expect(": ")
    review.sendintr()
    review.expect("Interrupted after 0 of 2 questions.")
    assert finish(review) == 130
    progress = spawn(["progress", EXAMPLE], tmp_path, LATER)
    progress.logfile_read = log
    progress.expect("learned  missed  due  new  right")
    assert finish(progress) == 0

    english, spanish = _catalog_pieces()
    assert _foreign(log.getvalue(), spanish, tmp_path) == []
    assert len(_foreign(log.getvalue(), english, tmp_path)) > 20  # the scan sees interface text


SPANISH = str(Path(__file__).parent / "banks" / "valid" / "example-es")


@pytest.mark.parametrize(
    ("encoding", "typed", "bank", "said"),
    [
        ("latin-1", b"t\n", EXAMPLE, "? Correct"),  # ✓ is not Latin-1 (nor cp1252, redirected on Windows)
        ("utf-8:strict", b"s\xed\n", SPANISH, "Correcto"),  # "sí" typed on a Latin-1 terminal
    ],
    ids=["latin-1 output", "latin-1 typed under utf-8"],
)
def test_an_encoding_that_does_not_fit_never_ends_the_quiz(
    tmp_path: Path, encoding: str, typed: bytes, bank: str, said: str
) -> None:
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(QUIZGEN_DATA_DIR=str(tmp_path), QUIZGEN_NOW=DAY0, PYTHONIOENCODING=encoding)
    for args in (["quiz", bank, "--type", "true_false"], ["progress", bank]):
        done = subprocess.run(
            [sys.executable, "-m", "quizgen", *args], input=typed, env=env, capture_output=True, timeout=60
        )
        assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
        assert done.returncode == 0
    quiz = subprocess.run(
        [sys.executable, "-m", "quizgen", "quiz", bank, "--type", "true_false"],
        input=typed, env=env, capture_output=True, timeout=60,
    )  # fmt: skip
    assert said in quiz.stdout.decode("latin-1")


def test_ctrl_c_at_the_retry_offer_and_the_reset_question(tmp_path: Path) -> None:
    """Ctrl-C at "Retry the 1 missed question now?" left the shell's prompt on the same line as the
    question, and Ctrl-C at the --reset question exited 1 (as at end of input), not 130."""
    child = spawn(["quiz", EXAMPLE, "--type", "true_false", "--no-color"], tmp_path, DAY0)
    child.expect("true/false: ")
    child.sendline("f")  # wrong: most adults do need about seven hours
    child.expect_exact("Retry the 1 missed question now? (y/n): ")
    child.sendintr()
    child.expect(pexpect.EOF)
    assert child.before.endswith("\r\n"), repr(child.before)
    child.close()
    assert child.exitstatus == 130

    reset = spawn(["progress", EXAMPLE, "--reset"], tmp_path, DAY0)
    reset.expect_exact("[y/N]: ")
    reset.sendintr()
    reset.expect_exact("Nothing changed.")
    assert finish(reset) == 130
    with pytest.MonkeyPatch.context() as mp:  # the answer given is kept
        mp.setenv("QUIZGEN_DATA_DIR", str(tmp_path))
        assert open_default_store().get(("example", "ex-002")) is not None
