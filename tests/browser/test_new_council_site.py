"""`scrutiny check --browser` on a new council's site: every empty page passes axe-core's WCAG
2.2 AA checks and reflows at 320px, and the command really runs the browser (a page with an
image without alt text fails it, naming the page)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_scrutiny

pytestmark = pytest.mark.browser


def test_a_new_councils_site_passes_the_browser_checks(
    new_council_site: Path, browser_tools: None
) -> None:
    result = run_scrutiny("check", "--browser", new_council_site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in Chromium: no problems found" in result.stdout


def test_the_browser_checks_find_an_image_without_alt_text(
    new_council_site: Path, browser_tools: None, tmp_path: Path
) -> None:
    site = Path(shutil.copytree(new_council_site, tmp_path / "_site"))
    page = site / "about" / "index.html"
    html = page.read_text("utf-8")
    page.write_text(html.replace("<h1>", '<img src="../static/none.svg"><h1>', 1), "utf-8")
    (site / "static" / "none.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="10"/>', "utf-8"
    )
    result = run_scrutiny("check", "--browser", site)
    assert result.returncode == 1, result.stdout
    assert "about/index.html\n    axe: image-alt" in result.stdout
