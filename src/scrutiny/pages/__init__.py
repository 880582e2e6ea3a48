"""Page families: each module turns the model into Pages (and other output Files).

Adding a family means adding one module here, listing it in FAMILIES, and its templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from scrutiny.outputs import File, Generated, Later, Page
from scrutiny.pages import (
    calendars,
    committees,
    content_pages,
    data,
    feeds,
    follow,
    home,
    indicators,
    meetings,
    ocd,
    people,
    recommendations,
    search,
    sources,
    twins,
)
from scrutiny.pages.inputs import Inputs

Family = Callable[[Inputs], Iterable[Page | File | Generated | Later]]

FAMILIES: tuple[Family, ...] = (
    home.pages,
    meetings.pages,
    committees.pages,
    people.pages,
    content_pages.pages,
    indicators.pages,
    recommendations.pages,
    data.pages,
    sources.pages,
    twins.pages,
    feeds.pages,
    follow.pages,
    calendars.pages,
    ocd.pages,
    search.pages,
)

# A family's costly work that the build starts in another process before collecting
# (incremental/pool.Ahead), while it makes the pages; read back with Inputs.made_ahead, by a
# `Later` output, once everything else is made.
AHEAD: dict[str, Callable[[Inputs], Any]] = {"downloads": data.downloads}

# Families that can make one page of a route from its key without making the others (the
# preview re-makes the open pages first: preview/live.py); any other page is found by
# running its family.
ONE_PAGE: dict[str, Callable[[Inputs, str], Page | None]] = {
    "meeting": meetings.one_page,
    "person": people.one_page,
    "indicator": indicators.one_page,
}


def collect(inputs: Inputs) -> list[Page | File | Generated | Later]:
    return [output for family in FAMILIES for output in family(inputs)]
