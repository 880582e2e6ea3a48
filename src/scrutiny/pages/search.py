"""The search page, `/search/`: Pagefind's UI, loaded from the site itself.

The index is written after the pages (see scrutiny/search.py); the page lists the bundles of
meetings that its script merges into the main one. Without JavaScript the page
says so and links to the browsable indexes instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrutiny.output.search_index import meeting_bundles
from scrutiny.outputs import Page
from scrutiny.pages.inputs import Inputs

BROWSE = (
    ("meetings/", "Meetings", "every meeting, by year, with agenda, minutes and decisions"),
    ("committees/", "Committees", "each committee's members, meetings and work programme"),
    ("people/", "People", "councillors, co-opted members and officers, and their attendance"),
    ("indicators/", "Performance indicators", "each indicator with its chart and data"),
    ("recommendations/", "Recommendations", "the tracker, with each recommendation's RAG status"),
)


def pages(inputs: Inputs) -> Iterator[Page]:
    context = {"browse": BROWSE, "merge": meeting_bundles(inputs.model)}
    yield Page("search/index.html", "search.html", "Search", context)
