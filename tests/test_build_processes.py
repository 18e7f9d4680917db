"""`quizgen build`'s worker processes: they end with their parent, and Ctrl-C ends the build
quietly with exit code 130 (issue 16, points 12 and 14)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE

from quizgen.bank.loader import load_banks


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry))
    return found


def _descendants(pid: int) -> set[int]:
    seen, todo = set(), [pid]
    while todo:
        for child in _children(todo.pop()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's bookkeeping is left


@pytest.fixture(scope="module")
def big_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example bank's metadata with 2,000 questions: its quiz takes typst seconds to lay out."""
    folder = tmp_path_factory.mktemp("big")
    (folder / "bank.yaml").write_text((EXAMPLE / "bank.yaml").read_text())
    questions = "".join(
        f"""  - id: big-{i}
    type: flashcard
    front: "Question {i}: how much sleep do most adults need each night, as the article says?"
    back: "About seven hours a night, as the article says for most adults ({i})."
    explanation: "This is the amount the article gives for most adults."
    source: {{section: intro, facts: [sleep-hours]}}
    tags: [sleep]
"""
        for i in range(2000)
    )
    (folder / "questions.yaml").write_text("questions:\n" + questions)
    return folder


def _ignores_ctrl_c(pid: int) -> bool:
    """Whether the process ignores SIGINT (a worker does once it has started: `_worker_started`)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    ignored = int(next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16)
    return bool(ignored & (1 << (signal.SIGINT - 1)))


def _start_build(
    tmp_path: Path, bank: Path = EXAMPLE, typesetting: bool = False
) -> tuple[subprocess.Popen[bytes], set[int]]:
    """A build in its own process group, once it has a worker (its grandchild, forked by the fork
    server); with `typesetting`, once that worker has started its work (it ignores Ctrl-C).

    Its output goes to files, not pipes: orphaned workers holding a pipe would keep the test
    waiting for its end.
    """
    with (tmp_path / "stderr").open("wb") as err:
        build = subprocess.Popen(
            [sys.executable, "-m", "quizgen", "build", str(bank), "--out", str(tmp_path / "out")],
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        family = _descendants(build.pid)
        workers = {w for child in family for w in _children(child)}
        if workers and (not typesetting or any(_ignores_ctrl_c(w) for w in workers)):
            return build, family
        if build.poll() is not None:
            break
        time.sleep(0.01)
    build.kill()
    build.wait()
    pytest.fail("the build never started a worker process")


def _kill_all(pids: set[int]) -> None:
    for pid in pids:
        if _alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _all_gone(pids: set[int], within: float) -> set[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        left = {p for p in pids if _alive(p)}
        if not left:
            return left
        time.sleep(0.05)
    return {p for p in pids if _alive(p)}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("typesetting", [True, False], ids=["while-typesetting", "as-the-worker-starts"])
def test_workers_end_with_a_killed_build(tmp_path: Path, big_bank: Path, typesetting: bool) -> None:
    """A worker ends with the build, whether it is already typesetting (seconds for this bank)
    or was only just started: a worker that outlived its build would wait forever to send its
    2 MB through a pipe nobody reads, and its fork server (and the resource tracker) with it, so
    this wait for their end can be long without letting that pass."""
    build, _ = _start_build(tmp_path, big_bank, typesetting=typesetting)
    family = _descendants(build.pid)
    build.kill()
    build.wait()
    try:
        assert _all_gone(family, within=30) == set()
    finally:
        _kill_all(family)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_ctrl_c_ends_a_build_quietly_with_130(tmp_path: Path) -> None:
    build, _ = _start_build(tmp_path)
    family = _descendants(build.pid)
    os.killpg(build.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
    try:
        build.wait(timeout=30)
        err = (tmp_path / "stderr").read_text()
        assert build.returncode == 130, err
        assert "Traceback" not in err and "KeyboardInterrupt" not in err
        assert _all_gone(family, within=30) == set()  # none is left waiting for good
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    finally:
        build.kill()
        build.wait()
        _kill_all(family)


@pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="the fork server's start (POSIX)"
)
def test_ctrl_c_as_a_worker_starts_leaves_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in the moment between the fork server's fork of a worker and the build learning its
    process id: the build would lose the worker, which would typeset on, unseen. Ctrl-C waits
    until the start is done, then interrupts, and the worker is killed."""
    from multiprocessing import forkserver

    from quizgen.outputs.build import PdfWorkers
    from quizgen.outputs.printing import PrintOptions

    (bank,) = load_banks([EXAMPLE])
    pool = PdfWorkers()
    real_read_signed = forkserver.read_signed
    workers: list[int] = []

    def read_signed_then_ctrl_c(fd: int) -> int:  # first reads the new worker's process id
        value: int = real_read_signed(fd)
        if not workers:
            workers.append(value)
        os.kill(os.getpid(), signal.SIGINT)  # before the build has kept it
        return value

    monkeypatch.setattr(forkserver, "read_signed", read_signed_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        pool.typeset("quiz", [bank], PrintOptions(timestamp=1700000000))
    # The worker itself has ended by now (it is killed and joined, not left to end on its own),
    # checked by its process id rather than as "no new process below the test's": in a whole
    # test run other processes come and go there meanwhile (a fork server of an earlier test's
    # build, ...).
    assert len(workers) == 1
    left = {p for p in workers if _alive(p)}
    _kill_all(left)
    assert left == set()
