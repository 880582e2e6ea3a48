"""Every URL of the site, said once.

ROUTES names each kind of URL and gives its pattern from the site root (`{key}` is an id or a
slug). Page families ask `path(name, key)` where a page or file goes (`page_file` for the
HTML file of a page); templates call `url_for(name, key)`, which is the same path made
relative to the page being drawn, so the site works at a domain root, under a sub-path and
from disk. Files read outside the site (feeds, calendars, exports) use `site_link()`,
absolute under `base_url`.

A route without its key is its family's index: `path("meeting")` is `meetings/`.
Adding a page family is one line here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from jinja2 import pass_context
from jinja2.runtime import Context

from scrutiny.config import SiteConfig

ROUTES: dict[str, str] = {
    "home": "",
    "page": "{key}/",  # content pages: about, accessibility, using-the-data
    "search": "search/",
    "static": "static/{key}",
    "pagefind": "pagefind/{key}",
    "search.meetings": "pagefind-meetings/{key}/",  # a search bundle: one year of meetings
    "search.family": "pagefind-{key}/",  # a search bundle: one family's pages (people)
    "meeting": "meetings/{key}/",
    "meeting.json": "meetings/{key}.json",
    "committee": "committees/{key}/",
    "committee.json": "committees/{key}.json",
    "committee.calendar": "committees/{key}/meetings.ics",
    "committee.meetings-feed": "committees/{key}/meetings.atom",
    "committee.decisions-feed": "committees/{key}/decisions.atom",
    "person": "people/{key}/",
    "person.json": "people/{key}.json",
    "indicator": "indicators/{key}/",
    "indicator.json": "indicators/{key}.json",
    "indicator.csv": "indicators/{key}/observations.csv",
    "recommendation": "recommendations/{key}/",
    "recommendation.json": "recommendations/{key}.json",
    "recommendations.council": "recommendations/council/{key}/",
    "recommendations.committee": "recommendations/committee/{key}/",
    "recommendations.status": "recommendations/status/{key}/",
    "dataset": "data/{key}/",
    "dataset.csv": "data/{key}.csv",
    "dataset.json": "data/{key}.json",
    "datapackage": "data/datapackage.json",
    "catalogue": "data/catalog.jsonld",
    "data.zip": "data/scrutiny-data.zip",
    "ocd.events": "data/ocd/events.json",
    "ocd.committee": "data/ocd/committees/{key}.json",
    "calendar": "meetings.ics",
    "meetings-feed": "feeds/meetings.atom",
    "decisions-feed": "feeds/decisions.atom",
    "person.feed": "people/{key}/feed.atom",  # following one item: pages/follow.py
    "indicator.feed": "indicators/{key}/feed.atom",
    "recommendation.feed": "recommendations/{key}/feed.atom",
    "database": "data/scrutiny.db",
    "source": "sources/{key}/",  # a text source document with numbered lines (its stem)
    "source.file": "sources/{key}",  # a source document as it is, under its file name
    "source.css": "sources/{key}/cited.css",  # highlights its cited ranges
}


def path(name: str, key: str | None = None) -> str:
    """Where the route `name` goes for `key`, from the site root; without a key, the index
    of its family (the part of the pattern before `{key}`)."""
    route = ROUTES[name]
    if key is None:
        return route.split("{key}", 1)[0]
    return route.format(key=key)


def page_file(name: str, key: str | None = None) -> str:
    """The HTML file that serves a page: `meetings/<id>/index.html`."""
    return f"{path(name, key)}index.html"


def key_of(name: str, file: str) -> str | None:
    """The key of the page of route `name` whose HTML file is `file`, if it is one:
    `key_of("meeting", "meetings/x/index.html")` is `x`."""
    prefix, keyed, suffix = f"{ROUTES[name]}index.html".partition("{key}")
    if not keyed or not (file.startswith(prefix) and file.endswith(suffix)):
        return None
    key = file[len(prefix) : len(file) - len(suffix)]
    return key if key and "/" not in key else None


def twin(name: str, key: str) -> str:
    """The JSON twin of an item page, beside its folder: `meetings/<id>.json`."""
    return path(f"{name}.json", key)


def feed(name: str, key: str) -> str:
    """The Atom feed of one item's page, inside its folder: `people/<id>/feed.atom`."""
    return path(f"{name}.feed", key)


def download(table: str, fmt: str) -> str:
    """An open-data download: `data/<table>.csv`, `data/<table>.json`."""
    return path(f"dataset.{fmt}", table)


def source_file(name: str) -> str:
    """A source document as published, under its own file name: `sources/<name>`."""
    return path("source.file", name)


def decision(meeting_id: str, decision_id: str) -> str:
    """A decision is an anchor on its meeting's page."""
    return f"{path('meeting', meeting_id)}#{decision_id}"


@pass_context
def url_for(context: Context, name: str, key: str | None = None) -> str:
    """In templates: the route as a link relative to the page being drawn."""
    return context["root"] + path(name, key)


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
    return root_prefix(here) + target
