"""Described tables: each resource's title and description show on the catalogue, on the
table's page and in the published datapackage.json; a missing description is a warning (the
data is still valid) naming the file, line and field."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_scrutiny

from scrutiny.cli import main

RESOURCES = yaml.safe_load((ROOT / "datasets" / "datapackage.yaml").read_text())["resources"]


def test_titles_and_descriptions_are_published(minimal_site: Path) -> None:
    catalogue = html.unescape((minimal_site / "data" / "index.html").read_text())
    package = json.loads((minimal_site / "data" / "datapackage.json").read_text())
    published = {r["name"]: r for r in package["resources"]}
    assert RESOURCES and all(r.get("description") for r in RESOURCES)
    for resource in RESOURCES:
        name, title, description = resource["name"], resource["title"], resource["description"]
        row = f'<a href="../data/{name}/">{title}</a></th>\n    <td>{description}</td>'
        assert row in catalogue
        page = html.unescape((minimal_site / "data" / name / "index.html").read_text())
        assert f'<h1>{title}</h1>\n<p class="lead">{description}</p>' in page
        assert (published[name]["title"], published[name]["description"]) == (title, description)


def test_a_missing_description_is_a_warning_not_an_error(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = minimal / "datasets" / "datapackage.yaml"
    descriptor = yaml.safe_load(package.read_text(encoding="utf-8"))
    assert descriptor["resources"][3]["name"] == "meetings"
    del descriptor["resources"][3]["description"]
    package.write_text(yaml.safe_dump(descriptor, sort_keys=False), encoding="utf-8")
    lines = package.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == "- name: meetings")

    assert main(["validate", str(minimal), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert (
        f"datasets/datapackage.yaml:{at + 1}: resources[3].description: warning: the table "
        "'meetings' has no description" in out
    )
    assert "1 warning found." in out and "tables are valid" in out

    assert main(["validate", str(minimal), "--no-cache", "--format", "json"]) == 0
    (warning,) = json.loads(capsys.readouterr().out)
    assert (warning["severity"], warning["rule"]) == ("warning", "table-described")

    assert main(["validate", str(minimal), "--no-cache", "--format", "github"]) == 0
    assert capsys.readouterr().out.startswith(
        f"::warning file=datasets/datapackage.yaml,line={at + 1},"
    )
    assert run_scrutiny("build", minimal, "--out", minimal / "_site").returncode == 0
