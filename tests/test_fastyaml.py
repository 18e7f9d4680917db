"""fastyaml reads the common YAML of banks exactly as PyYAML does, or refuses it (PyYAML reads it then).

"Exactly" is every attribute quizgen reads from a node: its class, tag, value (for a scalar), start
line and column, and the order of a sequence's items and a mapping's pairs (duplicate keys kept).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BANKS, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank import fastyaml, loader
from quizgen.bank.fastyaml import MappingNode, Node, ScalarNode, SequenceNode
from quizgen.errors import Report

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
import synth
from test_loader import SHAPES, mutated_yaml, nested


def _tree(node: Node | None) -> list[tuple[Any, ...]]:
    """The node and all below it, in document order, as (class, tag, value, line, column)."""
    out: list[tuple[Any, ...]] = []
    stack: list[Node | None] = [node]
    while stack:
        n = stack.pop()
        if n is None:
            out.append((None,))
            continue
        kind = next(k for k in (ScalarNode, SequenceNode, MappingNode) if isinstance(n, k))
        size = n.value if kind is ScalarNode else len(n.value)
        out.append((kind.__name__, n.tag, size, n.start_mark.line, n.start_mark.column))
        if kind is SequenceNode:
            stack.extend(reversed(n.value))
        elif kind is MappingNode:
            for k, v in reversed(n.value):
                stack.append(v)
                stack.append(k)
    return out


def _same_or_refused(text: str) -> Node | None:
    """fastyaml's tree for `text`, checked against PyYAML's; None where fastyaml refuses it."""
    fast = fastyaml.compose(text)
    if fast is not None:
        assert isinstance(fast, Node)
        assert _tree(fast) == _tree(loader.pyyaml_compose(text)), text
    return fast


def _repo_yaml() -> list[Path]:
    return sorted([*(REPO / "questions").rglob("*.yaml"), *BANKS.rglob("*.yaml")])


def test_one_table_of_tags_for_both_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    # the loader's resolver for libyaml asks fastyaml.plain_tag: one table for both readers
    for value in ("yes", "No", "~", "0x1F", "1_000", "1:20", ".inf", "2001-12-14", "=", "<<", "text"):
        node = yaml.compose(f"a: {value}\n", Loader=loader.pyyaml_loader())
        assert node.value[0][1].tag == fastyaml.plain_tag(value)
    monkeypatch.setattr(fastyaml, "plain_tag", lambda value: "tag:example.org,2026:asked")
    node = yaml.compose("a: yes\n", Loader=loader.pyyaml_loader())
    assert node.value[0][1].tag == "tag:example.org,2026:asked"


def test_shipped_banks_are_read_fast_and_the_same() -> None:
    shipped = sorted((REPO / "questions").rglob("*.yaml"))
    assert len(shipped) >= 10
    for path in shipped:
        assert _same_or_refused(path.read_text(encoding="utf-8-sig")) is not None, path


def test_every_yaml_file_of_the_repository_is_read_the_same_or_refused() -> None:
    read = 0
    for path in _repo_yaml():
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        try:
            loader.pyyaml_compose(text)
        except yaml.YAMLError:
            assert fastyaml.compose(text) is None, path  # invalid YAML is never read
            continue
        read += _same_or_refused(text) is not None
    assert read >= 95


def test_benchmark_banks_are_read_fast_and_the_same(tmp_path: Path) -> None:
    synth.write_bank(tmp_path / "bank", 240, files=3)
    synth.write_flashcards(tmp_path / "cards", tmp_path / "md", 120, files=2)
    files = sorted([*(tmp_path / "bank").glob("*.yaml"), *(tmp_path / "cards").glob("*.yaml")])
    assert len(files) == 7
    for path in files:
        assert _same_or_refused(path.read_text(encoding="utf-8")) is not None, path


# Each text is read (the same tree as PyYAML's) or refused, as its row says. Refusing is always
# safe; a row marked READ pins what the subset is for.
READ, REFUSED = "read", "refused"
_TAGGED = [
    *("yes", "No", "on", "OFF", "y", "n", "true", "False", "~", "null", "NULL", "0x1F", "0o17", "017"),
    *("1_000", "1:20", "190:20:30", "-5", "+5", ".inf", "-.Inf", ".NaN", "1e3", "1.5e+3", "1.", "0b101"),
    *("2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "=", "<<", "1__"),
    *("1:2:3:4", "Yes!", "nothing", "onion", "yesterday", "true.", "1.2.3"),
]
CASES: list[tuple[str, str]] = [
    # block mappings and sequences
    ("a: 1\nb: two\n", READ),
    ("a: 1\nb: two", READ),
    ("  a: 1\n  b: 2\n", READ),
    ("a:\n  b:\n    c: d\n  e: f\ng: h\n", READ),
    ("a:\n- x\n- y\nb: 1\n", READ),
    ("a:\n  - x\n  - y\nb: 1\n", READ),
    ("- a\n- b\n", READ),
    ("- a: 1\n  b: 2\n- c: 3\n", READ),
    ("-   a: 1\n    b: 2\n", READ),
    ("- a:\n  - x\n  b: 1\n- c\n", READ),
    ("- a:\n    - x\n  b: 1\n", READ),
    ("questions:\n- id: x\n  source:\n    facts:\n    - f0\n  tags:\n  - t\n", READ),
    ("a: 1\na: 2\n", READ),  # duplicate keys kept, in order
    ("scalar\n", READ),
    ("  indented scalar\n", READ),
    ("a:\n  nested scalar\n", READ),
    ("-\n  a: 1\n", READ),
    ("-\n  - x\n", READ),
    # empty values: null, marked just after the colon or the dash
    ("a:\nb: 1\n", READ),
    ("a:   # note\n\nb: 1\n", READ),
    ("a:\n", READ),
    ("a:", READ),
    ("a:   ", READ),
    ("- \n- a\n", READ),
    ("-\n-   # x\n  \n- a\n", READ),
    ("k:\n  - \n  -\n", READ),
    ("k:\n- a\n-\nz: 1\n", READ),
    ("  a: 1\n  b:\n", READ),
    ("- a:\n- b\n", READ),
    ("a:\n  b:\nc:\n", READ),
    # implicit tags of plain scalars (YAML 1.1), as values, entries and keys
    *((f"v: {v}\n", READ) for v in _TAGGED),
    *((f"- {v}\n", READ) for v in _TAGGED),
    *((f"{v}: k\n", READ) for v in _TAGGED if not v.startswith("-")),
    ("- yes\n- -1\n- -x\n- -.5\n", READ),
    # plain text with indicators inside
    ("a: b:c\n", READ),
    ("a: http://x.org/p?q=1#frag\n", READ),
    ("a: it's\n", READ),
    ('a: say "hi"\n', READ),
    ("a: x[0] {y} & z, !w *v |u >t @s `r %q\n", READ),
    ("a: b #c\n", READ),
    ("a: b#c\n", READ),
    ("a: b   \n", READ),
    ("a: b  c   d\n", READ),
    ("a: b # c: d\n", READ),
    ("a : b\n", READ),
    ("a b: c\n", READ),
    ("a.b-c_d: e\n", READ),
    ("München: Straße\n", READ),
    ("a: ça va\u00a0#pas un commentaire\n", READ),
    ("a: x\u3000y\n", READ),
    ("a: full\uff1awidth colon\n", READ),
    ("a: ---\n", READ),
    ("a: ...\n", READ),
    # quoted scalars
    ("a: 'b: c'\n", READ),
    ("a: 'it''s'\n", READ),
    ("a: ''\n", READ),
    ("'a b': c\n", READ),
    ("'a''b': c\n", READ),
    ("'': c\n", READ),
    ("a: 'x'  # c\n", READ),
    ('a: "b: c"\n', READ),
    ('a: ""\n', READ),
    ('a: "\\"x\\" \\\\ \\n \\t \\0 \\a \\b \\v \\f \\r \\e \\  \\N \\_ \\L \\P"\n', READ),
    ('a: "\\x41\\u00e9\\U0001F600"\n', READ),
    ('"a\\tb": c\n', READ),
    ('a: "yes"\n', READ),
    ("a: 'yes'\n", READ),
    ("- \"x\"\n- 'y'\n", READ),
    # flow collections on one line
    ("a: [b, c]\n", READ),
    ("a: []\n", READ),
    ("a: {}\n", READ),
    ("a: [ b ,  c ]\n", READ),
    ("a: {b: c, d: [e, f]}\n", READ),
    ("a: [b, [c, {d: e}], 'f, g', \"h]\"]\n", READ),
    ("a: [yes, 1, ~, 1.5, b c]\n", READ),
    ("source: {section: x, facts: [a, b]}  # c\n", READ),
    ("- [a, b]\n- {c: d}\n", READ),
    ("[a, b]\n", READ),
    ("{'a': b, \"c\": d}\n", READ),
    # block scalars
    ("a: |\n  text\n", READ),
    ("a: >-\n  text\n", READ),
    ("a: |\n  line 1\n  line 2\n\n  line 4\n", READ),
    ("a: >\n  folded\n  text\n\n  para\n    more indented\n  back\n\n\n  end\n", READ),
    ("a: >\n  one\n   two\n  three\n", READ),
    ("a: |+\n  keep\n\n\nb: 1\n", READ),
    ("a: >+\n  keep\n\n", READ),
    ("a: |-\n  strip\n\n", READ),
    ("a: |2\n    two more\n  base\n", READ),
    ("a: >2-\n     x\n", READ),
    ("a: |\n  text", READ),
    ("a: >\n  text\n  ", READ),
    ("a: |  # comment\n  text\n", READ),
    ("a: |\n  # not a comment\n  text\n# a comment\nb: 1\n", READ),
    ("a: |\n  x\n      \n  y\n", READ),
    ("a: >\n\n  after a blank line\n", READ),
    ("- |\n  entry\n- >\n  folded\n  entry\n", READ),
    ("- a: |\n    in a compact mapping\n  b: 1\n", READ),
    ("k:\n- |\n  x\n- y\n", READ),
    ("k:\n  |\n   on its own line\n", READ),
    ("|\n root\n", READ),
    ("a: |\n    text\n  less\n", REFUSED),
    ("a: |\n\n      \n  text\n", REFUSED),
    ("a: |\nb: 1\n", REFUSED),
    ("a: |\n", REFUSED),
    ("a: |0\n  x\n", REFUSED),
    ("a: | x\n", REFUSED),
    ("a: |#c\n  x\n", REFUSED),
    # plain scalars on several lines
    ("a: b\n  continued\n", READ),
    ("a:\n  b\n  c\n", READ),
    ("a: b\n  c\n\n  d\n\n\n    e\nf: 1\n", READ),
    ("- a\n  b\n- c\n", READ),
    ("k:\n- a\n  b\nl: 1\n", READ),
    ("- k: a\n    b\n  l: 1\n", READ),
    ("a: yes\n  no\n", READ),
    ("a: 1\n  2\n", READ),
    ("a: b\n  # c\nd: 1\n", READ),
    ("a: b\n  c\n  # c\n", READ),
    ('a: b\n  c\'s "d" [e] {f}\n', READ),
    ("a: b\n  - c\n", REFUSED),
    ("a: b\n  c: d\n", REFUSED),
    ("a: b\n  c #d\n", REFUSED),
    ("a: b\n  c:\n", REFUSED),
    ("a: b # c\n  d\n", REFUSED),
    ("a: 'b'\n  c\n", REFUSED),
    ("a: b\n  # c\n  d\n", REFUSED),
    ("A\n...\n", REFUSED),
    ("A\n---\n", REFUSED),
    # refused: outside the subset (PyYAML reads them, or reports the error)
    ("a: 'b\n  c'\n", REFUSED),
    ('a: "b\n  c"\n', REFUSED),
    ('a: "b\\\n  c"\n', REFUSED),
    ("a: [b,\n  c]\n", REFUSED),
    ("a: &x b\nc: *x\n", REFUSED),
    ("a: !!str b\n", REFUSED),
    ("a: !t b\n", REFUSED),
    ("? a\n: b\n", REFUSED),
    ("---\na: b\n", REFUSED),
    ("a: b\n...\n", REFUSED),
    ("%YAML 1.1\n---\na: b\n", REFUSED),
    ("a: b\n---\nc: d\n", REFUSED),
    ("- - a\n  - b\n", REFUSED),
    ("a: [b,]\n", REFUSED),
    ("a: {b: }\n", REFUSED),
    ("a: {b:}\n", REFUSED),
    ("a: {b}\n", REFUSED),
    ("a: [b: c]\n", REFUSED),
    ("a: {b:c}\n", REFUSED),
    ("a: [b #c]\n", REFUSED),
    ("a: [b?c]\n", REFUSED),
    ("a: ['b' c]\n", REFUSED),
    ("a: [b] c\n", REFUSED),
    ('a: "\\/"\n', REFUSED),
    ('a: "\\q"\n', REFUSED),
    ('a: "\\ud800"\n', REFUSED),
    ('a: "\\U00110000"\n', REFUSED),
    ("a: -\n", REFUSED),
    ("a: - b\n", REFUSED),
    ("a: @b\n", REFUSED),
    ("a: `b\n", REFUSED),
    ("a: %b\n", REFUSED),
    ("a: |b\n", REFUSED),
    ("a: ?\n", REFUSED),
    ("a: :\n", REFUSED),
    ("a: ,b\n", REFUSED),
    ("a: ]\n", REFUSED),
    # refused: YAML errors (PyYAML gives the message and location)
    ("a: b: c\n", REFUSED),
    ("a: b:\n", REFUSED),
    ("a: 'b' c\n", REFUSED),
    ("a: 'b'#c\n", REFUSED),
    ("a: 'b\n", REFUSED),
    ('a: "b\n', REFUSED),
    ("a: 1\n- b\n", REFUSED),
    ("- a\nb: 1\n", REFUSED),
    ("a:\n  - x\n  b: 1\n", REFUSED),
    ("a: 1\n b: 2\n", REFUSED),
    ("  a: 1\nb: 2\n", REFUSED),
    ("a:\n    b: 1\n  c: 2\n", REFUSED),
    ("- a\n - b\n", REFUSED),
    ("- a: 1\n b: 2\n", REFUSED),
    ("-   a: 1\n  b: 2\n", REFUSED),
    ("a\nb\n", READ),
    ("a: 1\n  o [x, y]\n", READ),
    ("a: 1\nb\n", REFUSED),
    ("x" * 1100 + ": y\n", REFUSED),
    # refused: characters PyYAML reads otherwise or refuses
    ("a:\tb\n", REFUSED),
    ("a: b\r\nc: d\r\n", READ),  # CRLF line ends: read as LF
    ("a: b\x85c\n", REFUSED),
    ("a: b\u2028c\n", REFUSED),
    ("a: b\u2029c\n", REFUSED),
    ("a: 1\n\ufeffb: 2\n", REFUSED),
    ("a: b\x07\n", REFUSED),
    ("a: b\x7f\n", REFUSED),
    ("a: \ufffe\n", REFUSED),
    ("a: é\x01\n", REFUSED),
    # nothing to read
    ("", REFUSED),
    ("# only a comment\n", REFUSED),
    ("\n\n", REFUSED),
]


@pytest.mark.parametrize(("text", "outcome"), CASES, ids=[repr(t)[:60] for t, _ in CASES])
def test_tricky_case(text: str, outcome: str) -> None:
    got = _same_or_refused(text)
    assert (READ if got is not None else REFUSED) == outcome, text


def _depth(node: Node) -> int:
    """How deep collections nest in a tree (what the loader's MAX_DEPTH counts)."""
    deepest = 0
    stack = [(node, 0)]
    while stack:
        n, depth = stack.pop()
        if isinstance(n, ScalarNode):
            continue
        depth += 1
        deepest = max(deepest, depth)
        children = n.value if isinstance(n, SequenceNode) else [c for pair in n.value for c in pair]
        stack.extend((child, depth) for child in children)
    return deepest


def test_a_text_fastyaml_reads_never_nests_near_the_loaders_limit() -> None:
    """The loader checks nesting depth only for the text fastyaml refuses: whatever it reads, in any
    shape, alone or inside other collections, nests far less deep than loader.MAX_DEPTH."""
    deepest = 0
    for shape in SHAPES:
        read = []
        for n in range(fastyaml._MAX_DEPTH - 5, fastyaml._MAX_DEPTH + 8):
            text = nested(shape, n)
            inside = "a:\n  b:\n    - c: {}\n      d:\n" + "".join(
                f"        {ln}\n" for ln in text.splitlines()
            )
            for yaml_text, depth in ((text, n), (inside, n + 4)):
                node = _same_or_refused(yaml_text)
                if node is not None:
                    assert _depth(node) == depth, (shape, n)
                    read.append(depth)
        if shape != "compact sequences":  # `- - x` is always left to PyYAML
            assert min(read) == fastyaml._MAX_DEPTH - 5, shape  # read below its limit, refused above
        assert fastyaml.compose(nested(shape, fastyaml._MAX_DEPTH + 7)) is None, shape
        deepest = max(deepest, 0, *read)
    assert deepest <= fastyaml._MAX_DEPTH + 5
    assert fastyaml._MAX_DEPTH + 5 < loader.MAX_DEPTH


def test_deep_nesting_is_left_to_pyyaml() -> None:
    deep = "".join(" " * i + "- \n" for i in range(0, 2 * 150, 2)) + " " * 300 + "x\n"
    assert fastyaml.compose(deep) is None
    flow = "a: " + "[" * 150 + "]" * 150 + "\n"
    assert fastyaml.compose(flow) is None
    assert _same_or_refused("a: " + "[" * 20 + "]" * 20 + "\n") is not None


# --------------------------------------------------------------------------- generated YAML

# Line parts: mostly what the subset reads (so that many texts are read and compared), sometimes a
# near miss (so that refusing is tested too).
_PREFIXES = (["", "", "- ", "- ", "-   "], ["-", "- - ", "? ", ": ", "-\t"])
_KEYS = (
    ["", "a: ", "b: ", "id: ", "c:", "key with space: ", "'q': ", "'it''s': ", '"d\\"q": ', "yes: ", "1: "],
    ["~: ", "<<: ", "a:b ", "x : ", "-k: ", "a#b: ", "a #b: ", "[a]: ", "&x a: ", "a:  ", "a\t: "],
)
_VALUES = (
    [
        *("", "", "v", "text with words", "yes", "No", "on", "y", "~", "null", "0x1F", "0o17", "1_000"),
        *("1:20", ".inf", "-.inf", ".NaN", "1e3", "1.5", "-5", "+5", "2001-12-14", "=", "<<", "a  b"),
        *("it's", "'it''s'", "''", '""', '"\\u00e9\\x41\\n"', '"a\\"b"', "[a, b]", "[]", "{}"),
        *("{a: b, c: [d, e]}", "[a, [b, {c: d}]]", "a:b", "a #c", "a#c", "http://x", "München"),
        *("a\u00a0#b", "x\u3000y", "-x", "a, b", "a]", "|", ">-", "|+", ">2", "text  more"),
    ],
    [
        *('"\\/"', '"\\q"', "'unclosed", '"unclosed', "[a,]", "{a: }", "[a: b]", "a: b", "a:", "#c"),
        *("&x v", "*x", "!t v", "|", ">", "@x", "`x", "%x", "- x", "-", "?", ":", "x\u2028y", "x\x85y"),
        *("x\ty", "\ufeffx", "---", "...", "[a", "{a: [b}", "'a' b", "a\rb"),
    ],
)
_TAILS = (["", "", "", " ", "  # c"], ["#c", " #", "\t# c"])


@st.composite
def yaml_lines(draw: st.DrawFn) -> str:
    def part(choices: tuple[list[str], list[str]]) -> str:
        good, near = choices
        return draw(st.sampled_from(near if draw(st.integers(0, 11)) == 0 else good))

    lines = []
    indent = 0  # mostly where the line before leaves off, so that the lines nest
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "  ", "# c", "  # c", "---", "...", "%TAG"])))
            continue
        indent = draw(st.sampled_from([indent, indent, indent + 2, max(indent - 2, 0), 0, indent + 1]))
        prefix, key = part(_PREFIXES), part(_KEYS)
        lines.append(" " * indent + prefix + key + part(_VALUES) + part(_TAILS))
        if prefix.startswith("- ") and key:
            indent += len(prefix)  # the keys of a mapping that starts after the dash
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n", "\r\n"]))


@settings(max_examples=400, deadline=None)
@given(yaml_lines())
def test_generated_lines_are_read_the_same_or_refused(text: str) -> None:
    fast = fastyaml.compose(text)
    if fast is not None:
        # read only if PyYAML reads it too, and to the same tree
        assert _tree(fast) == _tree(loader.pyyaml_compose(text)), text


_scalars = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=12),
    st.sampled_from(["yes", "no", "on", "1", "1.5", "~", "null", "", " x ", "a: b", "a #b", "'", '"', "-"]),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
_data = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.one_of(st.text(max_size=6), st.integers(0, 9)), children, max_size=4)
    ),
    max_leaves=16,
)


@settings(max_examples=200, deadline=None)
@given(
    _data,
    st.fixed_dictionaries(
        {
            "default_flow_style": st.sampled_from([False, None, True]),
            "default_style": st.sampled_from([None, None, "'", '"']),
            "width": st.sampled_from([80, 1000, 20]),
            "allow_unicode": st.booleans(),
            "indent": st.sampled_from([2, 4]),
            "sort_keys": st.booleans(),
        }
    ),
)
def test_safe_dump_output_is_read_the_same_or_refused(data: object, options: dict[str, Any]) -> None:
    _same_or_refused(yaml.safe_dump(data, **options))


def test_a_large_file_is_read_whole() -> None:
    """The lines are read 64 KB at a time: every line is read once, at its own line number."""
    text = yaml.safe_dump({"questions": [synth.question(i) for i in range(800)]}, sort_keys=False, width=1000)
    assert len(text) > 5 * 65536
    assert _same_or_refused(text) is not None
    padded = text.replace("questions:\n", "questions:\n" + "# " + "x" * 65530 + "\n\n", 1)
    assert _same_or_refused(padded) is not None


def test_safe_dump_of_plain_bank_data_is_read() -> None:
    questions = [synth.question(i) for i in range(60)]
    for indent in (2, 4):
        text = yaml.safe_dump({"questions": questions}, sort_keys=False, width=1000, indent=indent)
        assert _same_or_refused(text) is not None


# --------------------------------------------------------------------------- the loader


def _reports(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Report, Report, int]:
    """check_banks with the fast reader and with PyYAML alone, and how many files the fast one read."""
    compose = fastyaml.compose
    read = 0

    def counting(text: str) -> Node | None:
        nonlocal read
        node = compose(text)
        read += node is not None
        return node

    monkeypatch.setattr(fastyaml, "compose", counting)
    fast = loader.check_banks(paths)
    monkeypatch.setattr(fastyaml, "compose", lambda text: None)
    slow = loader.check_banks(paths)
    monkeypatch.setattr(fastyaml, "compose", compose)
    return fast, slow, read


def test_loader_reports_the_same_with_and_without_the_fast_reader(
    monkeypatch: pytest.MonkeyPatch, in_repo: Path
) -> None:
    cases = [p for p in sorted(BANKS.glob("*/*")) if p.suffix in ("", ".yaml") and p.name != "bank.yaml"]
    cases.append(REPO / "questions")
    assert len(cases) > 80
    total = 0
    for case in cases:
        fast, slow, read = _reports([case], monkeypatch)
        assert fast.problems == slow.problems, case
        assert fast.banks == slow.banks, case
        assert fast.files == slow.files, case
        total += read
    assert total > 80  # most test banks are read by the fast reader


def test_loader_reports_the_same_for_broken_copies_of_a_bank(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line of a bank file damaged in several ways: the same problems, at the same places."""
    example = BANKS / "valid" / "example"
    source = sorted(p for p in example.glob("*.yaml") if p.name != "bank.yaml")[0]
    lines = source.read_text(encoding="utf-8").splitlines()
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "bank.yaml").write_text((example / "bank.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    target = folder / "q.yaml"
    damages = [
        lambda ln: "",
        lambda ln: " " + ln,
        lambda ln: ln[1:],
        lambda ln: ln.replace(": ", ":", 1),
        lambda ln: ln.replace("- ", "-", 1),
        lambda ln: ln + " x: y",
        lambda ln: ln.replace('"', "", 1),
        lambda ln: ln.replace("'", "", 1),
        lambda ln: ln + "\n" + ln,
    ]
    read = 0
    for i in range(0, len(lines), 3):
        for damage in damages:
            broken = [*lines[:i], damage(lines[i]), *lines[i + 1 :]]
            target.write_text("\n".join(broken) + "\n", encoding="utf-8")
            fast, slow, n = _reports([folder], monkeypatch)
            assert fast.problems == slow.problems, (i, broken[i])
            assert fast.banks == slow.banks
            read += n
    assert read > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_loader_reports_the_same_for_mutated_banks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    folder = tmp_path / "bank"
    folder.mkdir(exist_ok=True)
    example = BANKS / "valid" / "example"
    (folder / "bank.yaml").write_text((example / "bank.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "q.yaml").write_text(data.draw(mutated_yaml()), encoding="utf-8")
    fast, slow, _ = _reports([folder], monkeypatch)
    assert fast.problems == slow.problems
    assert fast.banks == slow.banks


def test_kinds_in_messages_are_those_of_pyyaml_nodes() -> None:
    """The loader names what it found ('a list', 'a mapping') from fastyaml's node classes."""
    kinds = {"- a\n": "a list", "a: b\n": "a mapping", "a\n": "text", "~\n": "nothing (null)"}
    for text, kind in kinds.items():
        node = fastyaml.compose(text)
        assert node is not None
        assert loader._kind(node) == kind


def test_refused_characters_are_pyyamls_non_printable_ones_and_yaml_line_breaks() -> None:
    """fastyaml refuses exactly what PyYAML's reader calls non-printable, plus what YAML 1.1 reads
    as a line break or whitespace of its own (tab, CR, NEL, U+2028/2029) and a byte order mark:
    checked over every code point."""
    from yaml.reader import Reader

    every = "".join(map(chr, range(0x110000)))
    extra = set("\t\r\x85\u2028\u2029\ufeff")
    expected = set(Reader.NON_PRINTABLE.findall(every)) | extra
    assert set(fastyaml._REFUSED_RE.findall(every)) == expected


def test_its_table_of_tags_is_a_copy_of_pyyamls() -> None:
    """fastyaml keeps its own copy of PyYAML's implicit resolvers (so the fast path does not import
    PyYAML): the same first characters, tags, regular expressions and flags, in the same order."""

    def spelled(table: dict[Any, Any]) -> list[tuple[Any, list[tuple[str, str, int]]]]:
        return [(first, [(tag, rx.pattern, rx.flags) for tag, rx in rs]) for first, rs in table.items()]

    for pyyaml_loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        assert spelled(fastyaml.IMPLICIT_BY_FIRST) == spelled(pyyaml_loader.yaml_implicit_resolvers)
    assert None not in fastyaml.IMPLICIT_BY_FIRST  # no resolver for any first character


_NO_YAML = r"""
import sys
from pathlib import Path
from quizgen.bank import loader
from quizgen.outputs import anki

report = loader.check_banks([Path(sys.argv[1])])
assert report.banks and not report.errors, report.problems
anki.render_apkg(report.banks, 1_700_000_000)
print("after reading and a deck:", "yaml" in sys.modules)
tab = Path(sys.argv[2]) / "q.yaml"
tab.write_text("questions:\n\t- id: a\n", encoding="utf-8")
print(*loader.check_banks([tab.parent]).problems, sep="\n")
print("after a tab:", "yaml" in sys.modules)
"""


def test_the_fast_path_imports_no_yaml(tmp_path: Path) -> None:
    """Reading banks the fast reader reads, and making their deck, imports no PyYAML (genanki's import
    of it is deferred too); a file it refuses brings PyYAML in, with its message and location."""
    (tmp_path / "bank.yaml").write_text((BANKS / "invalid" / "bank.yaml").read_text(encoding="utf-8"))
    run = subprocess.run(
        [sys.executable, "-c", _NO_YAML, str(REPO / "tests" / "banks" / "valid" / "example"), "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.splitlines() == [
        "after reading and a deck: False",
        "q.yaml:2:1: YAML syntax error: found character that cannot start any token "
        "(while scanning for the next token). Hint: YAML does not allow tabs; indent with spaces",
        "after a tab: True",
    ]


def test_genanki_still_reads_note_types_given_as_yaml() -> None:
    """genanki imports PyYAML on first use (quizgen never gives it YAML, but genanki stays whole)."""
    from quizgen.outputs import anki

    anki._import_genanki()
    import genanki

    model = genanki.Model(1, "m", fields="- name: Front\n", templates="- name: c\n  qfmt: a\n  afmt: b\n")
    assert model.fields == [{"name": "Front"}]
    assert model.templates == [{"name": "c", "qfmt": "a", "afmt": "b"}]


def test_crlf_line_ends_are_read_as_pyyaml_reads_them() -> None:
    """A file saved with CRLF line ends is read by the fast reader (the same tree as PyYAML's of the
    CRLF text) wherever its LF text is; a lone CR (a line break to YAML too) is left to PyYAML."""
    texts = [text for text, _ in CASES if "\r" not in text]
    texts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "questions").rglob("*.yaml"))]
    read = 0
    for text in texts:
        crlf = text.replace("\n", "\r\n")
        fast = _same_or_refused(crlf)
        assert (fast is None) == (fastyaml.compose(text) is None), text
        read += fast is not None
    assert read > 100
    for lone_cr in ("a: 1\rb: 2\n", "a: 1\r\nb: 2\r", "a: |\n  x\r  y\n"):
        assert fastyaml.compose(lone_cr) is None
