"""The project's own checks run with the test suite: ruff and mypy --strict."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, check=False)


def test_ruff_passes() -> None:
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install '.[test]')")
    result = _run("ruff", "check", "quizgen", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes() -> None:
    result = _run(sys.executable, "-m", "mypy", "quizgen")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_shadows_the_standard_library() -> None:
    names = {p.stem for p in (REPO / "quizgen").rglob("*.py")}
    assert not names & sys.stdlib_module_names
