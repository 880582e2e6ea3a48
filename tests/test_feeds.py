"""Atom feeds: feedparser reads every feed and finds one entry per meeting (or decision), with
the meeting's time, a link that leads to the meeting page, and no wall-clock timestamps."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from published import SITES, Built, built_site, start_instant

from scrutiny.pages.feeds import clean


@pytest.fixture(params=SITES)
def built(request: pytest.FixtureRequest) -> Built:
    return built_site(request)


def feeds(built: Built) -> dict[str, str | None]:
    """Every feed the site should have: path -> committee id (None for the whole site)."""
    wanted: dict[str, str | None] = {"feeds/meetings.atom": None, "feeds/decisions.atom": None}
    for cid in built.committee_ids():
        wanted[f"committees/{cid}/meetings.atom"] = cid
        wanted[f"committees/{cid}/decisions.atom"] = cid
    return wanted


def parse(built: Built, path: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((built.site / path).read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    return parsed


def utc(struct: tuple) -> dt.datetime:
    return dt.datetime.fromtimestamp(calendar.timegm(struct), tz=dt.UTC)


def target(built: Built, feed_path: str, link: str) -> Path:
    """The built file a feed's link leads to (absolute under base_url, else relative)."""
    if built.base_url:
        assert link.startswith(built.base_url), link
        relative = link.removeprefix(built.base_url)
    else:
        assert not urlsplit(link).scheme, f"{link} should be relative without base_url"
        relative = urljoin(feed_path, link)
    path = built.site / urlsplit(relative).path
    return path / "index.html" if relative.split("#")[0].endswith("/") else path


def test_every_feed_exists_and_nothing_else(built: Built) -> None:
    found = {p.relative_to(built.site).as_posix() for p in built.site.rglob("*.atom")}
    followed = {  # one feed per councillor, indicator and recommendation: test_follow_feeds.py
        f"{folder}/{row[key]}/feed.atom"
        for folder, table, key in (
            ("people", "people", "person_id"),
            ("indicators", "indicators", "indicator_id"),
            ("recommendations", "recommendations", "recommendation_id"),
        )
        for row in built.rows(table)
    }
    assert found == set(feeds(built)) | followed


def test_meeting_feeds_have_one_entry_per_meeting(built: Built) -> None:
    for path, cid in feeds(built).items():
        if not path.endswith("meetings.atom"):
            continue
        parsed = parse(built, path)
        meetings = built.meetings(cid)
        pages = {target(built, path, e.link) for e in parsed.entries}
        assert len(parsed.entries) == len(meetings), path
        assert pages == {built.site / "meetings" / m / "index.html" for m in meetings}, path
        assert all(p.exists() for p in pages)
        for entry in parsed.entries:
            meeting_id = entry.link.rstrip("/").rsplit("/", 1)[-1]
            assert utc(entry.updated_parsed) == start_instant(meetings[meeting_id])


def test_decision_feeds_have_one_entry_per_decision(built: Built) -> None:
    decisions = built.rows("decisions")
    for path, cid in feeds(built).items():
        if not path.endswith("decisions.atom"):
            continue
        parsed = parse(built, path)
        meetings = built.meetings(cid)
        expected = {d["decision_id"]: d for d in decisions if d["meeting_id"] in meetings}
        assert len(parsed.entries) == len(expected), path
        assert {e.link.rsplit("#", 1)[-1] for e in parsed.entries} == set(expected)
        for entry in parsed.entries:
            decision = expected[entry.link.rsplit("#", 1)[-1]]
            assert entry.content[0].value == decision["text"]
            page = target(built, path, entry.link)
            assert f'id="{decision["decision_id"]}"' in page.read_text(encoding="utf-8")
            assert utc(entry.updated_parsed) == start_instant(meetings[decision["meeting_id"]])


def test_feed_updated_is_the_latest_entry_not_the_build_time(built: Built) -> None:
    for path in feeds(built):
        parsed = parse(built, path)
        if parsed.entries:
            latest = max(utc(e.updated_parsed) for e in parsed.entries)
            assert utc(parsed.feed.updated_parsed) == latest, path


def test_ids_are_permanent_iris(built: Built) -> None:
    for path in feeds(built):
        parsed = parse(built, path)
        ids = [parsed.feed.id] + [e.id for e in parsed.entries]
        assert len(set(ids)) == len(ids), f"{path}: ids repeat"
        for value in ids:
            if built.base_url:
                assert value.startswith(built.base_url), value
            else:
                assert re.fullmatch(r"tag:test\.example,2024:scrutiny/[a-z0-9/-]+", value), value


def test_pages_link_their_feeds_and_calendars(built: Built) -> None:
    pages = {"index.html": ("feeds/meetings.atom", "feeds/decisions.atom", "meetings.ics")}
    for cid in built.committee_ids():
        home = f"committees/{cid}/"
        pages[f"{home}index.html"] = tuple(
            home + name for name in ("meetings.atom", "decisions.atom", "meetings.ics")
        )
    for page, files in pages.items():
        html = (built.site / page).read_text(encoding="utf-8")
        heads = re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', html)
        anchors = re.findall(
            r'<a href="([^"]+)" type="(?:application/atom\+xml|text/calendar)"', html
        )
        head_targets = {urljoin(page, href) for kind, href in heads if kind != "application/json"}
        assert head_targets == set(files), page
        assert {urljoin(page, href) for href in anchors} == set(files), page
        assert all((built.site / f).is_file() for f in files)


def test_text_is_cleaned_of_characters_xml_cannot_carry() -> None:
    """Validation refuses control characters in cells; feeds and calendars drop any that
    reach them another way (site.yaml, a council's own code) rather than fail to build."""
    assert clean("Room\x01 1\x0b\ufffe,\tCounty\nHall") == "Room 1,\tCounty\nHall"


def test_a_feed_carries_only_the_newest_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    from zoneinfo import ZoneInfo

    from scrutiny.build import load_inputs
    from scrutiny.model.localtime import meeting_instant
    from scrutiny.pages import feeds as feed_module
    from scrutiny.project import Project

    inputs = load_inputs(Project.at(Path(__file__).resolve().parents[1]))
    meetings = list(inputs.model.meetings.values())
    tz = ZoneInfo(inputs.config.timezone)
    newest = sorted((meeting_instant(m, tz) for m in meetings), reverse=True)
    monkeypatch.setattr(feed_module, "FEED_ENTRIES", 3)
    about = feed_module.Feed(inputs.config, inputs.model, "feeds/x.atom", "", "x", None)
    for make in (feed_module.meetings_feed, feed_module.decisions_feed):
        parsed = feedparser.parse(make(about, meetings))
        assert len(parsed.entries) == 3
        stamps = [utc(e.updated_parsed) for e in parsed.entries]
        assert stamps == sorted(stamps, reverse=True)
    meeting_feed = feedparser.parse(feed_module.meetings_feed(about, meetings))
    assert [utc(e.updated_parsed) for e in meeting_feed.entries] == newest[:3]


def test_only_an_empty_feed_carries_the_build_date() -> None:
    """A feed's `updated` is its newest entry's; a feed with no entries says the build's date,
    and only such a feed is given it, so the others are not made again each day."""
    from scrutiny import urls
    from scrutiny.build import load_inputs
    from scrutiny.pages import feeds as feed_module
    from scrutiny.project import Project

    inputs = load_inputs(Project.at(Path(__file__).resolve().parents[1]))
    made = {o.path: o for o in feed_module.pages(inputs)}
    for kind in ("meetings-feed", "decisions-feed"):
        assert made[urls.path(kind)].args[0].empty_date is None
    undecided = [
        m for m in inputs.model.meetings.values() if not inputs.model.decisions_at(m.meeting_id)
    ]
    assert undecided, "the example has meetings without decisions"
    for make, meetings in (
        (feed_module.meetings_feed, []),
        (feed_module.decisions_feed, undecided),
    ):
        feed = feed_module._feed(inputs, make, "feeds/x.atom", "", "x", meetings)
        assert feed.args[0].empty_date == inputs.today
        parsed = feedparser.parse(feed.data())
        assert not parsed.entries
        assert parsed.feed.updated.startswith(inputs.today.isoformat())
