"""`quizgen build`: every output of every bank, rendered in memory, then written all at once.

Nothing is written until every output has rendered, and the files are staged as temporary files
beside their targets before any is renamed into place: a build that fails or is killed leaves the
previous outputs as they were, and no partial files.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import html
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from quizgen import __version__
from quizgen.bank.frozen import frozen
from quizgen.bank.model import Bank
from quizgen.errors import BuildError, UsageError
from quizgen.fsutil import (
    JOURNAL,
    is_special,
    recover_interrupted,
    refuse_overwriting_inputs,
    write_all_atomic,
)
from quizgen.i18n import N_, translator, unreviewed_notice
from quizgen.outputs.timestamps import Epochs, epoch_manifest_path, plan_epochs

if TYPE_CHECKING:  # imported where used: `quizgen anki` needs neither typst nor a process pool
    import gettext
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkServerContext, SpawnContext
    from multiprocessing.process import BaseProcess

    from quizgen.outputs.printing import Paper, PrintOptions

MANIFEST = "manifest.json"
PAPER_NAMES = {"letter": N_("US letter"), "a4": "A4"}  # English in the manifest, translated in README
REFRESH_COMMAND = "SOURCE_DATE_EPOCH=$(date +%s) quizgen build"


@frozen
class Output:
    """One file a build makes: its name, what it is for, and its bytes."""

    bank_id: str
    name: str
    purpose: str
    data: bytes
    detail: str  # "12 pages", "70 notes, 76 cards", ...


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


PdfKind = Literal["quiz", "key", "cards", "fold"]


def _typeset(kind: PdfKind, banks: Sequence[Bank], options: PrintOptions) -> bytes:
    """Runs in a worker process (see `PdfWorkers.typeset`)."""
    from quizgen.outputs import printing

    if kind == "quiz":
        return printing.render_quiz(banks, options)
    if kind == "key":
        return printing.render_answer_key(banks, options)
    return printing.render_flashcards(banks, options, fold=kind == "fold")


class PdfWorkers:
    """Typesets each PDF in a fresh process of its own, one at a time.

    typst keeps its layout caches for the life of a process and offers no way to drop them, so
    a build that typeset every PDF in one process would hold the memory of all of them at once
    (over 20 GB for 20,000 questions). One fresh process per PDF holds only one at a time.

    A plain process and a pipe, not a `concurrent.futures` pool: a pool's own thread can be left
    waiting forever (for a worker it lost track of when Ctrl-C came as the worker started, or
    for the rest of a result whose worker was killed while sending it), and the build then
    never ends, since the interpreter waits for that thread at exit.
    """

    def __init__(self) -> None:
        import multiprocessing
        from multiprocessing import resource_tracker

        # started now, not with the first worker: starting it lets Ctrl-C through again (it
        # unblocks SIGINT when done), which would undo `_ctrl_c_held` around that start
        resource_tracker.ensure_running()
        if "forkserver" in multiprocessing.get_all_start_methods():
            self._context: ForkServerContext | SpawnContext = multiprocessing.get_context("forkserver")
        else:
            self._context = multiprocessing.get_context("spawn")

    def typeset(self, kind: PdfKind, banks: Sequence[Bank], options: PrintOptions) -> bytes:
        """One PDF, typeset in a new worker; its errors (BuildError, ...) are raised here. On
        any way out (Ctrl-C too) the worker has ended: it is killed if it has not."""
        receive, send = self._context.Pipe(duplex=False)
        worker = self._context.Process(
            target=_typeset_in_worker, args=(send, kind, list(banks), options), daemon=True
        )
        try:
            with _ctrl_c_held():
                worker.start()
            send.close()  # the worker's end: its death now ends `recv` with EOFError
            try:
                reply: bytes | BaseException = receive.recv()
            except EOFError:
                worker.join()
                raise BuildError(
                    f"the process typesetting a PDF ended without a result (exit code {worker.exitcode})"
                ) from None
        finally:
            receive.close()
            send.close()
            if worker.pid is not None:
                if worker.is_alive():
                    worker.kill()
                worker.join()
        if isinstance(reply, BaseException):
            raise reply
        return reply


def _typeset_in_worker(send: Connection, kind: PdfKind, banks: Sequence[Bank], options: PrintOptions) -> None:
    """A worker's whole life: the PDF's bytes, or the error that stopped it, sent back."""
    _worker_started()
    reply: bytes | Exception
    try:
        reply = _typeset(kind, banks, options)
    except Exception as e:
        reply = e
    try:
        send.send(reply)
    except BrokenPipeError:  # the build is gone
        return
    except Exception as e:  # an error that cannot be pickled comes back as text
        send.send(BuildError(f"{type(e).__name__}: {e}"))


def _worker_started() -> None:
    """Runs first in each worker: a worker (hundreds of MB) ends with the build that started it.

    Ctrl-C reaches every process of the terminal's group: the build handles it, so workers ignore
    it (until now they hold it, see `_ctrl_c_held`). A thread waits for the build's end and ends
    the worker then, even in the middle of typesetting. The kernel's parent-death signal cannot
    do this: a worker's parent is the fork server, which lives as long as any worker does (each
    holds the server's "alive" pipe).
    """
    import multiprocessing
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    build = multiprocessing.parent_process()
    if build is not None:
        threading.Thread(target=_end_with, args=(build,), name="end-with-build", daemon=True).start()


def _end_with(build: BaseProcess) -> None:
    build.join()  # returns once the build has ended (its end of a pipe to this worker closes)
    os._exit(1)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C (SIGINT) waits until the block ends, then interrupts as usual.

    Starting a worker is not cut in the middle (a worker started but not yet known would be left
    running), and every process started meanwhile (the fork server, and the worker it forks)
    starts with SIGINT held too, so none can be interrupted before it ignores it.

    The mask holds SIGINT for this thread only. Where the process has other threads (a program
    that uses quizgen as a library; the `anki` package's threads in the test suite), the kernel
    hands a Ctrl-C to one of those, and Python would still interrupt this thread with it; so the
    main thread also puts off its Python handler until the block ends.
    """
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    came: list[int] = []
    handler = None
    if threading.current_thread() is threading.main_thread():
        handler = signal.getsignal(signal.SIGINT)
        if callable(handler):
            signal.signal(signal.SIGINT, lambda signum, frame: came.append(signum))
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)  # a Ctrl-C held by the mask comes now
        if callable(handler):
            signal.signal(signal.SIGINT, handler)
            if came:
                signal.raise_signal(signal.SIGINT)  # the Ctrl-C put off, handled as usual


class RenderContext:
    """What every renderer of the table may use: the build's epochs, and PDF workers started on
    first use (a build without PDFs never starts one)."""

    def __init__(
        self,
        epochs: Epochs,
        paper_for: Callable[[Bank], Paper] | None = None,
        meeting_count: int | None = None,
    ) -> None:
        self.epochs = epochs
        self._paper_for = paper_for
        self.meeting_count = meeting_count  # None: each bank's meeting_quiz_count, else 12
        self._pool: PdfWorkers | None = None

    def paper(self, banks: Sequence[Bank]) -> Paper:
        """The paper to print `banks` on (default: the first bank's own `paper:`, else letter)."""
        if self._paper_for is not None:
            return self._paper_for(banks[0])
        return "a4" if banks[0].paper == "a4" else "letter"

    def print_options(
        self, large_print: bool = False, banks: Sequence[Bank] = (), meeting: bool = False
    ) -> PrintOptions:
        from quizgen.outputs.printing import PrintOptions
        from quizgen.study.selection import Selection

        paper: Paper = self.paper(banks) if banks else "letter"
        return PrintOptions(
            timestamp=self.epochs.build,
            large_print=large_print,
            paper=paper,
            meeting=meeting,
            selection=Selection(count=self.meeting_count if meeting else None),
        )

    def pdf(self, kind: PdfKind, banks: Sequence[Bank], options: PrintOptions) -> bytes:
        if self._pool is None:
            self._pool = PdfWorkers()
        return self._pool.typeset(kind, banks, options)


# A renderer: the bytes (or text) of one output of `banks`, and a short detail ("12 pages").
Renderer = Callable[[Sequence[Bank], RenderContext], tuple[bytes | str, str]]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _questions(banks: Sequence[Bank]) -> str:
    return _count(sum(len(b.questions) for b in banks), "question")


def _apkg(banks: Sequence[Bank], ctx: RenderContext) -> tuple[bytes | str, str]:
    from quizgen.outputs.anki import render_apkg

    data = render_apkg(banks, ctx.epochs.build, note_times=ctx.epochs.questions)
    notes, cards = sum(len(b.questions) for b in banks), sum(b.card_count() for b in banks)
    return data, f"{notes} notes, {cards} cards"


def _pdf(kind: PdfKind, large_print: bool = False) -> Renderer:
    def render(banks: Sequence[Bank], ctx: RenderContext) -> tuple[bytes | str, str]:
        options = ctx.print_options(large_print, banks)
        data = ctx.pdf(kind, banks, options)
        return data, f"{_count(_pdf_pages(data), 'page')}, {PAPER_NAMES[options.paper]}"

    return render


def _meeting_pdf(kind: PdfKind) -> Renderer:
    def render(banks: Sequence[Bank], ctx: RenderContext) -> tuple[bytes | str, str]:
        options = ctx.print_options(banks=banks, meeting=True)
        data = ctx.pdf(kind, banks, options)
        from quizgen.outputs.printing import pick_questions

        questions = _count(len(pick_questions(banks, options)), "question")
        return data, f"{questions}, {_count(_pdf_pages(data), 'page')}, {PAPER_NAMES[options.paper]}"

    return render


def _handout(banks: Sequence[Bank], ctx: RenderContext) -> tuple[bytes | str, str]:
    from quizgen.outputs.handout import render_handout_html

    return render_handout_html(banks, ctx.print_options(banks=banks)), _questions(banks)


def _web(banks: Sequence[Bank], ctx: RenderContext) -> tuple[bytes | str, str]:
    from quizgen.outputs.web import render_web_page

    return render_web_page(banks, banks[0].language if banks else "en"), _questions(banks)


def _json(banks: Sequence[Bank], ctx: RenderContext) -> tuple[bytes | str, str]:
    from quizgen.outputs.export import export_json

    return export_json(banks), _questions(banks)


@frozen
class OutputKind:
    """One row of the build: the end of the file name (after the bank id), what the file is
    for, and how it is rendered."""

    suffix: str
    purpose: str
    render: Renderer


# Every output of a bank, in build order: a new output is one more row.
OUTPUTS: tuple[OutputKind, ...] = (
    OutputKind(".apkg", N_("Anki deck: open it with Anki (File > Import), AnkiDroid or AnkiMobile"), _apkg),
    OutputKind("-quiz.pdf", N_("printable quiz to hand out"), _pdf("quiz")),
    OutputKind(
        "-answer-key.pdf", N_("answer key for the quiz, with explanations (for the facilitator)"), _pdf("key")
    ),
    OutputKind(
        "-quiz-large-print.pdf", N_("the same quiz in large print (18 pt, sans-serif)"), _pdf("quiz", True)
    ),
    OutputKind("-answer-key-large-print.pdf", N_("answer key for the large-print quiz"), _pdf("key", True)),
    OutputKind(
        "-flashcards.pdf",
        N_("cut-out flashcards: print double-sided, flip on the long edge, cut"),
        _pdf("cards"),
    ),
    OutputKind(
        "-flashcards-fold.pdf",
        N_("cut-out flashcards for printers without duplex: fold each card"),
        _pdf("fold"),
    ),
    OutputKind(
        "-meeting-quiz.pdf",
        N_(
            "a short quiz for one support-group meeting: one question per fact, from every section, "
            "on two pages"
        ),
        _meeting_pdf("quiz"),
    ),
    OutputKind(
        "-meeting-answer-key.pdf",
        N_("answer key for the meeting quiz (for the facilitator)"),
        _meeting_pdf("key"),
    ),
    OutputKind(
        "-handout.html", N_("the quiz as a web page (a browser can print it or read it aloud)"), _handout
    ),
    OutputKind(
        "-quiz.html",
        N_("the quiz in one offline web page: study on a phone, or present it to a group (add #present)"),
        _web,
    ),
    OutputKind(".json", N_("the bank as JSON, for other tools"), _json),
)
ANKI = OUTPUTS[0]


def planned_outputs(banks: Sequence[Bank]) -> list[tuple[str, str]]:
    """(file name, purpose) of every output, in build order."""
    return [(f"{bank.id}{kind.suffix}", kind.purpose) for bank in banks for kind in OUTPUTS]


def folder_file_names(banks: Sequence[Bank], epoch_manifest: str) -> list[str]:
    """Every file a build writes into its folder; BuildError when two would share a name."""
    owners: dict[str, str] = {}
    for own in (MANIFEST, "README.md", epoch_manifest, JOURNAL):
        owners[own.casefold()] = f"the build's own {own}"
    names: list[str] = []
    for bank in banks:
        for kind in OUTPUTS:
            name = f"{bank.id}{kind.suffix}"
            other = owners.setdefault(name.casefold(), f"bank '{bank.id}'")
            if other != f"bank '{bank.id}'":
                raise BuildError(
                    f"bank '{bank.id}' would write {name}, which is also {other}; give the bank another id"
                )
            names.append(name)
    return [*names, MANIFEST, "README.md", epoch_manifest]


def check_build_folder(folder: Path) -> None:
    """UsageError unless `folder` is missing, empty, or holds the manifest of an earlier build:
    a build replaces files by name, so it writes only where every file is its own."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    if not any(folder.iterdir()):
        return
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if isinstance(manifest, dict) and "quizgen" in manifest and isinstance(manifest.get("files"), dict):
            return
    except (OSError, ValueError):
        pass
    raise UsageError(
        f"{folder} holds files that quizgen did not make (it has no {MANIFEST} of a quizgen build); "
        "build into an empty or new folder, or one an earlier build made"
    )


def _prepare_folder(
    folder: Path, names: Sequence[str], inputs: Sequence[Path], say: Callable[[str], None] | None
) -> None:
    """Before anything renders: no output over an input, and a write into `folder` that was
    killed is finished (or its temporaries removed) first, and said."""
    refuse_overwriting_inputs([folder / n for n in names], inputs)
    if folder.is_dir():
        message = recover_interrupted(folder, names)
        if message is not None and say is not None:
            say(message)


class OutputReuse:
    """The outputs an earlier build left in the folder that a build need not render again.

    An output is kept when the key of its inputs is the one recorded when it was written (in the
    user's cache folder, see `bankcache.read_build_record`) and its file still has the SHA-256
    and size the folder's manifest gives. The key covers quizgen's code (its version and files),
    the bytes of the bank's files and of its article text (and of the original's, for a
    translation), the output, the paper, the meeting quiz's length, the build's epoch and, for
    the deck, each note's epoch. Without a cache folder nothing is kept.
    """

    def __init__(self, out_dir: Path, banks: Sequence[Bank]) -> None:
        from quizgen.bank import bankcache

        self.out_dir = out_dir
        self.banks = banks
        self.record = bankcache.read_build_record(out_dir) if out_dir.is_dir() else {}
        self.files: dict[str, object] = {}
        if self.record:
            with contextlib.suppress(OSError, ValueError):
                manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
                if isinstance(manifest, dict) and isinstance(manifest.get("files"), dict):
                    self.files = manifest["files"]
        self.keys: dict[str, str] = {}
        self.kept_names: list[str] = []
        self._bank_digests: dict[str, str | None] = {}

    def _bank_digest(self, bank: Bank, depth: int = 0) -> str | None:
        """A digest of everything the bank is read from; None when that cannot be told."""
        if bank.id in self._bank_digests:
            return self._bank_digests[bank.id]
        from quizgen.bank.bankcache import file_digest

        h = hashlib.sha256()
        digest: str | None = None
        parts = [Path(f) for f in bank.files]
        if bank.article.text_path is not None and bank.root is not None:
            parts.append(bank.root / bank.article.text_path)
        for part in parts:
            h.update(f"\0{part}\0{file_digest(part)}".encode())
        if bank.files:
            digest = h.hexdigest()
        if bank.translates is not None:  # a translation shows its original's option order
            original = next((b for b in self.banks if b.id == bank.translates), None)
            theirs = self._bank_digest(original, depth + 1) if original is not None and depth < 4 else None
            digest = None if theirs is None or digest is None else f"{digest}:{theirs}"
        self._bank_digests[bank.id] = digest
        return digest

    def key(self, bank: Bank, kind: OutputKind, ctx: RenderContext) -> str | None:
        from quizgen.bank.bankcache import code_stamp

        digest = self._bank_digest(bank)
        if digest is None:
            return None
        notes = [(q.id, ctx.epochs.questions.get(q.id)) for q in bank.questions] if kind is ANKI else []
        what = [
            code_stamp(),
            digest,
            kind.suffix,
            ctx.paper([bank]),
            ctx.meeting_count,
            ctx.epochs.build,
            notes,
        ]
        return hashlib.sha256(json.dumps(what).encode()).hexdigest()

    def kept(self, bank: Bank, kind: OutputKind, ctx: RenderContext) -> Output | None:
        """The output as the folder holds it, when it need not be rendered again."""
        name = f"{bank.id}{kind.suffix}"
        key = self.key(bank, kind, ctx)
        if key is None:
            return None
        self.keys[name] = key
        entry = self.files.get(name)
        if self.record.get(name) != key or not isinstance(entry, dict):
            return None
        try:
            data = (self.out_dir / name).read_bytes()
        except OSError:
            return None
        if len(data) != entry.get("bytes") or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            return None
        return Output(bank.id, name, kind.purpose, data, str(entry.get("detail", "")))


def render_outputs(
    banks: Sequence[Bank],
    epochs: Epochs,
    on_output: Callable[[str], None] | None = None,
    paper_for: Callable[[Bank], Paper] | None = None,
    meeting_count: int | None = None,
    reuse: OutputReuse | None = None,
) -> list[Output]:
    """Render every output of every bank in memory (no file is written).

    `paper_for` chooses each bank's paper (default: the bank's own `paper:`, else letter);
    `meeting_count` the length of the meeting quiz (default: each bank's own, else 12);
    `reuse` gives the outputs an earlier build left that need no rendering (taken as they are).
    """
    outputs: list[Output] = []
    ctx = RenderContext(epochs, paper_for, meeting_count)
    for bank in banks:
        for kind in OUTPUTS:
            kept = reuse.kept(bank, kind, ctx) if reuse is not None else None
            if kept is not None:
                reuse.kept_names.append(kept.name)  # type: ignore[union-attr]
                outputs.append(kept)
                if on_output is not None:
                    on_output(kept.name)
                continue
            data, detail = kind.render([bank], ctx)
            payload = data.encode("utf-8") if isinstance(data, str) else data
            name = f"{bank.id}{kind.suffix}"
            outputs.append(Output(bank.id, name, kind.purpose, payload, detail))
            if on_output is not None:
                on_output(name)
    return outputs


def write_with_epochs(
    banks: Sequence[Bank],
    epoch_manifest: Path,
    render: Callable[[Epochs], dict[Path, bytes | str]],
    remember: bool = True,
) -> Epochs:
    """The sequence every building command follows: plan the times, render, add the time
    manifest (unless told not to `remember`), write every file at once (nothing is written
    when rendering fails)."""
    epochs, manifest_text = plan_epochs(banks, epoch_manifest)
    files = render(epochs)
    if manifest_text is not None and remember:  # remembered only once the outputs are written
        files[epoch_manifest] = manifest_text
    write_all_atomic(files)
    return epochs


def build_deck(
    banks: Sequence[Bank],
    output: Path,
    inputs: Sequence[Path] = (),
    say: Callable[[str], None] | None = None,
) -> Output:
    """`quizgen anki`: one deck of all `banks` in `output`, its times remembered beside it
    (not beside a device or FIFO, which is written in place). `inputs` are the bank files,
    never written over; `say` hears of an interrupted write finished first."""
    rendered: list[Output] = []
    epoch_manifest = epoch_manifest_path(output)
    special = is_special(output)
    if special:
        refuse_overwriting_inputs([output], inputs)
    else:
        _prepare_folder(output.parent, [output.name, epoch_manifest.name], inputs, say)

    def render(epochs: Epochs) -> dict[Path, bytes | str]:
        ctx = RenderContext(epochs)
        data, detail = ANKI.render(banks, ctx)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        rendered.append(Output("", output.name, ANKI.purpose, payload, detail))
        return {output: payload}

    # Making a big deck makes many objects (notes, rows) and no cycles among them: the cyclic
    # collector would only walk them, and the banks, again and again (a fifth of the work).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        write_with_epochs(banks, epoch_manifest, render, remember=not special)
    finally:
        if gc_was_enabled:
            gc.enable()
    return rendered[0]


@frozen
class BuildResult:
    outputs: list[Output]
    epoch: int
    kept: tuple[str, ...] = ()  # outputs not rendered again: their inputs had not changed


def build_all(
    banks: Sequence[Bank],
    out_dir: Path,
    on_output: Callable[[str], None] | None = None,
    paper_for: Callable[[Bank], Paper] | None = None,
    inputs: Sequence[Path] = (),
    say: Callable[[str], None] | None = None,
    meeting_count: int | None = None,
) -> BuildResult:
    """`quizgen build`: every output of every bank in `out_dir`, with the manifest and README.

    `out_dir` must be missing, empty or an earlier build's; no output may be one of `inputs`
    (the bank files); `say` hears of an interrupted write that is finished first.
    """
    epoch_manifest = epoch_manifest_path(out_dir / MANIFEST)
    names = folder_file_names(banks, epoch_manifest.name)  # refuses two outputs of one name
    _prepare_folder(out_dir, names, inputs, say)
    check_build_folder(out_dir)
    outputs: list[Output] = []
    reuse = OutputReuse(out_dir, banks)
    from quizgen.bank import bankcache

    def render(epochs: Epochs) -> dict[Path, bytes | str]:
        outputs.extend(render_outputs(banks, epochs, on_output, paper_for, meeting_count, reuse))
        files: dict[Path, bytes | str] = {out_dir / o.name: o.data for o in outputs}
        files[out_dir / MANIFEST] = manifest_json(outputs, epochs.build, epochs.banks_fingerprint)
        files[out_dir / "README.md"] = readme_md(banks, outputs)
        # a file that already holds these bytes is not written again (a kept output was checked
        # against the manifest's digest when it was kept)
        kept = set(reuse.kept_names)
        return {p: data for p, data in files.items() if p.name not in kept and not _holds(p, data)}

    bankcache.forget_build_record(out_dir)  # until the files are written, nothing is known of them
    epochs = write_with_epochs(banks, epoch_manifest, render)
    bankcache.write_build_record(out_dir, reuse.keys)
    return BuildResult(outputs, epochs.build, tuple(reuse.kept_names))


def _holds(path: Path, data: bytes | str) -> bool:
    """Whether the regular file `path` holds exactly `data`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if not path.is_file() or path.stat().st_size != len(payload):
            return False
        return path.read_bytes() == payload
    except OSError:
        return False


def manifest_json(outputs: Sequence[Output], epoch: int, fingerprint: str) -> str:
    """What the build wrote and the SOURCE_DATE_EPOCH that reproduces it."""
    doc = {
        "quizgen": __version__,
        "source_date_epoch": epoch,
        "banks_fingerprint": fingerprint,
        "refresh": REFRESH_COMMAND,
        "files": {
            o.name: {"sha256": hashlib.sha256(o.data).hexdigest(), "bytes": len(o.data), "detail": o.detail}
            for o in outputs
        },
    }
    return json.dumps(doc, indent=2) + "\n"


# What makes Markdown (GitHub's too) out of text placed inside a line: the rest is literal there.
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_\[\]#|~])")


def markdown_text(text: str) -> str:
    """Bank text as literal Markdown: no HTML, no emphasis, links, headings or table cells."""
    one_line = " ".join(text.split())
    return _MARKDOWN_SPECIAL_RE.sub(r"\\\1", html.escape(one_line, quote=False))


# What output/README.md says beyond the table of files, per language: (heading, paragraphs), each
# paragraph one catalog message (wrapped when written); a bullet starts with "- ".
_README_GUIDE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        N_("Printing"),
        (
            N_('- Print the PDFs at 100% ("actual size"), not "fit to page".'),
            N_("- The answer key is a separate file, so the quiz can be handed out without it."),
            N_(
                "- Flashcards (`*-flashcards.pdf`): print double-sided, flipping on the long edge, then "
                "cut along the lines. If the backs come out shifted, `quizgen print --flashcards "
                "--back-offset-mm X,Y` makes a copy that corrects it. No duplex printer? Use "
                "`*-flashcards-fold.pdf` and fold each card."
            ),
        ),
    ),
    (
        N_("The web page"),
        (
            N_(
                "`*-quiz.html` is the whole quiz in one file that needs no network: open it in any "
                "browser, on a phone or a computer, to study one question at a time, or add `#present` to"
                " its address to show it to a group on a shared screen. To publish it, put that one file "
                "on any static web host (your group's website, GitHub Pages, a shared folder with a web "
                "link) and share its address; you can also send the file itself by e-mail or chat. Give "
                "that address as `publish_url` in `bank.yaml`, and the printed quiz, answer key and "
                "handout show it as text and as a QR code, so people can go from paper to the page with a"
                " phone's camera."
            ),
        ),
    ),
    (
        N_("Importing the deck"),
        (
            N_(
                "Open the `.apkg` file with Anki (desktop: File > Import), AnkiDroid or AnkiMobile. "
                "Importing a newer build updates your cards in place and keeps your review history. "
                "Subdecks are numbered in article order; if you imported a deck from before they were "
                "numbered, rename each old subdeck to its numbered name before importing (the quizgen "
                "README explains why)."
            ),
        ),
    ),
)
_README_WIDTH = 100
_DETAIL_PIECE_RE = re.compile(r"(\d+) (note|card|page|question)s?")


def _readme_detail(detail: str, t: gettext.NullTranslations) -> str:
    """An output's detail ("15 pages, US letter", made in English for the manifest) in a language."""

    def piece(text: str) -> str:
        counted: str
        m = _DETAIL_PIECE_RE.fullmatch(text)
        if m is None:
            return t.gettext(text) if text in PAPER_NAMES.values() else text
        n, word = int(m.group(1)), m.group(2)
        if word == "note":
            counted = t.npgettext("size of an output", "{count} note", "{count} notes", n)
        elif word == "card":
            counted = t.npgettext("size of an output", "{count} card", "{count} cards", n)
        elif word == "page":
            counted = t.npgettext("size of an output", "{count} page", "{count} pages", n)
        else:
            counted = t.npgettext("size of an output", "{count} question", "{count} questions", n)
        return counted.format(count=n)

    return ", ".join(piece(p) for p in detail.split(", "))


def _heading_anchor(text: str, taken: dict[str, int]) -> str:
    """The anchor GitHub gives a heading: lower case, no punctuation, spaces as hyphens, and -1, -2
    after a repeat."""
    slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
    count = taken.get(slug, 0)
    taken[slug] = count + 1
    return slug if count == 0 else f"{slug}-{count}"


def _readme_part(language: str, banks: Sequence[Bank], outputs: Sequence[Output]) -> list[str]:
    """One language's whole part of output/README.md: its banks' files, then how to print, publish
    and import, all in that language."""
    import textwrap  # here, not at the top: only `build` writes the README, and `anki` need not pay for it

    t = translator(language)
    _ = t.gettext
    lines = ["# " + _("quizgen outputs"), ""]
    lines += [
        _("These files are made by `quizgen build` from the question banks; do not edit them by hand."),
        "",
    ]
    for bank in banks:
        title, article = markdown_text(bank.title), markdown_text(bank.article.title)
        origin = _("From the article {article}.").format(article=f"*{article}*")
        lines += [f"## {title}", "", f"{origin} {markdown_text(bank.disclaimer)}", ""]
        notice = unreviewed_notice(bank, bank.language)
        if notice is not None:
            lines += [f"**{markdown_text(notice)}**", ""]
        # the words are marked outside an f-string: Babel does not look inside one
        lines += ["| " + " | ".join([_("file"), _("what it is for"), _("size")]) + " |", "|---|---|---|"]
        lines += [
            f"| `{o.name}` | {_(o.purpose)} | {_readme_detail(o.detail, t)} |"
            for o in outputs
            if o.bank_id == bank.id
        ]
        lines.append("")
    for heading, paragraphs in _README_GUIDE:
        lines += [f"## {_(heading)}", ""]
        for paragraph in paragraphs:
            text = _(paragraph)
            indent = "  " if text.startswith("- ") else ""
            lines += textwrap.wrap(
                text, _README_WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
            )
        lines.append("")
    lines += textwrap.wrap(
        _("`manifest.json` records the SOURCE_DATE_EPOCH that reproduces these files byte for byte.")
        + " "
        + _("After a bank changes, refresh them with `{command}` and commit the result.").format(
            command=REFRESH_COMMAND
        ),
        _README_WIDTH,
        break_long_words=False,
        break_on_hyphens=False,
    )
    lines.append("")
    return lines


def readme_md(banks: Sequence[Bank], outputs: Sequence[Output]) -> str:
    """output/README.md: what each file is for, and how to print, publish or import it.

    One part per language of the banks (in the banks' order), each whole in its language, so a
    facilitator who reads one language finds all of it in one place; under the first part's
    opening lines, each other part is named in its own language with a link to it."""
    languages = list(dict.fromkeys(b.language for b in banks)) or ["en"]
    parts = [_readme_part(lang, [b for b in banks if b.language == lang], outputs) for lang in languages]
    taken: dict[str, int] = {}
    anchors: list[str] = []
    for part in parts:
        headings = [line.lstrip("#").strip() for line in part if line.startswith("#")]
        anchors.append(_heading_anchor(headings[0], taken))
        for heading in headings[1:]:
            _heading_anchor(heading, taken)
    pointers: list[str] = []
    for lang, part, anchor in zip(languages[1:], parts[1:], anchors[1:], strict=True):
        _ = translator(lang).gettext
        link = f"[{part[0].lstrip('#').strip()}](#{anchor})"
        pointer = _("This guide in English: {link}, further down.").format(link=link)
        pointers += [f"**{pointer}**", ""]
    first = parts[0]
    lines = [*first[:4], *pointers, *first[4:]]
    for part in parts[1:]:
        lines += part
    return "\n".join(lines)
