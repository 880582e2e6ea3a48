"""The home page: upcoming and recent meetings, latest decisions."""

from __future__ import annotations

from collections.abc import Iterator

from scrutiny import urls
from scrutiny.outputs import Page
from scrutiny.pages import indicators, recommendations
from scrutiny.pages.inputs import Inputs


def pages(inputs: Inputs) -> Iterator[Page]:
    model = inputs.model
    views = [indicators.view(model, i) for i in model.indicators.values()]
    tracked = recommendations.tracked(model)
    latest_decisions = []
    for meeting in reversed(model.meetings.values()):
        decisions = model.decisions_at(meeting.meeting_id)
        if decisions:
            latest_decisions.append((meeting, decisions))
        if len(latest_decisions) == 3:
            break
    yield Page(
        urls.page_file("home"),
        "home.html",
        inputs.config.title,
        {
            "upcoming": inputs.upcoming(),
            "recent": inputs.recent(),
            "latest_decisions": latest_decisions,
            "model": model,
            "indicator_counts": indicators.status_counts(views),
            "missed": [v for v in views if v.status.status == "not met"][:5],
            "rag_counts": recommendations.counts(model, tracked),
            "rag_labels": recommendations.ratings(model).labels,
        },
    )
