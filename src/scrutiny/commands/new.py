"""`scrutiny new ...`: officers add what a meeting has, without writing ids or typing CSV.

Each subcommand checks its input against the project (the ids exist, with "did you mean" when
they don't; the values are ones the schema allows), adds its rows, and validates the whole
project again; if the project would not be valid, every file is put back exactly as it was
(`scrutiny.edits`). The work is done in `scrutiny.entry`; this module is the command line.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Callable
from pathlib import Path

from scrutiny.commands import EXIT_OK, EXIT_USAGE, add_project_argument, project_of
from scrutiny.edits import Refused
from scrutiny.entry import Change
from scrutiny.entry.agenda import new_agenda_items
from scrutiny.entry.attendance import Marks, new_attendance
from scrutiny.entry.decisions import new_decision
from scrutiny.entry.declarations import new_declaration
from scrutiny.entry.meetings import new_meeting, new_minutes
from scrutiny.entry.observations import new_observation
from scrutiny.entry.updates import new_update
from scrutiny.problems import format_problems
from scrutiny.project import Project

__all__ = ["add_parser", "new_meeting", "new_observation", "run"]

MEETING_HELP = "the meeting's meeting_id (see datasets/meetings.csv)"
SOURCE_HELP = "where this comes from (default: the meeting's source)"


def add_parser(commands: argparse._SubParsersAction) -> None:
    new = commands.add_parser(
        "new",
        help="add a meeting, its agenda, attendance, declarations, decisions, minutes, ...",
        description="Add rows to the data, checked and validated; ids are made for you, and "
        "nothing is changed if the result would not be valid.",
    )
    kinds = new.add_subparsers(dest="what", required=True, metavar="WHAT")
    for name, (adder, _) in SUBCOMMANDS.items():
        parser = adder(kinds, name)
        add_project_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Carry out `scrutiny new ...`; print what happened, or why nothing did."""
    project = project_of(args)
    try:
        change = SUBCOMMANDS[args.what][1](project, args)
    except Refused as refused:
        print(f"scrutiny new {args.what}: nothing was changed: {refused.message}", file=sys.stderr)
        if refused.hint:
            print(f"    how to fix: {refused.hint}", file=sys.stderr)
        if refused.problems:
            print(format_problems(refused.problems, "text"), file=sys.stderr)
        return refused.code
    print("\n".join(change.lines))
    return EXIT_OK


# --- one parser and one call per kind --------------------------------------------------------


def _meeting_parser(kinds: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    p = kinds.add_parser(
        name,
        help="add a meeting and create its minutes file",
        description="Add a meeting to datasets/meetings.csv (its id is the committee id and the "
        "date) and create content/minutes/<meeting_id>.md to write the minutes in.",
    )
    p.add_argument("--committee", required=True, metavar="ID", help="the committee_id")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="date of the meeting")
    p.add_argument("--time", metavar="HH:MM", help="start time, 24-hour clock (e.g. 14:00)")
    p.add_argument("--venue", help="where it is held, as written in the agenda")
    p.add_argument(
        "--status",
        help="held, scheduled, ... (default: scheduled if the date is after today, otherwise held)",
    )
    p.add_argument(
        "--source",
        help="where the details come from, e.g. the agenda's web address (default: the new "
        "minutes file)",
    )
    p.add_argument("--note", help="a note about the row, if anything needs explaining")
    return p


def _observation_parser(kinds: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    p = kinds.add_parser(
        name,
        help="add a value of a performance indicator (KPI)",
        description="Add a value to datasets/observations.csv.",
    )
    p.add_argument("--indicator", required=True, metavar="ID", help="the indicator_id")
    p.add_argument(
        "--period-end", required=True, metavar="YYYY-MM-DD", help="last day of the period"
    )
    p.add_argument(
        "--value", required=True, metavar="N", help="a plain number such as 21 or 52.5 (no %%)"
    )
    p.add_argument("--series", default="actual", help="actual (default), target, baseline, ...")
    p.add_argument("--label", help="the period as the report words it, e.g. 2016/17")
    p.add_argument(
        "--source",
        required=True,
        help="where the value comes from: a report's web address, or file.txt:LINE",
    )
    p.add_argument("--note", help="a note about the value, if anything needs explaining")
    return p


def _agenda_parser(kinds: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    p = kinds.add_parser(
        name,
        help="add items to a meeting's agenda (numbered for you)",
        description="Add agenda items to datasets/agenda_items.csv, numbered on from the "
        "meeting's last item. Give --title once per item, in order.",
    )
    p.add_argument("--meeting", required=True, metavar="ID", help=MEETING_HELP)
    p.add_argument(
        "--title", dest="titles", action="append", default=[], help="the item's title as printed"
    )
    p.add_argument("--item-no", help="the item's number, if not the next one (e.g. 4a)")
    p.add_argument("--minute-no", help="the minute number, where the minutes number it apart")
    p.add_argument("--pages", help="pages in the agenda pack, e.g. 5-8")
    p.add_argument("--part", help="public (default) or exempt")
    p.add_argument("--lead", help="lead officers, separated by '; '")
    p.add_argument("--time", metavar="HH:MM", help="the time the item is scheduled for")
    p.add_argument("--source", help=SOURCE_HELP)
    return p


def _attendance_parser(kinds: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    p = kinds.add_parser(
        name,
        help="record who attended a meeting, the whole committee in one step",
        description="Add a row for every member of the committee (see `scrutiny members`), "
        "present unless named with --apologies, --absent or --substitute, and rows for "
        "substitutes and anyone else named with --present. If the meeting already has "
        "attendance, only the people named are added. Person ids are in datasets/people.csv.",
    )
    p.add_argument("--meeting", required=True, metavar="ID", help=MEETING_HELP)
    many = {"action": "append", "default": [], "metavar": "PERSON[,PERSON...]"}
    p.add_argument("--apologies", **many, help="members (or others) who sent apologies")
    p.add_argument("--absent", **many, help="members absent without apologies")
    p.add_argument(
        "--present", **many, help="others who attended: officers, cabinet members, guests"
    )
    pairs = {"action": "append", "default": []}
    p.add_argument(
        "--substitute",
        **pairs,
        metavar="MEMBER=SUBSTITUTE",
        help="a member replaced by a substitute, e.g. joe-cooney=matthew-salter when Matthew "
        "Salter replaced Joe Cooney (the member's row says absent unless also in --apologies)",
    )
    p.add_argument(
        "--role",
        **pairs,
        metavar="PERSON=ROLE",
        help="a role other than the usual one, e.g. ann-able=chair, dee-dean=officer",
    )
    p.add_argument(
        "--name",
        **pairs,
        metavar="PERSON=TEXT",
        help="the name as the minutes write it, if not as in people.csv, e.g. 'h-khan=H Khan'",
    )
    p.add_argument("--source", help=SOURCE_HELP)
    return p


def _attendance(project: Project, a: argparse.Namespace) -> Change:
    marks = Marks(
        apologies=_ids(a.apologies),
        absent=_ids(a.absent),
        present=_ids(a.present),
        substitutes=_pairs(a.substitute, "--substitute", "MEMBER=SUBSTITUTE"),
        roles=_pairs(a.role, "--role", "PERSON=ROLE"),
        names=_pairs(a.name, "--name", "PERSON=TEXT"),
    )
    return new_attendance(project, meeting=a.meeting, marks=marks, source=a.source)


def _declaration_parser(kinds: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    p = kinds.add_parser(
        name,
        help="record a declaration of interest",
        description="Add a declaration to datasets/declarations.csv.",
    )
    p.add_argument("--meeting", required=True, metavar="ID", help=MEETING_HELP)
    p.add_argument("--item", required=True, metavar="NO", help="the agenda item number")
    p.add_argument("--person", required=True, metavar="ID", help="who declared (person_id)")
    p.add_argument("--kind", required=True, help="the kind of interest, e.g. personal")
    p.add_argument("--description", required=True, help="the interest as the minutes record it")
    p.add_argument("--source", help=SOURCE_HELP)
    return p


def _decision_parser(kinds: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    p = kinds.add_parser(
        name,
        help="record a decision (resolution); its decision_id is made for you",
        description="Add a decision to datasets/decisions.csv. The decision_id is the meeting "
        "id, the item and the sub-point (or 1, 2, ... when the resolution has no sub-point).",
    )
    p.add_argument("--meeting", required=True, metavar="ID", help=MEETING_HELP)
    p.add_argument("--item", required=True, metavar="NO", help="the agenda item number")
    p.add_argument("--sub-point", help="the sub-point as printed (i, ii, a, 1, ...), if any")
    p.add_argument("--text", required=True, help="the resolution, word for word")
    p.add_argument("--source", help=SOURCE_HELP)
    return p


def _update_parser(kinds: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    p = kinds.add_parser(
        name,
        help="record a progress update (RAG rating) on a tracked recommendation",
        description="Add an update to datasets/recommendation_updates.csv.",
    )
    p.add_argument("--recommendation", required=True, metavar="ID", help="the recommendation_id")
    p.add_argument("--rag", required=True, help="the rating: red, amber, green, complete, ...")
    p.add_argument("--meeting", metavar="ID", help="the meeting it was reported to (its date)")
    p.add_argument("--as-at", metavar="YYYY-MM-DD", help="the update's date, without --meeting")
    p.add_argument("--commentary", help="the progress commentary as written")
    p.add_argument("--source", help="where it comes from (default: the meeting's source)")
    return p


def _minutes_parser(kinds: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    p = kinds.add_parser(
        name,
        help="publish a meeting's minutes (draft or approved)",
        description="Set the meeting's minutes_status and publish its minutes file; with "
        "--from, the text of a Markdown or plain-text file becomes the minutes.",
    )
    p.add_argument("--meeting", required=True, metavar="ID", help=MEETING_HELP)
    p.add_argument("--status", required=True, help="draft or approved")
    p.add_argument("--from", dest="text_file", type=Path, metavar="FILE", help="the minutes text")
    return p


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


def _forward(entry: Callable[..., Change]) -> Callable[[Project, argparse.Namespace], Change]:
    """Call an entry function with the command-line options of the same names."""
    names = [n for n in inspect.signature(entry).parameters if n != "project"]
    return lambda project, args: entry(
        project, **{n: getattr(args, n) for n in names if hasattr(args, n)}
    )


Parser = Callable[[argparse._SubParsersAction, str], argparse.ArgumentParser]
SUBCOMMANDS: dict[str, tuple[Parser, Callable[[Project, argparse.Namespace], Change]]] = {
    "meeting": (_meeting_parser, _forward(new_meeting)),
    "agenda-item": (_agenda_parser, _forward(new_agenda_items)),
    "attendance": (_attendance_parser, _attendance),
    "declaration": (_declaration_parser, _forward(new_declaration)),
    "decision": (_decision_parser, _forward(new_decision)),
    "minutes": (_minutes_parser, _forward(new_minutes)),
    "observation": (_observation_parser, _forward(new_observation)),
    "rag-update": (_update_parser, _forward(new_update)),
}
