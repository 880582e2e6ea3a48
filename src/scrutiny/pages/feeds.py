"""Atom feeds of meetings and of decisions, for the whole site and for each committee.

    feeds/meetings.atom                    every meeting, newest first
    feeds/decisions.atom                   every decision, newest meeting first
    committees/<id>/meetings.atom          one committee's meetings
    committees/<id>/decisions.atom         one committee's decisions

A feed carries the newest FEED_ENTRIES entries, as feed readers expect: the whole history is
in the calendars and the open data. The same data gives the same bytes: an entry's `updated`
is its meeting's start (local midnight when the time is not known) and a feed's `updated` is
its latest entry's. Entry ids and links are absolute URLs when site.yaml has `base_url`;
without it, ids are tag: URIs (RFC 4151) and links are relative to the feed file.
See docs/feeds-and-calendars.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from scrutiny import urls
from scrutiny.config import SiteConfig
from scrutiny.model import Decision, Meeting, Model
from scrutiny.model.localtime import meeting_instant
from scrutiny.outputs import Generated
from scrutiny.pages.inputs import Inputs
from scrutiny.pages.meetings import meeting_title
from scrutiny.render.environment import clock, long_date
from scrutiny.urls import site_link

ATOM = "application/atom+xml"
FEED_ENTRIES = 100
# The date part of tag: URIs (RFC 4151). It never changes, so ids stay stable.
TAG_DATE = "2024"
# Control characters XML 1.0 (and iCalendar TEXT) cannot carry; a pasted cell may hold them.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text safe for XML and iCalendar: control characters dropped (tabs and newlines kept)."""
    return NOT_TEXT.sub("", text)


def tag_uri(config: SiteConfig, specific: str) -> str:
    """A stable id for sites without base_url, minted under the contact email's domain."""
    authority = config.contact_email.rsplit("@", 1)[-1].lower()
    return f"tag:{authority},{TAG_DATE}:scrutiny/{specific}"


def entry_id(config: SiteConfig, target: str, specific: str) -> str:
    """A stable id: `target` under base_url, else a tag: URI naming `specific`."""
    return config.base_url + target if config.base_url else tag_uri(config, specific)


@dataclass(frozen=True)
class Entry:
    """What a feed entry says: its id, where it leads, its title and date (and text)."""

    id_target: str  # path from the root (and fragment) that names the entry
    specific: str  # the same, for tag: URIs
    link: str  # the page the entry leads to, from the root
    title: str
    stamp: dt.datetime
    text: str = ""


@dataclass(frozen=True)
class Feed:
    """What a feed is made from besides its meetings: where it is and what it is about. Made
    in the worker pool when what it read changed, so new minutes leave every feed alone."""

    config: SiteConfig
    model: Model
    path: str
    page: str  # the page the feed is about
    title: str
    empty_date: dt.date | None  # the build's date, for a feed with no entries (else None)


def pages(inputs: Inputs) -> Iterator[Generated]:
    model = inputs.model
    subjects = [("", urls.path("home"), inputs.config.title, list(model.meetings.values()))]
    for committee in model.committees.values():
        cid = committee.committee_id
        own = list(model.meetings_by_committee.get(cid, ()))
        subjects.append((cid, urls.path("committee", cid), committee.name, own))
    for cid, page, name, meetings in subjects:
        for kind, make in (("meetings-feed", meetings_feed), ("decisions-feed", decisions_feed)):
            path = urls.path(f"committee.{kind}", cid) if cid else urls.path(kind)
            title = f"{name}: {kind.removesuffix('-feed')}"
            yield _feed(inputs, make, path, page, title, meetings)


def _feed(
    inputs: Inputs,
    make: Callable[[Feed, Sequence[Meeting]], bytes],
    path: str,
    page: str,
    title: str,
    meetings: Sequence[Meeting],
) -> Generated:
    empty = not meetings or (
        make is decisions_feed
        and not any(inputs.model.decisions_at(m.meeting_id) for m in meetings)
    )
    about = Feed(inputs.config, inputs.model, path, page, title, inputs.today if empty else None)
    return Generated(path, make, (about, meetings))


def new_feed(config: SiteConfig, path: str, page: str, title: str, subtitle: str) -> FeedGenerator:
    """An Atom feed at `path` about the page at `page` (paths from the site root)."""
    feed = FeedGenerator()
    feed.id(entry_id(config, path, path.removesuffix(".atom")))
    feed.title(clean(title))
    feed.subtitle(subtitle)
    feed.author({"name": clean(config.publisher), "email": config.contact_email})
    feed.language(config.language)
    feed.rights(clean(config.attribution_text))
    feed.generator("scrutiny")
    feed.link(href=site_link(config, page, path), rel="alternate", type="text/html")
    if config.base_url:
        feed.link(href=config.base_url + path, rel="self", type=ATOM)
    return feed


def add_entry(feed: FeedGenerator, config: SiteConfig, path: str, e: Entry) -> FeedEntry:
    """Add an entry to the feed at `path`; its text is the caller's to add."""
    entry = feed.add_entry(order="append")
    entry.id(entry_id(config, e.id_target, e.specific))
    entry.title(clean(e.title))
    entry.link(href=site_link(config, e.link, path), rel="alternate", type="text/html")
    entry.updated(e.stamp)
    entry.published(e.stamp)
    return entry


def finish(feed: FeedGenerator, stamps: Sequence[dt.datetime], empty: dt.date | None) -> bytes:
    """The feed's `updated` is its latest entry's; an empty feed uses the build's date,
    `empty` (given only to a feed known to be empty, so the others don't change each day)."""
    if stamps:
        feed.updated(max(stamps))
    else:
        assert empty is not None, "an empty feed needs the build's date"
        feed.updated(dt.datetime.combine(empty, dt.time(), tzinfo=dt.UTC))
    return feed.atom_str(pretty=True)


def meeting_summary(model: Model, meeting: Meeting) -> str:
    committee = model.committee_of(meeting)
    when = long_date(meeting.date)
    if meeting.start_time:
        when += f" at {clock(meeting.start_time)}"
    lines = [f"{committee.name}: {meeting.status} meeting on {when}."]
    if meeting.venue:
        lines.append(f"Venue: {meeting.venue}.")
    items = model.items(meeting.meeting_id)
    if items:
        lines.append("Agenda: " + "; ".join(f"{i.item_no}. {i.title}" for i in items) + ".")
    decisions = model.decisions_at(meeting.meeting_id)
    if decisions:
        lines.append(f"{len(decisions)} decisions recorded.")
    if meeting.minutes_status != "none":
        lines.append(f"Minutes: {meeting.minutes_status}.")
    return clean("\n".join(lines))


def meetings_feed(feed_of: Feed, meetings: Sequence[Meeting]) -> bytes:
    config, model, path = feed_of.config, feed_of.model, feed_of.path
    tz = ZoneInfo(config.timezone)
    feed = new_feed(
        config, path, feed_of.page, feed_of.title, "Meetings: agenda, venue, status and decisions."
    )
    stamps = []
    for meeting in _newest_first(meetings, tz)[:FEED_ENTRIES]:
        target = urls.path("meeting", meeting.meeting_id)
        stamps.append(meeting_instant(meeting, tz))
        specific = f"meetings/{meeting.meeting_id}"
        about = Entry(target, specific, target, meeting_title(model, meeting), stamps[-1])
        entry = add_entry(feed, config, path, about)
        entry.summary(meeting_summary(model, meeting))
        _category(entry, model, meeting)
    return finish(feed, stamps, feed_of.empty_date)


def _category(entry: FeedEntry, model: Model, meeting: Meeting) -> None:
    committee = model.committee_of(meeting)
    entry.category(term=committee.committee_id, label=clean(committee.name))


def _newest_first(meetings: Sequence[Meeting], tz: ZoneInfo) -> list[Meeting]:
    return sorted(meetings, key=lambda m: meeting_instant(m, tz), reverse=True)


def decision_title(model: Model, decision: Decision) -> str:
    meeting = model.meetings[decision.meeting_id]
    item = next((i for i in model.items(meeting.meeting_id) if i.item_no == decision.item_no), None)
    topic = f"item {decision.item_no}" + (f", {item.title}" if item else "")
    if decision.sub_point:
        topic += f" ({decision.sub_point})"
    return f"{meeting_title(model, meeting)}: {topic}"


def decisions_feed(feed_of: Feed, meetings: Sequence[Meeting]) -> bytes:
    config, model, path = feed_of.config, feed_of.model, feed_of.path
    tz = ZoneInfo(config.timezone)
    feed = new_feed(
        config,
        path,
        feed_of.page,
        feed_of.title,
        "Decisions (resolutions) recorded at each meeting.",
    )
    stamps = []
    for meeting in _newest_first(meetings, tz):
        stamp = meeting_instant(meeting, tz)
        for decision in model.decisions_at(meeting.meeting_id)[: FEED_ENTRIES - len(stamps)]:
            stamps.append(stamp)
            target = urls.decision(meeting.meeting_id, decision.decision_id)
            specific = f"decisions/{decision.decision_id}"
            about = Entry(target, specific, target, decision_title(model, decision), stamp)
            entry = add_entry(feed, config, path, about)
            entry.content(clean(decision.text), type="text")
            _category(entry, model, meeting)
    return finish(feed, stamps, feed_of.empty_date)
