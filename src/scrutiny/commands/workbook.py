"""`scrutiny workbook MEETING_ID`: an .xlsx workbook to fill in a meeting's agenda,
attendance, declarations and decisions in Excel or LibreOffice."""

from __future__ import annotations

import argparse
from pathlib import Path

from scrutiny.commands import EXIT_OK, PROJECT, Parser, option, project_of, refused
from scrutiny.edits import Refused, valid_project
from scrutiny.entry.checks import Known
from scrutiny.workbook.write import make_workbook

PARSER = Parser(
    "make an Excel workbook to fill in a meeting's agenda, attendance and decisions",
    "Write MEETING_ID.xlsx with one sheet each for the agenda, attendance, declarations and "
    "decisions, pre-filled with what the data already holds and with the committee's members. "
    "Fill it in, then run `scrutiny import`.",
    (
        option("meeting", metavar="MEETING_ID", help="the meeting's meeting_id"),
        PROJECT,
        option("--out", type=Path, metavar="FILE", help="default: MEETING_ID.xlsx"),
    ),
)


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    try:
        known = Known(project, valid_project(project))
        meeting = known.one("meetings", "meeting_id", args.meeting, "MEETING_ID")
    except Refused as refusal:
        return refused("scrutiny workbook: ", refusal)
    out = args.out or Path(f"{args.meeting}.xlsx")
    make_workbook(known, meeting).save(out)
    print(f"Wrote {out}. Fill it in, then run: scrutiny import {out}")
    return EXIT_OK
