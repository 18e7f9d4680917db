"""Build epochs: SOURCE_DATE_EPOCH, else forward only when a bank (or one question) changes."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import operator
import sys
from pathlib import Path
from typing import Any

import pytest

from quizgen.bank.loader import load_banks
from quizgen.bank.model import Bank, Question, Source
from quizgen.errors import UsageError
from quizgen.fsutil import write_atomic
from quizgen.outputs import anki, timestamps
from quizgen.outputs.export import facts_record

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
import synth

EXAMPLE = Path(__file__).parent / "banks" / "valid" / "example"
EVERY_KEY = Path(__file__).parent / "banks" / "valid" / "every-key"


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> float:
        return float(self.now)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    fake = Clock(1_000_000)
    monkeypatch.setattr(timestamps.time, "time", fake)
    return fake


def epochs_for(banks: list[Bank], out: Path) -> timestamps.Epochs:
    """Plan the epochs of an output at `out` and remember them, as the commands do."""
    manifest = timestamps.epoch_manifest_path(out)
    epochs, text = timestamps.plan_epochs(banks, manifest)
    if text is not None:
        write_atomic(manifest, text)
    return epochs


def _bank() -> Bank:
    return load_banks([EXAMPLE])[0]


def _edit(bank: Bank, qid: str, prompt: str) -> Bank:
    questions = tuple(dataclasses.replace(q, prompt=prompt) if q.id == qid else q for q in bank.questions)
    return dataclasses.replace(bank, questions=questions)


def test_source_date_epoch_wins_and_is_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    epochs = epochs_for([_bank()], tmp_path / "out.apkg")
    assert epochs.build == 1234567890
    assert set(epochs.questions.values()) == {1234567890}
    manifest = json.loads((tmp_path / timestamps.MANIFEST_NAME).read_text())
    assert manifest["epoch"] == 1234567890
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    # a later build of the same banks without the variable keeps that epoch: same bytes
    assert epochs_for([_bank()], tmp_path / "out.apkg") == epochs


@pytest.mark.parametrize("bad", ["soon", "-5", "1.5"])
def test_bad_source_date_epoch_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        epochs_for([_bank()], tmp_path / "out.apkg")


def test_epoch_stays_while_banks_unchanged(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    first = epochs_for([_bank()], out)
    assert first.build == 1_000_000
    clock.now += 500
    second = epochs_for([_bank()], out)
    assert second == first


def test_one_edit_moves_only_that_question(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    bank = _bank()
    epochs_for([bank], out)
    clock.now += 500
    edited = epochs_for([_edit(bank, "ex-002", "Changed wording.")], out)
    assert edited.build == 1_000_500
    assert edited.questions["ex-002"] == 1_000_500
    assert {v for k, v in edited.questions.items() if k != "ex-002"} == {1_000_000}
    manifest = json.loads((tmp_path / timestamps.MANIFEST_NAME).read_text())
    assert manifest["epoch"] == 1_000_500


def test_epoch_moves_forward_even_if_the_clock_does_not(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    bank = _bank()
    epochs_for([bank], out)
    clock.now -= 3600  # clock set back
    edited = epochs_for([_edit(bank, "ex-001", "Changed.")], out)
    assert edited.build == 1_000_001
    assert edited.questions["ex-001"] == 1_000_001


def test_corrupt_manifest_is_replaced(tmp_path: Path, clock: Clock) -> None:
    (tmp_path / timestamps.MANIFEST_NAME).write_text("{not json")
    epochs = epochs_for([_bank()], tmp_path / "out.apkg")
    assert epochs.build == 1_000_000
    assert json.loads((tmp_path / timestamps.MANIFEST_NAME).read_text())["epoch"] == 1_000_000


def _moved(q: Question) -> Question:
    where = dataclasses.replace(q.location, line=q.location.line + 3)
    return dataclasses.replace(q, location=where)


def test_moving_a_question_in_its_file_is_not_a_change(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    bank = _bank()
    first = epochs_for([bank], out)
    clock.now += 10
    moved = dataclasses.replace(
        bank,
        questions=tuple(_moved(q) for q in bank.questions),
    )
    assert epochs_for([moved], out) == first


def test_other_banks_in_the_same_folder_keep_their_question_epochs(tmp_path: Path, clock: Clock) -> None:
    out = tmp_path / "out.apkg"
    bank = _bank()
    renamed = tuple(dataclasses.replace(q, id=f"o-{q.id}") for q in bank.questions)
    other = dataclasses.replace(bank, id="other", questions=renamed)
    first = epochs_for([bank], out)
    clock.now += 100
    epochs_for([other], tmp_path / "other.apkg")
    clock.now += 100
    again = epochs_for([bank], out)
    assert again.questions == first.questions


@pytest.mark.parametrize("epoch", [timestamps.MAX_EPOCH, timestamps.MAX_EPOCH + 1, 10**30])
def test_a_remembered_epoch_past_year_9999_never_crashes_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: int
) -> None:
    """A damaged `.quizgen-epoch.json` (issue 16, point 12): anki and build still work."""
    from click.testing import CliRunner

    from quizgen.cli import main

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    banks = load_banks([EXAMPLE])
    fingerprint = timestamps.banks_fingerprint(banks)
    questions = {q.id: {"fingerprint": "x", "epoch": epoch} for q in banks[0].questions}
    manifest = {"epoch": epoch, "fingerprint": fingerprint, "questions": questions}
    for command, out in (("anki", tmp_path / "deck.apkg"), ("build", tmp_path / "out")):
        target = out if command == "anki" else out / "manifest.json"
        target.parent.mkdir(exist_ok=True)
        timestamps.epoch_manifest_path(target).write_text(json.dumps(manifest))
        args = [command, str(EXAMPLE), "-o" if command == "anki" else "--out", str(out)]
        if command == "build":
            args.append("-q")
            (out / "manifest.json").write_text(json.dumps({"quizgen": "0", "files": {}}))
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (command, result.output, result.exception)
        remembered = json.loads(timestamps.epoch_manifest_path(target).read_text())
        assert 0 < remembered["epoch"] <= timestamps.MAX_EPOCH


def test_the_manifest_text_is_jsons_indented_sorted_text() -> None:
    """`manifest_text` writes what json.dumps(indent=1, sort_keys=True) writes, entry for entry."""
    ids = ["q-1", "é-ü", 'quote"back\\slash', "日本", "z", "A.b_c", "tab\tid", "\u2028line"]
    questions = {qid: {"epoch": i * 1_000_003, "fingerprint": f"{i:064x}"} for i, qid in enumerate(ids)}
    manifests = [
        {"epoch": 1_700_000_000, "fingerprint": "ab" * 32, "questions": questions},
        {"epoch": 0, "fingerprint": "é", "questions": {**questions, "b": {"epoch": True, "fingerprint": ""}}},
        {"epoch": 5, "fingerprint": "f", "questions": {"a": {"epoch": 1, "fingerprint": "x", "more": 1}}},
        {"epoch": 5, "fingerprint": "f", "questions": {}},
    ]
    for manifest in manifests:
        assert timestamps.manifest_text(manifest) == json.dumps(manifest, indent=1, sort_keys=True) + "\n"


def test_the_question_content_is_every_field_but_the_location() -> None:
    """The banks' fingerprint reads every field of a question but where it was written: a field
    added to the model and not to the fingerprint fails here."""
    names = {f.name for f in dataclasses.fields(Question)} - {"location", "source"}
    names |= {f"source.{f.name}" for f in dataclasses.fields(Source)}
    assert sorted(timestamps.QUESTION_CONTENT) == sorted(names)
    every = operator.attrgetter(*timestamps.QUESTION_CONTENT)
    for bank in load_banks([EVERY_KEY]) + load_banks([EXAMPLE]):
        for q in bank.questions:
            assert timestamps._question_content(q) == every(q)


def _changed(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return next(v for v in type(value) if v is not value)
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value + "!"
    if isinstance(value, tuple):
        return (*value, value[0]) if value else ("x",)
    assert value is None
    return "x"


def _with(q: Question, name: str, value: Any) -> Question:
    if name.startswith("source."):
        return dataclasses.replace(q, source=dataclasses.replace(q.source, **{name[len("source.") :]: value}))
    return dataclasses.replace(q, **{name: value})


@pytest.mark.parametrize("name", timestamps.QUESTION_CONTENT)
def test_any_change_to_a_question_changes_the_banks_fingerprint(name: str) -> None:
    bank = load_banks([EVERY_KEY])[0]
    before = timestamps.banks_fingerprint([bank])
    for i, q in enumerate(bank.questions[:3]):
        value = _changed(operator.attrgetter(name)(q))
        questions = (*bank.questions[:i], _with(q, name, value), *bank.questions[i + 1 :])
        assert timestamps.banks_fingerprint([dataclasses.replace(bank, questions=questions)]) != before


def test_the_banks_fingerprint_follows_order_and_version_but_not_places(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bank = _bank()
    before = timestamps.banks_fingerprint([bank])
    assert timestamps.banks_fingerprint([_bank()]) == before
    moved = dataclasses.replace(bank, questions=tuple(_moved(q) for q in bank.questions))
    assert timestamps.banks_fingerprint([moved]) == before
    swapped = (bank.questions[1], bank.questions[0], *bank.questions[2:])
    assert timestamps.banks_fingerprint([dataclasses.replace(bank, questions=swapped)]) != before
    # a question moved from the end of one bank to the start of the next is a change too
    other = dataclasses.replace(bank, id="other", questions=())
    last = dataclasses.replace(bank, questions=bank.questions[:-1])
    first = dataclasses.replace(other, questions=bank.questions[-1:])
    assert timestamps.banks_fingerprint([bank, other]) != timestamps.banks_fingerprint([last, first])
    monkeypatch.setattr(timestamps, "__version__", "0.0.0-other")
    assert timestamps.banks_fingerprint([bank]) != before


def test_the_banks_fingerprint_reads_many_questions_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of any size give prints that follow every question: a change in the last
    question of a chunk, or in the first of the next, is seen."""
    bank = _bank()
    for size in (1, 2, 3, len(bank.questions)):
        monkeypatch.setattr(timestamps, "_CHUNK", size)
        before = timestamps.banks_fingerprint([bank])
        for i in range(len(bank.questions)):
            edited = _edit(bank, bank.questions[i].id, "Changed wording.")
            assert timestamps.banks_fingerprint([edited]) != before


def _note_prints(monkeypatch: pytest.MonkeyPatch, notes: dict[str, anki.NoteContent]) -> dict[str, str]:
    monkeypatch.setattr(anki, "_notes", lambda banks: notes)
    return anki.note_fingerprints([_bank()])


def test_a_note_print_is_its_note_type_fields_and_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two notes get the same print exactly when Anki receives the same note: the same note
    type, the same fields (as Anki keeps them, joined by U+001F) and the same tags."""
    card, true_false = anki.FLASHCARD_MODEL, anki.TRUE_FALSE_MODEL  # both have seven fields
    fields = ["front", "back", "why", "from", "credit", "disclaimer", "id"]
    notes = {
        "same": anki.NoteContent(card, fields, ["tag", "bank"]),
        "again": anki.NoteContent(card, list(fields), ["tag", "bank"]),
        "type": anki.NoteContent(true_false, fields, ["tag", "bank"]),
        "field": anki.NoteContent(card, [*fields[:-1], "id!"], ["tag", "bank"]),
        "tag": anki.NoteContent(card, fields, ["tag", "bank2"]),
        "tag order": anki.NoteContent(card, fields, ["bank", "tag"]),
        "no tags": anki.NoteContent(card, fields, []),
        "tag into field": anki.NoteContent(card, [*fields[:-1], "id tag"], ["bank"]),
        "field into tag": anki.NoteContent(card, [*fields[:-1], ""], ["id", "tag", "bank"]),
        "moved text": anki.NoteContent(card, ["front back", "", *fields[2:]], ["tag", "bank"]),
    }
    prints = _note_prints(monkeypatch, notes)
    assert prints["same"] == prints["again"]
    assert len(set(prints.values())) == len(notes) - 1
    monkeypatch.setattr(anki, "CSS", anki.CSS + "\n.more {}")
    assert _note_prints(monkeypatch, notes)["same"] != prints["same"]


def test_an_unchanged_manifest_is_left_alone_and_any_other_is_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plan_epochs` finds an unchanged manifest without making the new one: it gives no text
    exactly when the manifest it would write equals the one on disk."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    banks = [_bank()]
    path = tmp_path / timestamps.MANIFEST_NAME
    _, text = timestamps.plan_epochs(banks, path)
    assert text is not None
    path.write_text(text)
    assert timestamps.plan_epochs(banks, path)[1] is None
    good = json.loads(text)
    first = banks[0].questions[0].id

    def variant(change: Any) -> dict[str, Any]:
        manifest = json.loads(text)
        change(manifest)
        return dict(manifest)

    rewritten = [
        variant(lambda m: m.update(extra=1)),
        variant(lambda m: m.update(epoch=5)),
        variant(lambda m: m.update(fingerprint="0" * 64)),
        variant(lambda m: m.update(questions=[])),
        variant(lambda m: m["questions"].pop(first)),
        variant(lambda m: m["questions"][first].update(epoch=5)),
        variant(lambda m: m["questions"][first].update(fingerprint="x")),
        variant(lambda m: m["questions"][first].update(more=1)),
        variant(lambda m: m.pop("epoch")),
    ]
    for manifest in rewritten:
        path.write_text(json.dumps(manifest))
        assert timestamps.plan_epochs(banks, path)[1] == text, manifest
    # an entry of a question not in this build is kept as it is: nothing to write
    kept = variant(lambda m: m["questions"].update({"other-1": {"epoch": 7, "fingerprint": "y"}}))
    path.write_text(json.dumps(kept))
    assert timestamps.plan_epochs(banks, path)[1] is None
    assert good["questions"].keys() < kept["questions"].keys()


def test_the_build_fingerprint_follows_every_note_print(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    banks = [_bank()]
    prints = anki.note_fingerprints(banks)
    banks_print = timestamps.banks_fingerprint(banks)
    path = tmp_path / timestamps.MANIFEST_NAME
    for size in (1, 2, 3, 1000):
        monkeypatch.setattr(timestamps, "_CHUNK", size)
        seen = {timestamps._build_fingerprint(banks_print, prints)}
        for key in prints:
            seen.add(timestamps._build_fingerprint(banks_print, {**prints, key: "0" * 64}))
            renamed = {(k + "x" if k == key else k): v for k, v in prints.items()}
            seen.add(timestamps._build_fingerprint(banks_print, renamed))
        seen.add(timestamps._build_fingerprint(banks_print, {**prints, "more": "0" * 64}))
        seen.add(timestamps._build_fingerprint("0" * 64, prints))
        assert len(seen) == 2 * len(prints) + 3
    epochs, text = timestamps.plan_epochs(banks, path, prints)
    assert text is not None
    assert epochs.banks_fingerprint == banks_print
    assert json.loads(text)["fingerprint"] == timestamps._build_fingerprint(banks_print, prints)


def test_a_manifest_written_before_still_finds_every_note_unchanged(clock: Clock) -> None:
    """The epoch manifest committed in output/ was written by an earlier quizgen (the one that last
    refreshed output/): the banks and every note are unchanged for this one too, so a build
    keeps the build's time and every note's, and writes no new manifest. Were a fingerprint's
    value to change, every learner's notes would all move forward once, for nothing."""
    committed = Path(__file__).parent.parent / "output" / timestamps.MANIFEST_NAME
    manifest = json.loads(committed.read_text(encoding="utf-8"))
    banks = load_banks()
    epochs, text = timestamps.plan_epochs(banks, committed)
    assert text is None
    assert epochs.build == manifest["epoch"]
    assert dict(epochs.questions) == {k: manifest["questions"][k]["epoch"] for k in epochs.questions}
    assert len(epochs.questions) == sum(len(b.questions) for b in banks)


def _reference_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def _reference_prints(banks: list[Bank]) -> tuple[str, dict[str, str], str]:
    """The banks' fingerprint, the notes' and the build's, spelt out as they were defined when
    manifests began to hold them (quizgen 0.1.0, main 2e3cced): plain `json.dumps` and a new
    hasher for everything, so that making them faster never changes their values."""
    h = hashlib.sha256()
    content = operator.attrgetter(*timestamps.QUESTION_CONTENT)
    for b in banks:
        meta = [timestamps._bank_meta(b), facts_record(b), list(b.summary), len(b.questions)]
        h.update(_reference_json(meta))
        for start in range(0, len(b.questions), 1000):
            h.update(_reference_json([content(q) for q in b.questions[start : start + 1000]]))
    banks_print = h.hexdigest()
    notes: dict[str, str] = {}
    for b in banks:
        for q in b.questions:
            spec, fields, tags = anki.note_content(b, q)
            head = [spec.model_id, spec.name, list(spec.fields), [list(t) for t in spec.templates], anki.CSS]
            joined = "\x1f".join(fields)
            text = json.dumps([*head, spec.cloze], ensure_ascii=False) + f"\x1e{len(joined)}\x1e{joined} "
            notes[b.note_key(q)] = hashlib.sha256(f"{text}{' '.join(tags)} ".encode()).hexdigest()
    h = hashlib.sha256(_reference_json(banks_print))
    keys = sorted(notes)
    for start in range(0, len(keys), 1000):
        h.update(_reference_json([[k, notes[k]] for k in keys[start : start + 1000]]))
    return banks_print, notes, h.hexdigest()


def test_every_fingerprint_keeps_its_defined_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprints the epoch manifest holds, made as quizgen makes them, are the values of
    their definition (`_reference_prints`): for the shipped banks with their translation, the
    test banks and a bank of 1,200 questions of every type (two chunks of questions and of notes)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    synth.write_bank(tmp_path / "big", 1200, files=2)
    test_banks = load_banks([EVERY_KEY]) + load_banks([EXAMPLE])
    for banks in (load_banks(), test_banks, load_banks([tmp_path / "big"])):
        banks_print, notes, build = _reference_prints(banks)
        assert timestamps.banks_fingerprint(banks) == banks_print
        assert anki.note_fingerprints(banks) == notes
        epochs, text = timestamps.plan_epochs(banks, tmp_path / timestamps.MANIFEST_NAME)
        assert epochs.banks_fingerprint == banks_print
        assert text is not None
        manifest = json.loads(text)
        assert manifest["fingerprint"] == build
        assert {k: v["fingerprint"] for k, v in manifest["questions"].items()} == notes


@pytest.mark.parametrize("fixed", [True, False])
def test_a_new_manifest_is_jsons_text_of_the_entries_kept_and_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock, fixed: bool
) -> None:
    """The manifest `plan_epochs` writes (its entries written straight to text) is
    json.dumps(indent=1, sort_keys=True) of the old manifest's other entries, whatever they
    hold, and this build's: from no manifest, over others' entries sorting before, between and
    after this build's, over entries json writes itself, and for banks without questions."""
    if fixed:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    bank = _bank()
    path = tmp_path / timestamps.MANIFEST_NAME
    others: list[dict[str, Any]] = [
        {},
        {
            "a": {"epoch": 3, "fingerprint": "x"},
            "ex-0015": {"epoch": 4, "fingerprint": "y"},
            "zz": {"epoch": 5, "fingerprint": "z"},
        },
        {"é": {"epoch": True, "fingerprint": "x"}},
        {"other": {"epoch": 3, "fingerprint": "x", "more": [1]}},
        {"other": [1, 2]},
        {bank.questions[0].id: {"epoch": 3, "fingerprint": "changed"}},
    ]
    for banks in ([bank], [dataclasses.replace(bank, questions=())]):
        for other in others:
            path.write_text(json.dumps({"epoch": 1, "fingerprint": "f", "questions": other}))
            epochs, text = timestamps.plan_epochs(banks, path)
            prints = anki.note_fingerprints(banks)
            entries = {k: v for k, v in other.items() if k not in prints}
            entries.update({k: {"fingerprint": p, "epoch": epochs.questions[k]} for k, p in prints.items()})
            fingerprint = timestamps._build_fingerprint(epochs.banks_fingerprint, prints)
            manifest = {"fingerprint": fingerprint, "epoch": epochs.build, "questions": entries}
            assert text == json.dumps(manifest, indent=1, sort_keys=True) + "\n", other
