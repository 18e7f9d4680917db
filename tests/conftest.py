"""Shared test helpers: paths of the test banks and the repository."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
BANKS = REPO / "tests" / "banks"
EXAMPLE = BANKS / "valid" / "example"
ARTICLE = REPO.parent / "shared" / "article" / "calcineurin-inhibitors-and-lupus.txt"


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C tests send SIGINT to the programs they start, as a terminal does. A suite started
    from a background job or under nohup inherits SIGINT ignored, and so would every program it
    starts, which then never sees Ctrl-C. Handling it here again means the programs start with
    the default, as they do from a terminal."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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


# Flags that keep the system's Chromium quiet on a machine without internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]


def chromium_path() -> str:
    """The system's Chromium; a browser test fails (never skips) without it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium not found: install it (apt-get install -y chromium) to run the browser tests")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium, driven by Playwright, for every browser test of the session."""
    if os.environ.get("QUIZGEN_SKIP_BROWSER_TESTS") == "1":
        pytest.skip("QUIZGEN_SKIP_BROWSER_TESTS=1")
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
