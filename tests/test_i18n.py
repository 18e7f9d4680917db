"""Interface text from message catalogs: complete and current catalogs, every output of a Spanish
bank in Spanish (and the English ones in English), the not-reviewed line, note types per language."""

from __future__ import annotations

import dataclasses
import gettext
import html
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import BANKS, EXAMPLE, REPO
from pypdf import PdfReader

from quizgen import i18n
from quizgen.bank.loader import load_banks
from quizgen.bank.model import Bank
from quizgen.outputs import anki
from quizgen.outputs.handout import render_answer_key_html, render_handout_html
from quizgen.outputs.printing import PrintOptions, render_answer_key, render_flashcards, render_quiz

EXAMPLE_ES = BANKS / "valid" / "example-es"
LOCALE = REPO / "quizgen" / "locale"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _catalog(lang: str) -> dict[str, str]:
    with (LOCALE / lang / "LC_MESSAGES" / "quizgen.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and isinstance(m.id, str)}


# ------------------------------------------------------------------ the catalogs


def test_template_holds_every_marked_string() -> None:
    """quizgen.pot is what Babel extracts from the code now (refresh: python -m quizgen.i18n)."""
    found = extract_from_dir(str(REPO / "quizgen"), method_map=[("**.py", "python")])
    extracted = {m if isinstance(m, str) else m[0] for _, _, m, _, _ in found} | set(i18n.web_messages())
    with (LOCALE / "quizgen.pot").open("rb") as f:
        committed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert extracted == committed, "quizgen/locale is stale: run `python -m quizgen.i18n`"


def test_no_marked_text_hides_inside_an_f_string() -> None:
    """Babel extracts nothing from inside an f-string, so `f"{_('Correct')}"` would stay English in
    every language: translate first, then format."""
    import tokenize

    call = re.compile(r"\b(?:_|gettext|ngettext)\(\s*[\"']")
    hidden = []
    for path in sorted((REPO / "quizgen").rglob("*.py")):
        with path.open("rb") as f:
            for tok in tokenize.tokenize(f.readline):
                f_string = tok.type == tokenize.STRING and tok.string[:2].lower() in ("f'", 'f"', "rf", "fr")
                if f_string and call.search(tok.string):
                    hidden.append(f"{path.relative_to(REPO)}:{tok.start[0]}")
    assert hidden == []


@pytest.mark.parametrize("lang", i18n.catalog_languages())
def test_catalog_is_complete_and_keeps_placeholders(lang: str) -> None:
    with (LOCALE / "quizgen.pot").open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with (LOCALE / lang / "LC_MESSAGES" / "quizgen.po").open("rb") as f:
        po = read_po(f)
    messages = {m.id: m for m in po if m.id}
    assert set(messages) == wanted
    for mid, m in messages.items():
        assert m.string and "fuzzy" not in m.flags, f"{lang}: translate {mid!r}"
        assert sorted(PLACEHOLDER.findall(str(m.string))) == sorted(PLACEHOLDER.findall(str(mid))), mid


@pytest.mark.parametrize("lang", i18n.catalog_languages())
def test_compiled_catalog_is_current(lang: str) -> None:
    """The committed .mo (what the run time reads) says what the .po says."""
    with (LOCALE / lang / "LC_MESSAGES" / "quizgen.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for mid, text in _catalog(lang).items():
        assert compiled.gettext(mid) == text, f"{lang}: quizgen.mo is stale: run `python -m quizgen.i18n`"


def test_language_falls_back_to_its_base_then_english() -> None:
    assert i18n.translator("es-MX").gettext("True") == "Verdadero"
    assert i18n.translator("fr").gettext("True") == "True"
    assert i18n.has_catalog("en-GB") and i18n.has_catalog("es") and not i18n.has_catalog("fr")


# ------------------------------------------------------------------ outputs in the bank's language


def _fragments(message: str) -> list[str]:
    """The literal pieces of a message (between placeholders) long enough to recognise."""
    return [p.strip() for p in PLACEHOLDER.split(message) if len(p.strip()) >= 4]


CATALOG_ES = _catalog("es")
ENGLISH = sorted({f for mid, text in CATALOG_ES.items() if mid != text for f in _fragments(mid)})
SPANISH = sorted({f for mid, text in CATALOG_ES.items() if mid != text for f in _fragments(text)})


def _plain(text: str) -> str:
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)  # class names are not text
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _foreign(text: str, fragments: list[str]) -> list[str]:
    flat = _plain(text)
    return [f for f in fragments if f in flat]


# Common English words no Spanish output should hold outside the bank's own text (the catalog scan
# above finds only messages already in the catalog; a literal a renderer forgot is found here).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|this|that|your|you|with|from|for|not|is|are|it|on|at|by|all|apply|choose|"
    r"take|quiz|online|code|page|card|cards|answer|answers|question|questions|key|true|false|why|"
    r"section|article|says|translation|reviewed|print|cut|fold|front|back)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S+")


def _english_words(text: str, bank: Bank) -> list[str]:
    """English words in an output of `bank`, leaving out addresses and the article's title (an
    English article keeps its name), and counting image descriptions (alt) as text."""
    alts = " ".join(html.unescape(a) for a in re.findall(r'\balt="([^"]*)"', text))
    flat = _URL.sub(" ", f"{_plain(text)} {alts}").replace(bank.article.title, " ")
    return sorted({m.group(0) for m in ENGLISH_WORDS.finditer(flat)})


PUBLISH_URL = "https://example.org/sueno.html"  # no English word, should a PDF line break it


@pytest.fixture(scope="module")
def editions() -> tuple[Bank, Bank]:
    """Both example banks, published (so the printed outputs show the address and its QR code)."""
    en, es = load_banks([EXAMPLE, EXAMPLE_ES])
    return dataclasses.replace(en, publish_url=PUBLISH_URL), dataclasses.replace(es, publish_url=PUBLISH_URL)


def _pdf_text(data: bytes) -> str:
    """The PDF's text as read back, then the alternative texts of its images (the QR code)."""
    reader = PdfReader(io.BytesIO(data))
    alts: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            walk(node.get("/K", []))

    walk(reader.trailer["/Root"].get("/StructTreeRoot", {}))
    return "\n".join([*(page.extract_text() or "" for page in reader.pages), *alts])


def _printed(bank: Bank) -> dict[str, str]:
    """Every printed output of a bank, as text read back (PDFs) or the page (HTML)."""
    normal = PrintOptions(timestamp=0)
    large = PrintOptions(timestamp=0, large_print=True)
    return {
        "quiz.pdf": _pdf_text(render_quiz([bank], normal)),
        "key.pdf": _pdf_text(render_answer_key([bank], large)),
        "cards.pdf": _pdf_text(render_flashcards([bank], normal)),
        "fold.pdf": _pdf_text(render_flashcards([bank], large, fold=True)),
        "handout.html": render_handout_html([bank], normal),
        "key.html": render_answer_key_html([bank], normal),
    }


@pytest.fixture(scope="module")
def printed(editions: tuple[Bank, Bank]) -> dict[str, dict[str, str]]:
    en, es = editions
    return {"en": _printed(en), "es": _printed(es)}


NOTICE_ES = "Esta traducción todavía no ha sido revisada por un profesional de la salud."


def test_no_english_interface_text_in_spanish_print(
    printed: dict[str, dict[str, str]], editions: tuple[Bank, Bank]
) -> None:
    es = editions[1]
    for name, text in printed["es"].items():
        assert _foreign(text, ENGLISH) == [], name
        assert _english_words(text, es) == [], name
        assert NOTICE_ES in _plain(text), name  # not reviewed: every output says so
    # the published address and its QR code, labelled in Spanish on paper and in the handout
    for name in ("quiz.pdf", "key.pdf", "handout.html"):
        assert "Haga este cuestionario en internet:" in _plain(printed["es"][name]), name
        assert f"Código QR de {PUBLISH_URL}" in printed["es"][name], name


def test_no_spanish_interface_text_in_english_print(printed: dict[str, dict[str, str]]) -> None:
    for name, text in printed["en"].items():
        assert _foreign(text, SPANISH) == [], name


def test_documents_declare_their_language(printed: dict[str, dict[str, str]]) -> None:
    assert '<html lang="es">' in printed["es"]["handout.html"]
    assert '<html lang="en">' in printed["en"]["handout.html"]
    assert "Página 1 de 2" in printed["es"]["quiz.pdf"]


def test_the_not_reviewed_line_goes_once_a_review_is_recorded(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "example")
    shutil.copytree(EXAMPLE_ES, tmp_path / "example-es")
    meta = tmp_path / "example-es" / "bank.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(
            "reviewed_by: null",
            'reviewed_by: {name: "Ana Pérez", qualification: "Enfermera y educadora en salud", '
            'date: "2026-12-01"}',
        ),
        encoding="utf-8",
    )
    (es,) = [b for b in load_banks([tmp_path / "example", tmp_path / "example-es"]) if b.id == "example-es"]
    assert not es.unreviewed_translation
    options = PrintOptions(timestamp=0)
    for text in (
        _pdf_text(render_quiz([es], options)),
        render_handout_html([es], options),
        anki.deck_description(es),
        *(f for q in es.questions for f in anki.anki_fields(es, q)),
    ):
        assert "revisada" not in text


# ------------------------------------------------------------------ Anki


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def _import(col: Collection, data: bytes, path: Path) -> object:
    path.write_bytes(data)
    request = ImportAnkiPackageRequest(
        package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=False)
    )
    return col.import_anki_package(request).log


def test_spanish_note_types_have_their_own_ids_and_english_keep_theirs() -> None:
    english = {s.model_id for s in anki.specs_for("en").values()}
    assert english == {s.model_id for s in anki.MODEL_SPECS} == set(range(1_733_104_001, 1_733_104_006))
    assert {s.model_id for s in anki.specs_for("en-GB").values()} == english
    spanish = {s.model_id for s in anki.specs_for("es").values()}
    assert len(spanish) == 5 and not spanish & english
    assert {s.model_id for s in anki.specs_for("es").values()} == spanish  # stable
    # a card template keeps the id of its English name in every language
    for en_spec, es_spec in zip(anki.specs_for("en").values(), anki.specs_for("es").values(), strict=True):
        en_model, es_model = en_spec.build(), es_spec.build()
        assert [t["name"] for t in en_model.templates] == list(en_spec.template_keys)
        assert [t["name"] for t in es_model.templates] != [t["name"] for t in en_model.templates]
        for spec, model in ((en_spec, en_model), (es_spec, es_model)):
            keys = spec.template_keys
            assert [t["id"] for t in model.templates] == [
                anki._stable_id("template", str(spec.model_id), k) for k in keys
            ]


def test_spanish_deck_imports_beside_the_english_one(
    col: Collection, tmp_path: Path, editions: tuple[Bank, Bank]
) -> None:
    en, es = editions
    log_en = _import(col, anki.render_apkg([en], 1_700_000_000), tmp_path / "en.apkg")
    log_es = _import(col, anki.render_apkg([es], 1_700_000_000), tmp_path / "es.apkg")
    for log in (log_en, log_es):
        assert len(log.new) == 6 and not log.conflicting and not log.duplicate  # type: ignore[attr-defined]
    assert len(col.find_notes("")) == 12
    names = {m["name"] for m in col.models.all()}
    assert "quizgen: multiple choice" in names and "quizgen: opción múltiple (es)" in names
    # every rendered card of each deck in its own language
    for bank, foreign in ((es, ENGLISH), (en, SPANISH)):
        deck = col.decks.id_for_name(bank.deck)
        assert deck is not None
        for cid in col.find_cards(f'"deck:{bank.deck}"'):
            out = col.get_card(cid).render_output(reload=True)
            for side in (out.question_text, out.answer_text):
                assert _foreign(side, foreign) == [], (bank.id, _plain(side))
            if bank is es:
                assert NOTICE_ES in _plain(out.answer_text)
                # [[type:Answer]] is where Anki puts the typing box: a field name, never shown
                shown = re.sub(r"\[\[type:[^\]]*\]\]", " ", out.question_text + " " + out.answer_text)
                assert _english_words(shown, es) == [], _plain(shown)
    # what Anki's browser and card list show of the note types: names and card (template) names
    for m in col.models.all():
        if m["name"].endswith(" (es)"):
            shown = " ".join([m["name"].removeprefix("quizgen: "), *(t["name"] for t in m["tmpls"])])
            assert _english_words(shown, es) == [], shown
    assert _english_words(anki.deck_description(es), es) == []


# ------------------------------------------------------------------ the web page


def test_web_page_strings_come_from_the_catalog(editions: tuple[Bank, Bank]) -> None:
    from quizgen.outputs import web
    from quizgen.outputs.web import render_web_page, strings

    english, spanish = strings("en"), strings("es")
    assert english.keys() == spanish.keys()
    same = {k for k in english if english[k] == spanish[k]}
    assert same == {"blank_hint", "section_option", "blank_right"}  # no words in them
    en, es = editions
    page = render_web_page([es], es.language)
    assert '<html lang="es"' in page and NOTICE_ES in page
    assert NOTICE_ES not in render_web_page([en], en.language)
    # what a reader without JavaScript sees: the questions, the key and the footer
    table = strings("es")
    fallback = "\n".join(
        web._static_questions([es], table) + web._static_key([es], table) + web._footer([es], table)
    )
    assert _foreign(fallback, ENGLISH) == []


def test_terminal_quiz_of_an_unreviewed_translation_says_so(in_repo: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from quizgen.cli import main

    env = {"QUIZGEN_DATA_DIR": str(tmp_path), "NO_COLOR": "1"}
    spanish = CliRunner().invoke(
        main, ["quiz", "tests/banks/valid/example-es", "--count", "1"], input="q\n", env=env
    )
    assert NOTICE_ES in spanish.output
    english = CliRunner().invoke(
        main, ["quiz", "tests/banks/valid/example", "--count", "1"], input="q\n", env=env
    )
    assert "revisada" not in english.output


# ------------------------------------------------------------------ quotes in a translation

QUOTE_EN = "The article says:"
QUOTE_ES = "Traducción de lo que dice el artículo original:"


def _with_quote(bank: Bank, quote: str) -> Bank:
    """The bank with one quote on its first question (the example banks have none)."""
    first = dataclasses.replace(bank.questions[0], evidence=(quote,))
    return dataclasses.replace(bank, questions=(first, *bank.questions[1:]))


def _quote_shown(bank: Bank) -> dict[str, str]:
    """Every output that shows a question's quote, as text: Anki back, key PDF and HTML, the web
    page (its script's data and its no-script key) and the terminal's feedback line."""
    from quizgen.bank.evidence import evidence_lines
    from quizgen.outputs import web

    table = web.strings(bank.language)
    return {
        "anki": anki.source_html(bank, bank.questions[0]),
        "key.pdf": " ".join(_pdf_text(render_answer_key([bank], PrintOptions(timestamp=0))).split()),
        "key.html": render_answer_key_html([bank], PrintOptions(timestamp=0)),
        "web data": web.page_data([bank], bank.language)["banks"][0]["quote_label"],
        "web no-script": "\n".join(web._static_key([bank], table, bank.language)),
        "terminal": evidence_lines(bank, bank.questions[0])[0].plain,
    }


def test_a_translations_quotes_are_labelled_as_translated(editions: tuple[Bank, Bank]) -> None:
    """A translation's quotes are the translator's words for the original article's: every output
    says so; an original's say "The article says:"."""
    en, es = editions
    spanish = _quote_shown(_with_quote(es, "La mayoría de los adultos necesita unas siete horas."))
    english = _quote_shown(_with_quote(en, "Most adults need about seven hours of sleep a night."))
    for name, text in spanish.items():
        assert QUOTE_ES in _plain(text), name
        assert "El artículo dice:" not in _plain(text) and QUOTE_EN not in text, name
    for name, text in english.items():
        assert QUOTE_EN in _plain(text), name
        assert "Translation of" not in text and QUOTE_ES not in text, name


# ------------------------------------------------------------------ output/README.md


def _readme(banks: tuple[Bank, ...]) -> str:
    from quizgen.outputs.build import OUTPUTS, Output, readme_md

    details = {".apkg": "6 notes, 6 cards", ".json": "6 questions"}
    details["-meeting-quiz.pdf"] = "1 question, 1 page, A4"
    outputs = [
        Output(b.id, f"{b.id}{k.suffix}", k.purpose, b"", details.get(k.suffix, "2 pages, US letter"))
        for b in banks
        for k in OUTPUTS
    ]
    return readme_md(banks, outputs)


def test_output_readme_has_a_whole_part_per_language(editions: tuple[Bank, Bank]) -> None:
    """A facilitator who reads Spanish finds every part of output/README.md in Spanish (their banks'
    files, printing, the web page, importing the deck), pointed to from the top; the English part
    stays English."""
    en, es = editions
    readme = _readme((en, es))
    english, spanish = readme.split("\n# Archivos de quizgen\n")
    pointer = "**Esta guía en español: [Archivos de quizgen](#archivos-de-quizgen), más abajo.**"
    assert pointer in readme.splitlines()[:8]
    # what is left once file names, commands, the article's title and addresses are set aside
    prose = re.sub(r"`[^`]*`", " ", spanish)
    assert _english_words(prose, es) == [], _english_words(prose, es)
    for heading in ("## Cómo imprimir", "## La página web", "## Cómo importar el mazo"):
        assert heading in spanish
    assert "| 6 notas, 6 tarjetas |" in spanish and "| 2 páginas, carta (EE. UU.) |" in spanish
    assert "| 1 pregunta, 1 página, A4 |" in spanish
    assert "## Printing" in english and "| 2 pages, US letter |" in english
    assert _foreign(english.replace(pointer, ""), SPANISH) == []
    # one language, one part, no pointer
    alone = _readme((es,))
    assert alone.startswith("# Archivos de quizgen\n") and "más abajo" not in alone
    assert _readme((en,)).startswith("# quizgen outputs\n")


def test_spanish_joins_de_and_el_before_a_reference_title() -> None:
    """A Spanish reference title written with its article reads "Del resumen ...", never
    "De el resumen ..." (terminal, key, handout, Anki, printed safety notes)."""
    from quizgen.bank.evidence import reference_line
    from quizgen.bank.model import Reference

    summary = Reference("ema", "el resumen de la EMA sobre Lupkynis", "EMA", "https://example.org/ema")
    named = Reference("pais", "El País: salud", "PRISA", "https://example.org/pais")
    es = i18n.translator("es").gettext
    assert reference_line(summary, "es").text == "Del resumen de la EMA sobre Lupkynis, EMA"
    assert reference_line(named, "es").text == "De El País: salud, PRISA"  # a name keeps its "El"
    assert anki.reference_html(summary, es).startswith('Del <a href="https://example.org/ema">resumen de la')
    assert reference_line(summary, "en").text == "From el resumen de la EMA sobre Lupkynis, EMA"
