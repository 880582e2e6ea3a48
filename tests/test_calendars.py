"""iCalendar files: icalendar reads every .ics and finds one event per meeting, at the right
Europe/London local time, with its venue, a stable UID and a link to the meeting page."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar.parser import content_line
from icalendar.parser.content_line import Contentline
from published import SITES, Built, built_site, local_start

from scrutiny.build import load_inputs
from scrutiny.pages import calendars as calendar_files
from scrutiny.pages import ical_fold
from scrutiny.project import Project


@pytest.fixture(params=SITES)
def built(request: pytest.FixtureRequest) -> Built:
    return built_site(request)


def calendars(built: Built) -> dict[str, str | None]:
    wanted: dict[str, str | None] = {"meetings.ics": None}
    for cid in built.committee_ids():
        wanted[f"committees/{cid}/meetings.ics"] = cid
    return wanted


def read(built: Built, path: str) -> Calendar:
    return Calendar.from_ical((built.site / path).read_bytes())


def test_every_calendar_exists_and_nothing_else(built: Built) -> None:
    found = {p.relative_to(built.site).as_posix() for p in built.site.rglob("*.ics")}
    assert found == set(calendars(built))


def test_one_event_per_meeting_at_the_right_local_time(built: Built) -> None:
    host = urlsplit(built.base_url).hostname if built.base_url else "scrutiny"
    for path, cid in calendars(built).items():
        cal = read(built, path)
        meetings = built.meetings(cid)
        events = cal.walk("VEVENT")
        assert len(events) == len(meetings), path
        by_uid = {str(e["UID"]): e for e in events}
        assert set(by_uid) == {f"{m}@{host}" for m in meetings}, path
        for meeting_id, meeting in meetings.items():
            event = by_uid[f"{meeting_id}@{host}"]
            start = event.decoded("DTSTART")
            expected = local_start(meeting)
            if isinstance(expected, dt.datetime):
                assert isinstance(start, dt.datetime)
                assert event["DTSTART"].params["TZID"] == "Europe/London"
                assert start.replace(tzinfo=None) == expected.replace(tzinfo=None)
                assert start.utcoffset() == expected.utcoffset()
            else:
                assert type(start) is dt.date and start == expected
                assert event.decoded("DTEND") == expected + dt.timedelta(days=1)
            assert event.get("LOCATION", "") == meeting["venue"]
            stamp = event.decoded("DTSTAMP")
            assert stamp == dt.datetime.fromisoformat(meeting["date"] + "T00:00:00+00:00")
            page = f"meetings/{meeting_id}/"
            assert page in str(event["DESCRIPTION"])
            if built.base_url:
                assert str(event["URL"]) == built.base_url + page
            else:
                assert "URL" not in event
            status = "CANCELLED" if meeting["status"] == "cancelled" else "CONFIRMED"
            assert str(event["STATUS"]) == status


def test_calendars_with_timed_events_carry_the_london_timezone(built: Built) -> None:
    """A VTIMEZONE for every TZID used (all-day events have none)."""
    for path in calendars(built):
        cal = read(built, path)
        timed = [e for e in cal.walk("VEVENT") if isinstance(e.decoded("DTSTART"), dt.datetime)]
        zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
        assert zones == (["Europe/London"] if timed else []), path


def test_summer_and_winter_meetings_have_their_own_offsets(example_site) -> None:
    cal = Calendar.from_ical((example_site / "meetings.ics").read_bytes())
    offsets = {
        e.decoded("DTSTART").utcoffset()
        for e in cal.walk("VEVENT")
        if isinstance(e.decoded("DTSTART"), dt.datetime)
    }
    assert offsets == {dt.timedelta(0), dt.timedelta(hours=1)}


def test_the_site_wide_calendar_keeps_each_event_between_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A meeting's event is made once: a calendar made again after one meeting changed makes
    that event alone, and its bytes are those of a calendar made whole (as icalendar writes
    a Calendar holding every event, with the time zones they use)."""
    inputs = load_inputs(Project.at(Path(__file__).parents[1]))
    config, model = inputs.config, inputs.model
    made: list[str] = []
    original = calendar_files.event

    def counted(config, committee, meeting, path, summary):
        made.append(meeting.meeting_id)
        return original(config, committee, meeting, path, summary)

    monkeypatch.setattr(calendar_files, "event", counted)
    meetings = list(model.meetings.values())

    def whole(meetings: list, kept: Path | None) -> bytes:
        return calendar_files.calendar(config, model, "meetings.ics", "All", meetings, kept)

    first = whole(meetings, tmp_path)
    assert len(made) == len(meetings)
    made.clear()
    assert whole(meetings, tmp_path) == first
    assert made == []
    meetings[3] = replace(meetings[3], venue="A new venue")
    again = whole(meetings, tmp_path)
    assert made == [meetings[3].meeting_id]
    assert b"A new venue" in again
    assert again == whole(meetings, None) != first
    timed = Calendar.from_ical(again)
    assert [tz.tz_name for tz in timed.timezones] == ["Europe/London"]


CONTENT_LINE = st.text(
    alphabet=st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=160
)


@settings(max_examples=400, deadline=None)
@example(line="x" * 74)  # the longest line left as it is
@example(line="x" * 75)
@example(line="a" + "é" * 37)  # 75 bytes in 38 characters
@example(line="é" * 37)
@example(line="x" * 73 + "\\n" + "y" * 80)  # an escape just before the fold
@example(line="x" * 73 + "^^" + "\\" * 80)
@given(
    line=st.one_of(
        CONTENT_LINE,
        st.text(alphabet="ab\\^é€😀", max_size=90),
        st.text(alphabet="ab\\^;,:", min_size=70, max_size=400),
    )
)
def test_quick_fold_folds_as_icalendar_does(line: str) -> None:
    """Every line, short or long, ASCII or not, with escapes near the fold: the same result
    as icalendar's own folding, which the calendars use through it."""
    assert content_line._foldline is ical_fold.quick_fold
    assert ical_fold.quick_fold(line) == ical_fold.ICALENDAR_FOLD(line)
    assert ical_fold.quick_fold(Contentline(line)) == ical_fold.ICALENDAR_FOLD(line)
