"""Writing outputs: a write killed at any step leaves the old set or the new set, or one the next
run finishes and reports (issue 16, point 4)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import EXAMPLE

from quizgen.cli import main
from quizgen.fsutil import JOURNAL, KILL_AT_ENV, recover_interrupted, write_all_atomic


def _everything(folder: Path) -> dict[str, bytes]:
    """Every file in the folder, hidden ones (temporaries, the journal) included."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _build(out: Path, epoch: str) -> str:
    result = CliRunner().invoke(
        main, ["build", str(EXAMPLE), "--out", str(out)], env={"SOURCE_DATE_EPOCH": epoch}
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_a_write_killed_at_any_step_leaves_the_old_or_the_new_set(tmp_path: Path) -> None:
    _build(tmp_path / "built", "1700000000")
    old = _everything(tmp_path / "built")
    new = {name: data + b"\n(the next build)\n" for name, data in old.items()}
    outcomes: list[str] = []
    kill_at = 1
    while True:
        folder = tmp_path / f"kill-{kill_at}"
        folder.mkdir()
        for name, data in old.items():
            (folder / name).write_bytes(data)
        pid = os.fork()
        if pid == 0:  # the child writes the new set and is killed at step `kill_at`
            try:
                os.environ[KILL_AT_ENV] = str(kill_at)
                write_all_atomic({folder / name: data for name, data in new.items()})
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        message = recover_interrupted(folder, list(old))  # what the next run does first
        after = _everything(folder)
        assert after in (old, new), f"killed at step {kill_at}: {sorted(after)}"
        outcomes.append(
            f"{'old' if after == old else 'new'} {'finished' if message and 'finished' in message else ''}"
        )
        if not killed:
            assert after == new and message is None
            break
        kill_at += 1
    kill_points = kill_at - 1
    assert kill_points >= 50
    # killed before the commit: the old set; after it: the new one, finished by the next run
    assert outcomes.count("old ") > 12 * 3 and sum(o == "new finished" for o in outcomes) > 12


def test_a_build_killed_while_renaming_is_finished_by_the_next_run(tmp_path: Path) -> None:
    out, reference = tmp_path / "out", tmp_path / "reference"
    _build(out, "1700000000")
    _build(reference, "1800000000")
    # the files whose bytes change (a file that already holds its new bytes is not written
    # again): the outputs with a date, the manifest and the epoch file; killed after five renames
    changed = sum(
        1
        for p in reference.iterdir()
        if not (out / p.name).exists() or (out / p.name).read_bytes() != p.read_bytes()
    )
    assert changed > 6
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000", KILL_AT_ENV: str(changed * 3 + 4 + 5)}
    killed = subprocess.run(
        [sys.executable, "-m", "quizgen", "build", str(EXAMPLE), "--out", str(out), "-q"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (out / JOURNAL).exists()  # five files renamed, the others waiting
    text = _build(out, "1800000000")
    assert f"finished an interrupted write in {out}: {changed - 5} files put in place" in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["source_date_epoch"] == 1800000000
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"], name
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".quizgen-epoch.json"]
