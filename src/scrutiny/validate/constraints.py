"""Every check a Table Schema declares on one field, each defined once.

A field's checks are its type, `required`, and its constraints (enum, pattern, minimum,
maximum, minLength, maxLength). `FieldChecks.judge` applies them to one cell and gives either
the typed value or a `Failure` worded for the officer. Both ways of validating a table use
that one judgement: `FieldChecks.column` judges each distinct value of a column once (which
proves a large valid table quickly), and every row whose value failed is reported with the
same Failure. So a check changed here changes both, and no other library's wording is read.

Checks across rows (the primary key, `unique`, foreign keys) are in keys.py; the shape of the
file (encoding, quoting, the number of values in a row) in structure.py.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scrutiny.schema.package import Field, Table
from scrutiny.schema.types import caster

ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
_NUMERIC = {"number", "integer", "year"}

TYPE_HINTS = {
    "date": "Write dates as YYYY-MM-DD, for example 2017-10-18, and check the day exists.",
    "time": "Write times as HH:MM:SS on the 24-hour clock, for example 14:00:00.",
    "datetime": "Write a date and time as YYYY-MM-DDTHH:MM:SS, for example 2017-10-18T14:00:00.",
    "number": "Write a plain number with no commas, % or £ signs, for example 1968 or 12.5.",
    "integer": "Write a whole number with no commas, for example 12.",
    "year": "Write a year as four digits, for example 2017.",
    "boolean": "Write true or false.",
}


def type_hint(field: Field) -> str:
    return TYPE_HINTS.get(field.type, "")


@dataclass(frozen=True)
class Failure:
    """Why one value fails its field: the rule that fired, and what to tell the officer."""

    rule: str
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Constraint:
    """One constraint keyword of the Table Schema standard: whether a value keeps to it
    (`passes(bound, value, cell)`, with the bound as `prepare` made it) and how a value that
    does not is worded (`words(field, bound as written, cell)` gives message and hint)."""

    passes: Callable[[Any, Any, str], bool]
    words: Callable[[Field, Any, str], tuple[str, str]]
    prepare: Callable[[Any], Any] = lambda bound: bound


def _within(beyond: Callable[[Any, Any], bool]) -> Callable[[Any, Any, str], bool]:
    """A bound on the value; a bound of another type (a date written as text) is compared as
    text, which orders ISO dates and times correctly."""

    def passes(bound: Any, value: Any, cell: str) -> bool:
        try:
            return not beyond(value, bound)
        except TypeError:
            return not beyond(str(value), str(bound))

    return passes


def _enum_words(field: Field, bound: list, cell: str) -> tuple[str, str]:
    return (
        f"'{short(cell)}' is not an allowed value",
        f"Use one of: {', '.join(str(v) for v in bound)}.",
    )


def _pattern_words(field: Field, bound: str, cell: str) -> tuple[str, str]:
    message = f"'{short(cell)}' does not have the right form"
    if bound == ID_PATTERN:
        message += _first_bad_id_character(cell)
    return message, pattern_hint(bound)


def _bound_words(side: str, more: str, later: str) -> Callable[[Field, Any, str], tuple[str, str]]:
    return lambda field, bound, cell: (
        f"{short(cell)} is {side} of {bound}",
        f"Write {bound} or {more if field.type in _NUMERIC else later}.",
    )


def _length_words(side: str, fix: str) -> Callable[[Field, Any, str], tuple[str, str]]:
    return lambda field, bound, cell: (
        f"'{short(cell)}' is {len(cell)} characters long, {side} of {bound}",
        f"Write {fix} {bound} characters.",
    )


# In the order they are tried: a value is reported for the first it breaks.
CONSTRAINTS: dict[str, Constraint] = {
    "enum": Constraint(
        lambda bound, value, cell: value in bound or cell in bound, _enum_words, frozenset
    ),
    "pattern": Constraint(
        lambda bound, value, cell: bound.fullmatch(cell) is not None, _pattern_words, re.compile
    ),
    "minimum": Constraint(_within(operator.lt), _bound_words("below the minimum", "more", "later")),
    "maximum": Constraint(
        _within(operator.gt), _bound_words("above the maximum", "less", "earlier")
    ),
    "minLength": Constraint(
        lambda bound, value, cell: len(cell) >= bound,
        _length_words("shorter than the minimum", "at least"),
    ),
    "maxLength": Constraint(
        lambda bound, value, cell: len(cell) <= bound,
        _length_words("longer than the maximum", "at most"),
    ),
}


class FieldChecks:
    """The checks of one field, prepared once (its cast, its compiled pattern)."""

    def __init__(self, field: Field, missing: frozenset[str], field_format: str) -> None:
        self.field = field
        self.missing = missing
        self.cast = caster(field.type, field_format)
        self.constraints = tuple(
            (name, constraint, constraint.prepare(field.constraints[name]))
            for name, constraint in CONSTRAINTS.items()
            if name in field.constraints
        )
        self.required = Failure(
            "required", "a value is required here", f"Fill in {field.name}: {field.description}"
        )
        # A text field with no constraint: every value that is not missing is itself.
        self.as_written = field.type == "string" and not self.constraints
        self._fits: dict[str, bool] = {}

    def judge(self, cell: str) -> Any:
        """The cell's typed value (None when it is missing), or the Failure it breaks."""
        if cell in self.missing:
            return self.required if self.field.required else None
        try:
            value = self.cast(cell)
        except ValueError:
            return Failure(
                "type", f"'{short(cell)}' is not a valid {self.field.type}", type_hint(self.field)
            )
        for name, constraint, bound in self.constraints:
            if not constraint.passes(bound, value, cell):
                return Failure(
                    name, *constraint.words(self.field, self.field.constraints[name], cell)
                )
        return value

    def fits(self, cell: str) -> bool:
        """Whether the cell passes every check (remembered: realigning a row asks often)."""
        fits = self._fits.get(cell)
        if fits is None:
            fits = self._fits[cell] = type(self.judge(cell)) is not Failure
        return fits

    def column(self, cells: Sequence[str]) -> tuple[Sequence[Any], dict[str, Failure]]:
        """Each distinct cell of a column judged once: the column's values (a failed cell's
        value is its Failure; equal cells share one value object) and the cells that failed."""
        if self.as_written:
            distinct = set(cells)
            missing = distinct & self.missing
            if not missing and len(distinct) == len(cells):
                return cells, {}  # every value different and as written: nothing to share
            verdicts: dict[str, Any] = dict(zip(distinct, distinct, strict=True))
            verdicts.update((cell, self.judge(cell)) for cell in missing)
        else:
            verdicts = _Verdicts(self.judge)
        values = list(map(verdicts.__getitem__, cells))
        return values, {c: v for c, v in verdicts.items() if type(v) is Failure}


class _Verdicts(dict):
    """Each distinct cell judged the first time it is looked up (one sweep of the column)."""

    def __init__(self, judge: Callable[[str], Any]) -> None:
        super().__init__()
        self.judge = judge

    def __missing__(self, cell: str) -> Any:
        verdict = self[cell] = self.judge(cell)
        return verdict


class TableChecks:
    """The checks of every field of a table, in the order of its columns."""

    def __init__(self, table: Table) -> None:
        missing = frozenset(str(v) for v in table.schema.get("missingValues", [""]))
        formats = {f["name"]: str(f.get("format", "default")) for f in table.schema["fields"]}
        self.table = table
        self.fields = tuple(FieldChecks(f, missing, formats[f.name]) for f in table.fields)


def pattern_hint(pattern: str) -> str:
    if pattern == ID_PATTERN:
        return (
            "Identifiers use only lowercase letters a-z, digits and hyphens, and start with "
            "a letter or digit (no spaces, capitals, accents or slashes), for example "
            "lancashire-childrens-services-scrutiny-2017-10-18."
        )
    return f"The value must match the pattern {pattern}."


def _first_bad_id_character(cell: str) -> str:
    """Name the character an identifier may not contain, so look-alikes and invisible
    characters (a Cyrillic 'е', a zero-width space) can be found."""
    for index, char in enumerate(cell, start=1):
        if not ("a" <= char <= "z" or "0" <= char <= "9" or (char == "-" and index > 1)):
            name = unicodedata.name(char, "control character")
            return f": character {index} is {_visible(char)} (U+{ord(char):04X} {name})"
    return ""


def short(text: object, limit: int = 60) -> str:
    """A cell as it can be shown in one line of a message: invisible characters spelled out
    (a line break as \\n, a zero-width space as \\u200b), long values cut short."""
    shown = "".join(_visible(c) for c in str(text)[: limit * 2])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _visible(char: str) -> str:
    if char.isprintable():
        return char
    return char.encode("unicode_escape").decode("ascii")
