"""The model: every table as typed records (see records.py), with relations resolved once.

Records hold their own fields only; `Model` holds every table and the named relations that
answer "which items are on this meeting's agenda?", so templates never search lists themselves.
Vocabularies (the allowed values of a field and their labels) come from the schemas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import compress, count
from operator import attrgetter, is_not
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

        def kept(table: str, make: Callable[[], Any]) -> Any:
            """The previous model's index of an unchanged table, or a new one."""
            unchanged = changed is not None and table not in changed
            return getattr(previous, table) if unchanged else make()

        self.councils = kept("councils", lambda: {c.council_id: c for c in t["councils"]})
        self.committees = kept("committees", lambda: {c.committee_id: c for c in t["committees"]})
        self.people = kept("people", lambda: {p.person_id: p for p in t["people"]})
        self.meetings = kept(
            "meetings",
            lambda: {m.meeting_id: m for m in sorted(t["meetings"], key=lambda m: m.sort_key)},
        )
        self.agenda_items = t["agenda_items"]
        self.attendance = t["attendance"]
        self.declarations = t["declarations"]
        self.decisions = t["decisions"]
        self.reports = t["reports"]
        self.indicators = kept("indicators", lambda: {i.indicator_id: i for i in t["indicators"]})
        self.observations = t["observations"]
        self.recommendations = kept(
            "recommendations", lambda: {r.recommendation_id: r for r in t["recommendations"]}
        )
        self.recommendation_updates = t["recommendation_updates"]
        self.workplan = t["workplan"]
        replaced = _replaced(previous, ready) if previous is not None else {}
        for name, (table, relate) in RELATIONS.items():
            if changed is not None and table not in changed:
                setattr(self, name, getattr(previous, name))
                continue
            value = None
            if isinstance(relate, Grouping) and table in replaced:
                value = relate.updated(getattr(previous, name), self, replaced[table])
            setattr(self, name, relate(self) if value is None else value)

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


def _replaced(previous: Model, ready: Mapping[str, tuple[Any, ...]]) -> dict[str, list]:
    """For each table given `ready`, the (previous, new) records at the places where they
    differ, when the table has as many records as before."""
    found = {}
    for name, records in ready.items():
        before = previous.tables[name]
        if len(before) == len(records):
            places = compress(count(), map(is_not, before, records))
            found[name] = [(before[i], records[i]) for i in places]
    return found


@dataclass(frozen=True)
class Grouping:
    """A relation that groups the records of a model's attribute by one of their fields, in
    the attribute's order (or sorted by `order` within each group)."""

    records: str  # the model's attribute: a table's records, or a dict of them
    key: str
    order: Callable[[Any], Any] | None = None

    def __call__(self, model: Model) -> dict:
        return self._grouped(self._records(model))

    def updated(self, groups: dict, model: Model, replaced: list) -> dict | None:
        """The groups after records were replaced by others of the same group (the preview's
        edit of a few rows): only those groups are made again. None when a record moved to
        another group (the relation is then made whole)."""
        field = attrgetter(self.key)
        if any(field(old) != field(new) for old, new in replaced):
            return None
        affected = {field(new) for _, new in replaced}
        records = self._records(model)
        members = compress(records, map(affected.__contains__, map(field, records)))
        return {**groups, **self._grouped(members)}

    def _records(self, model: Model) -> tuple | list:
        records = getattr(model, self.records)
        return list(records.values()) if isinstance(records, dict) else records

    def _grouped(self, records: Iterable[Any]) -> dict:
        if self.order is None:
            return _group(records, self.key)
        return _sorted_groups(records, self.key, self.order)


# The named relations: attribute -> (the table it comes from, how it is made).
RELATIONS: dict[str, tuple[str, Callable[[Model], Any]]] = {
    "items_by_meeting": (
        "agenda_items",
        Grouping("agenda_items", "meeting_id", lambda i: i.sort_key),
    ),
    "attendance_by_meeting": ("attendance", Grouping("attendance", "meeting_id")),
    "attendance_by_person": ("attendance", Grouping("attendance", "person_id")),
    # (meeting, member) pairs where a substitute replaced the member
    "substituted": (
        "attendance",
        lambda m: frozenset(
            (a.meeting_id, a.substitute_for) for a in m.attendance if a.substitute_for
        ),
    ),
    "declarations_by_meeting": ("declarations", Grouping("declarations", "meeting_id")),
    "declarations_by_person": ("declarations", Grouping("declarations", "person_id")),
    "decisions_by_meeting": ("decisions", Grouping("decisions", "meeting_id")),
    "reports_by_meeting": ("reports", Grouping("reports", "meeting_id")),
    "meetings_by_committee": ("meetings", Grouping("meetings", "committee_id")),
    # meeting -> its place among its committee's meetings (after meetings_by_committee)
    "place_in_committee": (
        "meetings",
        lambda m: {
            meeting.meeting_id: place
            for meetings in m.meetings_by_committee.values()
            for place, meeting in enumerate(meetings)
        },
    ),
    "committees_by_council": ("committees", Grouping("committees", "council_id")),
    "observations_by_indicator": (
        "observations",
        Grouping("observations", "indicator_id", lambda o: (o.period_end, o.series)),
    ),
    "updates_by_recommendation": (
        "recommendation_updates",
        Grouping("recommendation_updates", "recommendation_id", lambda u: u.as_at),
    ),
    "workplan_by_committee": ("workplan", Grouping("workplan", "committee_id")),
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
