"""A validated report as columns of plain values, for the cache of validated banks to `marshal`.

A list of objects of one kind (every question of a bank, every section of an article) is kept as
one column per field, each encoded by what its values are: strings joined into one string,
numbers and flags as bytes, a column of few distinct values as those values and an index, tuples
as their lengths and one flattened column, dataclasses as a column per field. A column is a few
big strings and byte strings, which `marshal` writes and reads at memory speed: the work left is
one pass per field over the objects, about half of what marshalling and pickling them value by
value cost (20,000 questions), and reading an entry needs no pickle.

Only the model's own dataclasses and enums (and Path) are known; any other value raises
`Unpackable` (the cache then keeps the report another way). Decoding trusts the columns no more
than the rest of an entry: any inconsistency raises, and the caller treats the entry as damaged.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
from array import array
from collections.abc import Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from quizgen.bank.model import (
    Article,
    Bank,
    ClozeDeletion,
    Difficulty,
    Fact,
    Location,
    Question,
    QuestionType,
    Reference,
    Reviewer,
    SafetyNote,
    Section,
    Source,
    Translation,
)
from quizgen.errors import Problem, Report

FORMAT = 1  # changes whenever an encoding below changes
_DATACLASSES: dict[str, type] = {
    c.__name__: c
    for c in (
        Report,
        Problem,
        Bank,
        Article,
        Section,
        Fact,
        Reference,
        SafetyNote,
        Source,
        Location,
        Question,
        ClozeDeletion,
        Reviewer,
        Translation,
    )
}
_ENUMS: dict[str, type[Enum]] = {e.__name__: e for e in (QuestionType, Difficulty)}
_FIELDS = {name: tuple(f.name for f in dataclasses.fields(c)) for name, c in _DATACLASSES.items()}
_PATH_TYPE = type(Path())
_SEP = "\0"
_INT = "q"  # array code of a signed 64-bit integer


class Unpackable(ValueError):
    """A value of a kind the columns do not know."""


def pack(report: Report) -> Any:
    """The report as nested tuples of plain values (see the module's docstring)."""
    try:
        return _encode([report])
    except (KeyError, TypeError, AttributeError) as e:  # a dataclass made without a field, ...
        raise Unpackable(str(e)) from e


def unpack(packed: Any) -> Report:
    """The report `pack` was given; raises (any error) when `packed` is not what `pack` made."""
    (report,) = _decode(packed, 1)
    if type(report) is not Report:
        raise ValueError("not a report")
    return report


# --------------------------------------------------------------------------- encoding


def _ints(values: Any) -> tuple[str, bytes]:
    """Whole numbers as bytes: one byte each when they are all below 256 (lengths, indices)."""
    values = list(values)
    try:
        return ("I", bytes(values))
    except ValueError:
        pass
    try:
        return ("i", array(_INT, values).tobytes())
    except OverflowError as e:
        raise Unpackable("an integer beyond 64 bits") from e


def _encode(col: Sequence[Any]) -> tuple[Any, ...]:
    n = len(col)
    if n == 0:
        return ("0",)
    types = list(map(type, col))  # (a list counted: cheaper than a set of them)
    kind = types[0]
    if types.count(kind) != n:  # values of more than one kind
        kinds = set(types)
        if type(None) in kinds:
            present = bytes(map(operator.is_not, col, itertools.repeat(None)))
            return ("o", present, _encode(list(itertools.compress(col, present))))
        raise Unpackable(f"a column of {sorted(k.__name__ for k in kinds)}")
    if kind is type(None):  # (by kind, not col.count(None): counting calls each object's __eq__)
        return ("n",)
    if kind is str or kind is tuple:
        return _encode_hashable(col, kind)
    name = kind.__name__
    enum = _ENUMS.get(name) is kind
    if (kind is int or kind is bool or enum) and n > 1 and col.count(col[0]) == n:
        return ("c", _encode(col[:1]))
    if kind is int:
        return _ints(col)
    if kind is bool:
        return ("b", bytes(col))
    if kind is list:
        return ("l", _ints(map(len, col)), _encode(list(itertools.chain.from_iterable(col))))
    if kind is dict:
        keys = list(itertools.chain.from_iterable(col))
        values = list(itertools.chain.from_iterable(d.values() for d in col))
        return ("m", _ints(map(len, col)), _encode(keys), _encode(values))
    if kind is _PATH_TYPE:
        return ("p", _encode(list(map(str, col))))
    if enum:
        return ("e", name, _encode(list(map(operator.attrgetter("_value_"), col))))
    if _DATACLASSES.get(name) is kind:
        fields = _FIELDS[name]
        return ("D", name, fields, tuple(map(_encode, _field_columns(col, fields))))
    raise Unpackable(f"a value of type {name}")


def _field_columns(col: Sequence[Any], fields: tuple[str, ...]) -> Sequence[Sequence[Any]]:
    """The values of each field of the dataclass objects in `col`, a column per field."""
    if len(fields) <= 4:  # a pass for each, without rows (~2x faster for Location, Source)
        return [list(map(operator.attrgetter(f), col)) for f in fields]
    # A row of every field, then columns. Read from each object's `__dict__` when it holds exactly
    # the fields, in field order: a frozen object's `__init__` stores every field in that order (as
    # `_objects`, copying and unpickling do), and its `__setattr__` and `__delattr__` refuse any
    # change, so only a key added later (a `cached_property`) can differ, and it makes a row longer
    # (`strict` refuses it). About twice as fast as reading each field by name (20,000 questions:
    # ~13 against ~23 ms; their `__dict__`s exist already: `frozen(fill_dict=True)`).
    if tuple(vars(col[0])) == fields:
        try:
            dicts: Iterator[dict[str, Any]] = map(vars, col)
            cols = list(zip(*map(dict.values, dicts), strict=True))
        except ValueError:  # a row of another length
            pass
        else:
            if len(cols) == len(fields):
                return cols
    return list(zip(*map(operator.attrgetter(*fields), col), strict=True))


def _encode_hashable(col: Sequence[Any], kind: type) -> tuple[Any, ...]:
    """Strings, or tuples: few distinct values as those values and an index, else each value.

    Only strings and tuples of strings are told apart by equality here: dataclasses compare
    without some fields (a question's location), and 1 == True."""
    n = len(col)
    if kind is str:
        flat, strings = col, True  # (the caller saw only strings)
    elif n > 1 and not col[0] and col.count(()) == n:  # empty tuples: only () equals ()
        return ("c", _encode(col[:1]))
    else:
        flat = list(itertools.chain.from_iterable(col))
        strings = list(map(type, flat)).count(str) == len(flat)
    if n > 1 and strings:
        sample = col[:64]
        seen = len(set(sample))
        if seen == 1 and col.count(col[0]) == n:
            return ("c", _encode(col[:1]))
        distinct = dict.fromkeys(col) if seen <= len(sample) // 2 else {}
        if distinct and len(distinct) <= n // 2:
            position = {v: i for i, v in enumerate(distinct)}
            return ("d", len(distinct), _encode(list(distinct)), _ints(map(position.__getitem__, col)))
    if kind is str:
        joined = _SEP.join(col)
        if joined.count(_SEP) != n - 1:  # a value holds the separator itself
            return ("S", list(col))
        return ("s", joined)
    return ("t", _ints(map(len, col)), _encode(flat))


# --------------------------------------------------------------------------- decoding


def _ints_of(enc: Any, n: int) -> list[int]:
    if enc[0] == "I":
        out = list(enc[1])
    elif enc[0] == "i":
        values = array(_INT)
        values.frombytes(enc[1])
        out = values.tolist()
    else:
        raise ValueError(f"not a column of numbers: {enc[0]!r}")
    if len(out) != n:
        raise ValueError("a column of the wrong length")
    return out


def _split(flat: list[Any], lengths: list[int]) -> list[list[Any]]:
    it = iter(flat)
    parts = [list(itertools.islice(it, k)) for k in lengths]
    if sum(lengths) != len(flat):
        raise ValueError("a column of the wrong length")
    return parts


def _decode(enc: Any, n: int) -> list[Any]:
    tag = enc[0]
    if tag == "0":
        out: list[Any] = []
    elif tag == "s":
        out = enc[1].split(_SEP)
    elif tag == "S":
        out = list(enc[1])
    elif tag == "i" or tag == "I":
        out = _ints_of(enc, n)
    elif tag == "b":
        out = list(map(bool, enc[1]))
    elif tag == "n":
        out = [None] * n
    elif tag == "c":
        out = _decode(enc[1], 1) * n
    elif tag == "o":
        mask = enc[1]
        present = iter(_decode(enc[2], sum(mask)))
        out = [next(present) if m else None for m in mask]
    elif tag == "d":
        distinct = _decode(enc[2], enc[1])
        out = list(map(distinct.__getitem__, _ints_of(enc[3], n)))
    elif tag == "t" or tag == "l":
        lengths = _ints_of(enc[1], n)
        flat = _decode(enc[2], sum(lengths))
        out = list(map(tuple, _split(flat, lengths))) if tag == "t" else _split(flat, lengths)
    elif tag == "m":
        lengths = _ints_of(enc[1], n)
        total = sum(lengths)
        keys, values = _split(_decode(enc[2], total), lengths), _split(_decode(enc[3], total), lengths)
        out = [dict(zip(k, v, strict=True)) for k, v in zip(keys, values, strict=True)]
    elif tag == "p":
        out = list(map(Path, _decode(enc[1], n)))
    elif tag == "e":
        members = {m.value: m for m in _ENUMS[enc[1]]}
        out = list(map(members.__getitem__, _decode(enc[2], n)))
    elif tag == "D":
        out = _objects(enc[1], enc[2], [_decode(c, n) for c in enc[3]], n)
    else:
        raise ValueError(f"an unknown column {tag!r}")
    if len(out) != n:
        raise ValueError("a column of the wrong length")
    return out


def _objects(name: str, fields: tuple[str, ...], columns: list[list[Any]], n: int) -> list[Any]:
    """`n` instances of the dataclass `name`, made by its `__init__` from a column per field (each
    `n` long: `_decode` checked). The classes are all `frozen`, whose `__init__` only stores each
    field, in order: the objects are made as the loader makes them (their `__dict__`s as small),
    about twice as fast as filling a new `__dict__` for each (20,000 questions: ~21 against ~41 ms)."""
    cls = _DATACLASSES[name]
    if tuple(fields) != _FIELDS[name]:
        raise ValueError(f"{name} has other fields now")
    if not columns:
        raise ValueError(f"{name} without fields")
    objects = list(map(cls, *columns))
    if len(objects) != n:
        raise ValueError("a column of the wrong length")
    return objects
