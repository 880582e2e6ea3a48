"""iCalendar files of meetings: `meetings.ics` for the whole site and
`committees/<id>/meetings.ics` for each committee, past and upcoming.

One VEVENT per meeting, in the council's time zone (Europe/London) with its VTIMEZONE;
a meeting without a start time is an all-day event. UIDs (`<meeting_id>@<host>`) never
change, so calendar apps update events in place; DTSTAMP is the meeting's date, not the
build time, so the same data gives the same bytes. See docs/feeds-and-calendars.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from scrutiny import urls
from scrutiny.config import SiteConfig
from scrutiny.model import Meeting, Model
from scrutiny.model.localtime import meeting_start
from scrutiny.outputs import Generated
from scrutiny.pages.feeds import clean, meeting_summary
from scrutiny.pages.inputs import Inputs
from scrutiny.urls import host, site_link

STATUS = {"held": "CONFIRMED", "scheduled": "CONFIRMED", "cancelled": "CANCELLED"}
PRODID = "-//scrutiny//scrutiny committee meetings//EN"


def pages(inputs: Inputs) -> Iterator[Generated]:
    """Made in the worker pool from the config and the model only, so a calendar is reused
    when just Markdown changed."""
    config, model = inputs.config, inputs.model
    path = urls.path("calendar")
    everything = (config, model, path, config.title, list(model.meetings.values()))
    yield Generated(path, calendar, everything, coarse=True)
    for committee in model.committees.values():
        cid = committee.committee_id
        path = urls.path("committee.calendar", cid)
        meetings = list(model.meetings_by_committee.get(cid, ()))
        yield Generated(path, calendar, (config, model, path, committee.name, meetings))


def calendar(
    config: SiteConfig, model: Model, path: str, name: str, meetings: Sequence[Meeting]
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", clean(" ".join(f"{name}: meetings".split())))  # one line, or ics breaks
    cal.add("x-wr-timezone", config.timezone)
    for meeting in meetings:
        cal.add_component(event(config, model, path, meeting))
    if meetings:
        # Only the years the meetings span, so the VTIMEZONE stays short and stable.
        years = [m.date.year for m in meetings]
        cal.add_missing_timezones(
            first_date=dt.date(min(years), 1, 1), last_date=dt.date(max(years) + 2, 1, 1)
        )
    return cal.to_ical()


def event(config: SiteConfig, model: Model, path: str, meeting: Meeting) -> Event:
    tz = ZoneInfo(config.timezone)
    committee = model.committee_of(meeting)
    link = site_link(config, urls.path("meeting", meeting.meeting_id), path)
    item = Event()
    item.add("uid", f"{meeting.meeting_id}@{host(config)}")
    item.add("dtstamp", dt.datetime.combine(meeting.date, dt.time(), tzinfo=dt.UTC))
    start = meeting_start(meeting, tz)
    item.add("dtstart", start)
    if not isinstance(start, dt.datetime):
        item.add("dtend", start + dt.timedelta(days=1))
    cancelled = meeting.status == "cancelled"
    item.add("summary", clean(("Cancelled: " if cancelled else "") + committee.name))
    item.add("status", STATUS[meeting.status])
    if meeting.venue:
        item.add("location", clean(meeting.venue))
    if config.base_url:
        item.add("url", link)
    item.add("description", f"{meeting_summary(model, meeting)}\nMeeting page: {link}")
    item.add("categories", [clean(committee.name)])
    return item
