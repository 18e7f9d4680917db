"""One exception hierarchy; the CLI turns each into `Error: ...` and an exit code in one place."""

from __future__ import annotations

from quizgen.bank.frozen import frozen
from quizgen.bank.model import Bank, Location


class QuizgenError(Exception):
    """Base of every error quizgen reports to a user. `exit_code` is what the CLI exits with."""

    exit_code = 1


class UsageError(QuizgenError):
    """The command was asked for something that cannot be done (bad option values)."""

    exit_code = 2


class BuildError(QuizgenError):
    """An output could not be produced."""


class WriteError(BuildError):
    """A file could not be written (the message names the file and the reason)."""


@frozen(order=True)
class Problem:
    """One finding of the validator, printed as `path:line:col: message`."""

    location: Location
    message: str
    severity: str = "error"  # "error", "warning" (an error with --strict) or "note" (never fails)

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {prefix}{self.message}"


class BankError(QuizgenError):
    """A bank could not be loaded; carries every problem found, each with its location."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(self.summary())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def summary(self) -> str:
        n = len(self.errors)
        if n == 0:  # a strict load refused warnings only
            w = len([p for p in self.problems if p.severity == "warning"])
            return f"{w} warning{'s' if w != 1 else ''} in the question banks (--strict)"
        return f"{n} error{'s' if n != 1 else ''} in the question banks"

    def __str__(self) -> str:
        return "\n".join([*(str(p) for p in self.problems), self.summary()])


@frozen
class Report:
    """What the validator found: the banks that loaded, and every problem (errors and warnings)."""

    banks: list[Bank]
    problems: list[Problem]
    files: int

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
