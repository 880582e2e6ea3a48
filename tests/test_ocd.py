"""The Open Civic Data export: every event, in every file, has exactly the fields documented in
docs/open-civic-data.md, with the documented types and values, and matches the data."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import ROOT
from published import SITES, Built, built_site, local_start

DOC = ROOT / "docs" / "open-civic-data.md"
ROW = re.compile(r"^\| `([^`]+)` \| ([a-z ]+) \| (yes|no) \|(.*)\|$", re.M)
TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "boolean": bool,
    "null": type(None),
    "array": list,
    "object": dict,
    "string or null": (str, type(None)),
}


@dataclass(frozen=True)
class Spec:
    path: str
    kind: str
    required: bool
    values: tuple[str, ...]


def documented() -> dict[str, Spec]:
    specs = {}
    for path, kind, required, values in ROW.findall(DOC.read_text(encoding="utf-8")):
        assert kind in TYPES, f"{path}: unknown type {kind!r} in {DOC.name}"
        specs[path] = Spec(path, kind, required == "yes", tuple(re.findall(r"`([^`]+)`", values)))
    return specs


SPECS = documented()


@pytest.fixture(params=SITES)
def built(request: pytest.FixtureRequest) -> Built:
    return built_site(request)


def fields(value: Any, prefix: str = "") -> dict[str, list[Any]]:
    """Every field path in an event (`agenda[].description`) with all its values."""
    found: dict[str, list[Any]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found.setdefault(path, []).append(item)
            for sub, values in fields(item, path).items():
                found.setdefault(sub, []).extend(values)
    elif isinstance(value, list):
        for item in value:
            path = f"{prefix}[]"
            if not isinstance(item, dict | list):
                found.setdefault(path, []).append(item)
            for sub, values in fields(item, path).items():
                found.setdefault(sub, []).extend(values)
    return found


def containers(event: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The objects that should hold the field at `path` (one per array element)."""
    objects: list[Any] = [event]
    parts = path.split(".")[:-1]
    for part in parts:
        many = part.endswith("[]")
        objects = [o[part.removesuffix("[]")] for o in objects]
        if many:
            objects = [item for o in objects for item in o]
    return objects


def check(event: dict[str, Any]) -> list[str]:
    name = event.get("id", "?")
    problems = []
    present = fields(event)
    for path in present:
        if path not in SPECS:
            problems.append(f"{name}: {path} is not documented")
    for spec in SPECS.values():
        if spec.required and not spec.path.endswith("[]"):
            key = spec.path.rsplit(".", 1)[-1]
            owners = containers(event, spec.path)
            problems += [f"{name}: {spec.path} missing" for o in owners if key not in o]
        for value in present.get(spec.path, []):
            if not isinstance(value, TYPES[spec.kind]) or (
                spec.kind != "boolean" and isinstance(value, bool)
            ):
                problems.append(f"{name}: {spec.path} is {value!r}, expected {spec.kind}")
            elif spec.values and value not in spec.values:
                problems.append(f"{name}: {spec.path} is {value!r}, not one of {spec.values}")
    return problems


def ocd_files(built: Built) -> dict[str, str | None]:
    wanted: dict[str, str | None] = {"data/ocd/events.json": None}
    for cid in built.committee_ids():
        wanted[f"data/ocd/committees/{cid}.json"] = cid
    return wanted


def load(built: Built, path: str) -> list[dict[str, Any]]:
    return json.loads((built.site / path).read_text(encoding="utf-8"))


def test_the_documented_table_covers_the_ocd_core() -> None:
    for field in ("name", "start_date", "end_date", "all_day", "status", "location.name"):
        assert SPECS[field].required
    assert {"participants[].note", "agenda[].related_entities[].id", "sources[].url"} <= set(SPECS)


def test_every_event_has_the_documented_fields_and_types(built: Built) -> None:
    problems = []
    for path in ocd_files(built):
        for event in load(built, path):
            problems += check(event)
    assert not problems, "\n".join(problems[:20])


def test_one_event_per_meeting_in_each_file(built: Built) -> None:
    found = {p.relative_to(built.site).as_posix() for p in (built.site / "data/ocd").rglob("*")}
    assert {p for p in found if p.endswith(".json")} == set(ocd_files(built))
    for path, cid in ocd_files(built).items():
        events = load(built, path)
        assert {e["extras"]["meeting_id"] for e in events} == set(built.meetings(cid)), path
        assert len({e["id"] for e in events}) == len(events) == len(built.meetings(cid))
        dates = [e["start_date"][:10] for e in events]
        assert dates == sorted(dates), f"{path}: not oldest first"


def test_start_dates_are_london_time_with_offset(built: Built) -> None:
    for event in load(built, "data/ocd/events.json"):
        meeting = built.meetings()[event["extras"]["meeting_id"]]
        start = local_start(meeting)
        if isinstance(start, dt.datetime):
            assert not event["all_day"]
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", event["start_date"])
            assert dt.datetime.fromisoformat(event["start_date"]) == start
            assert dt.datetime.fromisoformat(event["start_date"]).utcoffset() == start.utcoffset()
        else:
            assert event["all_day"]
            assert event["start_date"] == meeting["date"]


def test_participants_agenda_and_decisions_match_the_data(built: Built) -> None:
    attendance = built.rows("attendance")
    decisions = built.rows("decisions")
    items = built.rows("agenda_items")
    for event in load(built, "data/ocd/events.json"):
        mid = event["extras"]["meeting_id"]
        committee, *people = event["participants"]
        assert committee["entity_type"] == "organization"
        assert committee["id"] == built.meetings()[mid]["committee_id"]
        rows = [a for a in attendance if a["meeting_id"] == mid]
        assert [(p["id"], p["note"].split(", ")[:2]) for p in people] == [
            (a["person_id"], [a["role"], a["status"]]) for a in rows
        ]
        assert len(event["agenda"]) == len([i for i in items if i["meeting_id"] == mid])
        related = {
            r["id"]: item["order"] for item in event["agenda"] for r in item["related_entities"]
        }
        assert related == {
            d["decision_id"]: d["item_no"] for d in decisions if d["meeting_id"] == mid
        }


def test_status_follows_ocd(built: Built) -> None:
    statuses = {e["extras"]["meeting_id"]: e["status"] for e in load(built, "data/ocd/events.json")}
    for mid, meeting in built.meetings().items():
        if meeting["status"] == "cancelled":
            assert statuses[mid] == "cancelled"
        elif meeting["status"] == "held":
            assert statuses[mid] == "passed"
        elif meeting["date"] >= "2023-11-14":  # the tests' build date (SOURCE_DATE_EPOCH)
            assert statuses[mid] in ("confirmed", "tentative")
