"""Checking what the officer typed, before anything is written, in words they can act on."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from scrutiny.edits import Refused, transaction
from scrutiny.problems import EXIT_USAGE
from scrutiny.project import Project
from scrutiny.schema.package import Table
from scrutiny.validate.run import Validated

DATE_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_FORM = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")


def parse_date(text: str, option: str) -> dt.date:
    hint = "Write the date as YYYY-MM-DD, for example 2024-03-14."
    if not DATE_FORM.match(text):
        raise Refused(f"{option} '{text}' is not written as YYYY-MM-DD", hint, EXIT_USAGE)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Refused(
            f"{option} '{text}' is not a real date", hint + " Check the day exists.", EXIT_USAGE
        ) from None


def parse_time(text: str, option: str = "--time") -> str:
    """HH:MM (or HH:MM:SS) on the 24-hour clock, stored as HH:MM:SS like the rest of the data."""
    match = TIME_FORM.match(text)
    hint = "Write the time as HH:MM on the 24-hour clock, for example 14:00 or 09:30."
    if not match:
        raise Refused(f"{option} '{text}' is not written as HH:MM", hint, EXIT_USAGE)
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        raise Refused(f"{option} '{text}' is not a time of day", hint, EXIT_USAGE)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def parse_number(text: str, option: str = "--value") -> str:
    """A plain decimal number, written the way the schema's number type reads it."""
    hint = "Write a plain number with no commas, % or £ signs, for example 1968 or 12.5."
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise Refused(f"{option} '{text}' is not a number", hint, EXIT_USAGE) from None
    if not number.is_finite():
        raise Refused(f"{option} '{text}' is not a number", hint, EXIT_USAGE)
    written = format(number, "f")
    return "0" if written in ("-0", "+0") else written


def one_line(text: str | None, option: str) -> str:
    text = text or ""
    if "\n" in text or "\r" in text:
        raise Refused(f"{option} must be on one line", "Remove the line breaks.", EXIT_USAGE)
    return text.strip()


def yaml_scalar(text: str) -> str:
    """A YAML-safe one-line string (always quoted: sources often contain ':')."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def did_you_mean(wrong: str, known: Iterable[str], column: str, file: str) -> str:
    close = difflib.get_close_matches(wrong, list(known), n=3, cutoff=0.6)
    if close:
        return f"Did you mean {' or '.join(close)}? Ids are in the {column} column of {file}."
    return f"Use an id from the {column} column of {file}, or add the row there first."


def article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


class Known:
    """The valid project's rows, looked up by key, refusing unknown ids with "did you mean"."""

    def __init__(self, project: Project, checked: Validated) -> None:
        self.project = project
        self.checked = checked

    def table(self, name: str) -> Table:
        return self.checked.package.table(name)

    def shown(self, name: str) -> str:
        return self.project.relative(self.table(name).path)

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self.checked.rows.get(name, [])

    def with_key(self, name: str, *key: Any) -> dict[str, Any] | None:
        """The row of table `name` whose primary key (as its schema declares it) is `key`."""
        fields = self.table(name).primary_key
        return next((r for r in self.rows(name) if tuple(r[f] for f in fields) == key), None)

    def append(self, name: str, row: dict[str, str]) -> int:
        """Append `row` to table `name` and validate the project (`edits.transaction`: the
        change lands whole and valid or not at all); the line the row is on."""
        with transaction(self.project) as edit:
            return edit.append_row(self.table(name), row)

    def one(self, name: str, column: str, value: str, option: str) -> dict[str, Any]:
        """The row of table `name` whose `column` is `value`, or a refusal naming the option."""
        found = {r[column]: r for r in self.rows(name)}
        if value not in found:
            what = column.removesuffix("_id")
            raise Refused(
                f"{option}: there is no {what} '{value}' in {self.shown(name)}",
                did_you_mean(value, found, column, self.shown(name)),
            )
        return found[value]

    def choice(self, name: str, column: str, value: str, option: str) -> str:
        """`value` if the table's schema allows it in `column` (its enum), else a refusal that
        lists what is allowed. The allowed values are read from the schema, never restated."""
        allowed = self.allowed(name, column)
        if allowed and value not in allowed:
            close = difflib.get_close_matches(value.lower(), allowed, n=1, cutoff=0.6)
            guess = f"Did you mean {close[0]}? " if close else ""
            raise Refused(
                f"{option}: '{value}' is not {article(column)} {column.replace('_', ' ')}",
                f"{guess}Use one of: {', '.join(allowed)}.",
                EXIT_USAGE,
            )
        return value

    def allowed(self, name: str, column: str) -> list[str]:
        return list(self.table(name).field(column).constraints.get("enum") or [])

    def item(self, meeting_id: str, item_no: str, option: str = "--item") -> dict[str, Any]:
        """An agenda item of a meeting, or a refusal listing the meeting's items."""
        items = {
            r["item_no"]: r for r in self.rows("agenda_items") if r["meeting_id"] == meeting_id
        }
        if item_no in items:
            return items[item_no]
        listed = ", ".join(items) if items else "none yet"
        raise Refused(
            f"{option}: meeting {meeting_id} has no agenda item '{item_no}'",
            f"Its items are: {listed}. Add the item first with `scrutiny new agenda-item`.",
        )
