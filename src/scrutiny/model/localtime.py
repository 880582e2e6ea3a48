"""When a meeting starts, in the council's time zone (Europe/London unless site.yaml says)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scrutiny.model import Meeting


def meeting_start(meeting: Meeting, tz: ZoneInfo) -> dt.datetime | dt.date:
    """An aware local datetime when the start time is known; otherwise just the date
    (an all-day event in calendars and the OCD export)."""
    if meeting.start_time is None:
        return meeting.date
    return dt.datetime.combine(meeting.date, meeting.start_time, tzinfo=tz)


def meeting_instant(meeting: Meeting, tz: ZoneInfo) -> dt.datetime:
    """An aware datetime for ordering and timestamps: the start, or local midnight."""
    start = meeting_start(meeting, tz)
    if isinstance(start, dt.datetime):
        return start
    return dt.datetime.combine(start, dt.time(), tzinfo=tz)
