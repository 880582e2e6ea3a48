"""A reader follows a `source` link and lands on the cited line, highlighted, with JavaScript
off: the source of an indicator value, of a decision, of an attendance row, and of a meeting
(a range of lines)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from .browser_harness import DESKTOP, launch, serve

pytestmark = pytest.mark.browser

HIGHLIGHT = "rgb(255, 247, 191)"
MEETING = "meetings/lancashire-childrens-services-scrutiny-2017-10-18/"
# (page, the source link to click, the line ids that must be highlighted, one that must not)
CLICKS = [
    (  # an indicator value: 000_84cb4cf6135e41f0.txt:205
        "indicators/lancashire-secure-accommodation-placement-cost-per-week-lower/",
        "#observations tbody tr:first-child a.source-link",
        ["L205"],
        "L206",
    ),
    (  # a decision: 000_84cb4cf6135e41f0.txt:89
        MEETING,
        "#lancashire-childrens-services-scrutiny-2017-10-18-3-1 a.source-link",
        ["L89"],
        "L90",
    ),
    (  # an attendance row on the person's page: 000_84cb4cf6135e41f0.txt:62
        "people/andrea-kay/",
        '#meetings-caption ~ tbody tr:has(a[href*="2017-10-18"]) a.source-link',
        ["L62"],
        "L63",
    ),
    (  # the meeting itself, a range: 000_84cb4cf6135e41f0.txt:55-58
        MEETING,
        ".summary-list a.source-link",
        ["L55", "L56", "L57", "L58"],
        "L59",
    ),
]


async def _style(page: Page, line: str) -> tuple[str, str, bool]:
    """The line's background, its left border colour, and whether it is in the viewport."""
    element = page.locator(f"#{line}")
    box = await element.bounding_box()
    height = DESKTOP["height"]
    visible = box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height
    background, border = await element.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderLeftColor]"
    )
    return background, border, visible


async def _follow(base_url: str) -> list[str]:
    failures = []
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        context = await browser.new_context(viewport=DESKTOP, java_script_enabled=False)
        page = await context.new_page()
        for start, link, lines, outside in CLICKS:
            await page.goto(base_url + start)
            href = await page.locator(link).first.get_attribute("href")
            await page.locator(link).first.click()
            await page.wait_for_load_state()
            where = f"{start} -> {href}"
            if "/sources/000_84cb4cf6135e41f0/#" not in page.url:
                failures.append(f"{where}: landed on {page.url}")
                continue
            for line in lines:
                background, border, visible = await _style(page, line)
                if background != HIGHLIGHT or border != "rgb(11, 12, 12)":
                    failures.append(f"{where}: {line} is not highlighted ({background})")
                if not visible:
                    failures.append(f"{where}: {line} is not in view")
            if (await _style(page, outside))[0] == HIGHLIGHT:
                failures.append(f"{where}: {outside} is highlighted but not cited")
            if len(lines) > 1:
                label = await page.locator(f"#{lines[0]}-{lines[-1]}").evaluate(
                    "e => getComputedStyle(e, '::before').content"
                )
                if "Cited: lines 55 to 58" not in label:
                    failures.append(f"{where}: the range is not labelled ({label})")
        await browser.close()
    return failures


def test_source_links_land_on_the_cited_lines(example_site: Path, browser_tools: None) -> None:
    with serve(example_site) as base_url:
        failures = asyncio.run(_follow(base_url))
    assert not failures, failures
