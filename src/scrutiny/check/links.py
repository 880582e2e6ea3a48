"""Every internal link and asset of a built site resolves, every #anchor exists, and nothing a
page loads (scripts, stylesheets, images, fonts) comes from another host."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

SITE = "http://site.invalid/under/a/sub-path/"  # wherever the site is published

# (tag, attribute) pairs whose URL the browser loads by itself: these must be on the site.
LOADED = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
    ("image", "href"),
    ("image", "xlink:href"),
    ("use", "href"),
    ("use", "xlink:href"),
}
LOADED_LINK_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "preload",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
    "mask-icon",
    "prefetch",
}
FOLLOWED = {
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("form", "action"),
    ("blockquote", "cite"),
    ("q", "cite"),
    ("del", "cite"),
    ("ins", "cite"),
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


@dataclass
class Parsed:
    ids: set[str] = field(default_factory=set)
    refs: list[tuple[str, str, bool]] = field(default_factory=list)  # (where, url, loaded)


class _Collector(HTMLParser):
    def __init__(self, parsed: Parsed) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = parsed

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.parsed.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.parsed.ids.add(values["name"])
        rels = set(values.get("rel", "").lower().split())
        for name, value in values.items():
            if (tag, name) in LOADED or (
                tag == "link" and name == "href" and rels & LOADED_LINK_RELS
            ):
                urls = (
                    [u.split()[0] for u in value.split(",") if u.strip()]
                    if "srcset" in name
                    else [value]
                )
                self.parsed.refs += [(f"<{tag} {name}>", u.strip(), True) for u in urls]
            elif (tag, name) in FOLLOWED:
                self.parsed.refs.append((f"<{tag} {name}>", value.strip(), False))
            if name == "style":
                self.parsed.refs += [(f"<{tag} style>", u, True) for u in _css_urls(value)]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _css_urls(css: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(css)]


class LinkChecker:
    """Checks the pages of one built site, parsing each file once (targets are shared)."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self._parsed: dict[Path, Parsed] = {}

    def parse(self, path: Path) -> Parsed:
        if path not in self._parsed:
            parsed = Parsed()
            text = path.read_text("utf-8", errors="replace")
            if path.suffix == ".css":
                parsed.refs = [("url() in CSS", u, True) for u in _css_urls(text)]
            else:
                _Collector(parsed).feed(text)
            self._parsed[path] = parsed
        return self._parsed[path]

    def problems_in(self, path: Path) -> list[str]:
        """What is wrong with the links and assets of one page (or stylesheet)."""
        site = self.site
        here = SITE + path.relative_to(site).as_posix()
        problems = []
        for where, url, loaded in self.parse(path).refs:
            target = urljoin(here, url)
            parts = urlsplit(target)
            if parts.scheme in ("mailto", "tel") and not loaded:
                continue
            if parts.scheme == "data" and loaded:
                continue
            if parts.netloc == urlsplit(SITE).netloc and not target.startswith(SITE):
                problems.append(f"{where} {url!r} points outside the site")
                continue
            if not target.startswith(SITE):
                if loaded:
                    problems.append(
                        f"{where} {url!r} is not served by the site: it is loaded from the network"
                    )
                elif parts.scheme not in ("http", "https"):
                    problems.append(f"{where} {url!r} is not served by the site")
                continue
            relative = unquote(parts.path[len(urlsplit(SITE).path) :])
            file = site / relative
            if relative == "" or relative.endswith("/") or file.is_dir():
                file = file / "index.html"
            if not file.is_file():
                problems.append(f"{where} {url!r}: no {file.relative_to(site)} in the build")
                continue
            if parts.fragment and file.suffix == ".html":
                anchor = unquote(parts.fragment)
                if anchor != "top" and anchor not in self.parse(file).ids:
                    problems.append(
                        f"{where} {url!r}: no id {anchor!r} on {file.relative_to(site)}"
                    )
        return problems


def site_files(site: Path) -> list[Path]:
    """The pages and stylesheets of a built site, in a stable order."""
    return sorted([*site.rglob("*.html"), *site.rglob("*.css")])


def site_problems(site: Path) -> list[str]:
    """`page: problem` for every broken link, anchor and off-site asset in the site."""
    checker = LinkChecker(site)
    return [f"{f.relative_to(site)}: {p}" for f in site_files(site) for p in checker.problems_in(f)]
