"""A decision (resolution) of a meeting, with its decision_id made from the meeting, the item
and the sub-point."""

from __future__ import annotations

from scrutiny import ids
from scrutiny.edits import Refused, valid_project
from scrutiny.entry import VALID, Change
from scrutiny.entry.checks import Known, one_line
from scrutiny.project import Project


def next_decision_id(known: Known, meeting: str, item_no: str, sub_point: str) -> str:
    """The id for a new decision; without a sub-point, the first free -1, -2, ..."""
    taken = {r["decision_id"] for r in known.rows("decisions")}
    number = 1
    while (made := ids.decision_id(meeting, item_no, sub_point, number)) in taken and not ids.slug(
        sub_point
    ):
        number += 1
    return made


def new_decision(
    project: Project,
    *,
    meeting: str,
    item: str,
    text: str,
    sub_point: str | None = None,
    source: str | None = None,
) -> Change:
    known = Known(project, valid_project(project))
    meeting_row = known.one("meetings", "meeting_id", meeting, "--meeting")
    known.item(meeting, item)
    sub_point = one_line(sub_point, "--sub-point")
    decision_id = next_decision_id(known, meeting, item, sub_point)
    shown = known.shown("decisions")
    if r := known.with_key("decisions", decision_id):
        raise Refused(
            f"item {item} of {meeting} already has a decision with sub-point "
            f"'{sub_point}' ({decision_id}, line {r['_line']} of {shown})",
            "Give the sub-point as printed in the minutes (i, ii, a, b, ...), or change "
            "that row if it is wrong.",
        )
    row = {
        "decision_id": decision_id,
        "meeting_id": meeting,
        "item_no": item,
        "sub_point": sub_point,
        "text": one_line(text, "--text"),
        "source": one_line(source, "--source") or meeting_row["source"],
    }
    line = known.append("decisions", row)
    return Change([f"Added decision {decision_id} on line {line} of {shown}.", VALID])
