"""The model: every table as typed records (see records.py), with relations resolved once.

Records hold their own fields only; `Model` holds every table and the named relations that
answer "which items are on this meeting's agenda?", so templates never search lists themselves.
Vocabularies (the allowed values of a field and their labels) come from the schemas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
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
    "METHOD_READS",
    "RELATIONS",
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
    "reads_by_attribute",
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
    dictionaries and as records).

    Given the `previous` model, only the tables in `rows` are made again, with the relations
    that come from them; the other tables are the previous model's (the preview after an
    edit, preview/live.py). A table's records in `ready` are taken as they are (the preview
    made them again only for the rows that changed, validate/retype.py)."""

    def __init__(
        self,
        package: DataPackage,
        rows: Rows,
        previous: Model | None = None,
        ready: Mapping[str, tuple[Any, ...]] | None = None,
    ) -> None:
        self.package = package
        changed = set(rows) if previous is not None else None
        ready = ready or {}
        # records in file order, by table name: every table the package declares
        self.tables: dict[str, tuple[Any, ...]] = {
            table.name: ready.get(table.name) or make_records(table, rows.pop(table.name, []))
            if previous is None or table.name in rows
            else previous.tables[table.name]
            for table in package.tables
        }
        for name in ready:
            rows.pop(name, None)
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
        for name, (table, relate) in RELATIONS.items():
            kept = changed is not None and table not in changed
            setattr(self, name, getattr(previous, name) if kept else relate(self))

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


def _sorted_groups(records: Iterable[R], key: str, order: Callable[[R], Any]) -> dict:
    return {k: tuple(sorted(v, key=order)) for k, v in _group(records, key).items()}


# The named relations: attribute -> (the table it comes from, how it is made).
RELATIONS: dict[str, tuple[str, Callable[[Model], Any]]] = {
    "items_by_meeting": (
        "agenda_items",
        lambda m: _sorted_groups(m.agenda_items, "meeting_id", lambda i: i.sort_key),
    ),
    "attendance_by_meeting": ("attendance", lambda m: _group(m.attendance, "meeting_id")),
    "attendance_by_person": ("attendance", lambda m: _group(m.attendance, "person_id")),
    # (meeting, member) pairs where a substitute replaced the member
    "substituted": (
        "attendance",
        lambda m: frozenset(
            (a.meeting_id, a.substitute_for) for a in m.attendance if a.substitute_for
        ),
    ),
    "declarations_by_meeting": ("declarations", lambda m: _group(m.declarations, "meeting_id")),
    "declarations_by_person": ("declarations", lambda m: _group(m.declarations, "person_id")),
    "decisions_by_meeting": ("decisions", lambda m: _group(m.decisions, "meeting_id")),
    "reports_by_meeting": ("reports", lambda m: _group(m.reports, "meeting_id")),
    "meetings_by_committee": ("meetings", lambda m: _group(m.meetings.values(), "committee_id")),
    # meeting -> its place among its committee's meetings (after meetings_by_committee)
    "place_in_committee": (
        "meetings",
        lambda m: {
            meeting.meeting_id: place
            for meetings in m.meetings_by_committee.values()
            for place, meeting in enumerate(meetings)
        },
    ),
    "committees_by_council": ("committees", lambda m: _group(m.committees.values(), "council_id")),
    "observations_by_indicator": (
        "observations",
        lambda m: _sorted_groups(
            m.observations, "indicator_id", lambda o: (o.period_end, o.series)
        ),
    ),
    "updates_by_recommendation": (
        "recommendation_updates",
        lambda m: _sorted_groups(m.recommendation_updates, "recommendation_id", lambda u: u.as_at),
    ),
    "workplan_by_committee": ("workplan", lambda m: _group(m.workplan, "committee_id")),
}


# The tables each method of Model reads (incremental/graph.py replays a recorded call only
# when one of them changed); tests/test_incremental.py checks them against the code.
METHOD_READS: dict[str, tuple[str, ...]] = {
    "committee_of": ("committees",),
    "council_of": ("councils",),
    "items": ("agenda_items",),
    "attendance_at": ("attendance",),
    "decisions_at": ("decisions",),
    "latest_update": ("recommendation_updates",),
    "roles": ("attendance",),  # a table's version holds its schema, where the roles are
}


def reads_by_attribute(model: Model) -> dict[str, tuple[str, ...]]:
    """Which tables a read of each attribute of the model depends on: a table's own records,
    a relation (its table in RELATIONS), a method (METHOD_READS), and `tables` by the table
    it names ("*"). A read of anything else depends on the whole model."""
    reads = {t.name: (t.name,) for t in model.package.tables if t.name in vars(model)}
    reads |= {name: (table,) for name, (table, _) in RELATIONS.items()}
    return reads | METHOD_READS | {"tables": ("*",)}
