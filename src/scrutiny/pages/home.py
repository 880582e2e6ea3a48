"""The home page: upcoming and recent meetings, latest decisions."""

from __future__ import annotations

from collections.abc import Iterator

from scrutiny.pages.inputs import Inputs
from scrutiny.render import Page


def pages(inputs: Inputs) -> Iterator[Page]:
    model = inputs.model
    latest_decisions = []
    for meeting in reversed(model.meetings.values()):
        decisions = model.decisions_at(meeting.meeting_id)
        if decisions:
            latest_decisions.append((meeting, decisions))
        if len(latest_decisions) == 3:
            break
    yield Page("index.html", "home.html", inputs.config.title, {
        "upcoming": inputs.upcoming(),
        "recent": inputs.recent(),
        "latest_decisions": latest_decisions,
        "model": model,
    })
