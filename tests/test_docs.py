"""The officer's guide in docs/ stays true: quoted error messages are what `scrutiny validate`
really prints, links between pages resolve, and the customising steps really work."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, copy_project, minimal_project, run_scrutiny
from test_broken_fixtures import broken_project

from scrutiny.cli import main

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FIXTURE_BLOCK = re.compile(r"<!-- fixture: ([\w-]+)( github)? -->\n```text\n(.*?)```", re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")
GUIDE = (DOCS / "fixing-validation-errors.md").read_text(encoding="utf-8")
QUOTED = FIXTURE_BLOCK.findall(GUIDE)


def test_the_guide_quotes_every_broken_example() -> None:
    cases = {p.name for p in (FIXTURES / "broken").iterdir() if p.is_dir()}
    assert {name for name, _, _ in QUOTED} == cases


@pytest.mark.parametrize("quoted", QUOTED, ids=[f"{n}{g}" for n, g, _ in QUOTED])
def test_quoted_messages_are_real(
    quoted: tuple[str, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, github, text = quoted
    project = broken_project(FIXTURES / "broken" / name, tmp_path)
    args = ["validate", str(project)] + (["--format", "github"] if github else [])
    assert main(args) in (1, 2)
    assert capsys.readouterr().out == text


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_links_between_pages_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor and file.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), re.M)
            anchors = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}
            assert anchor in anchors, f"{page.name} links to #{anchor} in {file.name}"


def test_the_index_links_every_page() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = {(DOCS / target.partition("#")[0]).resolve() for target in LINK.findall(index)}
    assert set(PAGES) - {DOCS / "index.md"} <= linked


def test_the_customising_steps_work(tmp_path: Path) -> None:
    """Follow docs/customising.md: a logo and a council stylesheet, set in site.yaml."""
    project = minimal_project(tmp_path / "project")
    (project / "static").mkdir()
    (project / "static" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"/>'
    )
    (project / "static" / "council.css").write_text(":root { --brand: #00703c; }\n")
    with (project / "site.yaml").open("a") as handle:
        handle.write("logo: logo.svg\nstylesheets: [council.css]\n")
    assert "stylesheets: [council.css]" in (DOCS / "customising.md").read_text(encoding="utf-8")
    out = tmp_path / "site"
    result = run_scrutiny("build", project, "--out", out)
    assert result.returncode == 0, result.stderr
    page = (out / "meetings" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../static/council.css">' in page
    assert '<img src="../static/logo.svg" alt=""' in page
    assert (out / "static" / "council.css").is_file()
    assert (out / "static" / "scrutiny.css").is_file()
    shutil.rmtree(out)


WALKTHROUGH = re.compile(r"<!-- walkthrough -->\n```sh\n(.*?)```", re.S)


def test_the_publishing_walkthrough_works_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command of docs/publishing-a-meeting.md's walkthrough, on a copy of the example
    project: each succeeds, the project stays valid, and the ids the guide shows are made."""
    guide = (DOCS / "publishing-a-meeting.md").read_text(encoding="utf-8")
    block = WALKTHROUGH.search(guide).group(1).replace("\\\n", " ")
    project = copy_project(ROOT, tmp_path / "project")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "minutes.md").write_text("## 1. Minutes\n\nConfirmed.\n", encoding="utf-8")
    for command in block.strip().splitlines():
        args = shlex.split(command)
        assert args[0] == "scrutiny"
        assert main([*args[1:], str(project)]) == 0, capsys.readouterr().err
    assert main(["validate", str(project)]) == 0
    decisions = (project / "datasets" / "decisions.csv").read_text(encoding="utf-8")
    shown = re.findall(r"^(leicestershire-[\w-]+-2030-03-11-\d+-\w+),", guide, re.M)
    assert shown and all(f"\n{d}," in decisions for d in shown)
    attendance = (project / "datasets" / "attendance.csv").read_text(encoding="utf-8")
    assert ",b-seaton,B. Seaton,member,apologies,,replaced by P. Bremner," in attendance
    assert ",p-bremner,P. Bremner,substitute,present,b-seaton,," in attendance
