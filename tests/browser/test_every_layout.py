"""Every layout of the example site, in Chromium: WCAG 2.2 AA by axe-core, keyboard, reflow at
320px and without JavaScript. One page of each layout (scrutiny.check.layouts) is visited once
(see browser_harness.sweep); each test here reports one check over all of them, listing every
page and element that fails. The Nu HTML Checker (test_html_validity) and the link checks still
read every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.check.layouts import layouts

from .browser_harness import PageReport

pytestmark = pytest.mark.browser


def assert_passes(reports: dict[str, PageReport], check: str, what: str) -> None:
    failures = [
        f"{path}: {problem}"
        for path, report in sorted(reports.items())
        for problem in report.problems[check]
    ]
    pages = len({f.split(": ", 1)[0] for f in failures})
    assert not failures, (
        f"{what}: {len(failures)} problem(s) on {pages} of {len(reports)} pages\n"
        + "\n".join(failures[:150])
    )


def test_every_layout_was_visited(example_site: Path, site_reports: dict[str, PageReport]) -> None:
    grouped = layouts(example_site)
    templates = {template for template, _ in grouped}
    assert len(templates) > 15
    assert sum(map(len, grouped.values())) > 500
    unvisited = [paths[0] for paths in grouped.values() if not set(paths) & set(site_reports)]
    assert not unvisited, f"layouts the sweep did not visit: {unvisited}"


def test_no_axe_violations_of_wcag_2_2_a_and_aa(site_reports: dict[str, PageReport]) -> None:
    assert_passes(site_reports, "axe", "axe-core WCAG 2.0/2.1/2.2 A and AA")


def test_first_tab_reaches_skip_link_to_main(site_reports: dict[str, PageReport]) -> None:
    assert_passes(site_reports, "skip link", "skip link")


def test_keyboard_focus_is_always_visible(site_reports: dict[str, PageReport]) -> None:
    assert_passes(site_reports, "focus", "focus indicator")


def test_no_horizontal_scrolling_at_320px(site_reports: dict[str, PageReport]) -> None:
    assert_passes(site_reports, "reflow", "reflow at 320px")


def test_tables_have_captions_and_header_cells(site_reports: dict[str, PageReport]) -> None:
    assert_passes(site_reports, "tables", "table structure")


def test_content_and_navigation_work_without_javascript(
    site_reports: dict[str, PageReport],
) -> None:
    assert_passes(site_reports, "no-js", "without JavaScript")


def test_no_script_errors_or_failed_requests(site_reports: dict[str, PageReport]) -> None:
    assert_passes(site_reports, "console", "browser console and network")
