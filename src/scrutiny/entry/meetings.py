"""A new meeting (its row and its minutes file) and, after the meeting, its minutes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scrutiny import ids
from scrutiny.documents import DocumentError, split_front_matter
from scrutiny.edits import Refused, transaction, valid_project
from scrutiny.entry import VALID, Change
from scrutiny.entry.checks import Known, one_line, parse_date, parse_time, yaml_scalar
from scrutiny.incremental.freshness import build_date
from scrutiny.problems import EXIT_USAGE
from scrutiny.project import Project

MINUTES_TEMPLATE = """\
---
meeting_id: {meeting_id}
source: {source}
---
<!--
Write the minutes of {committee} on {date} below this note, in Markdown.
This note is not shown on the website. See docs/writing-minutes.md for the formatting you can
use. When the minutes are written, run
  scrutiny new minutes --meeting {meeting_id} --status draft
(or --status approved once the committee has approved them).
-->

The minutes of this meeting have not been published yet.
"""


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
    known = Known(project, valid_project(project))
    committee_row = known.one("committees", "committee_id", committee, "--committee")
    table = known.table("meetings")
    meeting_id = ids.meeting_id(committee, when.isoformat())
    if found := known.with_key("meetings", meeting_id):
        raise Refused(
            f"there is already a meeting {meeting_id} on line {found['_line']} of "
            f"{known.shown('meetings')}",
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
    known.choice("meetings", "status", status, "--status")
    source = one_line(source, "--source") or project.relative(minutes)
    row = {
        "meeting_id": meeting_id,
        "committee_id": committee,
        "date": when.isoformat(),
        "start_time": start,
        "venue": one_line(venue, "--venue"),
        "status": status,
        "minutes_status": "none",
        "minutes_published": "true",
        "note": one_line(note, "--note"),
        "source": source,
    }
    text = MINUTES_TEMPLATE.format(
        meeting_id=meeting_id,
        source=yaml_scalar(source),
        committee=committee_row.get("name") or committee,
        date=f"{when.day} {when:%B %Y}",
    )
    with transaction(project) as edit:
        line = edit.append_row(table, row)
        edit.create(minutes, text.encode("utf-8"))
    return Change(
        [
            f"Added meeting {meeting_id} ({status}) on line {line} of {known.shown('meetings')}.",
            f"Created {project.relative(minutes)}: write the minutes there.",
            VALID,
        ]
    )


def new_minutes(
    project: Project,
    *,
    meeting: str,
    status: str,
    text_file: Path | None = None,
) -> Change:
    """Record where a meeting's minutes are (draft or approved) and publish them; with a text
    file (Markdown, or plain text saved from Word), that text becomes the minutes."""
    known = Known(project, valid_project(project))
    row = known.one("meetings", "meeting_id", meeting, "--meeting")
    known.choice("meetings", "minutes_status", status, "--status")
    minutes = project.minutes / f"{meeting}.md"
    shown = project.relative(minutes)
    body = _read_text(text_file) if text_file else None
    if body is None and not minutes.exists():
        raise Refused(
            f"{shown} does not exist",
            "Give the minutes with --from FILE (a .md or .txt file), or create the file first.",
            EXIT_USAGE,
        )
    with transaction(project) as edit:
        if body is not None:
            edit.write(minutes, _with_front_matter(minutes, shown, meeting, row, body))
        edit.update_row(
            known.table("meetings"),
            row["_line"],
            {"minutes_status": status, "minutes_published": "true"},
        )
    return Change(
        [
            f"Minutes of {meeting} are {status} and published"
            + (f"; {shown} now holds the text of {text_file}." if body is not None else "."),
            VALID,
        ]
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise Refused(
            f"--from: {path} does not exist", "Check the file name.", EXIT_USAGE
        ) from None
    except UnicodeDecodeError:
        raise Refused(
            f"--from: {path} is not UTF-8 text",
            "In Word, save as 'Plain Text' and choose the Unicode (UTF-8) encoding.",
            EXIT_USAGE,
        ) from None


def _with_front_matter(minutes: Path, shown: str, meeting: str, row: dict, body: str) -> bytes:
    """The new body under the file's existing front matter (or a new one)."""
    meta_text = f"meeting_id: {meeting}\nsource: {yaml_scalar(row['source'])}\n"
    if minutes.exists():
        text = minutes.read_text(encoding="utf-8")
        try:
            split_front_matter(text, shown)
        except DocumentError as error:
            raise Refused(error.problem.message, error.problem.hint) from None
        lines = text.split("\n")
        if lines[0].strip() == "---":
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
            meta_text = "\n".join(lines[1:end]) + "\n"
    _, body = split_front_matter(body, "--from")  # a file with its own front matter: body only
    return f"---\n{meta_text}---\n\n{body.lstrip()}".encode()
