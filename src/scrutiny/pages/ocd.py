"""Meetings as Open Civic Data "Event" records, for tools built on OCD (Open States, pupa).

    data/ocd/events.json                  every meeting, oldest first
    data/ocd/committees/<id>.json         one committee's meetings

Each file is a JSON array of events. The mapping from our tables to OCD fields, and which
fields are required with which types, is in docs/open-civic-data.md; what OCD has no field
for (attendance status, declarations, minutes status, recommendation RAG) is in `extras`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from scrutiny import urls
from scrutiny.config import SiteConfig
from scrutiny.model import Meeting, Model
from scrutiny.model.localtime import meeting_start
from scrutiny.output.jsonfile import record_lines
from scrutiny.outputs import Generated
from scrutiny.pages.inputs import Inputs
from scrutiny.pages.meetings import meeting_title
from scrutiny.urls import site_link

# Stable OCD ids: uuid5 of the meeting id in this namespace (uuid5(NAMESPACE_URL, "scrutiny")).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "scrutiny")
CLASSIFICATION = "committee-meeting"
HTML = "text/html"


def ocd_id(meeting_id: str) -> str:
    return f"ocd-event/{uuid.uuid5(NAMESPACE, meeting_id)}"


def ocd_status(meeting: Meeting, has_agenda: bool, today: dt.date) -> str:
    """OCD's four statuses: cancelled; passed (held, or its date has gone); confirmed (upcoming
    with an agenda published); tentative (upcoming, no agenda yet)."""
    if meeting.status == "cancelled":
        return "cancelled"
    if meeting.status == "held" or meeting.date < today:
        return "passed"
    return "confirmed" if has_agenda else "tentative"


@dataclass(frozen=True)
class Sources:
    """What an event is made from: not the Markdown, only which meetings have minutes, so
    the files are reused when the text of some minutes changed."""

    config: SiteConfig
    model: Model
    today: dt.date
    minuted: frozenset[str]


def pages(inputs: Inputs) -> Iterator[Generated]:
    model = inputs.model
    everything = urls.path("ocd.events")
    meetings = list(model.meetings.values())
    sources = _sources(inputs, meetings)
    yield Generated(everything, events_file, (sources, everything, meetings), coarse=True)
    for committee in model.committees.values():
        path = urls.path("ocd.committee", committee.committee_id)
        meetings = list(model.meetings_by_committee.get(committee.committee_id, ()))
        yield Generated(path, events_file, (_sources(inputs, meetings), path, meetings))


def _sources(inputs: Inputs, meetings: Sequence[Meeting]) -> Sources:
    """What a file's events are made from: which of its own meetings have minutes (so new
    minutes make only the files that list that meeting again)."""
    minuted = frozenset(m.meeting_id for m in meetings if m.meeting_id in inputs.minutes)
    return Sources(inputs.config, inputs.model, inputs.today, minuted)


def events_file(sources: Sources, path: str, meetings: Sequence[Meeting]) -> bytes:
    return record_lines(event(sources, path, m) for m in meetings)  # one event at a time


def event(sources: Sources, path: str, meeting: Meeting) -> dict[str, Any]:
    config, model = sources.config, sources.model
    mid = meeting.meeting_id
    committee = model.committee_of(meeting)
    start = meeting_start(meeting, ZoneInfo(config.timezone))
    page = urls.path("meeting", mid)
    link = lambda target: site_link(config, target, path)  # noqa: E731
    items = model.items(mid)
    return {
        "_type": "event",
        "id": ocd_id(mid),
        "name": meeting_title(model, meeting),
        "description": meeting.note or "",
        "classification": CLASSIFICATION,
        "start_date": start.isoformat(),
        "end_date": None,
        "all_day": not isinstance(start, dt.datetime),
        "status": ocd_status(meeting, bool(items), sources.today),
        "location": {
            "name": meeting.venue or "Not recorded",
            "note": "" if meeting.venue else "The venue is not given in the source documents.",
            "url": None,
            "coordinates": None,
        },
        "participants": participants(model, meeting),
        "agenda": agenda(config, model, meeting, path),
        "documents": documents(model, sources.minuted, meeting, link),
        "media": [],
        "links": [
            {"note": "Meeting page", "url": link(page)},
            {"note": "Meeting data as JSON", "url": link(urls.twin("meeting", mid))},
            {
                "note": f"{committee.name} (committee page)",
                "url": link(urls.path("committee", committee.committee_id)),
            },
        ],
        "sources": [
            {"url": link(page), "note": f"Transcribed from {meeting.source}"},
        ],
        "extras": extras(model, meeting),
    }


def participants(model: Model, meeting: Meeting) -> list[dict[str, Any]]:
    committee = model.committee_of(meeting)
    rows: list[dict[str, Any]] = [
        {
            "name": committee.name,
            "entity_type": "organization",
            "id": committee.committee_id,
            "note": "host",
        }
    ]
    for a in model.attendance_at(meeting.meeting_id):
        note = f"{a.role}, {a.status}"
        if a.substitute_for:
            note += f", substitute for {model.people[a.substitute_for].name}"
        rows.append(
            {
                "name": model.people[a.person_id].name,
                "entity_type": "person",
                "id": a.person_id,
                "note": note,
            }
        )
    return rows


def agenda(config: SiteConfig, model: Model, meeting: Meeting, path: str) -> list[dict[str, Any]]:
    decisions = model.decisions_at(meeting.meeting_id)
    declarations = model.declarations_by_meeting.get(meeting.meeting_id, ())
    result = []
    for item in model.items(meeting.meeting_id):
        notes = []
        if item.part == "exempt":
            notes.append("Exempt item: taken in private.")
        notes += [
            f"{model.people[d.person_id].name} declared a {d.kind} interest: {d.description}"
            for d in declarations
            if d.item_no == item.item_no
        ]
        result.append(
            {
                "description": item.title,
                "order": item.item_no,
                "classification": [],
                "subjects": [],
                "media": [],
                "notes": notes,
                "related_entities": [
                    {
                        "entity_type": "decision",
                        "id": d.decision_id,
                        "name": d.text,
                        "note": f"resolution {d.sub_point}" if d.sub_point else "resolution",
                        "url": site_link(
                            config, urls.decision(meeting.meeting_id, d.decision_id), path
                        ),
                    }
                    for d in decisions
                    if d.item_no == item.item_no
                ],
                "extras": {
                    "item_no": item.item_no,
                    "minute_no": item.minute_no,
                    "part": item.part,
                    "pages": item.pages,
                    "lead_officers": item.lead_officers,
                    "time": item.time.isoformat() if item.time else None,
                    "source": item.source,
                },
            }
        )
    return result


def documents(
    model: Model, minuted: frozenset[str], meeting: Meeting, link: Callable[[str], str]
) -> list[dict[str, Any]]:
    mid = meeting.meeting_id
    page = urls.path("meeting", mid)
    date = meeting.date.isoformat()
    docs = []
    if mid in minuted:
        docs.append(
            {
                "note": f"Minutes ({meeting.minutes_status})",
                "url": link(page + "#minutes"),
                "media_type": HTML,
                "date": date,
            }
        )
    for report in model.reports_by_meeting.get(mid, ()):
        docs.append(
            {
                "note": f"Report: {report.title}",
                "url": link(f"{page}#report-{report.report_id}"),
                "media_type": HTML,
                "date": date,
            }
        )
    return docs


def extras(model: Model, meeting: Meeting) -> dict[str, Any]:
    mid = meeting.meeting_id
    committee = model.committee_of(meeting)
    return {
        "meeting_id": mid,
        "committee_id": committee.committee_id,
        "council_id": committee.council_id,
        "meeting_status": meeting.status,
        "minutes_status": meeting.minutes_status,
        "minutes_published": meeting.minutes_published,
        "start_time_known": meeting.start_time is not None,
        "source": meeting.source,
        "attendance": [
            {
                "person_id": a.person_id,
                "name": model.people[a.person_id].name,
                "name_as_written": a.name_as_written,
                "role": a.role,
                "status": a.status,
                "substitute_for": a.substitute_for,
                "note": a.note,
            }
            for a in model.attendance_at(mid)
        ],
        "declarations": [
            {
                "item_no": d.item_no,
                "person_id": d.person_id,
                "kind": d.kind,
                "description": d.description,
            }
            for d in model.declarations_by_meeting.get(mid, ())
        ],
        "recommendations": recommendation_rags(model, meeting),
    }


def recommendation_rags(model: Model, meeting: Meeting) -> list[dict[str, Any]]:
    """The committee's tracked recommendations and their latest RAG rating as at the meeting's
    date (those with no rating by then are left out)."""
    rows = []
    for rec in model.recommendations.values():
        if rec.committee_id != meeting.committee_id:
            continue
        updates = [
            u
            for u in model.updates_by_recommendation.get(rec.recommendation_id, ())
            if u.as_at <= meeting.date
        ]
        if updates:
            rows.append(
                {
                    "recommendation_id": rec.recommendation_id,
                    "ref": rec.ref,
                    "rag": updates[-1].rag,
                    "as_at": updates[-1].as_at.isoformat(),
                }
            )
    return rows
