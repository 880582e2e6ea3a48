"""Typed validation of each table against its schema, by the checks in constraints.py.

A table is checked column by column: each distinct value of a column is judged once, which
proves a large valid table in a few sweeps, and every row whose value failed is then reported
with the same judgement, so the quick proof and the worded report can never disagree. Keys
are checked with sets (keys.py). Rows whose values moved are reported by the likely cell
(shifts.py), and a column left empty on every row once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import repeat
from typing import Any

from scrutiny.problems import Problem
from scrutiny.schema.package import Table
from scrutiny.validate import shifts
from scrutiny.validate.constraints import ID_PATTERN, Failure, FieldChecks, TableChecks, type_hint
from scrutiny.validate.keys import Records, Rows, key_problems
from scrutiny.validate.structure import CsvText

__all__ = ["ID_PATTERN", "Rows", "check_table", "type_hint"]

# Rows with several failed values are tried for moved values; past this many in one table the
# values are reported as they are (each try costs a few hundred judgements).
MOVED_ROWS_TRIED = 200


def check_table(table: Table, text: CsvText, shown: str) -> tuple[Records, list[Problem]]:
    """Every row typed (a failed value holds its Failure), and a problem for each failure,
    repeated key and `unique` value. Foreign keys join tables: see keys.foreign_key_problems."""
    fields = TableChecks(table).fields
    columns = text.columns
    values: dict[str, Sequence[Any]] = {}
    failed: dict[int, dict[str, Failure]] = {}
    for index, (checks, column) in enumerate(zip(fields, columns, strict=True)):
        values[checks.field.name], failures = checks.column(column)
        if failures:
            failed[index] = failures
    problems = _failures(fields, columns, failed, text, shown) if failed else []
    problems += key_problems(table, values, text.lines, shown)
    names = [*values, "_line"]
    records = zip(*values.values(), text.lines, strict=True)
    return list(map(dict, map(zip, repeat(names), records))), problems  # C loops: ~2x faster


def _failures(
    fields: Sequence[FieldChecks],
    columns: list[Sequence[str]],
    failed: dict[int, dict[str, Failure]],
    text: CsvText,
    shown: str,
) -> list[Problem]:
    """A problem for each failed value, row by row; a column empty on every row once; a row
    whose values moved once, naming the likely cell."""
    problems = []
    by_row: dict[int, list[tuple[int, Failure]]] = defaultdict(list)
    for index, failures in failed.items():
        column = columns[index]
        if len(column) > 1 and set(column) <= fields[index].missing:
            problems.append(_empty_column(fields[index], len(column), shown))
            continue
        for row, cell in enumerate(column):
            if cell in failures:
                by_row[row].append((index, failures[cell]))
    tries = MOVED_ROWS_TRIED
    for row, found in sorted(by_row.items()):
        line = text.lines[row]
        moved = None
        if len(found) > 1 and tries > 0:
            tries -= 1
            moved = shifts.moved(fields, text.row(row))
        if moved:
            problems.append(
                Problem(
                    shown,
                    line=line,
                    field=moved.field,
                    message=moved.message,
                    hint=moved.hint,
                    rule="moved-values",
                )
            )
            continue
        problems += [
            Problem(
                shown,
                line=line,
                field=fields[index].field.name,
                message=failure.message,
                hint=failure.hint,
                rule=failure.rule,
            )
            for index, failure in found
        ]
    return problems


def _empty_column(checks: FieldChecks, rows: int, shown: str) -> Problem:
    field = checks.field
    return Problem(
        shown,
        line=1,
        field=field.name,
        message=f"this column is empty on all {rows:,} rows, but a value is required",
        hint=f"Fill in {field.name} on every row: {field.description}",
        rule="required",
    )
