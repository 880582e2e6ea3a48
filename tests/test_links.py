"""Every internal link and asset in the built site resolves, every #anchor exists, and nothing
the pages load (scripts, stylesheets, images, fonts) comes from another host. The checker is
scrutiny's own (`scrutiny check` runs it on any council's site): scrutiny/check/links.py."""

from __future__ import annotations

from pathlib import Path

from scrutiny.check.links import site_problems


def test_every_link_asset_and_anchor_resolves(example_site: Path) -> None:
    problems = site_problems(example_site)
    assert not problems, f"{len(problems)} broken link(s):\n" + "\n".join(problems[:100])


def test_the_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h1 id="top-heading">A</h1>', "utf-8")
    (tmp_path / "style.css").write_text("@font-face { src: url(https://fonts.example/f.woff2) }")
    (tmp_path / "index.html").write_text(
        '<a href="a/">fine</a> <a href="a/#top-heading">fine</a> <a href="#here" id="here">ok</a>'
        ' <a href="https://example.org/">external page, fine</a>'
        ' <a href="missing/">missing page</a> <a href="a/#nowhere">missing anchor</a>'
        ' <img src="https://cdn.example/x.png" alt="x"> <script src="//cdn.example/x.js"></script>'
        ' <link rel="stylesheet" href="style.css"> <a href="../../etc/passwd">escape</a>',
        "utf-8",
    )
    problems = site_problems(tmp_path)
    assert len(problems) == 6, problems
    text = "\n".join(problems)
    for expected in (
        "no missing/index.html",
        "no id 'nowhere'",
        "'https://cdn.example/x.png' is not",
        "'//cdn.example/x.js' is not",
        "fonts.example",
        "outside the site",
    ):
        assert expected in text, (expected, problems)
