"""`scrutiny new ...`: officers add what a meeting has, without writing ids or typing CSV.

Each subcommand checks its input against the project (the ids exist, with "did you mean" when
they don't; the values are ones the schema allows), adds its rows, and validates the whole
project again; if the project would not be valid, every file is put back exactly as it was
(`scrutiny.edits`). The work is done in `scrutiny.entry`; this module is the command line.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from scrutiny.commands import EXIT_OK, EXIT_USAGE, PROJECT, Parser, option, project_of, refused
from scrutiny.edits import Refused
from scrutiny.project import Project

if TYPE_CHECKING:
    from scrutiny.entry import Change

__all__ = ["PARSER", "run"]

Handler = Callable[[Project, argparse.Namespace], "Change"]


def run(args: argparse.Namespace) -> int:
    """Carry out `scrutiny new ...`; print what happened, or why nothing did."""
    project = project_of(args)
    try:
        change = SUBCOMMANDS[args.what][1](project, args)
    except Refused as refusal:
        return refused(f"scrutiny new {args.what}: nothing was changed: ", refusal)
    print("\n".join(change.lines))
    return EXIT_OK


# --- what each kind takes -------------------------------------------------------------------

MEETING_HELP = "the meeting's meeting_id (see datasets/meetings.csv)"
MEETING = option("--meeting", required=True, metavar="ID", help=MEETING_HELP)
ITEM = option("--item", required=True, metavar="NO", help="the agenda item number")
SOURCE = option("--source", help="where this comes from (default: the meeting's source)")
PEOPLE = {"action": "append", "default": [], "metavar": "PERSON[,PERSON...]"}
PAIRS = {"action": "append", "default": []}

MEETING_KIND = Parser(
    "add a meeting and create its minutes file",
    "Add a meeting to datasets/meetings.csv (its id is the committee id and the date) and create "
    "content/minutes/<meeting_id>.md to write the minutes in.",
    (
        option("--committee", required=True, metavar="ID", help="the committee_id"),
        option("--date", required=True, metavar="YYYY-MM-DD", help="date of the meeting"),
        option("--time", metavar="HH:MM", help="start time, 24-hour clock (e.g. 14:00)"),
        option("--venue", help="where it is held, as written in the agenda"),
        option(
            "--status",
            help="held, scheduled, ... (default: scheduled if the date is after today, otherwise "
            "held)",
        ),
        option(
            "--source",
            help="where the details come from, e.g. the agenda's web address (default: the new "
            "minutes file)",
        ),
        option("--note", help="a note about the row, if anything needs explaining"),
        PROJECT,
    ),
)
OBSERVATION_KIND = Parser(
    "add a value of a performance indicator (KPI)",
    "Add a value to datasets/observations.csv.",
    (
        option("--indicator", required=True, metavar="ID", help="the indicator_id"),
        option("--period-end", required=True, metavar="YYYY-MM-DD", help="last day of the period"),
        option(
            "--value", required=True, metavar="N", help="a plain number such as 21 or 52.5 (no %%)"
        ),
        option("--series", default="actual", help="actual (default), target, baseline, ..."),
        option("--label", help="the period as the report words it, e.g. 2016/17"),
        option(
            "--source",
            required=True,
            help="where the value comes from: a report's web address, or file.txt:LINE",
        ),
        option("--note", help="a note about the value, if anything needs explaining"),
        PROJECT,
    ),
)
AGENDA_KIND = Parser(
    "add items to a meeting's agenda (numbered for you)",
    "Add agenda items to datasets/agenda_items.csv, numbered on from the meeting's last item. "
    "Give --title once per item, in order.",
    (
        MEETING,
        option(
            "--title",
            dest="titles",
            action="append",
            default=[],
            help="the item's title as printed",
        ),
        option("--item-no", help="the item's number, if not the next one (e.g. 4a)"),
        option("--minute-no", help="the minute number, where the minutes number it apart"),
        option("--pages", help="pages in the agenda pack, e.g. 5-8"),
        option("--part", help="public (default) or exempt"),
        option("--lead", help="lead officers, separated by '; '"),
        option("--time", metavar="HH:MM", help="the time the item is scheduled for"),
        SOURCE,
        PROJECT,
    ),
)
ATTENDANCE_KIND = Parser(
    "record who attended a meeting, the whole committee in one step",
    "Add a row for every member of the committee (see `scrutiny members`), present unless named "
    "with --apologies, --absent or --substitute, and rows for substitutes and anyone else named "
    "with --present. If the meeting already has attendance, only the people named are added. "
    "Person ids are in datasets/people.csv.",
    (
        MEETING,
        option("--apologies", **PEOPLE, help="members (or others) who sent apologies"),
        option("--absent", **PEOPLE, help="members absent without apologies"),
        option(
            "--present", **PEOPLE, help="others who attended: officers, cabinet members, guests"
        ),
        option(
            "--substitute",
            **PAIRS,
            metavar="MEMBER=SUBSTITUTE",
            help="a member replaced by a substitute, e.g. joe-cooney=matthew-salter when Matthew "
            "Salter replaced Joe Cooney (the member's row says absent unless also in --apologies)",
        ),
        option(
            "--role",
            **PAIRS,
            metavar="PERSON=ROLE",
            help="a role other than the usual one, e.g. ann-able=chair, dee-dean=officer",
        ),
        option(
            "--name",
            **PAIRS,
            metavar="PERSON=TEXT",
            help="the name as the minutes write it, if not as in people.csv, e.g. 'h-khan=H Khan'",
        ),
        SOURCE,
        PROJECT,
    ),
)
DECLARATION_KIND = Parser(
    "record a declaration of interest",
    "Add a declaration to datasets/declarations.csv.",
    (
        MEETING,
        ITEM,
        option("--person", required=True, metavar="ID", help="who declared (person_id)"),
        option("--kind", required=True, help="the kind of interest, e.g. personal"),
        option("--description", required=True, help="the interest as the minutes record it"),
        SOURCE,
        PROJECT,
    ),
)
DECISION_KIND = Parser(
    "record a decision (resolution); its decision_id is made for you",
    "Add a decision to datasets/decisions.csv. The decision_id is the meeting id, the item and "
    "the sub-point (or 1, 2, ... when the resolution has no sub-point).",
    (
        MEETING,
        ITEM,
        option("--sub-point", help="the sub-point as printed (i, ii, a, 1, ...), if any"),
        option("--text", required=True, help="the resolution, word for word"),
        SOURCE,
        PROJECT,
    ),
)
UPDATE_KIND = Parser(
    "record a progress update (RAG rating) on a tracked recommendation",
    "Add an update to datasets/recommendation_updates.csv.",
    (
        option("--recommendation", required=True, metavar="ID", help="the recommendation_id"),
        option("--rag", required=True, help="the rating: red, amber, green, complete, ..."),
        option("--meeting", metavar="ID", help="the meeting it was reported to (its date)"),
        option("--as-at", metavar="YYYY-MM-DD", help="the update's date, without --meeting"),
        option("--commentary", help="the progress commentary as written"),
        option("--source", help="where it comes from (default: the meeting's source)"),
        PROJECT,
    ),
)
MINUTES_KIND = Parser(
    "publish a meeting's minutes (draft or approved)",
    "Set the meeting's minutes_status and publish its minutes file; with --from, the text of a "
    "Markdown or plain-text file becomes the minutes.",
    (
        MEETING,
        option("--status", required=True, help="draft or approved"),
        option("--from", dest="text_file", type=Path, metavar="FILE", help="the minutes text"),
        PROJECT,
    ),
)


def _attendance(project: Project, a: argparse.Namespace) -> Change:
    from scrutiny.entry.attendance import Marks, new_attendance

    marks = Marks(
        apologies=_ids(a.apologies),
        absent=_ids(a.absent),
        present=_ids(a.present),
        substitutes=_pairs(a.substitute, "--substitute", "MEMBER=SUBSTITUTE"),
        roles=_pairs(a.role, "--role", "PERSON=ROLE"),
        names=_pairs(a.name, "--name", "PERSON=TEXT"),
    )
    return new_attendance(project, meeting=a.meeting, marks=marks, source=a.source)


def _ids(values: list[str]) -> list[str]:
    """Person ids given as `--present a --present b` or `--present a,b`."""
    return [p.strip() for value in values for p in value.split(",") if p.strip()]


def _pairs(values: list[str], option: str, form: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        left, equals, right = value.partition("=")
        if not equals or not left.strip() or not right.strip():
            raise Refused(
                f"{option} '{value}' is not written as {form}",
                f"For example {option} {form.lower()}.",
                EXIT_USAGE,
            )
        pairs[left.strip()] = right.strip()
    return pairs


def _forward(name: str) -> Handler:
    """Call the entry function `module.function` of scrutiny.entry with the command-line
    options of the same names. It is imported when the subcommand runs: the entry layer loads
    validation, which the other commands can start without."""

    def handle(project: Project, args: argparse.Namespace) -> Change:
        module, _, function = name.rpartition(".")
        entry = getattr(importlib.import_module(f"scrutiny.entry.{module}"), function)
        names = [n for n in inspect.signature(entry).parameters if n != "project"]
        return entry(project, **{n: getattr(args, n) for n in names if hasattr(args, n)})

    return handle


SUBCOMMANDS: dict[str, tuple[Parser, Handler]] = {
    "meeting": (MEETING_KIND, _forward("meetings.new_meeting")),
    "agenda-item": (AGENDA_KIND, _forward("agenda.new_agenda_items")),
    "attendance": (ATTENDANCE_KIND, _attendance),
    "declaration": (DECLARATION_KIND, _forward("declarations.new_declaration")),
    "decision": (DECISION_KIND, _forward("decisions.new_decision")),
    "minutes": (MINUTES_KIND, _forward("meetings.new_minutes")),
    "observation": (OBSERVATION_KIND, _forward("observations.new_observation")),
    "rag-update": (UPDATE_KIND, _forward("updates.new_update")),
}
PARSER = Parser(
    "add a meeting, its agenda, attendance, declarations, decisions, minutes, ...",
    "Add rows to the data, checked and validated; ids are made for you, and nothing is changed if "
    "the result would not be valid.",
    kinds={name: parser for name, (parser, _) in SUBCOMMANDS.items()},
)
