"""`scrutiny check`: passes a good built site, and fails on each kind of damage, naming the page.

The site is a new council's, made by `scrutiny init` and built once (conftest.py). Each
failure starts from a copy of it, breaks one thing the way a template override or a hand-edited
file could, and runs the real command line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_scrutiny

PAGE = "about/index.html"


@pytest.fixture
def site(new_council_site: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(new_council_site, tmp_path / "_site"))


def break_page(site: Path, old: str, new: str, page: str = PAGE) -> None:
    path = site / page
    html = path.read_text("utf-8")
    assert old in html, f"{page} has no {old!r} to break"
    path.write_text(html.replace(old, new, 1), "utf-8")


def failing(site: Path) -> str:
    result = run_scrutiny("check", site)
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_a_good_site_passes(new_council_site: Path) -> None:
    result = run_scrutiny("check", new_council_site)
    assert result.returncode == 0, result.stdout
    assert "no problems found" in result.stdout


def test_a_broken_link_names_the_page(site: Path) -> None:
    break_page(site, "<main", '<a href="../meetings/no-such-meeting/">gone</a><main')
    out = failing(site)
    assert f"{PAGE}\n" in out
    assert "'../meetings/no-such-meeting/': no meetings/no-such-meeting/index.html" in out


def test_a_missing_anchor_names_the_page(site: Path) -> None:
    break_page(site, "<main", '<a href="../#nowhere">gone</a><main')
    out = failing(site)
    assert f"{PAGE}\n" in out and "no id 'nowhere' on index.html" in out


def test_a_missing_stylesheet_names_the_pages(site: Path) -> None:
    (site / "static" / "scrutiny.css").unlink()
    out = failing(site)
    assert f"{PAGE}\n" in out and "index.html\n" in out
    assert "<link href> '../static/scrutiny.css': no static/scrutiny.css in the build" in out


def test_an_external_script_names_the_page(site: Path) -> None:
    break_page(site, "</head>", '<script src="https://cdn.example.com/tracker.js"></script></head>')
    out = failing(site)
    assert f"{PAGE}\n" in out
    assert "'https://cdn.example.com/tracker.js' is not served by the site" in out


def test_html_that_does_not_parse_names_the_page(site: Path) -> None:
    break_page(site, "<main", "<div><span></div><main")
    out = failing(site)
    assert f"{PAGE}\n" in out
    assert "</div> closes <div> while <span>" in out


def test_a_page_without_a_title_or_main_landmark(site: Path) -> None:
    path = site / PAGE
    html = path.read_text("utf-8")
    html = html.replace("<main", "<div").replace("</main>", "</div>")
    start, end = html.index("<title>"), html.index("</title>") + len("</title>")
    path.write_text(html[:start] + html[end:], "utf-8")
    out = failing(site)
    assert f"{PAGE}\n    no <title>" in out
    assert "no <main> landmark: every page needs exactly one" in out
    assert "2 problems on 1 of" in out


def test_not_a_built_site_is_a_usage_error(tmp_path: Path) -> None:
    result = run_scrutiny("check", tmp_path)
    assert result.returncode == 2
    assert "is not a built site" in result.stderr and "scrutiny build" in result.stderr


def test_browser_checks_without_chromium_fail_saying_how_to_install(new_council_site: Path) -> None:
    """Never a silent skip: no Chromium means exit 2 and the install command."""
    result = run_scrutiny(
        "check", "--browser", new_council_site, env={"SCRUTINY_CHROMIUM": "/nonexistent/chromium"}
    )
    assert result.returncode == 2, result.stdout
    assert "Chromium is not installed" in result.stderr
    assert "apt-get install chromium" in result.stderr
    assert "no problems found" not in result.stdout
