"""Proving that a flashcard's text fits its card, from the font's metrics, without asking typst.

cards.typ prints each face in the first of its variants (text sizes, first with the explanation,
then without) that fits. Measuring them all in typst costs far more than laying the sheets out, so
Python proves from the font files which variant surely fits; typst measures only the variants
before that one, which makes the same choice (usually the first variant, with no measuring).
The proof bounds each line from above: a glyph is at most its advance plus the largest positive
kerning it takes as the first of a pair (ligatures here are narrower than their letters), lines
break only at single spaces (typst also breaks at some other places, which can only save lines),
and lines break first-fit, as typst does for ragged text.
"""

from __future__ import annotations

import importlib.resources
import struct
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from quizgen.outputs.printdata import CardFace

# The template reads these from the data, so both sides use the same numbers.
CARD_SIZES_PT = {True: (22.0, 20.0, 18.0), False: (14.0, 13.0, 12.0, 11.0)}
CARD_INSET_MM = 3.0
CARD_GAP_EM = 0.66  # leading and paragraph spacing: 1.32 lines from baseline to baseline
CARD_HANG_EM = 1.2  # hanging indent of an option
_PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class _FontBound:
    """Per character: advance plus the largest positive kerning after it, in em."""

    width: dict[int, float]
    cap_height: float
    # How far any glyph reaches above the baseline and below it (the larger of hhea and the
    # head table's bounding box), in em: the ink of a line, beyond its cap height.
    ascent: float = 1.0
    descent: float = 0.3


def _tables(font: bytes) -> dict[bytes, int]:
    (count,) = struct.unpack_from(">H", font, 4)
    return {
        font[12 + 16 * i : 16 + 16 * i]: struct.unpack_from(">I", font, 20 + 16 * i)[0] for i in range(count)
    }


def _coverage(font: bytes, at: int) -> list[int]:
    fmt, count = struct.unpack_from(">HH", font, at)
    if fmt == 1:
        return list(struct.unpack_from(f">{count}H", font, at + 4))
    glyphs: list[int] = []
    for i in range(count):
        start, end, _ = struct.unpack_from(">HHH", font, at + 4 + 6 * i)
        glyphs.extend(range(start, end + 1))
    return glyphs


def _class_def(font: bytes, at: int) -> dict[int, int]:
    fmt = struct.unpack_from(">H", font, at)[0]
    if fmt == 1:
        start, count = struct.unpack_from(">HH", font, at + 2)
        values = struct.unpack_from(f">{count}H", font, at + 6)
        return {start + i: v for i, v in enumerate(values)}
    (count,) = struct.unpack_from(">H", font, at + 2)
    classes: dict[int, int] = {}
    for i in range(count):
        start, end, value = struct.unpack_from(">HHH", font, at + 4 + 6 * i)
        classes.update(dict.fromkeys(range(start, end + 1), value))
    return classes


def _positive_kerning(font: bytes, gpos: int) -> dict[int, int]:
    """Per first glyph of a pair: the largest advance any pair-positioning rule adds (font units)."""
    most: dict[int, int] = {}

    def advance(vf1: int, vf2: int, at: int) -> int:
        # XAdvance of the first glyph plus that of the second, both charged to the first.
        total = 0
        for vf, offset in ((vf1, at), (vf2, at + 2 * bin(vf1).count("1"))):
            if vf & 4:
                total += struct.unpack_from(">h", font, offset + 2 * bin(vf & 3).count("1"))[0]
        return total

    lookups = gpos + struct.unpack_from(">H", font, gpos + 8)[0]
    for i in range(struct.unpack_from(">H", font, lookups)[0]):
        lookup = lookups + struct.unpack_from(">H", font, lookups + 2 + 2 * i)[0]
        kind, _, subtables = struct.unpack_from(">HHH", font, lookup)
        for j in range(subtables):
            sub = lookup + struct.unpack_from(">H", font, lookup + 6 + 2 * j)[0]
            sub_kind = kind
            if kind == 9:
                _, sub_kind, offset = struct.unpack_from(">HHI", font, sub)
                sub += offset
            if sub_kind != 2:
                continue
            fmt, cov, vf1, vf2 = struct.unpack_from(">HHHH", font, sub)
            size = 2 * (bin(vf1).count("1") + bin(vf2).count("1"))
            firsts = _coverage(font, sub + cov)
            if fmt == 1:
                for k, glyph in enumerate(firsts):
                    pairs = sub + struct.unpack_from(">H", font, sub + 10 + 2 * k)[0]
                    (n,) = struct.unpack_from(">H", font, pairs)
                    best = max((advance(vf1, vf2, pairs + 4 + (2 + size) * m) for m in range(n)), default=0)
                    most[glyph] = max(most.get(glyph, 0), best)
            else:
                cd1, _, n1, n2 = struct.unpack_from(">HHHH", font, sub + 10)
                classes = _class_def(font, sub + cd1)
                best_of_class = [
                    max((advance(vf1, vf2, sub + 18 + size * (c * n2 + m)) for m in range(n2)), default=0)
                    for c in range(n1)
                ]
                for glyph in firsts:
                    most[glyph] = max(most.get(glyph, 0), best_of_class[classes.get(glyph, 0)])
    return most


@cache
def _font_bound(name: str) -> _FontBound:
    font = (importlib.resources.files("font_source_sans_pro") / "files" / name).read_bytes()
    t = _tables(font)
    (units,) = struct.unpack_from(">H", font, t[b"head"] + 18)
    (long_metrics,) = struct.unpack_from(">H", font, t[b"hhea"] + 34)
    advances = tuple(struct.unpack_from(">H", font, t[b"hmtx"] + 4 * i)[0] for i in range(long_metrics))
    (cap,) = struct.unpack_from(">h", font, t[b"OS/2"] + 88)
    (y_min,) = struct.unpack_from(">h", font, t[b"head"] + 38)
    (y_max,) = struct.unpack_from(">h", font, t[b"head"] + 42)
    ascender, descender = struct.unpack_from(">hh", font, t[b"hhea"] + 4)
    kerning = _positive_kerning(font, t[b"GPOS"])
    cmap = t[b"cmap"]
    subtables: dict[tuple[int, int], int] = {}
    for i in range(struct.unpack_from(">H", font, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", font, cmap + 4 + 8 * i)
        subtables[platform, encoding] = cmap + offset
    full = subtables[(3, 10)]  # Windows, full Unicode: format 12
    width: dict[int, float] = {}
    for i in range(struct.unpack_from(">I", font, full + 12)[0]):
        start, end, glyph = struct.unpack_from(">III", font, full + 16 + 12 * i)
        for code in range(start, end + 1):
            g = glyph + code - start
            adv = advances[min(g, long_metrics - 1)]
            width[code] = (adv + max(0, kerning.get(g, 0))) / units
    return _FontBound(width, cap / units, max(y_max, ascender) / units, -min(y_min, descender) / units)


@cache
def printable_characters() -> frozenset[int]:
    """The characters (code points) both the regular and the bold face have a glyph for: typst
    prints any other as an empty box, since it is given no other font to fall back on."""
    regular = _font_bound("SourceSansPro-Regular.ttf").width
    return frozenset(regular.keys() & _font_bound("SourceSansPro-Bold.ttf").width.keys())


@cache
def _font_bound_widest() -> _FontBound:
    """Per character the wider of the regular and bold faces (for text that mixes them)."""
    regular = _font_bound("SourceSansPro-Regular.ttf")
    bold = _font_bound("SourceSansPro-Bold.ttf")
    width = {c: max(w, bold.width.get(c, w)) for c, w in regular.width.items() if c in bold.width}
    return _FontBound(
        width,
        max(regular.cap_height, bold.cap_height),
        max(regular.ascent, bold.ascent),
        max(regular.descent, bold.descent),
    )


def _line_count(text: str, font: _FontBound, width: float, hang: float = 0.0) -> int | None:
    """At most how many lines `text` takes at `width` em (later lines `hang` em narrower); None: unsure."""
    if not text or text != text.strip(" ") or "  " in text:
        return None
    words: list[float] = []
    for word in text.split(" "):
        w = 0.0
        for ch in word:
            if unicodedata.category(ch)[0] in "MCZ" or ord(ch) not in font.width:
                return None  # marks, controls and odd spaces shape or break in ways not bounded here
            w += font.width[ord(ch)]
        words.append(w)
    space = font.width[32]
    lines, used = 1, words[0]
    if used > width:
        return None  # a word wider than the card: typst may break it elsewhere
    for w in words[1:]:
        room = width - (hang if lines > 1 else 0.0)
        if used + space + w <= room:
            used += space + w
            continue
        lines, used = lines + 1, w
        if w > width - hang:
            return None
    return lines


def _surely_fits(
    face: CardFace, which: Literal["front", "back"], size: float, note: bool, w_mm: float, h_mm: float
) -> bool:
    """True when this variant of the face (text size, explanation or not) certainly fits the card."""
    regular = _font_bound("SourceSansPro-Regular.ttf")
    bold = _font_bound("SourceSansPro-Bold.ttf")
    width = (w_mm - 2 * CARD_INSET_MM) * _PT_PER_MM / size  # in em
    height = (h_mm - 2 * CARD_INSET_MM) * _PT_PER_MM / size
    title = face["titles"][which]
    parts: list[tuple[str, _FontBound, float]] = [(title, bold, 0.0)]
    if which == "front":
        parts.append((face["front"], regular, 0.0))
        parts += [(o, regular, CARD_HANG_EM) for o in face["options"]]
    else:
        # a cloze back mixes regular text and bold words: bound every letter by the wider face
        parts.append((face["back"], _font_bound_widest() if face["revealed"] else bold, 0.0))
        if note and face["explanation"]:
            parts.append((face["explanation"], regular, 0.0))
        parts.append((face["back_note"], regular, 0.0))
    lines = 0
    for text, font, hang in parts:
        n = _line_count(text, font, width, hang)
        if n is None:
            return False
        lines += n
    # Each line is a cap height tall; one gap (leading or paragraph spacing) between two lines.
    cap = max(regular.cap_height, bold.cap_height)
    return lines * cap + (lines - 1) * CARD_GAP_EM <= height * 0.995


def first_sure_variant(
    face: CardFace, which: Literal["front", "back"], large: bool, w_mm: float, h_mm: float
) -> int | None:
    """Index of the first of the template's variants that surely fits (None: typst must measure)."""
    variants = [(size, note) for note in (True, False) for size in CARD_SIZES_PT[large]]
    for i, (size, note) in enumerate(variants):
        if _surely_fits(face, which, size, note, w_mm, h_mm):
            return i
    return None


# --- the text around the cards: a sheet's footer, and the credit on the first sheet -------------

Weight = Literal["regular", "bold", "mixed"]


@dataclass(frozen=True)
class TextBound:
    """At most how much room paragraphs of one size take, in millimetres.

    `height` is what typst measures for the block (from the first line's cap height to the last
    baseline); `above` and `below` are the ink beyond it (accents, ascenders, descenders)."""

    lines: int
    height: float
    above: float
    below: float


def _font_of(weight: Weight) -> _FontBound:
    if weight == "mixed":  # a bold label and regular text in one paragraph
        return _font_bound_widest()
    return _font_bound("SourceSansPro-Bold.ttf" if weight == "bold" else "SourceSansPro-Regular.ttf")


def _rough_line_count(text: str, font: _FontBound, width: float) -> int:
    """Lines at `width` em with every character as wide as the widest glyph, breaking only at spaces
    and zero-width spaces (quizgen.outputs.printing.breakable puts one in every long word)."""
    widest = max(font.width.values())
    lines, used = 0, 0.0
    for word in text.replace("\u200b", " ").split():
        w = len(word) * widest
        if lines and used + widest + w <= width:
            used += widest + w
            continue
        # a piece wider than a line runs on, at worst onto as many lines as its width needs
        lines, used = lines + max(1, -int(-w // width)), min(w, width)
    return max(lines, 1)


def text_bound(
    paragraphs: list[tuple[str, Weight]], size_pt: float, width_mm: float, gap_em: float
) -> TextBound:
    """At most how tall `paragraphs` print at `size_pt` in a block `width_mm` wide, with `gap_em` as
    both leading and paragraph spacing (empty paragraphs are not printed)."""
    width = width_mm * _PT_PER_MM / size_pt
    lines = 0
    for text, weight in paragraphs:
        if text:
            font = _font_of(weight)
            lines += _line_count(text, font, width) or _rough_line_count(text, font, width)
    widest = _font_bound_widest()
    cap = widest.cap_height
    mm = size_pt / _PT_PER_MM
    height = (lines * cap + max(lines - 1, 0) * gap_em) * mm
    return TextBound(lines, height, (widest.ascent - cap) * mm, widest.descent * mm)
