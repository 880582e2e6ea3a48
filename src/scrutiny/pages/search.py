"""The search page, `/search/`: Pagefind's UI, loaded from the site itself.

The index is written after the pages (see output/search_index.py); the page lists the
bundles (of meetings by year, of people, of indicators) that its script merges into the main
one. Without JavaScript the page says so and links to the browsable indexes instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrutiny import urls
from scrutiny.model import Model
from scrutiny.outputs import Page
from scrutiny.pages.inputs import Inputs

BROWSE = (
    (
        urls.path("meeting"),
        "Meetings",
        "every meeting, by year, with agenda, minutes and decisions",
    ),
    (urls.path("committee"), "Committees", "each committee's members, meetings and work programme"),
    (
        urls.path("person"),
        "People",
        "councillors, co-opted members and officers, and their attendance",
    ),
    (urls.path("indicator"), "Performance indicators", "each indicator with its chart and data"),
    (
        urls.path("recommendation"),
        "Recommendations",
        "the tracker, with each recommendation's RAG status",
    ),
)


# Families whose pages are indexed in a bundle of their own (by the folder of their pages),
# so that an edit re-indexes only that bundle: an observation, the indicators' 60 pages, not
# the main bundle's thousand.
FAMILY_BUNDLES = ("people", "indicators")  # the folders of their pages, named as their tables


def merged_bundles(model: Model) -> list[str]:
    """The search bundles the search page merges into the main one: one per year of meetings,
    and one per family in FAMILY_BUNDLES that has records."""
    years = sorted({m.date.year for m in model.meetings.values()})
    families = [family for family in FAMILY_BUNDLES if model.tables.get(family)]
    return [
        *(urls.path("search.meetings", str(year)) for year in years),
        *(urls.path("search.family", family) for family in families),
    ]


def pages(inputs: Inputs) -> Iterator[Page]:
    context = {"browse": BROWSE, "merge": merged_bundles(inputs.model)}
    yield Page(urls.page_file("search"), "search.html", "Search", context)
