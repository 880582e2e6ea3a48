"""The search page finds a known meeting, person and indicator in a real browser, with
JavaScript on: each is in a different bundle of the index, merged by the page's script."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from .browser_harness import DESKTOP, launch, serve, watch

pytestmark = pytest.mark.browser

# A phrase from one agenda item, and the meeting whose page must come up for it.
QUERY = "Homelessness Protocol"
MEETING = "meetings/lancashire-childrens-services-scrutiny-2017-10-18/"
# A query for a page in each of the other bundles (pagefind-people/, pagefind-indicators/).
OTHER_BUNDLES = [
    ("Andrea Kay", "people/andrea-kay/"),
    ("secure accommodation placement", "indicators/lancashire-secure-accommodation-placement"),
]


async def _search(base_url: str, query: str, wanted: str) -> tuple[list[str], list[str]]:
    """Type the query into the search page; returns result links and any browser errors."""
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        page = await browser.new_page(viewport=DESKTOP)
        watch(page, errors.append)
        await page.goto(base_url + "search/")
        box = page.locator(
            "main input[type=search], main input[type=text], main [role=searchbox]"
        ).first
        try:
            await box.wait_for(state="visible", timeout=10_000)
        except Exception:
            await browser.close()
            return [], [*errors, "no visible search box in <main> with JavaScript on"]
        await box.fill(query)
        hit = page.locator(f'main a[href*="{wanted}"]')
        try:
            await hit.first.wait_for(state="visible", timeout=15_000)
        except Exception:
            errors.append(f"no result linking to {wanted} within 15 s")
        links = await page.locator("main a[href]").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        await browser.close()
    return links, errors


def test_search_finds_a_known_meeting(example_site: Path, browser_tools: None) -> None:
    assert (example_site / "search" / "index.html").exists(), (
        "the build has no search page at search/index.html: the site's navigation links to "
        "/search/, and this test needs the Pagefind search page there"
    )
    with serve(example_site) as base_url:
        links, errors = asyncio.run(_search(base_url, QUERY, MEETING))
    assert not errors, f"searching for {QUERY!r}: {errors}; links on the page: {links}"
    assert any(MEETING in href for href in links)


@pytest.mark.parametrize(("query", "wanted"), OTHER_BUNDLES)
def test_search_finds_people_and_indicators_in_their_own_bundles(
    example_site: Path, browser_tools: None, query: str, wanted: str
) -> None:
    with serve(example_site) as base_url:
        links, errors = asyncio.run(_search(base_url, query, wanted))
    assert not errors, f"searching for {query!r}: {errors}; links on the page: {links}"
