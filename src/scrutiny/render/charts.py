"""Indicator charts: Altair specs rendered to SVG at build time by vl-convert (offline).

Every series is told apart by colour AND line style, and by marker shape while its points are
few enough for the markers to stay apart (MARKED_POINTS). Colours keep at least 3:1 contrast on
white, and the SVG gets role="img", a <title> and a <desc> (vl-convert drops the spec's
description). Rendering is cached by a hash of the spec, so an unchanged chart is never
rendered twice (kept in the build cache by incremental/store.py).
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from scrutiny.incremental.keys import digest
from scrutiny.incremental.store import kept_bytes
from scrutiny.model import Indicator, Model, Observation
from scrutiny.render.units import UNIT_NAMES

# label, colour (contrast on white), dash pattern, point shape
SERIES_STYLE = {
    "actual": ("Actual", "#1d70b8", [1, 0], "circle"),
    "target": ("Target", "#0b0c0c", [6, 4], "square"),
    "baseline": ("Baseline", "#6f4e00", [2, 3], "diamond"),
    "statistical-neighbours": ("Statistical neighbours", "#b3261e", [8, 3, 2, 3], "triangle-up"),
    "england-average": ("England average", "#4c2c92", [3, 3], "triangle-down"),
    "regional-average": ("Regional average", "#00703c", [10, 2], "cross"),
}
WIDTH, HEIGHT = 280, 190
# A series is drawn with a marker on each point only while its markers stay apart: more
# points than this across the chart's width overlap into a band that no shape can be told in
# (the county's twenty years of months draw 960 markers, half the page's bytes). Colour and
# line style still tell the series apart, and the table below the chart gives every value.
MARKED_POINTS = 36


def chart_spec(indicator: Indicator, observations: Sequence[Observation]) -> dict:
    """The Vega-Lite spec: the Altair design for this unit and set of series, plus the data."""
    found = {o.series for o in observations}
    present = tuple(s for s in SERIES_STYLE if s in found)
    spec = copy.deepcopy(_design(indicator.unit, present, marked(observations)))
    spec["data"] = {
        "values": [
            {
                "date": o.period_end.isoformat(),
                "value": o.value,
                "series": SERIES_STYLE[o.series][0],
            }
            for o in observations
        ]
    }
    return spec


def marked(observations: Sequence[Observation]) -> bool:
    """Whether the chart marks each point: no series has more than MARKED_POINTS."""
    counts = Counter(o.series for o in observations)
    return max(counts.values(), default=0) <= MARKED_POINTS


@cache
def _design(unit: str, present: tuple[str, ...], points: bool) -> dict:
    """Built with Altair once per unit, set of series and marking of points (building a
    chart is slow)."""
    import altair as alt  # imported here: it is slow to import and only charts need it

    labels = [SERIES_STYLE[s][0] for s in present]

    def styled(channel: Callable[..., Any], style: int, **options: Any) -> Any:
        """The series' styles of one kind (a column of SERIES_STYLE) on a channel."""
        scale = alt.Scale(domain=labels, range=[SERIES_STYLE[s][style] for s in present])
        return channel("series:N", scale=scale, **options)

    legend = alt.Legend(
        title=None, orient="bottom", direction="vertical", symbolStrokeWidth=2.5, symbolSize=120
    )
    encoding = {
        "x": alt.X(
            "date:T",
            title="Period ending",
            axis=alt.Axis(format="%b %Y", tickCount=4, labelAngle=-35, labelOverlap=True),
        ),
        "y": alt.Y(
            "value:Q",
            title=UNIT_NAMES.get(unit, unit).capitalize(),
            scale=alt.Scale(zero=unit in ("percent", "count")),
            axis=alt.Axis(tickCount=5, format=",~r"),
        ),
        "color": styled(alt.Color, 1, legend=legend),
        "strokeDash": styled(alt.StrokeDash, 2, legend=None),
    }
    if points:
        encoding["shape"] = styled(alt.Shape, 3, legend=None)
    point = alt.OverlayMarkDef(filled=True, size=70) if points else False
    chart = (
        alt.Chart(alt.Data(values=[]))
        .mark_line(point=point, strokeWidth=2.5)
        .encode(**encoding)
        .properties(width=WIDTH, height=HEIGHT, background="#ffffff")
    )
    # No ARIA of Vega's own on each point, line and axis: inside the chart's role="img" (with
    # its title and description, accessible_svg) it is never read, and a county's chart of
    # 960 observations is 40% smaller and a fifth faster to draw without it.
    spec = (
        chart.configure(aria=False)
        .configure_axis(
            labelFontSize=13,
            titleFontSize=13,
            labelColor="#0b0c0c",
            titleColor="#0b0c0c",
            gridColor="#dddddd",
            domainColor="#505a5f",
            tickColor="#505a5f",
        )
        .configure_legend(labelFontSize=13, labelColor="#0b0c0c")
        .configure_view(stroke=None)
        .to_dict()
    )
    spec.pop("$schema", None)
    spec.pop("datasets", None)
    return spec


def warm_up(model: Model) -> None:
    """Start the chart engine (vl-convert's JavaScript runtime), build the design of each
    kind of chart the site has, which take half a second each the first time, and draw one
    real chart, which takes the engine twice as long the first time (0.1 s at county size)
    as after: the preview does it once, so no edit waits for it."""
    import vl_convert

    specs = [
        chart_spec(indicator, model.observations_by_indicator.get(indicator.indicator_id, ()))
        for indicator in model.indicators.values()
    ]
    drawn = [spec for spec in specs if len(spec["data"]["values"]) > 1]
    vl_convert.vegalite_to_svg(drawn[0] if drawn else {"mark": "point", "data": {"values": [{}]}})


def render_svg(spec: dict, cache_dir: Path | None) -> str:
    """The chart as SVG, kept in the build cache by a hash of its spec (None: not kept)."""
    import vl_convert

    key = digest((json.dumps(spec, sort_keys=True) + vl_convert.__version__).encode())
    svg = kept_bytes(cache_dir, key, lambda: vl_convert.vegalite_to_svg(spec).encode("utf-8"))
    return svg.decode("utf-8")


def accessible_svg(svg: str, element_id: str, title: str, desc: str) -> str:
    """Give the SVG an accessible name and description, and let it scale to its container."""
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg)
    opening = re.match(r"<svg\b[^>]*>", svg)
    if opening is None:
        raise ValueError("not an SVG document")
    tag = opening.group(0)
    tag = re.sub(r'\s(width|height|class|role|id|aria-[a-z]+)="[^"]*"', "", tag)
    tag = tag[:-1] + (
        f' role="img" aria-labelledby="{element_id}-title {element_id}-desc"'
        f' id="{element_id}" class="chart" focusable="false">'
    )
    header = (
        f'<title id="{element_id}-title">{escape(title)}</title>'
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>'
    )
    # Inside role="img" nothing is read on its own: the roles Vega leaves on its marks would
    # only ask for names of their own (axe's svg-img-alt).
    body = re.sub(r'\s(?:role|aria-[a-z]+)="[^"]*"', "", svg[opening.end() :])
    return tag + header + body


@dataclass(frozen=True)
class IndicatorChart:
    """An indicator's chart, drawn only when a template shows it (`{{ chart | safe }}` calls
    __html__): so in the worker process that renders the page, and not at all when the
    page is reused from the last build."""

    indicator: Indicator
    observations: tuple[Observation, ...]
    desc: str
    cache_dir: Path | None

    @property
    def marked(self) -> bool:
        """Whether each point has a marker (the figure's caption says so)."""
        return marked(self.observations)

    def __html__(self) -> str:
        svg = render_svg(chart_spec(self.indicator, self.observations), self.cache_dir)
        ind = self.indicator
        return accessible_svg(svg, f"chart-{ind.indicator_id}", f"Chart: {ind.name}", self.desc)


def sparkline(values: Sequence[float], label: str, width: int = 80, height: int = 24) -> str:
    """A tiny trend line for the index; the values are also given as text beside it."""
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = width / (len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
        for i, v in enumerate(values)
    )
    return (
        f'<svg class="sparkline" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f'<polyline fill="none" stroke="#1d70b8" stroke-width="2" points="{points}"/></svg>'
    )
