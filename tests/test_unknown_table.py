"""A table is declared once, as CSV + Table Schema + datapackage.yaml entry: a table the code
has never heard of (the developer's guide's example) reaches the model, every download, the
catalogue, its dataset page and the field reference, with no Python written for it."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_scrutiny
from test_development_guide import add_table_as_the_guide_says, examples

from scrutiny.project import Project
from scrutiny.reference import render
from scrutiny.schema.package import load_package


@pytest.fixture(scope="module")
def grants_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("unknown-table")
    project = copy_project(ROOT, base / "project")
    add_table_as_the_guide_says(project)
    out = base / "_site"
    result = run_scrutiny("build", project, "--out", out)
    assert result.returncode == 0, result.stderr
    return project, out


def test_downloads_have_every_row(grants_site: tuple[Path, Path]) -> None:
    _, out = grants_site
    assert (out / "data" / "grants.csv").read_text(encoding="utf-8") == examples()["grants.csv"]
    rows = json.loads((out / "data" / "grants.json").read_text(encoding="utf-8"))
    assert [r["grant_id"] for r in rows] == ["g-1", "g-2"]
    assert rows[0]["amount"] == 1500.5 and rows[0]["awarded_on"] == "2018-04-01"
    assert rows[1]["purpose"] == "Reading scheme, summer"


def test_data_package_catalogue_and_zip_list_it(grants_site: tuple[Path, Path]) -> None:
    _, out = grants_site
    descriptor = json.loads((out / "data" / "datapackage.json").read_text())
    grants = next(r for r in descriptor["resources"] if r["name"] == "grants")
    assert grants["title"] == "Small grants"
    assert [f["name"] for f in grants["schema"]["fields"]][:2] == ["grant_id", "council_id"]
    catalogue = (out / "data" / "index.html").read_text()
    assert 'href="../data/grants/"' in catalogue and "Small grants" in catalogue
    dcat = (out / "data" / "catalog.jsonld").read_text()
    assert "grants.csv" in dcat
    with zipfile.ZipFile(out / "data" / "scrutiny-data.zip") as zipped:
        assert any(name.endswith("grants.csv") for name in zipped.namelist())


def test_dataset_page_shows_fields_and_rows(grants_site: tuple[Path, Path]) -> None:
    _, out = grants_site
    page = (out / "data" / "grants" / "index.html").read_text()
    for text in ("grant_id", "awarded_on", "Amount in pounds.", "Youth club refurbishment"):
        assert text in page
    assert "councils" in page  # the join is documented


def test_field_reference_documents_it(grants_site: tuple[Path, Path]) -> None:
    project, _ = grants_site
    reference = render(load_package(Project.at(project)))
    assert "grants" in reference and "What it pays for." in reference


def test_catalogue_counts_its_rows(grants_site: tuple[Path, Path]) -> None:
    _, out = grants_site
    catalogue = (out / "data" / "index.html").read_text()
    row = next(r for r in catalogue.split("<tr") if 'href="../data/grants/"' in r)
    assert ">2<" in row.replace(" ", "")


def test_database_has_it_with_its_foreign_key(grants_site: tuple[Path, Path]) -> None:
    _, out = grants_site
    with sqlite3.connect(out / "data" / "scrutiny.db") as db:
        assert db.execute("select count(*) from grants").fetchone() == (2,)
        keys = db.execute("pragma foreign_key_list(grants)").fetchall()
        assert [(k[2], k[3], k[4]) for k in keys] == [("councils", "council_id", "council_id")]
        assert db.execute("pragma foreign_key_check").fetchall() == []


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        ("the purpose", "'the purpose' has a character a field name cannot have", "`start_time`"),
        ("purpose-text", "has a character a field name cannot have", "rename the column"),
        ("_purpose", "has a character a field name cannot have", "starting with a letter"),
        ("class", "'class' is a reserved word", "such as `class_name`"),
        ("table", "'table' is a reserved word", "such as `table_name`"),
    ],
)
def test_a_field_name_records_cannot_have_is_a_problem_not_a_crash(
    tmp_path: Path, name: str, message: str, hint: str
) -> None:
    """A field is an attribute of its table's records and a name in templates: a name that
    cannot be one is reported at its place in the schema, with how to fix it."""
    project = copy_project(ROOT, tmp_path / "project")
    add_table_as_the_guide_says(project)
    for file in ("grants.csv", "schemas/grants.schema.yaml"):
        path = project / "datasets" / file
        path.write_text(path.read_text(encoding="utf-8").replace("purpose", name), "utf-8")
    result = run_scrutiny("build", project, "--out", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "datasets/schemas/grants.schema.yaml: fields[4].name:" in result.stderr
    assert message in result.stderr and hint in result.stderr
    assert not (tmp_path / "out").exists()
