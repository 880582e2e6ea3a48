"""Follow what you care about: each councillor, indicator and recommendation page has an Atom
feed of its own, linked from the page, whose entries keep their ids and dates when the site is
rebuilt with new data (so feed readers announce only what is new)."""

from __future__ import annotations

from pathlib import Path

import feedparser
from conftest import minimal_project, run_scrutiny


def parse(site: Path, path: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((site / path).read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    return parsed


def titles(parsed: feedparser.FeedParserDict) -> list[str]:
    return [e.title for e in parsed.entries]


def test_a_councillors_feed_has_their_meetings_and_declarations(example_site: Path) -> None:
    howarth = parse(example_site, "people/david-howarth/feed.atom")
    assert titles(howarth) == [
        "Attended Children's Services Scrutiny Committee, 11 April 2018",
        "Absent from Children's Services Scrutiny Committee, 18 October 2017",
    ]
    assert howarth.entries[0].link.endswith(
        "meetings/lancashire-childrens-services-scrutiny-2018-04-11/"
    )
    taylor = parse(example_site, "people/d-taylor/feed.atom")
    assert any(t.startswith("Declared a personal interest, item m18") for t in titles(taylor))
    page = (example_site / "people" / "david-howarth" / "index.html").read_text()
    assert '<a href="feed.atom" type="application/atom+xml">Follow' in page
    assert '<link rel="alternate" type="application/atom+xml" href="feed.atom"' in page


def test_an_indicators_feed_has_its_values(example_site: Path) -> None:
    feed = parse(
        example_site, "indicators/lancashire-adoption-days-placement-order-to-match/feed.atom"
    )
    assert [t.split(": ", 1)[1] for t in titles(feed)] == [
        "121 days (target, national target)",
        "156 days (actual, 2017/18)",
        "267 days (actual, 2015/16)",
    ]


def test_a_recommendations_feed_has_its_rag_updates(example_site: Path) -> None:
    feed = parse(example_site, "recommendations/leicestershire-ofsted-2017-1/feed.atom")
    assert titles(feed) == ["Recommendation 1: amber on 13 November 2017"]
    assert feed.entries[0].updated.startswith("2017-11-13T00:00:00")
    page = example_site / "recommendations" / "leicestershire-ofsted-2017-1" / "index.html"
    assert "Follow this recommendation" in page.read_text()


def test_entry_ids_and_dates_survive_a_rebuild_with_new_data(tmp_path: Path) -> None:
    project = minimal_project(tmp_path / "project")
    feeds = (
        "indicators/testshire-caseload/feed.atom",
        "people/ann-able/feed.atom",
        "recommendations/testshire-ofsted-1/feed.atom",
    )

    def build(name: str) -> dict[str, dict[str, str]]:
        out = tmp_path / name
        result = run_scrutiny("build", project, "--out", out, "--no-cache")
        assert result.returncode == 0, result.stderr
        return {f: {e.id: e.updated for e in parse(out, f).entries} for f in feeds}

    before = build("first")
    assert all(before.values()), before
    with (project / "datasets" / "observations.csv").open("a", encoding="utf-8") as fh:
        fh.write("testshire-caseload,2018-03-31,actual,19,2017/18,,fixture\n")
    after = build("second")
    for feed in feeds:
        assert before[feed].items() <= after[feed].items(), feed  # old entries as they were
    new = after[feeds[0]].keys() - before[feeds[0]].keys()
    assert len(new) == 1 and "2018-03-31" in new.pop()
