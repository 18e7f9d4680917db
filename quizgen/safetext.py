"""Text from outside (banks, file names, keys, stored progress) made safe before it acts.

Bank text is untrusted: a curator's file is shared between groups. The loader refuses control
characters (`control_character`) and warns about characters that hide or reorder text
(`invisible_character`); everything printed to a terminal passes through `for_terminal`, so no
escape sequence (OSC 52 writes the clipboard, OSC 8 makes links) reaches it from a bank or a name.
"""

from __future__ import annotations

import re

# C0 except tab and newline, DEL, and C1: what a terminal may act on.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters that change the order in which text is shown (embeddings, overrides, isolates).
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Marks that change the direction of the text around them without being seen.
_BIDI_MARKS = "\u200e\u200f\u061c"
# Characters that take no room on screen (a soft hyphen shows only where a line breaks; both
# also stop a typed answer from matching).
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064"
# Line and paragraph separators: a line break in YAML, an invisible space in most outputs.
_SEPARATORS = "\u2028\u2029"
_INVISIBLE_RE = re.compile(f"[{_BIDI}{_BIDI_MARKS}{_ZERO_WIDTH}{_SEPARATORS}]")
_UNSAFE_FOR_TERMINAL_RE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def escaped(char: str) -> str:
    """`\\x1b` or `\\u202e`: a character as a reader can see it."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def control_character(text: str) -> tuple[int, str] | None:
    """The first control character in `text` (0-based index, character), or None."""
    m = _CONTROL_RE.search(text)
    return (m.start(), m.group()) if m else None


def invisible_character(text: str) -> tuple[int, str, str] | None:
    """The first character that hides or reorders text (a bidirectional control or mark, a
    zero-width character, a line separator): (index, character, kind)."""
    m = _INVISIBLE_RE.search(text)
    if m is None:
        return None
    char = m.group()
    if char in _BIDI:
        kind = "a bidirectional override"
    elif char in _BIDI_MARKS:
        kind = "a bidirectional mark"
    elif char in _SEPARATORS:
        kind = "a line separator"
    else:
        kind = "zero-width"
    return m.start(), char, kind


def for_terminal(text: str) -> str:
    """`text` with every character a terminal could act on shown as an escape (`\\x1b`).

    Newlines and tabs stay; so does everything printable, in any script.
    """
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE_FOR_TERMINAL_RE.sub(lambda m: escaped(m.group()), text)
