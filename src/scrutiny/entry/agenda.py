"""Agenda items of a meeting, numbered for the officer."""

from __future__ import annotations

from scrutiny.edits import Refused, transaction, valid_project
from scrutiny.entry import VALID, Change
from scrutiny.entry.checks import Known, one_line, parse_time
from scrutiny.problems import EXIT_USAGE


def next_item_number(known: Known, meeting_id: str) -> int:
    """One more than the highest plain number on the meeting's agenda (1 for the first)."""
    numbers = [
        int(r["item_no"])
        for r in known.rows("agenda_items")
        if r["meeting_id"] == meeting_id and r["item_no"].isdigit()
    ]
    return max(numbers, default=0) + 1


def new_agenda_items(
    project,
    *,
    meeting: str,
    titles: list[str],
    item_no: str | None = None,
    minute_no: str | None = None,
    pages: str | None = None,
    part: str | None = None,
    lead: str | None = None,
    time: str | None = None,
    source: str | None = None,
) -> Change:
    """Append one agenda item per title, numbered on from the meeting's last item."""
    if not titles:
        raise Refused("give at least one --title", "For example --title Apologies.", EXIT_USAGE)
    if len(titles) > 1 and any((item_no, minute_no, pages, lead, time)):
        raise Refused(
            "--item-no, --minute-no, --pages, --lead and --time describe one item",
            "Add items that need them one at a time (one --title each).",
            EXIT_USAGE,
        )
    known = Known(project, valid_project(project))
    meeting_row = known.one("meetings", "meeting_id", meeting, "--meeting")
    part = part or known.allowed("agenda_items", "part")[0]
    known.choice("agenda_items", "part", part, "--part")
    existing = {r["item_no"]: r for r in known.rows("agenda_items") if r["meeting_id"] == meeting}
    if item_no and item_no in existing:
        raise Refused(
            f"meeting {meeting} already has an item {item_no} (line "
            f"{existing[item_no]['_line']} of {known.shown('agenda_items')})",
            "Leave out --item-no to number the item after the last one, or choose another.",
        )
    first = next_item_number(known, meeting)
    numbers = [item_no] if item_no else [str(first + n) for n in range(len(titles))]
    source = one_line(source, "--source") or meeting_row["source"]
    rows = [
        {
            "meeting_id": meeting,
            "item_no": number,
            "minute_no": one_line(minute_no, "--minute-no"),
            "title": one_line(title, "--title"),
            "pages": one_line(pages, "--pages").replace(" ", ""),
            "part": part,
            "lead_officers": one_line(lead, "--lead"),
            "time": parse_time(time) if time else "",
            "source": source,
        }
        for number, title in zip(numbers, titles, strict=True)
    ]
    with transaction(project) as edit:
        lines = edit.append_rows(known.table("agenda_items"), rows)
    shown = known.shown("agenda_items")
    return Change(
        [
            f"Added item {r['item_no']}, {r['title']}, to {meeting} on line {line} of {shown}."
            for r, line in zip(rows, lines, strict=True)
        ]
        + [VALID]
    )
