"""sitemap.xml and robots.txt, written with the finished site (a post-build step).

A sitemap must list absolute URLs, so it is written only when site.yaml sets `base_url`;
robots.txt is always written and names the sitemap when there is one. Crawlers read
robots.txt only at a domain's root: on a sub-path (GitHub Pages project sites) it is
harmless but ignored, and the sitemap can be submitted to search engines directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from scrutiny.output.atomic import write_atomic
from scrutiny.pages.inputs import Inputs

SKIP = {"404.html"}  # not content


def page_paths(pages: Iterable[str]) -> list[str]:
    """The site's HTML pages (paths of files) as pretty URL paths (`meetings/x/`), sorted."""
    return sorted(page.removesuffix("index.html") for page in pages if page not in SKIP)


def sitemap_xml(base_url: str, paths: list[str]) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *(f"<url><loc>{escape(base_url + path)}</loc></url>" for path in paths),
        "</urlset>",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(inputs: Inputs, site: Path, pages: Iterable[str]) -> None:
    """`pages`: the paths of the site's HTML files."""
    base_url = inputs.config.base_url
    robots = ["User-agent: *", "Allow: /"]
    if base_url:
        write_atomic(site / "sitemap.xml", sitemap_xml(base_url, page_paths(pages)))
        robots.append(f"Sitemap: {base_url}sitemap.xml")
    write_atomic(site / "robots.txt", ("\n".join(robots) + "\n").encode("utf-8"))
