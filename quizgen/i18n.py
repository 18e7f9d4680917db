"""Interface text per language: gettext catalogs under quizgen/locale/, passed in explicitly.

Every fixed string a learner or facilitator reads is English source text marked `_("...")` (or
`N_("...")` where it is defined apart from where it is shown) and looked up in the catalog of the
bank's language: `translator(bank.language)`. A build renders banks of several languages, and
PDFs are typeset in worker processes, so no translator is ever installed for the process.

The catalogs are `quizgen/locale/<lang>/LC_MESSAGES/quizgen.po` (what translators edit, in Poedit
or Weblate) beside the compiled `quizgen.mo` that Python's own gettext reads at run time; both
are committed, and a test fails when a `.mo` is older than its `.po` or the template
(`quizgen/locale/quizgen.pot`) misses a marked string. Refresh them with
`python -m quizgen.i18n` (needs Babel, in the test extra). English is the source language: it
needs no catalog.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import gettext

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "quizgen"
SOURCE_LANGUAGE = "en"


class Translate(Protocol):
    def __call__(self, message: str, /) -> str: ...


def N_(message: str) -> str:
    """Mark text for the catalog where it is defined; translate it where it is shown."""
    return message


def english(message: str) -> str:
    """The source text itself: the translator of English."""
    return message


def _candidates(language: str) -> list[str]:
    """`es-MX` -> `es_MX`, `es`: the most specific catalog first."""
    parts = language.replace("_", "-").split("-")
    tags = ["_".join([parts[0].lower(), *parts[1:]]) if len(parts) > 1 else parts[0].lower()]
    if len(parts) > 1:
        tags.append(parts[0].lower())
    return tags


@functools.cache
def translator(language: str) -> gettext.NullTranslations:
    """The translations of `language` (BCP 47); English, the source text, when there is no catalog."""
    import gettext

    for tag in _candidates(language):
        mo = LOCALE_DIR / tag / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if mo.is_file():
            with mo.open("rb") as f:
                return gettext.GNUTranslations(f)
    return gettext.NullTranslations()


def base_language(language: str) -> str:
    """`es-MX` -> `es`."""
    return language.replace("_", "-").split("-")[0].lower()


def has_catalog(language: str) -> bool:
    """Whether the interface text is available in `language` (English always is)."""
    if base_language(language) == SOURCE_LANGUAGE:
        return True
    return any((LOCALE_DIR / t / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file() for t in _candidates(language))


def catalog_languages() -> list[str]:
    """The languages with a catalog, beside English."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def unreviewed_notice(bank: object, language: str) -> str | None:
    """The line every output of a translation carries until a qualified reviewer has checked it."""
    if not getattr(bank, "unreviewed_translation", False):
        return None
    _ = translator(language).gettext
    return _("This translation has not yet been reviewed by a health professional.")


def main() -> None:
    """`python -m quizgen.i18n`: extract the marked strings into quizgen.pot, merge them into every
    catalog (new strings stay untranslated, so the completeness test names them), compile the .mo."""
    import subprocess
    import sys

    src = LOCALE_DIR.parent
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    babel = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run(
        [
            *babel,
            "extract",
            "--no-location",
            "--omit-header",
            "--sort-output",
            "-k",
            "N_",
            "-o",
            str(pot),
            str(src),
        ],
        check=True,
    )
    _add_web_strings(pot)
    for lang in catalog_languages():
        subprocess.run(
            [
                *babel,
                "update",
                "--no-fuzzy-matching",
                "-D",
                DOMAIN,
                "-i",
                str(pot),
                "-d",
                *(str(LOCALE_DIR), "-l", lang),
            ],
            check=True,
        )
    subprocess.run([*babel, "compile", "-D", DOMAIN, "-d", str(LOCALE_DIR), "--statistics"], check=True)


def web_messages() -> list[str]:
    """The texts of the web page's message table (quizgen/templates/web/strings.en.json): a JSON
    file Babel does not read, so they join the template here."""
    import json

    table = json.loads((LOCALE_DIR.parent / "templates" / "web" / "strings.en.json").read_text("utf-8"))
    return list(dict.fromkeys(table.values()))


def _add_web_strings(pot: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    with pot.open("rb") as f:
        catalog = read_po(f)
    for text in web_messages():
        if text not in catalog:
            catalog.add(text)
    with pot.open("wb") as f:
        write_po(f, catalog, omit_header=True, no_location=True, sort_output=True)


if __name__ == "__main__":
    main()
