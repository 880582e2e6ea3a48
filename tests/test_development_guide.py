"""The developer's guide (docs/development/index.md) stays true: its worked examples are read
from the page and run here, so a change that breaks one breaks this test."""

from __future__ import annotations

import csv
import re
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, copy_project
from test_family_reads import reads

from scrutiny import config, reference, urls
from scrutiny import pages as pages_package
from scrutiny.build import load_inputs
from scrutiny.outputs import Page
from scrutiny.problems import ProjectError
from scrutiny.project import Project
from scrutiny.render.environment import make_environment, render_page
from scrutiny.validate import rules, validate_project

GUIDE = ROOT / "docs" / "development" / "index.md"
EXAMPLE = re.compile(r"<!-- example: (.+?) -->\n```\w*\n(.*?)```", re.S)


def examples() -> dict[str, str]:
    return dict(EXAMPLE.findall(GUIDE.read_text(encoding="utf-8")))


def add_table_as_the_guide_says(project: Path) -> None:
    """The guide's three files for a new table, written into a project."""
    given = examples()
    datasets = project / "datasets"
    (datasets / "grants.csv").write_text(given["grants.csv"], encoding="utf-8")
    (datasets / "schemas" / "grants.schema.yaml").write_text(
        given["grants.schema.yaml"], encoding="utf-8"
    )
    package = datasets / "datapackage.yaml"
    text = package.read_text(encoding="utf-8")
    package.write_text(text.replace("resources:\n", "resources:\n" + given["datapackage entry"], 1))


def test_the_guide_has_every_example() -> None:
    assert set(examples()) == {
        "grants.csv",
        "grants.schema.yaml",
        "datapackage entry",
        "route",
        "pages/councils.py",
        "templates/council.html",
        "registration",
        "rule",
        "setting",
    }


def test_the_page_family_example_draws_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = examples()
    name, pattern = re.fullmatch(r'\s*"(.+)": "(.+)",\s*', given["route"]).groups()
    monkeypatch.setitem(urls.ROUTES, name, pattern)
    family: dict = {}
    exec(compile(given["pages/councils.py"], "pages/councils.py", "exec"), family)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "council.html").write_text(given["templates/council.html"], encoding="utf-8")
    inputs = load_inputs(Project.at(ROOT))
    pages = list(family["pages"](inputs))
    assert [p.path for p in pages] == [f"councils/{c}/index.html" for c in inputs.model.councils]
    env = make_environment(templates, inputs.config)
    lancashire = next(p for p in pages if p.path.startswith("councils/lancashire/"))
    assert isinstance(lancashire, Page) and lancashire.searchable
    html = render_page(env, lancashire).decode("utf-8")
    assert "<h1>Lancashire County Council</h1>" in html
    link = '<a href="../../committees/lancashire-childrens-services-scrutiny/">'
    assert link + "Children's Services Scrutiny Committee</a>" in html.replace("&#39;", "'")
    councils = types.SimpleNamespace(pages=family["pages"])
    registered = eval(given["registration"].strip().rstrip(","), vars(pages_package), locals())
    assert reads(registered, inputs) == registered.made_from  # the declaration is right


def test_the_rule_example_is_the_real_rule_and_finds_its_row(tmp_path: Path) -> None:
    given = examples()["rule"]
    assert given in (ROOT / "src" / "scrutiny" / "validate" / "rules.py").read_text()
    assert rules.updates_after_recommendation in rules.RULES
    project = copy_project(ROOT, tmp_path / "project")
    with (project / "datasets" / "recommendations.csv").open(encoding="utf-8") as handle:
        dated = {r["recommendation_id"] for r in csv.DictReader(handle) if r["made_on"]}
    updates = project / "datasets" / "recommendation_updates.csv"
    lines = updates.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines[1:], 2) if line.split(",")[0] in dated)
    rec_id, _, rest = lines[number - 1].split(",", 2)  # recommendation_id,as_at,...
    lines[number - 1] = f"{rec_id},2001-01-01,{rest}"
    updates.write_text("".join(lines), encoding="utf-8")
    problems = validate_project(Project.at(project), use_cache=False).problems
    assert [(p.path, p.line, p.field, p.rule) for p in problems] == [
        ("datasets/recommendation_updates.csv", number, "as_at", "updates-after-recommendation")
    ]


def test_the_setting_example_is_read_checked_and_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    declared: dict = {}
    source = "class WithNotice(SiteConfig):\n" + examples()["setting"]
    exec(
        compile(source, "config.py", "exec"),
        vars(config) | {"SiteConfig": config.SiteConfig},
        declared,
    )
    extended = dataclass(frozen=True, kw_only=True)(declared["WithNotice"])
    monkeypatch.setattr(config, "SiteConfig", extended)
    monkeypatch.setattr(reference, "SiteConfig", extended)
    site = tmp_path / "site.yaml"
    required = "title: T\npublisher: P\ncontact_email: a@b.org\n"
    site.write_text(required + "notice: 'Beta: a new service'\n", encoding="utf-8")
    assert config.load_config(site).notice == "Beta: a new service"
    site.write_text(required + "notice: [1, 2]\n", encoding="utf-8")
    with pytest.raises(ProjectError) as error:
        config.load_config(site)
    assert [p.field for p in error.value.problems] == ["notice"]
    assert "such as a beta banner" in reference.render_settings()
