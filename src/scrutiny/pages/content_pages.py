"""Content pages from content/pages/*.md, and the 404 page."""

from __future__ import annotations

from collections.abc import Iterator

from scrutiny import urls
from scrutiny.outputs import Page
from scrutiny.pages.inputs import Inputs


def pages(inputs: Inputs) -> Iterator[Page]:
    for doc in inputs.pages:
        yield Page(urls.page_file("page", doc.slug), "content_page.html", doc.title, {"doc": doc})
    yield Page("404.html", "404.html", "Page not found", {})
