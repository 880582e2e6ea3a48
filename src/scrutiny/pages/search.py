"""The search page, `/search/`: Pagefind's UI, loaded from the site itself.

The index is written after the pages (see scrutiny/search.py); the page lists the bundles of
meetings that its script merges into the main one. Without JavaScript the page
says so and links to the browsable indexes instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrutiny import urls
from scrutiny.output.search_index import meeting_bundles
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


def pages(inputs: Inputs) -> Iterator[Page]:
    context = {"browse": BROWSE, "merge": meeting_bundles(inputs.model)}
    yield Page(urls.page_file("search"), "search.html", "Search", context)
