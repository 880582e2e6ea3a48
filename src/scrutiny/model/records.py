"""The records as immutable typed objects, with their relations resolved once.

Records hold their own fields only; `Model` holds every table and the indexes that answer
"which items are on this meeting's agenda?" so templates never search lists themselves.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields, make_dataclass
from typing import Any, TypeVar

from scrutiny.validate.tables import Rows


@dataclass(frozen=True, slots=True)
class Council:
    council_id: str
    name: str
    website: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Committee:
    committee_id: str
    council_id: str
    name: str
    kind: str
    remit: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    name: str
    honorific: str | None
    kind: str
    council_id: str | None
    position: str | None
    source: str

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.name}" if self.honorific else self.name


@dataclass(frozen=True, slots=True)
class Meeting:
    meeting_id: str
    committee_id: str
    date: dt.date
    start_time: dt.time | None
    venue: str | None
    status: str
    minutes_status: str
    minutes_published: bool
    note: str | None
    source: str


@dataclass(frozen=True, slots=True)
class AgendaItem:
    meeting_id: str
    item_no: str
    minute_no: str | None
    title: str
    pages: str | None
    part: str
    lead_officers: str | None
    time: dt.time | None
    source: str


@dataclass(frozen=True, slots=True)
class Attendance:
    meeting_id: str
    person_id: str
    name_as_written: str
    role: str
    status: str
    substitute_for: str | None
    note: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Declaration:
    meeting_id: str
    item_no: str
    person_id: str
    kind: str
    description: str
    source: str


@dataclass(frozen=True, slots=True)
class Decision:
    decision_id: str
    meeting_id: str
    item_no: str
    sub_point: str | None
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class Report:
    report_id: str
    meeting_id: str
    item_no: str
    title: str
    report_by: str | None
    contact_officer: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Indicator:
    indicator_id: str
    council_id: str
    name: str
    theme: str
    unit: str
    polarity: str
    definition: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Observation:
    indicator_id: str
    period_end: dt.date
    series: str
    value: int | float
    period_label: str | None
    note: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    recommendation_id: str
    council_id: str
    committee_id: str
    origin: str
    origin_title: str | None
    ref: str
    text: str
    made_on: dt.date | None
    lead: str | None
    source: str


@dataclass(frozen=True, slots=True)
class RecommendationUpdate:
    recommendation_id: str
    as_at: dt.date
    rag: str
    commentary: str | None
    source: str


@dataclass(frozen=True, slots=True)
class WorkplanEntry:
    committee_id: str
    plan_version: dt.date
    seq: int
    planned_date: dt.date | None
    date_label: str | None
    topic: str
    lead_officers: str | None
    purpose: str | None
    meeting_id: str | None
    source: str


R = TypeVar("R")


def _record_class(table: str, rows: list[dict[str, Any]]) -> type:
    """A record class for a table with no hand-written one, from its columns (registered in
    this module so its records can be pickled for the worker pool)."""
    name = "".join(part.capitalize() for part in table.replace("-", "_").split("_")) + "Record"
    columns = [c for c in rows[0] if not c.startswith("_")]
    cls = make_dataclass(name, columns, frozen=True, slots=True)
    cls.__module__ = __name__
    setattr(sys.modules[__name__], name, cls)
    return cls


def _records(cls: type[R], rows: Iterable[dict[str, Any]]) -> tuple[R, ...]:
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return tuple(cls(**{n: row.get(n) for n in names}) for row in rows)


def _group(records: Iterable[R], key: str) -> dict[str, tuple[R, ...]]:
    groups: dict[str, list[R]] = defaultdict(list)
    for record in records:
        groups[getattr(record, key)].append(record)
    return {k: tuple(v) for k, v in groups.items()}


def _item_sort_key(item: AgendaItem) -> tuple:
    digits = "".join(ch for ch in item.item_no if ch.isdigit())
    return (item.item_no.startswith("m"), int(digits) if digits else 0, item.item_no)


RECORDS: dict[str, type] = {
    "councils": Council,
    "committees": Committee,
    "people": Person,
    "meetings": Meeting,
    "agenda_items": AgendaItem,
    "attendance": Attendance,
    "declarations": Declaration,
    "decisions": Decision,
    "reports": Report,
    "indicators": Indicator,
    "observations": Observation,
    "recommendations": Recommendation,
    "recommendation_updates": RecommendationUpdate,
    "workplan": WorkplanEntry,
}


class Model:
    """Every table as typed records, and the relations between them.

    The typed rows are consumed: each table's rows are taken out of `rows` as soon as its
    records are made, so a large project is never held twice (a million observations as
    dictionaries and as records)."""

    def __init__(self, rows: Rows) -> None:
        self.tables: dict[str, tuple[Any, ...]] = {}  # records in file order, by table name
        for name, cls in RECORDS.items():
            self.tables[name] = _records(cls, rows.pop(name, []))
        for name in sorted(rows):  # a table added as CSV + schema + package entry
            table = rows.pop(name)
            self.tables[name] = _records(_record_class(name, table), table) if table else ()
        t = self.tables
        self.councils = {c.council_id: c for c in t["councils"]}
        self.committees = {c.committee_id: c for c in t["committees"]}
        self.people = {p.person_id: p for p in t["people"]}
        self.meetings = {
            m.meeting_id: m
            for m in sorted(
                t["meetings"], key=lambda m: (m.date, m.start_time or dt.time(), m.meeting_id)
            )
        }
        self.agenda_items = t["agenda_items"]
        self.attendance = t["attendance"]
        self.declarations = t["declarations"]
        self.decisions = t["decisions"]
        self.reports = t["reports"]
        self.indicators = {i.indicator_id: i for i in t["indicators"]}
        self.observations = t["observations"]
        self.recommendations = {r.recommendation_id: r for r in t["recommendations"]}
        self.recommendation_updates = t["recommendation_updates"]
        self.workplan = t["workplan"]
        self._index()

    def _index(self) -> None:
        self.items_by_meeting = {
            k: tuple(sorted(v, key=_item_sort_key))
            for k, v in _group(self.agenda_items, "meeting_id").items()
        }
        self.attendance_by_meeting = _group(self.attendance, "meeting_id")
        self.attendance_by_person = _group(self.attendance, "person_id")
        self.substituted = frozenset(
            (a.meeting_id, a.substitute_for) for a in self.attendance if a.substitute_for
        )  # (meeting, member) pairs where a substitute replaced the member
        self.declarations_by_meeting = _group(self.declarations, "meeting_id")
        self.declarations_by_person = _group(self.declarations, "person_id")
        self.decisions_by_meeting = _group(self.decisions, "meeting_id")
        self.reports_by_meeting = _group(self.reports, "meeting_id")
        self.meetings_by_committee = _group(self.meetings.values(), "committee_id")
        self.committees_by_council = _group(self.committees.values(), "council_id")
        self.observations_by_indicator = {
            k: tuple(sorted(v, key=lambda o: (o.period_end, o.series)))
            for k, v in _group(self.observations, "indicator_id").items()
        }
        self.updates_by_recommendation = {
            k: tuple(sorted(v, key=lambda u: u.as_at))
            for k, v in _group(self.recommendation_updates, "recommendation_id").items()
        }
        self.workplan_by_committee = _group(self.workplan, "committee_id")

    def committee_of(self, meeting: Meeting) -> Committee:
        return self.committees[meeting.committee_id]

    def council_of(self, committee: Committee) -> Council:
        return self.councils[committee.council_id]

    def items(self, meeting_id: str) -> tuple[AgendaItem, ...]:
        return self.items_by_meeting.get(meeting_id, ())

    def attendance_at(self, meeting_id: str) -> tuple[Attendance, ...]:
        return self.attendance_by_meeting.get(meeting_id, ())

    def decisions_at(self, meeting_id: str) -> tuple[Decision, ...]:
        return self.decisions_by_meeting.get(meeting_id, ())

    def latest_update(self, recommendation_id: str) -> RecommendationUpdate | None:
        updates = self.updates_by_recommendation.get(recommendation_id, ())
        return updates[-1] if updates else None
