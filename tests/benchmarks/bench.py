"""Benchmark quizgen against its floors, on synthetic banks of 2,000 and 20,000 questions.

    python tests/benchmarks/bench.py [--runs 5] [--only peer] [--ankdown PATH]

The peer rows build the same flashcards (a front, a back, a tag) with ankdown, a Markdown-to-Anki
tool, installed for the benchmark only, in a venv of its own (it is not a test dependency):

    python3 -m venv /tmp/ankdown-venv && /tmp/ankdown-venv/bin/pip install ankdown==0.7.1
    python tests/benchmarks/bench.py --only peer --ankdown /tmp/ankdown-venv/bin/ankdown

(ankdown 0.7.1 from 2019 installs and runs on Python 3.11 as it is: no pin or shim is needed.)
Without ankdown the peer rows are skipped with a message.

Every measurement is a whole command in a fresh process (as a user runs it), repeated and
interleaved with its floor (A, B, A, B, ...) so that drift on a shared machine hits both alike;
the table shows medians. Start-up is measured with compiled bytecode (the package is compiled
first), as users have it. Not a test: pytest does not collect this file.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import write_bank, write_flashcards  # noqa: E402

PY = sys.executable
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
# The rows against floors measure the work itself: no cache of validated banks (a repeated run
# would be served by it). The cache rows and the peer rows turn it on explicitly.
ENV["QUIZGEN_NO_CACHE"] = "1"
CACHED_ENV = {k: v for k, v in ENV.items() if k != "QUIZGEN_NO_CACHE"}
ANKDOWN_INSTALL = (
    "python3 -m venv /tmp/ankdown-venv && /tmp/ankdown-venv/bin/pip install ankdown==0.7.1, "
    "then pass --ankdown /tmp/ankdown-venv/bin/ankdown"
)

FLOOR_READ = """
import sys, yaml
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        yaml.load(f.read(), Loader=yaml.CSafeLoader)
"""

FLOOR_GENANKI = """
import sys
sys.path.insert(0, {here!r})
import genanki
from synth import question
count, out = int(sys.argv[1]), sys.argv[2]
model = genanki.Model(1607392319, "Simple", fields=[{{"name": "Front"}}, {{"name": "Back"}}],
    templates=[{{"name": "Card 1", "qfmt": "{{{{Front}}}}", "afmt": "{{{{FrontSide}}}}<hr>{{{{Back}}}}"}}])
deck = genanki.Deck(2059400110, "Synthetic")
for i in range(count):
    q = question(i)
    front = str(q.get("prompt") or q.get("text") or q.get("front"))
    deck.add_note(genanki.Note(model=model, fields=[front, str(q["explanation"])]))
genanki.Package(deck).write_to_file(out, timestamp=1700000000)
"""


def run(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        args, cwd=cwd, env=env or ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    return time.perf_counter() - start


def paired(a: Callable[[], float], b: Callable[[], float], runs: int) -> tuple[float, float]:
    """Medians of a and b, measured alternately."""
    xs, ys = [], []
    for _ in range(runs):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def median_of(f: Callable[[], float], runs: int) -> float:
    return statistics.median(f() for _ in range(runs))


def quizgen_cmd() -> list[str]:
    script = Path(PY).with_name("quizgen")
    return [str(script)] if script.exists() else [PY, "-m", "quizgen"]


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0]) if "VmRSS:" in status else 0
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def peak_rss_mb(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Peak resident memory of a command with every process it starts (sampled every 10 ms,
    summed over the process tree), in MB, and its wall time in seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.01)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args)
    return peak / 1024, time.perf_counter() - start


@dataclass
class Row:
    what: str
    value: str
    floor: str = ""
    ratio: str = ""
    target: str = ""
    ok: str = ""


def verdict(ratio: float, target: float) -> str:
    return "yes" if ratio <= target else "NO"


def peer_rows(
    rows: list[Row],
    ankdown: str | None,
    qg: list[str],
    work: Path,
    banks: Path,
    runs_for: Callable[[int], int],
) -> None:
    """Time and peak memory of `quizgen anki` against `ankdown -r DIR -p FILE` on the same cards,
    interleaved, medians; quizgen runs cold (an empty cache folder each run)."""
    if not ankdown or not Path(ankdown).exists():
        print(f"peer rows skipped: ankdown not found. Install it for the benchmark only: {ANKDOWN_INSTALL}")
        return
    for n in (2000, 20000):
        qdir, mdir = banks / f"cards{n}", banks / f"cards{n}-md"
        if not (qdir / "bank.yaml").exists():
            write_flashcards(qdir, mdir, n)
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        for i in range(runs_for(n)):
            cold = {**CACHED_ENV, "QUIZGEN_CACHE_DIR": str(work / f"cold-cache-{n}-{i}")}
            ours.append(peak_rss_mb([*qg, "anki", str(qdir), "-o", str(work / f"cards{n}.apkg")], cold))
            theirs.append(peak_rss_mb([ankdown, "-r", str(mdir), "-p", str(work / f"ankdown{n}.apkg")]))
        q_mb, q_s = (statistics.median(x) for x in zip(*ours, strict=True))
        a_mb, a_s = (statistics.median(x) for x in zip(*theirs, strict=True))
        rows.append(
            Row(
                f"peer {n:,} flashcards: time",
                f"{q_s:.2f} s",
                f"{a_s:.2f} s (ankdown 0.7.1)",
                f"{q_s / a_s:.2f}",
                "<= 1.0",
                verdict(q_s / a_s, 1.0),
            )
        )
        rows.append(
            Row(
                f"peer {n:,} flashcards: peak memory",
                f"{q_mb:.0f} MB",
                f"{a_mb:.0f} MB (ankdown 0.7.1)",
                f"{q_mb / a_mb:.2f}",
                "<= 1.5",
                verdict(q_mb / a_mb, 1.5),
            )
        )


def first_question(args: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the terminal quiz to its first question on screen."""
    start = time.perf_counter()
    pipe = subprocess.PIPE
    proc = subprocess.Popen(args, env=env, stdin=pipe, stdout=pipe, stderr=pipe)
    assert proc.stdout is not None
    seen = b""
    while b"Question 1" not in seen:
        chunk = proc.stdout.read1(4096)  # type: ignore[attr-defined]
        if not chunk:
            raise RuntimeError(f"the quiz ended before its first question: {seen[-300:]!r}")
        seen += chunk
    elapsed = time.perf_counter() - start
    proc.kill()
    proc.communicate()
    return elapsed


# The code the issue about speed (17) measured its cold runs with: main before the cache of
# validated banks or any other work for that issue. The benchmark takes it from git history.
BEFORE_CACHE = "4379bfd"
REPO = HERE.parent.parent


def code_before_cache(work: Path) -> dict[str, str] | None:
    """An environment that runs the quizgen of BEFORE_CACHE (extracted from this checkout's git
    history into `work`, bytecode compiled); None, with a message, when the history lacks it."""
    target = work / "before-cache"
    if not (target / "quizgen").is_dir():
        try:
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", BEFORE_CACHE, "quizgen"],
                check=True,
                capture_output=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            print(
                f"the cold-run row against the code before the cache skipped: commit {BEFORE_CACHE} "
                "is not in this checkout's history (a shallow clone? `git fetch --unshallow`)"
            )
            return None
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        subprocess.run([PY, "-m", "compileall", "-q", str(target / "quizgen")], check=True, env=ENV)
    env = {**ENV, "PYTHONPATH": str(target)}
    which = [PY, "-c", "import quizgen; print(quizgen.__file__)"]
    where = subprocess.run(which, env=env, check=True, capture_output=True, text=True).stdout.strip()
    if not Path(where).resolve().is_relative_to(target.resolve()):
        raise RuntimeError(f"the code before the cache did not run: quizgen came from {where}")
    return env


def cache_rows(rows: list[Row], qg: list[str], work: Path, runs: int) -> None:
    """The shipped bank, unchanged since the last run: `build`, the quiz's first question and
    `validate`, each served by the cache, against `--help` (start-up) or the same run without it."""
    cache = work / "cache"
    warm = {**CACHED_ENV, "QUIZGEN_CACHE_DIR": str(cache), "QUIZGEN_DATA_DIR": str(work / "data")}
    off = {**warm, "QUIZGEN_NO_CACHE": "1"}
    out = work / "shipped-build"
    build = [*qg, "build", "--out", str(out), "--quiet"]
    cold_build = run(build, env=warm)  # the first build fills the cache and the folder
    built = run(build, env=warm)
    help_t = median_of(lambda: run([*qg, "--help"]), runs)
    nothing = median_of(lambda: run(build, env=warm), max(runs, 5))
    rows.append(
        Row(
            "build, shipped bank, nothing changed",
            f"{nothing:.2f} s",
            f"{cold_build:.2f} s (first build; second {built:.2f} s)",
            "",
            "<= 0.2 s",
            "yes" if nothing <= 0.2 else "NO",
        )
    )
    quiz = [*qg, "quiz", "--count", "1"]
    q_t, h_t = paired(lambda: first_question(quiz, warm), lambda: run([*qg, "--help"]), max(runs, 9))
    rows.append(
        Row(
            "quiz to its first question (cached)",
            f"{q_t * 1000:.0f} ms",
            f"{h_t * 1000:.0f} ms (quizgen --help)",
            f"{q_t / h_t:.2f}",
            "<= 1.5",
            verdict(q_t / h_t, 1.5),
        )
    )
    q_off = median_of(lambda: first_question(quiz, off), runs)
    rows.append(Row("quiz to its first question (no cache)", f"{q_off * 1000:.0f} ms", "", "", "report"))
    del help_t

    # A cold run (an empty cache, filled by the run). The target: no slower than the run it
    # measured, made by the code before the cache (BEFORE_CACHE), on the same cards. Beside it, the
    # cache's own cost: the same run with the cache off, and that run against itself (two runs of
    # the same work: their ratio is the noise of this comparison).
    cards = work / "cards20000"
    if not (cards / "bank.yaml").exists():
        write_flashcards(cards, work / "cards20000-md", 20000)
    deck = str(work / "cold.apkg")
    anki_cards = [*qg, "anki", str(cards), "-o", deck]
    then = code_before_cache(work)
    counter = iter(range(1000))
    cold_runs: list[float] = []
    off_runs: list[float] = []
    off_again: list[float] = []
    then_runs: list[float] = []
    for _ in range(max(3, runs // 2)):
        cold_runs.append(run(anki_cards, env={**warm, "QUIZGEN_CACHE_DIR": str(cache / str(next(counter)))}))
        off_runs.append(run(anki_cards, env=off))
        if then is not None:
            then_runs.append(run([PY, "-m", "quizgen", "anki", str(cards), "-o", deck], env=then))
        off_again.append(run(anki_cards, env=off))
    cold_t, off_t, off2_t = (statistics.median(x) for x in (cold_runs, off_runs, off_again))
    if then_runs:
        then_t = statistics.median(then_runs)
        rows.append(
            Row(
                "cold run: anki 20,000 flashcards, empty cache",
                f"{cold_t:.2f} s",
                f"{then_t:.2f} s (before the cache, {BEFORE_CACHE[:7]})",
                f"{cold_t / then_t:.2f}",
                "<= 1.0",
                verdict(cold_t / then_t, 1.0),
            )
        )
    cost = cold_t - off_t
    rows.append(
        Row(
            "cold run: the cache's cost (empty vs off)",
            f"{cost * 1000:+.0f} ms ({cost / off_t:+.1%})",
            f"{off_t:.2f} s (cache off)",
            f"{cold_t / off_t:.2f}",
            "report",
        )
    )
    rows.append(
        Row(
            "cold run: cache off against itself (noise)",
            f"{off2_t:.2f} s",
            f"{off_t:.2f} s (cache off)",
            f"{off2_t / off_t:.2f}",
            "report",
        )
    )
    warm_t = median_of(
        lambda: run(
            [*qg, "anki", str(cards), "-o", deck], env={**warm, "QUIZGEN_CACHE_DIR": str(cache / "0")}
        ),
        3,
    )
    rows.append(Row("warm run: anki 20,000 flashcards, bank cached", f"{warm_t:.2f} s", "", "", "report"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each fast measurement")
    parser.add_argument("--slow-runs", type=int, default=3, help="repetitions of the 20,000 measurements")
    parser.add_argument("--keep", type=Path, help="keep the synthetic banks in this folder")
    parser.add_argument(
        "--only",
        choices=["startup", "validate", "anki", "print", "web", "build", "peer", "cache"],
        action="append",
        help="run only these measurements (repeatable; growth rows need both sizes of a command)",
    )
    parser.add_argument(
        "--ankdown",
        default=shutil.which("ankdown"),
        help="the ankdown command for the peer rows (default: ankdown on PATH)",
    )
    args = parser.parse_args()

    import quizgen  # fails early when quizgen is not installed

    work = Path(tempfile.mkdtemp(prefix="quizgen-bench-"))
    banks = args.keep or work
    sizes = (2000, 20000)
    needs_banks = not args.only or bool(set(args.only) & {"validate", "anki", "print", "web", "build"})
    for n in sizes if needs_banks else ():
        if not (banks / f"b{n}" / "bank.yaml").exists():
            write_bank(banks / f"b{n}", n)
    files = {n: sorted(str(p) for p in (banks / f"b{n}").glob("*.yaml")) for n in sizes}
    mb = sum(os.path.getsize(f) for f in files[20000]) / 1e6

    # bytecode as users have it
    pkg = Path(quizgen.__file__).parent
    subprocess.run([PY, "-m", "compileall", "-q", str(pkg)], check=True, env=ENV)
    qg = quizgen_cmd()
    rows: list[Row] = []
    times: dict[tuple[str, int], float] = {}

    def wanted(step: str) -> bool:
        return not args.only or step in args.only

    def runs_for(n: int) -> int:
        return args.runs if n == 2000 else args.slow_runs

    # 1. start-up
    if wanted("startup"):
        help_t, click_t = paired(lambda: run([*qg, "--help"]), lambda: run([PY, "-c", "import click"]), 15)
        r = help_t / click_t
        rows.append(
            Row(
                "start-up: quizgen --help",
                f"{help_t * 1000:.0f} ms",
                f"{click_t * 1000:.0f} ms (import click)",
                f"{r:.2f}",
                "<= 1.3",
                verdict(r, 1.3),
            )
        )

    # 2. validate, against reading the same files with the C loader
    if wanted("validate") or wanted("anki"):
        for n in sizes:
            times[("validate", n)], times[("read", n)] = paired(
                lambda n=n: run([*qg, "validate", str(banks / f"b{n}")]),  # type: ignore[misc]
                lambda n=n: run([PY, "-c", FLOOR_READ, *files[n]]),  # type: ignore[misc]
                runs_for(n),
            )
        r = times[("validate", 20000)] / times[("read", 20000)]
        rows.append(
            Row(
                f"validate 20,000 ({mb:.1f} MB YAML)",
                f"{times[('validate', 20000)]:.2f} s",
                f"{times[('read', 20000)]:.2f} s (yaml.load, CSafeLoader)",
                f"{r:.2f}",
                "<= 1.2",
                verdict(r, 1.2),
            )
        )

    # 3. Anki deck, against reading plus a bare genanki script writing the same notes
    if wanted("anki"):
        for n in sizes:
            out = work / f"deck{n}.apkg"
            times[("anki", n)], times[("genanki", n)] = paired(
                lambda n=n, out=out: run([*qg, "anki", str(banks / f"b{n}"), "-o", str(out)]),  # type: ignore[misc]
                lambda n=n: run(  # type: ignore[misc]
                    [PY, "-c", FLOOR_GENANKI.format(here=str(HERE)), str(n), str(work / f"bare{n}.apkg")]
                ),
                runs_for(n),
            )
        floor = times[("read", 20000)] + times[("genanki", 20000)]
        r = times[("anki", 20000)] / floor
        rows.append(
            Row(
                "anki deck 20,000 (YAML to .apkg)",
                f"{times[('anki', 20000)]:.2f} s",
                f"{floor:.2f} s (read {times[('read', 20000)]:.2f}"
                f" + genanki {times[('genanki', 20000)]:.2f})",
                f"{r:.2f}",
                "<= 1.3",
                verdict(r, 1.3),
            )
        )

    # 4. print quiz and key
    if wanted("print"):
        for n in sizes:
            quiz, key = work / f"quiz{n}.pdf", work / f"key{n}.pdf"
            times[("print", n)] = median_of(
                lambda n=n, quiz=quiz, key=key: (
                    run([*qg, "print", str(banks / f"b{n}"), "-o", str(quiz)])  # type: ignore[misc]
                    + run([*qg, "print", str(banks / f"b{n}"), "--answer-key", "-o", str(key)])
                ),
                runs_for(n),
            )
            times[("pages", n)] = pdf_pages(quiz) + pdf_pages(key)
        rows.append(
            Row(
                "print quiz + key 2,000",
                f"{times[('print', 2000)]:.2f} s",
                f"{times[('pages', 2000)]:.0f} pages",
                "",
                "report",
                "",
            )
        )
        rows.append(
            Row(
                "print quiz + key 20,000",
                f"{times[('print', 20000)]:.2f} s",
                f"{times[('pages', 20000)]:.0f} pages",
            )
        )

    # 4b. the offline web page (one HTML file with the data, the real words near the answers)
    if wanted("web"):
        for n in sizes:
            page = work / f"web{n}.html"
            times[("web", n)] = median_of(
                lambda n=n, page=page: run([*qg, "web", str(banks / f"b{n}"), "-o", str(page)]),  # type: ignore[misc]
                runs_for(n),
            )
            rows.append(
                Row(
                    f"web page {n:,}",
                    f"{times[('web', n)]:.2f} s",
                    f"{page.stat().st_size / 1e6:.1f} MB",
                    "",
                    "report",
                    "",
                )
            )

    # 5. growth: time at 20,000 over time at 2,000
    for cmd in ("validate", "anki", "print", "web"):
        if (cmd, 20000) in times:
            g = times[(cmd, 20000)] / times[(cmd, 2000)]
            rows.append(
                Row(
                    f"growth {cmd}: 20,000 / 2,000",
                    f"{times[(cmd, 20000)]:.2f} s / {times[(cmd, 2000)]:.2f} s",
                    "",
                    f"{g:.1f}",
                    "<= 12",
                    verdict(g, 12),
                )
            )

    # 6. the peer: the same flashcards with ankdown and with `quizgen anki`, cold (no cache)
    if wanted("peer"):
        peer_rows(rows, args.ankdown, qg, work, banks, runs_for)

    # 7. the cache of validated banks: nothing changed
    if wanted("cache"):
        cache_rows(rows, qg, work, args.runs)

    # 8. peak memory of build
    if wanted("build"):
        for n in sizes:
            out = str(work / f"build{n}")
            rss, build_t = peak_rss_mb([*qg, "build", str(banks / f"b{n}"), "--out", out, "--quiet"])
            what = f"build {n:,}: peak memory (all processes)"
            rows.append(Row(what, f"{rss:.0f} MB", f"{build_t:.1f} s wall", "", "report", ""))

    print(
        f"quizgen benchmark on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}; "
        "start-up with compiled bytecode; medians of "
        f"{args.runs} (2,000) / {args.slow_runs} (20,000) interleaved runs"
    )
    headers = ("measurement", "quizgen", "floor", "ratio", "target", "met")
    table = [headers, *[(r.what, r.value, r.floor, r.ratio, r.target, r.ok) for r in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    for i, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r.ok != "NO" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
