"""The Anki decks, imported into real collections with the official `anki` package."""

from __future__ import annotations

import dataclasses
import html
import io
import random
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportResponse
from anki.scheduler_pb2 import CardAnswer
from click.testing import CliRunner

from quizgen.bank.loader import load_banks, shipped_banks_dir
from quizgen.bank.model import Bank, Difficulty, Question, QuestionType
from quizgen.cli import main
from quizgen.i18n import translator
from quizgen.outputs import anki, ziparchive
from quizgen.outputs.anki import MODEL_SPECS, deck_name, note_guid, note_tags, render_apkg

EXAMPLE = Path(__file__).parent / "banks" / "valid" / "example"
EVERY_KEY = Path(__file__).parent / "banks" / "valid" / "every-key"
T0 = 1_700_000_000.0
# Anki links a template error to this page from the rendered card.
TEMPLATE_ERROR_MARK = "templates/errors.html"


def _example() -> list[Bank]:
    return load_banks([EXAMPLE])


def _shipped() -> list[Bank]:
    folder = shipped_banks_dir()
    if not folder.is_dir() or not any(folder.iterdir()):
        pytest.skip("no shipped banks yet")
    return load_banks()


BANK_SETS = {"example": _example, "shipped": _shipped}


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def import_apkg(col: Collection, data: bytes, tmp_path: Path, name: str = "deck.apkg") -> ImportResponse.Log:
    path = tmp_path / name
    path.write_bytes(data)
    request = ImportAnkiPackageRequest(
        package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=False)
    )
    return col.import_anki_package(request).log


def with_question(bank: Bank, question_id: str, **changes: object) -> Bank:
    questions = tuple(
        dataclasses.replace(q, **changes) if q.id == question_id else q  # type: ignore[arg-type]
        for q in bank.questions
    )
    return dataclasses.replace(bank, questions=questions)


def without_question(bank: Bank, question_id: str) -> Bank:
    kept = tuple(q for q in bank.questions if q.id != question_id)
    return dataclasses.replace(bank, questions=kept)


def note_id_for(col: Collection, bank: Bank, question: Question) -> int:
    (nid,) = col.db.list("select id from notes where guid = ?", note_guid(bank, question))
    return int(nid)


def answer_good(col: Collection, card_id: int) -> None:
    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))


# --- a first import ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", sorted(BANK_SETS))
def test_import_into_fresh_collection(col: Collection, tmp_path: Path, which: str) -> None:
    banks = BANK_SETS[which]()
    log = import_apkg(col, render_apkg(banks, T0), tmp_path)
    questions = [q for b in banks for q in b.questions]

    assert len(log.new) == len(questions)
    assert len(log.conflicting) == 0
    assert col.note_count() == len(questions)
    assert col.card_count() == sum(q.card_count() for q in questions)
    assert list(col.get_empty_cards().notes) == []

    by_guid = {note_guid(b, q): (b, q) for b in banks for q in b.questions}
    for card_id in col.find_cards(""):
        card = col.get_card(card_id)
        output = card.render_output(reload=True)
        for side in (output.question_text, output.answer_text):
            assert TEMPLATE_ERROR_MARK not in side
            assert "<script" not in side.lower()
        # every back carries the source, the disclaimer and the question id
        bank, question = by_guid[card.note().guid]
        source_line = translator(bank.language).gettext("From {article}, section “{section}”")
        assert source_line.split("{article}")[0] + "<i>" in output.answer_text  # "From <i>", "De <i>"
        assert html.escape(bank.disclaimer, quote=False) in output.answer_text
        assert question.id in output.answer_text


@pytest.mark.parametrize("which", sorted(BANK_SETS))
def test_decks_and_tags_as_designed(col: Collection, tmp_path: Path, which: str) -> None:
    banks = BANK_SETS[which]()
    import_apkg(col, render_apkg(banks, T0), tmp_path)
    for bank in banks:
        for question in bank.questions:
            note = col.get_note(note_id_for(col, bank, question))
            assert sorted(note.tags) == sorted(note_tags(bank, question))
            assert bank.id in note.tags
            if question.difficulty is not None:
                assert f"difficulty::{question.difficulty.value}" in note.tags
            assert all(" " not in tag for tag in note.tags)
            decks = {col.decks.name(card.did) for card in note.cards()}
            assert decks == {deck_name(bank, question.source.section)}
            assert len(note.cards()) == question.card_count()


def test_example_deck_names_and_tags_exactly(col: Collection, tmp_path: Path) -> None:
    import_apkg(col, render_apkg(_example(), T0), tmp_path)
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {"Example Bank", "Example Bank::1. Introduction", "Example Bank::2. Sleep Habits"} <= names
    assert sorted(col.tags.all()) == [
        "difficulty::easy",
        "difficulty::hard",
        "difficulty::medium",
        "example",
        "habits",
        "sleep",
    ]


def test_note_types_have_stable_ids(col: Collection, tmp_path: Path) -> None:
    import_apkg(col, render_apkg(_example(), T0), tmp_path)
    for spec in MODEL_SPECS:
        notetype = col.models.get(spec.model_id)  # type: ignore[arg-type]
        assert notetype is not None and notetype["name"] == spec.name
        assert [f["name"] for f in notetype["flds"]] == list(spec.fields)
        assert all(isinstance(f["id"], int) for f in notetype["flds"])
        assert len({f["id"] for f in notetype["flds"]}) == len(spec.fields)
        assert all(isinstance(t["id"], int) for t in notetype["tmpls"])
        assert (notetype["type"] == 1) == spec.cloze


def test_each_type_renders_its_answer(col: Collection, tmp_path: Path) -> None:
    bank = _example()[0]
    import_apkg(col, render_apkg([bank], T0), tmp_path)
    by_type = {q.type: q for q in bank.questions}

    def sides(q: Question) -> list[tuple[str, str]]:
        note = col.get_note(note_id_for(col, bank, q))
        outs = [c.render_output(reload=True) for c in note.cards()]
        return [(o.question_text, o.answer_text) for o in outs]

    # options in the build's one order (shuffled from bank id and question id): Twelve, Ten, Four, Seven
    ((front, back),) = sides(by_type[QuestionType.MULTIPLE_CHOICE])
    assert '<span class="letter">C.</span> <span class="opt">Four</span>' in front
    assert "✓" not in front
    assert '✓</span> <b class="letter">D.</b> <b class="opt">Seven</b>' in back
    assert back.count("✓") == 1

    # A dark bedroom, Coffee in the evening, Bright screens at night
    ((front, back),) = sides(by_type[QuestionType.MULTIPLE_SELECT])
    assert back.count("✓") == 2 and "<b>B, C</b>" in back

    ((front, back),) = sides(by_type[QuestionType.TRUE_FALSE])
    assert "True or false?" in front and "<b>✓ True</b>" in back

    cloze = sides(by_type[QuestionType.CLOZE])
    assert len(cloze) == 2
    assert "[...]" in cloze[0][0] and "Caffeine</span>" in cloze[0][1]
    assert "[state]" in cloze[1][0] and "awake</span>" in cloze[1][1]

    ((front, back),) = sides(by_type[QuestionType.SHORT_ANSWER])
    assert "[[type:Answer]]" in front and "[[type:Answer]]" in back
    assert "<b>caffeine</b>" in back and "Also accepted:</span> coffee" in back

    ((front, back),) = sides(by_type[QuestionType.FLASHCARD])
    assert "About seven hours" not in front and "About seven hours a night." in back

    assert "From <i>Sleep and Health</i>, section “Introduction”" in back


def test_bank_text_is_escaped(col: Collection, tmp_path: Path) -> None:
    bank = _example()[0]
    evil = "<script>alert(1)</script> & <b>bold?</b>"
    options = ("<i>x</i>", "Seven", "Ten", "Twelve")
    bank = with_question(bank, "ex-001", prompt=evil, options=options)
    bank = with_question(bank, "ex-005", prompt="<img src=x> {{c1::<b>a&b</b>::<hint>}} {{c2::z}}")
    bank = with_question(bank, "ex-003", back="<script>alert(2)</script>")
    import_apkg(col, render_apkg([bank], T0), tmp_path)

    questions = {q.id: q for q in bank.questions}
    mc = col.get_note(note_id_for(col, bank, questions["ex-001"])).cards()[0].render_output()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold?&lt;/b&gt;"
    assert escaped in mc.question_text
    assert "&lt;i&gt;x&lt;/i&gt;" in mc.question_text
    assert "<script" not in mc.question_text + mc.answer_text

    cloze_cards = col.get_note(note_id_for(col, bank, questions["ex-005"])).cards()
    assert len(cloze_cards) == 2
    first = cloze_cards[0].render_output()
    assert "&lt;img src=x&gt;" in first.question_text and "<img" not in first.question_text
    assert "[&lt;hint&gt;]" in first.question_text
    assert "&lt;b&gt;a&amp;b&lt;/b&gt;" in first.answer_text

    card = col.get_note(note_id_for(col, bank, questions["ex-003"])).cards()[0].render_output()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in card.answer_text


def test_sound_tags_in_bank_text_are_not_played(col: Collection, tmp_path: Path) -> None:
    bank = with_question(_example()[0], "ex-003", back="[sound:alarm.mp3] About seven hours.")
    import_apkg(col, render_apkg([bank], T0), tmp_path)
    question = {q.id: q for q in bank.questions}["ex-003"]
    card = col.get_note(note_id_for(col, bank, question)).cards()[0].render_output()
    assert card.answer_av_tags == []
    assert "alarm.mp3" in html.unescape(card.answer_text)


# --- re-import --------------------------------------------------------------------------------


def test_same_build_twice_adds_nothing(col: Collection, tmp_path: Path) -> None:
    banks = _example()
    data = render_apkg(banks, T0)
    import_apkg(col, data, tmp_path, "first.apkg")
    before = (col.note_count(), col.card_count(), sorted(col.find_cards("")))
    log = import_apkg(col, data, tmp_path, "second.apkg")
    assert len(log.new) == 0
    assert len(log.updated) == 0
    assert len(log.conflicting) == 0
    assert len(log.duplicate) == len(banks[0].questions)
    assert (col.note_count(), col.card_count(), sorted(col.find_cards(""))) == before


def test_edited_question_updates_in_place(col: Collection, tmp_path: Path) -> None:
    bank = _example()[0]
    target = next(q for q in bank.questions if q.type is QuestionType.MULTIPLE_CHOICE)
    import_apkg(col, render_apkg([bank], T0), tmp_path, "v1.apkg")
    nid = note_id_for(col, bank, target)
    card_ids = sorted(c.id for c in col.get_note(nid).cards())
    all_notes = sorted(col.find_notes(""))
    answer_good(col, card_ids[0])
    assert col.db.scalar("select count() from revlog where cid = ?", card_ids[0]) == 1

    new_prompt = "Roughly how many hours of sleep does an adult need each night?"
    edited = with_question(bank, target.id, prompt=new_prompt)
    # as the timestamps module gives them: only the edited question's time moves forward
    times = {q.id: T0 for q in bank.questions} | {target.id: T0 + 60}
    log = import_apkg(col, render_apkg([edited], T0 + 60, times), tmp_path, "v2.apkg")

    assert len(log.updated) == 1
    assert len(log.new) == 0
    assert len(log.conflicting) == 0
    assert sorted(col.find_notes("")) == all_notes
    note = col.get_note(nid)
    assert note["Prompt"] == new_prompt
    assert sorted(c.id for c in note.cards()) == card_ids
    assert col.db.scalar("select count() from revlog where cid = ?", card_ids[0]) == 1
    assert col.get_card(card_ids[0]).reps == 1
    assert len(col.models.all_names_and_ids()) == len(_stock_and_ours(col))


def _stock_and_ours(col: Collection) -> list[str]:
    names = [n.name for n in col.models.all_names_and_ids()]
    assert len(names) == len(set(names)), f"a note type was duplicated: {names}"
    return names


def test_edit_with_unchanged_timestamp_is_skipped(col: Collection, tmp_path: Path) -> None:
    """Why the build epoch must move forward: Anki skips an edited note that is not newer."""
    bank = _example()[0]
    import_apkg(col, render_apkg([bank], T0), tmp_path, "v1.apkg")
    edited = with_question(bank, "ex-003", back="Seven hours or so.")
    log = import_apkg(col, render_apkg([edited], T0), tmp_path, "v2.apkg")
    assert len(log.updated) == 0


def test_deleted_question_does_not_break_import(col: Collection, tmp_path: Path) -> None:
    bank = _example()[0]
    import_apkg(col, render_apkg([bank], T0), tmp_path, "v1.apkg")
    smaller = with_question(without_question(bank, "ex-005"), "ex-002", prompt="Adults need sleep.")
    times = {q.id: T0 for q in bank.questions} | {"ex-002": T0 + 60}
    log = import_apkg(col, render_apkg([smaller], T0 + 60, times), tmp_path, "v2.apkg")
    assert len(log.new) == 0
    assert len(log.conflicting) == 0
    assert len(log.updated) == 1
    assert len(log.updated) + len(log.duplicate) == len(smaller.questions)
    assert col.note_count() == len(bank.questions)  # Anki keeps the learner's old note

    fresh = Collection(str(tmp_path / "fresh.anki2"))
    try:
        log = import_apkg(fresh, render_apkg([smaller], T0 + 60), tmp_path, "v2-fresh.apkg")
        assert len(log.new) == len(smaller.questions) == fresh.note_count()
        assert fresh.card_count() == sum(q.card_count() for q in smaller.questions)
    finally:
        fresh.close()


def test_what_a_reimport_leaves_to_the_learner_is_as_the_readme_says(col: Collection, tmp_path: Path) -> None:
    """README, "What a re-import cannot do": a removed question's note stays, a moved question's
    card stays in its old subdeck (updated), and the search the README gives finds each."""
    bank = _example()[0]
    import_apkg(col, render_apkg([bank], T0), tmp_path, "v1.apkg")
    moved = next(q for q in bank.questions if q.id == "ex-003")
    assert moved.source.section == "intro"
    edited = with_question(
        without_question(bank, "ex-002"), "ex-003", source=dataclasses.replace(moved.source, section="habits")
    )
    times = {q.id: T0 for q in bank.questions} | {"ex-003": T0 + 60}
    log = import_apkg(col, render_apkg([edited], T0 + 60, times), tmp_path, "v2.apkg")
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 1, 0)

    (removed,) = col.find_notes('"Question ID:ex-002"')  # the README's search
    assert col.get_note(removed)["Question ID"] == "ex-002"
    (still_there,) = col.find_notes('"Question ID:ex-003"')
    note = col.get_note(still_there)
    assert "Sleep Habits" in note["Source"]  # updated in place ...
    (card,) = note.cards()
    assert col.decks.name(card.did) == deck_name(bank, "intro")  # ... but not moved

    # a question whose type changed keeps its old note (hence: a new id)
    retyped = with_question(bank, "ex-001", type=QuestionType.TRUE_FALSE, options=(), correct=(), truth=True)
    log = import_apkg(col, render_apkg([retyped], T0 + 120, {"ex-001": T0 + 120}), tmp_path, "v3.apkg")
    assert len(log.conflicting) == 1
    (old,) = col.find_notes('"Question ID:ex-001"')
    assert col.get_note(old).note_type()["id"] == anki.CHOICE_MODEL_ID


# --- determinism --------------------------------------------------------------------------------


def test_byte_identical_rebuild() -> None:
    first = render_apkg(_example(), T0)
    second = render_apkg(_example(), T0)
    assert first == second
    assert render_apkg(_example(), T0 + 1) != first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert [i.filename for i in archive.infolist()] == ["collection.anki2", "media"]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_deck_deflated_in_many_pieces_imports_whole(
    col: Collection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The collection is deflated in pieces (256 KiB: a big deck has dozens), every second one on
    # another thread, one after another a single deflate stream. Pieces of 4 KiB here, so that
    # Anki's own importer reads a stream of many: the same notes and cards as from one piece.
    banks = _shipped()
    whole = render_apkg(banks, T0)
    monkeypatch.setattr(ziparchive, "CHUNK", 4096)
    pieces = render_apkg(banks, T0)
    assert pieces != whole
    with zipfile.ZipFile(io.BytesIO(pieces)) as archive, zipfile.ZipFile(io.BytesIO(whole)) as one:
        assert archive.getinfo("collection.anki2").file_size > 40 * 4096
        assert archive.read("collection.anki2") == one.read("collection.anki2")
    log = import_apkg(col, pieces, tmp_path)
    assert len(log.new) == sum(len(b.questions) for b in banks)
    other = Collection(str(tmp_path / "other.anki2"))
    try:
        import_apkg(other, whole, tmp_path, "whole.apkg")
        # the same notes, and each card in the deck of the same name (ids of new decks may differ)
        rows = "select guid, mid, n.mod, tags, flds, ord, d.name from notes n, cards c, decks d"
        rows += " where c.nid = n.id and d.id = c.did"
        assert sorted(col.db.all(rows)) == sorted(other.db.all(rows))
        assert col.card_count() == other.card_count() == sum(b.card_count() for b in banks)
    finally:
        other.close()


def test_two_banks_in_one_package(col: Collection, tmp_path: Path) -> None:
    bank = _example()[0]
    other = dataclasses.replace(
        bank,
        id="other",
        deck="Other Deck",
        questions=tuple(dataclasses.replace(q, id=f"o-{q.id}") for q in bank.questions),
    )
    log = import_apkg(col, render_apkg([bank, other], T0), tmp_path)
    assert len(log.new) == 2 * len(bank.questions)
    assert len(log.conflicting) == 0
    assert len(col.find_notes('"deck:Other Deck"')) == len(bank.questions)
    assert len(col.find_notes("tag:other")) == len(bank.questions)


# --- the command ------------------------------------------------------------------------------


def test_command_rebuild_updates_only_the_edited_note(
    col: Collection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without SOURCE_DATE_EPOCH: same bank, same bytes; one edit, one updated note."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    bank_dir = tmp_path / "bank"
    shutil.copytree(EXAMPLE, bank_dir)
    out = tmp_path / "out" / "deck.apkg"
    runner = CliRunner()

    def build() -> bytes:
        result = runner.invoke(main, ["anki", str(bank_dir), "-o", str(out)])
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    first = build()
    assert build() == first
    assert len(import_apkg(col, first, tmp_path, "v1.apkg").new) == 6

    habits = bank_dir / "habits.yaml"
    habits.write_text(habits.read_text().replace("keep you awake?", "keep a person awake?"))
    log = import_apkg(col, build(), tmp_path, "v2.apkg")
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 1, 0)
    assert "keep a person awake?" in log.updated[0].fields[0]


def test_a_change_only_in_rendered_fields_updates_the_notes(
    col: Collection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bank stays the same; only what the cards show changes (here the option order, as a
    shuffle or a translated label would): the rebuilt notes are newer, so Anki updates them."""
    import quizgen.study.selection

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "out" / "deck.apkg"
    runner = CliRunner()

    def build() -> bytes:
        result = runner.invoke(main, ["anki", str(EXAMPLE), "-o", str(out)])
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    assert len(import_apkg(col, build(), tmp_path, "v1.apkg").new) == 6

    def reversed_order(
        seed: object, bank_id: str, question_id: str, count: int, keep_order: bool = False
    ) -> tuple[int, ...]:
        return tuple(reversed(range(count)))  # not the build's own shuffled order

    monkeypatch.setattr(quizgen.study.selection, "option_order", reversed_order)
    log = import_apkg(col, build(), tmp_path, "v2.apkg")
    choice_ids = {q.id for q in _example()[0].questions if q.options}
    assert (len(log.new), len(log.conflicting)) == (0, 0)
    assert {n.fields[-1] for n in log.updated} == choice_ids  # the Question ID field
    (bank,) = _example()
    for q in bank.questions:
        if q.options:
            note = col.get_note(note_id_for(col, bank, q))
            assert note["Options"].index(q.options[-1]) < note["Options"].index(q.options[0])


def test_command_is_reproducible_under_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runner = CliRunner()
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name / "deck.apkg"
        result = runner.invoke(main, ["anki", str(EXAMPLE), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "6 notes, 7 cards" in result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == render_apkg(_example(), 1_700_000_000)


def test_command_needs_an_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["anki", str(EXAMPLE)])
    assert result.exit_code == 2
    assert "Missing option '-o'" in result.output


def test_command_writes_nothing_when_the_deck_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    result = CliRunner().invoke(main, ["anki", str(EXAMPLE), "-o", str(blocker / "deck.apkg")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write {blocker / 'deck.apkg'}: ")
    assert not list(tmp_path.glob("**/.quizgen-epoch.json"))


# --- bank text never takes control of a card (issue 16) ----------------------------------------


def test_control_character_in_a_field_never_breaks_the_deck(col: Collection, tmp_path: Path) -> None:
    """U+001F is Anki's field separator: a field holding it must not shift the note's fields.

    The loader refuses control characters; the deck writer drops them as well, so a bank built
    some other way still imports whole through the official importer.
    """
    bank = with_question(_example()[0], "ex-003", prompt="How much\x1f sleep\x00?", back="Seven\x1b[31m")
    log = import_apkg(col, render_apkg([bank], T0), tmp_path)
    assert len(log.new) == len(bank.questions)
    question = {q.id: q for q in bank.questions}["ex-003"]
    note = col.get_note(note_id_for(col, bank, question))
    assert len(note.fields) == 7
    assert note.fields[0] == "How much sleep?" and note.fields[1] == "Seven&#91;31m"


def test_article_url_cannot_carry_a_sound_tag(col: Collection, tmp_path: Path) -> None:
    bank = _example()[0]
    article = dataclasses.replace(bank.article, url="https://example.com/[sound:x.mp3]")
    bank = dataclasses.replace(bank, article=article)
    import_apkg(col, render_apkg([bank], T0), tmp_path)
    for question in bank.questions:
        for card in col.get_note(note_id_for(col, bank, question)).cards():
            output = card.render_output()
            assert output.answer_av_tags == [] and output.question_av_tags == []
            assert "[sound:" not in output.answer_text


# --- subdecks in article order ---------------------------------------------------------------


def _subdecks(col: Collection, parent: str) -> list[tuple[str, int]]:
    """The children of deck `parent` as Anki lists them, with their card counts."""
    node = col.decks.find_deck_in_tree(col.decks.deck_tree(), col.decks.id_for_name(parent))
    assert node is not None
    return [(f"{parent}::{c.name}", len(col.find_cards(f"did:{c.deck_id}"))) for c in node.children]


def _old_deck_name(bank: Bank, section_id: str) -> str:
    """The subdeck names of earlier builds: the section title alone (listed alphabetically)."""
    return f"{bank.deck}::{bank.section_title(section_id)}"


@pytest.mark.parametrize("which", sorted(BANK_SETS))
def test_subdecks_list_and_study_in_article_order(col: Collection, tmp_path: Path, which: str) -> None:
    banks = BANK_SETS[which]()
    import_apkg(col, render_apkg(banks, T0), tmp_path)
    for bank in banks:
        with_questions = [s for s in bank.article.sections if bank.questions_in(s.id)]
        listed = [name for name, _ in _subdecks(col, bank.deck)]
        assert listed == [deck_name(bank, s.id) for s in with_questions]
        # studying the parent deck serves the first section's cards first
        col.decks.select(col.decks.id_for_name(bank.deck))
        first = col.sched.get_queued_cards(fetch_limit=1).cards[0].card
        assert col.decks.name(first.deck_id) == deck_name(bank, with_questions[0].id)


def test_subdeck_numbers_are_padded_from_ten_sections() -> None:
    (bank,) = _example()
    many = tuple(
        dataclasses.replace(bank.article.sections[0], id=f"s{i}", title=f"Part {i}") for i in range(12)
    )
    big = dataclasses.replace(bank, article=dataclasses.replace(bank.article, sections=many))
    assert deck_name(big, "s0") == "Example Bank::01. Part 0"
    assert deck_name(big, "s11") == "Example Bank::12. Part 11"
    assert deck_name(bank, "habits") == "Example Bank::2. Sleep Habits"


def test_reimport_over_the_old_subdeck_names(
    col: Collection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a learner who imported a build with the old names sees, and the clean way (README)."""
    banks = [b for b in _shipped() if b.translates is None]  # the English deck
    (bank,) = banks
    with monkeypatch.context() as m:
        m.setattr("quizgen.outputs.anki.deck_name", _old_deck_name)
        old = render_apkg(banks, T0)
    new = render_apkg(banks, T0 + 60)
    sections = [s for s in bank.article.sections if bank.questions_in(s.id)]
    counts = {s.id: sum(q.card_count() for q in bank.questions_in(s.id)) for s in sections}

    import_apkg(col, old, tmp_path, "old.apkg")
    log = import_apkg(col, new, tmp_path, "new.apkg")
    # Anki finds decks by name: the cards (and their history) stay in the old subdecks, and the
    # new numbered subdecks are made, empty, beside them.
    assert len(log.updated) == len(bank.questions) and not log.new
    subdecks = dict(_subdecks(col, bank.deck))
    for s in sections:
        assert subdecks[_old_deck_name(bank, s.id)] == counts[s.id]
        assert subdecks[deck_name(bank, s.id)] == 0

    # The clean way: rename the old subdecks to the new names before importing.
    clean = Collection(str(tmp_path / "clean.anki2"))
    try:
        import_apkg(clean, old, tmp_path, "old.apkg")
        for s in sections:
            old_id = clean.decks.id_for_name(_old_deck_name(bank, s.id))
            clean.decks.rename(old_id, deck_name(bank, s.id))
        log = import_apkg(clean, new, tmp_path, "new.apkg")
        assert len(log.updated) == len(bank.questions) and not log.new
        assert _subdecks(clean, bank.deck) == [(deck_name(bank, s.id), counts[s.id]) for s in sections]
    finally:
        clean.close()


def test_note_guids_are_genankis() -> None:
    """`note_guid` computes genanki.guid_for(bank id, question id) itself: the same GUIDs."""
    import genanki

    bank = load_banks([EVERY_KEY])[0]
    for question in bank.questions:
        assert note_guid(bank, question) == genanki.guid_for(bank.id, question.id)
    for qid in ["a", "x" * 300, "é-ü.日本", "0", "q-1_2.3", *(f"card-{i:06d}" for i in range(3000))]:
        q = dataclasses.replace(bank.questions[0], id=qid)
        assert note_guid(bank, q) == genanki.guid_for(bank.id, qid)


def test_deck_notes_carry_genankis_guids() -> None:
    """Every note of the decks `build_decks` makes has genanki.guid_for(bank id, question id),
    a bank id outside ASCII too (the deck makes the GUIDs from each bank's id once)."""
    import genanki

    banks = load_banks([EVERY_KEY]) + _example()
    banks[0] = dataclasses.replace(banks[0], id="bänk-日本")
    try:
        decks = anki.build_decks(banks)
    finally:
        for bank in banks:
            anki._notes_memo.pop(id(bank), None)
    guids = [note.guid for deck in decks for note in deck.notes]
    expected = [
        genanki.guid_for(bank.id, q.id)
        for bank in banks
        for section in bank.article.sections
        for q in bank.questions_in(section.id)
    ]
    assert guids == expected and len(set(guids)) == sum(len(b.questions) for b in banks)


def test_guid_digits_are_genankis_at_every_length() -> None:
    """The base-91 text of numbers with every count of digits, and at the edges, is what
    genanki's loop over digits makes (its GUIDs are made from numbers below 2**64)."""

    def genanki_base91(number: int) -> str:  # genanki.guid_for, after the hash
        table = anki._BASE91
        digits = []
        while number > 0:
            digits.append(table[number % 91])
            number //= 91
        return "".join(reversed(digits))

    numbers = {0, 1, 2**64 - 1, 2**63, 8280, 8281, 8282}
    for k in range(1, 11):
        numbers |= {91**k - 1, 91**k, 91**k + 1, 2 * 91**k, 90 * 91**k + 5}
    numbers |= {random.Random(k).randrange(2**64) >> random.Random(-k).randrange(64) for k in range(2000)}
    for number in sorted(n for n in numbers if n < 2**64):
        assert anki._base91(number) == genanki_base91(number), number


def test_notes_made_together_carry_each_questions_own_tags() -> None:
    """The tags a bank's notes share are made once per set of tags and difficulty: every note
    still gets its question's tags (`note_tags`), in a list of its own."""
    bank = load_banks([EVERY_KEY])[0]
    first = bank.questions[0]
    easy, hard = (dataclasses.replace(first, difficulty=d) for d in (Difficulty.EASY, Difficulty.HARD))
    same_tags = dataclasses.replace(bank.questions[1], tags=first.tags)
    bank = dataclasses.replace(bank, questions=(*bank.questions, easy, hard, same_tags))
    parts = anki._BankParts(bank)
    made = [anki._note_content(parts, q).tags for q in bank.questions]
    assert made == [note_tags(bank, q) for q in bank.questions]
    assert made[-3] != made[-2]
    assert len({id(tags) for tags in made}) == len(made)


def _database(apkg: bytes) -> dict[str, object]:
    """Everything an .apkg holds but the layout of its database's pages: the media list, the
    schema (every table and index, as SQL) and every row of every table, in rowid order."""
    with zipfile.ZipFile(io.BytesIO(apkg)) as archive:
        media, db = archive.read("media"), archive.read("collection.anki2")
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(db)
        schema = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
        out: dict[str, object] = {"media": media, "schema": schema}
        for kind, name, _, _ in schema:
            if kind == "table":
                out[name] = conn.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
    finally:
        conn.close()
    return out


def test_decks_hold_what_genanki_writes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The deck holds what genanki's own writer (genanki.Note objects written by
    genanki.Package.write_to_file) writes from the same decks: the same schema and the same rows
    in every column of every table, for every question type (cloze cards included). Only the
    page layout differs (notes and cards are inserted in two batches, the indexes made last)."""
    import genanki

    banks = load_banks([EVERY_KEY]) + _example()
    times = {b.note_key(q): T0 - i for b in banks for i, q in enumerate(b.questions)}
    ours = _database(render_apkg(banks, T0, times))

    class GenankiNote(genanki.Note):  # type: ignore[misc]
        def __init__(
            self, model: object, fields: list[str], tags: list[str], guid: str, mtime: float
        ) -> None:
            super().__init__(model=model, fields=fields, tags=tags, guid=guid)
            self.mtime = mtime

        def write_to_db(self, cursor: object, timestamp: float, deck_id: int, id_gen: object) -> None:
            super().write_to_db(cursor, timestamp if self.mtime is None else self.mtime, deck_id, id_gen)

    monkeypatch.setattr(anki, "_DeckNote", GenankiNote)
    try:
        genanki.Package(anki.build_decks(banks, times)).write_to_file(tmp_path / "genanki.apkg", timestamp=T0)
    finally:
        for bank in banks:
            anki._notes_memo.pop(id(bank), None)
    theirs = _database((tmp_path / "genanki.apkg").read_bytes())
    notes, cards = ours["notes"], ours["cards"]
    assert isinstance(notes, list) and isinstance(cards, list)
    assert len(cards) > len(notes) == sum(len(b.questions) for b in banks)  # cloze notes have more cards
    assert ours == theirs


def test_genanki_is_imported_without_asyncio_and_writes_the_same_deck() -> None:
    """The stand-in for cached_property that keeps asyncio out changes no byte of a deck."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "if sys.argv[2] == 'real':\n"
        "    import cached_property\n"
        "from quizgen.bank.loader import load_banks\n"
        "from quizgen.outputs.anki import render_apkg\n"
        "data = render_apkg(load_banks([Path(sys.argv[1])]), 1_700_000_000)\n"
        "assert ('asyncio' in sys.modules) == (sys.argv[2] == 'real'), sorted(sys.modules)\n"
        "sys.stdout.buffer.write(data)\n"
    )
    decks = [
        subprocess.run(
            [sys.executable, "-c", code, str(EVERY_KEY), how], capture_output=True, check=True
        ).stdout
        for how in ("stand-in", "real")
    ]
    assert decks[0] == decks[1]
    assert decks[0][:2] == b"PK"
