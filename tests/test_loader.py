"""The loader and validator: every failure mode reports its exact located message, nothing crashes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import BANKS, EXAMPLE, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank import fastyaml, loader
from quizgen.bank.model import QuestionType
from quizgen.cli import main
from quizgen.errors import BankError, Problem, UsageError

INVALID = sorted(
    p for p in (BANKS / "invalid").iterdir() if p.name != "bank.yaml" and p.suffix != ".expected"
)
WARNINGS = sorted(p for p in (BANKS / "warnings").glob("*.yaml") if p.name != "bank.yaml")


def _expected(case: Path) -> list[str]:
    return case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()


def _validate(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()


def test_every_failure_mode_has_an_expected_message() -> None:
    assert len(INVALID) >= 25
    for case in [*INVALID, *WARNINGS]:
        assert case.with_suffix(".expected").is_file(), f"{case.name} has no .expected file"
        assert _expected(case), f"{case.name}.expected is empty"


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_bank_reports_exact_located_message(case: Path, in_repo: Path) -> None:
    code, lines = _validate(str(case.relative_to(REPO)))
    assert code == 1
    assert lines[:-1] == _expected(case)
    assert lines[-1].startswith(f"{len(_expected(case))} error")


@pytest.mark.parametrize("case", WARNINGS, ids=lambda p: p.stem)
def test_item_writing_warnings_fail_only_with_strict(case: Path, in_repo: Path) -> None:
    rel = str(case.relative_to(REPO))
    code, lines = _validate(rel)
    assert code == 0
    assert lines[:-1] == _expected(case)
    assert all(": warning: " in line for line in lines[:-1])
    strict_code, strict_lines = _validate("--strict", rel)
    assert strict_code == 1
    assert strict_lines == lines


def test_problem_lines_are_path_line_col_message(in_repo: Path) -> None:
    for case in INVALID:
        for line in _expected(case):
            path, lineno, col, message = line.split(":", 3)
            assert Path(path).exists(), line
            assert int(lineno) >= 1 and int(col) >= 1, line
            assert message.startswith(" ") and len(message) > 5, line


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "bank.yaml").write_text((BANKS / "invalid" / "bank.yaml").read_text())
    for name in ("unknown-key", "repeated-option", "unknown-fact"):
        (tmp_path / f"{name}.yaml").write_text((BANKS / "invalid" / f"{name}.yaml").read_text())
    report = loader.check_banks([tmp_path])
    messages = [p.message for p in report.errors]
    # q1 is defined in all three files: two duplicates, plus each file's own problem
    assert any("did you mean 'prompt'" in m for m in messages)
    assert any("repeated option" in m for m in messages)
    assert any("fact 'f3'" in m for m in messages)
    assert len({p.location.path for p in report.errors}) == 3


def test_python_tag_is_refused_without_running(tmp_path: Path, in_repo: Path) -> None:
    marker = Path("/tmp/quizgen-pwned")
    marker.unlink(missing_ok=True)
    code, _ = _validate("tests/banks/invalid/python-tag.yaml")
    assert code == 1
    assert not marker.exists()


def test_very_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    (tmp_path / "bank.yaml").write_text((BANKS / "invalid" / "bank.yaml").read_text())
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:  # sparse: costs no disk and is never read
        f.truncate(loader.MAX_FILE_BYTES + 1)
    report = loader.check_banks([big])
    assert [p.message for p in report.errors] == ["file is too large (67 MB; the limit is 64 MiB)"]


def test_unreadable_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        loader.check_banks([tmp_path / "missing"])
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "missing")])
    assert result.exit_code == 2


def test_load_banks_raises_bank_error_with_every_problem() -> None:
    with pytest.raises(BankError) as info:
        loader.load_banks([BANKS / "invalid" / "bad-metadata"])
    assert len(info.value.errors) == 5
    assert str(info.value).endswith("5 errors in the question banks")


def test_strict_load_raises_on_warnings() -> None:
    case = BANKS / "warnings" / "negative-stem.yaml"
    assert loader.load_banks([case])
    with pytest.raises(BankError):
        loader.load_banks([case], strict=True)


def test_example_bank_loads_into_frozen_dataclasses() -> None:
    (bank,) = loader.load_banks([EXAMPLE])
    assert bank.id == "example"
    assert {q.type for q in bank.questions} == set(QuestionType)
    by_id = {q.id: q for q in bank.questions}
    assert by_id["ex-001"].correct_options == ("Seven",)
    assert by_id["ex-004"].correct_options == ("Coffee in the evening", "Bright screens at night")
    assert by_id["ex-002"].truth is True
    assert by_id["ex-006"].accepted == ("caffeine", "coffee")
    assert [d.answer for d in by_id["ex-005"].deletions] == ["Caffeine", "awake"]
    assert by_id["ex-003"].back == "About seven hours a night."
    assert by_id["ex-001"].location.line == 2
    with pytest.raises(AttributeError):
        bank.title = "changed"  # type: ignore[misc]


def test_a_read_bank_counts_as_old_for_the_collector() -> None:
    """check_banks pauses the cyclic collector while it reads. Then what it made counts as old (in
    the oldest generation: the next young collections do not walk the banks again), the collector
    runs again, a process's own frozen objects stay frozen, and a paused collector stays paused.
    In a fresh interpreter, where nothing else moves objects between generations."""
    code = f"""
import gc
from pathlib import Path
from quizgen.bank import loader
path = Path({str(EXAMPLE)!r})
report = loader.check_banks([path])
made = [x for b in report.banks for q in b.questions for x in (q, q.source, q.location)]
young = {{id(x) for g in (0, 1) for x in gc.get_objects(generation=g)}}
assert made and gc.isenabled()
assert not [x for x in made if id(x) in young]
gc.freeze()
frozen = gc.get_freeze_count()
again = loader.check_banks([path])
assert gc.get_freeze_count() == frozen and gc.isenabled()
gc.disable()
loader.check_banks([path])
assert not gc.isenabled()
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_single_question_file_uses_bank_yaml_beside_it() -> None:
    (bank,) = loader.load_banks([EXAMPLE / "habits.yaml"])
    assert [q.id for q in bank.questions] == ["ex-004", "ex-005", "ex-006"]


def test_one_file_bank(tmp_path: Path) -> None:
    meta = yaml.safe_load((EXAMPLE / "bank.yaml").read_text())
    questions = yaml.safe_load((EXAMPLE / "intro.yaml").read_text())
    (tmp_path / "solo.yaml").write_text(yaml.safe_dump({**meta, **questions}))
    (bank,) = loader.load_banks([tmp_path / "solo.yaml"])
    assert len(bank.questions) == 3


def test_shipped_banks_load_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    # The shipped bank records its article text beside the repository; where that is absent (a git
    # worktree elsewhere) validate adds a note that quotes were not checked, which never fails.
    lines = [line for line in result.output.splitlines() if ": note: " not in line]
    assert lines and lines[0].startswith("0 errors") and not any(" 0 errors" in line for line in lines)


def test_shipped_banks_pass_strict_validation() -> None:
    result = CliRunner().invoke(main, ["validate", "--strict"])
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- property-based


def _example_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.glob("*.yaml"))]


@st.composite
def mutated_yaml(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_example_texts()))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["delete", "insert", "replace", "swap-lines", "duplicate-line"]))
        junk = draw(st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@` \n\tx1{}c:")), max_size=6))
        if op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 12)) :]
        elif op == "insert":
            text = text[:pos] + junk + text[pos:]
        elif op == "replace":
            text = text[:pos] + junk + text[pos + len(junk) :]
        else:
            lines = text.splitlines()
            if len(lines) > 1:
                i = draw(st.integers(0, len(lines) - 1))
                j = draw(st.integers(0, len(lines) - 1))
                if op == "swap-lines":
                    lines[i], lines[j] = lines[j], lines[i]
                else:
                    lines.insert(j, lines[i])
                text = "\n".join(lines)
    return text


def _check_never_crashes(tmp_path: Path, data: str | bytes) -> None:
    folder = tmp_path / "bank"
    folder.mkdir(exist_ok=True)
    (folder / "bank.yaml").write_text((EXAMPLE / "bank.yaml").read_text())
    target = folder / "q.yaml"
    target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    report = loader.check_banks([target])
    for problem in report.problems:
        assert problem.location.path.endswith(("q.yaml", "bank.yaml"))
        assert problem.message
    result = CliRunner().invoke(main, ["validate", str(target)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated_yaml())
def test_mutated_banks_never_crash(tmp_path: Path, text: str) -> None:
    _check_never_crashes(tmp_path, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_random_input_never_crashes(tmp_path: Path, data: str | bytes) -> None:
    if isinstance(data, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in data):
        data = data.encode("utf-8", "surrogatepass")
    _check_never_crashes(tmp_path, data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(sorted(loader.ALL_QUESTION_KEYS | {"questions", "bank"})),
                children,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_random_structures_never_crash(tmp_path: Path, value: object) -> None:
    _check_never_crashes(
        tmp_path, json.dumps({"questions": [value]}) if not isinstance(value, dict) else yaml.safe_dump(value)
    )


def test_a_folder_without_bank_files_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: no bank files (.yaml or .yml) in {tmp_path}"


def test_a_file_that_is_not_yaml_is_a_usage_error(in_repo: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "README.md"])
    assert result.exit_code == 2
    assert "README.md is not a bank file (bank files end in .yaml or .yml)" in result.output


def test_the_same_bank_given_twice_is_read_once(in_repo: Path) -> None:
    report = loader.check_banks([Path("tests/banks/valid/example"), EXAMPLE, EXAMPLE / "intro.yaml"])
    assert not report.problems
    assert [len(b.questions) for b in report.banks] == [6]


def test_bank_yaml_stands_for_its_whole_bank() -> None:
    (bank,) = loader.load_banks([EXAMPLE / "bank.yaml"])
    assert len(bank.questions) == 6


def test_article_url_must_be_http(tmp_path: Path) -> None:
    text = (EXAMPLE / "bank.yaml").read_text().replace(
        'title: "Sleep and Health"\n', 'title: "Sleep and Health"\n    url: "javascript:alert(1)"\n'
    )
    (tmp_path / "bank.yaml").write_text(text)
    (tmp_path / "intro.yaml").write_text((EXAMPLE / "intro.yaml").read_text())
    messages = [p.message for p in loader.check_banks([tmp_path]).errors]
    assert messages == ["article url must start with https:// or http://, not 'javascript:alert(1)'"]


def test_strict_summary_counts_warnings() -> None:
    with pytest.raises(BankError) as info:
        loader.load_banks([BANKS / "warnings" / "negative-stem.yaml"], strict=True)
    assert info.value.summary() == "1 warning in the question banks (--strict)"


def test_yaml_hints_name_the_expected_columns() -> None:
    from quizgen.bank.yamlhints import hint

    between = "questions:\n  - id: q1\n    source:\n      section: s1\n     facts: [f1]\n"
    assert hint(between, 5, 6) == (
        "this line is indented to column 6, unlike the lines above it; "
        "start it in column 7 (like line 4) or column 5 (like line 3)"
    )
    item = "questions:\n  - id: q1\n    type: true_false\n - id: q2\n"
    assert hint(item, 4, 2) == (
        "this line is indented to column 2, unlike the lines above it; "
        "start it in column 3 (like line 2) or column 1 (like line 1)"
    )
    child = "questions:\n  - id: q1\n    source:\n        section: s1\n"
    assert hint(child, 4, 9) is None  # deeper under "source:" is allowed
    assert hint("a: b\n\tc: d\n", 2, 1) == "YAML does not allow tabs; indent with spaces"
    assert hint('q:\n  - prompt: "Note: quoted" x: y\n', 2, 30) is None


def test_a_bank_larger_than_the_limit_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap on a bank's files together (issue 16, point 13), shown with a small limit."""
    for f in EXAMPLE.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    sizes = sorted(f.stat().st_size for f in tmp_path.iterdir())
    monkeypatch.setattr(loader, "MAX_BANK_BYTES", sum(sizes) - 1)
    report = loader.check_banks([tmp_path])
    assert not report.banks
    (problem,) = report.errors
    assert problem.location.path.endswith("intro.yaml")  # the last file, in name order
    assert "more than" in problem.message and "split it into banks" in problem.message


# --------------------------------------------------------------------------- nesting depth


def nested(shape: str, n: int) -> str:
    """YAML whose collections nest exactly n deep, in one of several shapes."""
    if shape == "block mappings":
        return "".join(" " * i + f"k{i}:\n" for i in range(n - 1)) + " " * (n - 1) + "k: x\n"
    if shape == "block sequences":
        return "".join(" " * i + "-\n" for i in range(n - 1)) + " " * (n - 1) + "- x\n"
    if shape == "compact sequences":
        return "- " * n + "x\n"
    if shape == "flow":
        return "a: " + "[" * (n - 1) + "x" + "]" * (n - 1) + "\n"
    if shape == "block then flow":
        half = n // 2
        flow = n - half - 1
        return (
            "".join(" " * i + f"k{i}:\n" for i in range(half))
            + " " * half
            + "a: "
            + "{b: " * flow
            + "c"
            + "}" * flow
            + "\n"
        )
    if shape == "entries with keys":  # `- k:` opens a sequence and a mapping on one line
        lines = "".join(" " * (2 * i) + f"- k{i}:\n" for i in range(n // 2))
        return lines + " " * (n + 1) + ("x\n" if n % 2 == 0 else "- x\n")
    raise AssertionError(shape)


SHAPES = [
    "block mappings",
    "block sequences",
    "compact sequences",
    "flow",
    "block then flow",
    "entries with keys",
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("depth", [99, 100, 101, 102, 103, 199, 200, 201, 202, 260])
@pytest.mark.parametrize("reader", ["fast reader first", "PyYAML only"])
def test_nesting_too_deep_is_reported_as_before_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str, depth: int, reader: str
) -> None:
    """More than MAX_DEPTH levels: one message at 1:1 and nothing read; up to MAX_DEPTH: no message.
    The same whether fastyaml reads the text (it refuses anything this deep) or PyYAML does, and
    with a syntax error after the deep part (the depth is found first) or inside a bank file."""
    if reader == "PyYAML only":
        monkeypatch.setattr(fastyaml, "compose", lambda text: None)
    too_deep = ["q.yaml:1:1: YAML nests more than 200 levels deep"]
    text = nested(shape, depth)
    inside = "questions: []\nextra:\n" + "".join(f"  {line}\n" for line in text.splitlines())
    for yaml_text, deepest in ((text, depth), (inside, depth + 1)):
        (tmp_path / "q.yaml").write_text(yaml_text, encoding="utf-8")
        problems: list[Problem] = []
        node = loader.parse_file(tmp_path / "q.yaml", "q.yaml", problems)
        assert [str(p) for p in problems] == (too_deep if deepest > loader.MAX_DEPTH else []), (
            shape,
            deepest,
        )
        assert (node is None) == (deepest > loader.MAX_DEPTH)
        (tmp_path / "q.yaml").write_text(yaml_text + "bad: [unclosed\n", encoding="utf-8")
        problems = []
        loader.parse_file(tmp_path / "q.yaml", "q.yaml", problems)
        if deepest > loader.MAX_DEPTH:
            assert [str(p) for p in problems] == too_deep
        else:
            assert len(problems) == 1 and "YAML syntax error" in problems[0].message, problems


def test_depth_cases_are_read_by_each_reader() -> None:
    """The cases above go through both paths: fastyaml reads some of them, refuses the others."""
    read = {(shape, n) for shape in SHAPES for n in (99, 100, 101, 200) if fastyaml.compose(nested(shape, n))}
    assert ("block mappings", 99) in read and ("flow", 99) in read and ("entries with keys", 99) in read
    assert not any(n == 200 for _, n in read)


@pytest.mark.parametrize("line_break", ["\r", "\x85", "\u2028", "\u2029"])
@pytest.mark.parametrize("depth", [200, 201])
def test_nesting_behind_line_breaks_other_than_lf_is_found(
    tmp_path: Path, line_break: str, depth: int
) -> None:
    """YAML also breaks lines at a lone CR, NEL, LS and PS: block nesting written with them is
    checked as deep as nesting written with LF (s4yhost found the check looked at LF only)."""
    text = "".join(" " * i + f"k{i}:{line_break}" for i in range(depth - 1)) + " " * (depth - 1) + "k: v\n"
    (tmp_path / "q.yaml").write_text(text, encoding="utf-8", newline="")
    problems: list[Problem] = []
    loader.parse_file(tmp_path / "q.yaml", "q.yaml", problems)
    too_deep = "q.yaml:1:1: YAML nests more than 200 levels deep"
    assert [str(p) for p in problems if "nests" in p.message] == ([too_deep] if depth > 200 else [])
