"""Turning CSV text into typed values, by the field types of a Table Schema.

The same functions serve validation and the loader (validation hands the model the values it
cast), so what validates is exactly what loads. Each accepts a subset of what frictionless
accepts for the same type and format, so data that passes here passes `frictionless validate`
once published: dates are `YYYY-MM-DD` (never an ISO week date such as `2019-W01-1`), times
`HH:MM:SS`, numbers plain decimals (no exponent, no `NaN`, no thousands separator).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

Value = str | int | float | bool | dt.date | dt.time | dt.datetime | None
Cast = Callable[[str], Any]

_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_YEAR = re.compile(r"[0-9]{4}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_TRUE = frozenset(("true", "True", "TRUE", "1"))
_FALSE = frozenset(("false", "False", "FALSE", "0"))
# The formats read as ISO 8601 ("any" too: ISO is a safe subset of what it allows).
_ISO_FORMATS = {
    "date": {"default", "any", "%Y-%m-%d"},
    "time": {"default", "any", "%H:%M:%S"},
    "datetime": {"default", "any", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S"},
}


def _matching(pattern: re.Pattern[str], convert: Cast) -> Cast:
    def cast(text: str) -> Any:
        if not pattern.fullmatch(text):
            raise ValueError(text)
        return convert(text)

    return cast


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _boolean(text: str) -> bool:
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(text)


def _datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


CASTS: dict[str, Cast] = {
    "string": str,
    "date": _matching(_DATE, dt.date.fromisoformat),
    "time": _matching(_TIME, dt.time.fromisoformat),
    "datetime": _matching(_DATETIME, _datetime),
    "number": _matching(_NUMBER, _number),
    "integer": _matching(_INTEGER, int),
    "year": _matching(_YEAR, int),
    "boolean": _boolean,
}


def caster(field_type: str, field_format: str = "default") -> Cast:
    """The cast for a field's type; a date, time or datetime with its own strptime `format`
    (such as `%d/%m/%Y`) is read by that format instead."""
    if field_type in _ISO_FORMATS and field_format not in _ISO_FORMATS[field_type]:
        return _strptime(field_type, field_format)
    return CASTS.get(field_type, str)


def _strptime(field_type: str, field_format: str) -> Cast:
    def cast(text: str) -> Any:
        parsed = dt.datetime.strptime(text, field_format)
        return {"date": parsed.date, "time": parsed.time}.get(field_type, lambda: parsed)()

    return cast


# Typed rows of every table, by table name: what validation proves and the model is made from.
Rows = dict[str, list[dict[str, Any]]]


def to_json(value: Value) -> Any:
    """A typed value as it appears in JSON downloads."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value
