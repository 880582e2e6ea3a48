"""A declaration of interest made at a meeting."""

from __future__ import annotations

from scrutiny.edits import Refused, valid_project
from scrutiny.entry import VALID, Change
from scrutiny.entry.checks import Known, one_line
from scrutiny.project import Project


def new_declaration(
    project: Project,
    *,
    meeting: str,
    item: str,
    person: str,
    kind: str,
    description: str,
    source: str | None = None,
) -> Change:
    known = Known(project, valid_project(project))
    meeting_row = known.one("meetings", "meeting_id", meeting, "--meeting")
    known.item(meeting, item)
    known.one("people", "person_id", person, "--person")
    known.choice("declarations", "kind", kind, "--kind")
    shown = known.shown("declarations")
    if r := known.with_key("declarations", meeting, item, person):
        raise Refused(
            f"{person} already has a declaration for item {item} of {meeting} (line "
            f"{r['_line']} of {shown})",
            "Change that row instead: one declaration per person per item.",
        )
    row = {
        "meeting_id": meeting,
        "item_no": item,
        "person_id": person,
        "kind": kind,
        "description": one_line(description, "--description"),
        "source": one_line(source, "--source") or meeting_row["source"],
    }
    line = known.append("declarations", row)
    return Change(
        [f"Added {person}'s {kind} interest in item {item} on line {line} of {shown}.", VALID]
    )
