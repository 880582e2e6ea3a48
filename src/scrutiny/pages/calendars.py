"""iCalendar files of meetings: `meetings.ics` for the whole site and
`committees/<id>/meetings.ics` for each committee, past and upcoming.

One VEVENT per meeting, in the council's time zone (Europe/London) with its VTIMEZONE;
a meeting without a start time is an all-day event. UIDs (`<meeting_id>@<host>`) never
change, so calendar apps update events in place; DTSTAMP is the meeting's date, not the
build time, so the same data gives the same bytes. See docs/feeds-and-calendars.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from scrutiny import urls
from scrutiny.config import SiteConfig
from scrutiny.incremental.calls import kept_calls
from scrutiny.model import Committee, Meeting, Model
from scrutiny.model.localtime import meeting_start
from scrutiny.outputs import Generated
from scrutiny.pages import ical_fold
from scrutiny.pages.feeds import clean, meeting_summary
from scrutiny.pages.inputs import Inputs
from scrutiny.urls import host, site_link

ical_fold.install()

STATUS = {"held": "CONFIRMED", "scheduled": "CONFIRMED", "cancelled": "CANCELLED"}
PRODID = "-//scrutiny//scrutiny committee meetings//EN"


def pages(inputs: Inputs) -> Iterator[Generated]:
    """Made in the worker pool from the config and the model only, so a calendar is reused
    when just Markdown changed. The site-wide one keeps each event's lines between builds
    (a new meeting makes one event, not ten thousand)."""
    config, model = inputs.config, inputs.model
    path = urls.path("calendar")
    kept = inputs.cache_folder("calendars")
    everything = (config, model, path, config.title, list(model.meetings.values()), kept)
    yield Generated(path, calendar, everything, coarse=True)
    for committee in model.committees.values():
        cid = committee.committee_id
        path = urls.path("committee.calendar", cid)
        meetings = list(model.meetings_by_committee.get(cid, ()))
        yield Generated(path, calendar, (config, model, path, committee.name, meetings))


def calendar(
    config: SiteConfig,
    model: Model,
    path: str,
    name: str,
    meetings: Sequence[Meeting],
    kept: Path | None = None,
) -> bytes:
    """The calendar: its properties, the time zones its events use, then the events, as
    icalendar writes a Calendar holding them (the events' lines kept in `kept`)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", clean(" ".join(f"{name}: meetings".split())))  # one line, or ics breaks
    cal.add("x-wr-timezone", config.timezone)
    calls = [(config, model.committee_of(m), m, path, meeting_summary(model, m)) for m in meetings]
    events = kept_calls(kept, path.replace("/", "-"), event_lines, calls)
    if meetings:
        # Only the years the meetings span, so the VTIMEZONE stays short and stable.
        years = [m.date.year for m in meetings]
        first, last = dt.date(min(years), 1, 1), dt.date(max(years) + 2, 1, 1)
        for tzid in sorted(set().union(*(tzids for _, tzids in events))):
            with contextlib.suppress(ValueError):  # an unknown zone is left out
                cal.add_component(Timezone.from_tzid(tzid, first_date=first, last_date=last))
    head = cal.to_ical().removesuffix(END)
    return b"".join([head, *(lines for lines, _ in events), END])


END = b"END:VCALENDAR\r\n"


def event_lines(
    config: SiteConfig, committee: Committee, meeting: Meeting, path: str, summary: str
) -> tuple[bytes, frozenset[str]]:
    """One meeting's VEVENT as icalendar writes it in a calendar, and the time zones it uses."""
    item = event(config, committee, meeting, path, summary)
    calendar = Calendar()
    calendar.add_component(item)
    return item.to_ical(), frozenset(calendar.get_used_tzids())


def event(
    config: SiteConfig, committee: Committee, meeting: Meeting, path: str, summary: str
) -> Event:
    tz = ZoneInfo(config.timezone)
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
    item.add("description", f"{summary}\nMeeting page: {link}")
    item.add("categories", [clean(committee.name)])
    return item
