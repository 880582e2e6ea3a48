"""Committee pages: remit, members, meetings by year and the work programme."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from scrutiny import urls
from scrutiny.model import Committee, Model
from scrutiny.outputs import Page
from scrutiny.pages.inputs import Inputs


def members(model: Model, committee: Committee) -> list[tuple[str, str]]:
    """Members and their latest role, from the most recent meeting that recorded attendance."""
    roles = model.roles
    for meeting in reversed(model.meetings_by_committee.get(committee.committee_id, ())):
        rows = [
            a for a in model.attendance_at(meeting.meeting_id) if a.role in roles.group("members")
        ]
        if rows:
            rows.sort(key=lambda a: (roles.order(a.role), model.people[a.person_id].name))
            return [(a.person_id, a.role) for a in rows]
    return []


def pages(inputs: Inputs) -> Iterator[Page]:
    model = inputs.model
    for committee in model.committees.values():
        meetings = model.meetings_by_committee.get(committee.committee_id, ())
        by_year = defaultdict(list)
        for meeting in reversed(meetings):
            by_year[meeting.date.year].append(meeting)
        plans = defaultdict(list)
        for entry in model.workplan_by_committee.get(committee.committee_id, ()):
            plans[entry.plan_version].append(entry)
        yield Page(
            urls.page_file("committee", committee.committee_id),
            "committee.html",
            committee.name,
            {
                "committee": committee,
                "council": model.council_of(committee),
                "members": members(model, committee),
                "people": model.people,
                "years": sorted(by_year.items(), reverse=True),
                "plans": sorted(
                    ((v, sorted(e, key=lambda x: x.seq)) for v, e in plans.items()), reverse=True
                ),
                "meetings": model.meetings,
                "today": inputs.today,
            },
            twin=urls.twin("committee", committee.committee_id),
            searchable=True,
        )
    yield Page(
        urls.page_file("committee"),
        "committees_index.html",
        "Committees",
        {
            "councils": [
                (c, model.committees_by_council.get(c.council_id, ()))
                for c in model.councils.values()
            ],
            "model": model,
        },
    )
