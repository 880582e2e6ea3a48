"""Person pages: roles, meetings attended and an attendance record per committee."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from scrutiny import urls
from scrutiny.model import Attendance, Committee, Model, Person
from scrutiny.outputs import Page
from scrutiny.pages.inputs import Inputs


@dataclass(frozen=True)
class AttendanceRecord:
    """How often a member attended the meetings they were expected at, for one committee.

    A meeting at which a substitute replaced them does not count against them, and a meeting
    of the committee with no attendance recorded at all is "not recorded", not an absence.
    """

    committee: Committee
    attended: int
    apologies: int
    absent: int
    substituted: int
    not_recorded: int

    @property
    def expected(self) -> int:
        return self.attended + self.apologies + self.absent

    @property
    def percent(self) -> int | None:
        """Rounded half up (12.5 is 13), as the database's attendance_rates view does."""
        if not self.expected:
            return None
        return (200 * self.attended + self.expected) // (2 * self.expected)


def attendance_records(model: Model, person: Person) -> list[AttendanceRecord]:
    replaced = model.substituted
    members = model.roles.group("members")
    rows: dict[str, list[Attendance]] = defaultdict(list)
    for a in model.attendance_by_person.get(person.person_id, ()):
        if a.role in members:
            rows[model.meetings[a.meeting_id].committee_id].append(a)
    records = []
    for committee_id, member_rows in sorted(rows.items()):
        substituted: list[Attendance] = []
        counted: list[Attendance] = []
        for a in member_rows:
            was_replaced = a.status != "present" and (a.meeting_id, person.person_id) in replaced
            (substituted if was_replaced else counted).append(a)
        not_recorded = sum(
            1
            for m in model.meetings_by_committee[committee_id]
            if m.status == "held" and not model.attendance_at(m.meeting_id)
        )
        records.append(
            AttendanceRecord(
                committee=model.committees[committee_id],
                attended=sum(a.status == "present" for a in counted),
                apologies=sum(a.status == "apologies" for a in counted),
                absent=sum(a.status == "absent" for a in counted),
                substituted=len(substituted),
                not_recorded=not_recorded,
            )
        )
    return records


def pages(inputs: Inputs) -> Iterator[Page]:
    model = inputs.model
    for person in model.people.values():
        yield person_page(inputs, person)
    kinds = defaultdict(list)
    for person in sorted(model.people.values(), key=lambda p: _surname_key(p.name)):
        kinds[person.kind].append(person)
    yield Page(
        urls.page_file("person"),
        "people_index.html",
        "People",
        {
            "kinds": [
                (k, kinds[k]) for k in ("councillor", "co-optee", "officer", "guest") if kinds[k]
            ]
        },
    )


def one_page(inputs: Inputs, person_id: str) -> Page | None:
    person = inputs.model.people.get(person_id)
    return person_page(inputs, person) if person else None


def person_page(inputs: Inputs, person: Person) -> Page:
    model = inputs.model
    rows = sorted(
        model.attendance_by_person.get(person.person_id, ()),
        key=lambda a: model.meetings[a.meeting_id].date,
        reverse=True,
    )
    return Page(
        urls.page_file("person", person.person_id),
        "person.html",
        person.display_name,
        {
            "person": person,
            "council": model.councils.get(person.council_id or ""),
            "rows": rows,
            "meetings": model.meetings,
            "committees": model.committees,
            "people": model.people,
            "records": attendance_records(model, person),
            "roles": sorted({a.role for a in rows}),
        },
        twin=urls.twin("person", person.person_id),
        searchable=True,
    )


def _surname_key(name: str) -> tuple[str, str]:
    parts = name.split()
    return (parts[-1].lower() if parts else "", name.lower())
