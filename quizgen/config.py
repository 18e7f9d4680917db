"""The user's settings file, `quizgen.toml` in the user's config folder (`QUIZGEN_CONFIG` names
another file). It holds defaults for the person printing; for now one: `paper = "a4"`.

Which paper a PDF is printed on, first match wins: `--paper`, then `paper` in this file, then the
bank's own `paper:`, then US letter.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from quizgen.bank.model import PAPERS, Bank
from quizgen.errors import UsageError

FILE_NAME = "quizgen.toml"
KEYS = ("paper",)


@dataclass(frozen=True)
class Config:
    paper: str | None = None


def config_path() -> Path:
    """`QUIZGEN_CONFIG`, else `quizgen.toml` in the user's config folder."""
    override = os.environ.get("QUIZGEN_CONFIG")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("quizgen", appauthor=False)) / FILE_NAME


def read_config(path: Path | None = None) -> Config:
    """The settings in `path` (default: `config_path()`); no file means no settings."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as e:
        raise UsageError(f"cannot read the settings file {path}: {e.strerror or e}") from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"the settings file {path} is not valid TOML: {e}") from e
    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageError(f"unknown setting '{key}' in {path}{guess}; known: {', '.join(KEYS)}")
    paper = data.get("paper")
    if paper is not None and paper not in PAPERS:
        raise UsageError(f"paper in {path} must be one of {', '.join(PAPERS)}, not {paper!r}")
    return Config(paper=paper)


def paper_for(banks: Sequence[Bank], option: str | None, config: Config | None) -> str:
    """The paper to print `banks` on: the option, the settings file, the first bank's, or letter."""
    if option:
        return option
    if config is not None and config.paper:
        return config.paper
    return next((b.paper for b in banks if b.paper), "letter")
