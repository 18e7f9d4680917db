"""Text as the answer rules compare it: `normalise` (and `numbers_are_options`, which the quiz
needs before its first answer), apart from the rest of the rules.

The loader normalises every prompt and explanation (an explanation must say something the prompt
does not), so this module imports nothing but what `normalise` needs: reading and checking banks
does not load the answer rules. `quizgen.study.answers` uses it and offers it as its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_NON_WORD = re.compile(r"[^\w]+")
NUMBER = re.compile(r"[0-9]+")  # a number as the answer rules read one: ASCII digits (int("²") fails)

# For ASCII text, as bytes: A-Z lowercased, a-z and 0-9 kept, every other byte a space ("_" counts
# as punctuation). bytes.translate with a table is several times faster than str.lower and
# str.translate with a dict, and the loader normalises every prompt and explanation.
_ASCII_WORDS = bytes(
    c + 32 if 65 <= c <= 90 else c if chr(c).isalnum() and c < 128 else 32 for c in range(256)
)


def normalise(text: str) -> str:
    """Casefold, drop accents, turn punctuation into spaces and collapse runs of spaces."""
    if text.isascii():  # nothing to decompose and nothing to casefold but A-Z: the common case
        return b" ".join(text.encode("ascii").translate(_ASCII_WORDS).split()).decode("ascii")
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NON_WORD.sub(" ", bare.casefold()).replace("_", " ")
    return " ".join(words.split())


def numbers_are_options(options: Sequence[str]) -> bool:
    """Whether an option's text is a number ("4", "12"): then a number typed is that option's
    text, never a position (with options 4, 7, 10, 12, "4" is a), not d))."""
    return any(NUMBER.fullmatch(normalise(option)) for option in options)
