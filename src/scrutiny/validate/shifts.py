"""Rows whose values moved: a comma inside a value that was not quoted, or a value left out.

A spreadsheet user's commonest CSV mistakes shift the values of a row by one column, so the
checks then blame the fields the values landed on. This module looks for the realignment that
makes the row fit its schema again (joining two cells back into one value, or putting back one
missing value) using the same field checks (constraints.py), and words the problem by the
likely cell instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrutiny.validate.constraints import FieldChecks, short

ADD_QUOTES = "Wrap the value that contains a comma in double quotes, or remove the extra comma."
ADD_VALUE = "Add the missing value (if it is unknown, leave it empty: two commas together, ,,)."
GAP = None  # a value put back: it may be anything, so it fits any field


@dataclass(frozen=True)
class Explanation:
    field: str | None
    message: str
    hint: str


def ragged(fields: Sequence[FieldChecks], row: list[str]) -> Explanation:
    """A row with more or fewer values than the header has columns."""
    extra = len(row) - len(fields)
    if extra == 1:
        return _one_too_many(fields, row)
    if extra == -1:
        return _one_too_few(fields, row)
    counted = f"this row has {len(row)} values but the header has {len(fields)} columns"
    if extra > 0:
        return Explanation(
            None, f"{counted}: are there commas inside values that need quotes?", ADD_QUOTES
        )
    return Explanation(None, f"{counted}: are values missing?", ADD_VALUE)


def every_row_short(fields: Sequence[FieldChecks], rows: Sequence[list[str]]) -> Explanation:
    """Every row one value short: a column put back in the header but not in the rows."""
    common = set(range(len(fields)))
    for row in rows[:50]:
        common &= set(_gaps(fields, row))
    named = f" It looks like {fields[common.pop()].field.name}." if len(common) == 1 else ""
    return Explanation(
        None,
        f"every row has {len(fields) - 1} values but the header has {len(fields)} columns: "
        f"was a column added to the header but not to the rows?{named}",
        "Add a value for that column to every row (if it is unknown, leave it empty: two "
        "commas together, ,,), or take the column out of the header.",
    )


def moved(fields: Sequence[FieldChecks], row: list[str]) -> Explanation | None:
    """A row of the right width whose values moved: a comma inside one value and a value
    left out further along (or before), so the values between landed in the wrong fields.
    None unless one realignment of that kind makes the row fit."""
    found = [
        (comma, gap)
        for comma in range(len(row) - 1)
        if row[comma] and row[comma + 1]
        for gap in range(len(row))
        if (gap > comma + 1 or gap < comma) and _fits(fields, _realigned(row, comma, gap))
    ]
    if len({comma for comma, _ in found}) != 1:
        return None
    comma = found[0][0]
    value = f"{row[comma]},{row[comma + 1]}"
    field = fields[comma + (found[0][1] < comma)].field.name
    missing = fields[_likeliest(fields, [gap for _, gap in found])[0]].field.name
    return Explanation(
        field,
        f"the values in this row have moved by one column: is there a comma inside {field} "
        f"('{short(value)}') that needs quotes, and a value missing (probably {missing})?",
        f'Write {field} in double quotes ("{value}") and put back the missing value (if it '
        "is unknown, leave it empty: two commas together, ,,).",
    )


def _one_too_many(fields: Sequence[FieldChecks], row: list[str]) -> Explanation:
    """Which two cells were one value: of the joinings that make the row fit, the likeliest
    (see `_comma_rank`); named when one is likelier than all the others."""
    joins = [(at, _joined(row, at)) for at in range(len(fields))]
    fitting = [at for at, cells in joins if _fits(fields, cells, skip=at)]
    ranks = {at: _comma_rank(fields, row, at) for at in fitting}
    likely = [at for at in fitting if ranks[at] == min(ranks.values())]
    message = "this row has one value too many: is there a comma inside a value that needs quotes?"
    if len(likely) == 1:
        value = f"{row[likely[0]]},{row[likely[0] + 1]}"
        field = fields[likely[0]].field.name
        return Explanation(
            field,
            f"{message} It looks like {field}: '{short(value)}'.",
            f'Write it in double quotes: "{value}" (or remove the comma if it is a mistake).',
        )
    if likely:
        message += f" It may be in {_one_of([fields[at].field.name for at in likely])}."
    return Explanation(None, message, ADD_QUOTES)


def _comma_rank(fields: Sequence[FieldChecks], row: list[str], at: int) -> tuple[bool, ...]:
    """How likely cells `at` and `at + 1` were one value (lower is likelier): the joined value
    fits its field, the comma is followed by a space as in prose, the field is free text."""
    joined = f"{row[at]},{row[at + 1]}"
    return (not fields[at].fits(joined), not row[at + 1][:1].isspace(), not fields[at].as_written)


def _one_too_few(fields: Sequence[FieldChecks], row: list[str]) -> Explanation:
    likely = _gaps(fields, row)
    message = "this row has one value too few: is a value missing?"
    if not likely:
        return Explanation(None, message, ADD_VALUE)
    at = likely[0]
    field = fields[at].field.name
    after = f"after '{short(row[at - 1])}'" if at else "at the start of the row"
    return Explanation(
        field,
        f"{message} It looks like {field}.",
        f"Put back the {field} value {after} (if it is unknown, leave it empty: two commas "
        "together, ,,).",
    )


def _gaps(fields: Sequence[FieldChecks], row: list[str]) -> list[int]:
    """Where putting back one missing value makes a row that is one value short fit."""
    fitting = [at for at in range(len(fields)) if _fits(fields, [*row[:at], GAP, *row[at:]])]
    return _likeliest(fields, fitting)


def _likeliest(fields: Sequence[FieldChecks], gaps: list[int]) -> list[int]:
    """Places a value may be missing from, the likeliest first: an optional field (an empty
    value is the easiest to lose with its comma), then the latest (it moves fewest values)."""
    return sorted(set(gaps), key=lambda at: (fields[at].field.required, -at))


def _joined(row: list[str], at: int) -> list[str | None]:
    return [*row[:at], f"{row[at]},{row[at + 1]}", *row[at + 2 :]]


def _realigned(row: list[str], comma: int, gap: int) -> list[str | None]:
    """The row with cells `comma` and `comma + 1` joined into one value and a missing value
    put back at `gap` (counted in the realigned row)."""
    joined = _joined(row, comma)
    return [*joined[:gap], GAP, *joined[gap:]]


def _fits(fields: Sequence[FieldChecks], cells: Sequence[str | None], skip: int = -1) -> bool:
    return all(
        cell is GAP or at == skip or checks.fits(cell)
        for at, (checks, cell) in enumerate(zip(fields, cells, strict=True))
    )


def _one_of(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
