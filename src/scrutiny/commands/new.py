"""`scrutiny new meeting` and `scrutiny new observation`: officers add rows without writing ids.

Each command checks its input against the project (the committee or indicator exists, the key
is new, the date is a real date), appends one row, and validates the whole project again. If
the project would not be valid, every file is put back exactly as it was. Files are replaced
atomically (a temporary file beside the real one, then `os.replace`), so a crash or a full disk
never leaves a half-written CSV.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import difflib
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from scrutiny.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE, project_of
from scrutiny.incremental.freshness import build_date
from scrutiny.problems import Problem, format_problems
from scrutiny.project import Project
from scrutiny.schema.package import Table
from scrutiny.validate import validate_project
from scrutiny.validate.run import Validated

EXIT_REFUSED = EXIT_INVALID
DATE_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_FORM = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")

MINUTES_TEMPLATE = """\
---
meeting_id: {meeting_id}
source: {source}
---
<!--
Write the minutes of {committee} on {date} below this note, in Markdown.
This note is not shown on the website. See docs/writing-minutes.md for the formatting you can
use. When the committee has approved the minutes, change minutes_status for
{meeting_id} in datasets/meetings.csv to approved.
-->

The minutes of this meeting have not been published yet.
"""


class Refused(Exception):
    """The change was not made; the message says why and how to put it right."""

    def __init__(
        self,
        message: str,
        hint: str = "",
        code: int = EXIT_REFUSED,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        self.message = message
        self.hint = hint
        self.code = code
        self.problems = problems
        super().__init__(message)


@dataclass
class Change:
    """What a command did, as lines to show the officer."""

    lines: list[str] = field(default_factory=list)


# --- the command line ------------------------------------------------------------------------


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register `new meeting` and `new observation` on the main command's subparsers."""
    new = commands.add_parser(
        "new",
        help="add a meeting or an indicator value (ids are made for you)",
        description="Add a row to the data, checked and validated; nothing is changed if the "
        "result would not be valid.",
    )
    kinds = new.add_subparsers(dest="kind", required=True, metavar="WHAT")

    meeting = kinds.add_parser(
        "meeting",
        help="add a meeting and create its minutes file",
        description="Add a meeting to datasets/meetings.csv (its id is the committee id and the "
        "date) and create content/minutes/<meeting_id>.md to write the minutes in.",
    )
    meeting.add_argument(
        "--committee",
        required=True,
        metavar="ID",
        help="the committee's committee_id, as in datasets/committees.csv",
    )
    meeting.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="date of the meeting")
    meeting.add_argument("--time", metavar="HH:MM", help="start time, 24-hour clock (e.g. 14:00)")
    meeting.add_argument("--venue", help="where it is held, as written in the agenda")
    meeting.add_argument(
        "--status",
        choices=("scheduled", "held", "cancelled"),
        help="default: scheduled if the date is after today, otherwise held",
    )
    meeting.add_argument(
        "--source",
        help="where the details come from, e.g. the agenda's web "
        "address (default: the new minutes file)",
    )
    meeting.add_argument("--note", help="a note about the row, if anything needs explaining")
    meeting.add_argument("project", nargs="?", default=".", help="project folder (default: .)")

    observation = kinds.add_parser(
        "observation",
        help="add a value of a performance indicator (KPI)",
        description="Add a value to datasets/observations.csv.",
    )
    observation.add_argument(
        "--indicator",
        required=True,
        metavar="ID",
        help="the indicator's indicator_id, as in datasets/indicators.csv",
    )
    observation.add_argument(
        "--period-end",
        required=True,
        metavar="YYYY-MM-DD",
        help="last day of the period the value is for",
    )
    observation.add_argument(
        "--value",
        required=True,
        metavar="N",
        help="the value, a plain number such as 21 or 52.5 (no %% or commas)",
    )
    observation.add_argument(
        "--series",
        default="actual",
        help="actual (default), target, baseline, statistical-neighbours, ...",
    )
    observation.add_argument("--label", help="the period as the report words it, e.g. 2016/17")
    observation.add_argument(
        "--source",
        required=True,
        help="where the value comes from: a report's web address, or "
        "file.txt:LINE for a file in sources/",
    )
    observation.add_argument("--note", help="a note about the value, if anything needs explaining")
    observation.add_argument("project", nargs="?", default=".", help="project folder (default: .)")


def run(args: argparse.Namespace) -> int:
    """Carry out `scrutiny new ...`; print what happened, or why nothing did."""
    project = project_of(args)
    try:
        if args.kind == "meeting":
            change = new_meeting(
                project,
                committee=args.committee,
                date=args.date,
                time=args.time,
                venue=args.venue,
                status=args.status,
                source=args.source,
                note=args.note,
            )
        else:
            change = new_observation(
                project,
                indicator=args.indicator,
                period_end=args.period_end,
                value=args.value,
                series=args.series,
                label=args.label,
                source=args.source,
                note=args.note,
            )
    except Refused as refused:
        print(f"scrutiny new {args.kind}: nothing was changed: {refused.message}", file=sys.stderr)
        if refused.hint:
            print(f"    how to fix: {refused.hint}", file=sys.stderr)
        if refused.problems:
            print(format_problems(refused.problems, "text"), file=sys.stderr)
        return refused.code
    print("\n".join(change.lines))
    return EXIT_OK


# --- the two commands ------------------------------------------------------------------------


def new_meeting(
    project: Project,
    *,
    committee: str,
    date: str,
    time: str | None = None,
    venue: str | None = None,
    status: str | None = None,
    source: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> Change:
    """Append a meeting row and create its minutes file from the template."""
    when = parse_date(date, "--date")
    start = parse_time(time) if time else ""
    checked = _valid_project(project)
    table = checked.package.table("meetings")
    committees = {r["committee_id"]: r for r in checked.rows.get("committees", [])}
    if committee not in committees:
        raise Refused(
            f"there is no committee '{committee}' in datasets/committees.csv",
            _did_you_mean(committee, committees, "committee_id", "committees.csv"),
        )
    meeting_id = f"{committee}-{when.isoformat()}"
    for row in checked.rows.get("meetings", []):
        if row["meeting_id"] == meeting_id:
            raise Refused(
                f"there is already a meeting {meeting_id} on line {row['_line']} of "
                f"{project.relative(table.path)}",
                "Change that row instead of adding another. If the committee really meets twice "
                "that day, add the second meeting by hand with an id such as "
                f"{meeting_id}-2.",
            )
    minutes = project.minutes / f"{meeting_id}.md"
    if minutes.exists():
        raise Refused(
            f"{project.relative(minutes)} already exists but has no meeting row",
            "Move or rename that file first; it would otherwise be overwritten.",
        )
    if status is None:
        status = "scheduled" if when > (today or build_date()) else "held"
    source = source or project.relative(minutes)
    row = {
        "meeting_id": meeting_id,
        "committee_id": committee,
        "date": when.isoformat(),
        "start_time": start,
        "venue": _one_line(venue or "", "--venue"),
        "status": status,
        "minutes_status": "none",
        "minutes_published": "true",
        "note": _one_line(note or "", "--note"),
        "source": _one_line(source, "--source"),
    }
    text = MINUTES_TEMPLATE.format(
        meeting_id=meeting_id,
        source=_yaml_scalar(source),
        committee=committees[committee].get("name") or committee,
        date=f"{when.day} {when:%B %Y}",
    )
    with _transaction(project) as files:
        line = files.append_row(table, row)
        files.create(minutes, text.encode("utf-8"))
    return Change(
        [
            f"Added meeting {meeting_id} ({status}) on line {line} of "
            f"{project.relative(table.path)}.",
            f"Created {project.relative(minutes)}: write the minutes there.",
            "The project is valid. Preview it with `scrutiny serve`, then commit and push.",
        ]
    )


def new_observation(
    project: Project,
    *,
    indicator: str,
    period_end: str,
    value: str,
    series: str = "actual",
    label: str | None = None,
    source: str,
    note: str | None = None,
) -> Change:
    """Append one value of an indicator to observations.csv."""
    end = parse_date(period_end, "--period-end")
    number = parse_number(value)
    checked = _valid_project(project)
    table = checked.package.table("observations")
    allowed = table.field("series").constraints.get("enum")
    if allowed and series not in allowed:
        raise Refused(
            f"'{series}' is not a series", f"Use one of: {', '.join(allowed)}.", EXIT_USAGE
        )
    indicators = {r["indicator_id"]: r for r in checked.rows.get("indicators", [])}
    if indicator not in indicators:
        raise Refused(
            f"there is no indicator '{indicator}' in datasets/indicators.csv",
            _did_you_mean(indicator, indicators, "indicator_id", "indicators.csv"),
        )
    for row in checked.rows.get("observations", []):
        if (row["indicator_id"], row["period_end"], row["series"]) == (indicator, end, series):
            raise Refused(
                f"indicator {indicator} already has {_article(series)} {series} value for "
                f"{end.isoformat()} (value {row['value']}, line {row['_line']} of "
                f"{project.relative(table.path)})",
                "If that value was wrong, correct it in the file instead of adding another.",
            )
    row = {
        "indicator_id": indicator,
        "period_end": end.isoformat(),
        "series": series,
        "value": number,
        "period_label": _one_line(label or "", "--label"),
        "note": _one_line(note or "", "--note"),
        "source": _one_line(source, "--source"),
    }
    with _transaction(project) as files:
        line = files.append_row(table, row)
    unit = indicators[indicator].get("unit") or ""
    return Change(
        [
            f"Added {series} value {number}{f' ({unit})' if unit else ''} for {indicator}, period "
            f"ending {end.isoformat()}, on line {line} of {project.relative(table.path)}.",
            "The project is valid. Preview it with `scrutiny serve`, then commit and push.",
        ]
    )


# --- checking what the officer typed ---------------------------------------------------------


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


def parse_time(text: str) -> str:
    """HH:MM (or HH:MM:SS) on the 24-hour clock, stored as HH:MM:SS like the rest of the data."""
    match = TIME_FORM.match(text)
    hint = "Write the time as HH:MM on the 24-hour clock, for example 14:00 or 09:30."
    if not match:
        raise Refused(f"--time '{text}' is not written as HH:MM", hint, EXIT_USAGE)
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        raise Refused(f"--time '{text}' is not a time of day", hint, EXIT_USAGE)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def parse_number(text: str) -> str:
    """A plain decimal number, written the way the schema's number type reads it."""
    hint = "Write a plain number with no commas, % or £ signs, for example 1968 or 12.5."
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise Refused(f"--value '{text}' is not a number", hint, EXIT_USAGE) from None
    if not number.is_finite():
        raise Refused(f"--value '{text}' is not a number", hint, EXIT_USAGE)
    written = format(number, "f")
    return "0" if written in ("-0", "+0") else written


def _one_line(text: str, option: str) -> str:
    if "\n" in text or "\r" in text:
        raise Refused(f"{option} must be on one line", "Remove the line breaks.", EXIT_USAGE)
    return text.strip()


def _yaml_scalar(text: str) -> str:
    """A YAML-safe one-line string (always quoted: sources often contain ':')."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _did_you_mean(wrong: str, known: dict[str, Any], key: str, file: str) -> str:
    close = difflib.get_close_matches(wrong, list(known), n=3, cutoff=0.6)
    if close:
        return f"Did you mean {' or '.join(close)}? Ids are in the {key} column of datasets/{file}."
    return f"Use an id from the {key} column of datasets/{file}, or add the row there first."


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _valid_project(project: Project) -> Validated:
    checked = validate_project(project)
    if checked.problems:
        raise Refused(
            "the project already has problems, so nothing was added",
            "Fix the problems below first (run `scrutiny validate`).",
            problems=checked.problems,
        )
    return checked


# --- writing atomically, with a way back -----------------------------------------------------


class _Files:
    """Every file a command touches, with its bytes before the change, so it can be undone."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.before: dict[Path, bytes | None] = {}

    def append_row(self, table: Table, values: dict[str, str]) -> int:
        """Append one CSV row in the table's column order; returns the line it starts on."""
        original = table.path.read_bytes()
        self.before.setdefault(table.path, original)
        newline = "\r\n" if b"\r\n" in original.split(b"\n", 1)[0] + b"\n" else "\n"
        text = original.decode("utf-8")
        if text and not text.endswith("\n"):
            text += newline
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=newline).writerow(
            [values[name] for name in table.field_names]
        )
        line = text.count("\n") + 1
        atomic_write(table.path, (text + buffer.getvalue()).encode("utf-8"))
        return line

    def create(self, path: Path, data: bytes) -> None:
        self.before.setdefault(path, None)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)

    def undo(self) -> None:
        for path, data in self.before.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, data)


@contextmanager
def _transaction(project: Project) -> Iterator[_Files]:
    """Apply changes, then validate the project; undo everything if it is not valid."""
    files = _Files(project)
    try:
        yield files
        checked = validate_project(project)
    except BaseException:
        files.undo()
        raise
    if checked.problems:
        files.undo()
        raise Refused(
            "the project would not be valid after this change",
            "Correct the value you typed (see the problems below) and run the command again.",
            problems=checked.problems,
        )


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step: readers see the old file or the new, never half."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
