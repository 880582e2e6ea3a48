"""What a Table Schema must get right before any table is read against it.

frictionless checks a schema against the standard, but some mistakes crash a reader before that
(a pattern that is not a regular expression, a minimum written as a word) and others come back
as one long sentence without the key to fix. These checks run first and name the key, such as
`fields[2].constraints.minimum`, so the person editing the schema can find it.
"""

from __future__ import annotations

import datetime as dt
import keyword
import re
from collections.abc import Iterator
from typing import Any

from scrutiny.problems import Problem

FIELD_TYPES = {"string", "integer", "number", "date", "time", "boolean", "datetime", "year"}
_NUMERIC = {"integer", "number", "year"}
_BOOLEAN_CONSTRAINTS = ("required", "unique")
_LENGTHS = ("minLength", "maxLength")
# A field is an attribute of its table's records (model/records.py) and a template's name for
# it, so its name is an identifier: no spaces or hyphens, not a Python keyword, and none of
# the names a record class has already.
FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
RESERVED_NAMES = frozenset(("table", "field_names"))


def schema_problems(schema: dict[str, Any], shown: str) -> list[Problem]:
    """Every problem in the schema's fields and primary key (an empty list if none)."""
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [_problem(shown, "fields", "a schema needs a list of `fields`")]
    problems = list(_field_problems(fields, shown))
    if not problems:
        problems += _primary_key_problems(schema.get("primaryKey", []), fields, shown)
    return problems


def field_names(schema: dict[str, Any]) -> set[str]:
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return set()
    return {f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)}


def _field_problems(fields: list[Any], shown: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, field in enumerate(fields):
        where = f"fields[{index}]"
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            yield _problem(shown, where, "a field needs a name")
            continue
        name, kind = field["name"], field.get("type", "string")
        if name in seen:
            yield _problem(
                shown, f"{where}.name", f"'{name}' is already a field (fields[{seen[name]}])"
            )
        seen.setdefault(name, index)
        if named := _name_problem(name):
            yield _problem(shown, f"{where}.name", *named)
        if kind not in FIELD_TYPES:
            yield _problem(
                shown,
                f"{where}.type",
                f"unknown type '{kind}' for field '{name}'",
                f"Use one of: {', '.join(sorted(FIELD_TYPES))}.",
            )
            continue
        constraints = field.get("constraints", {})
        if not isinstance(constraints, dict):
            yield _problem(
                shown,
                f"{where}.constraints",
                "expected a mapping of constraints, such as `required: true`",
                "Write each constraint on its own indented line under `constraints:`.",
            )
            continue
        yield from _constraint_problems(constraints, kind, shown, f"{where}.constraints")


def _name_problem(name: str) -> tuple[str, str] | None:
    """What is wrong with a field's name and how to fix it, or None."""
    if not FIELD_NAME.fullmatch(name):
        return (
            f"the field name '{name}' has a character a field name cannot have",
            "Use letters, digits and underscores, starting with a letter, such as "
            "`start_time`, and rename the column in the CSV file to match.",
        )
    if keyword.iskeyword(name) or name in RESERVED_NAMES:
        return (
            f"'{name}' is a reserved word and cannot name a field",
            f"Choose another name, such as `{name}_name`, and rename the column in the CSV "
            "file to match.",
        )
    return None


def _constraint_problems(c: dict[str, Any], kind: str, shown: str, where: str):
    for key in _BOOLEAN_CONSTRAINTS:
        if key in c and not isinstance(c[key], bool):
            yield _problem(shown, f"{where}.{key}", "expected true or false")
    for key in _LENGTHS:
        if key in c and not (isinstance(c[key], int) and not isinstance(c[key], bool)):
            yield _problem(shown, f"{where}.{key}", "expected a whole number")
    if "enum" in c:
        enum = c["enum"]
        if not isinstance(enum, list) or not enum:
            yield _problem(shown, f"{where}.enum", "expected a list of allowed values")
        elif not all(isinstance(v, str | int | float) for v in enum):
            yield _problem(shown, f"{where}.enum", "each allowed value must be a single value")
    if "pattern" in c:
        yield from _pattern_problems(c["pattern"], shown, f"{where}.pattern")
    for key in ("minimum", "maximum"):
        if key in c and not _bound_fits(c[key], kind):
            word = "a number" if kind in _NUMERIC else f"a {kind} (as the table writes it)"
            yield _problem(shown, f"{where}.{key}", f"expected {word}, got {c[key]!r}")


def _pattern_problems(pattern: Any, shown: str, where: str) -> Iterator[Problem]:
    if not isinstance(pattern, str):
        yield _problem(shown, where, "expected a regular expression written as text")
        return
    try:
        re.compile(pattern)
    except re.error as exc:
        yield _problem(
            shown,
            where,
            f"'{pattern}' is not a valid regular expression: {exc}",
            "Check the brackets; identifiers use ^[a-z0-9][a-z0-9-]*$",
        )


def _bound_fits(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return False
    if kind in _NUMERIC:
        return isinstance(value, int | float)
    if kind == "date":
        return isinstance(value, dt.date) or _parses(dt.date.fromisoformat, value)
    if kind == "time":
        return _parses(dt.time.fromisoformat, value)
    return kind not in ("string", "boolean")


def _parses(parse, value: Any) -> bool:
    try:
        parse(value)
    except (TypeError, ValueError):
        return False
    return True


def _primary_key_problems(pk: Any, fields: list[dict], shown: str) -> Iterator[Problem]:
    names = {f["name"] for f in fields}
    keys = [pk] if isinstance(pk, str) else pk
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        yield _problem(shown, "primaryKey", "expected a field name or a list of field names")
        return
    for key in keys:
        if key not in names:
            yield _problem(
                shown,
                "primaryKey",
                f"'{key}' is not a field of this schema",
                f"Use one of: {', '.join(sorted(names))}.",
            )


def _problem(shown: str, field: str, message: str, hint: str = "") -> Problem:
    return Problem(shown, field=field, message=message, hint=hint, rule="schema")
