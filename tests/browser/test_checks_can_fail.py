"""The harness is not vacuous: a deliberately broken page fails every check, while the real
page it was made from passes them all."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .browser_harness import CHECKS, PageReport, run_sweep

pytestmark = pytest.mark.browser

MEETING_PAGE = "meetings/lancashire-childrens-services-scrutiny-2017-10-18/index.html"

BROKEN_CSS = """
a:focus, a:focus-visible { outline: none; box-shadow: none; background: none; color: inherit; }
.too-wide { width: 600px; }
"""
BROKEN_JS = """
document.querySelector('main').insertAdjacentHTML('afterbegin', '<h2>Only with scripts</h2>');
document.querySelector('.site-nav').hidden = false;
"""


def break_page(html: str, root: str) -> str:
    """The real page with table headers and the skip link removed, an image without alt text,
    invisible focus on links, a box wider than a phone, and a heading and the navigation that
    only scripts show."""
    html = re.sub(r"<th\b[^>]*>", "<td>", html).replace("</th>", "</td>")
    html = re.sub(r'<a class="skip-link"[^>]*>.*?</a>', "", html)
    html = html.replace(
        "</head>",
        f'<link rel="stylesheet" href="{root}static/broken.css">\n'
        f'<script src="{root}static/broken.js" defer></script>\n</head>',
    )
    html = html.replace('<nav class="site-nav"', '<nav class="site-nav" hidden', 1)
    return html.replace(
        "<h1>",
        f'<img src="{root}static/picture.svg"><div class="too-wide">wide</div>\n<h1>',
        1,
    )


@pytest.fixture(scope="module")
def reports(
    example_site: Path, tmp_path_factory: pytest.TempPathFactory, browser_tools: None
) -> dict[str, PageReport]:
    site = tmp_path_factory.mktemp("broken-page") / "site"
    shutil.copytree(example_site / "static", site / "static")
    (site / "static" / "broken.css").write_text(BROKEN_CSS, "utf-8")
    (site / "static" / "broken.js").write_text(BROKEN_JS, "utf-8")
    (site / "static" / "picture.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "utf-8"
    )
    original = (example_site / MEETING_PAGE).read_text("utf-8")
    (site / "good").mkdir()
    (site / "good" / "index.html").write_text(original.replace("../../", "../"), "utf-8")
    (site / "broken").mkdir()
    (site / "broken" / "index.html").write_text(
        break_page(original.replace("../../", "../"), "../"), "utf-8"
    )
    return run_sweep(site, ["good/index.html", "broken/index.html"])


def test_the_real_page_passes(reports: dict[str, PageReport]) -> None:
    problems = {check: p for check, p in reports["good/index.html"].problems.items() if p}
    # Links to the rest of the site are missing from this small copy; that is all.
    problems.pop("console", None)
    assert not problems


def test_the_broken_page_fails_every_check(reports: dict[str, PageReport]) -> None:
    problems = reports["broken/index.html"].problems
    failed = {check for check in CHECKS if problems[check]}
    assert failed >= set(CHECKS) - {"console"}, problems
    axe_rules = {line.split(" ", 1)[0] for line in problems["axe"]}
    assert {"image-alt", "td-has-header"} <= axe_rules, problems["axe"]
    assert any("no header cells" in p for p in problems["tables"]), problems["tables"]
    assert any('not a "Skip to main content" link' in p for p in problems["skip link"])
    assert any("no visible focus indicator" in p for p in problems["focus"])
    assert any("too-wide" in p for p in problems["reflow"]), problems["reflow"]
    assert any("Only with scripts" in p for p in problems["no-js"]), problems["no-js"]
    assert any("navigation links hidden" in p for p in problems["no-js"]), problems["no-js"]
