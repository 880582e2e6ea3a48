"""JSON twins: each meeting, committee, person, indicator and recommendation page has its data
as JSON beside it, at `<family>/<id>.json` next to `<family>/<id>/`.

Every record with a `source` also has `source_url`: the link to the cited lines of the
published document (absolute under base_url, else relative to the JSON file), or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields
from typing import Any

from scrutiny import urls
from scrutiny.citations import SourceLinks
from scrutiny.documents import Document
from scrutiny.model import Model
from scrutiny.output.jsonfile import document
from scrutiny.outputs import Generated
from scrutiny.pages.inputs import Inputs
from scrutiny.schema.types import to_json


def record(obj: Any) -> dict[str, Any]:
    return {f.name: to_json(getattr(obj, f.name)) for f in fields(obj)}


_NESTED = (list, dict)


def with_source_urls(data: Any, links: SourceLinks, here: str) -> Any:
    """`data` with `source_url` beside every `source` in it, at any depth (walking into the
    lists and dicts only, not each of the county's five million values)."""
    if isinstance(data, list):
        return [with_source_urls(x, links, here) if isinstance(x, _NESTED) else x for x in data]
    if not isinstance(data, dict):
        return data
    out = {
        k: with_source_urls(v, links, here) if isinstance(v, _NESTED) else v
        for k, v in data.items()
    }
    if "source" in data:
        out = _after(out, "source", "source_url", links.url(data["source"], here))
    return out


def _after(data: dict[str, Any], key: str, new: str, value: Any) -> dict[str, Any]:
    out = {}
    for name, each in data.items():
        out[name] = each
        if name == key:
            out[new] = value
    return out


def meeting_json(model: Model, meeting_id: str, minutes_html: str | None) -> dict[str, Any]:
    meeting = model.meetings[meeting_id]
    return record(meeting) | {
        "url": urls.path("meeting", meeting_id),
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


def pages(inputs: Inputs) -> Iterator[Generated]:
    """Made in the worker pool from the model (and a meeting's minutes), so a twin is reused
    when what it holds did not change."""
    model = inputs.model
    links = SourceLinks(inputs.config, inputs.library)
    for meeting_id in model.meetings:
        path = urls.twin("meeting", meeting_id)
        yield Generated(path, meeting_twin, (model, meeting_id, inputs.minutes, links, path))
    for family, make, ids in (
        ("committee", committee_json, model.committees),
        ("person", person_json, model.people),
        ("indicator", indicator_json, model.indicators),
        ("recommendation", recommendation_json, model.recommendations),
    ):
        for key in ids:
            path = urls.twin(family, key)
            yield Generated(path, twin, (make, model, key, links, path))


def twin(
    make: Callable[[Model, str], dict[str, Any]],
    model: Model,
    key: str,
    links: SourceLinks,
    here: str,
) -> bytes:
    return document(with_source_urls(make(model, key), links, here))


def meeting_twin(
    model: Model,
    meeting_id: str,
    minutes: Mapping[str, Document],
    links: SourceLinks,
    here: str,
) -> bytes:
    """The meeting's JSON; its minutes are looked up here, so the read is tracked."""
    found = minutes.get(meeting_id)
    data = meeting_json(model, meeting_id, found.html if found else None)
    return document(with_source_urls(data, links, here))


def committee_json(model: Model, committee_id: str) -> dict[str, Any]:
    return record(model.committees[committee_id]) | {
        "url": urls.path("committee", committee_id),
        "meetings": [m.meeting_id for m in model.meetings_by_committee.get(committee_id, ())],
        "workplan": [record(e) for e in model.workplan_by_committee.get(committee_id, ())],
    }


def person_json(model: Model, person_id: str) -> dict[str, Any]:
    return record(model.people[person_id]) | {
        "url": urls.path("person", person_id),
        "attendance": [record(a) for a in model.attendance_by_person.get(person_id, ())],
    }


def indicator_json(model: Model, indicator_id: str) -> dict[str, Any]:
    return record(model.indicators[indicator_id]) | {
        "url": urls.path("indicator", indicator_id),
        "observations": [record(o) for o in model.observations_by_indicator.get(indicator_id, ())],
    }


def recommendation_json(model: Model, rec_id: str) -> dict[str, Any]:
    return record(model.recommendations[rec_id]) | {
        "url": urls.path("recommendation", rec_id),
        "updates": [record(u) for u in model.updates_by_recommendation.get(rec_id, ())],
    }
