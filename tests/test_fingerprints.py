"""The incremental layer's key of a value (incremental/keys.Fingerprinter): equal values get
equal keys, different values different keys, and a value it cannot key is an error at once,
never a silent collision (the holes issue 13 names: partials and closures)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial

import pytest
from markupsafe import Markup

from scrutiny.incremental.keys import Fingerprinter, Unkeyable


def key(value: object) -> str:
    return Fingerprinter()(value)


def scale(factor: int, value: int) -> int:
    return factor * value


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    on: dt.date | None
    count: int


@dataclasses.dataclass(frozen=True)
class Holder:
    rows: tuple[Row, ...]
    extra: dict[str, object]


DIFFERENT = [
    "1",
    1,
    1.0,
    True,
    None,
    b"1",
    "",
    Markup("1"),
    ("1",),
    ["1"],
    {"1": 1},
    {"1": "1"},
    {1: "1"},
    {"1"},
    frozenset({"2"}),
    ("1", "2"),
    ("12",),
    ("1", ("2",)),
    (("1",), "2"),
    dt.date(2024, 1, 2),
    dt.time(10, 0),
    dt.datetime(2024, 1, 2, 10, 0),
    Row("a", dt.date(2024, 1, 2), 1),
    Row("a", None, 1),
    Row("a", dt.date(2024, 1, 2), 2),
    Holder((Row("a", None, 1),), {}),
    Holder((Row("a", None, 1),), {"x": 1}),
    Holder((Row("a", None, 1), Row("a", None, 1)), {}),
    partial(scale, 1),
    partial(scale, 2),
    partial(scale, factor=2),
    scale,
    len,
]


def test_different_values_have_different_keys() -> None:
    keys = [key(value) for value in DIFFERENT]
    assert len(set(keys)) == len(keys), [
        (a, b) for i, a in enumerate(DIFFERENT) for b in DIFFERENT[i + 1 :] if key(a) == key(b)
    ]


def test_equal_values_have_equal_keys_whoever_made_them() -> None:
    fingerprint = Fingerprinter()
    for value in DIFFERENT:
        twin = pickle_copy(value)
        assert fingerprint(value) == fingerprint(twin) == key(twin), value
    assert key({"a": 1, "b": 2}) == key({"a": 1, "b": 2})
    assert key({1, 2, 3}) == key({3, 2, 1})  # a set has no order


def test_a_value_changed_inside_a_shared_object_changes_the_key() -> None:
    fingerprint = Fingerprinter()
    rows = [Row("a", None, 1)]
    before = fingerprint({"rows": rows})
    fingerprint.forget()  # hashes are remembered by identity until forgotten
    rows.append(Row("b", None, 2))
    assert fingerprint({"rows": rows}) != before


def test_a_registered_object_counts_by_its_token_only() -> None:
    fingerprint = Fingerprinter()
    model = {"huge": list(range(10))}
    fingerprint.register(model, "model")
    before = fingerprint({"m": model})
    model["huge"].append(10)  # reads of it are traced instead (tracking.py)
    fingerprint.forget()
    assert fingerprint({"m": model}) == before


def test_closures_lambdas_and_unknown_objects_cannot_be_keyed() -> None:
    def closure(value: int) -> int:
        return value * captured

    captured = 2
    for value in (closure, lambda: 1, object(), {"nested": [object()]}):
        with pytest.raises(Unkeyable):
            key(value)


def pickle_copy(value: object) -> object:
    import pickle

    return pickle.loads(pickle.dumps(value))


def test_a_function_outside_scrutiny_and_its_libraries_is_keyed_by_its_code() -> None:
    """A council's own code is not in scrutiny's code digest: editing a function it passes
    to a page changes the key, though its name stays."""
    made = []
    for body in ("return value + 1", "return value + 2", "return value + 1"):
        namespace: dict = {"__name__": "council_build"}
        exec(f"def adjust(value):\n    {body}\n", namespace)
        made.append(key(namespace["adjust"]))
    assert made[0] != made[1]
    assert made[0] == made[2]
