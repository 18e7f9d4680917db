"""Bank text and names from outside never reach the terminal as escape sequences (issue 16, point 7)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE

from quizgen.cli import main
from quizgen.safetext import control_character, for_terminal, invisible_character
from quizgen.study.quiz import TerminalIO

ESC = "\x1b"
OSC52 = "\x1b]52;c;aGVsbG8=\x07"


def test_for_terminal_escapes_controls_and_bidi_but_keeps_text() -> None:
    assert for_terminal("plain text, ünïcode, 日本\n\tok") == "plain text, ünïcode, 日本\n\tok"
    assert for_terminal(OSC52) == "\\x1b]52;c;aGVsbG8=\\x07"
    assert for_terminal("a\x00b\x7fc\x9bd\re") == "a\\x00b\\x7fc\\x9bd\\x0de"
    assert for_terminal("\u202eabc") == "\\u202eabc"


def test_control_and_invisible_characters_are_found() -> None:
    assert control_character("ok\nand\ttab") is None
    assert control_character("x\x1fy") == (1, "\x1f")
    assert control_character("x\x85") == (1, "\x85")
    assert invisible_character("a\u200bb") == (1, "\u200b", "zero-width")
    assert invisible_character("a\u2066b")[2] == "a bidirectional override"  # type: ignore[index]
    assert invisible_character("plain") is None
    # marks and separators that hide in text too (an answer typed without them would not match)
    assert invisible_character("a\u200eb") == (1, "\u200e", "a bidirectional mark")
    assert invisible_character("ta\u00adcro") == (2, "\u00ad", "zero-width")
    assert invisible_character("x\u2028") == (1, "\u2028", "a line separator")
    assert invisible_character("ciclosporina, tacrólimus ¿qué? ñ") is None


def test_file_names_in_messages_are_printed_safely(tmp_path: Path) -> None:
    evil = tmp_path / f"bank{OSC52}\nname.yaml"
    evil.write_text("questions: [\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(evil)])
    assert result.exit_code == 1
    assert ESC not in result.output and "\x07" not in result.output
    assert "bank\\x1b]52;c;aGVsbG8=\\x07" in result.output


def test_progress_prints_its_data_folder_safely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / f"data{OSC52}"
    monkeypatch.setenv("QUIZGEN_DATA_DIR", os.fspath(folder))
    monkeypatch.setenv("QUIZGEN_NOW", "2026-01-01T00:00:00+00:00")
    result = CliRunner().invoke(main, ["progress", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert ESC not in result.output and "\\x1b]52" in result.output


def test_terminal_io_never_prints_raw_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    io = TerminalIO(colour=True)
    io.say(f"prompt {OSC52} \x9b31m", "heading")
    out = capsys.readouterr().out
    assert "\\x1b]52" in out and "\\x9b31m" in out
    assert "\x07" not in out and "\x9b" not in out and ESC not in out
