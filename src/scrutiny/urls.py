"""Every URL of the site, said once.

Page families ask `path()` for where a page goes and `href()` for a link to it; templates call
`url_for(...)`, which is `href()` made relative to the page being drawn. Files read outside
the site (feeds, calendars, exports) use `site_link()`, which is absolute under `base_url`.

A URL is named by its family and key: `path("meeting", "lancs-2017-10-18")` is
`meetings/lancs-2017-10-18/`. Adding a page family is one line in FAMILIES.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrutiny.config import SiteConfig

# family -> the folder of its pages, under the site root; an item page is FOLDER/<key>/.
FAMILIES: dict[str, str] = {
    "meeting": "meetings",
    "committee": "committees",
    "person": "people",
    "indicator": "indicators",
    "recommendation": "recommendations",
    "dataset": "data",
    "source": "sources",  # a text source document with numbered lines: sources/<stem>/
    "page": "",  # content pages: /<slug>/
}


def path(family: str, key: str | None = None) -> str:
    """The URL path of a family's index (`key` None) or of one item's page, from the root:
    always a folder, ending in `/` (`meetings/`, `meetings/<id>/`, `<slug>/` for pages)."""
    folder = FAMILIES[family]
    if key is None:
        return f"{folder}/" if folder else ""
    return f"{folder}/{key}/" if folder else f"{key}/"


def page_file(url_path: str) -> str:
    """The output file that serves a page URL: `meetings/x/` -> `meetings/x/index.html`."""
    return f"{url_path}index.html"


def twin(family: str, key: str) -> str:
    """The JSON twin of an item page, beside its folder: `meetings/<id>.json`."""
    return f"{FAMILIES[family]}/{key}.json"


def feed(family: str, key: str) -> str:
    """The Atom feed of one item's page, inside its folder: `people/<id>/feed.atom`."""
    return f"{path(family, key)}feed.atom"


def download(table: str, fmt: str) -> str:
    """An open-data download: `data/<table>.csv`, `data/<table>.json`."""
    return f"data/{table}.{fmt}"


def source_file(name: str) -> str:
    """A source document as published, under its own file name: `sources/<name>`."""
    return f"{FAMILIES['source']}/{name}"


def decision(meeting_id: str, decision_id: str) -> str:
    """A decision is an anchor on its meeting's page."""
    return f"{path('meeting', meeting_id)}#{decision_id}"


def href(family: str, key: str | None = None, *, fmt: str | None = None) -> str:
    """The path from the root to a family's page, or to its JSON twin with fmt="json"."""
    if fmt == "json" and key is not None:
        return twin(family, key)
    return path(family, key)


def site_link(config: SiteConfig, target: str, here: str) -> str:
    """The URL of `target` (a path from the site root, such as `meetings/x/`) for the file
    at `here`: absolute under `base_url` when it is set, else relative to `here`."""
    if config.base_url:
        return config.base_url + target
    prefix = root_prefix(here)
    return target if prefix == "./" else prefix + target


def host(config: SiteConfig) -> str:
    """The site's host name (from base_url), or 'scrutiny' when the site has no base_url."""
    if config.base_url:
        return urlsplit(config.base_url).hostname or "scrutiny"
    return "scrutiny"


def root_prefix(path: str) -> str:
    """Relative path from a page back to the site root, so links work at any sub-path."""
    depth = path.count("/")
    return "../" * depth if depth else "./"


def relative(target: str, here: str) -> str:
    """`target` (a path from the root) as a link from the page at `here`."""
    return root_prefix(here) + target if target else root_prefix(here)
