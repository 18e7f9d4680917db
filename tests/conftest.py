"""Shared test helpers: paths of the test banks and the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BANKS = REPO / "tests" / "banks"
EXAMPLE = BANKS / "valid" / "example"
ARTICLE = REPO.parent / "shared" / "article" / "calcineurin-inhibitors-and-lupus.txt"


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from the repository root, so printed paths are relative to it."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture(autouse=True)
def no_user_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the settings file of the person running them (quizgen.toml)."""
    monkeypatch.setenv("QUIZGEN_CONFIG", str(tmp_path_factory.getbasetemp() / "no-such-quizgen.toml"))
    # nor the cache of validated banks of the person running them: each test starts with an
    # empty cache of its own (subprocesses inherit it)
    monkeypatch.setenv("QUIZGEN_CACHE_DIR", str(tmp_path_factory.mktemp("bank-cache")))
    monkeypatch.delenv("QUIZGEN_NO_CACHE", raising=False)
