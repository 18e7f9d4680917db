"""The command line: parse options, call the library, write files, report. Nothing else.

Heavy modules (yaml, genanki, typst, fsrs) are imported inside the commands that need them, so
`quizgen --help` and the terminal quiz start fast.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from quizgen import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from quizgen.bank.model import Bank


def _echo(message: Any = None, **kwargs: Any) -> None:
    """click.echo, with every character a terminal could act on shown as an escape: messages
    carry names, keys and values from outside (bank files, progress, the environment)."""
    from quizgen.safetext import for_terminal

    click.echo(for_terminal(str(message)) if message is not None else None, **kwargs)


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, worked out as shutil does (COLUMNS, else the terminal
    of standard output, else 80) without importing shutil, which brings fnmatch, zlib, bz2 and lzma:
    about 3 ms of `quizgen --help`."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    try:
        columns = os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 0
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or 80


class _HelpFormatter(click.HelpFormatter):
    """click's help formatter, as wide as click makes it (the terminal's columns less 2, between 50
    and its maximum, unless a width is given or forced), measured by `_terminal_columns`."""

    def __init__(
        self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None
    ) -> None:
        if width is None and click.formatting.FORCED_WIDTH is None:
            width = max(min(_terminal_columns(), 80 if max_width is None else max_width) - 2, 50)
        super().__init__(indent_increment, width, max_width)


class _Context(click.Context):
    formatter_class = _HelpFormatter


class _Command(click.Command):
    context_class = _Context


class QuizgenGroup(click.Group):
    """Translates every quizgen error into `Error: ...` on stderr and an exit code, in one place."""

    context_class = _Context
    command_class = _Command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C: the user knows; exit as a shell expects, no traceback
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException):
            raise  # a command's --help, a usage error: click's own, with nothing of quizgen's to import
        except Exception as e:
            # imported here, not at the top: `quizgen --help` should not pay for the model
            from quizgen.errors import BankError, QuizgenError

            if isinstance(e, BankError):
                for problem in e.problems:
                    _echo(str(problem), err=True)
                _echo(f"Error: {e.summary()}", err=True)
                ctx.exit(e.exit_code)
            if isinstance(e, QuizgenError):
                _echo(f"Error: {e}", err=True)
                ctx.exit(e.exit_code)
            if isinstance(e, BrokenPipeError):  # output piped into `head` and closed: not an error
                sys.stderr.close()
                ctx.exit(0)
            if isinstance(e, OSError):
                _echo(f"Error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), err=True)
                ctx.exit(1)
            raise


class _PathType(click.Path):
    """click.Path that gives pathlib.Path values without importing pathlib at start-up."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from pathlib import Path

        if isinstance(value, str | bytes) and not value:
            self.fail("must not be empty (give a file or folder name)", param, ctx)
        return Path(os.fsdecode(super().convert(value, param, ctx)))


PATHS = click.argument("paths", nargs=-1, type=_PathType(exists=True), metavar="[PATH]...")


def _output_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The required `-o/--output FILE` option of commands that write one file (`-` is standard
    output, for text formats)."""
    return click.option(
        "-o", "--output", type=_PathType(dir_okay=False, allow_dash=True), required=True, help=help_text
    )


def _is_stdout(path: Path | None) -> bool:
    return path is not None and str(path) == "-"


def _refuse_binary_to_stdout(path: Path, what: str) -> None:
    if _is_stdout(path):
        from quizgen.errors import UsageError

        raise UsageError(f"{what} is binary: give a file name with -o, not standard output (-)")


def _input_files(paths: Sequence[Path]) -> list[Path]:
    """Every bank file the command reads."""
    from quizgen.bank.bankfiles import find_bank_files

    return [f for group in find_bank_files(list(paths) or None) for f in group]


def _refuse_overwriting_inputs(paths: Sequence[Path], *outputs: Path) -> None:
    """Refuse, before anything is rendered, an output that is one of the bank files read."""
    from quizgen.fsutil import refuse_overwriting_inputs

    refuse_overwriting_inputs([o for o in outputs if not _is_stdout(o)], _input_files(paths))


def _load(paths: Sequence[Path]) -> list[Bank]:
    """Load the banks at `paths` (the shipped banks when none), raising BankError on any error
    (through the cache of validated banks: an unchanged bank is not read again)."""
    from quizgen.bank.bankcache import load_banks

    return load_banks(list(paths) or None)


def _load_one_edition(paths: Sequence[Path]) -> list[Bank]:
    """Like `_load`, for the commands that make one quiz (quiz, review, print, web): with no path,
    the shipped banks in their original language only, so one quiz never mixes an original with its
    translation; name a translation's folder to use it."""
    banks = _load(paths)
    if not paths:
        return [b for b in banks if b.translates is None]
    # a folder holding an original and its translation (`questions/`): the original, as with no path
    ids = {b.id for b in banks}
    kept = [b for b in banks if b.translates is None or b.translates not in ids]
    if len(kept) < len(banks):
        from quizgen.i18n import translator

        _ = translator(kept[0].language).gettext
        for b in banks:
            if b.translates is not None and b.translates in ids:
                left = _(
                    "{translation} translates {original}, and one quiz is in one language: left out "
                    "(name its folder alone to use it)"
                ).format(translation=b.id, original=b.translates)
                _echo(_("Note: {message}").format(message=left), err=True)
    return kept


def _filter_options(verb: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--count, --tag, --section and --type: shared by the commands that choose questions."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(
            (
                click.option("--count", type=click.IntRange(min=1), help=f"{verb} at most N questions."),
                click.option(
                    "--tag", "tags", multiple=True, help="Only questions with this tag (repeatable)."
                ),
                click.option("--section", "sections", multiple=True, help="Only this section (id or title)."),
                click.option(
                    "--type",
                    "types",
                    multiple=True,
                    type=click.Choice(_QUESTION_TYPES),
                    help="Only this type.",
                ),
            )
        ):
            command = option(command)
        return command

    return decorate


def _selection(
    count: int | None, tags: tuple[str, ...], sections: tuple[str, ...], types: tuple[str, ...], **more: Any
) -> Any:
    from quizgen.bank.model import QuestionType
    from quizgen.study.selection import Selection

    return Selection(count, tags, sections, tuple(QuestionType(t) for t in types), **more)


def _write(path: Path, data: bytes | str) -> None:
    """Write one output: `-` is standard output; a device or FIFO is written in place."""
    if _is_stdout(path):
        click.echo(data, nl=False)  # data, not a message: text formats escape their own content
        return
    from quizgen.fsutil import write_atomic

    write_atomic(path, data)


PAPER = click.option(
    "--paper",
    type=click.Choice(["letter", "a4"]),
    default=None,
    help="Paper size [default: paper in quizgen.toml, else the bank's paper, else letter].",
)


def _paper(banks: Sequence[Bank], option: str | None) -> Any:
    """The paper to print on: --paper, quizgen.toml, the bank's `paper:`, else letter."""
    from quizgen.config import paper_for, read_config

    return paper_for(banks, option, read_config() if option is None else None)


@click.group(cls=QuizgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizgen")
def main() -> None:
    """Turn question banks about a patient-education article into Anki decks,
    printable quizzes and a terminal quiz.

    Every command that takes PATH accepts bank files and folders; with no PATH it
    uses the banks shipped with quizgen.
    """


ARTICLE = click.option(
    "--article",
    type=_PathType(exists=True, dir_okay=False),
    help="The article's plain text to check quotes against (instead of the bank's article.text).",
)


@main.command()
@PATHS
@click.option("--strict", is_flag=True, help="Treat warnings (item writing, quotes) as errors.")
@ARTICLE
def validate(paths: tuple[Path, ...], strict: bool, article: Path | None) -> None:
    """Check banks and report every problem as path:line:col: message.

    Quotes (evidence) are checked against the article text the bank records
    (article.text) or the one given with --article.
    """
    from quizgen.bank.bankcache import check_banks

    report = check_banks(list(paths) or None, article=article)
    for problem in report.problems:
        _echo(str(problem))
    nerr, nwarn = len(report.errors), len(report.warnings)
    nq = sum(len(b.questions) for b in report.banks)
    _echo(
        f"{nerr} error{'s' * (nerr != 1)}, {nwarn} warning{'s' * (nwarn != 1)} in {report.files} "
        f"file{'s' * (report.files != 1)} ({len(report.banks)} valid bank{'s' * (len(report.banks) != 1)}, "
        f"{nq} question{'s' * (nq != 1)})"
    )
    if nerr or (strict and nwarn):
        raise click.exceptions.Exit(1)


@main.command()
@click.argument("bank_id")
@click.option(
    "--article",
    "article",
    type=_PathType(exists=True, dir_okay=False),
    required=True,
    help="The article as plain text or Markdown: its headings become the sections.",
)
@click.option(
    "--into",
    "into",
    type=_PathType(file_okay=False),
    default=".",
    show_default=True,
    help="Folder to create the bank folder in.",
)
def new(bank_id: str, article: Path, into: Path) -> None:
    """Start a bank: write the folder BANK_ID with bank.yaml (sections from the article's
    headings, facts to fill in, the disclaimer) and one example question of each type.

    Never writes over an existing folder or file.
    """
    from quizgen.bank.starter import outline, starter_files
    from quizgen.errors import UsageError
    from quizgen.fsutil import write_atomic

    try:
        text = article.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{article} is not UTF-8 text; save the article as plain text") from None
    found = outline(text)
    files = starter_files(bank_id, found, article.name)
    folder = into / bank_id
    if folder.exists():
        raise UsageError(f"{folder} already exists; nothing written (choose another bank id or --into)")
    folder.mkdir(parents=True)
    for name, content in files.items():
        write_atomic(folder / name, content)
    _echo(f"Wrote {folder}: {', '.join(files)}. Next: fill in the facts, then `quizgen validate {folder}`.")
    if len(found.sections) == 1:  # a heading with its paragraph right under it is not seen as one
        _echo(
            "Found no section headings after the title, so the bank has one section. If the article has "
            "sections, put each title on a line of its own with a blank line before and after it (or "
            f"start it with '#'), delete {folder} and run quizgen new again; or add the sections to its "
            "bank.yaml yourself."
        )


@main.command()
@PATHS
def stats(paths: tuple[Path, ...]) -> None:
    """Count questions by type, section, difficulty and tag; for a translation, what is
    translated, what needs review since its original changed, and what is not yet translated."""
    from quizgen.bank.loader import original_of
    from quizgen.reports import stats_report

    banks = _load(paths)
    originals = {b.id: o for b in banks if (o := original_of(b, banks)) is not None}
    _echo(stats_report(banks, originals), nl=False)


@main.command()
@PATHS
def fingerprints(paths: tuple[Path, ...]) -> None:
    """Print each question's fingerprint (`<question id> <fingerprint>`), the value a translation
    records in `translated_from` for the question it was made from."""
    from quizgen.reports import fingerprints_report

    _echo(fingerprints_report(_load(paths)), nl=False)


@main.command()
@PATHS
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    callback=lambda ctx, param, value: _finite(value),
    help="Exit 1 when fewer than this percent of facts are tested or omitted with a reason.",
)
@ARTICLE
def coverage(paths: tuple[Path, ...], fail_under: float | None, article: Path | None) -> None:
    """List each fact of the inventory with the questions that test it, and, per article
    section, the share of its sentences that questions quote."""
    from quizgen.bank.loader import load_banks
    from quizgen.bank.quotes import article_text, read_article
    from quizgen.reports import coverage_percent, coverage_report

    reads: dict[str, bytes | str] = {}  # the report shows the very texts the quotes were checked against
    banks = load_banks(list(paths) or None, article=article, article_reads=reads)
    texts = {}
    for bank in banks:
        raw, _ = read_article(bank, bank.root, article, reads)
        if raw is not None:
            texts[bank.id] = article_text(bank, raw)
    _echo(coverage_report(banks, texts), nl=False)
    percent = coverage_percent(banks)
    if fail_under is not None and percent < fail_under:
        from quizgen.errors import QuizgenError

        raise QuizgenError(f"coverage {percent:.1f}% is below {fail_under:g}%")


@main.command()
@PATHS
@click.option(
    "--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True, help="Export format."
)
@click.option(
    "-o", "--output", type=_PathType(dir_okay=False, allow_dash=True), help="Write to FILE instead of stdout."
)
def export(paths: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """Export the validated banks as JSON (shape described in the README)."""
    from quizgen.outputs.export import export_json

    banks = _load(paths)
    if output is not None:
        _refuse_overwriting_inputs(paths, output)
    text = export_json(banks)
    if output is None or _is_stdout(output):
        click.echo(text, nl=False)  # data, not a message: JSON escapes every control character
    else:
        _write(output, text)
        _echo(f"Wrote {output}", err=True)


@main.command()
@PATHS
@_output_option("The .apkg file to write.")
def anki(paths: tuple[Path, ...], output: Path) -> None:
    """Build an Anki deck (.apkg): one deck per bank, a subdeck per article section.

    Honours SOURCE_DATE_EPOCH; otherwise the notes' times move forward only when
    their questions change (remembered in .quizgen-epoch.json beside FILE).
    """
    from quizgen.outputs.build import build_deck

    _refuse_binary_to_stdout(output, "An Anki deck")
    banks = _load(paths)
    deck = build_deck(banks, output, inputs=_input_files(paths), say=_say_recovered)
    _echo(f"Wrote {output} ({deck.detail})", err=True)


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number from 0 to 100")
    return value


def _say_recovered(message: str) -> None:
    _echo(f"Note: {message}", err=True)


@main.command()
@PATHS
@_output_option("The .html file to write.")
def web(paths: tuple[Path, ...], output: Path) -> None:
    """Build the quiz as one offline web page: study on a phone, present to a group.

    The page needs no network and no server: open it from a phone's downloads or
    an e-mail, or put it on any web host. Add #present to its address to present.
    """
    from quizgen.outputs.web import render_web_page
    from quizgen.study.quiz import language_of

    banks = _load_one_edition(paths)
    _refuse_overwriting_inputs(paths, output)
    page = render_web_page(banks, language_of(banks))  # in the bank's language
    _write(output, page)
    if not _is_stdout(output):
        n = sum(len(b.questions) for b in banks)
        _echo(f"Wrote {output} ({n} question{'s' * (n != 1)}, {_size(len(page.encode('utf-8')))})", err=True)


# -- the terminal quiz (quizgen.study.quiz); imports nothing heavy -----------------------------------

_QUESTION_TYPES = ["multiple_choice", "multiple_select", "true_false", "cloze", "short_answer", "flashcard"]
NO_COLOR = click.option("--no-color", is_flag=True, help="No colour (also when NO_COLOR is set).")


def _progress_store(banks: Sequence[Bank]) -> Any:
    """The user's progress store; its warnings (a damaged file, say) go to stderr, in the banks'
    language."""
    from quizgen.i18n import translator
    from quizgen.study.progressdb import now, open_default_store
    from quizgen.study.quiz import language_of

    now()  # a QUIZGEN_NOW that cannot be used is bad usage before anything is asked
    language = language_of(banks)
    _ = translator(language).gettext
    store = open_default_store(
        warn=lambda m: _echo(_("Warning: {message}").format(message=m), err=True),
        note=lambda m: _echo(_("Note: {message}").format(message=m), err=True),
        language=language,
    )
    close = getattr(store, "close", None)
    if close is not None:
        click.get_current_context().call_on_close(close)
    return store


def _closed_streams_as_devnull() -> None:
    """A standard input or output that was closed (`<&-`, `>&-`: Python sees None) reads as end
    of input, or takes what is written and shows nothing, instead of a traceback."""
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (open for the process's life)
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _quiz_io_and_store(no_color: bool, banks: Sequence[Bank]) -> tuple[Any, Any]:
    from quizgen.study.quiz import TerminalIO, colour_wanted

    _closed_streams_as_devnull()
    io = TerminalIO(colour_wanted(no_color, dict(os.environ), sys.stdout.isatty()))
    return io, _progress_store(banks)


def _exit_for(status: Any) -> None:
    from quizgen.study.quiz import Status

    if status is Status.INTERRUPTED:
        raise click.exceptions.Exit(130)


@main.command()
@PATHS
@_filter_options("Ask")
@click.option("--seed", help="Same seed: same questions, same order, same option order.")
@click.option(
    "--no-shuffle",
    is_flag=True,
    help="Keep the bank's order of questions (related ones still apart) and the written order of options.",
)
@click.option("--retry-missed", is_flag=True, help="Ask only the questions missed last time.")
@NO_COLOR
def quiz(
    paths: tuple[Path, ...],
    count: int | None,
    tags: tuple[str, ...],
    sections: tuple[str, ...],
    types: tuple[str, ...],
    seed: str | None,
    no_shuffle: bool,
    retry_missed: bool,
    no_color: bool,
) -> None:
    """Take a quiz in the terminal; progress is saved after every answer.

    Keys at any prompt: ? help, h hint, s skip, u undo the last answer, q quit
    (a Spanish bank: ? ayuda, p pista, o omitir, r rehacer, q terminar).
    """
    from quizgen.study.quiz import start_quiz

    selection = _selection(count, tags, sections, types, seed=seed, shuffle=not no_shuffle)
    banks = _load_one_edition(paths)
    io, store = _quiz_io_and_store(no_color, banks)
    _exit_for(start_quiz(banks, selection, io, store, retry_missed=retry_missed))


@main.command()
@PATHS
@click.option("--count", type=click.IntRange(min=1), help="Review at most N questions.")
@click.option("--seed", help="Seed for the order of options.")
@NO_COLOR
def review(paths: tuple[Path, ...], count: int | None, seed: str | None, no_color: bool) -> None:
    """Ask only the questions due for review (spaced repetition), and say when the next are due."""
    from quizgen.study.quiz import start_review

    banks = _load_one_edition(paths)
    io, store = _quiz_io_and_store(no_color, banks)
    _exit_for(start_review(banks, io, store, count=count, seed=seed))


@main.command()
@PATHS
@click.option("--reset", is_flag=True, help="Forget the progress of these banks (asks first).")
@click.option("--yes", is_flag=True, help="With --reset: do not ask for confirmation.")
@click.option(
    "--export",
    "export_format",
    type=click.Choice(["csv"]),
    help="Write the log of every answer (time, bank, question, section, outcome, rating, seconds).",
)
def progress(paths: tuple[Path, ...], reset: bool, yes: bool, export_format: str | None) -> None:
    """Show what is learned, due and new in each section, the share of answers right, recent
    answers, the streak of days and what falls due in the next 7 days."""
    from quizgen.study.quiz import forgiving_streams, language_of, progress_table

    _closed_streams_as_devnull()
    forgiving_streams()  # a section title in a Latin-1 locale, say, never ends in a traceback
    banks = _load(paths)
    store = _progress_store(banks)
    if export_format == "csv":
        from quizgen.study.progress import log_csv

        click.echo(log_csv(banks, store), nl=False)  # data: ids and times, checked by the loader
        return
    if reset:
        from quizgen.i18n import translator
        from quizgen.study.answers import parse_truth

        language = language_of(banks)  # asked and answered in the banks' language (sí/no in Spanish)
        t = translator(language)
        if store.problem is not None:  # read-only, newer, locked, not opened: the warning says why
            _echo(t.gettext("Nothing changed."))
            sys.exit(1)
        names = ", ".join(b.id for b in banks)
        question = t.gettext("Forget all quiz progress for {names}? [y/N]: ").format(names=names)
        if not yes:
            from quizgen.safetext import for_terminal

            try:
                shown = for_terminal(question)
                answer = click.prompt(shown, default="", show_default=False, prompt_suffix="")
            except click.Abort as e:  # Ctrl-C or end of input: say so in the banks' language, not click's
                _echo()
                _echo(t.gettext("Nothing changed."))
                ctrl_c = isinstance(e.__context__, KeyboardInterrupt)
                sys.exit(130 if ctrl_c else 1)  # Ctrl-C exits as a shell expects, as everywhere else
            if parse_truth(answer, language) is not True:
                _echo(t.gettext("Nothing changed."))
                return
        n = store.reset(b.id for b in banks)
        if store.problem is not None:  # could not be written (locked by another program, say)
            _echo(t.gettext("Nothing changed."))
            sys.exit(1)
        cleared = t.ngettext(
            "Progress cleared ({count} question record forgotten).",
            "Progress cleared ({count} question records forgotten).",
            n,
        )
        _echo(cleared.format(count=n))
        return
    # on a terminal, fitted to its width (a Spanish section title is longer than 80 columns allow)
    width = _terminal_columns() if sys.stdout.isatty() else None
    _echo(progress_table(banks, store, width), nl=False)


@main.command()
@PATHS
@click.option(
    "--out",
    "out_dir",
    type=_PathType(file_okay=False),
    default="output",
    show_default=True,
    help="Folder to write into.",
)
@click.option(
    "--meeting-count",
    type=click.IntRange(min=1),
    help="Questions in the short quiz for one meeting (default: the bank's meeting_quiz_count, or 12).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@PAPER
def build(
    paths: tuple[Path, ...], out_dir: Path, meeting_count: int | None, quiet: bool, paper: str | None
) -> None:
    """Build every output of every bank: Anki deck, quiz, answer key, large print,
    flashcards, a short quiz for one meeting with its key, HTML handout, offline web
    page and JSON export, plus a manifest and a README.

    Honours SOURCE_DATE_EPOCH; without it the build time moves forward only when a bank
    changes. Files are written all at once at the end: a failed build changes nothing.
    """

    from quizgen.outputs.build import build_all, planned_outputs

    banks = _load(paths)
    show_bar = not quiet and sys.stderr.isatty()
    steps = len(planned_outputs(banks))
    with click.progressbar(length=steps, label="Building", file=sys.stderr, hidden=not show_bar) as bar:
        result = build_all(
            banks,
            out_dir,
            on_output=lambda _: bar.update(1),
            paper_for=lambda bank: _paper([bank], paper),
            inputs=_input_files(paths),
            say=_say_recovered,
            meeting_count=meeting_count,
        )
    if not quiet:
        outputs = result.outputs
        width = max((len(o.name) for o in outputs), default=0)
        kept = f", {len(result.kept)} of them unchanged since the last build" if result.kept else ""
        _echo(f"Wrote {len(outputs)} files to {out_dir}{kept} (SOURCE_DATE_EPOCH={result.epoch}):")
        for o in outputs:
            _echo(f"  {o.name:<{width}}  {_size(len(o.data)):>8}  {o.detail}")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


# -- printing (quizgen.outputs.printing) ---------------------------------------------------------------


def _offset_mm(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter("give two numbers in millimetres, like 1.5,-2") from None
    if not all(math.isfinite(v) and abs(v) <= 50 for v in (x, y)):
        raise click.BadParameter("each offset must be a number of millimetres from -50 to 50")
    return x, y


_PRINT_SUFFIXES = {"pdf": (".pdf",), "html": (".html", ".htm")}


@main.command(name="print")
@PATHS
@_output_option("The file to write (.pdf, or .html with --format html).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html"]),
    help="Output format (default: html when FILE ends in .html, else pdf).",
)
@click.option("--answer-key", is_flag=True, help="Write the answer key instead of the quiz.")
@click.option("--flashcards", is_flag=True, help="Write cut-out flashcards (PDF only).")
@click.option("--fold", is_flag=True, help="Flashcards for folding (no duplex printer needed).")
@click.option(
    "--back-offset-mm",
    default="0,0",
    show_default=True,
    callback=_offset_mm,
    help="Move the flashcard backs right,down by X,Y mm to undo a printer's shift.",
)
@click.option(
    "--meeting",
    is_flag=True,
    help="The short quiz for one meeting: one question per fact, from every section "
    "(--count questions, default the bank's meeting_quiz_count or 12).",
)
@click.option("--form", help="Form letter (A, B, ...): its own order of questions and options.")
@click.option("--seed", help="Seed for choosing and ordering questions (default: bank order).")
@_filter_options("Print")
@click.option("--large-print", is_flag=True, help="18 pt sans-serif text, one column.")
@PAPER
def print_(
    paths: tuple[Path, ...],
    output: Path,
    fmt: str | None,
    answer_key: bool,
    flashcards: bool,
    fold: bool,
    back_offset_mm: tuple[float, float],
    meeting: bool,
    form: str | None,
    seed: str | None,
    count: int | None,
    tags: tuple[str, ...],
    sections: tuple[str, ...],
    types: tuple[str, ...],
    large_print: bool,
    paper: str | None,
) -> None:
    """Print a quiz, its answer key or cut-out flashcards as PDF (or HTML).

    Honours SOURCE_DATE_EPOCH, so a rebuild gives the same bytes.
    """
    from quizgen.errors import UsageError
    from quizgen.fsutil import is_special
    from quizgen.outputs import printing
    from quizgen.outputs.timestamps import source_date_epoch

    fmt = fmt or ("html" if output.suffix.lower() in _PRINT_SUFFIXES["html"] else "pdf")
    flashcards = flashcards or fold
    if fmt == "pdf" or flashcards:
        _refuse_binary_to_stdout(output, "A PDF")
    named = not (_is_stdout(output) or is_special(output))  # a file name says what it holds
    if named and output.suffix.lower() not in _PRINT_SUFFIXES[fmt]:
        endings = " or ".join(_PRINT_SUFFIXES[fmt])
        other = "html" if fmt == "pdf" else "pdf"
        raise UsageError(
            f"{output.name} does not end in {endings}: this writes {fmt.upper()}, so name the file "
            f"*{_PRINT_SUFFIXES[fmt][0]}"
            + (" (or *.html with --format html)" if other == "html" and not flashcards else "")
        )
    if flashcards and (answer_key or fmt == "html"):
        raise UsageError(
            "--flashcards makes a PDF of cards; it cannot be combined with --answer-key or --format html"
        )
    epoch = source_date_epoch()
    banks = _load_one_edition(paths)
    _refuse_overwriting_inputs(paths, output)
    options = printing.PrintOptions(
        paper=_paper(banks, paper),
        large_print=large_print,
        form=form.upper() if form else None,
        seed=seed,
        selection=_selection(count, tags, sections, types),
        back_offset_mm=back_offset_mm,
        meeting=meeting,
        timestamp=epoch,
    )
    data: bytes | str
    if flashcards:
        data = printing.render_flashcards(banks, options, fold=fold)
    elif fmt == "html":
        from quizgen.outputs import handout

        render = handout.render_answer_key_html if answer_key else handout.render_handout_html
        data = render(banks, options)
    else:
        data = (printing.render_answer_key if answer_key else printing.render_quiz)(banks, options)
    _write(output, data)
    what = "flashcards" if flashcards else "answer key" if answer_key else "quiz"
    n = len(printing.pick_questions(banks, options))
    if not _is_stdout(output):
        _echo(f"Wrote {output} ({what}, {n} question{'s' * (n != 1)})", err=True)
