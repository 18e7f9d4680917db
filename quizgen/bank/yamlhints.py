"""Advice for the YAML syntax errors a bank writer meets most: a tab, a `: ` in unquoted text, and
a line indented unlike its siblings.

The hints are worked out from the text around the error, not from the parser's wording, which
differs between libyaml and PyYAML's pure-Python parser. Lines and columns count from 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TAB_HINT = "YAML does not allow tabs; indent with spaces"

_KEY_RE = re.compile(r"(?P<dashes>(?:-[ ]+)*)(?P<key>[^\s#'\"{\[][^:#]*?):(?:[ ]+(?P<value>\S.*))?$")


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    indent: int  # 0-based column of the first character that is not a space
    key_column: int  # 0-based column of the mapping key (after any "- "), or of the text
    dash_columns: tuple[int, ...]  # 0-based columns of the "- " item markers that start the line
    opens_block: bool  # ends in "key:" or "-": the next line may be indented deeper


def _content_lines(lines: list[str], before: int) -> list[_Line]:
    """The lines above line `before` (1-based) that hold YAML content, nearest first."""
    found: list[_Line] = []
    for number in range(before - 1, 0, -1):
        raw = lines[number - 1]
        stripped = raw.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        found.append(_describe(number, raw))
    return found


def _describe(number: int, raw: str) -> _Line:
    indent = len(raw) - len(raw.lstrip(" "))
    rest = raw[indent:].rstrip()
    dashes: list[int] = []
    column = indent
    while rest.startswith("- ") or rest == "-":
        dashes.append(column)
        stripped = rest[1:].lstrip(" ")
        column += len(rest) - len(stripped)
        rest = stripped
    match = _KEY_RE.match(rest)
    opens = rest == "" or (match is not None and match.group("value") is None)
    return _Line(number, indent, column, tuple(dashes), opens)


def _indentation_hint(lines: list[str], number: int) -> str | None:
    """When line `number` is indented like none of the blocks above it: which column to use."""
    if number < 1 or number > len(lines):
        return None
    here = _describe(number, lines[number - 1])
    above = _content_lines(lines, number)
    if not above:
        return None
    if above[0].opens_block and here.indent > above[0].indent:
        return None  # a child of the line above may sit at any deeper column
    item = bool(here.dash_columns)
    # the columns of the blocks still open at this line, nearest first, each with the line showing it
    candidates: list[tuple[int, int]] = []
    limit = None
    for line in above:
        columns = [*reversed(line.dash_columns), line.key_column] if item else [line.key_column]
        for column in sorted(set(columns), reverse=True):
            if (limit is None or column < limit) and all(column != c for c, _ in candidates):
                candidates.append((column, line.number))
        limit = min(line.indent, limit if limit is not None else line.indent)
        if line.indent == 0:
            break
    if not candidates or any(column == here.indent for column, _ in candidates):
        return None
    best = min(abs(column - here.indent) for column, _ in candidates)
    nearest = [(c, n) for c, n in candidates if abs(c - here.indent) == best]
    choices = " or ".join(f"column {c + 1} (like line {n})" for c, n in sorted(nearest, reverse=True))
    return (
        f"this line is indented to column {here.indent + 1}, unlike the lines above it; start it in {choices}"
    )


def _quote_hint(line: str, column: int) -> str | None:
    """When the error points at a `: ` inside a value that is not quoted: show it quoted."""
    here = _describe(0, line)
    rest = line[here.key_column :].rstrip()
    match = _KEY_RE.match(rest) or re.match(r"(?P<key>[^:]+):[ ]+(?P<value>.*)$", rest)
    if match is None or match.group("value") is None:
        return None
    value_start = here.key_column + match.start("value")
    if column - 1 <= value_start:
        return None
    key, value = match.group("key"), match.group("value")
    if value[:1] in "\"'[{|>":
        return None
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'put this text in quotes: {key}: "{escaped}"'


def hint(text: str, line: int, column: int) -> str | None:
    """Advice for a YAML syntax error found at `line`:`column` of `text`, or None."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    nearby = lines[max(0, line - 2) : line]
    if any("\t" in raw[: len(raw) - len(raw.lstrip(" \t"))] for raw in nearby):
        return TAB_HINT
    return _indentation_hint(lines, line) or _quote_hint(lines[line - 1], column)
