"""Hostile tests of the fast YAML reader: whatever it reads, it reads exactly as PyYAML does.

`fastyaml.compose(text)` may refuse any text (None: the loader then composes it with PyYAML). When
it returns a tree, that tree must equal PyYAML's as the loader reads it (`loader.pyyaml_compose`:
PyYAML's tree in fastyaml's node classes; `test_pyyamls_tree_is_converted_exactly` checks that
conversion against PyYAML's own nodes) in every attribute quizgen reads: node kind, tag, scalar
value, start line and column, the order of mapping pairs (duplicate keys kept) and shared nodes. A
text PyYAML refuses must be refused. Cases: a table of nasty texts, `yaml.safe_dump` of random data
in many styles, YAML built line by line from a small grammar, and whole banks (shipped and broken)
checked with and without the fast reader.
"""

from __future__ import annotations

import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BANKS, REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.bank import fastyaml, loader
from quizgen.bank.fastyaml import MappingNode, Node, ScalarNode, SequenceNode
from quizgen.errors import Report

# --------------------------------------------------------------------------- the differential check


class _Refused:
    """PyYAML raised: the text is not YAML that quizgen reads (the fast reader must refuse it)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _pyyaml(text: str) -> Node | _Refused | None:
    try:
        if loader._may_nest_too_deep(text) and loader._too_deep(text):  # libyaml's composer would crash
            return _Refused(RecursionError(f"nests more than {loader.MAX_DEPTH} levels deep"))
        return loader.pyyaml_compose(text)
    except (yaml.YAMLError, ValueError, RecursionError) as e:  # what parse_file catches
        return _Refused(e)


_KINDS = ("ScalarNode", "SequenceNode", "MappingNode")  # the class names of fastyaml's nodes and PyYAML's


def _kind(node: object) -> str:
    kinds = [k.__name__ for k in type(node).__mro__ if k.__name__ in _KINDS]
    return kinds[0] if len(kinds) == 1 else f"not a node: {type(node).__name__}"


def _show(node: Node) -> str:
    shown = _show_all(node)
    return shown if len(shown) < 600 else shown[:300] + " ... " + shown[-300:]


def _show_all(node: Node) -> str:
    mark = node.start_mark
    where = f"{mark.line}:{mark.column}"
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    kind = _kind(node)
    if kind == "ScalarNode":
        return f"{where} {tag} {node.value!r}"
    if kind == "SequenceNode":
        return f"{where} {tag} [{', '.join(_show_all(n) for n in node.value)}]"
    if kind == "MappingNode":
        return f"{where} {tag} {{{', '.join(f'{_show_all(k)}: {_show_all(v)}' for k, v in node.value)}}}"
    return repr(node)


def tree_difference(expected: Any, got: Any) -> str | None:
    """The first difference between two node trees in what quizgen reads, or None (either tree may be
    fastyaml's nodes or PyYAML's own)."""
    stack: list[tuple[str, Node, Node]] = [("root", expected, got)]
    # the loader takes a node met twice for an alias (_scan_nodes): both trees share the same nodes
    shared: dict[int, int] = {}
    fast_ids: set[int] = set()
    while stack:
        where, want, have = stack.pop()
        if id(want) in shared:
            if shared[id(want)] != id(have):
                return f"{where}: PyYAML's tree has an alias here, the fast tree has a copy"
            continue
        if id(have) in fast_ids:
            return f"{where}: the same node object appears twice in the fast tree, once in PyYAML's"
        shared[id(want)] = id(have)
        fast_ids.add(id(have))
        if _kind(want) != _kind(have):
            return f"{where}: {_kind(want)} expected, got {_kind(have)}"
        if want.tag != have.tag:
            return f"{where}: tag {want.tag!r} expected, got {have.tag!r}"
        mark, fast_mark = want.start_mark, have.start_mark
        if (mark.line, mark.column) != (fast_mark.line, fast_mark.column):
            return (
                f"{where}: line:column {mark.line}:{mark.column} expected, "
                f"got {fast_mark.line}:{fast_mark.column}"
            )
        if _kind(want) == "ScalarNode":
            if type(have.value) is not str or want.value != have.value:
                return f"{where}: value {want.value!r} expected, got {have.value!r}"
            continue
        if not isinstance(have.value, list) or len(want.value) != len(have.value):
            return f"{where}: {len(want.value)} items expected, got {have.value!r}"
        if _kind(want) == "SequenceNode":
            stack.extend(
                (f"{where}[{i}]", w, h) for i, (w, h) in enumerate(zip(want.value, have.value, strict=True))
            )
        else:
            for i, ((wk, wv), pair) in enumerate(zip(want.value, have.value, strict=True)):
                if not isinstance(pair, tuple) or len(pair) != 2:
                    return f"{where}: pair {i} is {pair!r}"
                stack.append((f"{where}{{{i}}}", wv, pair[1]))
                stack.append((f"{where}{{key {i}}}", wk, pair[0]))
    return None


def difference(text: str) -> str | None:
    """Why the fast reader's answer for `text` is wrong, or None when it is right (or refused)."""
    fast = fastyaml.compose(text)
    if fast is None:
        return None
    ref = _pyyaml(text)
    if isinstance(ref, _Refused):
        return f"PyYAML refuses it ({type(ref.error).__name__}: {ref.error}) but fastyaml read {_show(fast)}"
    if ref is None:
        return f"PyYAML finds no document but fastyaml read {_show(fast)}"
    found = tree_difference(ref, fast)
    if found:
        return f"{found}\n  PyYAML:   {_show(ref)}\n  fastyaml: {_show(fast)}"
    return None


def assert_same(text: str) -> None:
    found = difference(text)
    assert found is None, f"{text!r}\n{found}"


def test_the_differential_check_sees_every_kind_of_difference() -> None:
    """The harness itself: a tree changed in any attribute the loader reads is reported."""
    text = "a:\n  - x\n  - 1\nb: {c: d}\nb: yes\n"
    ref = _pyyaml(text)
    assert isinstance(ref, MappingNode)
    assert tree_difference(ref, _pyyaml(text)) is None  # type: ignore[arg-type]

    def changed(change: str) -> Node:
        tree = _pyyaml(text)
        assert isinstance(tree, MappingNode)
        seq = tree.value[0][1]
        if change == "tag":
            seq.value[1].tag = "tag:yaml.org,2002:str"
        elif change == "value":
            tree.value[2][1].value = "Yes"
        elif change == "line":
            seq.value[0].line += 1
        elif change == "column":
            tree.value[1][1].value[0][0].column += 1
        elif change == "kind":
            tree.value[1] = (tree.value[1][0], ScalarNode("tag:yaml.org,2002:map", "", seq.line, seq.column))
        elif change == "dropped key":
            del tree.value[2]
        elif change == "order":
            tree.value[1], tree.value[2] = tree.value[2], tree.value[1]
        elif change == "shared node":
            seq.value[0] = seq.value[1]
        return tree

    for change in ("tag", "value", "line", "column", "kind", "dropped key", "order", "shared node"):
        assert tree_difference(ref, changed(change)) is not None, change


# --------------------------------------------------------------------------- nasty texts

NASTY: list[str] = [
    # plain scalars with colons and hashes
    "a: b:c\n",
    "a: b: c\n",
    "a: b :c\n",
    "a: http://x.org/a#b\n",
    "a: b #c\n",
    "a: b#c\n",
    "a: b # c # d\n",
    "a: 'b' # c\n",
    "a: 'b'# c\n",
    'a: "b"#c\n',
    "a: b  \n",
    "a: b \t\n",
    "a:b\n",
    "a:b: c\n",
    "a:: b\n",
    "a :b\n",
    "a : b\n",
    "a   :   b   \n",
    "- a:b\n",
    "- a: b:c\n",
    "key:value\n",
    "a: ::\n",
    "a: :b\n",
    "a: ?b\n",
    "a: -b\n",
    "a: --\n",
    "a: - b\n",
    "a: ? b\n",
    "a: : b\n",
    "a: -\n",
    "a: ?\n",
    "a: :\n",
    "a: |\n",
    "a: >\n",
    "a: |\nb: 1\n",
    "a: |-\n  x\n",
    "a: >+\n  x\n\n",
    "a: |\n  x\n  y\n",
    "a: >\n  x\n  y\n",
    "-\n",
    ":\n",
    "?\n",
    "|\n",
    ">\n",
    "- -\n",
    "- :\n",
    "- ?\n",
    ": a\n",
    "? a\n: b\n",
    "?a: b\n",
    "-a: b\n",
    ":a: b\n",
    # keys with spaces, quotes
    "a b: c\n",
    "a  b  : c d\n",
    "'a b': c\n",
    '"a b": c\n',
    "'a': b\n",
    "'a':b\n",
    '"a":b\n',
    "'a' : b\n",
    "'a'b: c\n",
    "a'b: c\n",
    'a"b: c\n',
    "'it''s': 'it''s'\n",
    "a: 'it''s'\n",
    "a: ''''\n",
    "a: ''\n",
    'a: ""\n',
    "a: '\n",
    'a: "\n',
    "a: 'x\n",
    'a: "x\n',
    "a: 'x''\n",
    "a: 'x' y\n",
    'a: "x" y\n',
    "a: x 'y'\n",
    'a: x "y"\n',
    "'a\n",
    # double-quoted escapes
    'a: "\\u00e9\\t\\x41"\n',
    'a: "\\""\n',
    'a: "\\\\"\n',
    'a: "\\/"\n',
    'a: "\\0\\a\\b\\e\\f\\n\\r\\v\\ \\N\\_\\L\\P"\n',
    'a: "\\U0001F600"\n',
    'a: "\\ud800"\n',
    'a: "\\udfff\\ud800"\n',
    'a: "\\U00110000"\n',
    'a: "\\x4"\n',
    'a: "\\xzz"\n',
    'a: "\\q"\n',
    'a: "\\\'"\n',
    'a: "\\\n',
    'a: "x\\\n  y"\n',
    'a: "x\\\ny"\n',
    'a: "x \\\n  y"\n',
    'a: "x\n  y"\n',
    'a: "x\n\n  y"\n',
    'a: "x  \n  y"\n',
    'a: "x\ny"\n',
    "a: 'x\n  y'\n",
    "a: 'x\n\n  y'\n",
    "a: 'x  \n   y  '\n",
    "a: 'x\ny'\n",
    'a: "\\x41\\x42"\n',
    'a: "\\u0041"\n',
    'a: "\\t"\n',
    'a: "tab\there"\n',
    "a: 'tab\there'\n",
    'a: "#"\n',
    "a: '#'\n",
    'a: "a # b"\n',
    '"\\u00e9": x\n',
    '"a\\nb": x\n',
    '"": x\n',
    "'': x\n",
    # empty values
    "a:",
    "a:\n",
    "a: ",
    "a:  \n",
    "a:\nb:\n",
    "a:\n  b:\nc: 1\n",
    "a:\n  b:\n    c:\n",
    "a:\n  b: 1\n  c:\n",
    "a:\n  b:\n  c: 1\n",
    "a: # c\nb: 1\n",
    "a: # c\n  b: 1\n",
    "a:\n# c\n  b: 1\n",
    "a:\n\n\n  b: 1\n",
    "a:\n  \n  b: 1\n",
    "- \n- a\n",
    "-\n-\n",
    "- a:\n- b:\n",
    "- a:\n  b:\n",
    "a:\n- \n",
    "a:\n  -\n",
    "a:\n  - \n  -\n",
    "a: ~\n",
    "a: null\n",
    "a: Null\n",
    "a: NULL\n",
    "a: nUll\n",
    "~: a\n",
    "null: a\n",
    ": x\n",
    # sequences, indentless and indented
    "a:\n- b\n- c\n",
    "a:\n  - b\n  - c\n",
    "a:\n- b\n  - c\n",
    "a:\n  - b\n- c\n",
    "a:\n    - b\n    - c\nd: e\n",
    "a:\n- b\nc: d\n",
    "a:\n  - b\n c: d\n",
    "a:\n - b\n - c\n",
    "- - a\n",
    "- - a\n  - b\n- c\n",
    "- - - a\n    - b\n  - c\n",
    "- - a\n- - b\n",
    "-   a\n-   b\n",
    "-   a: 1\n    b: 2\n",
    "-  a: 1\n   b: 2\n",
    "-\n  a: 1\n",
    "-\n  a: 1\n  b: 2\n-\n  - c\n",
    "-\n a\n",
    "-\n  - a\n",
    "- a\n -b\n",
    "- a\n-b\n",
    "-a\n",
    "- a\n- b\nc: d\n",
    "a:\n  - b: 1\n    c: 2\n  - d: 3\n",
    "- key: v\n  k2: v2\n",
    "- key: v\n k2: v2\n",
    "- key: v\n   k2: v2\n",
    "- key: v\nk2: v2\n",
    "- key: v\n  k2:\n  - x\n  k3: y\n",
    "- key: v\n  k2:\n    - x\n  k3: y\n",
    "- key: v\n  k2:\n   - x\n",
    "- key:\n    sub: 1\n  k2: 2\n",
    "- key:\n  sub: 1\n",
    "- key:\n   sub: 1\n  k2: 2\n",
    "-   key: v\n    k2: v2\n",
    "- - key: v\n    k2: v2\n  - x\n",
    "a:\n  b:\n  - c\n  d: e\n",
    "a:\n  b:\n    - c\n  d: e\n",
    "a: 1\n  b: 2\n",
    "a: 1\n b: 2\n",
    " a: 1\n b: 2\n",
    " a: 1\nb: 2\n",
    "  - a\n  - b\n",
    "  - a\n - b\n",
    # comments after values and between items
    "# c\na: 1\n",
    "   # c\na: 1\n",
    "a: 1 # c\n# d\nb: 2 # e\n",
    "a:\n  # c\n  - b\n  # d\n  - c\n",
    "a:\n# c\n- b\n#d\n- c\n",
    "- a\n  # c\n- b\n",
    "- a # c\n- b #c\n",
    "a: 1\n#c\n",
    "a: 1\n  # c\n",
    "a: 1 #\n",
    "a: #\n",
    "#\na: 1\n",
    "a: b\n#c\n  d\n",
    "a: b\n  #c\n",
    "a: 'b' #c\n  #d\n",
    # multi-line plain scalars
    "a: b\n  c\n",
    "a: b\n c\n",
    "a: b\nc\n",
    "a: b\n\n  c\n",
    "a: b\n  \n  c\n",
    "a: b\n\n\n  c\n",
    "a: b  \n  c  \n",
    "a:\n  b\n  c\n",
    "- b\n  c\n",
    "- b\n c\n",
    "- b\n c: d\n",
    "a: b\n  c: d\n",
    "a: b\n  - c\n",
    "a: b\n  # c\n  d\n",
    "a: b\n  #c\n",
    "a: yes\n  no\n",
    "a: 1\n  2\n",
    "key: one\n  two # c\nnext: x\n",
    # unicode
    "a: b\u00a0\n",
    "a:\u00a0b\n",
    "a: \u00a0b\n",
    "\u00a0a: b\n",
    "a\u00a0: b\n",
    "a: b\u00a0# c\n",
    "a: b \u00a0\n",
    "a: b\u2028c\n",
    "a: b\u2029c\n",
    "a: b\u0085c\n",
    "a: 'b\u2028c'\n",
    'a: "b\u2028c"\n',
    'a: "b\u0085  c"\n',
    "a: b\n\u2028b: c\n",
    "a: 1\u2028b: 2\n",
    "a: 1\u0085b: 2\n",
    "a: 1\u2029b: 2\n",
    "a\u2028: 1\n",
    "\u2028a: 1\n",
    "- a\u2028- b\n",
    "\ufeffa: 1\n",
    "a: 1\n\ufeffb: 2\n",
    "a: 1\n  \ufeffb: 2\n",
    "a: \ufeff1\n",
    "a: 1\ufeff\n",
    "a\uff1ab\n",
    "a\uff1a b\n",
    "a: b\uff1a c\n",
    "a: \u3000b\u3000\n",
    "a: b\u2003\n",
    "a: b\u200b\n",
    "a: b\x1c\n",
    "a: b\x1f\n",
    "a: b\x0b\n",
    "a: b\x0c\n",
    "a: b\x00\n",
    "a: b\x07\n",
    "a: b\x1b\n",
    "a: b\x7f\n",
    "a: b\x80\n",
    "a: b\x9f\n",
    'a: "b\x07"\n',
    "a: 'b\x7f'\n",
    "a: b\ufffe\n",
    "a: b\uffff\n",
    "a: b\ufffd\n",
    "a: b\U0001f600 c\n",
    "\U0001f600: \U0001f600\n",
    "\U0001f600: [\U0001f600, x]\n",
    "- \U0001f600\n- \U0001f600 # c\n",
    "\u00e9\u00e9: \u00e9\u00e9\nb: \u00e9\n",
    "a: \u0301\n",
    "a: e\u0301\n",
    "a: \u200d\n",
    "a: \u202e\n",
    # tabs and CRLF
    "a:\tb\n",
    "a: b\tc\n",
    "a: b\t#c\n",
    "\ta: b\n",
    "a:\n\t- b\n",
    "a:\n  b: 1\n\t\n",
    "- \ta\n",
    "-\ta\n",
    "a: 1\r\nb: 2\r\n",
    "a: 1\rb: 2\r",
    "a: 1\r\n  b\r\n",
    "a: 'x\r\n  y'\r\n",
    "a: b\r",
    # documents
    "---\na: 1\n",
    "--- \na: 1\n",
    "---\n",
    "--- a\n",
    "--- a: 1\n",
    "---a: 1\n",
    "a: ---\n",
    "a: ...\n",
    "a: 1\n...\n",
    "a: 1\n---\n",
    "a: 1\n---\nb: 2\n",
    "---\na: 1\n...\n---\nb: 2\n",
    "...\n",
    "a: 1\n... # c\n",
    "a: 1\n...\nb: 2\n",
    "%YAML 1.1\n---\na: 1\n",
    "%TAG ! tag:x,2000:\n---\na: 1\n",
    "a: 1\n%x\n",
    "a: |\n  ---\n",
    "a: b\n---\n",
    "- a\n--- \n",
    "- a\n-- b\n",
    "a:\n  ---\n",
    "a:\n  ...\n",
    "a: b\n ---\n",
    "a: b\n ...\n",
    # values starting with indicators
    "a: @b\n",
    "a: `b\n",
    "a: %b\n",
    "a: b%\n",
    "a: b@\n",
    "a: !b\n",
    "a: !!str 1\n",
    "a: !!python/object:os.system x\n",
    "a: &b 1\n",
    "a: &b 1\nc: *b\n",
    "a: *b\n",
    "a: b&c\n",
    "a: b*c\n",
    "a: b!c\n",
    "a: b & c\n",
    "a: b * c\n",
    "a: [b\n",
    "a: {b\n",
    "a: b]\n",
    "a: b}\n",
    "a: b,\n",
    "a: ,b\n",
    "a: b, c\n",
    'a: "b\n',
    "a: 'b\n",
    "a: |b\n",
    "a: >b\n",
    "a: b|\n",
    "a: b>\n",
    "@a: b\n",
    "`a: b\n",
    "%a: b\n",
    "!a: b\n",
    "&a b: c\n",
    "*a: b\n",
    "- @a\n",
    "- !a\n",
    "- &a\n",
    "- *a\n",
    "- %a\n",
    "- `a\n",
    # flow collections
    "a: []\n",
    "a: {}\n",
    "a: [ ]\n",
    "a: { }\n",
    "a: [b, c]\n",
    "a: [b,c]\n",
    "a: [ b , c ]\n",
    "a: [b, c,]\n",
    "a: [b, c, ]\n",
    "a: [,]\n",
    "a: [b,,c]\n",
    "a: [b c]\n",
    "a: [b: c]\n",
    "a: [b: c, d]\n",
    "a: [b:c]\n",
    "a: [b :c]\n",
    "a: [b, [c, [d, []]]]\n",
    "a: [b, {c: d}]\n",
    "a: {b: c}\n",
    "a: {b: c,}\n",
    "a: {b: c, d: e}\n",
    "a: {b:c}\n",
    "a: {b}\n",
    "a: {b, c: d}\n",
    "a: {b: }\n",
    "a: {b:}\n",
    "a: {: b}\n",
    "a: {'b': c}\n",
    'a: {"b": c}\n',
    'a: {"b":c}\n',
    "a: {'b':c}\n",
    "a: {b: [c, d], e: {f: g}}\n",
    "a: {b: c, b: d}\n",
    "a: [b, c] # x\n",
    "a: [b, c]#x\n",
    "a: [b, c] d\n",
    "a: [b, c]]\n",
    "a: {b: c}}\n",
    "a: [b #c\n  , d]\n",
    "a: [b,\n  c]\n",
    "a: [b,\nc]\n",
    "a: {b: c,\n  d: e}\n",
    "a: [b, 'c, d', \"e]\"]\n",
    "a: [b, 'c''d']\n",
    "a: [b, yes, ~, 1, 1.5, null, '', \"\"]\n",
    "a: [-b, -, - c]\n",
    "a: [?b]\n",
    "a: [? b]\n",
    "a: [:b]\n",
    "a: [b#c]\n",
    "a: [b #c]\n",
    "a: [http://x.org]\n",
    "a: [a:b]\n",
    "a: {a:b: c}\n",
    "a: [b, c\n",
    "a: [b, c]\n  d\n",
    "a: [\n  b,\n  c\n]\n",
    "a: [\n  b,\n  c\n  ]\n",
    "[a, b]\n",
    "{a: b}\n",
    "[a, b]: c\n",
    "{a: b}: c\n",
    "- [a, b]\n- {c: d}\n",
    "- [a, b] \n- {c: d} # x\n",
    "a: [b]\nc: [d]\n",
    "a:\n  [b]\n",
    "a:\n  {b: c}\n",
    "a: [b, c, !x d]\n",
    "a: [&x b, *x]\n",
    "a: [b, @c]\n",
    "a: [b, `c]\n",
    "a: [b, %c]\n",
    "a: [b, |]\n",
    "a: [b, >]\n",
    "a: [b, #]\n",
    "a: {b: [c, {d: [e, f,], g: {}}], h: []}\n",
    "a: [\"\\u00e9\", '\u00e9', \u00e9]\n",
    "a: [b\u00a0, c]\n",
    "a: [b\u2028, c]\n",
    "a: [b\tc]\n",
    "a: [b,\tc]\n",
    'a: {"b" : c}\n',
    'a: ["b": c]\n',
    "a: ['b':c]\n",
    "a: [b]: c\n",
    # implicit tags of plain scalars
    "a: yes\nb: Yes\nc: YES\nd: yEs\ne: y\nf: Y\ng: n\nh: N\n",
    "a: no\nb: No\nc: NO\nd: on\ne: On\nf: ON\ng: off\nh: Off\ni: OFF\nj: oN\n",
    "a: true\nb: True\nc: TRUE\nd: tRue\ne: false\nf: False\ng: FALSE\n",
    "yes: no\nNo: yes\non: off\n",
    "a: 0x1F\nb: 0X1F\nc: 0o17\nd: 017\ne: 0b101\nf: 1_000\ng: -1\nh: +1\ni: 0\nj: -0\n",
    "a: 1:20\nb: 1:20:30\nc: -1:20\nd: 1:60\ne: 190:20:30.15\nf: 1:2:3:4\ng: 0:20\n",
    "a: .inf\nb: -.Inf\nc: +.INF\nd: .NaN\ne: .nan\nf: .NAN\ng: inf\nh: nan\n",
    "a: 1e3\nb: 1.0e3\nc: 1.0e+3\nd: 1.5\ne: .5\nf: 1.\ng: 1_0.5\nh: -1.5e-10\ni: 6.8523015e+5\n",
    "a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10 -5\nd: 2002-12-14\n",
    "a: 2001-1-1\nb: 2001-01-01T01:02:03Z\nc: 2001-13-40\nd: 20011214\n",
    "a: =\nb: <<\n<<: c\n=: d\n",
    "a: ==\nb: <<<\n",
    "a: 0x\nb: 0b\nc: 0o\nd: 1__\ne: _1\nf: +\ng: -\nh: .\ni: ._\n",
    "a: 1 \nb: 1 # c\nc: 1  \n",
    "1: a\n2.5: b\nyes: c\n~: d\n2001-12-14: e\n",
    "- 1\n- yes\n- ~\n- 1.5\n- 2001-12-14\n- .inf\n- =\n",
    "a: '1'\nb: \"yes\"\nc: '~'\n",
    "a: 12:30\nb: 12:30:00\nc: 1:20:\n",
    # duplicate keys
    "a: 1\na: 2\n",
    "a: 1\nb: 2\na: 3\n",
    "- a: 1\n  a: 2\n",
    "a:\n  b: 1\n  b: 2\n",
    # very long lines and keys
    "a: " + "x" * 100_000 + "\n",
    "a: " + "x " * 30_000 + "\n",
    "k" * 1020 + ": v\n",
    "k" * 1030 + ": v\n",
    "- " + "k" * 1030 + ": v\n",
    "a:\n  " + "k" * 1030 + ": v\n",
    "'" + "k" * 1030 + "': v\n",
    '"' + "k" * 1030 + '": v\n',
    "a: {" + "k" * 1030 + ": v}\n",
    "a: '" + "x" * 50_000 + "'\n",
    'a: "' + "\\u00e9" * 5000 + '"\n',
    # deep nesting
    "".join(" " * i + "a:\n" for i in range(60)) + " " * 60 + "b: 1\n",
    "- " * 150 + "a\n",
    "- " * 250 + "a\n",
    "a: " + "[" * 150 + "]" * 150 + "\n",
    "a: " + "[" * 250 + "]" * 250 + "\n",
    "".join(" " * (2 * i) + f"k{i}:\n" for i in range(120)) + " " * 240 + "v: 1\n",
    # odd whitespace and ends of file
    "a: 1",
    "a: 1\n\n\n",
    "\n\n\na: 1\n",
    "   \na: 1\n",
    "a: 1\n   ",
    "a: 1\n  \n",
    "a: 1\nb",
    "a: 1\nb:",
    "a: 1\n-",
    "- a\n-",
    "- a\n- ",
    "a:\n  b: 1\n c",
    "a: 'b'\n",
    "a: 'b'",
    'a: "b"',
    "plain",
    "plain\n",
    "'quoted'\n",
    "plain # c\n",
    "yes\n",
    "~\n",
    "- a\nb: c\n",
    "a: b\n- c\n",
    "a:\n  - b\n  c: d\n",
    "a: b\nc: d\n  e: f\n",
    # where a line's quick reading and its full reading could part
    "a#b: c\n",
    "a #b: c\n",
    "a:# c\n",
    "- # c\n  a\n",
    "-  # c\n- b\n",
    "- \u00a0\n",
    "-\u00a0a\n",
    "a:\n\u00a0 b: 1\n",
    "x 'a: b'\n",
    "'a'': b': c\n",
    "a: b'\n",
    "a: 'x' #'\n",
    'a: "x" #"\n',
    "a: 'a #b'\n",
    "a: 'a' 'b'\n",
    'a: "a" "b"\n',
    'a: "a\\"\n',
    "a: '''\n",
    "a.b-c: d\n",
    "1.5: x\n_: y\n0: z\n",
    "a: b\nc:d\n",
    "- a\n- b:\n",
    "a: 1\n a: 2\n",
    "k" * 998 + ": v\n",
    "k" * 999 + ": v\n",
    "- " + "k" * 999 + ": v\n",
    "'" + "k" * 997 + "': v\n",
    # what a hand-written bank looks like
    'questions:\n  - id: q1\n    type: true_false\n    prompt: "Is it?"\n    answer: no\n'
    "    source: {section: intro, facts: [f1, f2]}\n    tags: [kidney, dose]\n",
    "questions:\n- id: q1\n  type: multiple_choice\n  options:\n  - text: A\n    correct: true\n"
    "  - text: 'B: b'\n    correct: false\n  - text: \"C # c\"\n",
    'bank:\n  id: x  # the id\n  title: "T"\n\n  facts:\n    # c\n    - id: f1\n      section: s\n'
    '      text: "Say \\"hi\\"."\n',
]


@pytest.mark.parametrize("text", NASTY, ids=[f"{i:03d}" for i in range(len(NASTY))])
def test_nasty_text_is_refused_or_read_as_pyyaml_reads_it(text: str) -> None:
    assert_same(text)


# --------------------------------------------------------------------------- PyYAML's tree, converted

# texts only PyYAML reads: aliases (shared nodes, even cyclic ones), tags, `?` keys, documents
_PYYAML_ONLY = [
    "a: &x [1, 2]\nb: *x\n",
    "questions: &a [*a]\n",
    "m: &m {k: *m}\n",
    "&r [a, *r, {k: *r}, *r]\n",
    "base: &b {x: 1}\nquestions:\n  - <<: *b\n    id: a\n",
    "- &s x\n- *s\n- [*s, *s]\n",
    "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n",
    "a: !!python/object:os.system x\nb: !custom [1]\nc: !!str 1\nd: !!map {}\n",
    "? [a, b]\n: c\n? d\n",
    "%YAML 1.1\n--- !!map\na:\t1\n",
    "---\n...\n",
    "a: 'two\n  lines'\nb: [x,\n  y]\n",
]


def _nodes(root: Any) -> Iterator[Any]:
    """Every node of a tree once (it may be shared, or hold itself)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node.value, list):
            stack.extend(
                child for item in node.value for child in (item if isinstance(item, tuple) else (item,))
            )


def test_pyyamls_tree_is_converted_exactly() -> None:
    """loader.pyyaml_compose is PyYAML's own tree in fastyaml's node classes: every node's kind, tag,
    value, line and column, in order, and the same nodes shared (the loader finds aliases so)."""
    texts = [
        *_PYYAML_ONLY,
        *NASTY,
        *(p.read_text(encoding="utf-8", errors="replace") for p in _repository_yaml()),
    ]
    converted = shared = 0
    for text in texts:
        try:
            if loader._may_nest_too_deep(text) and loader._too_deep(text):
                continue  # libyaml's composer would crash: the loader never composes it
            pyyamls = yaml.compose(text, Loader=loader.pyyaml_loader())
        except (yaml.YAMLError, ValueError, RecursionError):
            continue
        tree = loader.pyyaml_compose(text)
        if pyyamls is None:
            assert tree is None, text
            continue
        assert tree_difference(pyyamls, tree) is None, f"{text!r}\n{tree_difference(pyyamls, tree)}"
        nodes = list(_nodes(tree))
        assert all(type(node) in (ScalarNode, SequenceNode, MappingNode) for node in nodes), text
        assert len(nodes) == len(list(_nodes(pyyamls))), text  # as many distinct nodes: sharing kept
        converted += 1
        shared += len(nodes) < sum(1 for _ in _all_visits(tree))
    assert converted > 500
    assert shared >= 7  # the aliases above, at least


def _all_visits(root: Any, limit: int = 10_000) -> Iterator[Any]:
    """Every node as often as the tree reaches it (a cyclic tree: up to `limit`)."""
    stack = [root]
    count = 0
    while stack and count < limit:
        node = stack.pop()
        count += 1
        yield node
        if isinstance(node.value, list):
            stack.extend(
                child for item in node.value for child in (item if isinstance(item, tuple) else (item,))
            )


# --------------------------------------------------------------------------- safe_dump output


_TEXTS = (
    st.text(max_size=30)
    | st.text(
        alphabet=st.sampled_from(list(" \t\n:-#'\"?[]{},&*!|>%@`~yesnoYN01.x\u00a0\u2028\u0085é")),
        max_size=12,
    )
    | st.sampled_from(
        ["yes", "No", "on", "~", "null", "", " ", "1:20", "0x1F", "1e3", ".inf", "=", "<<", "-"]
    )
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _TEXTS
)
_KEYS = st.text(max_size=12) | st.sampled_from(["id", "type", "a b", "yes", "1", "~", ""])
_DATA = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=16,
)


@settings(max_examples=100, deadline=None)
@given(
    _DATA,
    st.fixed_dictionaries(
        {
            "default_style": st.sampled_from([None, "'", '"', "|", ">"]),
            "default_flow_style": st.sampled_from([False, True, None]),
            "width": st.sampled_from([20, 80, 1000, 2**31]),
            "allow_unicode": st.booleans(),
            "indent": st.sampled_from([2, 4]),
            "sort_keys": st.booleans(),
            "explicit_start": st.booleans(),
            "explicit_end": st.booleans(),
            "canonical": st.sampled_from([False] * 9 + [True]),
            "line_break": st.sampled_from([None] * 9 + ["\r\n"]),
        }
    ),
)
def test_safe_dump_output_is_refused_or_read_as_pyyaml_reads_it(
    data: object, style: dict[str, object]
) -> None:
    assert_same(yaml.safe_dump(data, **style))  # type: ignore[call-overload]


# --------------------------------------------------------------------------- YAML line by line

_WORDS = [
    "a",
    "b",
    "id",
    "key",
    "yes",
    "no",
    "On",
    "~",
    "null",
    "1",
    "0x1F",
    "1:20",
    "1.5",
    ".inf",
    "=",
    "<<",
]
_ODD = [*":#-?'\"[]{},&*!|>%@` \t\u00a0\u2028\u0085\ufeff\uff1a", "\\", "''", "\\n", "\\x41", "é"]


# every escape of a double-quoted scalar, and some that are not (or not in every YAML reader)
_ESCAPES = [f"\\{c}" for c in "0abtnvfre \"/\\N_LP'q"] + [
    "\\x41",
    "\\xe9",
    "\\x4",
    "\\u00e9",
    "\\u2028",
    "\\ud800",
    "\\uFFFE",
    "\\U0001F600",
    "\\U00110000",
    "\\\t",
]


@st.composite
def _scalar_text(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["word", "words", "odd", "single", "double", "flow", "empty"]))
    if kind == "word":
        return draw(st.sampled_from(_WORDS))
    if kind == "words":
        parts = draw(st.lists(st.sampled_from(_WORDS + _ODD), min_size=1, max_size=4))
        return draw(st.sampled_from([" ", "", ":", " #"])).join(parts)
    if kind == "odd":
        return "".join(draw(st.lists(st.sampled_from(_ODD + _WORDS), min_size=1, max_size=5)))
    if kind == "single":
        inner = "".join(draw(st.lists(st.sampled_from([*_ODD, *_WORDS, "''", "''", " "]), max_size=4)))
        return "'" + inner + draw(st.sampled_from(["'", "'", "'", "", "' x", "'#x", "' #x"]))
    if kind == "double":
        inner = "".join(draw(st.lists(st.sampled_from([*_ODD, *_WORDS, *_ESCAPES, *_ESCAPES]), max_size=4)))
        return '"' + inner + draw(st.sampled_from(['"', '"', '"', "", '" x', '"#x']))
    if kind == "flow":
        items = draw(
            st.lists(st.sampled_from([*_WORDS, "'x, y'", '"z"', "[]", "{}", "[a]", "b: c", ""]), max_size=3)
        )
        opener, closer = draw(st.sampled_from([("[", "]"), ("{", "}"), ("[", ""), ("{", "]")]))
        return opener + draw(st.sampled_from([", ", ",", " , "])).join(items) + closer
    return ""


@st.composite
def _line(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(["pair", "pair", "pair", "item", "item", "key", "comment", "blank", "scalar"])
    )
    indent = " " * draw(st.sampled_from([0, 0, 1, 2, 2, 3, 4, 4, 6, 8]))
    comment = draw(st.sampled_from(["", "", "", " # c", "#c", "  # c: d", " ", "\t"]))
    if kind == "blank":
        return draw(st.sampled_from(["", " ", "  ", "\t"]))
    if kind == "comment":
        return indent + "# " + draw(_scalar_text())
    dashes = "".join(draw(st.lists(st.sampled_from(["- ", "-  ", "-"]), max_size=2)))
    if kind == "item":
        return indent + dashes + "- " + draw(_scalar_text()) + comment
    if kind == "scalar":
        return indent + draw(_scalar_text()) + comment
    key = draw(st.sampled_from([*_WORDS, "a b", "'q k'", '"d k"', "x:y", "'it''s'", "k\u00a0", "é"]))
    colon = draw(st.sampled_from([":", ":", " :", "::"]))
    if kind == "key":
        return indent + dashes + key + colon + comment
    return (
        indent
        + dashes
        + key
        + colon
        + draw(st.sampled_from([" ", " ", "  ", ""]))
        + draw(_scalar_text())
        + comment
    )


@st.composite
def yaml_lines(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_line(), min_size=1, max_size=12))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n", "\n# end\n"]))


@settings(max_examples=120, deadline=None)
@given(yaml_lines())
def test_yaml_written_line_by_line_is_refused_or_read_as_pyyaml_reads_it(text: str) -> None:
    assert_same(text)


# --------------------------------------------------------------------------- nested blocks

_KEY_TEXTS = [
    *_WORDS,
    "a b",
    "'q k'",
    '"d k"',
    "x:y",
    "'it''s'",
    "k\u00a0",
    "é",
    "'a: b'",
    '"\\t"',
    "a#b",
    "a]",
]


def _collections(children: st.SearchStrategy[tuple[str, object]]) -> st.SearchStrategy[tuple[str, object]]:
    return st.tuples(
        st.just("map"), st.lists(st.tuples(st.sampled_from(_KEY_TEXTS), children), min_size=1, max_size=3)
    ) | st.tuples(st.just("seq"), st.lists(children, min_size=1, max_size=3))


_NODES = _collections(st.recursive(st.tuples(st.just("scalar"), _scalar_text()), _collections, max_leaves=8))


def _render(node: tuple[str, object], col: int, rnd: random.Random, over_lines: float = 0.0) -> list[str]:
    """Block YAML for `node` starting at column `col`, its layout chosen by `rnd` (mostly valid);
    `over_lines`: how often a scalar is a block scalar or a plain scalar over several lines."""
    kind, body = node
    pad = " " * col
    if kind == "scalar":
        return [pad + str(body)]
    lines: list[str] = []
    if kind == "map":
        for key, value in body:  # type: ignore[attr-defined]
            if value[0] == "scalar" and rnd.random() < over_lines:
                head, below = _scalar_over_lines(rnd, col)
                lines += [f"{pad}{key}: {head}", *below]
                continue
            if value[0] == "scalar":
                lines.append(f"{pad}{key}:{rnd.choice([' ', ' ', '  ', ''])}{value[1]}{_comment(rnd)}")
                continue
            lines.append(f"{pad}{key}:{_comment(rnd)}")
            step = rnd.choice([1, 2, 2, 4] + ([0, 0] if value[0] == "seq" else []))
            lines += _render(value, col + step, rnd, over_lines)
        return lines
    for item in body:  # type: ignore[attr-defined]
        gap = rnd.choice([1, 1, 2, 3])
        if item[0] == "scalar" and rnd.random() < over_lines:
            head, below = _scalar_over_lines(rnd, col)
            lines += [f"{pad}-{' ' * gap}{head}", *below]
            continue
        if rnd.random() < 0.7:  # compact: `- key: v` / `- - x` / `- v` on the dash's line
            inner = _render(item, col + 1 + gap, rnd, over_lines)
            lines.append(pad + "-" + " " * gap + inner[0][col + 1 + gap :])
            lines += inner[1:]
        else:
            lines.append(pad + "-" + _comment(rnd))
            lines += _render(item, col + rnd.choice([1, 2, 4]), rnd, over_lines)
    return lines


_BLOCK_HEADERS = ["|", ">", "|-", ">-", "|+", ">+", "|1", ">2", "|2-", ">1+"]
_BELOW = [
    "x",
    "x y",
    "yes",
    "a: b",
    "- x",
    "# c",
    " x",
    "'q'",
    "x #c",
    "x:",
    "\u00a0z",
    "--- x",
    "... x",
    "|",
]


def _scalar_over_lines(rnd: random.Random, col: int) -> tuple[str, list[str]]:
    """A block scalar's header, or a plain scalar's first line, and the lines below it: mostly text
    more indented than `col` and blank lines, sometimes text less indented, spaces, odd text."""
    below = []
    for _ in range(rnd.randrange(1, 5)):
        if rnd.random() < 0.2:
            below.append(rnd.choice(["", " " * rnd.randrange(8)]))
        elif rnd.random() < 0.75:
            below.append(" " * (col + rnd.choice([2, 2, 3])) + rnd.choice(["x", "x y", "yes", "1 2"]))
        else:
            below.append(" " * max(col + rnd.choice([-1, 0, 1, 4]), 0) + rnd.choice(_BELOW))
    if rnd.random() < 0.6:
        return rnd.choice(_BLOCK_HEADERS) + rnd.choice(["", "", " # c", " "]), below
    return rnd.choice(["a", "b c", "yes", "1", "é"]), below


def _comment(rnd: random.Random) -> str:
    return rnd.choice(["", "", "", "", " # c", "  #: x", " #", "#x"])


@st.composite
def nested_yaml(draw: st.DrawFn) -> str:
    """Block YAML nested a few levels deep, mostly well formed, sometimes changed by one character."""
    rnd = draw(st.randoms(use_true_random=False))
    lines = _render(draw(_NODES), draw(st.sampled_from([0, 0, 2])), rnd)
    for _ in range(draw(st.integers(0, 2))):  # comment and blank lines anywhere
        lines.insert(rnd.randrange(len(lines) + 1), " " * rnd.randrange(6) + rnd.choice(["# c", "", "#"]))
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        at = rnd.randrange(len(text) + 1)
        text = text[:at] + rnd.choice([*_ODD, " ", "\n", "- ", ": ", "  "]) + text[at + rnd.randrange(2) :]
    return text


@settings(max_examples=150, deadline=None)
@given(nested_yaml())
def test_nested_block_yaml_is_refused_or_read_as_pyyaml_reads_it(text: str) -> None:
    assert_same(text)


_WORD_NODES = _collections(
    st.recursive(
        st.tuples(st.just("scalar"), st.sampled_from(["a", "b c", "yes", "1", "'q'"])),
        _collections,
        max_leaves=6,
    )
)


@st.composite
def scalars_over_lines_yaml(draw: st.DrawFn) -> str:
    """Nested block YAML where half the scalars are block scalars or plain scalars over several lines."""
    rnd = draw(st.randoms(use_true_random=False))
    lines = _render(draw(_WORD_NODES), draw(st.sampled_from([0, 0, 2])), rnd, over_lines=0.5)
    return "\n".join(lines) + rnd.choice(["\n", "", "\n\n", "\n  \n"])


@settings(max_examples=150, deadline=None)
@given(scalars_over_lines_yaml())
def test_scalars_over_several_lines_are_refused_or_read_as_pyyaml_reads_them(text: str) -> None:
    assert_same(text)


# --------------------------------------------------------------------------- long texts

# what follows 64 KB of `kN: v` lines; fastyaml reads the lines of a text some 64 KB at a time
_AFTER_64_KB = [
    "xx: 1\nyy: 2\nzz: 3\n",
    "x:\n  y: 1\n",
    "x:\n- a\n- b\n",
    "x: 1\n  y\n",
    "x: [a,\n b]\n",
    "x: 'a\n  b'\n",
    "x:\n",
    "x:",
    "\n\n# c\n",
    "  y: 2\n",
    "x: 1\n---\n",
]


def _after_64_kb(shift: int, tail: str) -> str:
    lines, size = [], 0
    while size < 65_536 + shift - 16:  # long lines (few nodes), then short ones up to the edge
        lines.append(f"k{len(lines)}: {'v' * 1000 if size < 64_000 else 'v'}\n")
        size += len(lines[-1])
    return "".join(lines) + "k" * (65_536 + shift - size - 4) + ": v\n" + tail


def test_lines_on_both_sides_of_64_kb_are_read_as_pyyaml_reads_them() -> None:
    for shift in (-9, -4, -1, 0, 1, 3, 8):
        for tail in _AFTER_64_KB:
            text = _after_64_kb(shift, tail)
            assert len(text) - len(tail) == 65_536 + shift
            found = difference(text)
            assert found is None, f"{shift} {tail!r}\n{found}"


# --------------------------------------------------------------------------- bank-shaped YAML


@st.composite
def _question(draw: st.DrawFn) -> dict[str, object]:
    """A question as the benchmark's banks hold it, its text drawn from nasty strings."""
    text = _TEXTS | st.sampled_from(_WORDS)
    return {
        "id": draw(text),
        "type": draw(st.sampled_from(["true_false", "flashcard", "multiple_choice"])),
        "prompt": draw(text),
        "answer": draw(st.one_of(st.booleans(), text)),
        "options": draw(st.lists(text, max_size=3)),
        "source": {"section": draw(text), "facts": draw(st.lists(text, max_size=2))},
        "tags": draw(st.lists(text, max_size=2)),
    }


@settings(max_examples=50, deadline=None)
@given(st.lists(_question(), min_size=1, max_size=3), st.sampled_from([80, 1000]))
def test_bank_shaped_safe_dump_is_refused_or_read_as_pyyaml_reads_it(
    questions: list[object], width: int
) -> None:
    # the benchmark's writer: tests/benchmarks/synth.py
    assert_same(yaml.safe_dump({"questions": questions}, sort_keys=False, allow_unicode=True, width=width))


def test_the_fast_reader_reads_what_it_is_for(tmp_path: Path) -> None:
    """The differential tests are not empty: the benchmark's banks and the shipped banks are read
    by the fast reader itself (not refused), and read right."""
    sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
    import synth

    synth.write_bank(tmp_path / "b", 60, files=2)
    synth.write_flashcards(tmp_path / "f", tmp_path / "m", 30, files=1)
    texts = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.rglob("*.yaml"))]
    texts += [p.read_text(encoding="utf-8-sig") for p in sorted((REPO / "questions").rglob("*.yaml"))]
    for text in texts:
        assert fastyaml.compose(text) is not None, text[:200]
        assert_same(text)


# --------------------------------------------------------------------------- whole banks


def _repository_yaml() -> list[Path]:
    return sorted([*(REPO / "questions").rglob("*.yaml"), *BANKS.rglob("*.yaml")])


def test_every_yaml_file_of_the_repository_is_refused_or_read_as_pyyaml_reads_it() -> None:
    files = _repository_yaml()
    assert len(files) > 50
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        found = difference(text)
        assert found is None, f"{path}\n{found}"


def _reports(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Report, Report, int]:
    """check_banks with the fast reader and without it, and how many files the fast reader read."""
    read = 0
    compose = fastyaml.compose

    def counting(text: str) -> Node | None:
        nonlocal read
        node = compose(text)
        read += node is not None
        return node

    with monkeypatch.context() as m:
        m.setattr(fastyaml, "compose", counting)
        fast = loader.check_banks(paths)
    with monkeypatch.context() as m:
        m.setattr(fastyaml, "compose", lambda text: None)
        slow = loader.check_banks(paths)
    return fast, slow, read


def _same_report(fast: Report, slow: Report) -> None:
    assert [str(p) for p in fast.problems] == [str(p) for p in slow.problems]
    assert fast == slow


def test_shipped_and_test_banks_give_the_same_report_with_and_without_the_fast_reader(
    in_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = sorted(p for p in (REPO / "questions").iterdir() if p.is_dir())
    for group in ("invalid", "warnings", "lints", "valid", "evidence", "translations", "web"):
        cases += sorted(
            p
            for p in (BANKS / group).iterdir()
            if (p.is_dir() or p.suffix == ".yaml") and p.name != "bank.yaml"
        )
    total = 0
    for case in cases:
        fast, slow, read = _reports([case.relative_to(REPO)], monkeypatch)
        _same_report(fast, slow)
        total += read
    assert total > 30  # the fast reader did read most of these files


_BREAKS: list[tuple[str, str]] = [
    # (text in a shipped bank file, what it becomes): an author's mistakes that are still YAML (the
    # fast reader reads them: the loader must say the same, at the same line and column) ...
    ("answer: true", "answer: no"),
    ("answer: true", "answer: 'no'"),
    ("answer: false", "answer: Yes"),
    ("answer: false", "answer: ~"),
    ("answer: false", "answer:"),
    ("answer: true", "answer: 1:20"),
    ("answer: true", "answer: [true]"),
    ("answer: true", "answer: {a: b}"),
    ("    answer: ", "    answer: # none\n    answer2: "),
    ("    type: true_false", "    type: True"),
    ("    type: multiple_choice", "    type:  multiple_choice  # c"),
    ("    type: ", "    tipe: "),
    ("    difficulty: ", "    difficulty: hard\n    difficulty: "),
    ("    tags: [", "    tags: [a, a, "),
    ("    tags: [", "    tags: [[x], "),
    ("source: {section: ", "source: {section: nowhere, x: "),
    ("    explanation: ", "    explanation: ''\n    x: "),
    ("    options:", "    options: ~\n    other:"),
    ("    prompt: ", "    prompt:\n      "),
    ("    prompt: ", "    prompt: 0x1F\n    note: "),
    ("  - id: ", "  -\n    id: "),
    ("  - id: ", "  - id: 1_000\n    old_id: "),
    ("    evidence:\n      - ", "    evidence:\n    - "),
    ("    evidence:\n      - ", "    evidence: []\n    more:\n      - "),
    ("    translated_from: ", "    translated_from: 2001-12-14\n    was: "),
    ("    translated_from: ", "    translated_from:\n    was: "),
    ('      - "', '      - ~\n      - "'),
    # ... and mistakes that are not YAML, or YAML outside the fast reader's subset
    ("type: true_false", "type:true_false"),
    ("  - id: ", "   - id: "),
    ("  - id: ", "  - id:\t"),
    ("    prompt: ", "    prompt: @"),
    ("    prompt: ", "    prompt: !!str "),
    ("    prompt: ", "    prompt: &a "),
    ("    prompt: ", "    prompt: - "),
    ("    prompt: ", "    prompt: \u2028"),
    ("    prompt: ", "    prompt: [x, "),
    ('    prompt: "', '    prompt: "\\q'),
    ("    explanation: ", "    explanation: >-\n"),
    ("    tags: [", "    tags: [\n"),
    ("source: {section: ", "source: {section: yes, "),
    ("questions:", "questions: # here\n---"),
    ("questions:", "questions:\r"),
    ("questions:", "\ufeffquestions:"),
    ("    options:", "    options:\n  -"),
]


def _broken_copies() -> Iterator[tuple[str, str]]:
    shipped = sorted((REPO / "questions").rglob("*.yaml"))
    for n, (old, new) in enumerate(_BREAKS):  # the file and the place are chosen at random, seeded
        chooser = random.Random(n)
        path = chooser.choice(shipped)
        text = path.read_text(encoding="utf-8")
        places = [i for i in range(len(text)) if text.startswith(old, i)]
        if not places:
            path = next(p for p in shipped if old in p.read_text(encoding="utf-8"))
            text = path.read_text(encoding="utf-8")
            places = [i for i in range(len(text)) if text.startswith(old, i)]
        where = chooser.choice(places)
        yield (
            f"{path.parent.name}/{path.name} {old!r} -> {new!r}",
            text[:where] + new + text[where + len(old) :],
        )


BROKEN = list(_broken_copies())


def test_most_broken_copies_are_read_by_the_fast_reader() -> None:
    """The broken banks below test the fast reader, not only PyYAML twice."""
    read = [case for case, text in BROKEN if fastyaml.compose(text) is not None]
    assert len(read) >= 25, read


@pytest.mark.parametrize(("case", "text"), BROKEN, ids=[f"{i:02d}" for i in range(len(BROKEN))])
def test_a_broken_bank_gives_the_same_report_with_and_without_the_fast_reader(
    case: str, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_same(text)
    bank = REPO / "questions" / case.split("/")[0]
    folder = tmp_path / bank.name
    shutil.copytree(bank, folder, ignore=shutil.ignore_patterns("*.md"))
    (folder / case.split(" ")[0].split("/")[1]).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    fast, slow, _ = _reports([Path(bank.name)], monkeypatch)
    _same_report(fast, slow)
