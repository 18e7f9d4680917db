"""Content checks for the shipped "Calcineurin Inhibitors and Lupus" bank.

Own words (no eight-word run from the article), reading grade, fact coverage and source integrity.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import textstat  # type: ignore[import-untyped]
from click.testing import CliRunner

from quizgen.bank.loader import load_banks
from quizgen.bank.model import Bank, Question, QuestionType, cloze_blanked
from quizgen.cli import main

REPO = Path(__file__).resolve().parent.parent
BANK_DIR = REPO / "questions" / "calcineurin-lupus"
ARTICLE = REPO.parent / "shared" / "article" / "calcineurin-inhibitors-and-lupus.txt"

NGRAM = 8
MAX_GRADE = 8.0
MAX_PROMPT_GRADE = 10.0
# Facts in these sections are about the medicines, dosing, side effects and the kidneys:
# each must be tested by at least two questions of different types.
CORE_SECTIONS = {"what-is-a-cni", "kidneys", "side-effects"}
MIN_PER_TYPE = 5
MIN_QUESTIONS = 60


@pytest.fixture(scope="module")
def bank() -> Bank:
    banks = load_banks([BANK_DIR], strict=True)
    assert [b.id for b in banks] == ["calcineurin-lupus"]
    return banks[0]


def words(text: str) -> list[str]:
    """Casefolded words without punctuation: "doesn't" -> doesnt, "T-cells" -> t, cells."""
    text = unicodedata.normalize("NFKD", text).casefold()
    text = re.sub(r"['\u2019]", "", text)
    return re.sub(r"[^\w\s]", " ", text).split()


def ngrams(tokens: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def question_texts(q: Question) -> Iterator[tuple[str, str]]:
    """(field name, text) for every learner-facing string of a question."""
    if q.type is QuestionType.CLOZE:
        yield "text", cloze_blanked(q.prompt, reveal=True)
    else:
        yield ("front" if q.type is QuestionType.FLASHCARD else "prompt"), q.prompt
    for i, option in enumerate(q.options):
        yield f"option {i + 1}", option
    yield "explanation", q.explanation
    if q.back is not None:
        yield "back", q.back
    for i, answer in enumerate(q.accepted):
        yield f"answer {i + 1}", answer
    if q.hint is not None:
        yield "hint", q.hint


def overlaps(text: str, article_grams: set[tuple[str, ...]]) -> list[str]:
    """The longest runs of `text` made of eight-word runs that also appear in the article."""
    tokens = words(text)
    copied = [False] * len(tokens)
    for i in range(len(tokens) - NGRAM + 1):
        if tuple(tokens[i : i + NGRAM]) in article_grams:
            copied[i : i + NGRAM] = [True] * NGRAM
    runs: list[str] = []
    start = None
    for i, flag in enumerate([*copied, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append(" ".join(tokens[start:i]))
            start = None
    return runs


# ------------------------------------------------------------------ own words


def test_no_eight_word_run_from_the_article(bank: Bank) -> None:
    if not ARTICLE.is_file():
        pytest.skip(f"the article is not available at {ARTICLE}; the own-words check needs it")
    article_grams = ngrams(words(ARTICLE.read_text(encoding="utf-8")))
    found = []
    for q in bank.questions:
        for name, text in question_texts(q):
            for run in overlaps(text, article_grams):
                found.append(f"{q.id} {name}: '{run}'")
    for i, point in enumerate(bank.summary):
        for run in overlaps(point, article_grams):
            found.append(f"summary point {i + 1}: '{run}'")
    assert not found, "eight-word runs copied from the article:\n" + "\n".join(found)


def test_overlap_check_catches_a_copied_sentence() -> None:
    """The checker itself: a copied run is found through case and punctuation changes."""
    article = "Calcineurin is a hardworking molecule found in everything from plants to insects."
    grams = ngrams(words(article))
    copied = "CALCINEURIN is a Hardworking molecule, found in EVERYTHING from..."
    assert overlaps(copied, grams) == ["calcineurin is a hardworking molecule found in everything from"]
    assert overlaps("It is a hardworking molecule found in everything from plants. Yes.", grams) == [
        "is a hardworking molecule found in everything from plants"
    ]
    assert overlaps("a hardworking molecule found in everything from plants", grams)
    assert not overlaps("hardworking molecule found in everything from plants too", grams)
    assert not overlaps("Calcineurin is a busy molecule found in plants and insects.", grams)


# ------------------------------------------------------------------ reading grade


def graded_prompt(q: Question) -> str:
    return cloze_blanked(q.prompt, reveal=True) if q.type is QuestionType.CLOZE else q.prompt


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def _hardest(scored: list[tuple[float, str, str]], n: int = 8) -> str:
    return "\n".join(f"  {g:5.1f}  {qid}: {text}" for g, qid, text in sorted(scored, reverse=True)[:n])


@pytest.mark.parametrize("kind", ["prompt", "explanation"])
def test_reading_grade_is_eight_or_below(bank: Bank, kind: str) -> None:
    """Prompts and explanations each average grade 8 or below (Flesch-Kincaid, textstat 0.7.8)."""
    scored = [
        (grade(graded_prompt(q) if kind == "prompt" else q.explanation), q.id,
         graded_prompt(q) if kind == "prompt" else q.explanation)
        for q in bank.questions
    ]
    average = sum(s for s, _, _ in scored) / len(scored)
    assert average <= MAX_GRADE, (
        f"average Flesch-Kincaid grade of {kind}s {average:.2f} is above {MAX_GRADE:g}; hardest:\n"
        + _hardest(scored)
    )


def test_no_prompt_above_grade_ten(bank: Bank) -> None:
    """No single prompt is hard to read: a gloss repeated in every prompt once pushed them to 17."""
    scored = [(grade(graded_prompt(q)), q.id, graded_prompt(q)) for q in bank.questions]
    too_hard = [s for s in scored if s[0] > MAX_PROMPT_GRADE]
    assert not too_hard, f"prompts above grade {MAX_PROMPT_GRADE:g}:\n" + _hardest(too_hard, len(too_hard))


def test_calcineurin_inhibitor_is_spelled_out_once_per_section(bank: Bank) -> None:
    """"CNI" is defined in the first question of a section that uses it, then used bare: spelling
    out "(calcineurin inhibitors)" in every prompt lifts the reading grade and adds nothing."""
    glossed = [q.id for q in bank.questions if re.search(r"CNIs? \(calcineurin inhibitors?\)", q.prompt)]
    assert not glossed, f"prompts that repeat the CNI gloss: {glossed}"
    assert any("calcineurin inhibitors (cnis)" in point.casefold() for point in bank.summary)


# ------------------------------------------------------------------ coverage


def test_bank_size_and_type_mix(bank: Bank) -> None:
    assert len(bank.questions) >= MIN_QUESTIONS
    counts = {t: sum(q.type is t for q in bank.questions) for t in QuestionType}
    short = {t.value: n for t, n in counts.items() if n < MIN_PER_TYPE}
    assert not short, f"question types used fewer than {MIN_PER_TYPE} times: {short}"


def test_every_taught_fact_is_tested(bank: Bank) -> None:
    cited: dict[str, list[Question]] = defaultdict(list)
    for q in bank.questions:
        for fid in q.source.facts:
            cited[fid].append(q)
    problems = []
    for fact in bank.facts:
        if fact.omitted is not None:
            continue
        questions = cited.get(fact.id, [])
        if not questions:
            problems.append(f"{fact.id} ({fact.section}): no question tests it")
        elif fact.section in CORE_SECTIONS:
            types = {q.type for q in questions}
            if len(types) < 2:
                ids = ", ".join(q.id for q in questions)
                problems.append(
                    f"{fact.id} ({fact.section}): needs questions of two different types, has {ids}"
                )
    assert not problems, "fact coverage gaps:\n" + "\n".join(problems)


def test_every_section_has_facts_and_questions(bank: Bank) -> None:
    for section in bank.article.sections:
        assert any(f.section == section.id and f.omitted is None for f in bank.facts), section.id
        assert any(q.source.section == section.id for q in bank.questions), section.id


def test_cli_coverage_is_complete() -> None:
    result = CliRunner().invoke(main, ["coverage", "--fail-under", "100", str(BANK_DIR)])
    assert result.exit_code == 0, result.output
    assert "0 not covered" in result.output


# ------------------------------------------------------------------ sources


def test_questions_cite_facts_of_their_own_section(bank: Bank) -> None:
    """Article facts come from the question's own section; facts from references may be cited anywhere."""
    facts = {f.id: f for f in bank.facts}
    problems = []
    for q in bank.questions:
        for fid in q.source.facts:
            fact = facts.get(fid)
            if fact is None:
                problems.append(f"{q.id}: cites unknown fact '{fid}'")
            elif fact.omitted is not None:
                problems.append(f"{q.id}: cites omitted fact '{fid}'")
            elif fact.reference is None and fact.section != q.source.section:
                problems.append(
                    f"{q.id}: fact '{fid}' is in section '{fact.section}', not '{q.source.section}'"
                )
    assert not problems, "\n".join(problems)


def test_question_files_follow_the_sections(bank: Bank) -> None:
    """One file per section, in article order, so a curator finds a question by its section."""
    order = [s.id for s in bank.article.sections]
    files = sorted(p.name for p in BANK_DIR.glob("*.yaml") if p.name != "bank.yaml")
    assert len(files) == len(order)
    for q in bank.questions:
        expected = files[order.index(q.source.section)]
        assert Path(q.location.path).name == expected, f"{q.id} belongs in {expected}"


# Ids of questions taken out of the bank. Never reuse one: Anki would update a learner's old card
# with an unrelated question. Record each in CURATION.md with its reason.
RETIRED_IDS = {"cni-010", "cni-036", "cni-060", "cni-061"}


def test_question_ids_follow_the_bank_scheme(bank: Bank) -> None:
    """Ids are cni-NNN and never reused; new questions take the next free number, in any file."""
    ids = [q.id for q in bank.questions]
    assert len(set(ids)) == len(ids)
    bad = [qid for qid in ids if not re.fullmatch(r"cni-\d{3}", qid)]
    assert not bad, f"question ids outside the cni-NNN scheme: {bad}"
    reused = sorted(RETIRED_IDS.intersection(ids))
    assert not reused, f"retired question ids used again: {reused}"
    curation = (BANK_DIR / "CURATION.md").read_text(encoding="utf-8")
    unrecorded = sorted(qid for qid in RETIRED_IDS if qid not in curation)
    assert not unrecorded, f"retired ids not recorded in CURATION.md: {unrecorded}"


def test_every_question_has_tags_and_difficulty(bank: Bank) -> None:
    missing = [q.id for q in bank.questions if not q.tags or q.difficulty is None]
    assert not missing, f"questions without tags or difficulty: {missing}"


def test_explanations_are_one_to_three_sentences(bank: Bank) -> None:
    bad = []
    for q in bank.questions:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", q.explanation.strip()) if s]
        if not 1 <= len(sentences) <= 3:
            bad.append(f"{q.id}: {len(sentences)} sentences")
    assert not bad, "\n".join(bad)


# ------------------------------------------------------------------ the second medical review (issue 12)


def _learner_text(q: Question) -> str:
    return " ".join(text for _, text in question_texts(q))


def _wrong_options(q: Question) -> list[str]:
    if q.type not in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_SELECT):
        return []
    return [o for i, o in enumerate(q.options) if i not in q.correct]


def _citing(bank: Bank, fact_id: str) -> list[Question]:
    return [q for q in bank.questions if fact_id in q.source.facts]


def test_review_cancer_is_never_keyed_as_no_risk(bank: Bank) -> None:
    """Must fix 1: no wrong option says CNIs raise cancer risk, and every question on the 2024 study
    also teaches the labels' warning (skin cancer and lymphoma)."""
    bad = [
        f"{q.id}: '{o}'"
        for q in bank.questions
        for o in _wrong_options(q)
        if re.search(r"skin cancer|lymphoma|blood cancer|higher risk of cancer", o, re.I)
    ]
    assert not bad, "wrong options that deny a label warning:\n" + "\n".join(bad)
    study = _citing(bank, "cancer")
    assert study
    assert all(any(f.startswith("ref-cancer-") for f in q.source.facts) for q in study), [q.id for q in study]
    assert all(re.search(r"skin cancer", q.explanation) for q in study), [q.id for q in study]


def test_review_existing_kidney_damage_and_podocytes(bank: Bank) -> None:
    """Must fix 2 and 3: the tacrolimus claims are not taught as settled, and podocytes are not a
    barrier between the blood and the kidney."""
    facts = {f.id: f for f in bank.facts}
    assert facts["tac-scarring"].omitted and facts["tac-kidney"].omitted
    for q in _citing(bank, "kidney-mixed"):
        assert "care team" in _learner_text(q), q.id
    banned = ["strain on a kidney", "barrier between the blood", "filter layers sit on"]
    found = [f"{q.id}: {b}" for q in bank.questions for b in banned if b in _learner_text(q)]
    assert not found, found


def test_review_dosing_schedule_and_approval(bank: Bank) -> None:
    """Must fix 4, 5 and 6: the article's taper comes with how doses are really set; the
    stored-in-fat claim is not taught; voclosporin's approval corrects "being studied"."""
    facts = {f.id: f for f in bank.facts}
    assert facts["stays-in-body"].omitted
    for q in _citing(bank, "taper"):
        text = _learner_text(q)
        assert "care team" in text or "blood test" in text, q.id
    assert any("ref-on-schedule" in q.source.facts for q in bank.questions)
    for q in _citing(bank, "studied-ln"):
        assert "ref-vocl-approved" in q.source.facts and "approved" in q.explanation, q.id
    assert not [q.id for q in bank.questions if "being tested" in _learner_text(q)]


def test_review_pregnancy_breastfeeding_and_kidney_tests(bank: Bank) -> None:
    """Must fix 7 and 8: do not stop a CNI on your own if pregnant; breast milk is corrected; a
    change in kidney tests still needs checking."""
    for q in _citing(bank, "pregnancy-mixed"):
        assert "do not stop" in q.explanation.casefold(), q.id
    assert any("ref-breast-milk" in q.source.facts for q in bank.questions)
    for q in _citing(bank, "lupus-instead"):
        assert "ref-kidney-checks" in q.source.facts, q.id


def test_review_safety_notes_cover_the_reviewed_topics(bank: Bank) -> None:
    """Must fix 9: each topic the review named has a safety note, and every note cites a reference."""
    refs = {r.id for r in bank.references}
    assert all(n.reference in refs for n in bank.safety_notes)
    notes = " ".join(n.text for n in bank.safety_notes).casefold()
    topics = {
        "infection signs": "fever", "live vaccines": "live vaccine", "grapefruit": "grapefruit",
        "antibiotics": "antibiotic", "antifungals": "antifungal", "St John's wort": "st john",
        "painkillers": "nsaid", "blood pressure": "blood pressure", "blood sugar": "blood sugar",
        "potassium": "potassium", "kidney function": "kidney function", "drug levels": "blood tests",
        "pregnancy": "pregnan", "breastfeeding": "breast",
    }
    missing = [topic for topic, word in topics.items() if word not in notes]
    assert not missing, f"safety notes miss: {missing}"


def test_facts_from_references_are_marked_and_cited(bank: Bank) -> None:
    """A fact not from the article names its reference (and only those facts have ids "ref-...")."""
    refs = {r.id for r in bank.references}
    for f in bank.facts:
        assert (f.reference is not None) == f.id.startswith("ref-"), f.id
        assert f.reference is None or f.reference in refs, f.id


def test_every_question_quotes_the_article(bank: Bank) -> None:
    """Every question carries evidence, at most 30 words a quote (checked against the article text by
    `validate` when the article is present), except questions that teach only reference facts."""
    facts = {f.id: f for f in bank.facts}
    missing = [
        q.id
        for q in bank.questions
        if not q.evidence and any(facts[fid].reference is None for fid in q.source.facts)
    ]
    assert not missing, f"questions without evidence: {missing}"
    long = [q.id for q in bank.questions for e in q.evidence if len(e.split()) > 30]
    assert not long, long


def test_validate_finds_every_quote_in_the_article() -> None:
    """`validate --strict` with the article present: every quote is found in its cited section."""
    if not ARTICLE.is_file():
        pytest.skip(f"the article is not available at {ARTICLE}")
    result = CliRunner().invoke(main, ["validate", "--strict", "--article", str(ARTICLE), str(BANK_DIR)])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ the Spanish edition (issue 14)
# The checks above are for the English bank (English reading grade, own words against the English
# article, the review's English wording). The Spanish translation has the same ids, facts and
# sources (enforced by `validate`); these checks cover what is its own: reading ease in Spanish, the
# patient terms, "usted", brand names, and honest provenance.

ES_DIR = REPO / "questions" / "calcineurin-lupus-es"
#: Fernández-Huerta: 70-80 "fairly easy" (bastante fácil), 80-90 "easy"; patient material aims at 70+.
MIN_FERNANDEZ_HUERTA = 70.0


@pytest.fixture(scope="module")
def es_bank() -> Bank:
    banks = {b.id: b for b in load_banks([BANK_DIR, ES_DIR], strict=True)}
    es = banks["calcineurin-lupus-es"]
    assert (es.language, es.translates) == ("es", "calcineurin-lupus")
    return es


def spanish_ease(texts: list[str]) -> list[tuple[float, float]]:
    """(Fernández-Huerta, Szigriszt-Pazos) per text, from a textstat of its own set to Spanish (the
    module-level textstat stays English for the grade checks above)."""
    from textstat.textstat import textstatistics  # type: ignore[import-untyped]

    es = textstatistics()
    es.set_lang("es")
    return [(float(es.fernandez_huerta(t)), float(es.szigriszt_pazos(t))) for t in texts]


def test_spanish_reading_ease_is_fairly_easy_or_better(es_bank: Bank) -> None:
    """Prompts and explanations of the Spanish bank average Fernández-Huerta 70 or more ("fairly
    easy"), over all of them and over each kind (textstat 0.7.8, set_lang("es"))."""
    kinds = {
        "prompt": [graded_prompt(q) for q in es_bank.questions],
        "explanation": [q.explanation for q in es_bank.questions],
    }
    kinds["all"] = kinds["prompt"] + kinds["explanation"]
    for kind, texts in kinds.items():
        scores = spanish_ease(texts)
        mean = sum(fh for fh, _ in scores) / len(scores)
        hardest = "\n".join(f"  {fh:5.1f}  {t}" for (fh, _), t in sorted(zip(scores, texts, strict=True))[:6])
        assert mean >= MIN_FERNANDEZ_HUERTA, f"{kind}: mean Fernández-Huerta {mean:.1f}; hardest:\n{hardest}"


def test_spanish_explanations_are_one_to_three_sentences(es_bank: Bank) -> None:
    bad = []
    for q in es_bank.questions:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", q.explanation.strip()) if s]
        if not 1 <= len(sentences) <= 3:
            bad.append(f"{q.id}: {len(sentences)} sentences")
    assert not bad, "\n".join(bad)


def _spanish_texts(bank: Bank) -> list[tuple[str, str]]:
    texts = [(f"{q.id} {field}", t) for q in bank.questions for field, t in question_texts(q)]
    texts += [(f"summary {i + 1}", t) for i, t in enumerate(bank.summary)]
    texts += [(f"fact {f.id}", f.text) for f in bank.facts if f.omitted is None]
    texts += [(f"safety note {i + 1}", n.text) for i, n in enumerate(bank.safety_notes)]
    texts.append(("disclaimer", bank.disclaimer))
    return texts


def test_spanish_uses_the_patient_terms_and_usted(es_bank: Bank) -> None:
    """The terms of Spanish patient material (MedlinePlus en español), one spelling each; "usted",
    never "tú"; brand names as they are."""
    everything = " ".join(t for _, t in _spanish_texts(es_bank))
    for term in ("nefritis lúpica", "inhibidores de la calcineurina", "sistema inmunitario", "riñones",
                 "efectos secundarios", "presión arterial alta", "equipo de atención médica"):
        assert term in everything.casefold(), term
    for brand in ("Lupkynis", "Prograf", "Neoral", "Elidel"):
        assert brand in everything, brand
    # rivals of the chosen terms (TRADUCCION.md, glossary) and informal "tú" forms
    banned = (
        r"\b(sistema inmun(e|ológico)|efectos (colaterales|adversos)|hipertensión arterial|equipo médico|"
        r"equipo de salud|tú|tu|tus|te|ti|contigo|puedes|debes|tienes)\b"
    )
    found = [f"{where}: {m.group(0)!r}" for where, t in _spanish_texts(es_bank)
             for m in re.finditer(banned, t, re.I)]
    assert not found, "\n".join(found)


def test_spanish_translation_is_honest_about_its_review(es_bank: Bank) -> None:
    """Made by an AI model and not yet reviewed by a health professional: the bank says so."""
    assert es_bank.translation is not None
    method = es_bank.translation.method.casefold()
    assert "modelo de ia" in method and "revisión" in method
    assert "ningún profesional de la salud la ha revisado" in method
    assert es_bank.translation.reviewed_by is None
    assert es_bank.unreviewed_translation


# ------------------------------------------------------------------ wording cues in the options

# A test-wise reader picks the one hedged option when every other option is absolute ("can raise
# ..." against "every kind", "no link to any", "only in children"): the "absolute terms" cue of
# item-writing guides. Hedged and absolute words per language.
HEDGED = {
    "en": r"\b(?:can|could|may|might|some|often|usually|possibl[ey]|seems?)\b",
    "es": r"\b(?:pued[ea]n?|podría[n]?|algun[oa]s?|algún|a menudo|suele[n]?|posibles?|parece[n]?)\b",
}
ABSOLUTE = {
    "en": r"\b(?:only|every|never|always|all|no|none|any|nothing)\b",
    "es": r"\b(?:solo|sólo|todos?|todas?|nunca|siempre|ningún|ninguna?|nada)\b",
}


def hedge_singles_out_the_answer(options: list[str], correct: set[int], lang: str) -> bool:
    """True when every correct option is hedged and not absolute, and every wrong one absolute and
    not hedged: the wording alone points at the answer."""

    def hedged(o: str) -> bool:
        return re.search(HEDGED[lang], o, re.I) is not None

    def absolute(o: str) -> bool:
        return re.search(ABSOLUTE[lang], o, re.I) is not None

    right = [o for i, o in enumerate(options) if i in correct]
    wrong = [o for i, o in enumerate(options) if i not in correct]
    return (
        bool(right and wrong)
        and all(hedged(o) and not absolute(o) for o in right)
        and all(absolute(o) and not hedged(o) for o in wrong)
    )


def test_hedge_check_catches_a_lone_hedged_answer() -> None:
    """The options cni-083 had before the s6 content review, in both languages."""
    en = [
        "They can raise the risk of skin cancer and lymphoma",
        "They lower the risk of every kind of cancer",
        "They have no link to any kind of cancer",
        "They raise the risk of cancer only in children",
    ]
    es = [
        "Pueden aumentar el riesgo de cáncer de piel y linfoma",
        "Bajan el riesgo de todos los tipos de cáncer",
        "No tienen relación con ningún tipo de cáncer",
        "Aumentan el riesgo de cáncer solo en los niños",
    ]
    assert hedge_singles_out_the_answer(en, {0}, "en")
    assert hedge_singles_out_the_answer(es, {0}, "es")
    assert not hedge_singles_out_the_answer([*en[:3], "They can raise it, but only in children"], {0}, "en")


def test_no_answer_is_singled_out_by_hedged_wording(bank: Bank, es_bank: Bank) -> None:
    found = [
        f"{b.id} {q.id}: {list(q.options)}"
        for b, lang in ((bank, "en"), (es_bank, "es"))
        for q in b.questions
        if q.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_SELECT)
        and hedge_singles_out_the_answer(list(q.options), set(q.correct), lang)
    ]
    assert not found, "only the answer is hedged, every other option absolute:\n" + "\n".join(found)


#: Words of a prompt that say nothing about its answer (words of three letters or fewer are skipped).
PROMPT_STOPWORDS = frozenset(
    {"this", "that", "these", "they", "them", "their", "which", "what", "does", "with", "from", "whom"}
    | {"about", "article", "says", "according", "choose", "apply"}
)


def prompt_words_single_out_the_answer(prompt: str, options: list[str], correct: set[int]) -> bool:
    """True when every correct option repeats a word of the prompt and no wrong option does
    ("Which problems with calcineurin ...?" and only the right options name calcineurin)."""

    def content(text: str) -> set[str]:
        return {w for w in re.findall(r"[a-z]+", text.casefold()) if len(w) > 3 and w not in PROMPT_STOPWORDS}

    asked = content(prompt)
    repeats = [bool(content(o) & asked) for o in options]
    right = [r for i, r in enumerate(repeats) if i in correct]
    wrong = [r for i, r in enumerate(repeats) if i not in correct]
    return bool(right and wrong) and all(right) and not any(wrong)


def test_prompt_word_check_catches_an_echoed_answer() -> None:
    """cni-052's prompt before the s6 content review."""
    options = [
        "Having too much calcineurin",
        "Calcineurin working in the wrong way",
        "Having too little calcium in the diet",
        "Having too much fat in the kidneys",
    ]
    old = "Which problems with calcineurin can harm podocytes (cells in the kidney's filters)?"
    assert prompt_words_single_out_the_answer(old, options, {0, 1})
    assert not prompt_words_single_out_the_answer("What can harm podocytes?", options, {0, 1})


def test_no_answer_is_singled_out_by_the_prompts_words(bank: Bank) -> None:
    found = [
        f"{q.id}: {q.prompt} {list(q.options)}"
        for q in bank.questions
        if q.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_SELECT)
        and prompt_words_single_out_the_answer(q.prompt, list(q.options), set(q.correct))
    ]
    assert not found, "only the right options repeat a word of the prompt:\n" + "\n".join(found)
