"""A fast reader for the common YAML of banks; PyYAML (libyaml) reads everything else.

`compose(text)` reads a strict subset of YAML into the same node tree `yaml.compose` gives (node
kind, tag, value, start line and column), in this module's node classes, or returns None for any
text it is not certain to read exactly so; the loader then composes that text with PyYAML, which
also gives every syntax error with its message and location, and `from_pyyaml` turns PyYAML's tree
into the same classes. PyYAML is not imported here: reading the common YAML of banks needs none of
it.

The subset: block mappings and sequences (indented or not, `- key:` compact mappings), keys that
are plain, single-quoted or double-quoted scalars on one line, values that are such scalars, plain
scalars going on over more indented lines, block scalars (`|`, `>`, with chomping and indentation
indicators), or one-line flow collections (`[a, b]`, `{k: v}`), comments and blank lines; CRLF
line ends are read as LF. Tabs, lone carriage returns, document markers, directives, `?` keys,
tags, anchors, aliases, `- - x`, quoted scalars over several lines and anything unusual are
refused.

Composing with libyaml costs mostly the Python node and mark objects PyYAML makes and its `resolve`
call per scalar, not the parsing: here one slotted object per node is both the node and its start
mark, and a line is read with one or two regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from typing import Any

STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"

# PyYAML's implicit resolvers (yaml.resolver.Resolver): the tags a plain scalar may have, by the
# scalar's first character, in PyYAML's order. A copy, so that reading the common YAML of banks does
# not import PyYAML (tests/test_fastyaml.py checks it equals PyYAML's table, patterns and order);
# the loader's tag resolver for PyYAML asks plain_tag too, so both readers use this one table.
_BOOL_RE = re.compile(
    r"""^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$""",
    re.X,
)
_FLOAT_RE = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT_RE = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
    re.X,
)
_MERGE_RE = re.compile(r"^(?:<<)$")
_NULL_RE = re.compile(
    r"""^(?: ~
                    |null|Null|NULL
                    | )$""",
    re.X,
)
_TIMESTAMP_RE = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                     (?:[Tt]|[ \t]+)[0-9][0-9]?
                     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
_VALUE_RE = re.compile(r"^(?:=)$")
_YAML_RE = re.compile(r"^(?:!|&|\*)$")  # PyYAML's too (it can never match a plain scalar)


def _implicit_resolvers() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """The table as PyYAML's Resolver.add_implicit_resolver builds it, in the same order (each
    first character's resolvers a tuple, not a list)."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, regexp, firsts in (
        ("bool", _BOOL_RE, "yYnNtTfFoO"),
        ("float", _FLOAT_RE, "-+0123456789."),
        ("int", _INT_RE, "-+0123456789"),
        ("merge", _MERGE_RE, "<"),
        ("null", _NULL_RE, ["~", "n", "N", ""]),
        ("timestamp", _TIMESTAMP_RE, "0123456789"),
        ("value", _VALUE_RE, "="),
        ("yaml", _YAML_RE, "!&*"),
    ):
        for first in firsts:
            table.setdefault(first, []).append(("tag:yaml.org,2002:" + tag, regexp))
    return {first: tuple(resolvers) for first, resolvers in table.items()}


IMPLICIT_BY_FIRST = _implicit_resolvers()


def plain_tag(value: str) -> str:
    """The tag PyYAML's resolver gives a plain (unquoted) scalar."""
    for tag, regexp in IMPLICIT_BY_FIRST.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return STR_TAG


_EMPTY_TAG = plain_tag("")  # an empty value: null


class Node:
    """A node of the tree: its tag, its value and where it starts (0-based line and column).

    The same attributes quizgen reads from PyYAML's nodes (`yaml.nodes`), in one slotted object that
    is also its own start mark (`.start_mark.line`, `.start_mark.column`). Only the three kinds below
    are made; a node may be shared where the YAML has an alias (`from_pyyaml` keeps PyYAML's sharing).
    """

    __slots__ = ("column", "line", "tag", "value")

    def __init__(self, tag: str, value: Any, line: int, column: int) -> None:
        self.tag = tag
        self.value = value
        self.line = line
        self.column = column

    @property
    def start_mark(self) -> Node:
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.tag!r}, {self.value!r}, {self.line}, {self.column})"


class ScalarNode(Node):
    """A scalar: its value is the text."""

    __slots__ = ()
    value: str


class SequenceNode(Node):
    """A sequence: its value is the list of its items."""

    __slots__ = ()
    value: list[Node]


class MappingNode(Node):
    """A mapping: its value is the list of its (key, value) pairs, duplicate keys kept, in order."""

    __slots__ = ()
    value: list[tuple[Node, Node]]


_KINDS: dict[str, type[Node]] = {"scalar": ScalarNode, "sequence": SequenceNode, "mapping": MappingNode}


def from_pyyaml(root: Any) -> Node | None:
    """PyYAML's node tree (from `yaml.compose`) in this module's classes: every node's kind, tag,
    value and start mark, and a node PyYAML shares (an alias, even one inside itself) shared here
    too, so the loader finds aliases the same way in both trees."""
    if root is None:
        return None
    made: dict[int, Node] = {}
    unfilled: list[tuple[Any, Node]] = []  # collections made but whose items are still PyYAML's

    def make(node: Any) -> Node:
        new = made.get(id(node))
        if new is None:
            mark = node.start_mark
            scalar = node.id == "scalar"
            new = _KINDS[node.id](node.tag, node.value if scalar else [], mark.line, mark.column)
            made[id(node)] = new
            if not scalar:
                unfilled.append((node, new))
        return new

    top = make(root)
    while unfilled:  # a loop, not recursion: aliases may make the tree deep or even cyclic
        old, new = unfilled.pop()
        if old.id == "sequence":
            new.value.extend([make(item) for item in old.value])
        else:
            new.value.extend([(make(key), make(value)) for key, value in old.value])
    return top


class _Refuse(Exception):
    """The text is outside the subset (or not valid YAML): PyYAML reads it."""


# Anything PyYAML's reader refuses or treats specially: tabs, carriage returns, control characters,
# NEL / LINE SEPARATOR / PARAGRAPH SEPARATOR (line breaks in YAML 1.1), a byte order mark inside the
# text, surrogates, U+FFFE/U+FFFF. ASCII text is checked with `in` (many times faster than a search).
# (written as the characters refused, not as the complement of those allowed: a class of the
# allowed ranges takes Python about 8 ms to compile, at every start)
_REFUSED_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_REFUSED_ASCII = tuple(chr(c) for c in (*range(0x20), 0x7F) if c != 0x0A)

# The common line, read with a lean expression over the whole text: indentation, a sequence entry's
# dash, an identifier-like key and its colon, and the rest of the line, which the reader looks at
# with string methods (a line it cannot take so is read again with _LINE_RE).
_FAST_LINE_RE = re.compile(
    r"^( *)(- +|-(?=$))?(?:([A-Za-z0-9_][A-Za-z0-9_.-]*)(:(?: +|$)))?(.*)$", re.MULTILINE
)
# a plain value the fast path may not take as it is (the line is read again with _LINE_RE)
_SLOW_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`. ")
_FIRSTS = frozenset(IMPLICIT_BY_FIRST)
# the first character of a line that would go on with a plain scalar, refused where reading it is
# subtle (a list entry, a quote, a bracket...)
_GOES_ON_REFUSED = frozenset("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar starting otherwise is text

# A plain scalar on one line in block context: it does not start with an indicator, and ends
# before ` #`, before `: ` and before a `:` at the end of the line. It can end in spaces only where
# `:` follows (a key: the reader strips them; a value: the line does not match and is refused).
_PLAIN = r"(?:[^ :]|:(?=[^ ])| +(?=[^ #]))*+"
_SINGLE = r"'((?:[^']|'')*+)'"
_DOUBLE = r'"((?:[^"\\]|\\.)*+)"'

# One line of block YAML: indentation, a sequence entry's dash, a key, a value, a comment. A line
# this does not match (a tab, `- - x`, `? key`, `&anchor`, `|`, an unclosed quote, `a: b: c`...)
# is refused.
_NOT_INDICATOR = r"[^ \-?:,\[\]{}#&*!|>'\"%@`]"  # a plain scalar's first character (or `-x`, in a value)
_LINE_RE = re.compile(
    r"( *)"  # 1: indentation
    r"(- +|-(?=\Z))?"  # 2: a sequence entry's dash and the spaces after it
    rf"(?:(?:({_NOT_INDICATOR}{_PLAIN})|{_SINGLE}|{_DOUBLE}) *(:)(?: +|(?=\Z)))?"  # 3-5: key, 6: colon
    rf"(?:((?:{_NOT_INDICATOR}|-(?=[^ ])){_PLAIN})|{_SINGLE}|{_DOUBLE}|([\[{{].*)"  # 7-9: value, 10: flow
    r"|([|>](?:[+-][1-9]?|[1-9][+-]?)?))?"  # 11: a block scalar's header
    r"(?: *(?<![^ ])#.*| *)\Z"  # a comment starts after a space
)
_TAIL_RE = re.compile(r"(?: +(?:#.*)?)?\Z")  # after a flow collection

# inside a flow collection: a plain scalar stops at any of , [ ] { } : # ? (refused where PyYAML and
# libyaml might disagree), and may hold single spaces between words
_FLOW_PLAIN_RE = re.compile(r"[^ \-?:,\[\]{}#&*!|>'\"%@`](?:[^ ,\[\]{}:#?]| +(?=[^ ,\[\]{}:#?]))*+")
_FLOW_SINGLE_RE = re.compile(_SINGLE)
_FLOW_DOUBLE_RE = re.compile(_DOUBLE)

_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_ESCAPE_RE = re.compile(r"\\(?:([0abtnvfre \"\\N_LP])|x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")

MAX_KEY_CHARS = 1000  # libyaml looks no further than 1024 characters for a simple key's colon
# Deeper text goes to PyYAML. Far below the loader's MAX_DEPTH (200), so a text this reader reads
# never nests too deep for libyaml: the loader checks the depth of the text it refuses only.
_MAX_DEPTH = 100


def _unescape(text: str) -> str:
    """The value of a double-quoted scalar's text (between the quotes, on one line)."""
    parts = []
    pos = 0
    while True:
        i = text.find("\\", pos)
        if i < 0:
            parts.append(text[pos:])
            return "".join(parts)
        parts.append(text[pos:i])
        m = _ESCAPE_RE.match(text, i)
        if m is None:
            raise _Refuse
        simple, x2, u4, u8 = m.groups()
        if simple is not None:
            parts.append(_ESCAPES[simple])
        else:
            code = int(x2 or u4 or u8, 16)
            if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
                raise _Refuse
            parts.append(chr(code))
        pos = m.end()


_MAP, _SEQ, _INDENTLESS = 0, 1, 2  # kinds of open block collection


def _slow_line(line: str, row: int, depth: int) -> tuple[int, str, Node | None, int, Node | None, str]:
    """A line the fast path does not take: its indentation, dash, key, key's colon end, value and
    what may follow the value on the lines below: "plain" (a plain scalar, nothing after it on its
    line), a block scalar's header, or ""."""
    if line.startswith(("---", "...")):
        raise _Refuse  # a document marker (or a scalar that looks like one)
    m = _LINE_RE.match(line)
    if m is None:
        raise _Refuse
    indent, dash, plain_key, single_key, double_key, colon, plain, single, double, flow, block = m.groups()
    key_col = len(indent) + len(dash or "")
    key: Node | None = None
    colon_end = 0
    if colon is not None:
        colon_end = m.end(6)
        if colon_end - key_col > MAX_KEY_CHARS:
            raise _Refuse
        if plain_key is not None:
            plain_key = plain_key.rstrip(" ")
            key = ScalarNode(plain_tag(plain_key), plain_key, row, key_col)
        elif single_key is not None:
            key = ScalarNode(STR_TAG, single_key.replace("''", "'"), row, key_col)
        else:
            key = ScalarNode(STR_TAG, _unescape(double_key), row, key_col)
    value: Node | None = None
    follows = ""
    if plain is not None:
        value = ScalarNode(plain_tag(plain), plain, row, m.start(7))
        if m.end(7) == len(line.rstrip(" ")):
            follows = "plain"
    elif single is not None:
        value = ScalarNode(STR_TAG, single.replace("''", "'"), row, m.start(8) - 1)
    elif double is not None:
        value = ScalarNode(STR_TAG, _unescape(double), row, m.start(9) - 1)
    elif flow is not None:
        value, end = _flow(line, m.start(10), row, depth)
        if _TAIL_RE.match(line, end) is None:
            raise _Refuse
    elif block is not None:
        value = ScalarNode(STR_TAG, "", row, m.start(11))  # its value is read from the lines below
        follows = block
    return len(indent), dash or "", key, colon_end, value, follows


def _read(text: str) -> Node | None:
    """The block structure, line by line, with a stack of the collections still open."""
    firsts = _FIRSTS
    slow_first = _SLOW_FIRST
    str_tag = STR_TAG
    scalar = ScalarNode
    known: dict[str, str] = {}  # tags of keys and short plain values, worked out once

    # open block collections, innermost last: (column, kind, the node's value list); the innermost
    # also in top_col, top_kind, top_list
    stack: list[tuple[int, int, list[Any]]] = []
    top_col, top_kind = -1, -1
    top_list: list[Any] = []
    # a key or an entry with nothing after it on its line: its value is the block below it, or
    # null (marked just after the colon or the dash): (list, key or None, line, column)
    pending: tuple[list[Any], Node | None, int, int] | None = None
    root: Node | None = None
    # a plain scalar that ended its line: the lines below, more indented, may continue it
    open_plain: ScalarNode | None = None
    open_row = 0  # the last line it is on
    # a block scalar (`|`, `>`) whose lines are being read, its header and indentation
    block: ScalarNode | None = None
    block_header = ""
    block_lines: list[str] = []
    block_indent = -1
    row = -1
    key: Node | None
    for row, (indent, dash, key_text, colon, value_text) in enumerate(_lines(text)):
        if block is not None:
            if block_indent < 0:  # the indentation is not known before the first line with text
                if not (dash or key_text or value_text):
                    block_lines.append(indent)
                    continue
                block_indent = _block_indent(block_header, len(indent), block_lines, top_col)
            if len(indent) >= block_indent or not (dash or key_text or value_text):
                block_lines.append(indent + dash + key_text + colon + value_text)
                continue
            block.value = _block_scalar(block_lines, block_indent, block_header, True)
            block = None
        if key_text and not dash and pending is None and top_kind == _MAP and len(indent) == top_col:
            # the common line: the next key of the innermost mapping, a key seen before, with a
            # plain value or none (the same steps as below, fewer of them)
            tag = known.get(key_text)
            if tag is not None:
                if not value_text:
                    key = scalar(tag, key_text, row, top_col)
                    pending = (top_list, key, row, top_col + len(key_text) + 1)
                    open_plain = None
                    continue
                first = value_text[0]
                if (
                    first not in slow_first
                    and value_text[-1] not in ": "
                    and " #" not in value_text
                    and ": " not in value_text
                ):
                    if first in firsts:
                        value_tag = known.get(value_text)
                        if value_tag is None:
                            value_tag = plain_tag(value_text)
                            if len(value_text) <= 24:
                                known[value_text] = value_tag
                    else:
                        value_tag = str_tag
                    open_plain = scalar(value_tag, value_text, row, top_col + len(key_text) + len(colon))
                    open_row = row
                    top_list.append((scalar(tag, key_text, row, top_col), open_plain))
                    continue
        col = len(indent)
        if open_plain is not None:
            if not (dash or key_text or value_text):
                continue  # a blank line: the plain scalar may go on after it
            if col > top_col:  # more indented than the scalar's collection: the scalar goes on
                more = (dash + key_text + colon + value_text).rstrip(" ")
                if more[0] == "#":
                    open_plain = None  # a comment ends the scalar
                    continue
                if (
                    more[0] in _GOES_ON_REFUSED
                    or " #" in more
                    or ": " in more
                    or more[-1] == ":"
                    or more.startswith(("---", "..."))
                ):
                    raise _Refuse
                gap = row - open_row - 1  # blank lines: each is a line break, else a space
                open_plain.value += ("\n" * gap if gap else " ") + more
                open_plain.tag = plain_tag(open_plain.value)
                open_row = row
                continue
            open_plain = None
        # the value on this line: a plain or quoted scalar taken as it is, or None (nothing, a
        # comment, or a line for _LINE_RE)
        value: Node | None = None
        slow = False
        if value_text:
            first = value_text[0]
            last = value_text[-1]
            if (
                first not in slow_first
                and last != ":"
                and last != " "
                and " #" not in value_text
                and ": " not in value_text
            ):
                if first in firsts:
                    tag = known.get(value_text)
                    if tag is None:
                        tag = plain_tag(value_text)
                        if len(value_text) <= 24:
                            known[value_text] = tag
                else:
                    tag = str_tag
                value = open_plain = scalar(
                    tag, value_text, row, col + len(dash) + len(key_text) + len(colon)
                )
                open_row = row
            elif first == "#":
                if not dash and not key_text:
                    continue  # a comment line
            elif (
                (first == "'" and last == "'" and "'" not in value_text[1:-1])
                or (first == '"' and last == '"' and '"' not in value_text[1:-1] and "\\" not in value_text)
            ) and len(value_text) > 1:
                value = scalar(str_tag, value_text[1:-1], row, col + len(dash) + len(key_text) + len(colon))
            else:
                slow = True
        elif not dash and not key_text:
            continue  # a blank line
        key = None
        colon_end = 0
        if slow:
            col, dash, key, colon_end, value, follows = _slow_line(
                indent + dash + key_text + colon + value_text, row, len(stack)
            )
            if follows == "plain":
                open_plain, open_row = value, row  # type: ignore[assignment]
            elif follows:
                block, block_header, block_lines, block_indent = value, follows, [], -1  # type: ignore[assignment]
        elif key_text:
            tag = known.get(key_text)
            if tag is None:
                if len(key_text) >= MAX_KEY_CHARS:
                    raise _Refuse
                tag = known[key_text] = plain_tag(key_text) if key_text[0] in firsts else str_tag
            key = scalar(tag, key_text, row, col + len(dash))
            if not dash and pending is None and col == top_col and top_kind == _MAP:
                # the common line: the next key of the innermost mapping
                if value is not None:
                    top_list.append((key, value))
                else:
                    pending = (top_list, key, row, col + len(key_text) + 1)
                continue
            colon_end = col + len(dash) + len(key_text) + 1

        if pending is not None:
            if col > top_col or (col == top_col and dash and pending[1] is not None):
                opens = True
            else:
                opens = False
                target, pkey, null_row, null_col = pending
                null = scalar(_EMPTY_TAG, "", null_row, null_col)
                target.append(null if pkey is None else (pkey, null))
                pending = None
        else:
            opens = root is None

        if opens:  # this line starts the pending key's or entry's value, or the document
            if dash:
                kind = _SEQ if pending is None or col > top_col else _INDENTLESS
                node: Node = SequenceNode(SEQ_TAG, [], row, col)
            elif key is not None:
                kind = _MAP
                node = MappingNode(MAP_TAG, [], row, col)
            else:
                if value is None:
                    raise _Refuse  # cannot happen: the line has a dash, a key or a value
                node = value
                kind = -1
            if pending is None:
                root = node
            else:
                target, pkey = pending[0], pending[1]
                target.append(node if pkey is None else (pkey, node))
                pending = None
            if kind < 0:
                continue  # a scalar or flow collection alone on its line
            if len(stack) >= _MAX_DEPTH:
                raise _Refuse
            top_col, top_kind, top_list = col, kind, node.value
            stack.append((top_col, top_kind, top_list))
        else:  # this line continues an open collection
            if not stack:
                raise _Refuse  # the document was a scalar, or this is left of its first line
            while top_col > col or (top_col == col and top_kind == _INDENTLESS and not dash):
                stack.pop()
                if not stack:
                    raise _Refuse
                top_col, top_kind, top_list = stack[-1]
            if top_col != col:
                raise _Refuse  # between two levels, or more indented with nothing open
            if top_kind == _MAP:
                if dash or key is None:
                    raise _Refuse  # a mapping's line without a key: an error in YAML
            elif not dash:
                raise _Refuse  # a sequence's line without a dash

        if dash:  # an entry of the innermost sequence
            if key is not None:  # `- key: ...`: a mapping starts after the dash
                mapping = MappingNode(MAP_TAG, [], row, col + len(dash))
                top_list.append(mapping)
                if len(stack) >= _MAX_DEPTH:
                    raise _Refuse
                top_col, top_kind, top_list = col + len(dash), _MAP, mapping.value
                stack.append((top_col, top_kind, top_list))
            elif value is not None:
                top_list.append(value)
                continue
            else:
                pending = (top_list, None, row, col + 1)
                continue

        # a key of the innermost mapping
        if value is not None:
            top_list.append((key, value))
        else:
            pending = (top_list, key, row, colon_end)

    if row != text.count("\n"):
        raise _Refuse  # cannot happen: every line matches once
    if block is not None:
        if block_indent < 0:
            raise _Refuse  # a block scalar with no text
        block.value = _block_scalar(block_lines, block_indent, block_header, False)
    if pending is not None:
        target, pkey, null_row, null_col = pending
        null = scalar(_EMPTY_TAG, "", null_row, null_col)
        target.append(null if pkey is None else (pkey, null))
    return root


def _block_indent(header: str, first: int, leading: list[str], parent: int) -> int:
    """The indentation of a block scalar's text (libyaml's rule), given the spaces before its first
    line with text, the blank lines before that, and the indentation of the collection holding it."""
    digits = [int(ch) for ch in header if ch.isdigit()]
    if digits:
        indent = parent + digits[0] if parent >= 0 else digits[0]
    else:
        if any(len(blank) > first for blank in leading):
            raise _Refuse  # a blank line longer than the first line of text
        indent = max(first, parent + 1, 1)
    if first < indent:
        raise _Refuse  # a block scalar with no text, or less indented than it must be
    return indent


def _block_scalar(lines: list[str], indent: int, header: str, last_has_break: bool) -> str:
    """The value of a block scalar from its lines, as libyaml's yaml_parser_scan_block_scalar reads
    them: literal (`|`) or folded (`>`), chomped (`-` strip, `+` keep, else one line break)."""
    folded = header[0] == ">"
    out = []
    leading_break = ""  # the line break after the last line of text
    trailing = ""  # the line breaks of the blank lines since
    leading_blank = False  # whether the last line of text started with a space (more indented)
    n = len(lines)
    for k, line in enumerate(lines):
        brk = "\n" if k < n - 1 or last_has_break else ""
        if len(line) <= indent and not line.strip(" "):
            trailing += brk
            continue
        content = line[indent:]
        trailing_blank = content[:1] == " "
        if folded and leading_break == "\n" and not leading_blank and not trailing_blank:
            if not trailing:
                out.append(" ")
        else:
            out.append(leading_break)
        out.append(trailing)
        trailing = ""
        leading_blank = trailing_blank
        out.append(content)
        leading_break = brk
    if "-" not in header:
        out.append(leading_break)
    if "+" in header:
        out.append(trailing)
    return "".join(out)


def _lines(text: str) -> Iterator[tuple[str, str, str, str, str]]:
    """_FAST_LINE_RE's groups for every line of `text`, read some 64 KB at a time (the groups of
    all lines at once would take more memory than the nodes of a large file)."""
    findall = _FAST_LINE_RE.findall
    chunks = []
    pos = 0
    while True:
        end = text.find("\n", pos + 65536)
        if end < 0:
            chunks.append((pos, len(text)))
            break
        chunks.append((pos, end))
        pos = end + 1
    return chain.from_iterable(findall(text, start, end) for start, end in chunks)


# ----------------------------------------------------------------- flow collections on one line


def _flow(s: str, i: int, row: int, depth: int) -> tuple[Node, int]:
    """The flow collection opening at s[i]; returns it and the index after its closing bracket."""
    depth += 1
    if depth > _MAX_DEPTH:
        raise _Refuse
    is_seq = s[i] == "["
    closer = "]" if is_seq else "}"
    node = SequenceNode(SEQ_TAG, [], row, i) if is_seq else MappingNode(MAP_TAG, [], row, i)
    i = _skip_spaces(s, i + 1)
    if s.startswith(closer, i):
        return node, i + 1
    while True:
        if isinstance(node, SequenceNode):
            item, i = _flow_item(s, i, row, depth)
            node.value.append(item)
        else:
            key, i = _flow_item(s, i, row, depth, key=True)
            i = _skip_spaces(s, i)
            if not s.startswith(": ", i):
                raise _Refuse
            i = _skip_spaces(s, i + 2)
            item, i = _flow_item(s, i, row, depth)
            node.value.append((key, item))
        i = _skip_spaces(s, i)
        ch = s[i : i + 1]
        if ch == ",":
            i = _skip_spaces(s, i + 1)
            if s.startswith(closer, i):  # a trailing comma
                raise _Refuse
            continue
        if ch == closer:
            return node, i + 1
        raise _Refuse


def _flow_item(s: str, i: int, row: int, depth: int, key: bool = False) -> tuple[Node, int]:
    ch = s[i : i + 1]
    if ch == "[" or ch == "{":
        if key:
            raise _Refuse
        return _flow(s, i, row, depth)
    if ch == "'":
        m = _FLOW_SINGLE_RE.match(s, i)
        if m is None:
            raise _Refuse
        node = ScalarNode(STR_TAG, m.group(1).replace("''", "'"), row, i)
    elif ch == '"':
        m = _FLOW_DOUBLE_RE.match(s, i)
        if m is None:
            raise _Refuse
        node = ScalarNode(STR_TAG, _unescape(m.group(1)), row, i)
    else:
        m = _FLOW_PLAIN_RE.match(s, i)
        if m is None:
            raise _Refuse
        value = m.group()
        node = ScalarNode(plain_tag(value), value, row, i)
    if key and m.end() - i > MAX_KEY_CHARS:
        raise _Refuse
    return node, m.end()


def _skip_spaces(s: str, i: int) -> int:
    n = len(s)
    while i < n and s[i] == " ":
        i += 1
    return i


def compose(text: str) -> Node | None:
    """The node tree PyYAML would compose from `text`, or None where this reader is not sure of it."""
    if "\r" in text:
        # CRLF line ends (a file saved on Windows): YAML reads each as one line break, so the tree
        # is that of the text with LF (lines, columns and values); a lone CR is refused below
        text = text.replace("\r\n", "\n")
    if text.isascii():
        if any(ch in text for ch in _REFUSED_ASCII):
            return None
    elif _REFUSED_RE.search(text):
        return None
    try:
        return _read(text)
    except _Refuse:
        return None
