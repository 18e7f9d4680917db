"""The terminal quiz: asking questions, checking answers, feedback, summary and retry.

All input and output goes through a `QuizIO` (`TerminalIO` for the real terminal), so the session
logic can be driven by tests. Progress is recorded after every answer through a `ProgressStore`.
This module must stay light to import: no genanki, no PDF engine.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import random
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from quizgen.bank.model import CLOZE_RE, Bank, Question, QuestionType, cloze_blanked, option_letter
from quizgen.i18n import N_, base_language, translator
from quizgen.safetext import for_terminal
from quizgen.study.progressdb import now
from quizgen.study.selection import Picked, Selection, ordered_options, select_questions, spaced

if TYPE_CHECKING:
    from quizgen.study.answers import Result
    from quizgen.study.progress import Grade, Key, ProgressStore, Record

# Start-up: the first question waits only for what it shows. The answer rules
# (quizgen.study.answers), the records and scheduling of progress (quizgen.study.progress), the
# evidence lines (quizgen.bank.evidence), textwrap, shutil and signal are imported where they are
# first used (the first answer, the first feedback, a wrapped line).

MARK_RIGHT = "✓"
MARK_WRONG = "✗"
MARK_SKIP = "–"

# Marked for the catalog here, translated where they are shown (`translator(bank.language)`).
TYPE_LABELS = {
    QuestionType.MULTIPLE_CHOICE: N_("multiple choice"),
    QuestionType.MULTIPLE_SELECT: N_("choose all that apply"),
    QuestionType.TRUE_FALSE: N_("true or false"),
    QuestionType.CLOZE: N_("fill in the blanks"),
    QuestionType.SHORT_ANSWER: N_("short answer"),
    QuestionType.FLASHCARD: N_("flashcard"),
}

KEYS_HELP = N_(
    "Keys: {help} help   {hint} hint   {skip} skip   {undo} undo last answer   {quit} quit the quiz"
)


@dataclass(frozen=True)
class Keys:
    """The keys that work at every prompt, in one language. None of them may be an answer there:
    a word for true, false, yes or no (answer_rules.json), or the letter of one of the first
    six options (a question with more is answered by number or text for the letters past f)."""

    help: str
    hint: str
    skip: str
    undo: str
    quit: str


# In Spanish `s` is "sí" (and `n` "no", `v`/`f` verdadero/falso): pista, omitir, rehacer. Quit is `q`
# in both, as in most terminal programs: a one-letter answer such as the T of "células T" (a typed
# answer, where keys work too) must never end the quiz.
KEYS = {
    "en": Keys(help="?", hint="h", skip="s", undo="u", quit="q"),
    "es": Keys(help="?", hint="p", skip="o", undo="r", quit="q"),
}


def keys_for(language: str) -> Keys:
    """The keys of a language (`es-MX` uses `es`; a language without its own uses English)."""
    return KEYS.get(base_language(language), KEYS["en"])


def keys_help(language: str) -> str:
    """The key help line, in the language with its keys."""
    keys = keys_for(language)
    return translator(language).gettext(KEYS_HELP).format(**vars(keys))


# Labels a wrapped line hangs under (besides option letters and marks), in every language.
HANG_LABELS = (
    N_("Why:"),
    N_("Answer:"),
    N_("Hint:"),
    N_("Taken as:"),
    N_("Wrongly chosen:"),
    N_("You missed:"),
    N_("Missed:"),
)  # and the evidence's quote labels (quizgen.bank.evidence.QUOTE_LABELS)


class QuizIO(Protocol):
    """Where the quiz reads and writes. `ask` raises EOFError at end of input."""

    def ask(self, prompt: str) -> str: ...

    def say(self, text: str = "", style: str | None = None) -> None: ...


_STYLES: dict[str, dict[str, object]] = {
    "right": {"fg": "green", "bold": True},
    "wrong": {"fg": "red", "bold": True},
    "heading": {"bold": True},
    "dim": {"dim": True},
}


@functools.cache
def _hang_re() -> re.Pattern[str]:
    """What a continued line hangs under: an option letter, a mark, or a label such as "Why:" (in
    every language with a catalog)."""
    from quizgen.bank.evidence import QUOTE_LABELS
    from quizgen.i18n import catalog_languages

    every = (*HANG_LABELS, *QUOTE_LABELS)
    labels = {translator(lang).gettext(label) for lang in ["en", *catalog_languages()] for label in every}
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    marks = MARK_RIGHT + MARK_WRONG + MARK_SKIP
    return re.compile(rf"^\s*(?:(?:[a-z]\)|[{marks}]|{alternatives})\s+)?")


def letter(index: int) -> str:
    """The letter typed or shown for option `index` in the terminal (0 -> a)."""
    return option_letter(index).lower()


def wrap_for_terminal(text: str, width: int) -> str:
    """Each line of `text` wrapped at word boundaries to `width` columns.

    A continued line hangs under the text that follows the line's indent and its option letter,
    mark or label, so options read as a column ("  a) ..." continues under the text, not the letter).
    """
    import textwrap

    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        lead = _hang_re().match(line)
        hang = " " * (lead.end() if lead and lead.end() < width // 2 else 0)
        out.extend(
            textwrap.wrap(
                line,
                width=width,
                subsequent_indent=hang,
                break_long_words=False,
                break_on_hyphens=False,
                drop_whitespace=True,
            )
            or [line]
        )
    return "\n".join(out)


def forgiving_streams() -> None:
    """Standard input and output that never stop a quiz over an encoding: a character the output
    cannot encode (the marks ✓ ✗ in a Latin-1 locale, or output redirected to a file on Windows)
    is shown as `?`, and bytes typed that are not in the input's encoding (a terminal set to
    Latin-1 under a UTF-8 locale) are read as U+FFFD. Either used to end the quiz with a traceback;
    the words Correct and Incorrect always say the verdict."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


class TerminalIO:
    """Line-based terminal I/O through click; echoes piped answers so a transcript reads well.

    On a terminal, text is wrapped to the terminal's width at every line (read again each time,
    so a resized window is followed); piped output is not wrapped.
    """

    def __init__(self, colour: bool, wrap: bool | None = None) -> None:
        import click

        forgiving_streams()
        self._click = click
        self.colour = colour
        self.wrap = sys.stdout.isatty() if wrap is None else wrap

    def ask(self, prompt: str) -> str:
        click = self._click
        click.echo(self._styled(prompt, "heading"), nl=False)
        stdin = sys.stdin
        line: str = stdin.readline()
        if not line:
            click.echo()
            raise EOFError
        line = line.rstrip("\r\n")
        if not stdin.isatty():
            click.echo(for_terminal(line))
        return line

    def say(self, text: str = "", style: str | None = None) -> None:
        if self.wrap:
            import shutil

            text = wrap_for_terminal(text, shutil.get_terminal_size().columns)
        self._click.echo(self._styled(text, style))

    def _styled(self, text: str, style: str | None) -> str:
        text = for_terminal(text)  # bank text and names never act on the terminal
        if not self.colour or style is None:
            return text
        return self._click.style(text, **_STYLES[style])  # type: ignore[arg-type]


def colour_wanted(no_color_flag: bool, environ: dict[str, str], is_tty: bool) -> bool:
    """Colour only on a terminal that shows it (not TERM=dumb, where escapes print as text), and
    never with --no-color or a non-empty NO_COLOR."""
    return is_tty and not no_color_flag and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


class Outcome(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Answered:
    """One question answered (or skipped): how it went, its grade and how long it took."""

    item: Picked
    outcome: Outcome
    grade: Grade | None = None
    seconds: float | None = None  # from the question shown to the answer given
    result: Result | None = field(default=None, compare=False)  # for the feedback

    @property
    def key(self) -> Key:
        return (self.item.bank.id, self.item.question.id)


class Status(StrEnum):
    FINISHED = "finished"
    QUIT = "quit"
    INTERRUPTED = "interrupted"  # Ctrl-C: the CLI exits 130
    END_OF_INPUT = "end of input"


@dataclass(frozen=True)
class QuizResult:
    """How a run through the questions ended, and every answer given."""

    status: Status
    total: int
    answers: tuple[Answered, ...] = field(default=())

    @property
    def score(self) -> int:
        return sum(a.outcome is Outcome.RIGHT for a in self.answers)

    @property
    def missed(self) -> tuple[Answered, ...]:
        return tuple(a for a in self.answers if a.outcome is not Outcome.RIGHT)


class _Skip(Exception):
    pass


class _Undo(Exception):
    pass


class _Quit(Exception):
    pass


def prepare(picked: Sequence[Picked], seed: int | str | None, shuffle: bool) -> list[Picked]:
    """Related questions kept apart, each question's options in `option_order` for `seed`
    (written order without shuffle)."""
    if not shuffle:
        return spaced(picked)
    return spaced([ordered_options(p, seed) for p in picked])


def article_text(bank: Bank) -> str | None:
    """The article's plain text where the bank names it (`article.text`) and it can be read."""
    path = bank.article.text_path
    if path is None or bank.root is None:
        return None
    try:
        return (bank.root / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def numbered_blanks(text: str) -> str:
    """Cloze text with each deletion, in reading order, shown as [1] or [1: hint]."""
    numbers = itertools.count(1)

    def repl(m: re.Match[str]) -> str:
        n = next(numbers)
        return f"[{n}: {m.group(3)}]" if m.group(3) else f"[{n}]"

    return CLOZE_RE.sub(repl, text)


def _first_letter_hint(answer: str, ngettext: Callable[[str, str, int], str]) -> str:
    words = len(answer.split())
    text = ngettext(
        'It starts with "{letter}" ({words} word, {characters} characters).',
        'It starts with "{letter}" ({words} words, {characters} characters).',
        words,
    )
    return text.format(letter=answer[:1], words=words, characters=len(answer))


@contextlib.contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Hold Ctrl-C back until the block ends, then raise it: an answer is kept whole or not at all."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    import signal

    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


class QuizSession:
    """One run through a list of questions."""

    def __init__(
        self,
        items: Sequence[Picked],
        io: QuizIO,
        store: ProgressStore | None,
        *,
        clock: Callable[[], datetime] = now,
        remember_missed: bool = True,
        retrying: bool = False,
        seed: int | str | None = None,
        language: str = "en",
    ) -> None:
        self.items = list(items)
        # the interface speaks the banks' language: its words, its keys, its answer words
        self.language = language
        self._ = translator(language).gettext
        self.ngettext = translator(language).ngettext
        self.keys = keys_for(language)
        self.io = io
        self.store = store
        self.clock = clock
        self.remember_missed = remember_missed
        # a retry of missed questions: the list it retries, kept until each is answered right
        self._retrying = retrying
        self._still_missed: list[Key] | None = None
        self.rng = random.Random(f"hints:{seed}" if seed is not None else None)
        # per answer: its index, the answer, the question's record before it, its id in the log
        self._history: list[tuple[int, Answered, Record | None, int | None]] = []
        self._hint_used = False
        self._how_to_answer = ""
        self._bank: Bank | None = None  # the bank of the question being asked
        self._bank_words: dict[str, frozenset[str]] = {}

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> QuizResult:
        index = 0
        status = Status.FINISHED
        if self._retrying and self.store is not None and self.remember_missed:
            missed = self.store.last_missed()
            asked = [(p.bank.id, p.question.id) for p in self.items]
            self._still_missed = missed + [k for k in asked if k not in missed]
        while index < len(self.items):
            try:
                answered = self._ask(index)
                self._record(index, answered)  # kept before the feedback: Ctrl-C then loses nothing
                index += 1
                self._feedback(answered)
            except _Undo:
                index = self._undo(index)
                continue
            except _Quit:
                status = Status.QUIT
                break
            except KeyboardInterrupt:
                status = Status.INTERRUPTED
                break
            except EOFError:
                status = Status.END_OF_INPUT
                break
        return QuizResult(status, len(self.items), tuple(h[1] for h in self._history))

    def _record(self, index: int, answered: Answered) -> None:
        """Keep one answer: its record, the log entry and the missed list, in one transaction
        that Ctrl-C cannot cut in two (it takes effect once the answer is kept)."""
        if self.store is None:
            self._history.append((index, answered, None, None))
            return
        from quizgen.study.progress import Answer, schedule

        with _interrupt_deferred(), self.store.transaction():
            # read inside the transaction: another session may have answered the same question
            before = self.store.get(answered.key)
            when = self.clock()
            if answered.grade is not None:
                self.store.put(answered.key, schedule(before, answered.grade, when))
            bank, question = answered.key
            rating = answered.grade.value if answered.grade is not None else None
            logged = self.store.log_answer(
                Answer(when, bank, question, answered.outcome.value, rating, answered.seconds)
            )
            self._history.append((index, answered, before, logged))
            self._remember_missed()

    def _undo(self, index: int) -> int:
        if not self._history:
            self.io.say(self._("Nothing to undo yet."))
            return index
        previous, answered, before, logged = self._history.pop()
        if self.store is not None:
            with _interrupt_deferred(), self.store.transaction():
                if answered.grade is not None:
                    self.store.put(answered.key, before)
                if logged is not None:
                    self.store.forget_answer(logged)
                self._remember_missed()
        self.io.say(
            self._("Undone: your answer to question {number}. Here it is again.").format(number=previous + 1)
        )
        self.io.say()
        return previous

    def _remember_missed(self) -> None:
        """Keep this session's missed questions as the last quiz's, when this session counts. A
        retry keeps the list it retries, less what it has answered right: quitting a retry after
        one question must not forget the others (`quiz --retry-missed` asks them later)."""
        if self.store is None or not self.remember_missed:
            return
        if self._still_missed is not None:
            right = {h[1].key for h in self._history if h[1].outcome is Outcome.RIGHT}
            self.store.set_last_missed(k for k in self._still_missed if k not in right)
            return
        self.store.set_last_missed(h[1].key for h in self._history if h[1].outcome is not Outcome.RIGHT)

    # -- reading a line -----------------------------------------------------------------------

    def _read(self, prompt: str, on_hint: Callable[[], None], allow_empty: bool = False) -> str:
        """One answer line; handles the language's keys (English ? h s u q), which work at every prompt."""
        keys = self.keys
        while True:
            line = self.io.ask(prompt).strip()
            key = line.casefold()
            if key == keys.help:
                self._help()
            elif key == keys.hint:
                self._hint_used = True
                on_hint()
            elif key == keys.skip:
                raise _Skip
            elif key == keys.undo:
                raise _Undo
            elif key == keys.quit:
                raise _Quit
            elif line or allow_empty:
                return line

    def _help(self) -> None:
        self.io.say(self._how_to_answer)
        self.io.say(keys_help(self.language))

    # -- asking -------------------------------------------------------------------------------

    def _ask(self, index: int) -> Answered:
        item = self.items[index]
        q = item.question
        self._bank = item.bank
        self._hint_used = False
        _ = self._
        heading = _("Question {n} of {total}").format(n=index + 1, total=len(self.items))
        label = _(TYPE_LABELS[q.type])
        self.io.say(f"{heading}  ({label})", "heading")
        ask = {
            QuestionType.MULTIPLE_CHOICE: self._ask_choice,
            QuestionType.MULTIPLE_SELECT: self._ask_choice,
            QuestionType.TRUE_FALSE: self._ask_truth,
            QuestionType.SHORT_ANSWER: self._ask_short,
            QuestionType.CLOZE: self._ask_cloze,
            QuestionType.FLASHCARD: self._ask_flashcard,
        }[q.type]
        started = time.monotonic()
        try:
            result = ask(q)
        except _Skip:
            return Answered(item, Outcome.SKIPPED, seconds=round(time.monotonic() - started, 1))
        outcome = Outcome.RIGHT if result.correct else Outcome.WRONG
        seconds = round(time.monotonic() - started, 1)
        from quizgen.study.progress import Grade

        return Answered(item, outcome, Grade(result.verdict.value), seconds, result)

    def _grade(self, q: Question, typed: str | Sequence[str]) -> Result:
        """Grade what was typed (the answer rules are read on the first answer, not before the
        first question)."""
        from quizgen.study.answers import Response, grade

        known = self._known()
        return grade(q, Response(typed, hinted=self._hint_used, known_words=known), self.language)

    def _known(self) -> frozenset[str]:
        """The words of the bank being asked (and its article's, where the text is at hand),
        worked out once, on its first answer."""
        bank = self._bank
        if bank is None:
            return frozenset()
        if bank.id not in self._bank_words:
            from quizgen.study.answers import bank_words

            self._bank_words[bank.id] = bank_words(bank, article_text(bank))
        return self._bank_words[bank.id]

    def _ask_choice(self, q: Question) -> Result:
        _ = self._
        many = q.type is QuestionType.MULTIPLE_SELECT
        removed: set[int] = set()
        n = len(q.options)
        from quizgen.study.words import numbers_are_options

        if numbers_are_options(q.options):  # a number typed is an option's text, not its position
            how = (
                _("Type the letters of every right option, like 'a c' or 'a,c' (a-{last}), or their texts.")
                if many
                else _("Type a letter (a-{last}) or the option's text.")
            )
        elif many:
            how = _(
                "Type the letters of every right option, like 'a c' or 'a,c' (a-{last}), or their numbers."
            )
        else:
            how = _("Type a letter (a-{last}), a number (1-{count}), or the option's text.")
        self._how_to_answer = how.format(last=letter(n - 1), count=n)

        def show() -> None:
            for i, option in enumerate(q.options):
                if i not in removed:
                    self.io.say(f"  {letter(i)}) {option}")

        def hint() -> None:
            wrong = [i for i in range(n) if i not in q.correct and i not in removed]
            if len(wrong) <= (0 if many else 1):
                self.io.say(_("No more hints for this question."))
                return
            gone = self.rng.choice(wrong)
            removed.add(gone)
            self.io.say(_("Hint: it is not {option}").format(option=f"{letter(gone)}) {q.options[gone]}"))
            show()

        self.io.say(q.prompt)
        show()
        while True:
            line = self._read(_("Your answers: ") if many else _("Your answer: "), hint)
            result = self._grade(q, line)
            if result.unclear:
                self.io.say(
                    _("Not understood. {how} ({help} for help)").format(
                        how=self._how_to_answer, help=self.keys.help
                    )
                )
                continue
            if result.near:
                taken = ", ".join(f"{letter(i)}) {q.options[i]}" for i in result.chosen)
                self.io.say(_("Taken as:") + " " + taken)
            return result

    def _ask_truth(self, q: Question) -> Result:
        _ = self._
        self._how_to_answer = _("Type true or false (t/f, yes/no also work).")

        def hint() -> None:
            self.io.say(
                _("Hint:") + " " + q.hint if q.hint else _("No hint for this one: it is true or false.")
            )

        self.io.say(_("True or false: {prompt}").format(prompt=q.prompt))
        while True:
            result = self._grade(q, self._read(_("true/false: "), hint))
            if result.unclear:
                self.io.say(_("Not understood. {how}").format(how=self._how_to_answer))
                continue
            return result

    def _ask_short(self, q: Question) -> Result:
        _ = self._
        self._how_to_answer = _("Type your answer in a few words; spelling need not be perfect.")
        hints = [_("Hint:") + " " + q.hint] if q.hint else []
        hints.append(_("Hint:") + " " + _first_letter_hint(q.accepted[0], self.ngettext))

        def hint() -> None:
            self.io.say(hints.pop(0) if len(hints) > 1 else hints[0])

        self.io.say(q.prompt)
        result = self._grade(q, self._read(_("Your answer: "), hint))
        if result.correct and result.near:
            self.io.say(_("Close enough. It is spelled: {answer}").format(answer=result.spelled[0]))
        return result

    def _ask_cloze(self, q: Question) -> Result:
        _ = self._
        self._how_to_answer = _("Type the missing word(s) for each numbered blank in turn.")
        blanks = len(q.deletions)
        self.io.say(self.ngettext("Fill in the blank:", "Fill in the blanks:", blanks))
        self.io.say(numbered_blanks(q.prompt))
        typed: list[str] = []
        # one blank per deletion, in reading order (Anki's c1 may hide several different words)
        for number, deletion in enumerate(q.deletions, start=1):

            def hint(answer: str = deletion.answer) -> None:
                self.io.say(_("Hint:") + " " + _first_letter_hint(answer, self.ngettext))

            typed.append(self._read(_("Blank {number}: ").format(number=number), hint))
            # said blank by blank; the verdict over all blanks comes from grade() below
            from quizgen.study.answers import match_text

            found = match_text(typed[-1], [deletion.answer], self._known(), self.language)
            if found is None:
                said = _("blank {number} is: {answer}").format(number=number, answer=deletion.answer)
                self.io.say(f"  {MARK_WRONG} {said}")
            elif not found.exact:
                self.io.say("  " + _("Close enough. It is spelled: {answer}").format(answer=found.accepted))
        return self._grade(q, typed)

    def _ask_flashcard(self, q: Question) -> Result:
        _ = self._
        self._how_to_answer = _("Think of the answer, press Enter to see it, then say if you knew it.")
        back = q.back or ""

        def hint() -> None:
            self.io.say(_("Hint:") + " " + (q.hint or _first_letter_hint(back, self.ngettext)))

        self.io.say(q.prompt)
        self._read(_("Press Enter to show the answer: "), hint, allow_empty=True)
        self.io.say(_("Answer:") + " " + back)
        self._how_to_answer = _("Type y if you knew the answer, n if you did not.")
        while True:
            result = self._grade(q, self._read(_("Did you know it? (y/n): "), hint))
            if not result.unclear:
                return result
            self.io.say(self._how_to_answer)

    # -- feedback and summary ---------------------------------------------------------------

    def _feedback(self, answered: Answered) -> None:
        _ = self._
        item, result, q = answered.item, answered.result, answered.item.question
        if result is None:  # skipped
            self.io.say(f"{MARK_SKIP} " + _("Skipped. The answer: {answer}").format(answer=answer_text(q, _)))
            self.io.say()
            return
        if result.correct:
            self.io.say(MARK_RIGHT + " " + _("Correct"), "right")
        else:
            self.io.say(MARK_WRONG + " " + _("Incorrect"), "wrong")
            if q.type is QuestionType.MULTIPLE_SELECT:
                self._say_choice_mistakes(q, result.chosen)
        if q.type is QuestionType.CLOZE:
            self.io.say(_("Answer:") + " " + cloze_blanked(q.prompt, reveal=True))
        elif q.type is not QuestionType.FLASHCARD:
            self.io.say(_("Answer:") + " " + answer_text(q, _))
        self.io.say(_("Why:") + " " + q.explanation)
        from quizgen.bank.evidence import evidence_lines

        for line in evidence_lines(item.bank, q):
            self.io.say(line.plain)
        self.io.say(item.bank.source_line(q, _(SOURCE_LINE)), "dim")
        self.io.say()

    def _say_choice_mistakes(self, q: Question, chosen: Sequence[int]) -> None:
        """For "choose all that apply": which chosen options were wrong, which right ones were missed."""

        def listed(indices: Sequence[int]) -> str:
            return "; ".join(f"{letter(i)}) {q.options[i]}" for i in indices)

        wrong = [i for i in chosen if i not in q.correct]
        missed = [i for i in q.correct if i not in chosen]
        if wrong:
            self.io.say(self._("Wrongly chosen:") + " " + listed(wrong))
        if missed:
            self.io.say(self._("You missed:") + " " + listed(missed))


SOURCE_LINE = N_('From "{article}", section "{section}"')


def answer_text(q: Question, _: Callable[[str], str]) -> str:
    """The right answer as one line, with true and false in the interface's language."""
    return q.answer_text((_("True"), _("False")))


def summarise(result: QuizResult, io: QuizIO, language: str = "en") -> None:
    """Score, what was missed with the right answers, and why the quiz stopped early if it did."""
    t = translator(language)
    _ = t.gettext
    answered = len(result.answers)
    if result.status is not Status.FINISHED:
        ngettext, total = t.ngettext, result.total
        if result.status is Status.QUIT:
            why = ngettext(
                "You quit after {answered} of {total} question.",
                "You quit after {answered} of {total} questions.",
                total,
            )
        elif result.status is Status.INTERRUPTED:
            why = ngettext(
                "Interrupted after {answered} of {total} question.",
                "Interrupted after {answered} of {total} questions.",
                total,
            )
        else:
            why = ngettext(
                "End of input after {answered} of {total} question.",
                "End of input after {answered} of {total} questions.",
                total,
            )
        io.say(why.format(answered=answered, total=total), "heading")
    io.say(_("Score: {score}/{answered}").format(score=result.score, answered=answered), "heading")
    if result.missed:
        io.say(_("Missed:") if result.status is Status.FINISHED else _("Missed so far:"))
        for a in result.missed:
            tag = " " + _("(skipped)") if a.outcome is Outcome.SKIPPED else ""
            q = a.item.question
            shown = numbered_blanks(q.prompt) if q.type is QuestionType.CLOZE else q.prompt
            io.say(f"  {MARK_WRONG} {shown}{tag}")
            io.say("      " + _("Answer:") + " " + answer_text(q, _))


def run_quiz(
    items: Sequence[Picked],
    io: QuizIO,
    store: ProgressStore | None,
    *,
    clock: Callable[[], datetime] = now,
    remember_missed: bool = True,
    offer_retry: bool = True,
    retrying: bool = False,
    seed: int | str | None = None,
    language: str | None = None,
) -> Status:
    """Run a quiz to the end, print the summary, and offer to retry what was missed.

    Everything is said in `language` (default: the language of the first question's bank)."""
    # an unreviewed translation says so before its first question (in its language)
    from quizgen.i18n import unreviewed_notice

    banks = list({id(p.bank): p.bank for p in items}.values())
    language = language or language_of(banks)
    t = translator(language)
    for notice in dict.fromkeys(unreviewed_notice(b, b.language) for b in banks):
        if notice:
            io.say(notice, "heading")
    while True:
        session = QuizSession(
            items,
            io,
            store,
            clock=clock,
            remember_missed=remember_missed,
            retrying=retrying,
            seed=seed,
            language=language,
        )
        result = session.run()
        if result.status is not Status.FINISHED:
            io.say()  # the prompt that was cut short has no line end
        summarise(result, io, language)
        if store is not None and result.answers and store.problem is not None:
            io.say(t.gettext("Progress was not saved (see the warning above)."), "dim")
        elif store is not None and result.answers and store.location:
            io.say(t.gettext("Progress saved in {location}.").format(location=store.location), "dim")
        if result.status is not Status.FINISHED or not result.missed or not offer_retry:
            return result.status
        count = len(result.missed)
        retry = t.ngettext(
            "Retry the {count} missed question now? (y/n): ",
            "Retry the {count} missed questions now? (y/n): ",
            count,
        )
        try:
            again = io.ask(retry.format(count=count))
        except EOFError:
            return Status.END_OF_INPUT
        except KeyboardInterrupt:
            io.say()  # the question cut short has no line end: the shell's prompt would follow it
            return Status.INTERRUPTED
        from quizgen.study.answers import parse_truth

        if parse_truth(again, language) is not True:
            return Status.FINISHED
        io.say()
        items = spaced([a.item for a in result.missed])
        retrying = True


def missed_last_time(items: Sequence[Picked], store: ProgressStore) -> list[Picked]:
    """The questions missed in the last quiz, in the order they were asked."""
    by_key = {(p.bank.id, p.question.id): p for p in items}
    return [by_key[k] for k in store.last_missed() if k in by_key]


def due_now(items: Sequence[Picked], store: ProgressStore, when: datetime) -> list[Picked]:
    """Questions whose review is due, the longest overdue first."""
    due_at = {k: r.due for k in store.due(when) if (r := store.get(k)) is not None}
    due = [p for p in items if (p.bank.id, p.question.id) in due_at]
    return sorted(due, key=lambda p: due_at[(p.bank.id, p.question.id)])  # equal times: in item order


def language_of(banks: Sequence[Bank]) -> str:
    """The language a quiz of these banks speaks: the first bank's (one quiz is one edition)."""
    return banks[0].language if banks else "en"


def describe_when(moment: datetime, when: datetime, language: str = "en") -> str:
    """'tomorrow', 'in 3 days' or 'in 5 hours', with the date."""
    t = translator(language)
    seconds = (moment - when).total_seconds()
    days = (moment.date() - when.date()).days
    if seconds < 3600:
        rel = t.gettext("in less than an hour")
    elif days == 0:
        hours = int(seconds // 3600)
        rel = t.ngettext("in {count} hour", "in {count} hours", hours).format(count=hours)
    elif days == 1:
        rel = t.gettext("tomorrow")
    else:
        rel = t.ngettext("in {count} day", "in {count} days", days).format(count=days)
    return f"{rel} ({moment.strftime('%Y-%m-%d')})"


def _next_due_line(upcoming: tuple[datetime, int], when: datetime, language: str) -> str:
    moment, n = upcoming
    text = translator(language).ngettext(
        "Next due: {count} question {when}.", "Next due: {count} questions {when}.", n
    )
    return text.format(count=n, when=describe_when(moment, when, language))


def start_quiz(
    banks: Sequence[Bank],
    selection: Selection,
    io: QuizIO,
    store: ProgressStore,
    *,
    retry_missed: bool = False,
) -> Status:
    """`quizgen quiz`: pick the questions (or last time's misses) and run the quiz."""
    language = language_of(banks)
    t = translator(language)
    if not retry_missed:
        picked = select_questions(banks, selection)
    else:
        everything = select_questions(banks, replace(selection, count=None, shuffle=False))
        picked = missed_last_time(everything, store)
        if selection.count is not None:
            picked = picked[: selection.count]
        if not picked:
            io.say(t.gettext("Nothing to retry: no questions were missed in the last quiz."))
            return Status.FINISHED
        retrying = t.ngettext(
            "Retrying the {count} question missed last time.",
            "Retrying the {count} questions missed last time.",
            len(picked),
        )
        io.say(retrying.format(count=len(picked)))
    items = prepare(picked, selection.seed, selection.shuffle)
    return run_quiz(items, io, store, retrying=retry_missed, seed=selection.seed, language=language)


def start_review(
    banks: Sequence[Bank],
    io: QuizIO,
    store: ProgressStore,
    *,
    count: int | None = None,
    seed: int | str | None = None,
) -> Status:
    """`quizgen review`: ask only the questions that are due, then say when the next are due."""
    from quizgen.study.progress import next_due

    when = now()
    language = language_of(banks)
    t = translator(language)
    everything = [Picked(b, q) for b in banks for q in b.questions]
    due = due_now(everything, store, when)[:count]
    if due:
        n = len(due)
        io.say(
            t.ngettext("{count} question due for review.", "{count} questions due for review.", n).format(
                count=n
            )
        )
        io.say()
        status = run_quiz(
            prepare(due, seed, True), io, store, remember_missed=False, seed=seed, language=language
        )
        if status is Status.INTERRUPTED:
            return status
    else:
        io.say(t.gettext("Nothing is due for review now."))
    upcoming = next_due(banks, store, now())
    if upcoming is not None:
        io.say(_next_due_line(upcoming, now(), language))
    elif store.is_empty():
        io.say(t.gettext("No progress yet: run `quizgen quiz` first."))
    return Status.FINISHED


# The columns of `quizgen progress`, and the day and month names of its week ahead.
COLUMNS = (N_("learned"), N_("missed"), N_("due"), N_("new"))
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTHS = (
    N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
    N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
)  # fmt: skip


def _counts(counts: Sequence[int], widths: Sequence[int]) -> str:
    return "  ".join(f"{n:>{w}}" for n, w in zip(counts, widths, strict=True))


def _share(right_total: tuple[int, int] | None, width: int) -> str:
    if not right_total or not right_total[1]:
        return f"{'-':>{width}}"
    right, total = right_total
    return f"{str(round(100 * right / total)) + '%':>{width}}"


def _title_lines(title: str, width: int) -> list[str]:
    """A section title in a column `width` wide: wrapped at words, continued lines indented."""
    import textwrap

    return textwrap.wrap(
        title, width, subsequent_indent="  ", break_on_hyphens=False, break_long_words=False
    ) or [title]


def progress_table(banks: Sequence[Bank], store: ProgressStore, width: int | None = None) -> str:
    """`quizgen progress`: learned, due and new per section with the share of answers right, then
    the answers of the last 7 and 30 days, the streak of days, and what falls due each day ahead.

    Each bank's table is in its language; the lines after them in the first bank's. With `width`
    (a terminal's columns), a section title too long for the row wraps inside its column (the
    counts stay on its first line) and the lines below the tables wrap at words, so a Spanish
    table ("Efectos secundarios de los inhibidores de la calcineurina") fits 80 columns."""
    from quizgen.study.progress import activity, next_due, section_progress

    when = now()
    rows = section_progress(banks, store, when)
    log = activity(banks, store, when)
    lines: list[str] = []
    for bank in banks:
        _ = translator(bank.language).gettext
        columns = [_(c) for c in COLUMNS]
        widths = [max(len(c), 3) for c in columns]
        right = _("right")
        share_width = max(len(right), 5)
        section, total = _("Section"), _("Total")
        title_width = max([len(section), len(total), *(len(r.title) for r in rows)])
        if width is not None:  # the counts take their room; titles wrap in what is left
            counts_width = sum(widths) + 2 * len(widths) + share_width
            title_width = min(title_width, max(width - 4 - counts_width, len(section), len(total), 12))
        lines.append(f"{bank.title} ({bank.id})")
        lines.append(f"  {section:<{title_width}}  {'  '.join(columns)}  {right:>{share_width}}")
        totals = [0, 0, 0, 0]
        bank_right = [0, 0]
        for r in rows:
            if r.bank is bank:
                counts = (r.learned, r.missed, r.due, r.new)
                share = log.right_by_section.get((bank.id, r.section_id))
                first, *rest = _title_lines(r.title, title_width) if width is not None else [r.title]
                shown = f"{_counts(counts, widths)}  {_share(share, share_width)}"
                lines.append(f"  {first:<{title_width}}  {shown}")
                lines.extend(f"  {line}" for line in rest)
                totals = [t + c for t, c in zip(totals, counts, strict=True)]
                if share:
                    bank_right = [bank_right[0] + share[0], bank_right[1] + share[1]]
        bank_share = _share((bank_right[0], bank_right[1]), share_width)
        lines.append(f"  {total:<{title_width}}  {_counts(totals, widths)}  {bank_share}")
        lines.append("")
    tables = len(lines)
    language = language_of(banks)
    t = translator(language)
    _ = t.gettext
    lines.append(_("learned: right last time; missed: wrong last time, asked again when due;"))
    lines.append(_("right: the share of all answers in the section that were right."))
    lines.append("")
    answers = _("Answers: {week} in the last 7 days, {month} in the last 30 days.")
    streak = t.ngettext("Streak: {count} day in a row.", "Streak: {count} days in a row.", log.streak)
    lines.append(
        answers.format(week=log.last_7_days, month=log.last_30_days) + " " + streak.format(count=log.streak)
    )
    ahead = ", ".join(
        " ".join([_(WEEKDAYS[day.weekday()]), f"{day:%d}", _(MONTHS[day.month - 1])]) + f": {n}"
        for day, n in log.due_by_day
    )
    lines.append(_("Due in the next 7 days: {days}.").format(days=ahead))
    upcoming = next_due(banks, store, when)
    if upcoming is not None:
        lines.append(_next_due_line(upcoming, when, language))
    lines.append(_("Progress file: {location}").format(location=store.location))
    if width is not None:
        lines[tables:] = [wrap_for_terminal(line, width) for line in lines[tables:]]
    return "\n".join(lines) + "\n"
