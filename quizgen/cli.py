"""The command line: parse options, call the library, write files, report. Nothing else.

Heavy modules (yaml, genanki, typst, fsrs) are imported inside the commands that need them, so
`quizgen --help` and the terminal quiz start fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from quizgen import __version__
from quizgen.errors import BankError, QuizgenError

if TYPE_CHECKING:
    from quizgen.model import Bank


class QuizgenGroup(click.Group):
    """Translates every quizgen error into `Error: ...` on stderr and an exit code, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BankError as e:
            for problem in e.problems:
                click.echo(str(problem), err=True)
            click.echo(f"Error: {e.summary()}", err=True)
            ctx.exit(e.exit_code)
        except QuizgenError as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(e.exit_code)
        except OSError as e:
            click.echo(f"Error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), err=True)
            ctx.exit(1)


PATHS = click.argument(
    "paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[PATH]..."
)


def _load(paths: Sequence[Path], strict: bool = False) -> list[Bank]:
    """Load the banks at `paths` (the shipped banks when none), raising BankError on any error."""
    from quizgen.loader import load_banks

    return load_banks(list(paths) or None, strict=strict)


def _write(path: Path, data: bytes | str) -> None:
    from quizgen.fsutil import write_atomic

    write_atomic(path, data)


@click.group(cls=QuizgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizgen")
def main() -> None:
    """Turn question banks about a patient-education article into Anki decks,
    printable quizzes and a terminal quiz.

    Every command that takes PATH accepts bank files and folders; with no PATH it
    uses the banks shipped with quizgen.
    """


@main.command()
@PATHS
@click.option("--strict", is_flag=True, help="Treat item-writing warnings as errors.")
def validate(paths: tuple[Path, ...], strict: bool) -> None:
    """Check banks and report every problem as path:line:col: message."""
    from quizgen.loader import check_banks

    report = check_banks(list(paths) or None)
    for problem in report.problems:
        click.echo(str(problem))
    nerr, nwarn = len(report.errors), len(report.warnings)
    nq = sum(len(b.questions) for b in report.banks)
    click.echo(
        f"{nerr} error{'s' * (nerr != 1)}, {nwarn} warning{'s' * (nwarn != 1)} in {report.files} "
        f"file{'s' * (report.files != 1)} ({len(report.banks)} valid bank{'s' * (len(report.banks) != 1)}, "
        f"{nq} questions)"
    )
    if nerr or (strict and nwarn):
        raise click.exceptions.Exit(1)


@main.command()
@PATHS
def stats(paths: tuple[Path, ...]) -> None:
    """Count questions by type, section, difficulty and tag."""
    from quizgen.reports import stats_report

    click.echo(stats_report(_load(paths)), nl=False)


@main.command()
@PATHS
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit 1 when fewer than this percent of facts are tested or omitted with a reason.",
)
def coverage(paths: tuple[Path, ...], fail_under: float | None) -> None:
    """List each fact of the inventory with the questions that test it."""
    from quizgen.reports import coverage_percent, coverage_report

    banks = _load(paths)
    click.echo(coverage_report(banks), nl=False)
    percent = coverage_percent(banks)
    if fail_under is not None and percent < fail_under:
        click.echo(f"Error: coverage {percent:.1f}% is below {fail_under:g}%", err=True)
        raise click.exceptions.Exit(1)


@main.command()
@PATHS
@click.option(
    "--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True, help="Export format."
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout."
)
def export(paths: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """Export the validated banks as JSON (shape described in the README)."""
    from quizgen.export import export_json

    text = export_json(_load(paths))
    if output is None:
        click.echo(text, nl=False)
    else:
        _write(output, text)
        click.echo(f"Wrote {output}", err=True)
