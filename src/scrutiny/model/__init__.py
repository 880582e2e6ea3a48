"""The model: every table as typed records (see records.py), with relations resolved once.

Records hold their own fields only; `Model` holds every table and the named relations that
answer "which items are on this meeting's agenda?", so templates never search lists themselves.
Vocabularies (the allowed values of a field and their labels) come from the schemas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from scrutiny.model.records import (
    AgendaItem,
    Attendance,
    Committee,
    Council,
    Decision,
    Indicator,
    Meeting,
    Observation,
    Person,
    Recommendation,
    RecommendationUpdate,
    Record,
    make_records,
)
from scrutiny.schema.package import DataPackage
from scrutiny.schema.types import Rows
from scrutiny.schema.vocabulary import Vocabulary

R = TypeVar("R")

__all__ = [
    "AgendaItem",
    "Attendance",
    "Committee",
    "Council",
    "Decision",
    "Indicator",
    "Meeting",
    "Model",
    "Observation",
    "Person",
    "Recommendation",
    "RecommendationUpdate",
    "Record",
]


def _group(records: Iterable[R], key: str) -> dict[str, tuple[R, ...]]:
    groups: dict[str, list[R]] = defaultdict(list)
    for record in records:
        groups[getattr(record, key)].append(record)
    return {k: tuple(v) for k, v in groups.items()}


class Model:
    """Every table as typed records, and the relations between them.

    The typed rows are consumed: each table's rows are taken out of `rows` as soon as its
    records are made, so a large project is never held twice (a million observations as
    dictionaries and as records)."""

    def __init__(self, package: DataPackage, rows: Rows) -> None:
        self.package = package
        # records in file order, by table name: every table the package declares
        self.tables: dict[str, tuple[Any, ...]] = {
            table.name: make_records(table, rows.pop(table.name, [])) for table in package.tables
        }
        t = self.tables
        self.councils = {c.council_id: c for c in t["councils"]}
        self.committees = {c.committee_id: c for c in t["committees"]}
        self.people = {p.person_id: p for p in t["people"]}
        self.meetings = {m.meeting_id: m for m in sorted(t["meetings"], key=lambda m: m.sort_key)}
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
            k: tuple(sorted(v, key=lambda item: item.sort_key))
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

    @property
    def roles(self) -> Vocabulary:
        """Attendance roles in the schema's order, with groups `members` and `officers`."""
        return self.vocabulary("attendance", "role")

    def vocabulary(self, table: str, field: str) -> Vocabulary:
        """The allowed values of a field, their labels and groups, from its schema."""
        return Vocabulary.of(self.package.table(table), field)
