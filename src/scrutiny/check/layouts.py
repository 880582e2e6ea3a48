"""One page of each layout: what a slow check (a browser) visits to cover every kind of page.

Most of a site's pages differ from a sibling only in their text: 293 indicator pages share a
handful of layouts (with a chart or without, with benchmarks or without). A page's layout is
its template, read from its path (`indicators/*/index.html`), and the set of element kinds it
holds: each element's tag, parent tag, class, role and attribute names, without their text or
values. Two pages with the same layout put the same markup through the same style sheet, so a
check of markup and layout (axe-core, keyboard, reflow, no-JS) that passes on one passes on
the other unless their text alone breaks it. The page chosen for a layout is its largest: the
longest tables and names, the most links.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

# Elements with no end tag.
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)

Layout = tuple[str, frozenset[tuple[str, ...]]]


class _ElementKinds(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.kinds: set[tuple[str, ...]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        parent = self.open[-1] if self.open else ""
        names = " ".join(sorted(values))
        self.kinds.add((parent, tag, values.get("class") or "", values.get("role") or "", names))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def template_of(path: str) -> str:
    """`indicators/cla-rate/index.html` -> `indicators/*/index.html`: the page's template."""
    parts = path.split("/")
    return "/".join([parts[0], *["*"] * (len(parts) - 2), parts[-1]]) if len(parts) > 2 else path


def layout_of(site: Path, path: str) -> Layout:
    parser = _ElementKinds()
    parser.feed((site / path).read_text(encoding="utf-8"))
    return template_of(path), frozenset(parser.kinds)


def layouts(site: Path) -> dict[Layout, list[str]]:
    """Every HTML page of a built site (paths relative to it), grouped by layout."""
    grouped: dict[Layout, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        path = page.relative_to(site).as_posix()
        grouped.setdefault(layout_of(site, path), []).append(path)
    return grouped


def one_page_per_layout(site: Path) -> list[str]:
    """The largest page of each layout, sorted by path."""
    return sorted(
        max(paths, key=lambda path: ((site / path).stat().st_size, path))
        for paths in layouts(site).values()
    )
