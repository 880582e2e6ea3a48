"""The browser sweep visits one page of each layout (scrutiny.check.layouts): pages that differ
only in their text share a layout; a new element kind, class, role or attribute, or another
template, makes another."""

from __future__ import annotations

from pathlib import Path

from scrutiny.check.layouts import layouts, one_page_per_layout, template_of

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<main><h1>{title}</h1><p>{text}</p>{extra}</main></body></html>"""


def write(site: Path, path: str, title: str = "A", text: str = "x", extra: str = "") -> None:
    page = site / path
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(PAGE.format(title=title, text=text, extra=extra), "utf-8")


def test_a_pages_template_is_its_path_with_the_names_starred() -> None:
    assert template_of("index.html") == "index.html"
    assert template_of("about/index.html") == "about/index.html"
    assert template_of("indicators/cla-rate/index.html") == "indicators/*/index.html"
    assert template_of("recommendations/2024/r-1/index.html") == "recommendations/*/*/index.html"


def test_pages_differing_only_in_text_share_a_layout_and_the_largest_stands_for_them(
    tmp_path: Path,
) -> None:
    write(tmp_path, "people/a/index.html", "Ann", "short")
    write(tmp_path, "people/b/index.html", "Bo", "a much longer paragraph of text " * 20)
    write(tmp_path, "people/c/index.html", "Cy", "mid", '<img src="c.png" alt="Cy">')
    write(tmp_path, "people/d/index.html", "Di", "x", '<p class="rag red" role="note">R</p>')
    write(tmp_path, "meetings/a/index.html", "Ann", "short")

    grouped = layouts(tmp_path)

    assert sorted(map(sorted, grouped.values())) == [
        ["meetings/a/index.html"],
        ["people/a/index.html", "people/b/index.html"],
        ["people/c/index.html"],
        ["people/d/index.html"],
    ]
    assert one_page_per_layout(tmp_path) == [
        "meetings/a/index.html",
        "people/b/index.html",
        "people/c/index.html",
        "people/d/index.html",
    ]


def test_an_attribute_or_a_new_parent_is_another_layout(tmp_path: Path) -> None:
    write(tmp_path, "a/x/index.html", extra='<a href="/">home</a>')
    write(tmp_path, "a/y/index.html", extra='<a href="/" aria-current="page">home</a>')
    write(tmp_path, "a/z/index.html", extra='<div><a href="/">home</a></div>')
    assert len(layouts(tmp_path)) == 3


def test_the_example_sites_pages_fall_into_far_fewer_layouts(example_site: Path) -> None:
    grouped = layouts(example_site)
    pages = sum(map(len, grouped.values()))
    indicator_layouts = [paths for (t, _), paths in grouped.items() if t.startswith("indicators/*")]
    assert pages > 500
    assert 1 < len(indicator_layouts) < 20
    assert len(grouped) < pages / 4
