"""Unit tests of single pipeline stages: markup, filters, atomic writing, structure checks."""

from __future__ import annotations

import datetime as dt
import tempfile
from contextlib import suppress
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrutiny.output.atomic import atomic_directory, linked_copy, listing, prune, safe_join
from scrutiny.render.environment import clock, long_date
from scrutiny.render.markdown import render_markdown
from scrutiny.render.units import number, with_unit
from scrutiny.urls import root_prefix


def test_markdown_tables_headings_and_sanitising() -> None:
    html = render_markdown(
        "# Title\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n<script>x()</script>"
        '\n\n<a href="javascript:alert(1)" onclick="x()">link</a>'
    )
    assert "<h2>Title</h2>" in html
    assert '<div class="table-scroll" role="region"' in html and "<th>a</th>" in html
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html


@pytest.mark.parametrize(
    ("time", "text"),
    [
        (dt.time(14, 0), "2pm"),
        (dt.time(10, 30), "10:30am"),
        (dt.time(12, 0), "midday"),
        (dt.time(13, 30), "1:30pm"),
        (None, ""),
    ],
)
def test_clock_uses_gov_uk_style(time: dt.time | None, text: str) -> None:
    assert clock(time) == text


def test_dates_numbers_and_units() -> None:
    assert long_date(dt.date(2017, 10, 18)) == "Wednesday 18 October 2017"
    assert number(1968) == "1,968" and number(12.0) == "12" and number(17.5) == "17.5"
    assert with_unit(52.5, "percent") == "52.5%"
    assert with_unit(6000, "gbp") == "£6,000"
    assert with_unit(1, "days") == "1 day"


def test_root_prefix_makes_links_relative() -> None:
    assert root_prefix("index.html") == "./"
    assert root_prefix("meetings/x/index.html") == "../../"


def test_atomic_directory_replaces_only_on_success(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with atomic_directory(out) as tmp:
        (tmp / "a.html").write_text("one")
    assert (out / "a.html").read_text() == "one"
    with pytest.raises(RuntimeError), atomic_directory(out) as tmp:
        (tmp / "a.html").write_text("two")
        raise RuntimeError("build failed")
    assert (out / "a.html").read_text() == "one"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


@pytest.mark.parametrize("bad", ["../x.html", "/etc/passwd", "a/../../x", "a/\x00b"])
def test_safe_join_refuses_escaping_paths(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        safe_join(tmp_path, bad)


def tree_of(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix() + ("/" if p.is_dir() else "") for p in root.rglob("*")
    )


@settings(max_examples=60, deadline=None, database=None)
@given(
    files=st.lists(
        st.lists(st.sampled_from(["a", "b", "pagefind", "2005"]), min_size=1, max_size=4),
        max_size=12,
        unique_by=tuple,
    ),
    kept=st.lists(st.booleans(), min_size=12, max_size=12),
    empty=st.lists(st.sampled_from(["a/", "b/b/", "pagefind/a/", "2005/"]), max_size=3),
)
def test_pruning_a_listing_removes_what_walking_removes(
    files: list[list[str]], kept: list[bool], empty: list[str]
) -> None:
    """A spare listed beforehand (in another process) is pruned to the same files and
    folders as one walked: kept files, folders kept whole (a search bundle, however deep),
    and no folder left empty."""
    with tempfile.TemporaryDirectory() as temporary:
        names = ["/".join(parts) + ".html" for parts in files]  # a file and a folder may clash
        trees = []
        for how in ("walked", "listed"):
            root = Path(temporary) / how
            root.mkdir()
            for name in [*names, *empty]:
                with suppress(OSError):
                    (root / name).parent.mkdir(parents=True, exist_ok=True)
                    (root / name).mkdir() if name.endswith("/") else (root / name).touch()
            keep = {name for name, wanted in zip(names, kept, strict=False) if wanted}
            keep_under = ["pagefind", "b/pagefind"]
            listed = listing(root) if how == "listed" else None
            assert how == "walked" or sorted(listed or []) == tree_of(root)
            prune(root, keep, keep_under, listed)
            trees.append(tree_of(root))
        assert trees[0] == trees[1]


def test_a_folder_that_cannot_be_listed_whole_has_no_listing(tmp_path: Path) -> None:
    assert listing(tmp_path / "moved away") is None


def test_a_linked_copy_shares_every_file_and_a_failed_one_leaves_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ["index.html", "meetings/m1/index.html", "static/css/site.css"]:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name, encoding="utf-8")
    copy = tmp_path / "cache" / "spare" / "copy"  # its folder made too (a new cache)
    assert linked_copy(site, copy)
    assert tree_of(copy) == tree_of(site)
    for name in ["index.html", "meetings/m1/index.html", "static/css/site.css"]:
        assert (copy / name).stat().st_ino == (site / name).stat().st_ino
    assert not linked_copy(tmp_path / "no such site", tmp_path / "other")
    assert not (tmp_path / "other").exists()
