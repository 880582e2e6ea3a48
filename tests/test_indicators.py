"""Indicator pages: charts as accessible SVG, tables equal to the data, summaries that read
the direction of "better" correctly."""

from __future__ import annotations

import csv
import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

from scrutiny.cli import main
from scrutiny.model.records import Record, record_class
from scrutiny.model.summaries import summary, target_status
from scrutiny.project import Project
from scrutiny.render.charts import MARKED_POINTS, IndicatorChart
from scrutiny.schema.package import load_package

SVG = "{http://www.w3.org/2000/svg}"


def rows(table: str) -> list[dict[str, str]]:
    with (ROOT / "datasets" / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


class TableValues(HTMLParser):
    """Collects data-value cells of the observations table."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[float] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "td" and found.get("data-value") is not None:
            self.values.append(float(found["data-value"] or "nan"))


def test_every_indicator_page_has_chart_or_single_value_and_equal_table(
    example_site: Path,
) -> None:
    observations = rows("observations")
    for indicator in rows("indicators"):
        iid = indicator["indicator_id"]
        text = (example_site / "indicators" / iid / "index.html").read_text()
        values = sorted(float(o["value"]) for o in observations if o["indicator_id"] == iid)
        parser = TableValues()
        parser.feed(text)
        assert sorted(parser.values) == values, iid
        if len(values) > 1:
            svg = re.search(r"<svg\b.*?</svg>", text, re.S).group(0)
            root = ET.fromstring(svg)
            assert root.get("role") == "img"
            assert root.find(f"{SVG}title").text.startswith("Chart: ")
            assert root.find(f"{SVG}desc").text
        elif values:
            assert "One observation" in text
        with (example_site / "indicators" / iid / "observations.csv").open() as fh:
            assert len(list(csv.DictReader(fh))) == len(values)


def test_chart_draws_every_series_distinctly(example_site: Path) -> None:
    by_indicator: dict[str, set[str]] = {}
    for o in rows("observations"):
        by_indicator.setdefault(o["indicator_id"], set()).add(o["series"])
    iid = max(by_indicator, key=lambda k: len(by_indicator[k]))
    text = (example_site / "indicators" / iid / "index.html").read_text()
    svg = re.search(r"<svg\b.*?</svg>", text, re.S).group(0)
    dashes = set(re.findall(r'stroke-dasharray="([^"]+)"', svg))
    assert len(by_indicator[iid]) >= 2
    assert len(dashes) >= len(by_indicator[iid]) - 1  # solid lines carry no dasharray


def test_a_chart_is_one_image_named_by_its_title_and_description(example_site: Path) -> None:
    """Inside the chart's role="img" no mark carries a role or ARIA of its own: nothing there
    is read on its own, and a role left on a mark asks for a name (axe's svg-img-alt)."""
    charted = [
        p for p in (example_site / "indicators").glob("*/index.html") if "<svg" in p.read_text()
    ]
    assert charted
    for page in charted:
        svg = re.search(r'<svg\b[^>]*class="chart".*?</svg>', page.read_text(), re.S).group(0)
        opening, body = svg.split(">", 1)
        assert 'role="img"' in opening and "aria-labelledby" in opening, page
        assert re.search(r"<title id=[^>]*>Chart: ", body) and "<desc id=" in body, page
        assert not re.search(r'\s(role|aria-[a-z]+)="', body), page


def test_no_external_hosts_for_assets(example_site: Path) -> None:
    pattern = re.compile(r"""<(script|link|img|iframe|source)\b[^>]*(src|href)=["']https?://""")
    for page in example_site.rglob("*.html"):
        text = page.read_text()
        for match in pattern.finditer(text):
            tag = text[match.start() : text.index(">", match.start())]
            assert 'rel="license"' in tag or 'rel="canonical"' in tag, f"{page}: {tag}"
    css = (example_site / "static" / "scrutiny.css").read_text()
    assert "http" not in css and "@import" not in css


PACKAGE = load_package(Project.at(ROOT))
Indicator = record_class(PACKAGE.table("indicators"))
Observation = record_class(PACKAGE.table("observations"))


def make(polarity: str) -> Record:
    return Indicator("x", "c", "Caseload", "Workforce", "count", polarity, None, "s")


def obs(day: str, series: str, value: float, label: str | None = None) -> Record:
    return Observation("x", dt.date.fromisoformat(day), series, value, label, None, "s")


@pytest.mark.parametrize(
    ("polarity", "before", "after", "word"),
    [
        ("lower-is-better", 24, 21, "an improvement"),
        ("lower-is-better", 21, 24, "a deterioration"),
        ("higher-is-better", 60, 70, "an improvement"),
        ("higher-is-better", 70, 60, "a deterioration"),
    ],
)
def test_summary_reads_direction(polarity: str, before: float, after: float, word: str) -> None:
    text = summary(
        make(polarity),
        [
            obs("2016-03-31", "actual", before, "2015/16"),
            obs("2017-03-31", "actual", after, "2016/17"),
        ],
    )
    assert f"the latest value is {after} (2016/17)" in text
    assert f"from {before} in 2015/16, {word}." in text


@pytest.mark.parametrize(
    ("polarity", "value", "target", "status"),
    [
        ("lower-is-better", 17, 18, "met"),
        ("lower-is-better", 21, 18, "not met"),
        ("higher-is-better", 75, 70, "met"),
        ("higher-is-better", 65, 70, "not met"),
    ],
)
def test_target_met_or_missed(polarity: str, value: float, target: float, status: str) -> None:
    series = [obs("2017-03-31", "actual", value), obs("2017-03-31", "target", target)]
    assert target_status(make(polarity), series).status == status
    verb = "meets" if status == "met" else "does not meet"
    assert f"This {verb} the target of {target}" in summary(make(polarity), series)


def test_benchmarks_and_future_targets() -> None:
    series = [
        obs("2017-03-31", "actual", 21, "2016/17"),
        obs("2017-03-31", "statistical-neighbours", 17.5),
        obs("2017-03-31", "england-average", 25),
        obs("2020-03-31", "target", 15, "March 2020"),
    ]
    text = summary(make("lower-is-better"), series)
    assert "worse than the statistical neighbours' average (17.5)" in text
    assert "better than the England average (25)" in text
    assert "The next target is 15 for March 2020." in text
    assert target_status(make("lower-is-better"), series).status == "no target"


def test_a_later_target_is_the_next_target_not_no_target() -> None:
    """Issue 17: a 12% target added for 2019/20 was ignored: the status said only "No target"
    and the summary named only the first later target."""
    series = [
        obs("2015-11-30", "actual", 35, "November 2015"),
        obs("2018-11-30", "target", 15, "2018/19"),
        obs("2020-03-31", "target", 12, "2019/20"),
    ]
    status = target_status(make("lower-is-better"), series)
    assert status.status == "no target"
    assert status.compared == "There is no target for November 2015."
    assert [t.value for t in status.upcoming] == [15, 12]
    text = summary(make("lower-is-better"), series)
    assert "The next target is 15 for 2018/19, then 12 for 2019/20." in text


def test_status_compares_like_with_like_and_says_so() -> None:
    """The latest value is compared with the target for its own period, not an older one."""
    series = [
        obs("2018-03-31", "actual", 14, "2017/18"),
        obs("2018-03-31", "target", 15, "2017/18"),
        obs("2020-03-31", "actual", 13, "2019/20"),
        obs("2020-03-31", "target", 12, "2019/20"),
    ]
    status = target_status(make("lower-is-better"), series)
    assert (status.status, status.target.value) == ("not met", 12)
    assert status.compared == (
        "Compared the latest value, 13 for 2019/20, with the target for the same period, 12."
    )
    assert status.upcoming == ()


def test_a_target_added_with_new_observation_reaches_the_page(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    args = ["new", "observation", "--indicator", "testshire-caseload", "--series", "target"]
    more = ["--period-end", "2018-03-31", "--value", "16", "--label", "2017/18", "--source", "x"]
    assert main([*args, *more, str(minimal)]) == 0
    assert main(["build", str(minimal), "--out", str(tmp_path / "site")]) == 0
    capsys.readouterr()
    page = (tmp_path / "site/indicators/testshire-caseload/index.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert (
        "Not met Compared the latest value, 21 for 2016/17, with the target for the same " in text
    )
    assert "Next target The next target is 16 for 2017/18." in text


def test_tracker_counts_equal_the_data(example_site: Path) -> None:
    updates = rows("recommendation_updates")
    latest: dict[str, tuple[str, str]] = {}
    for u in updates:
        if u["recommendation_id"] not in latest or u["as_at"] > latest[u["recommendation_id"]][0]:
            latest[u["recommendation_id"]] = (u["as_at"], u["rag"])
    recs = rows("recommendations")
    expected = {rag: 0 for rag in ("red", "amber", "green", "complete", "not-rated")}
    for r in recs:
        expected[latest.get(r["recommendation_id"], ("", "not-rated"))[1]] += 1
    text = (example_site / "recommendations" / "index.html").read_text()
    sentence = re.search(r'<p class="rag-summary">(.*?)</p>', text).group(1)
    labels = {
        "red": "red",
        "amber": "amber",
        "green": "green",
        "complete": "complete",
        "not-rated": "not rated",
    }
    for rag, n in expected.items():
        assert f"{n} {labels[rag]}" in sentence
    for r in recs:
        page = example_site / "recommendations" / r["recommendation_id"] / "index.html"
        dates = re.findall(r'<time datetime="([0-9-]+)">', page.read_text())
        mine = sorted(
            u["as_at"] for u in updates if u["recommendation_id"] == r["recommendation_id"]
        )
        assert dates == mine


def test_tracker_filters_work_without_javascript(example_site: Path) -> None:
    for council in {r["council_id"] for r in rows("recommendations")}:
        view = example_site / "recommendations" / "council" / council / "index.html"
        ids = set(
            re.findall(r'href="\.\./\.\./\.\./recommendations/([a-z0-9-]+)/"', view.read_text())
        )
        expected = {
            r["recommendation_id"] for r in rows("recommendations") if r["council_id"] == council
        }
        assert expected <= ids


def test_work_programme_on_committee_pages(example_site: Path) -> None:
    for entry in rows("workplan"):
        text = (example_site / "committees" / entry["committee_id"] / "index.html").read_text()
        assert entry["topic"].replace("&", "&amp;").replace("'", "&#39;") in text


def monthly(months: int, series: tuple[str, ...]) -> list[Record]:
    days = [dt.date(2005 + m // 12, m % 12 + 1, 28).isoformat() for m in range(months)]
    return [obs(day, name, 40.0 + (m % 7), None) for m, day in enumerate(days) for name in series]


@pytest.mark.parametrize(("months", "markers"), [(MARKED_POINTS, True), (MARKED_POINTS + 1, False)])
def test_a_chart_marks_its_points_only_while_the_markers_stay_apart(
    months: int, markers: bool
) -> None:
    """Two series of `months` points: a marker on every point (a shape of its series' own)
    up to MARKED_POINTS a series; beyond, the markers would overlap, so only the lines are
    drawn, each still in its own colour and dash, and the caption no longer speaks of
    markers."""
    observations = tuple(monthly(months, ("actual", "target")))
    chart = IndicatorChart(make("lower-is-better"), observations, "A description.", None)
    svg = chart.__html__()
    shapes = re.findall(r'<path transform="translate\([^)]*\)" d="([^"]+)" fill=', svg)
    lines = re.findall(r'<path [^>]*d="M[^"]*L[^"]*"[^>]*stroke="(#[0-9a-f]{6})"', svg)
    assert chart.marked is markers
    assert len(shapes) == (2 * months + 2 if markers else 0)  # and one in the legend each
    assert len(set(shapes)) == (4 if markers else 0)  # a circle and a square, two sizes
    assert len(re.findall(r'stroke-dasharray="([^"]+)"', svg)) >= 1  # the target is dashed
    assert {"#1d70b8", "#0b0c0c"} <= set(lines)
