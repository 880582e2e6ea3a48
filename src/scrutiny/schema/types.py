"""Turning CSV text into typed values, by the field types of a Table Schema.

The same functions serve the loader and the fast validation pass, so what validates is exactly
what loads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

Value = str | int | float | bool | dt.date | dt.time | None

_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")
_INTEGER = re.compile(r"^-?(0|[1-9][0-9]*)$")


def _date(text: str) -> dt.date:
    if len(text) != 10:
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _time(text: str) -> dt.time:
    if len(text) != 8:
        raise ValueError(text)
    return dt.time.fromisoformat(text)


def _number(text: str) -> int | float:
    if not _NUMBER.match(text):
        raise ValueError(text)
    return float(text) if "." in text else int(text)


def _integer(text: str) -> int:
    if not _INTEGER.match(text):
        raise ValueError(text)
    return int(text)


def _boolean(text: str) -> bool:
    if text in ("true", "True", "TRUE", "1"):
        return True
    if text in ("false", "False", "FALSE", "0"):
        return False
    raise ValueError(text)


CASTS: dict[str, Callable[[str], Any]] = {
    "string": str,
    "date": _date,
    "time": _time,
    "number": _number,
    "integer": _integer,
    "boolean": _boolean,
}


def caster(field_type: str) -> Callable[[str], Any]:
    return CASTS.get(field_type, str)


# Typed rows of every table, by table name: what validation proves and the model is made from.
Rows = dict[str, list[dict[str, Any]]]


def to_json(value: Value) -> Any:
    """A typed value as it appears in JSON downloads."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value
