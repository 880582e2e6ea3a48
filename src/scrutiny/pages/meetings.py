"""Meeting pages: agenda, attendance, declarations, decisions, reports and minutes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from scrutiny import urls
from scrutiny.documents import DocumentOf
from scrutiny.model import Attendance, Meeting, Model
from scrutiny.outputs import Page
from scrutiny.pages.inputs import Inputs


@dataclass(frozen=True)
class AttendanceGroups:
    present: list[Attendance]
    substitutes: list[Attendance]
    apologies: list[Attendance]
    absent: list[Attendance]
    officers: list[Attendance]

    @property
    def recorded(self) -> bool:
        return any((self.present, self.substitutes, self.apologies, self.absent, self.officers))


def group_attendance(model: Model, meeting_id: str) -> AttendanceGroups:
    roles = model.roles
    rows = sorted(
        model.attendance_at(meeting_id),
        key=lambda a: (roles.order(a.role), model.people[a.person_id].name),
    )
    present = [a for a in rows if a.status == "present"]
    return AttendanceGroups(
        present=[a for a in present if a.role in roles.group("members")],
        substitutes=[a for a in present if a.role == "substitute"],
        apologies=[a for a in rows if a.status == "apologies"],
        absent=[a for a in rows if a.status == "absent"],
        officers=[a for a in present if a.role in roles.group("officers")],
    )


def meeting_title(model: Model, meeting: Meeting) -> str:
    committee = model.committee_of(meeting)
    return f"{committee.name}, {meeting.date.day} {meeting.date:%B %Y}"


def pages(inputs: Inputs) -> Iterator[Page]:
    model = inputs.model
    by_year = defaultdict(list)
    for meeting in model.meetings.values():
        by_year[meeting.date.year].append(meeting)
        yield meeting_page(inputs, meeting)
    yield Page(
        urls.page_file("meeting"),
        "meetings_index.html",
        "Meetings",
        {"years": sorted(by_year.items(), reverse=True), "model": model},
    )


def one_page(inputs: Inputs, meeting_id: str) -> Page | None:
    meeting = inputs.model.meetings.get(meeting_id)
    return meeting_page(inputs, meeting) if meeting else None


def meeting_page(inputs: Inputs, meeting: Meeting) -> Page:
    model = inputs.model
    committee = model.committee_of(meeting)
    decisions = defaultdict(list)
    for decision in model.decisions_at(meeting.meeting_id):
        decisions[decision.item_no].append(decision)
    reports = defaultdict(list)
    for report in model.reports_by_meeting.get(meeting.meeting_id, ()):
        reports[report.item_no].append(report)
    siblings = model.meetings_by_committee[committee.committee_id]
    index = model.place_in_committee[meeting.meeting_id]
    return Page(
        urls.page_file("meeting", meeting.meeting_id),
        "meeting.html",
        meeting_title(model, meeting),
        {
            "meeting": meeting,
            "committee": committee,
            "council": model.council_of(committee),
            "items": model.items(meeting.meeting_id),
            "decisions": decisions,
            "reports": reports,
            "report_docs": inputs.reports,
            "attendance": group_attendance(model, meeting.meeting_id),
            "declarations": model.declarations_by_meeting.get(meeting.meeting_id, ()),
            "people": model.people,
            "minutes": DocumentOf(inputs.minutes, meeting.meeting_id),
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        },
        twin=urls.twin("meeting", meeting.meeting_id),
        searchable=True,
    )
