"""Turn a filled workbook's rows into additions and changes to the CSV tables.

A row whose key is already in the table with the same values is left alone (so importing the
same workbook twice changes nothing, and rows the workbook was pre-filled with keep their own
`source`); a row whose values differ changes that row; any other row is added. Nothing is ever
deleted by an import."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scrutiny import ids
from scrutiny.edits import table_records
from scrutiny.entry.agenda import next_item_number
from scrutiny.entry.checks import Known
from scrutiny.workbook.read import CellProblem, Filled, SheetRow

MADE_FROM = {"decision_id": "sub_point"}  # the sheet column a made id comes from


@dataclass
class Planned:
    table: str
    values: dict[str, str]
    origin: SheetRow
    line: int | None = None  # the existing record it changes; None to add


@dataclass
class Plan:
    changes: list[Planned] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    unchanged: int = 0


def plan_import(known: Known, filled: Filled, workbook: str) -> Plan:
    plan = Plan()
    meeting = filled.meeting_id
    numbers = _item_numbers(known, filled)
    decision_ids = _decision_ids(known, filled)
    for origin in filled.rows:
        table = origin.sheet.of(known.checked.package)
        values = {
            **origin.values,
            "meeting_id": meeting,
            "source": f"{workbook}: {origin.sheet.title} row {origin.row}",
        }
        if table.name == "agenda_items" and not values.get("item_no"):
            values["item_no"] = numbers[origin.row]
        if table.name == "decisions":
            values["decision_id"] = decision_ids[origin.row]
        plan.changes.append(Planned(table.name, values, origin))
    _check_duplicates(known, plan)
    _against_existing(known, plan)
    return plan


def _item_numbers(known: Known, filled: Filled) -> dict[int, str]:
    """Agenda rows with no item_no: an item already on the agenda with the same title keeps
    its number (so a second import finds it), others are numbered after the highest."""
    agenda = [r for r in filled.rows if r.sheet.table == "agenda_items"]
    given = {r.values["item_no"] for r in agenda if r.values.get("item_no")}
    unclaimed: dict[str, list[str]] = {}
    for item in known.rows("agenda_items"):
        if item["meeting_id"] == filled.meeting_id and item["item_no"] not in given:
            unclaimed.setdefault(item["title"], []).append(item["item_no"])
    following = max(
        [next_item_number(known, filled.meeting_id) - 1, *(int(g) for g in given if g.isdigit())]
    )
    numbers = {}
    for r in agenda:
        if r.values.get("item_no"):
            continue
        same_title = unclaimed.get(r.values.get("title", ""))
        if same_title:
            numbers[r.row] = same_title.pop(0)
        else:
            following += 1
            numbers[r.row] = str(following)
    return numbers


def _decision_ids(known: Known, filled: Filled) -> dict[int, str]:
    """Each decision row's id: the meeting, the item and the sub-point, or 1, 2, ... in order
    among an item's resolutions without a sub-point (as `scrutiny new decision` numbers them)."""
    seen: Counter[tuple[str, str]] = Counter()
    made = {}
    for r in filled.rows:
        if r.sheet.table != "decisions":
            continue
        item, sub_point = r.values.get("item_no", ""), r.values.get("sub_point", "")
        seen[(item, sub_point)] += 1
        made[r.row] = ids.decision_id(filled.meeting_id, item, sub_point, seen[(item, sub_point)])
    return made


def _check_duplicates(known: Known, plan: Plan) -> None:
    """A second row with the same key is reported and left out (the first still goes through
    validation, so its own problems are found in the same run)."""
    first: dict[tuple, SheetRow] = {}
    kept = []
    for change in plan.changes:
        key = _key(known, change.table, change.values)
        if key not in first:
            first[key] = change.origin
            kept.append(change)
            continue
        keyed = [
            MADE_FROM.get(k, k)
            for k in known.table(change.table).primary_key
            if MADE_FROM.get(k, k) in change.origin.letters
        ]
        column = keyed[-1] if keyed else None
        plan.problems.append(
            CellProblem(
                change.origin.sheet.title,
                change.origin.row,
                column,
                change.origin.letters.get(column or ""),
                f"this row repeats row {first[key].row} ({', '.join(k for k in key if k)})",
                "Keep one row for each; delete or correct the other.",
            )
        )
    plan.changes = kept


def _against_existing(known: Known, plan: Plan) -> None:
    existing: dict[str, dict[tuple, tuple[int, dict[str, str]]]] = {}
    kept = []
    for change in plan.changes:
        if change.table not in existing:
            table = known.table(change.table)
            existing[change.table] = {
                _key(known, change.table, values): (line, values)
                for line, values in table_records(table)
            }
        found = existing[change.table].get(_key(known, change.table, change.values))
        if found is None:
            kept.append(change)
            continue
        line, values = found
        columns = [c for c in change.origin.letters if c in values]
        if all(values[c] == change.values.get(c, "") for c in columns):
            plan.unchanged += 1
            continue
        change.line = line
        change.values = {c: change.values.get(c, "") for c in [*columns, "source"]}
        kept.append(change)
    plan.changes = kept


def _key(known: Known, table: str, values: dict[str, str]) -> tuple:
    return tuple(values.get(k, "") for k in known.table(table).primary_key)
