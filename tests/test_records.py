"""Record classes (model/records.py): the __init__ that sets slots directly makes the same
records as the frozen dataclass's own, which it replaces for speed."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path
from typing import Any

import pytest

from scrutiny.incremental.keys import Fingerprinter
from scrutiny.model.records import make_records, record_class
from scrutiny.schema.package import Field, Table


def table(name: str, *fields: str) -> Table:
    return Table(
        name=name,
        path=Path(f"{name}.csv"),
        schema_path=Path(f"{name}.yaml"),
        schema={},
        fields=tuple(Field(f, "string", "", False, {}) for f in fields),
        primary_key=(fields[0],),
        foreign_keys=(),
        title=name,
        description="",
    )


def reference(cls: type) -> type:
    """The same fields as a plain frozen, slotted dataclass: the behaviour to keep."""
    names = [f.name for f in dataclasses.fields(cls)]
    fields = [(name, Any) for name in names]
    return dataclasses.make_dataclass("Reference", fields, frozen=True, slots=True)


def test_records_are_the_dataclass_records() -> None:
    grants = table("grants", "grant_id", "self", "amount", "awarded_on")
    cls = record_class(grants)
    assert "__set0" in cls.__init__.__globals__  # the fast __init__ is in place
    rows = [
        {"grant_id": "g-1", "self": "x", "amount": 1.5, "awarded_on": None},
        {"grant_id": "g-2", "self": None, "amount": 0, "awarded_on": "2020-01-01"},
    ]
    made = make_records(grants, rows)
    expected = reference(cls)
    for record, row in zip(made, rows, strict=True):
        assert dataclasses.astuple(record) == dataclasses.astuple(expected(**row))
        assert hash(record) == hash(expected(**row))
        assert record == cls(**row) == cls(*row.values())
        assert repr(record).removeprefix("GrantsRecord") == repr(expected(**row)).removeprefix(
            "Reference"
        )
        assert pickle.loads(pickle.dumps(record)) == record
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.amount = 2  # type: ignore[misc]
    assert made[0] != made[1]
    # A record hashes the same however it was made: its hash slot starts empty.
    assert Fingerprinter()(made[0]) == Fingerprinter()(cls("g-1", "x", 1.5, None))


def test_the_signature_is_the_dataclass_signature() -> None:
    cls = record_class(table("loans", "loan_id", "amount"))
    with pytest.raises(TypeError):
        cls("l-1")  # a field missing
    with pytest.raises(TypeError):
        cls("l-1", 2, 3)  # one too many
    with pytest.raises(TypeError):
        cls(loan_id="l-1", amount=2, other=3)
