"""A progress update (RAG rating) on a tracked recommendation."""

from __future__ import annotations

from scrutiny.edits import Refused, valid_project
from scrutiny.entry import VALID, Change
from scrutiny.entry.checks import Known, one_line, parse_date
from scrutiny.problems import EXIT_USAGE
from scrutiny.project import Project


def new_update(
    project: Project,
    *,
    recommendation: str,
    rag: str,
    as_at: str | None = None,
    meeting: str | None = None,
    commentary: str | None = None,
    source: str | None = None,
) -> Change:
    """Append an update; with --meeting, its date and source are the meeting's."""
    if bool(as_at) == bool(meeting):
        raise Refused(
            "give either --as-at DATE or --meeting ID",
            "--meeting takes the date and the source from the meeting the update was reported "
            "to; --as-at sets the date yourself (then --source is needed).",
            EXIT_USAGE,
        )
    when = parse_date(as_at, "--as-at") if as_at else None
    known = Known(project, valid_project(project))
    known.one("recommendations", "recommendation_id", recommendation, "--recommendation")
    known.choice("recommendation_updates", "rag", rag, "--rag")
    if meeting:
        meeting_row = known.one("meetings", "meeting_id", meeting, "--meeting")
        when = meeting_row["date"]
        source = one_line(source, "--source") or meeting_row["source"]
    source = one_line(source, "--source")
    if not source:
        raise Refused(
            "--source is needed with --as-at",
            "Name the report the update comes from: its web address, or file.txt:LINE.",
            EXIT_USAGE,
        )
    shown = known.shown("recommendation_updates")
    if r := known.with_key("recommendation_updates", recommendation, when):
        raise Refused(
            f"{recommendation} already has an update on {when.isoformat()} (line "
            f"{r['_line']} of {shown})",
            "Change that row instead of adding another for the same day.",
        )
    row = {
        "recommendation_id": recommendation,
        "as_at": when.isoformat(),
        "rag": rag,
        "commentary": one_line(commentary, "--commentary"),
        "source": source,
    }
    line = known.append("recommendation_updates", row)
    return Change([f"Added a {rag} update for {recommendation} on line {line} of {shown}.", VALID])
