"""JSON twins: each meeting, committee, person, indicator and recommendation page has its data
as JSON beside it, at `<family>/<id>.json` next to `<family>/<id>/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import Any

from scrutiny.jsonout import document
from scrutiny.model import Model
from scrutiny.pages.inputs import Inputs
from scrutiny.render import File
from scrutiny.typed import to_json


def record(obj: Any) -> dict[str, Any]:
    return {f.name: to_json(getattr(obj, f.name)) for f in fields(obj)}


def _file(path: str, data: dict[str, Any]) -> File:
    return File(path, document(data))


def meeting_json(model: Model, meeting_id: str, minutes_html: str | None) -> dict[str, Any]:
    meeting = model.meetings[meeting_id]
    return record(meeting) | {
        "url": f"meetings/{meeting_id}/",
        "committee": record(model.committee_of(meeting)),
        "agenda_items": [record(i) for i in model.items(meeting_id)],
        "attendance": [
            record(a) | {"name": model.people[a.person_id].name}
            for a in model.attendance_at(meeting_id)
        ],
        "declarations": [record(d) for d in model.declarations_by_meeting.get(meeting_id, ())],
        "decisions": [record(d) for d in model.decisions_at(meeting_id)],
        "reports": [record(r) for r in model.reports_by_meeting.get(meeting_id, ())],
        "minutes_html": minutes_html,
    }


def pages(inputs: Inputs) -> Iterator[File]:
    model = inputs.model
    for meeting_id in model.meetings:
        minutes = inputs.minutes.get(meeting_id)
        yield _file(
            f"meetings/{meeting_id}.json",
            meeting_json(model, meeting_id, minutes.html if minutes else None),
        )
    for committee_id, committee in model.committees.items():
        yield _file(
            f"committees/{committee_id}.json",
            record(committee)
            | {
                "url": f"committees/{committee_id}/",
                "meetings": [
                    m.meeting_id for m in model.meetings_by_committee.get(committee_id, ())
                ],
                "workplan": [record(e) for e in model.workplan_by_committee.get(committee_id, ())],
            },
        )
    for person_id, person in model.people.items():
        yield _file(
            f"people/{person_id}.json",
            record(person)
            | {
                "url": f"people/{person_id}/",
                "attendance": [record(a) for a in model.attendance_by_person.get(person_id, ())],
            },
        )
    for indicator_id, indicator in model.indicators.items():
        yield _file(
            f"indicators/{indicator_id}.json",
            record(indicator)
            | {
                "url": f"indicators/{indicator_id}/",
                "observations": [
                    record(o) for o in model.observations_by_indicator.get(indicator_id, ())
                ],
            },
        )
    for rec_id, rec in model.recommendations.items():
        yield _file(
            f"recommendations/{rec_id}.json",
            record(rec)
            | {
                "url": f"recommendations/{rec_id}/",
                "updates": [record(u) for u in model.updates_by_recommendation.get(rec_id, ())],
            },
        )
