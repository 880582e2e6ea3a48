"""Indicator pages with charts and summaries, the indicators index and per-indicator CSVs."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from scrutiny import urls
from scrutiny.model import Indicator, Model, Observation
from scrutiny.model.summaries import (
    TargetStatus,
    next_targets,
    series,
    summary,
    target_status,
)
from scrutiny.outputs import Generated, Page
from scrutiny.pages.inputs import Inputs
from scrutiny.render.charts import IndicatorChart, sparkline
from scrutiny.schema.types import to_json

OBSERVATION_FIELDS = (
    "indicator_id",
    "period_end",
    "series",
    "value",
    "period_label",
    "note",
    "source",
)


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    observations: tuple[Observation, ...]
    summary: str
    status: TargetStatus

    @property
    def latest(self) -> Observation | None:
        actuals = series(self.observations, "actual")
        return actuals[-1] if actuals else None

    @property
    def next_targets(self) -> str:
        return next_targets(self.indicator, self.status)

    @property
    def trend(self) -> list[float]:
        return [o.value for o in series(self.observations, "actual")]


def view(model: Model, indicator: Indicator) -> IndicatorView:
    observations = model.observations_by_indicator.get(indicator.indicator_id, ())
    return IndicatorView(
        indicator,
        observations,
        summary(indicator, observations),
        target_status(indicator, observations),
    )


def observations_csv(observations: tuple[Observation, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OBSERVATION_FIELDS)
    for o in observations:
        writer.writerow(
            ["" if (v := to_json(getattr(o, f))) is None else v for f in OBSERVATION_FIELDS]
        )
    return buffer.getvalue().encode("utf-8")


def one_page(inputs: Inputs, indicator_id: str) -> Page | None:
    indicator = inputs.model.indicators.get(indicator_id)
    return indicator_page(inputs, view(inputs.model, indicator)) if indicator else None


def indicator_page(inputs: Inputs, v: IndicatorView) -> Page:
    ind = v.indicator
    chart = None
    if len(v.observations) > 1:
        chart = IndicatorChart(ind, v.observations, v.summary, inputs.cache_folder("charts"))
    return Page(
        urls.page_file("indicator", ind.indicator_id),
        "indicator.html",
        ind.name,
        {
            "v": v,
            "council": inputs.model.councils[ind.council_id],
            "chart": chart,
        },
        twin=urls.twin("indicator", ind.indicator_id),
        searchable=True,
    )


def pages(inputs: Inputs) -> Iterator[Page | Generated]:
    model = inputs.model
    views = [view(model, indicator) for indicator in model.indicators.values()]
    for v in views:
        yield indicator_page(inputs, v)
        path = urls.path("indicator.csv", v.indicator.indicator_id)
        yield Generated(path, observations_csv, (v.observations,))  # made only when they change
    groups: dict[str, dict[str, list[IndicatorView]]] = defaultdict(lambda: defaultdict(list))
    for v in sorted(views, key=lambda v: (v.indicator.theme, v.indicator.name)):
        groups[v.indicator.council_id][v.indicator.theme].append(v)
    yield Page(
        urls.page_file("indicator"),
        "indicators_index.html",
        "Performance indicators",
        {
            "groups": [
                (model.councils[c], sorted(themes.items())) for c, themes in sorted(groups.items())
            ],
            "sparkline": sparkline,
            "counts": status_counts(views),
        },
    )


def status_counts(views: list[IndicatorView]) -> dict[str, int]:
    counts = {"met": 0, "not met": 0, "no target": 0}
    for v in views:
        counts[v.status.status] += 1
    return counts
