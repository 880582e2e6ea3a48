"""Page families: each module turns the model into Pages (and other output Files).

Adding a family means adding one module here, listing it in FAMILIES, and its templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from scrutiny import search as search_index
from scrutiny import sitemap
from scrutiny.pages import (
    calendars,
    committees,
    content,
    data,
    feeds,
    home,
    indicators,
    meetings,
    ocd,
    people,
    recommendations,
    search,
    twins,
)
from scrutiny.pages.inputs import Inputs
from scrutiny.render import File, Generated, Page

Family = Callable[[Inputs], Iterable[Page | File | Generated]]

FAMILIES: tuple[Family, ...] = (
    home.pages,
    meetings.pages,
    committees.pages,
    people.pages,
    content.pages,
    indicators.pages,
    recommendations.pages,
    data.pages,
    twins.pages,
    feeds.pages,
    calendars.pages,
    ocd.pages,
    search.pages,
)

# Steps that run on the written site before it is swapped in (e.g. the search index).
POSTPROCESS: tuple[Callable[[Inputs, Path], None], ...] = (sitemap.write, search_index.write)


def collect(inputs: Inputs) -> list[Page | File | Generated]:
    return [output for family in FAMILIES for output in family(inputs)]
