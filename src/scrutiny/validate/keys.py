"""Checks across rows and across tables: the primary key, `unique` fields and foreign keys.

Each compares whole columns with sets, so a large valid table costs one pass; only when a set
finds something are the rows walked to name each line. A value that failed its own field's
check (a `Failure`, see constraints.py) is reported already, so it is not compared here. As in
the Table Schema standard, a foreign key left wholly empty refers to nothing, and a `unique`
field may be empty in many rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from scrutiny.incremental.checked import CheckedBefore
from scrutiny.problems import Problem
from scrutiny.schema.package import DataPackage, ForeignKey, Table
from scrutiny.schema.types import Rows
from scrutiny.validate.constraints import Failure, short

Records = list[dict[str, Any]]


def key_problems(
    table: Table, columns: dict[str, Sequence[Any]], lines: Sequence[int], shown: str
) -> list[Problem]:
    """The rows that repeat the primary key or a `unique` field's value (typed values, so
    `7` and `07` in an integer column are the same), or leave the whole key empty."""
    problems = []
    if table.primary_key:
        keys = list(zip(*(columns[name] for name in table.primary_key), strict=True))
        named = ", ".join(table.primary_key)
        empty = (None,) * len(table.primary_key)
        problems += [
            Problem(
                shown,
                line=lines[index],
                field=named,
                message="the key is empty",
                hint=f"Fill in {named}: each row needs its own key.",
                rule="primary-key",
            )
            for index in _positions(keys, empty)
        ]
        problems += [
            Problem(
                shown,
                line=lines[index],
                field=named,
                message=f"duplicate key: the same key is already on line {lines[first]}",
                hint="Each row needs a unique key: change it, or delete the duplicate row.",
                rule="primary-key",
            )
            for index, first in repeats(keys)
        ]
    for field in table.fields:
        if field.constraints.get("unique"):
            column = columns[field.name]
            problems += [
                Problem(
                    shown,
                    line=lines[index],
                    field=field.name,
                    message=f"'{short(column[index])}' is already on line {lines[first]}",
                    hint=f"Each row needs a different {field.name}: change one of them.",
                    rule="unique",
                )
                for index, first in repeats(list(zip(column)))
            ]
    return problems


def _positions(keys: list[tuple], key: tuple) -> list[int]:
    """Every index of a key, found by list.index (in C) rather than row by row in Python."""
    found: list[int] = []
    try:
        while True:
            found.append(keys.index(key, found[-1] + 1 if found else 0))
    except ValueError:
        return found


def repeats(keys: Sequence[tuple]) -> Iterator[tuple[int, int]]:
    """(row, earlier row with the same key) for each repeated key, skipping keys that are
    wholly empty or hold a value that failed its check."""
    if len(set(keys)) == len(keys):
        return
    first: dict[tuple, int] = {}
    for index, key in enumerate(keys):
        if _comparable(key):
            earlier = first.setdefault(key, index)
            if earlier != index:
                yield index, earlier


def foreign_key_problems(
    package: DataPackage,
    rows: Rows,
    shown: dict[str, str],
    incomplete: set[str],
    checked: CheckedBefore | None = None,
) -> list[Problem]:
    """Every row whose foreign key names no row of the table it refers to. A table that could
    not be read, or only in part, is left out of the joins: its missing rows would make
    references to them look wrong. With `checked`, a join between two tables that are both
    unchanged since the last clean validation is not checked again."""
    problems = []
    for table in package.tables:
        for fk in table.foreign_keys:
            target = package.table(fk.resource or table.name)
            if table.name not in rows or target.name not in rows or target.name in incomplete:
                continue
            name = f"join:{table.name}({','.join(fk.fields)})->{target.name}"
            if checked is not None:
                if checked.unchanged(name):
                    continue
                checked.ran(name, (table.name, target.name), documents=False)
            missing = _missing_references(rows[table.name], rows[target.name], fk)
            for record in rows[table.name] if missing else ():
                value = tuple(record[f] for f in fk.fields)
                if value in missing:
                    problems.append(
                        _dangling(fk, value, target, shown[table.name], record["_line"])
                    )
    return problems


def _missing_references(records: Records, targets: Records, fk: ForeignKey) -> set[tuple]:
    """The distinct key values the records refer to that no target row has."""
    referring = set(zip(*([r[f] for r in records] for f in fk.fields), strict=True))
    existing = set(zip(*([r[f] for r in targets] for f in fk.reference_fields), strict=True))
    return {value for value in referring - existing if _comparable(value)}


def _comparable(key: tuple) -> bool:
    return not all(part is None for part in key) and not any(type(part) is Failure for part in key)


def _values(value: tuple) -> str:
    return ", ".join(f"'{short(part)}'" for part in value)


def _dangling(fk: ForeignKey, value: tuple, target: Table, shown: str, line: int) -> Problem:
    return Problem(
        shown,
        line=line,
        field=", ".join(fk.fields),
        message=f"{_values(value)} does not exist in {target.path.name}",
        hint=f"Check the spelling, or add the missing row to {target.path.name} first.",
        rule="foreign-key",
    )
