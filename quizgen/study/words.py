"""Text as the answer rules compare it: `normalise`, apart from the rest of the rules.

The loader normalises every prompt and explanation (an explanation must say something the prompt
does not), so this module imports nothing but what `normalise` needs: reading and checking banks
does not load the answer rules. `quizgen.study.answers` uses it and offers it as its own.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+")

# ASCII text's word characters once lowercased (a-z, 0-9; "_" counts as punctuation), every other
# ASCII character a space
_ASCII_WORDS = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum() or chr(i).isupper()})


def normalise(text: str) -> str:
    """Casefold, drop accents, turn punctuation into spaces and collapse runs of spaces."""
    if text.isascii():  # nothing to decompose and nothing to casefold but A-Z: the common case
        return " ".join(text.lower().translate(_ASCII_WORDS).split())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NON_WORD.sub(" ", bare.casefold()).replace("_", " ")
    return " ".join(words.split())
