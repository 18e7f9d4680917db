"""Build timestamps that move forward when (and only when) the banks change.

Anki's importer updates a note only when the incoming note is newer than the one the learner has,
and treats an unchanged note with a newer time as an update too. So every output gets:

- a build epoch: `SOURCE_DATE_EPOCH` when set (reproducible builds; remembered as below), else the
  epoch remembered in `<out folder>/.quizgen-epoch.json` while the banks' fingerprint is unchanged,
  else `max(now, previous + 1)`;
- per question, the epoch at which its Anki note (the fields and note type the deck carries) last
  changed, so a rebuild after one edit updates exactly one note in a learner's collection, and a
  change that reaches the cards only through rendering (a label, an option order) updates them too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from quizgen import __version__
from quizgen.bank.frozen import frozen
from quizgen.bank.model import Bank, Question
from quizgen.errors import UsageError
from quizgen.outputs.export import (
    article_record,
    facts_record,
    references_record,
    safety_notes_record,
    translation_record,
)

MANIFEST_NAME = ".quizgen-epoch.json"


@frozen
class Epochs:
    """The build's epoch and, per question id, the epoch of its last change; and the banks'
    fingerprint they were planned from (`banks_fingerprint`), for a build's manifest."""

    build: int
    questions: Mapping[str, int]
    banks_fingerprint: str


# json.dumps(value, sort_keys=True, ensure_ascii=False, default=str), without making an encoder
# for each call, and without its check for circular references (the same text; what is encoded
# here is made here, of tuples, lists and dicts of plain values, and cannot hold itself): that
# check costs a sixth of encoding the questions' content.
_canonical_json = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, default=str, check_circular=False
).encode


def _bank_meta(bank: Bank) -> dict[str, Any]:
    """What every card of the bank shows besides its question (and the quizgen version)."""
    return {
        "version": __version__,
        "id": bank.id,
        "title": bank.title,
        "deck": bank.deck,
        "credit": bank.credit,
        "disclaimer": bank.disclaimer,
        "article": article_record(bank),
        # a card's back names the references its facts come from
        "references": references_record(bank),
        "fact_references": {f.id: f.reference for f in bank.facts if f.reference is not None},
        "safety_notes": safety_notes_record(bank),
        # a translation's cards say whether it is reviewed, in its language
        **({"language": bank.language, "translation": translation_record(bank)} if bank.translates else {}),
    }


# Every field of a question but its place in a file (`location`), in the model's order: a
# question's content as one tuple of strings, tuples, numbers, flags and None (its type and
# difficulty are str enums, written as their values), which json writes as one list.
# `_question_content` makes that tuple (tests/test_timestamps.py checks that these names are
# every field of Question and Source but `location`, and that the two agree).
QUESTION_CONTENT = (
    "id",
    "type",
    "prompt",
    "explanation",
    "source.section",
    "source.facts",
    "tags",
    "difficulty",
    "options",
    "correct",
    "truth",
    "accepted",
    "back",
    "hint",
    "evidence",
    "keep_order",
    "related",
    "translated_from",
)


def _question_content(q: Question) -> tuple[Any, ...]:
    """`operator.attrgetter(*QUESTION_CONTENT)(q)`, spelt out: three times as fast."""
    source = q.source
    return (
        q.id,
        q.type,
        q.prompt,
        q.explanation,
        source.section,
        source.facts,
        q.tags,
        q.difficulty,
        q.options,
        q.correct,
        q.truth,
        q.accepted,
        q.back,
        q.hint,
        q.evidence,
        q.keep_order,
        q.related,
        q.translated_from,
    )


# Questions are encoded this many at a time: one json call for many questions (its per-call
# set-up costs more than a short question's text), without one text of a whole big bank.
_CHUNK = 1000


def banks_fingerprint(banks: Sequence[Bank]) -> str:
    """A hash of the banks' canonical content, question order included (a question's place in
    its file is not content), and of quizgen's version.

    One SHA-256 over, per bank, the JSON of `[metadata, facts, summary, number of questions]`
    and then the JSON lists of its questions' content, up to `_CHUNK` questions per list: JSON
    values end where they end and each bank says how many questions follow, so different banks
    never give the same text.
    """
    h = hashlib.sha256()
    for b in banks:
        questions = b.questions
        head = [_bank_meta(b), facts_record(b), list(b.summary), len(questions)]
        h.update(_canonical_json(head).encode("utf-8"))
        for start in range(0, len(questions), _CHUNK):
            chunk = [_question_content(q) for q in questions[start : start + _CHUNK]]
            h.update(_canonical_json(chunk).encode("utf-8"))
    return h.hexdigest()


MAX_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second PDF dates can hold


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as whole seconds, None when unset; UsageError when it is not valid."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_EPOCH:
        raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds from 0 to {MAX_EPOCH}, not {raw!r}")
    return int(text)


def _read_manifest(path: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return {}


def _int_or(value: Any, default: int) -> int:
    """A remembered epoch, or `default` when it is not one a build can use (a damaged file)."""
    usable = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_EPOCH
    return value if usable else default


def plan_epochs(
    banks: Sequence[Bank], manifest_path: Path, note_prints: Mapping[str, str] | None = None
) -> tuple[Epochs, str | None]:
    """The epochs for a build from `banks`, and the new text of the epoch manifest at
    `manifest_path` (None when it is unchanged). Reads the manifest; writes nothing.

    A question's epoch moves when its Anki note changes: `note_prints` are the notes'
    fingerprints (default: `anki.note_fingerprints`, from the fields and note type the deck
    carries). The build's epoch moves when the banks' content or any note changes.
    """
    fixed = source_date_epoch()
    if note_prints is None:
        from quizgen.outputs.anki import note_fingerprints

        prints = note_fingerprints(banks)
    else:
        prints = dict(note_prints)
    old = _read_manifest(manifest_path)
    old_questions = old.get("questions")
    if not isinstance(old_questions, dict):
        old_questions = {}
    banks_print = banks_fingerprint(banks)
    fingerprint = _build_fingerprint(banks_print, prints)
    questions: dict[str, int] = {}
    if fixed is not None:
        # Remembered too, so that a later build without SOURCE_DATE_EPOCH of the same banks
        # gives the same bytes, and one after an edit moves forward from here.
        build = fixed
        questions = dict.fromkeys(prints, fixed)
    else:
        old_epoch = _int_or(old.get("epoch"), 0)
        if old.get("fingerprint") == fingerprint and old_epoch > 0:
            build = old_epoch
        else:
            build = min(max(int(time.time()), old_epoch + 1), MAX_EPOCH)
        for qid, qprint in prints.items():
            entry = old_questions.get(qid)
            if isinstance(entry, dict) and entry.get("fingerprint") == qprint:
                questions[qid] = min(_int_or(entry.get("epoch"), build), build)
            else:
                questions[qid] = build

    if _unchanged(old, fingerprint, build, prints, questions):
        return Epochs(build, questions, banks_print), None
    # Entries of questions not in this build are kept: another output in the same folder may be
    # built from other banks, and question ids are unique across banks.
    kept = {k: v for k, v in old_questions.items() if isinstance(k, str) and k not in prints}
    if (prints or kept) and all(_simple_entry(v) for v in kept.values()):
        # the text of the manifest below, written without a dict for each of this build's entries
        keys = sorted([*kept, *prints])
        text = _simple_manifest_text(build, fingerprint, _entries(keys, kept, prints, questions))
    else:
        kept.update({qid: {"fingerprint": prints[qid], "epoch": questions[qid]} for qid in prints})
        manifest = {"fingerprint": fingerprint, "epoch": build, "questions": dict(sorted(kept.items()))}
        text = manifest_text(manifest)
    return Epochs(build, questions, banks_print), text  # not `old`'s text: `_unchanged` is exact


def _entries(
    keys: list[str], kept: Mapping[str, Any], prints: Mapping[str, str], questions: Mapping[str, int]
) -> Iterator[tuple[str, int, str]]:
    """(question key, epoch, note print) of each of `keys`: this build's, or an entry kept."""
    for key in keys:
        if key in prints:
            yield key, questions[key], prints[key]
        else:
            entry = kept[key]
            yield key, entry["epoch"], entry["fingerprint"]


def _build_fingerprint(banks_print: str, prints: Mapping[str, str]) -> str:
    """A hash of the banks' fingerprint (`banks_fingerprint`) and every note's, in the order of
    their keys: the JSON of the first, then JSON lists of up to `_CHUNK` `[key, note print]`
    pairs (not one list of them all, so no big text is held)."""
    h = hashlib.sha256(_canonical_json(banks_print).encode("utf-8"))
    keys = sorted(prints)
    for start in range(0, len(keys), _CHUNK):
        h.update(
            _canonical_json([[key, prints[key]] for key in keys[start : start + _CHUNK]]).encode("utf-8")
        )
    return h.hexdigest()


def _unchanged(
    old: dict[str, Any], fingerprint: str, build: int, prints: Mapping[str, str], questions: Mapping[str, int]
) -> bool:
    """Whether the manifest `plan_epochs` makes would equal `old`, found without making it: most
    builds change nothing, and a big bank's new manifest (a dict for each of its thousands of
    questions) would be made only to be compared and thrown away, raising the peak memory."""
    if old.keys() != {"fingerprint", "epoch", "questions"} or old["fingerprint"] != fingerprint:
        return False
    old_questions = old["questions"]
    if old["epoch"] != build or not isinstance(old_questions, dict):
        return False
    # the new entries are the old ones with string ids (all, in JSON) not in this build, and these
    if not all(
        old_questions.get(qid) == {"fingerprint": p, "epoch": questions[qid]} for qid, p in prints.items()
    ):
        return False
    return all(isinstance(qid, str) for qid in old_questions)


def manifest_text(manifest: dict[str, Any]) -> str:
    """`json.dumps(manifest, indent=1, sort_keys=True) + "\\n"`, written faster: json's
    indenting encoder is pure Python, slow for the thousands of entries of a big bank."""
    questions = manifest.get("questions")
    simple = isinstance(questions, dict) and all(
        isinstance(qid, str) and _simple_entry(v) for qid, v in questions.items()
    )
    if not simple or not questions or set(manifest) != {"epoch", "fingerprint", "questions"}:
        return json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    entries = ((qid, v["epoch"], v["fingerprint"]) for qid, v in sorted(questions.items()))
    return _simple_manifest_text(manifest["epoch"], manifest["fingerprint"], entries)


def _simple_entry(value: Any) -> bool:
    """Whether a manifest's entry is an int epoch and a str note print (what
    `_simple_manifest_text` writes; anything else is written by json)."""
    return (
        isinstance(value, dict)
        and value.keys() == {"epoch", "fingerprint"}
        and type(value["epoch"]) is int  # not a bool, which json writes as true/false
        and isinstance(value["fingerprint"], str)
    )


def _simple_manifest_text(epoch: Any, fingerprint: Any, entries: Iterable[tuple[str, int, str]]) -> str:
    """`manifest_text` of a manifest with these entries (at least one, in the order of their
    keys; each an int epoch and a str print)."""
    dumps = json.dumps
    text = json.encoder.encode_basestring_ascii  # what json.dumps(a str) returns, in one call
    body = ",\n".join(
        f'  {text(key)}: {{\n   "epoch": {when},\n   "fingerprint": {text(note)}\n  }}'
        for key, when, note in entries
    )
    return (
        f'{{\n "epoch": {dumps(epoch)},\n "fingerprint": {dumps(fingerprint)},\n'
        f' "questions": {{\n{body}\n }}\n}}\n'
    )


def epoch_manifest_path(out_path: Path) -> Path:
    """Where the epochs of outputs written beside `out_path` are remembered."""
    return Path(out_path).parent / MANIFEST_NAME
