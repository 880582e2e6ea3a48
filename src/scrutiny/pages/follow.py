"""Atom feeds of one councillor, indicator or recommendation, so a reader can follow it:

    people/<id>/feed.atom              the meetings they are recorded at, and their declarations
    indicators/<id>/feed.atom          the indicator's values, newest period first
    recommendations/<id>/feed.atom     the recommendation's RAG updates, newest first

An entry's id names what it is about (a person at a meeting, an indicator's value for a
period and series, a recommendation's update on a date), never its position, and its date
is the data's (the meeting's start, the period's end, the update's date, at local
midnight), so a rebuild, or a new entry, leaves the old entries as they were and feed readers
do not announce them again. Made in the worker pool from the config and the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from scrutiny import urls
from scrutiny.config import SiteConfig
from scrutiny.model import Model
from scrutiny.model.localtime import meeting_instant
from scrutiny.outputs import Generated
from scrutiny.pages.feeds import FEED_ENTRIES, Entry, add_entry, clean, finish, new_feed
from scrutiny.pages.inputs import Inputs
from scrutiny.pages.meetings import meeting_title
from scrutiny.render.units import with_unit


def pages(inputs: Inputs) -> Iterator[Generated]:
    config, model, today = inputs.config, inputs.model, inputs.today
    for family, keys in (
        ("person", model.people),
        ("indicator", model.indicators),
        ("recommendation", model.recommendations),
    ):
        for key in keys:
            yield Generated(urls.feed(family, key), feed_file, (config, model, today, family, key))


def feed_file(config: SiteConfig, model: Model, today: dt.date, family: str, key: str) -> bytes:
    tz = ZoneInfo(config.timezone)
    make, title, subtitle = FEEDS[family]
    path = urls.feed(family, key)
    feed = new_feed(config, path, urls.path(family, key), title(model, key), subtitle)
    entries = sorted(make(model, key, tz), key=lambda e: (e.stamp, e.id_target), reverse=True)
    for e in entries[:FEED_ENTRIES]:
        add_entry(feed, config, path, e).content(clean(e.text), type="text")
    return finish(feed, [e.stamp for e in entries[:FEED_ENTRIES]], today)


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


STATUS_WORDS = {"present": "Attended", "apologies": "Sent apologies to", "absent": "Absent from"}


def person_entries(model: Model, person_id: str, tz: ZoneInfo) -> Iterator[Entry]:
    home = urls.path("person", person_id)
    people = model.people
    for a in model.attendance_by_person.get(person_id, ()):
        meeting = model.meetings[a.meeting_id]
        words = STATUS_WORDS.get(a.status, a.status.capitalize())
        text = f"{words} the meeting as {a.role.replace('-', ' ')}"
        if a.substitute_for:
            text += f", replacing {people[a.substitute_for].display_name}"
        yield Entry(
            f"{home}#attendance-{a.meeting_id}",
            f"people/{person_id}/attendance/{a.meeting_id}",
            urls.path("meeting", a.meeting_id),
            f"{words} {meeting_title(model, meeting)}",
            meeting_instant(meeting, tz),
            text + ".",
        )
    for d in model.declarations_by_person.get(person_id, ()):
        meeting = model.meetings[d.meeting_id]
        yield Entry(
            f"{home}#declaration-{d.meeting_id}-{d.item_no}",
            f"people/{person_id}/declaration/{d.meeting_id}/{d.item_no}",
            urls.path("meeting", d.meeting_id),
            f"Declared a {d.kind.replace('-', ' ')} interest, item {d.item_no}, "
            f"{meeting_title(model, meeting)}",
            meeting_instant(meeting, tz),
            d.description,
        )


def indicator_entries(model: Model, indicator_id: str, tz: ZoneInfo) -> Iterator[Entry]:
    indicator = model.indicators[indicator_id]
    home = urls.path("indicator", indicator_id)
    for o in model.observations_by_indicator.get(indicator_id, ()):
        period = o.period_label or o.period_end.isoformat()
        series = o.series.replace("-", " ")
        value = with_unit(o.value, indicator.unit)
        yield Entry(
            f"{home}#{o.series}-{o.period_end.isoformat()}",
            f"indicators/{indicator_id}/{o.series}/{o.period_end.isoformat()}",
            home,
            f"{indicator.name}: {value} ({series}, {period})",
            _midnight(o.period_end, tz),
            f"{series.capitalize()} for {period}: {value}." + (f" {o.note}" if o.note else ""),
        )


def recommendation_entries(model: Model, rec_id: str, tz: ZoneInfo) -> Iterator[Entry]:
    home = urls.path("recommendation", rec_id)
    ref = model.recommendations[rec_id].ref
    for u in model.updates_by_recommendation.get(rec_id, ()):
        yield Entry(
            f"{home}#update-{u.as_at.isoformat()}",
            f"recommendations/{rec_id}/update/{u.as_at.isoformat()}",
            home,
            f"Recommendation {ref}: {u.rag.replace('-', ' ')} on {u.as_at.day} {u.as_at:%B %Y}",
            _midnight(u.as_at, tz),
            u.commentary or f"Rated {u.rag.replace('-', ' ')}.",
        )


def _person_title(model: Model, key: str) -> str:
    return f"{model.people[key].display_name}: meetings and declarations"


def _indicator_title(model: Model, key: str) -> str:
    return f"{model.indicators[key].name}: values"


def _recommendation_title(model: Model, key: str) -> str:
    rec = model.recommendations[key]
    return f"Recommendation {rec.ref} ({rec.origin_title or rec.origin}): updates"


FEEDS = {
    "person": (person_entries, _person_title, "Meetings attended or missed, and interests."),
    "indicator": (indicator_entries, _indicator_title, "New values, targets and benchmarks."),
    "recommendation": (recommendation_entries, _recommendation_title, "New RAG ratings."),
}
