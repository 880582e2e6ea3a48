"""Typed validation of every table against its schema, keys and foreign keys.

Two passes that agree on the rules:

* a fast typed pass (`check_table`) that proves the common case, valid data, in one sweep of
  Python (several times quicker than frictionless on large tables);
* frictionless-py over the whole package, run only when the fast pass finds a problem, so the
  report a council officer reads comes from the reference implementation of the standard.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

from scrutiny.problems import Problem
from scrutiny.schema.package import DataPackage, Field, Table
from scrutiny.schema.types import Rows, caster
from scrutiny.validate.structure import CsvText

ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"

TYPE_HINTS = {
    "date": "Write dates as YYYY-MM-DD, for example 2017-10-18, and check the day exists.",
    "time": "Write times as HH:MM:SS on the 24-hour clock, for example 14:00:00.",
    "number": "Write a plain number with no commas, % or £ signs, for example 1968 or 12.5.",
    "integer": "Write a whole number with no commas, for example 12.",
    "boolean": "Write true or false.",
}


def type_hint(field: Field) -> str:
    return TYPE_HINTS.get(field.type, "")


def check_table(table: Table, text: CsvText, shown: str) -> tuple[list[dict[str, Any]], list]:
    """Cast every cell and check constraints and the primary key: typed rows and problems.
    Foreign keys join tables, so check_foreign_keys checks them once all are read."""
    typed = _typed_by_column(table, text, shown)
    if typed is not None:
        return typed, []
    return _check_table_by_row(table, text, shown)


def _typed_by_column(table: Table, text: CsvText, shown: str) -> list[dict[str, Any]] | None:
    """The typed rows of a valid table, proved column by column: each distinct cell of a
    column is cast and checked once (by the same _cell as the row pass), and the primary key
    is checked with one set. None at the first problem: the row pass then reports them all."""
    columns = list(zip(*text.rows, strict=True)) if text.rows else [()] * len(table.fields)
    typed_columns = []
    for field, column in zip(table.fields, columns, strict=True):
        typed = _typed_column(field, column, shown)
        if typed is None:
            return None
        typed_columns.append(typed)
    if table.primary_key:
        key_columns = [columns[table.field_names.index(name)] for name in table.primary_key]
        if len(set(zip(*key_columns, strict=True))) != len(text.rows):
            return None
    names = [*table.field_names, "_line"]
    records = zip(*typed_columns, text.lines, strict=True)
    return list(map(dict, map(zip, repeat(names), records)))  # C loops: ~2x a comprehension


def _typed_column(field: Field, column: tuple[str, ...], shown: str) -> Sequence[Any] | None:
    cast, pattern = caster(field.type), _compiled(field)
    typed: dict[str, Any] = {}
    for cell in set(column):
        value, problem = _cell(field, cast, pattern, cell, shown, 0)
        if problem:
            return None
        typed[cell] = value
    if field.type == "string" and "" not in typed and len(typed) == len(column):
        return column  # every value different: nothing to share
    return list(map(typed.__getitem__, column))  # one object per distinct value, shared


def _check_table_by_row(table: Table, text: CsvText, shown: str):
    casts = [(f, caster(f.type), _compiled(f)) for f in table.fields]
    pk_index = [table.field_names.index(name) for name in table.primary_key]
    seen: dict[tuple, int] = {}
    typed_rows, problems = [], []
    for row, line in zip(text.rows, text.lines, strict=True):
        record = {}
        for (field, cast, pattern), cell in zip(casts, row, strict=True):
            value, problem = _cell(field, cast, pattern, cell, shown, line)
            record[field.name] = value
            if problem:
                problems.append(problem)
        record["_line"] = line
        typed_rows.append(record)
        if pk_index:
            key = tuple(row[i] for i in pk_index)
            if key in seen:
                problems.append(_duplicate(table, key, seen[key], shown, line))
            else:
                seen[key] = line
    return typed_rows, problems


def _compiled(field: Field) -> re.Pattern[str] | None:
    pattern = field.constraints.get("pattern")
    return re.compile(pattern) if pattern else None


def _cell(field: Field, cast, pattern, cell: str, shown: str, line: int):
    if cell == "":
        if field.required:
            return None, Problem(
                shown,
                line,
                field.name,
                "a value is required here",
                f"Fill in {field.name}: {field.description}",
                "required",
            )
        return None, None
    try:
        value = cast(cell)
    except ValueError:
        return None, Problem(
            shown,
            line,
            field.name,
            f"'{_short(cell)}' is not a valid {field.type}",
            type_hint(field),
            "type",
        )
    return value, _constraint_problem(field, pattern, cell, value, shown, line)


def _constraint_problem(field: Field, pattern, cell, value, shown, line) -> Problem | None:
    c = field.constraints
    if "enum" in c and value not in c["enum"] and cell not in c["enum"]:
        return _enum_problem(field, cell, shown, line)
    if pattern is not None and not pattern.fullmatch(cell):
        return _pattern_problem(field, cell, shown, line)
    for key, beyond in (("minimum", operator.lt), ("maximum", operator.gt)):
        if key in c and _compare(beyond, value, c[key]):
            return _bound_problem(field, key, cell, shown, line)
    for key, beyond in (("minLength", operator.lt), ("maxLength", operator.gt)):
        if key in c and beyond(len(cell), c[key]):
            return _length_problem(field, key, cell, shown, line)
    return None


def _compare(beyond, value, bound) -> bool:
    """value beyond the bound; a bound of another type (a date written as text) is compared as
    text, which orders ISO dates and times correctly."""
    try:
        return bool(beyond(value, bound))
    except TypeError:
        return bool(beyond(str(value), str(bound)))


def _enum_problem(field: Field, cell: str, shown: str, line) -> Problem:
    allowed = ", ".join(str(v) for v in field.constraints["enum"])
    return Problem(
        shown,
        line,
        field.name,
        f"'{_short(cell)}' is not an allowed value",
        f"Use one of: {allowed}.",
        "enum",
    )


def _pattern_problem(field: Field, cell: str, shown: str, line) -> Problem:
    pattern = field.constraints["pattern"]
    message = f"'{_short(cell)}' does not have the right form"
    if pattern == ID_PATTERN:
        message += _first_bad_id_character(cell)
    return Problem(shown, line, field.name, message, pattern_hint(pattern), "pattern")


def _first_bad_id_character(cell: str) -> str:
    """Name the character an identifier may not contain, so look-alikes and invisible
    characters (a Cyrillic 'е', a zero-width space) can be found."""
    for index, char in enumerate(cell, start=1):
        if not ("a" <= char <= "z" or "0" <= char <= "9" or (char == "-" and index > 1)):
            name = unicodedata.name(char, "control character")
            return f": character {index} is {_visible(char)} (U+{ord(char):04X} {name})"
    return ""


def _bound_problem(field: Field, key: str, cell: str, shown: str, line) -> Problem:
    side = "below the minimum" if key == "minimum" else "above the maximum"
    return Problem(
        shown, line, field.name, f"{_short(cell)} is {side} of {field.constraints[key]}", "", key
    )


def _length_problem(field: Field, key: str, cell: str, shown: str, line) -> Problem:
    side = "shorter than the minimum" if key == "minLength" else "longer than the maximum"
    return Problem(
        shown,
        line,
        field.name,
        f"'{_short(cell)}' is {len(cell)} characters long, {side} of {field.constraints[key]}",
        "",
        key,
    )


def pattern_hint(pattern: str) -> str:
    if pattern == ID_PATTERN:
        return (
            "Identifiers use only lowercase letters a-z, digits and hyphens, and start with "
            "a letter or digit (no spaces, capitals, accents or slashes), for example "
            "lancashire-childrens-services-scrutiny-2017-10-18."
        )
    return f"The value must match the pattern {pattern}."


def _duplicate(table: Table, key: tuple, first_line: int, shown: str, line: int) -> Problem:
    described = ", ".join(f"{n}={v}" for n, v in zip(table.primary_key, key, strict=True))
    return Problem(
        shown,
        line,
        ", ".join(table.primary_key),
        f"duplicate key ({described}): the same key is already on line {first_line}",
        "Each row needs a unique key: change it, or delete the duplicate row.",
        "primary-key",
    )


def check_foreign_keys(package: DataPackage, rows: Rows, shown: dict[str, str]) -> list[Problem]:
    problems = []
    for table in package.tables:
        for fk in table.foreign_keys:
            if table.name not in rows or fk.resource not in rows:
                continue
            missing = _missing_references(rows[table.name], rows[fk.resource], fk)
            if not missing:
                continue
            target = package.table(fk.resource)
            for record in rows[table.name]:
                value = tuple(record[f] for f in fk.fields)
                if value in missing:
                    line = record["_line"]
                    problems.append(
                        dangling(table, fk.fields, value, target, shown[table.name], line)
                    )
    return problems


def _missing_references(records: list[dict], targets: list[dict], fk) -> set[tuple]:
    """The distinct key values the records refer to that no target row has (by set
    difference, so a large valid table costs one pass); a key left wholly empty refers to
    nothing and is never missing."""
    referring = set(zip(*([r[f] for r in records] for f in fk.fields), strict=True))
    existing = set(zip(*([r[f] for r in targets] for f in fk.reference_fields), strict=True))
    return {v for v in referring - existing if not all(x is None for x in v)}


def dangling(
    table: Table, fields: Iterable[str], value: tuple, target: Table, shown: str, line: int
) -> Problem:
    fields = tuple(fields)
    described = ", ".join(f"'{v}'" for v in value)
    return Problem(
        shown,
        line,
        ", ".join(fields),
        f"{described} does not exist in {target.path.name}",
        f"Check the spelling, or add the missing row to {target.path.name} first.",
        "foreign-key",
    )


def frictionless_problems(
    package: DataPackage, lines: dict[str, list[int]], shown: dict[str, str]
) -> list[Problem]:
    """The same checks by frictionless-py, mapped to our file:line: field: message form."""
    from frictionless import Package  # slow to import; only needed when data is invalid

    fpackage = Package(
        package.frictionless_descriptor(), basepath=str(package.tables[0].path.parent)
    )
    report = fpackage.validate(limit_errors=10**9)
    problems = []
    for task in report.tasks:
        table = package.table(task.name)
        starts = lines.get(table.name, [])
        for error in task.errors:
            problems.append(_from_frictionless(error, table, shown[table.name], starts))
    return problems


def _from_frictionless(error, table: Table, shown: str, lines: list[int]) -> Problem:
    row = getattr(error, "row_number", None)
    line = lines[row - 2] if row and 2 <= row <= len(lines) + 1 else row
    name = getattr(error, "field_name", None)
    cell = getattr(error, "cell", "")
    if error.type == "type-error":
        field = table.field(name)
        return Problem(
            shown,
            line,
            name,
            f"'{_short(cell)}' is not a valid {field.type}",
            type_hint(field),
            "type",
        )
    if error.type == "constraint-error":
        return _constraint_from_note(error.note, table.field(name), cell, shown, line)
    if error.type == "primary-key":
        first = re.search(r"position (\d+)", error.note)
        first_line = lines[int(first.group(1)) - 2] if first else None
        return Problem(
            shown,
            line,
            ", ".join(table.primary_key),
            f"duplicate key: the same key is already on line {first_line}",
            "Each row needs a unique key: change it, or delete the duplicate row.",
            "primary-key",
        )
    if error.type == "foreign-key":
        return _foreign_from_frictionless(error, table, shown, line)
    return Problem(shown, line, name, error.message, "", error.type)


def _constraint_from_note(note: str, field: Field, cell: str, shown: str, line) -> Problem:
    cell = "" if cell is None else str(cell)
    if '"required"' in note:
        return Problem(
            shown,
            line,
            field.name,
            "a value is required here",
            f"Fill in {field.name}: {field.description}",
            "required",
        )
    if '"enum"' in note:
        return _enum_problem(field, cell, shown, line)
    if '"pattern"' in note:
        return _pattern_problem(field, cell, shown, line)
    for key in ("minimum", "maximum"):
        if f'"{key}"' in note:
            return _bound_problem(field, key, cell, shown, line)
    for key in ("minLength", "maxLength"):
        if f'"{key}"' in note:
            return _length_problem(field, key, cell, shown, line)
    return Problem(
        shown, line, field.name, f"'{_short(cell)}' breaks a rule: {note}", "", "constraint"
    )


def _foreign_from_frictionless(error, table: Table, shown: str, line) -> Problem:
    fields = tuple(getattr(error, "field_names", ()) or ())
    cells = tuple(getattr(error, "field_cells", ()) or ())
    resource = getattr(error, "reference_name", "") or ""
    described = ", ".join(f"'{c}'" for c in cells)
    filename = f"{resource}.csv" if resource else "the referenced table"
    return Problem(
        shown,
        line,
        ", ".join(fields),
        f"{described} does not exist in {filename}",
        f"Check the spelling, or add the missing row to {filename} first.",
        "foreign-key",
    )


def _short(text: object, limit: int = 60) -> str:
    """A cell as it can be shown in one line of a message: invisible characters spelled out
    (a line break as \\n, a zero-width space as \\u200b), long values cut short."""
    shown = "".join(_visible(c) for c in str(text)[: limit * 2])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _visible(char: str) -> str:
    if char.isprintable():
        return char
    return char.encode("unicode_escape").decode("ascii")
