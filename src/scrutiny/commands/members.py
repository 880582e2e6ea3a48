"""`scrutiny members COMMITTEE`: the committee's members and their person ids."""

from __future__ import annotations

import argparse

from scrutiny.commands import EXIT_OK, PROJECT, Parser, option, project_of, refused
from scrutiny.edits import Refused, valid_project
from scrutiny.entry.checks import Known
from scrutiny.entry.members import membership

PARSER = Parser(
    "list a committee's members with their ids",
    "List the members of a committee, as recorded at its latest meeting with attendance, with "
    "the person_id to use in `scrutiny new attendance`.",
    (option("committee", metavar="COMMITTEE", help="the committee_id"), PROJECT),
)


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    try:
        known = Known(project, valid_project(project))
        known.one("committees", "committee_id", args.committee, "COMMITTEE")
    except Refused as refusal:
        return refused("scrutiny members: ", refusal)
    found = membership(known.checked.package, known.checked.rows, args.committee)
    if found.meeting_id is None:
        print(
            f"No members are recorded for {args.committee} yet: none of its meetings has "
            "attendance. Record the first meeting's attendance with `scrutiny new attendance "
            "--present ...` and its members are known from then on."
        )
        return EXIT_OK
    width = max(len(m.person_id) for m in found.members)
    print(f"Members of {args.committee}, as recorded at {found.meeting_id}:")
    for m in found.members:
        print(f"  {m.person_id:<{width}}  {m.name} ({m.role})")
    return EXIT_OK
